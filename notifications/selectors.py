"""Reads of the notifications area, scoped to the asking user (nobody reads anyone else's)."""

from __future__ import annotations

from django.db.models import Count, Min

from notifications.models import Delivery, Notification, NotificationPreference


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_of(user, *, unread_only: bool = False):
    qs = Notification.objects.filter(user=user).order_by("-id")
    return qs.filter(read_at__isnull=True) if unread_only else qs


def preference_of(user) -> NotificationPreference:
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)


def outbox_backlog() -> int:
    """Deliveries not yet done (pending, or being sent): the ops backlog gauge. Reads the partial
    index ``delivery_due`` only."""
    from notifications.models import Delivery

    return Delivery.objects.filter(state__in=[Delivery.State.PENDING, Delivery.State.SENDING]).count()


def dead_deliveries() -> int:
    from notifications.models import Delivery

    return Delivery.objects.filter(state=Delivery.State.DEAD).count()


def deliveries_waiting(*, due_before) -> dict:
    """Deliveries due before ``due_before`` and still not delivered (their enqueue was lost, e.g.
    Redis was down, or no worker takes them): what ``/readyz`` names as waiting. Index delivery_due."""
    return Delivery.objects.filter(
        state__in=[Delivery.State.PENDING, Delivery.State.SENDING], next_attempt_at__lt=due_before,
    ).aggregate(count=Count("pk"), oldest=Min("next_attempt_at"))
