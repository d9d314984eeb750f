"""``manage.py check --deploy``: is the audit trail out of the application's reach? (docs/adr/0006)"""

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from .roles import reach_over_audit


@register(Tags.security, deploy=True)
def audit_trail_out_of_reach(app_configs=None, **kwargs):
    messages = []
    try:
        reach = reach_over_audit(connections[DEFAULT_DB_ALIAS])
    except DatabaseError:
        reach = []  # no database to ask (e.g. a build step): nothing to say
    if reach:
        messages.append(Warning(
            "THE APPLICATION CAN REWRITE THE AUDIT TRAIL: its database role " + "; ".join(reach) + ".",
            hint="Connect the application (DATABASE_URL) as a role that owns nothing, keep the owner in "
                 "DATABASE_OWNER_URL for migrate only, and run `manage.py db_grant_app_role` "
                 "(docs/operations.md, 'Two database roles').",
            id="audit.W001",
        ))
    key = getattr(settings, "AUDIT_ANCHOR_KEY", "")
    if len(key) < 32:
        messages.append(Warning(
            "AUDIT_ANCHOR_KEY is not set: backups are made without a signed anchor file." if not key else
            "AUDIT_ANCHOR_KEY is too short to sign the backups' anchor files (at least 32 random characters).",
            hint="Set it to a random value (python3 -c 'import secrets; print(secrets.token_hex(32))') "
                 "and keep a copy with whoever verifies backups.",
            id="audit.W002",
        ))
    return messages
