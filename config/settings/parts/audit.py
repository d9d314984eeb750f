"""Settings owned by the audit area; star-imported at the end of base.py."""

# Auditors change nothing: cases.audit.console.readonly refuses their unsafe requests everywhere
# except these URL names (their own session: sign in and out, the language).
AUDITOR_WRITE_ALLOWED_URL_NAMES = ("login", "logout", "set_language")
AUDIT_MIDDLEWARE = ["cases.audit.console.readonly.AuditorReadOnlyMiddleware"]
