"""What objections and repair applications share: how a case is filed and followed without an
account (case number + query code), its acceptance check with one consolidated supplement (补正)
and its lapse, refusal (不予受理), one extension and withdrawal (the same fields and the same
transitions, ``FiledCase``), its attachments (type and size checked, stored with SHA-256) and the
applicant's chase-ups (催办)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, transition


def _step(name: str, source, target, conditions: list):
    def step(self):
        pass

    step.__name__ = step.__qualname__ = name
    return transition("state", source=source, target=target, conditions=conditions)(step)


class FiledCase(ConcurrentTransitionMixin, models.Model):
    """A case a person files (an objection, a repair application). Each procedure declares its
    ``State`` (with at least SUBMITTED, NEEDS_SUPPLEMENT, NOT_ACCEPTED and WITHDRAWN), its ``state``
    field, ``CASE_TYPE`` (the rule rows' case type; audit actions are its lower case),
    ``DEADLINE_FIELDS``, ``PAUSED_DEADLINES`` (those a supplement pauses), ``WITHDRAWABLE`` and
    ``STEPS``, its own part of the map of what may happen: {transition: (from, to[, condition])}.
    The FSM transitions are made here from that map and the steps every filed case has."""

    class Channel(models.TextChoices):
        PORTAL = "PORTAL", _("public portal")
        COUNTER = "COUNTER", _("at the unit's counter")
        PLATFORM = "PLATFORM", _("forwarded by the platform window")
        IMPLEMENTING_UNIT = "IMPLEMENTING_UNIT", _("found by an implementing unit")
        COMPLAINT = "COMPLAINT", _("complaint")

    # The deadlines the subject was told (a recompute never moves them earlier: deadlines.recompute).
    TOLD_DEADLINES = frozenset({"*"})

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

    # Acceptance (受理审查): one consolidated supplement request, or a refusal with reasons.
    not_accepted_reasons = models.TextField(_("reasons for not accepting"), blank=True)
    supplement_request = models.JSONField(_("materials requested"), default=list, blank=True)
    supplement_requested_on = models.DateField(_("supplement requested on"), null=True, blank=True)
    supplement_received_on = models.DateField(_("supplement received on"), null=True, blank=True)
    acceptance_due = models.DateField(_("acceptance due"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for extension"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)

    class Meta:
        abstract = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        S = cls.State
        steps = {
            # One consolidated request: there is no second.
            "request_supplement": (S.SUBMITTED, S.NEEDS_SUPPLEMENT, lambda self: self.supplement_requested_on is None),
            "receive_supplement": (S.NEEDS_SUPPLEMENT, S.SUBMITTED),
            "refuse": ([S.SUBMITTED, S.NEEDS_SUPPLEMENT], S.NOT_ACCEPTED),
            "withdraw": (list(cls.WITHDRAWABLE), S.WITHDRAWN),
            # 逾期未补正的，视为撤回申请: the window lapsed without material (a sweep, not a person).
            "supplement_lapse": (S.NEEDS_SUPPLEMENT, S.WITHDRAWN),
            **cls.STEPS,
        }
        # django-fsm keeps the field on the decorated function: each model gets functions of its own.
        for name, (source, target, *conditions) in steps.items():
            setattr(cls, name, _step(name, source, target, conditions))

    @property
    def applied_on(self):
        """The day of the application (Beijing date of the filing)."""
        return timezone.localdate(self.filed_at)

    @property
    def rule_regimes(self) -> tuple[str, ...]:
        """The regimes whose rule rows set this case's periods, the most specific first."""
        return ("default",)


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
