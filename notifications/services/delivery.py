"""Delivering outbox rows: claim (``FOR UPDATE SKIP LOCKED``, under a lease), send, record.

* A claim commits ``SENDING`` with a lease before anything is sent, so no transaction is held
  open across the network. A worker killed mid-send leaves the row ``SENDING``; once its lease
  is over the sweeper hands it out again and it is sent again with the same event id (the
  receiver recognises it: at-least-once delivery, exactly-once effect).
* Platform deliveries go out in order per subject: a row is claimable only when every earlier
  platform delivery of its subject is ``DELIVERED`` (a DEAD one holds the subject until replayed).
* A failure is retried with exponential backoff and jitter; after the channel's maximum number of
  attempts (or a permanent refusal) the row is ``DEAD``, visible in the admin with a replay action.
"""

from __future__ import annotations

import datetime as dt
import logging
import random

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from cases.locking import for_update
from notifications.channels import SENDERS, Permanent
from notifications.models import Delivery, PlatformEntryState
from notifications.services.outbox import enqueue

log = logging.getLogger(__name__)
S = Delivery.State

# Claimable now: due and pending, or sending under an expired lease; for the platform, also the
# subject's oldest open delivery (index delivery_platform_open).
_CLAIMABLE = """
    ((d.state = 'PENDING' AND d.next_attempt_at <= %(now)s)
      OR (d.state = 'SENDING' AND d.lease_until < %(now)s))
    AND (d.channel <> 'PLATFORM' OR d.subject_key = '' OR NOT EXISTS (
        SELECT 1 FROM notifications_delivery p
        WHERE p.channel = 'PLATFORM' AND p.subject_key = d.subject_key AND p.id < d.id
          AND p.state <> 'DELIVERED'))
"""
# One statement: lock the row if it is claimable (skipping it if another worker holds it) and
# take it under a lease.
_CLAIM = f"""
    UPDATE notifications_delivery SET state = 'SENDING', attempts = attempts + 1, lease_until = %(lease)s
    WHERE id = (SELECT d.id FROM notifications_delivery d WHERE d.id = %(id)s AND {_CLAIMABLE}
                FOR UPDATE SKIP LOCKED)
    RETURNING id"""
_DUE = (f"SELECT d.id FROM notifications_delivery d WHERE d.state IN ('PENDING', 'SENDING') "
        f"AND d.next_attempt_at <= %(grace)s AND {_CLAIMABLE} ORDER BY d.next_attempt_at LIMIT %(limit)s "
        f"FOR UPDATE SKIP LOCKED")


def max_attempts(channel: str) -> int:
    return settings.NOTIFICATIONS_MAX_ATTEMPTS.get(channel, 10)


def backoff(attempts: int) -> float:
    """Seconds before attempt ``attempts + 1``: base · 2^(attempts-1), capped, ±20 % jitter."""
    base, cap = settings.NOTIFICATIONS_RETRY_BASE_SECONDS, settings.NOTIFICATIONS_RETRY_MAX_SECONDS
    delay = min(cap, base * (2 ** max(0, attempts - 1)))
    return delay * random.uniform(0.8, 1.2)


def claim(pk: int, *, now=None) -> Delivery | None:
    now = now or timezone.now()
    lease = now + dt.timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute(_CLAIM, {"id": pk, "now": now, "lease": lease})
            if cur.fetchone() is None:
                return None
    return Delivery.objects.select_related("event").get(pk=pk)


def deliver(pk: int) -> str:
    """Claim, send and record one delivery (the body of the ``notifications.deliver`` task)."""
    delivery = claim(pk)
    if delivery is None:
        return "skipped"
    try:
        SENDERS[delivery.channel](delivery)
    except Permanent as exc:
        return _failed(delivery, str(exc), permanent=True)
    except Exception as exc:  # noqa: BLE001 - every other failure is worth a retry
        return _failed(delivery, f"{type(exc).__name__}: {exc}" if not str(exc).startswith("HTTP") else str(exc))
    return _delivered(delivery)


