"""The auditors' console (审计): read-only pages over the audit chains of a case (issue 7).

- ``timeline``: the events of a case's chains as rows a person reads (labels, old → new, acting for);
- ``history``: the case as it stood at an instant, and the chain verification of one case;
- ``views``: the pages (finder, timeline, as of, verification, bundle download), GET only.
The ZIP bundle is built by ``cases.audit.bundle``; it is checked offline by ``cases.audit.offline_verify``.
"""
