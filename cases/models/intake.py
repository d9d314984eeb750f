"""What objections and repair applications share: how a case is filed and followed without an
account (case number + query code), its attachments (type and size checked, stored with SHA-256)
and the applicant's chase-ups (催办)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FiledCase(models.Model):
    class Channel(models.TextChoices):
        PORTAL = "PORTAL", _("public portal")
        COUNTER = "COUNTER", _("at the unit's counter")
        PLATFORM = "PLATFORM", _("forwarded by the platform window")
        IMPLEMENTING_UNIT = "IMPLEMENTING_UNIT", _("found by an implementing unit")
        COMPLAINT = "COMPLAINT", _("complaint")

    number = models.CharField(_("case number"), max_length=24, unique=True, null=True, blank=True)
    # HMAC of the query code handed to the applicant once; the code itself is never stored.
    query_code_hash = models.CharField(max_length=64, verbose_name=_("query code hash"))
    channel = models.CharField(_("channel"), max_length=24, choices=Channel.choices)
    applicant_name = models.CharField(_("applicant"), max_length=128)
    applicant_contact = models.CharField(_("contact"), max_length=128)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("filed by"))
    filed_at = models.DateTimeField(auto_now_add=True, verbose_name=_("filed at"))
    # How each deadline of the case was computed (DeadlineComputation.as_dict()), by step.
    deadlines = models.JSONField(default=dict, blank=True, verbose_name=_("deadlines"))
    # Clock pauses (补正): [{"start": iso, "end": iso|None}].
    pauses = models.JSONField(default=list, blank=True, verbose_name=_("clock stops"))
    chase_up_count = models.PositiveIntegerField(_("chase-ups"), default=0)
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        abstract = True


class Attachment(models.Model):
    class Kind(models.TextChoices):
        EVIDENCE = "EVIDENCE", _("evidence")
        SUPPLEMENT = "SUPPLEMENT", _("supplementary material")
        PROOF = "PROOF", _("proof of performance")
        COMMITMENT = "COMMITMENT", _("signed credit commitment")
        OTHER = "OTHER", _("other material")

    object_type = models.CharField(max_length=48)
    object_id = models.PositiveBigIntegerField()
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    file = models.FileField(upload_to="attachments/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    class Meta:
        indexes = [models.Index(fields=["object_type", "object_id"], name="attachment_by_case")]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class ChaseUp(models.Model):
    """催办: logged and counted; at most one per working day per case."""

    object_type = models.CharField(max_length=48)
    object_id = models.PositiveBigIntegerField()
    on = models.DateField()
    note = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["object_type", "object_id", "on"], name="chase_up_once_a_day")]
