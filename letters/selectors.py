"""Reads of letters, scoped to who asks."""

from __future__ import annotations

from cases.models import StaffProfile

from .models import Letter


def letters_visible_to(user):
    """Letters a staff member may read and download.

    Officers and leaders: their own unit's letters. Auditors: the letters of every unit in their
    scope region and below (their unit's region when no scope is set). Everyone else: none — the
    subject's own access comes with the portal.
    """
    base = Letter.objects.select_related("unit", "subject")
    if user is None or not user.is_authenticated:
        return base.none()
    staff = getattr(user, "staff", None)
    if staff is None:
        return base.none()
    if staff.role in (StaffProfile.Role.OFFICER, StaffProfile.Role.LEADER):
        return base.filter(unit_id=staff.unit_id)
    if staff.role == StaffProfile.Role.AUDITOR:
        region = staff.scope_region or staff.unit.region
        return base.filter(unit__region__code__startswith=region.descendant_codes_prefix())
    return base.none()


def letters_of_case(case_chain: str):
    """Every letter of one case, newest first, superseded ones included."""
    return Letter.objects.filter(case_chain=case_chain).select_related("unit", "subject", "supersedes")
