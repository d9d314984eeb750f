"""Reads of the notifications area, scoped to the asking user (nobody reads anyone else's)."""

from __future__ import annotations

from django.db.models import Count, Max, Min
from django.db.models.fields.json import KT

from notifications.models import Delivery, Notification, NotificationPreference


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_of(user, *, unread_only: bool = False):
    qs = Notification.objects.filter(user=user).order_by("-id")
    return qs.filter(read_at__isnull=True) if unread_only else qs


# New-task notices (one per task routed to the reader's unit) are shown grouped per unit while
# their task is open and there are several: a leader told of every task of the unit reads one card
# per unit, not one per task.
GROUPED_KIND = "task.assigned"
GROUP_SHOWN = 10  # the latest of a group listed when it is opened


def _groupable(user):
    return Notification.objects.filter(user=user, kind=GROUPED_KIND, read_at__isnull=True, done_at__isnull=True)


def task_groups(user) -> list[dict]:
    """The user's unread notices of new tasks still open, per unit (its name as the notice gives
    it), for each unit with more than one: how many, the latest, and the latest few; the unit
    with the newest first."""
    mine = _groupable(user)
    rows = list(mine.annotate(unit=KT("context__unit")).values("unit").annotate(count=Count("pk"), latest=Max("pk"))
                .filter(count__gt=1).order_by("-latest"))
    groups = []
    for row in rows:
        notes = list(mine.filter(context__unit=row["unit"]).order_by("-id")[:GROUP_SHOWN])
        groups.append({"unit": row["unit"] or "", "count": row["count"], "latest": notes[0],
                       "notes": notes, "more": row["count"] - len(notes)})
    return groups


def notifications_ungrouped(user, *, groups=(), unread_only: bool = False):
    """``notifications_of`` without the notices ``groups`` (``task_groups``) show."""
    qs = notifications_of(user, unread_only=unread_only)
    units = [g["unit"] for g in groups]
    if not units:
        return qs
    return qs.exclude(pk__in=_groupable(user).annotate(unit=KT("context__unit")).filter(unit__in=units).values("pk"))


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