def _ours(delivery):
    # Still the attempt we claimed (not re-claimed after our lease ran out).
    return Delivery.objects.filter(pk=delivery.pk, state=S.SENDING, attempts=delivery.attempts)


def _delivered(delivery: Delivery) -> str:
    now = timezone.now()
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).exclude(state=S.DELIVERED).update(
            state=S.DELIVERED, delivered_at=now, lease_until=None, last_error="")
        if delivery.channel == Delivery.Channel.PLATFORM:
            _record_acknowledgement(delivery, now)
    if delivery.channel == Delivery.Channel.PLATFORM and delivery.subject_key:
        # The subject's next event may go now, without waiting for the sweeper.
        following = (Delivery.objects.filter(channel=Delivery.Channel.PLATFORM, subject_key=delivery.subject_key,
                                             state=S.PENDING, pk__gt=delivery.pk)
                     .order_by("pk").values_list("pk", flat=True)[:1])
        enqueue(list(following))
    return "delivered"


def _record_acknowledgement(delivery: Delivery, now) -> None:
    event = delivery.event
    entry = event.payload.get("entry") if event.object_type == "cases.listentry" else None
    if not entry:
        return
    PlatformEntryState.objects.update_or_create(
        entry_id=entry["id"], defaults={"state": entry["state"], "event_id": event.event_id, "acknowledged_at": now})


def _failed(delivery: Delivery, error: str, *, permanent: bool = False) -> str:
    dead = permanent or delivery.attempts >= max_attempts(delivery.channel)
    wait = backoff(delivery.attempts)
    with transaction.atomic():
        _ours(delivery).update(
            state=S.DEAD if dead else S.PENDING, lease_until=None, last_error=error[:2000],
            next_attempt_at=timezone.now() + dt.timedelta(seconds=0 if dead else wait))
    log.warning("delivery %s (%s, event %s) attempt %s failed: %s%s", delivery.pk, delivery.channel,
                delivery.event.event_id, delivery.attempts, error, " — DEAD" if dead else "")
    if not dead:
        from notifications.tasks import deliver as task

        try:
            task.apply_async((delivery.pk,), countdown=wait, retry=False)
        except Exception:  # noqa: BLE001 - the sweeper will pick it up
            pass
    return "dead" if dead else "retry"


def sweep(*, limit: int = 1000) -> int:
    """Re-enqueue what is due but not being worked on: an enqueue lost at commit (broker down), a
    retry whose message was lost, a lease that ran out (worker killed). Beat runs it."""
    now = timezone.now()
    grace = now - dt.timedelta(seconds=settings.NOTIFICATIONS_SWEEP_GRACE_SECONDS)
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute(_DUE, {"now": now, "grace": grace, "limit": limit})
            ids = [row[0] for row in cur.fetchall()]
    return enqueue(ids) if ids else 0


@transaction.atomic
def replay(*, actor, deliveries) -> int:
    """An administrator sends dead (or any undelivered) deliveries again, from a fresh start."""
    from cases.audit.services import audit_record

    rows = list(for_update(Delivery.objects).filter(pk__in=[d.pk for d in deliveries])
                .exclude(state=S.DELIVERED))
    now = timezone.now()
    for row in rows:
        before = row.state
        row.state, row.attempts, row.next_attempt_at, row.lease_until = S.PENDING, 0, now, None
        row.last_error = f"replayed after: {row.last_error}"[:2000]
        row.save(update_fields=["state", "attempts", "next_attempt_at", "lease_until", "last_error"])
        audit_record(action="outbox.replay", obj=row, actor=actor, from_state=before, to_state=row.state,
                     changes={"event": [None, str(row.event.event_id)]})
    ids = [r.pk for r in rows]
    transaction.on_commit(lambda: enqueue(ids), robust=True)
    return len(rows)
