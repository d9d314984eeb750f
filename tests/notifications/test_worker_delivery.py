"""Delivery through a real Celery worker (with beat: the sweeper) and a real Redis, against the
committed test database: a broker outage at commit and a worker killed mid-delivery."""

import pytest

from notifications.models import Delivery, OutboxEvent
from tests.notifications.conftest import decide, draft_to_statement, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def platform_delivery(kind):
    return Delivery.objects.select_related("event").get(channel="PLATFORM", event__kind=kind)


def received(receiver, event_id):
    return [e for e in receiver.recorded() if e["event_id"] == str(event_id)]


def test_a_decision_committed_while_redis_is_down_is_delivered_once_redis_is_back(province, workers, receiver):
    entry = draft_to_statement(province)
    decide(province, entry)  # commits; the enqueue at commit fails (nothing listens on the port)

    d = platform_delivery("entry.decided")
    assert d.state == "PENDING" and d.attempts == 0  # the outbox row survived the outage
    assert receiver.recorded() == []

    workers.redis.start()  # the broker fixture's Redis, on the port the commit could not reach
    workers.start()
    wait_for(lambda: received(receiver, d.event.event_id), 60, 0.25, "the decision at the receiver")
    wait_for(lambda: Delivery.objects.get(pk=d.pk).state == "DELIVERED", 20, 0.25, "the delivery to be marked")
    assert len(received(receiver, d.event.event_id)) == 1
    got = received(receiver, d.event.event_id)[0]
    assert got["type"] == "entry.decided" and got["entry"]["id"] == entry.pk and got["entry"]["state"] == "DECIDED"
    assert "notifications.sweep" in workers.log(0)


def test_a_worker_killed_mid_delivery_neither_loses_nor_duplicates_the_event(province, workers, receiver):
    workers.redis.start()
    entry = draft_to_statement(province)
    receiver.script["entry.decided"] = [4]  # the platform is slow to answer the first request
    first = workers.start()
    receiver.started.clear()
    decide(province, entry)
    d = platform_delivery("entry.decided")
    wait_for(lambda: any(r["event_id"] == str(d.event.event_id) for r in receiver.requests), 60, 0.05,
             "the worker to be sending")
    workers.kill(first)  # SIGKILL while the receiver is still working on the request
    assert Delivery.objects.get(pk=d.pk).state == "SENDING"

    workers.start()  # its sweeper finds the lapsed lease and sends again, with the same event id
    wait_for(lambda: Delivery.objects.get(pk=d.pk).state == "DELIVERED", 60, 0.25, "redelivery")
    d.refresh_from_db()
    assert d.attempts == 2  # sent again after the kill…
    assert len(received(receiver, d.event.event_id)) == 1  # …and recorded once (the receiver knew its id)
    assert OutboxEvent.objects.filter(kind="entry.decided").count() == 1

