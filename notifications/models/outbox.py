"""The transactional outbox: what must leave the system, written in the same transaction as the
change that caused it, and one delivery row per way out (platform webhook, e-mail, SMS).

An ``OutboxEvent`` is the fact ("entry 12 was suspended"), with a stable UUID that every receiver
uses to recognise a retry. A ``Delivery`` is one attempt-carrying row per channel and recipient;
Celery workers claim them many at a time with ``SELECT … FOR UPDATE SKIP LOCKED LIMIT n`` and settle a
batch in one statement (notifications.services.delivery).
"""

import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutboxEvent(models.Model):
    # The bigserial orders events; per subject, platform deliveries go out in this order.
    id = models.BigAutoField(primary_key=True)
    event_id = models.UUIDField(_("event id"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("event"), max_length=48)
    # Platform ordering key: the credit subject's code (统一社会信用代码 / 身份证号), else "".
    subject_key = models.CharField(_("subject"), max_length=32, blank=True)
    # What caused it, e.g. "audit:1234" or "digest:unit-7:2026-11-22"; unique, so a retried writer
    # or a re-run digest never produces the event twice.
    source = models.CharField(_("source"), max_length=96, unique=True)
    object_type = models.CharField(max_length=48, blank=True)
    object_id = models.CharField(max_length=32, blank=True)
    payload = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        indexes = [models.Index(fields=["object_type", "object_id"], name="outbox_by_object")]

    def __str__(self) -> str:
        return f"{self.kind} {self.event_id}"


class Delivery(models.Model):
    class Channel(models.TextChoices):
        PLATFORM = "PLATFORM", _("shared credit platform")
        EMAIL = "EMAIL", _("e-mail")
        SMS = "SMS", _("SMS")

    class State(models.TextChoices):
        PENDING = "PENDING", _("pending")
        SENDING = "SENDING", _("sending")
        DELIVERED = "DELIVERED", _("delivered")
        DEAD = "DEAD", _("dead (gave up)")

    id = models.BigAutoField(primary_key=True)
    event = models.ForeignKey(OutboxEvent, on_delete=models.PROTECT, related_name="deliveries")
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    # Copied from the event so the per-subject ordering check reads one table and one index.
    subject_key = models.CharField(max_length=32, blank=True)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="+")
    address = models.CharField(_("address"), max_length=254, blank=True)
    language = models.CharField(max_length=8, default="zh-hans")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    # A claimed row belongs to its worker until then; a worker killed mid-delivery loses it then.
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["event", "channel", "address"], name="delivery_once_per_address"),
        ]
        indexes = [
            # The sweeper and the claim: what is due.
            models.Index(fields=["next_attempt_at"], name="delivery_due",
                         condition=Q(state__in=["PENDING", "SENDING"])),
            # Per-subject ordering: is an earlier platform delivery of this subject still open?
            models.Index(fields=["subject_key", "id"], name="delivery_platform_open",
                         condition=Q(channel="PLATFORM") & ~Q(state="DELIVERED")),
            models.Index(fields=["state"], name="delivery_dead", condition=Q(state="DEAD")),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.event.kind} · {self.get_state_display()}"


class PlatformEntryState(models.Model):
    """What the shared credit platform has acknowledged about an entry (the reconciliation's
    "their side"): the entry's state in the last acknowledged event."""

    entry = models.OneToOneField("cases.ListEntry", on_delete=models.CASCADE, primary_key=True, related_name="+")
    state = models.CharField(max_length=16)
    event_id = models.UUIDField()
    acknowledged_at = models.DateTimeField()

    class Meta:
        verbose_name = _("platform acknowledgement")
        verbose_name_plural = _("platform acknowledgements")
