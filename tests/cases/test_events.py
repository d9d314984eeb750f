"""The registry's delivery: in the transaction by default, after commit when the listener asks,
and never silently to nobody."""

import pytest
from django.db import transaction

from cases import events


@pytest.fixture
def heard(monkeypatch):
    """An event of the registry with only the test's listeners (the workflow's set aside)."""
    monkeypatch.setattr(events, "_subscriptions", {})
    return []


def test_an_event_nobody_listens_to_raises(heard):
    with pytest.raises(events.NoListener):
        events.case_paused(case=object(), actor=None, reason="补正")


@pytest.mark.django_db
def test_a_listener_in_the_transaction_rolls_back_with_the_change(heard, django_capture_on_commit_callbacks):
    events.subscribe(events.case_paused, lambda **payload: heard.append(("now", payload["reason"])))
    events.subscribe(events.case_paused, lambda **payload: heard.append(("after", payload["reason"])),
                     on_commit=True)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            events.case_paused(case=object(), actor=None, reason="补正")
            assert heard == [("now", "补正")]  # before the service returns
    assert heard == [("now", "补正"), ("after", "补正")]
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_an_after_commit_listener_hears_nothing_of_a_change_rolled_back(heard, django_capture_on_commit_callbacks):
    events.subscribe(events.case_paused, lambda **payload: heard.append(payload["reason"]), on_commit=True)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            events.case_paused(case=object(), actor=None, reason="补正")
            raise RuntimeError("the service failed")
    assert heard == [] and callbacks == []


def test_an_event_that_answers_needs_exactly_one_listener(heard):
    payload = {"executions": [], "units": {}, "subjects": {}}
    with pytest.raises(events.NoListener):
        events.executions_lifting_in_batch(**payload)
    events.subscribe(events.executions_lifting_in_batch, lambda **_: ({}, {}))
    assert events.executions_lifting_in_batch(**payload) == ({}, {})
    events.subscribe(events.executions_lifting_in_batch, lambda **_: ({}, {}))
    with pytest.raises(events.NoListener):
        events.executions_lifting_in_batch(**payload)
