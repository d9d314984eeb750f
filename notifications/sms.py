"""SMS through a pluggable backend (setting ``NOTIFICATIONS_SMS_BACKEND``, a dotted class path).

A real gateway implements ``BaseSmsBackend.send``: send one text to one mainland mobile number,
return the gateway's message id, raise ``SmsError`` for anything worth retrying (network, rate
limit, 5xx) and ``SmsRejected`` for a number or text the gateway will never take (the delivery then
goes straight to DEAD instead of being retried). ``event_id`` is the outbox event's UUID; pass it to
the gateway as the client reference if it deduplicates by one.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("notifications.sms")


class SmsError(Exception):
    """Transient: the delivery is retried with backoff."""


class SmsRejected(SmsError):
    """Permanent: the gateway refuses this number or text."""


class BaseSmsBackend:
    def send(self, *, phone: str, text: str, event_id: str) -> str:
        raise NotImplementedError


class LoggingSmsBackend(BaseSmsBackend):
    """The default: writes each message to the log (no gateway configured)."""

    def send(self, *, phone: str, text: str, event_id: str) -> str:
        log.info("SMS to %s (event %s): %s", phone[:3] + "****" + phone[-4:], event_id, text)
        return f"log-{event_id}"


class LocmemSmsBackend(BaseSmsBackend):
    """For tests: keeps messages in ``LocmemSmsBackend.outbox``."""

    outbox: list[dict] = []

    def send(self, *, phone: str, text: str, event_id: str) -> str:
        self.outbox.append({"phone": phone, "text": text, "event_id": event_id})
        return f"mem-{len(self.outbox)}"


def get_backend() -> BaseSmsBackend:
    return import_string(settings.NOTIFICATIONS_SMS_BACKEND)()
