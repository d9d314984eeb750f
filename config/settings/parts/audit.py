"""Settings owned by the audit area; star-imported at the end of base.py."""

# Auditors change nothing: cases.audit.console.readonly refuses their unsafe requests everywhere
# except these URL names: their own session (sign in and out, the language), and the batch status
# check, a read sent as POST because 1,000 codes do not fit in an address (auditors screen too).
AUDITOR_WRITE_ALLOWED_URL_NAMES = ("login", "logout", "set_language", "status-batch")
AUDIT_MIDDLEWARE = ["cases.audit.console.readonly.AuditorReadOnlyMiddleware"]

# --- issue 17 item 6: the audit trail out of the application's reach (docs/adr/0006) ---
import environ as _environ  # noqa: E402

_env = _environ.Env()
# The owner role (owns the tables, runs migrations). `manage.py migrate` connects with it when set
# and then grants the application role (DATABASE_URL's user) its rights; nothing else uses it.
DATABASE_OWNER = _env.db("DATABASE_OWNER_URL") if _env.str("DATABASE_OWNER_URL", default="") else None
# The key that signs the anchor file written with every backup (HMAC-SHA256); the verifier needs it.
AUDIT_ANCHOR_KEY = _env.str("AUDIT_ANCHOR_KEY", default="")
# --- end issue 17 item 6 ---
