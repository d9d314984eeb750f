"""Settings owned by the imports area (issue 8 items 4-5); star-imported at the end of base.py."""

import environ

_env = environ.Env()

# Start the listing flows of imported drafts as soon as the job is done (else only the beat sweep does).
IMPORTS_FLOWS_AUTOSTART = _env.bool("IMPORTS_FLOWS_AUTOSTART", default=True)
# Uploads of up to 100,000 rows: allow request bodies that large (DATA_UPLOAD_MAX_MEMORY_SIZE does
# not count multipart files, but a raw CSV/JSON body is counted).
IMPORTS_MAX_BYTES = _env.int("IMPORTS_MAX_BYTES", default=200 * 1024 * 1024)

# Uploaded import files are deleted this long after their job finished (the rows, the bad-row
# report and the file's SHA-256 stay).
IMPORTS_FILE_RETENTION_DAYS = _env.int("IMPORTS_FILE_RETENTION_DAYS", default=90)
# Files uploaded to portal filings never submitted are deleted after this many untouched days.
PORTAL_DRAFT_RETENTION_DAYS = _env.int("PORTAL_DRAFT_RETENTION_DAYS", default=7)

IMPORTS_BEAT_SCHEDULE = {
    # Listing flows of imported drafts that a crashed worker did not start.
    "imports-start-flows": {"task": "imports.start_flows", "schedule": _env.int("IMPORTS_FLOW_SWEEP_SECONDS", default=300)},
    "imports-purge-files": {"task": "imports.purge_files", "schedule": 24 * 3600},
    "portal-drafts-sweep": {"task": "portal.drafts_sweep", "schedule": 3600},
}
