"""The case bundle (案卷包): one ZIP an auditor takes away and anyone can verify offline.

    manifest.json        the case, the chains with their heads at export, every file with its SHA-256
                         and the audit event that recorded that hash
    chain/events.json    every event of every chain of the case: the hashed payload and its hash
    chain/anchors.json   the anchors covering those chains (payload and hash)
    timeline.json/.html  the readable timeline (the HTML is rendered from the JSON by the verifier's
                         own function, so the verifier can prove it did not drift)
    letters/, attachments/   the letters (signed PDFs) and the applicant's material
    verify_bundle.py     ``cases/audit/offline_verify.py``, standard library only
    README.txt           how to verify

Building it reads only; nothing is written to the database (the export is logged).
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
import zipfile
from pathlib import Path

from django.utils import timezone, translation

from . import offline_verify as ov
from .console.history import attachment_attestation, case_attachments, case_letters, letter_attestation
from .console.timeline import rows_for, timeline_document
from .external import anchor_record
from .hashing import event_payload_of
from .selectors import AuditCase, case_events, chain_heads, covering_anchors

logger = logging.getLogger(__name__)
VERIFIER_SOURCE = Path(ov.__file__)
_UNSAFE = re.compile(r"[\\/:*?\"<>|\x00-\x1f]+")


def _safe(name: str) -> str:
    cleaned = _UNSAFE.sub("_", name).strip(" .") or "file"
    return cleaned[:120]


def bundle_filename(case: AuditCase) -> str:
    return f"audit-bundle-{case.reference}.zip"


def _anchor_item(anchor) -> dict:
    # The same item every external copy of an anchor carries (platform push, backup anchor file).
    return anchor_record(anchor)


def bundle_build(*, case: AuditCase, exported_by: str, facts: list, language: str | None = None):
    """Write the bundle into a temporary file and return it (open, at position 0)."""
    language = language or translation.get_language() or "zh-hans"
    # The heads first, then the events up to them: a case moving during the export does not make
    # the bundle disagree with itself, while a chain whose head is ahead of its events (rows
    # removed from its end) is declared as it is, for the verifier to find.
    heads = {name: {"seq": h.seq, "hash": h.hash} for name, h in chain_heads(case.chain_names).items()}
    events = [e for e in case_events(case) if e.chain not in heads or e.seq <= heads[e.chain]["seq"]]
    proof = sorted(events, key=lambda e: (e.chain, e.seq))
    first = min((e.occurred_at for e in events), default=None)
    anchors = covering_anchors(case.chain_names, since=first)
    rows = rows_for(case, events)
    # Round-tripped through JSON, so the HTML rendered here is exactly what the verifier renders
    # from timeline.json.
    timeline = json.loads(ov.dumps(timeline_document(case, rows, language=language, facts=facts)))

    files, blobs = [], []
    for letter in case_letters(case):
        attested = letter_attestation(letter, events)
        with letter.pdf.open("rb") as fh:
            data = fh.read()
        path = f"letters/{letter.pk}-{_safe(letter.document_number or letter.title)}.pdf"
        files.append({"path": path, "kind": "letter", "sha256": ov.sha256(data), "size": len(data),
                      "title": letter.title, "document_number": letter.document_number,
                      "attested_by": {"chain": attested[0], "seq": attested[1]} if attested else None})
        blobs.append((path, data))
    for attachment in case_attachments(case):
        attested = attachment_attestation(attachment, events)
        with attachment.file.open("rb") as fh:
            data = fh.read()
        path = f"attachments/{attachment.pk}-{_safe(attachment.original_name)}"
        files.append({"path": path, "kind": "attachment", "sha256": ov.sha256(data), "size": len(data),
                      "title": attachment.get_kind_display(),
                      "attested_by": {"chain": attested[0], "seq": attested[1]} if attested else None})
        blobs.append((path, data))

    manifest = {
        "format": ov.FORMAT,
        "case": {"kind": case.kind, "reference": case.reference, "id": case.obj.pk},
        "exported_at": timezone.localtime().isoformat(timespec="seconds"),
        "exported_by": exported_by,
        "chains": [{"chain": c.chain, "role": c.role} for c in case.chains],
        "heads": {name: heads.get(name, {"seq": 0, "hash": ""}) for name in case.chain_names},
        "files": files,
    }
    out = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(ov.README, ov.render_readme(manifest))
        archive.writestr(ov.VERIFIER, VERIFIER_SOURCE.read_bytes())
        archive.writestr(ov.MANIFEST, ov.dumps(manifest))
        archive.writestr(ov.EVENTS, ov.dumps([{"payload": event_payload_of(e), "hash": e.hash} for e in proof]))
        archive.writestr(ov.ANCHORS, ov.dumps([_anchor_item(a) for a in anchors]))
        archive.writestr(ov.TIMELINE_JSON, ov.dumps(timeline))
        archive.writestr(ov.TIMELINE_HTML, ov.render_html(timeline))
        for path, data in blobs:
            archive.writestr(path, data)
    out.seek(0)
    logger.info("audit bundle exported", extra={"case": case.reference, "exported_by": exported_by,
                                                "events": len(proof), "files": len(files)})
    return out
