"""Who is told: the unit's officers and leaders for task events (StaffProfile), the applicant for
objection and repair results (their contact; their account, if they filed with one)."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from cases.models import StaffProfile
from cases.selectors.scope import staff_of
from notifications.models import Delivery, NotificationPreference
from notifications.services.outbox import Recipient

# Mainland mobile numbers, with or without +86 / 86 and separators.
_MOBILE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")
_DEFAULTS = NotificationPreference()


def _preference(user) -> NotificationPreference:
    try:
        return user.notification_preference
    except NotificationPreference.DoesNotExist:
        return _DEFAULTS


def for_user(user) -> Recipient:
    pref = _preference(user)
    staff = staff_of(user)
    phone = staff.phone if staff is not None else ""
    channels = set()
    if pref.email and user.email:
        channels.add(Delivery.Channel.EMAIL)
    if pref.sms and phone:
        channels.add(Delivery.Channel.SMS)
    return Recipient(user=user, email=user.email, phone=phone, language=pref.language, channels=channels)


def unit_staff(unit_ids) -> list[Recipient]:
    """The acting staff (officers and leaders) of the units, with their preferences: one query."""
    return sorted((r for staff in unit_staff_by_unit(unit_ids).values() for r in staff), key=lambda r: r.user.pk)


def unit_staff_by_unit(unit_ids) -> dict[int, list[Recipient]]:
    """``unit_staff`` of several units at once, by unit: one query."""
    users = (
        get_user_model().objects.filter(
            is_active=True, staff__unit_id__in=list(unit_ids),
            staff__role__in=[StaffProfile.Role.OFFICER, StaffProfile.Role.LEADER],
        )
        .select_related("staff", "notification_preference")
        .order_by("pk")
    )
    out: dict[int, list[Recipient]] = {}
    for user in users:
        out.setdefault(user.staff.unit_id, []).append(for_user(user))
    return out


def contact_channel(contact: str) -> tuple[str, str] | None:
    """An applicant's contact as (channel, address): an e-mail address or a mobile number."""
    contact = (contact or "").strip()
    try:
        validate_email(contact)
        return Delivery.Channel.EMAIL, contact
    except ValidationError:
        pass
    digits = re.sub(r"[\s\-()]", "", contact)
    if _MOBILE.match(digits):
        return Delivery.Channel.SMS, digits[-11:]
    return None


def applicant(case) -> list[Recipient]:
    """The applicant by their contact; their account's bell too when they filed signed in."""
    user = case.filed_by
    language = _preference(user).language if user is not None else "zh-hans"
    recipient = Recipient(user=user, language=language)
    found = contact_channel(case.applicant_contact)
    if found:
        channel, address = found
        recipient.channels.add(channel)
        if channel == Delivery.Channel.EMAIL:
            recipient.email = address
        else:
            recipient.phone = address
    return [recipient]
