"""The domain's events (cases.events) are heard: with the apps loaded, every event has its listener
in the app that answers it (the workflow, unless declared below), in the transaction, and each
listener takes the event's payload."""

import inspect

import pytest

from cases import events

EVENTS = sorted(events.EVENTS, key=lambda e: e.__name__)
# The events another app than the workflow answers: the app that owns what the event asks for.
ANSWERED_BY = {events.letter_due: "letters"}


def _listeners_in(app: str, subscriptions) -> list:
    return [s for s in subscriptions if s.listener.__module__.split(".")[0] == app]


@pytest.mark.parametrize("event", EVENTS, ids=[e.__name__ for e in EVENTS])
def test_every_event_the_domain_announces_has_its_listener_in_the_app_that_answers_it_in_the_transaction(event):
    app = ANSWERED_BY.get(event, "workflow")
    subscriptions = events.subscriptions_of(event)
    assert _listeners_in(app, subscriptions), \
        f"nobody in {app} listens to {event.__name__}: subscribe it in {app}/apps.py ready()"
    assert not [s for s in _listeners_in(app, subscriptions) if s.on_commit], \
        f"{app}'s listeners act atomically with the change"
    payload = {name: object() for name in inspect.signature(event).parameters}
    for subscription in subscriptions:
        inspect.signature(subscription.listener).bind(**payload)  # raises when it does not take the payload


@pytest.mark.parametrize("event", [events.executions_lifting_in_batch, events.letter_due],
                         ids=lambda e: e.__name__)
def test_an_event_that_answers_has_exactly_one_listener(event):
    """The expiry batch's audit event names the tasks closed and opened, from the one listener's
    answer; a step that owes a letter gets the numbered letter back, from the letters app alone."""
    assert len(events.subscriptions_of(event)) == 1


def test_every_event_function_of_the_registry_is_declared():
    """An event left out of ``EVENTS`` could not be subscribed to, and announcing it would raise."""
    machinery = {"subscribe", "subscriptions_of", "announce", "ask"}
    functions = {value for name, value in vars(events).items()
                 if inspect.isfunction(value) and value.__module__ == events.__name__ and name not in machinery}
    assert functions == set(events.EVENTS)
