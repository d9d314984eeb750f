"""The officers' daily digest: their unit's open tasks due soon and overdue (beat, once a day)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from cases.models import Unit
from notifications import recipients
from notifications.services.outbox import outbox_emit


def digest_send(*, today: dt.date | None = None) -> int:
    """One digest per unit and day (source ``digest:<unit>:<date>`` is unique: a re-run sends
    nothing twice), to the officers and leaders who keep the digest on."""
    from workflow.models import WorkItem

    today = today or timezone.localdate()
    days = settings.NOTIFICATIONS_DIGEST_DAYS
    counts = list(
        # A paused task is neither due soon nor overdue: its clock is stopped (deadlines.countdown).
        WorkItem.objects.filter(is_open=True, paused_at__isnull=True, due__isnull=False,
                                due__lte=today + dt.timedelta(days=days))
        .values("unit_id")
        .annotate(overdue=Count("pk", filter=Q(due__lt=today)), due_soon=Count("pk", filter=Q(due__gte=today)))
        .order_by("unit_id")
    )
    if not counts:
        return 0
    staff = defaultdict(list)
    for r in recipients.unit_staff([c["unit_id"] for c in counts]):
        if recipients._preference(r.user).daily_digest:
            staff[r.user.staff.unit_id].append(r)
    names = dict(Unit.objects.filter(pk__in=[c["unit_id"] for c in counts]).values_list("pk", "name"))
    sent = 0
    for row in counts:
        people = staff.get(row["unit_id"])
        if not people:
            continue
        context = {"unit": names.get(row["unit_id"], ""), "due_soon": row["due_soon"], "overdue": row["overdue"],
                   "days": days, "date": today.isoformat()}
        with transaction.atomic():
            if outbox_emit(kind="digest.daily", source=f"digest:{row['unit_id']}:{today.isoformat()}",
                           object_type="cases.unit", object_id=row["unit_id"], payload={"type": "digest.daily", **context},
                           recipients=people, context=context, link="/work/"):
                sent += 1
    return sent
