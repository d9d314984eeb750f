"""The domain's events (cases.events) are heard: with the apps loaded, every event has its listener
in the workflow, in the transaction, and each listener takes the event's payload."""

import inspect

import pytest

from cases import events
from workflow import dispatch

EVENTS = sorted(events.EVENTS, key=lambda e: e.__name__)


@pytest.mark.parametrize("event", EVENTS, ids=[e.__name__ for e in EVENTS])
def test_every_event_the_domain_announces_has_its_workflow_listener_in_the_transaction(event):
    subscriptions = events.subscriptions_of(event)
    assert [s.listener for s in subscriptions if s.listener.__module__ == dispatch.__name__], \
        f"nobody in the workflow listens to {event.__name__}: subscribe it in workflow/dispatch.py"
    assert not [s for s in subscriptions if s.listener.__module__ == dispatch.__name__ and s.on_commit], \
        "the workflow's listeners act atomically with the change"
    payload = {name: object() for name in inspect.signature(event).parameters}
    for subscription in subscriptions:
        inspect.signature(subscription.listener).bind(**payload)  # raises when it does not take the payload


def test_the_event_that_answers_has_exactly_one_listener():
    """The expiry batch's audit event names the tasks closed and opened, from the one listener's answer."""
    assert len(events.subscriptions_of(events.executions_lifting_in_batch)) == 1


def test_every_event_function_of_the_registry_is_declared():
    """An event left out of ``EVENTS`` could not be subscribed to, and announcing it would raise."""
    machinery = {"subscribe", "subscriptions_of", "announce", "ask"}
    functions = {value for name, value in vars(events).items()
                 if inspect.isfunction(value) and value.__module__ == events.__name__ and name not in machinery}
    assert functions == set(events.EVENTS)
