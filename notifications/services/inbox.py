"""Writes of the in-app inbox and the preferences: only ever on the acting user's own rows."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from cases.errors import NotFound
from cases.locking import for_update
from notifications.models import Notification, NotificationPreference


@transaction.atomic
def notification_mark_read(*, user, notification_id: int) -> Notification:
    note = for_update(Notification.objects).filter(pk=notification_id, user=user).first()
    if note is None:  # someone else's or none: the same answer, so ids reveal nothing
        raise NotFound(code="notification_not_found")
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    return note


@transaction.atomic
def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def preference_set(*, user, email: bool, sms: bool, daily_digest: bool, language: str) -> NotificationPreference:
    pref, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email": email, "sms": sms, "daily_digest": daily_digest, "language": language})
    return pref
