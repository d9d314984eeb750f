"""Platform pushes in batches, against the real loopback receiver: many deliveries claimed and
settled per statement, each subject's events in order, each event recorded once (the receiver
knows event ids), also with two workers claiming side by side, and a failure that holds back its
own subject only."""

import datetime as dt
import threading
from collections import defaultdict

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.models import Delivery
from notifications.services.delivery import (DELIVERED, RELEASED, claim_many, deliver_platform_due, send_many,
                                              settle)
from notifications.services.outbox import outbox_emit


@pytest.fixture(autouse=True)
def fast(settings):
    settings.PLATFORM_WEBHOOK_TIMEOUT = 2.0
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 30


def emit(subjects: int, per_subject: int) -> dict[str, list[str]]:
    """Events round-robin over subjects (as a night's changes interleave); returns each subject's
    event ids in the order they were written."""
    written = defaultdict(list)
    for n in range(per_subject):
        for s in range(subjects):
            key = f"91110000MA{s:08d}"
            event = outbox_emit(kind="entry.published", source=f"test:{key}:{n}", subject_key=key,
                                object_type="test", object_id=n, to_platform=True,
                                payload={"subject": {"identifier": key}, "n": n})
            written[key].append(str(event.event_id))
    return dict(written)


def received_per_subject(receiver) -> dict[str, list[str]]:
    got = defaultdict(list)
    for event in receiver.recorded():  # in the order the receiver stored them
        got[event["subject"]["identifier"]].append(event["event_id"])
    return dict(got)


def assert_each_once_in_order(receiver, written):
    ids = [e["event_id"] for e in receiver.recorded()]
    assert len(ids) == len(set(ids)), "an event was recorded twice"
    assert received_per_subject(receiver) == written
    for subject_events in received_per_subject(receiver).values():
        sequences = [e["sequence"] for e in receiver.recorded() if e["event_id"] in set(subject_events)]
        assert sequences == sorted(sequences)


def claims_and_settles(queries) -> tuple[int, int]:
    sql = [q["sql"] for q in queries]
    return (sum(s.lstrip().startswith("WITH c AS") for s in sql),
            sum(s.lstrip().startswith("UPDATE notifications_delivery d") for s in sql))


@pytest.mark.django_db
def test_a_backlog_goes_out_in_batches_each_subject_in_order_each_event_once(receiver):
    written = emit(subjects=12, per_subject=3)

    with CaptureQueriesContext(connection) as queries:
        assert deliver_platform_due(batch=50) == 36

    assert_each_once_in_order(receiver, written)
    assert set(Delivery.objects.values_list("state", flat=True)) == {"DELIVERED"}
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}
    # One claim per round (a subject's next event waits for the round that acknowledged the one
    # before), plus the last claim that finds nothing; one settling statement per round.
    assert claims_and_settles(queries.captured_queries) == (4, 3)


@pytest.mark.django_db
def test_a_claim_takes_only_each_subjects_oldest_open_event_and_never_one_another_worker_holds(receiver):
    written = emit(subjects=4, per_subject=2)
    firsts = {ids[0] for ids in written.values()}

    mine = claim_many(limit=2)  # worker A: two subjects' first events, under its lease
    theirs = claim_many(limit=10)  # worker B, while A is still sending
    assert len(mine) == 2 and len(theirs) == 2
    assert {str(d.event.event_id) for d in mine + theirs} == firsts
    assert claim_many(limit=10) == []  # every subject's head is out: the second events wait

    settle(send_many(theirs))  # B finishes first: its subjects' second events may go, A's not yet
    after_b = claim_many(limit=10)
    assert {d.subject_key for d in after_b} == {d.subject_key for d in theirs}
    settle(send_many(mine))
    settle(send_many(after_b))
    assert deliver_platform_due() == 2
    assert_each_once_in_order(receiver, written)


@pytest.mark.django_db(transaction=True)
def test_two_workers_draining_side_by_side_keep_each_subjects_order_and_send_each_event_once(receiver, broker):
    # The broker fixture's Redis is not started: the commit cannot enqueue, the rows wait for us.
    with transaction.atomic():
        written = emit(subjects=20, per_subject=8)
    assert Delivery.objects.filter(state="PENDING").count() == 160

    start, counts, errors = threading.Barrier(2), [], []

    def worker():
        try:
            start.wait()
            counts.append(deliver_platform_due(batch=7))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)

    assert not errors and sorted(counts)[0] > 0, counts  # both workers delivered a share
    assert sum(counts) == 160
    assert_each_once_in_order(receiver, written)
    assert set(Delivery.objects.values_list("state", "attempts")) == {("DELIVERED", 1)}


@pytest.mark.django_db
def test_a_failing_event_holds_back_its_own_subject_only_and_its_retry_sends_the_same_id(receiver):
    written = emit(subjects=3, per_subject=3)
    stuck = sorted(written)[0]
    receiver.script[written[stuck][0]] = ["fail"]  # the platform answers 500 to this event, once

    assert deliver_platform_due(batch=50) == 6

    got = received_per_subject(receiver)
    assert stuck not in got
    assert {k: v for k, v in written.items() if k != stuck} == got  # the others went out in full
    head, *followers = Delivery.objects.filter(subject_key=stuck).order_by("pk")
    assert (head.state, head.attempts) == ("PENDING", 1) and head.last_error.startswith("HTTP 500")
    assert head.next_attempt_at > timezone.now() + dt.timedelta(seconds=20)  # backed off
    assert [(f.state, f.attempts) for f in followers] == [("PENDING", 0), ("PENDING", 0)]  # never sent

    Delivery.objects.filter(pk=head.pk).update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    assert deliver_platform_due(batch=50) == 3
    assert_each_once_in_order(receiver, written)
    retried = [r["event_id"] for r in receiver.requests].count(written[stuck][0])
    assert retried == 2  # the same event id, sent twice, recorded once


@pytest.mark.django_db
def test_a_batch_sent_by_a_worker_that_died_before_settling_is_sent_again_and_recorded_once(receiver):
    written = emit(subjects=5, per_subject=2)
    lost = claim_many(limit=50)
    send_many(lost)  # the platform has them; the worker dies before writing that down
    assert len(receiver.recorded()) == 5
    Delivery.objects.filter(pk__in=[d.pk for d in lost]).update(lease_until=timezone.now() - dt.timedelta(seconds=1))

    assert deliver_platform_due() == 10

    assert_each_once_in_order(receiver, written)  # the five sent again were answered "duplicate"
    assert sorted(Delivery.objects.values_list("attempts", flat=True)) == [1] * 5 + [2] * 5


@pytest.mark.django_db
def test_no_send_starts_when_its_answer_could_come_after_the_lease(receiver, settings):
    settings.NOTIFICATIONS_PLATFORM_SENDERS = 1  # one after another
    settings.NOTIFICATIONS_LEASE_SECONDS = 2  # shorter than a send may take: sends start in its first second
    written = emit(subjects=3, per_subject=1)
    receiver.script[written[sorted(written)[0]][0]] = [1.5]  # the platform takes 1.5 s over the first event

    rows = claim_many(limit=10)
    outcomes = send_many(rows)
    assert [o.result for o in outcomes] == [DELIVERED, RELEASED, RELEASED]
    settle(outcomes)

    assert [e["event_id"] for e in receiver.recorded()] == [str(outcomes[0].delivery.event.event_id)]
    released = Delivery.objects.exclude(state="DELIVERED")
    assert {(d.state, d.attempts) for d in released} == {("PENDING", 0)} and len(released) == 2  # uncounted
    assert deliver_platform_due() == 2  # and sent by the next claim
