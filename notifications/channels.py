"""The ways out: platform webhook, e-mail, SMS. Each ``send_*`` raises ``Transient`` (retry with
backoff) or ``Permanent`` (give up at once: DEAD) and returns normally once the other side has it."""

from __future__ import annotations

import json
import os
import time

import urllib3
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.core.serializers.json import DjangoJSONEncoder

from notifications import receiver, sms
from notifications.messages import render_body, render_title


class Transient(Exception):
    pass


class Permanent(Exception):
    pass


_pools: dict[int, urllib3.PoolManager] = {}


def _http() -> urllib3.PoolManager:
    """One connection pool per worker process (a prefork child builds its own after the fork), so
    every platform POST reuses a kept-alive connection; up to ``NOTIFICATIONS_PLATFORM_SENDERS``
    of them to one host, for the threads that send a batch (notifications.services.delivery)."""
    pool = _pools.get(os.getpid())
    if pool is None:
        size = max(1, int(getattr(settings, "NOTIFICATIONS_PLATFORM_SENDERS", 8)))
        pool = _pools[os.getpid()] = urllib3.PoolManager(num_pools=4, maxsize=size, block=True, retries=False)
    return pool


def platform_body(delivery) -> bytes:
    event = delivery.event
    data = {k: v for k, v in event.payload.items() if k != "message"}
    data.update({"event_id": str(event.event_id), "type": event.kind, "sequence": event.pk})
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")


def send_platform(delivery) -> None:
    """POST the signed event; only a 2xx acknowledges it (docs/notifications.md). Thread-safe."""
    body = platform_body(delivery)
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        receiver.HEADER_EVENT_ID: str(delivery.event.event_id),
        receiver.HEADER_EVENT_TYPE: delivery.event.kind,
        receiver.HEADER_TIMESTAMP: timestamp,
        receiver.HEADER_SUBJECT: delivery.event.subject_key,
        receiver.HEADER_SEQUENCE: str(delivery.event.pk),
        receiver.HEADER_SIGNATURE: receiver.sign(settings.PLATFORM_WEBHOOK_SECRET, timestamp, body),
    }
    timeout = urllib3.Timeout(connect=settings.PLATFORM_WEBHOOK_CONNECT_TIMEOUT, read=settings.PLATFORM_WEBHOOK_TIMEOUT)
    try:
        response = _http().request("POST", delivery.address or settings.PLATFORM_WEBHOOK_URL, body=body,
                                   headers=headers, timeout=timeout, redirect=False, retries=False)
    except urllib3.exceptions.NewConnectionError as exc:  # refused, unreachable (before the timeouts below)
        raise Transient(f"ConnectionError: {exc}"[:500]) from exc
    except urllib3.exceptions.TimeoutError as exc:
        raise Transient(f"Timeout: {exc}"[:500]) from exc
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        raise Transient(f"ConnectionError: {type(exc).__name__}: {exc}"[:500]) from exc
    if not 200 <= response.status < 300:
        raise Transient(f"HTTP {response.status}: {response.data[:300].decode('utf-8', 'replace')}")


def _texts(delivery) -> tuple[str, str, dict]:
    context = delivery.event.payload.get("message") or {}
    with translation.override(delivery.language or settings.LANGUAGE_CODE):
        return render_title(delivery.event.kind, context), render_body(delivery.event.kind, context), context


def send_email(delivery) -> None:
    """Django's mail framework; the templates are translated into the recipient's language."""
    title, body, context = _texts(delivery)
    with translation.override(delivery.language or settings.LANGUAGE_CODE):
        data = {"title": title, "body": body, "link": settings.PUBLIC_BASE_URL.rstrip("/") + "/notifications/",
                "context": context, "event_id": str(delivery.event.event_id)}
        text = render_to_string("email/notification.txt", data)
        html = render_to_string("email/notification.html", data)
    message = EmailMultiAlternatives(subject=title, body=text, to=[delivery.address],
                                     headers={"X-Credit-Event-Id": str(delivery.event.event_id)})
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except (OSError, TimeoutError) as exc:  # SMTP errors are OSError subclasses
        raise Transient(f"{type(exc).__name__}: {exc}"[:500]) from exc


def send_sms(delivery) -> None:
    title, body, _ctx = _texts(delivery)
    try:
        sms.get_backend().send(phone=delivery.address, text=f"{title}：{body}" if (delivery.language or "").startswith("zh") else f"{title}: {body}",
                               event_id=str(delivery.event.event_id))
    except sms.SmsRejected as exc:
        raise Permanent(str(exc)[:500]) from exc
    except sms.SmsError as exc:
        raise Transient(str(exc)[:500]) from exc


SENDERS = {"PLATFORM": send_platform, "EMAIL": send_email, "SMS": send_sms}
