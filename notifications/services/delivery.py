"""Delivering outbox rows: claim many (``FOR UPDATE SKIP LOCKED``, under a lease), send, settle many.

* A claim is one statement that takes up to ``NOTIFICATIONS_PLATFORM_BATCH`` claimable rows under a
  lease (``SENDING``) and commits before anything is sent, so no transaction is held open across
  the network. A worker killed mid-send leaves its rows ``SENDING``; once the lease is over the
  sweeper hands them out again and they are sent again with the same event ids (the receiver
  recognises them: at-least-once delivery, exactly-once effect).
* Platform deliveries go out in order per subject: a row is claimable only when every earlier
  platform delivery of its subject is ``DELIVERED`` (a DEAD one holds the subject until replayed).
  So a batch holds at most one event per subject (its oldest open one), and the batch's events
  may be sent side by side: ``NOTIFICATIONS_PLATFORM_SENDERS`` threads, each on a kept-alive
  connection of the process's pool (notifications.channels).
* The outcomes are written back in one statement (``UPDATE … FROM unnest(…)``), the platform's
  acknowledgements in one upsert. A failure is retried with exponential backoff and jitter; after
  the channel's maximum number of attempts (or a permanent refusal) the row is ``DEAD``, visible in
  the admin with a replay action. A failure holds back its own subject only.
* Platform rows are delivered by ``deliver_platform_due`` (the ``notifications.deliver_platform``
  task), which claims batch after batch until nothing is claimable; e-mail and SMS one row per
  ``notifications.deliver`` task. ``deliver(pk)`` is the same claim, send and settle for one row.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from cases.locking import for_update
from notifications.channels import SENDERS, Permanent
from notifications.models import Delivery, PlatformEntryState
from notifications.services.outbox import enqueue_platform, hand_out

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
# One statement: lock up to `limit` claimable rows (skipping those another worker holds) and take
# them under a lease. Two workers never get the same row, nor two rows of one subject: the second
# one's NOT EXISTS sees the first row still open. Ordered by the due index, not by id: the order
# per subject is kept by the NOT EXISTS, and an index order lets the scan stop at `limit`. A claimed
# row keeps its next_attempt_at, so "due" bounds the scan of the index for lapsed leases too.
_CLAIM = """
    WITH c AS (
        SELECT d.id FROM notifications_delivery d
        WHERE d.state IN ('PENDING', 'SENDING') AND d.next_attempt_at <= %(now)s AND {which} AND {claimable}
        ORDER BY d.next_attempt_at LIMIT %(limit)s
        FOR UPDATE SKIP LOCKED)
    UPDATE notifications_delivery u SET state = 'SENDING', attempts = u.attempts + 1, lease_until = %(lease)s
    FROM c WHERE u.id = c.id
    RETURNING u.id"""
_CLAIM_IDS = _CLAIM.format(which="d.id = ANY(%(ids)s)", claimable=_CLAIMABLE)
_CLAIM_PLATFORM = _CLAIM.format(which="d.channel = 'PLATFORM'", claimable=_CLAIMABLE)
# One statement for a batch's outcomes. DELIVERED is written whoever holds the row now (the other
# side has it); a failure or a release only while the row is still the attempt we claimed (not
# re-claimed after our lease ran out).
_SETTLE = """
    UPDATE notifications_delivery d
    SET state = v.state, attempts = d.attempts - v.unclaim, lease_until = NULL,
        last_error = COALESCE(v.error, d.last_error), next_attempt_at = COALESCE(v.next_at, d.next_attempt_at),
        delivered_at = CASE WHEN v.state = 'DELIVERED' THEN %(now)s ELSE d.delivered_at END
    FROM unnest(%(ids)s::bigint[], %(attempts)s::int[], %(states)s::text[], %(errors)s::text[],
                %(next)s::timestamptz[], %(unclaim)s::int[]) AS v(id, attempts, state, error, next_at, unclaim)
    WHERE d.id = v.id
      AND ((v.state = 'DELIVERED' AND d.state <> 'DELIVERED') OR (d.state = 'SENDING' AND d.attempts = v.attempts))
    RETURNING d.id"""
# Claims and settlements commit without waiting for their WAL flush. A crash loses at most a tail
# of them, in commit order: those rows go back to the state before (PENDING, or SENDING under a lease
# that will run out) and are sent again with the same event ids, which the receiver recognises; a
# subject's later claim cannot survive the loss of its earlier settlement. Nothing is sent on the
# strength of an unflushed commit that could not be sent again.
_NO_FSYNC_WAIT = "SET LOCAL synchronous_commit TO OFF"
_DUE = (f"SELECT d.id, d.channel FROM notifications_delivery d WHERE d.state IN ('PENDING', 'SENDING') "
        f"AND d.next_attempt_at <= %(grace)s AND {_CLAIMABLE} ORDER BY d.next_attempt_at LIMIT %(limit)s "
        f"FOR UPDATE SKIP LOCKED")

DELIVERED, RETRY, DEAD, RELEASED = "delivered", "retry", "dead", "released"


def max_attempts(channel: str) -> int:
    return settings.NOTIFICATIONS_MAX_ATTEMPTS.get(channel, 10)


def backoff(attempts: int) -> float:
    """Seconds before attempt ``attempts + 1``: base · 2^(attempts-1), capped, ±20 % jitter."""
    base, cap = settings.NOTIFICATIONS_RETRY_BASE_SECONDS, settings.NOTIFICATIONS_RETRY_MAX_SECONDS
    delay = min(cap, base * (2 ** max(0, attempts - 1)))
    return delay * random.uniform(0.8, 1.2)


def claim_many(*, ids=None, limit: int | None = None, now=None) -> list[Delivery]:
    """Take claimable deliveries under a lease, in one statement: the given ``ids``, or else up to
    ``limit`` platform deliveries, each its subject's oldest open one. Returns them with their
    events, in id order."""
    now = now or timezone.now()
    lease = now + dt.timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)
    params = {"now": now, "lease": lease}
    if ids is not None:
        sql, params["ids"], params["limit"] = _CLAIM_IDS, list(ids), len(ids)
    else:
        sql, params["limit"] = _CLAIM_PLATFORM, limit or settings.NOTIFICATIONS_PLATFORM_BATCH
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute(_NO_FSYNC_WAIT)
            cur.execute(sql, params)
            claimed = [row[0] for row in cur.fetchall()]
    if not claimed:
        return []
    return list(Delivery.objects.select_related("event").filter(pk__in=claimed).order_by("pk"))


@dataclass
class Outcome:
    delivery: Delivery
    result: str  # DELIVERED, RETRY, DEAD or RELEASED
    error: str = ""
    wait: float = 0.0


def _send(delivery: Delivery, deadline: float) -> Outcome:
    if time.monotonic() > deadline:
        # Too late to start: the answer could come after our lease, when another worker may have
        # the row. Give it back without counting an attempt.
        return Outcome(delivery, RELEASED)
    try:
        SENDERS[delivery.channel](delivery)
    except Permanent as exc:
        return Outcome(delivery, DEAD, str(exc))
    except Exception as exc:  # noqa: BLE001 - every other failure is worth a retry
        error = str(exc) if str(exc).startswith("HTTP") else f"{type(exc).__name__}: {exc}"
        if delivery.attempts >= max_attempts(delivery.channel):
            return Outcome(delivery, DEAD, error)
        return Outcome(delivery, RETRY, error, backoff(delivery.attempts))
    return Outcome(delivery, DELIVERED)


_executors: dict[tuple[int, int], ThreadPoolExecutor] = {}


def _executor() -> ThreadPoolExecutor:
    # Per process: threads do not survive a prefork worker's fork.
    key = (os.getpid(), max(1, int(settings.NOTIFICATIONS_PLATFORM_SENDERS)))
    pool = _executors.get(key)
    if pool is None:
        pool = _executors[key] = ThreadPoolExecutor(key[1], thread_name_prefix="platform-send")
    return pool


def send_many(deliveries: list[Delivery], *, claimed_at: float | None = None) -> list[Outcome]:
    """Send claimed deliveries; platform ones side by side (at most one per subject in a claim, so
    no order is at stake), mail and SMS one after another. Nothing is started that could still be
    running when the lease ends: such rows come back RELEASED."""
    claimed_at = time.monotonic() if claimed_at is None else claimed_at
    lease = settings.NOTIFICATIONS_LEASE_SECONDS
    longest = settings.PLATFORM_WEBHOOK_CONNECT_TIMEOUT + settings.PLATFORM_WEBHOOK_TIMEOUT + 1
    # A send started by then ends within the lease (or, with a lease shorter than the timeouts,
    # at least starts within its first half); later ones are given back uncounted.
    deadline = claimed_at + max(lease - longest, lease / 2)
    platform = [d for d in deliveries if d.channel == Delivery.Channel.PLATFORM]
    others = [d for d in deliveries if d.channel != Delivery.Channel.PLATFORM]
    if len(platform) > 1:
        outcomes = list(_executor().map(lambda d: _send(d, deadline), platform))
    else:
        outcomes = [_send(d, deadline) for d in platform]
    return outcomes + [_send(d, deadline) for d in others]


def settle(outcomes: list[Outcome]) -> None:
    """Write a batch's outcomes in one statement and the platform's acknowledgements in one more,
    in one transaction; then log the failures and hand out their retries."""
    if not outcomes:
        return
    now = timezone.now()
    outcomes = sorted(outcomes, key=lambda o: o.delivery.pk)  # one lock order for every settler
    rows = {"ids": [], "attempts": [], "states": [], "errors": [], "next": [], "unclaim": []}
    for o in outcomes:
        state, error, next_at, unclaim = {
            DELIVERED: (S.DELIVERED, "", None, 0),
            RETRY: (S.PENDING, o.error[:2000], now + dt.timedelta(seconds=o.wait), 0),
            DEAD: (S.DEAD, o.error[:2000], now, 0),
            RELEASED: (S.PENDING, None, None, 1),
        }[o.result]
        for key, value in zip(rows, (o.delivery.pk, o.delivery.attempts, state, error, next_at, unclaim)):
            rows[key].append(value)
    acknowledged = [o.delivery for o in outcomes if o.result == DELIVERED
                    and o.delivery.channel == Delivery.Channel.PLATFORM]
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute(_NO_FSYNC_WAIT)
            cur.execute(_SETTLE, {"now": now, **rows})
        _record_acknowledgements(acknowledged, now)
    retries = []
    for o in outcomes:
        if o.result in (RETRY, DEAD):
            d = o.delivery
            log.warning("delivery %s (%s, event %s) attempt %s failed: %s%s", d.pk, d.channel, d.event.event_id,
                        d.attempts, o.error, " — DEAD" if o.result == DEAD else "")
        if o.result == RETRY:
            retries.append(o)
    _schedule_retries(retries)


def _record_acknowledgements(deliveries: list[Delivery], now) -> None:
    latest = {}
    for d in deliveries:  # in id order: a later event of an entry wins
        event = d.event
        entry = event.payload.get("entry") if event.object_type == "cases.listentry" else None
        if entry:
            latest[entry["id"]] = PlatformEntryState(entry_id=entry["id"], state=entry["state"],
                                                     event_id=event.event_id, acknowledged_at=now)
    if latest:
        PlatformEntryState.objects.bulk_create(latest.values(), update_conflicts=True, unique_fields=["entry"],
                                               update_fields=["state", "event_id", "acknowledged_at"])


def _schedule_retries(retries: list[Outcome]) -> None:
    """A countdown task per failed mail or SMS row; for the platform one drain per second in which
    a failed row falls due (the sweeper is the safety net for a lost message)."""
    from notifications.tasks import deliver as deliver_task, deliver_platform as drain_task

    if drain_task.app.conf.task_always_eager:
        return  # run now, a countdown task would find its row not yet due: nothing to do
    seconds = set()
    for o in retries:
        try:
            if o.delivery.channel == Delivery.Channel.PLATFORM:
                wait = int(o.wait) + 1
                if wait not in seconds:
                    seconds.add(wait)
                    drain_task.apply_async(countdown=wait, retry=False)
            else:
                deliver_task.apply_async((o.delivery.pk,), countdown=o.wait, retry=False)
        except Exception:  # noqa: BLE001 - the sweeper will pick it up
            pass


def deliver(pk: int) -> str:
    """Claim, send and settle one delivery (the body of the ``notifications.deliver`` task)."""
    claimed_at = time.monotonic()
    rows = claim_many(ids=[pk])
    if not rows:
        return "skipped"
    (outcome,) = send_many(rows, claimed_at=claimed_at)
    settle([outcome])
    d = outcome.delivery
    if outcome.result == DELIVERED and d.channel == Delivery.Channel.PLATFORM and d.subject_key:
        # The subject's next event may go now, without waiting for the sweeper.
        if Delivery.objects.filter(channel=Delivery.Channel.PLATFORM, subject_key=d.subject_key,
                                   state=S.PENDING, pk__gt=d.pk).exists():
            enqueue_platform(1)
    return outcome.result


def deliver_platform_due(*, batch: int | None = None, budget: float | None = None) -> int:
    """Deliver claimable platform events, batch after batch, until none is left (or ``budget``
    seconds have passed: then hand the rest to another run). Returns how many were delivered.

    Settling a batch makes its subjects' next events claimable, so the loop itself carries each
    subject on; an event committed after the last (empty) claim was enqueued by its own commit."""
    budget = settings.NOTIFICATIONS_LEASE_SECONDS if budget is None else budget
    start, delivered = time.monotonic(), 0
    while True:
        claimed_at = time.monotonic()
        rows = claim_many(limit=batch)
        if not rows:
            return delivered
        outcomes = send_many(rows, claimed_at=claimed_at)
        settle(outcomes)
        delivered += sum(o.result == DELIVERED for o in outcomes)
        if all(o.result == RELEASED for o in outcomes):
            # Not one could start within its lease (NOTIFICATIONS_LEASE_SECONDS shorter than the
            # send timeouts): claiming again would only spin. The sweeper hands them out again.
            log.warning("platform deliveries: none of %s claimed could be sent within its lease", len(rows))
            return delivered
        if time.monotonic() - start > budget:
            enqueue_platform(1)
            return delivered


def sweep(*, limit: int = 1000) -> int:
    """Hand out again what is due but not being worked on: an enqueue lost at commit (broker down),
    a retry whose message was lost, a lease that ran out (worker killed). Beat runs it."""
    now = timezone.now()
    grace = now - dt.timedelta(seconds=settings.NOTIFICATIONS_SWEEP_GRACE_SECONDS)
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute(_DUE, {"now": now, "grace": grace, "limit": limit})
            rows = cur.fetchall()
    if rows:
        hand_out(platform=sum(channel == Delivery.Channel.PLATFORM for _pk, channel in rows),
                 others=[pk for pk, channel in rows if channel != Delivery.Channel.PLATFORM])
    return len(rows)


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
    platform = sum(r.channel == Delivery.Channel.PLATFORM for r in rows)
    others = [r.pk for r in rows if r.channel != Delivery.Channel.PLATFORM]
    transaction.on_commit(lambda: hand_out(platform=platform, others=others), robust=True)
    return len(rows)
