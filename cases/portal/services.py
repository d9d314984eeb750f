"""The portal's own writes: a subject's account. Filing and following cases use the intake,
objection and repair services directly (cases/services/), exactly as the public API does."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from cases.audit.services import audit_record


@transaction.atomic
def portal_account_create(*, username: str, password: str, name: str, email: str = ""):
    """A subject's portal account: a user without a staff profile, so it acts in no unit's queue
    and sees only the cases it filed (cases.portal.selectors.my_cases)."""
    user = get_user_model().objects.create_user(username=username, password=password, first_name=name,
                                                email=email or "")
    audit_record(action="portal.account_create", obj=user, actor=None,
                 changes={"username": [None, username], "name": [None, name]})
    return user
