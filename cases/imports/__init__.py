"""Inbound bulk data from units' own systems and exports for the credit lead office (issue 8 items 4-5).

- tokens.py       per-unit API tokens: issue, revoke, authenticate (DRF class in cases/api/imports.py)
- parsing.py      CSV / JSON / XLSX → (line, row dict), streamed
- messages.py     the row error codes and their messages (rendered in the reader's language)
- validation.py   row validators for entries and feedback (pure, with lookups passed in)
- jobs.py         job submission, the run (Celery ``imports.run``), progress, error report
- entries.py      the set-based entry writer (COPY → temp staging table → INSERT … SELECT), one
                  audited ImportBatch per chunk (docs/adr/0005-import-batch-audit.md)
- feedback.py     measure execution feedback, through the entry services
- flows.py        listing flows of imported drafts, started after commit in chunks
"""
