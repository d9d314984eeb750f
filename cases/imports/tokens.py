"""Per-unit API tokens for units' systems (issue 8 item 4).

A token reads ``cr_<prefix>_<secret>``. The prefix is stored in clear and indexed; the secret
(32 random bytes) only as its SHA-256: it is high-entropy, so a slow password hash adds nothing, and
each request costs one indexed lookup. The whole token is shown once, at issue.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.audit.services import audit_record
from cases.errors import Conflict, ValidationFailed
from cases.locking import for_update
from cases.models import ApiToken, StaffProfile, Unit

PREFIX = "cr"
Scope = ApiToken.Scope


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_issue(*, actor, unit: Unit, name: str, scopes: list[str]) -> tuple[ApiToken, str]:
    """Issue a token for ``unit`` with ``scopes``; return it and the clear token (shown once)."""
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = [("required", _("This field is required."))]
    unknown = [s for s in scopes if s not in Scope.values]
    if not scopes or unknown:
        errors["scopes"] = [("invalid_choice", _("Choose one or more of: %(scopes)s.") % {"scopes": ", ".join(Scope.values)})]
    if errors:
        raise ValidationFailed(fields=errors)
    if ApiToken.objects.filter(unit=unit, name=name).exists():
        raise Conflict(_("This unit already has a token with this name."), code="token_exists")
    prefix = secrets.token_hex(5)
    secret = secrets.token_urlsafe(32)
    user = get_user_model().objects.create_user(username=f"api:{unit.code}:{prefix}"[:150], password=None)
    # The account acts for the unit in the services' membership checks (feedback goes through the
    # entry services); it holds no group, so it never sees the unit's queue, and only the token
    # authentication of the import endpoints ever signs it in.
    StaffProfile.objects.create(user=user, unit=unit, role=StaffProfile.Role.OFFICER)
    token = ApiToken.objects.create(unit=unit, name=name, prefix=prefix, secret_hash=_hash(secret),
                                    scopes=sorted(set(scopes)), user=user, created_by=actor)
    audit_record(action="api_token.issue", obj=token, actor=actor, actor_unit=unit,
                 changes={"name": [None, name], "scopes": [None, token.scopes], "unit": [None, unit.code]})
    return token, f"{PREFIX}_{prefix}_{secret}"


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken, reason: str = "") -> ApiToken:
    """Revoked at once and for good: the service account is switched off too."""
    token = for_update(ApiToken.objects).get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        get_user_model().objects.filter(pk=token.user_id).update(is_active=False)
        audit_record(action="api_token.revoke", obj=token, actor=actor, actor_unit=token.unit,
                     changes={"revoked_at": [None, token.revoked_at]}, reason=reason)
    return token


def api_token_authenticate(raw: str) -> ApiToken | None:
    """The active token ``raw`` stands for, or None. Records when it was last used (at most once a
    minute, so a busy system does not write on every request)."""
    parts = (raw or "").split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX:
        return None
    token = (
        ApiToken.objects.select_related("unit", "unit__region", "user", "user__staff", "user__staff__unit")
        .filter(prefix=parts[1], revoked_at__isnull=True).first()
    )
    if token is None or not hmac.compare_digest(token.secret_hash, _hash(parts[2])) or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
