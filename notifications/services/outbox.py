"""Writing to the outbox: in the caller's transaction, one event, its deliveries and its in-app
notifications; the enqueue happens only after commit (and the sweeper catches a lost enqueue)."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications.models import Delivery, Notification, OutboxEvent

log = logging.getLogger(__name__)


@dataclass
class Recipient:
    """Someone to tell: a user (in-app, and their chosen channels) and/or a bare address."""

    user: object | None = None
    email: str = ""
    phone: str = ""
    language: str = "zh-hans"
    channels: set = field(default_factory=set)  # of Delivery.Channel values besides in-app


def platform_enabled() -> bool:
    return bool(getattr(settings, "PLATFORM_WEBHOOK_URL", ""))


def outbox_emit(*, kind: str, source: str, subject_key: str = "", object_type: str = "", object_id="",
                payload: dict | None = None, to_platform: bool = False, recipients: list[Recipient] = (),
                context: dict | None = None, link: str = "") -> OutboxEvent | None:
    """Record an event that must leave the system, inside the caller's transaction.

    ``source`` is unique (e.g. ``audit:<id>``): emitting the same fact twice is a no-op, so a
    re-run sweep or digest never notifies twice. Returns None when nothing is to be sent.
    """
    to_platform = to_platform and platform_enabled()
    recipients = [r for r in recipients if r.user is not None or r.channels]
    if not to_platform and not recipients:
        return None
    event_id = uuid.uuid4()
    body = dict(payload or {})
    if context:
        # The words' values for recipients without an in-app row (e-mail/SMS to an applicant).
        body["message"] = context
    # A savepoint only for the duplicate-source case, so the writer's transaction survives it.
    try:
        with transaction.atomic():
            event = OutboxEvent.objects.create(
                event_id=event_id, kind=kind, source=source[:96], subject_key=subject_key[:32],
                object_type=object_type, object_id=str(object_id), payload=body,
            )
    except IntegrityError:
        if OutboxEvent.objects.filter(source=source[:96]).exists():
            return None
        raise
    notes, deliveries = _fan_out(event, to_platform, recipients, context, link, timezone.now())
    _write_fan_out(notes, deliveries)
    return event


def _fan_out(event, to_platform: bool, recipients, context, link: str, now) -> tuple[list, list]:
    """The in-app notifications and the deliveries (platform, e-mail, SMS) of one event, unsaved."""
    deliveries, notes, seen = [], [], set()
    if to_platform:
        deliveries.append(Delivery(event=event, channel=Delivery.Channel.PLATFORM, subject_key=event.subject_key,
                                   address=settings.PLATFORM_WEBHOOK_URL[:254], next_attempt_at=now))
    for r in recipients:
        if r.user is not None and r.user.pk not in seen:
            seen.add(r.user.pk)
            notes.append(Notification(user=r.user, event=event, kind=event.kind, context=context or {}, link=link))
        for channel, address in ((Delivery.Channel.EMAIL, r.email), (Delivery.Channel.SMS, r.phone)):
            if channel in r.channels and address and (channel, address) not in seen:
                seen.add((channel, address))
                deliveries.append(Delivery(event=event, channel=channel, recipient=r.user, address=address,
                                           language=r.language, next_attempt_at=now))
    return notes, deliveries


def _write_fan_out(notes: list, deliveries: list) -> None:
    Notification.objects.bulk_create(notes)
    created = Delivery.objects.bulk_create(deliveries)
    platform = sum(d.channel == Delivery.Channel.PLATFORM for d in created)
    others = [d.pk for d in created if d.channel != Delivery.Channel.PLATFORM]
    if created:
        transaction.on_commit(lambda: hand_out(platform=platform, others=others), robust=True)


def hand_out(*, platform: int = 0, others=()) -> int:
    """Enqueue deliveries: platform ones as drains of the whole outbox (``enqueue_platform``),
    mail and SMS one task per row (``enqueue``)."""
    return (enqueue_platform(platform) if platform else 0) + (enqueue(list(others)) if others else 0)


_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def outbox_emit_many(events: list[dict]) -> list[OutboxEvent]:
    """``outbox_emit`` for many events of one change at once (each entry of an expiry batch, each
    unit told of its lift tasks): three inserts whatever their number, in list order (so per
    subject in order). ``events``: dicts of ``outbox_emit``'s arguments. The sources are new by
    construction (they name the change's new audit event): a duplicate fails the change."""
    platform = platform_enabled()
    kept = []
    for e in events:
        recipients = [r for r in e.get("recipients", ()) if r.user is not None or r.channels]
        to_platform = bool(e.get("to_platform")) and platform
        if to_platform or recipients:
            kept.append((e, to_platform, recipients))
    if not kept:
        return []
    rows = OutboxEvent.objects.bulk_create([
        OutboxEvent(event_id=uuid.uuid4(), kind=e["kind"], source=e["source"][:96],
                    subject_key=e.get("subject_key", "")[:32], object_type=e.get("object_type", ""),
                    object_id=str(e.get("object_id", "")),
                    payload={**(e.get("payload") or {}), **({"message": e["context"]} if e.get("context") else {})})
        for e, _p, _r in kept])
    now = timezone.now()
    notes, deliveries = [], []
    for (e, to_platform, recipients), event in zip(kept, rows):
        n, d = _fan_out(event, to_platform, recipients, e.get("context"), e.get("link", ""), now)
        notes += n
        deliveries += d
    _write_fan_out(notes, deliveries)
    return rows


def enqueue(delivery_ids) -> int:
    """Hand deliveries to Celery one task each. A broker that is down is not an error here: the
    rows wait in the outbox and the sweeper enqueues them again (``notifications.sweep``)."""
    from notifications.tasks import deliver

    sent = 0
    if deliver.app.conf.task_always_eager:  # tests and the embedded default: run in-process
        for pk in delivery_ids:
            deliver.apply_async((pk,))
            sent += 1
        return sent
    try:
        # One producer (one broker connection) for the whole batch.
        with deliver.app.producer_or_acquire() as producer:
            for pk in delivery_ids:
                deliver.apply_async((pk,), producer=producer, retry=True, retry_policy=_POLICY)
                sent += 1
    except Exception as exc:  # noqa: BLE001 - any broker failure: the sweeper will catch up
        log.warning("outbox: enqueue failed after %s of %s deliveries (%s); the sweeper will retry",
                    sent, len(delivery_ids), exc)
    return sent


def enqueue_platform(count: int) -> int:
    """Ask for ``count`` platform deliveries to be sent: one ``notifications.deliver_platform``
    drain per ``NOTIFICATIONS_PLATFORM_BATCH`` of them, at most ``NOTIFICATIONS_PLATFORM_DRAINERS``
    (each drain claims batches until none is left, so one message per commit is enough for every
    row it committed). Returns ``count`` once a drain is queued, 0 if the broker is down (the rows
    wait for the sweeper, as with ``enqueue``)."""
    from notifications.tasks import deliver_platform

    if count <= 0:
        return 0
    batch = max(1, settings.NOTIFICATIONS_PLATFORM_BATCH)
    drains = max(1, min(-(-count // batch), settings.NOTIFICATIONS_PLATFORM_DRAINERS))
    if deliver_platform.app.conf.task_always_eager:
        deliver_platform.apply_async()
        return count
    try:
        with deliver_platform.app.producer_or_acquire() as producer:
            for _ in range(drains):
                deliver_platform.apply_async(producer=producer, retry=True, retry_policy=_POLICY)
    except Exception as exc:  # noqa: BLE001 - any broker failure: the sweeper will catch up
        log.warning("outbox: enqueue of %s platform deliveries failed (%s); the sweeper will retry", count, exc)
        return 0
    return count
