"""List entries (名单条目) and measure executions (措施执行): the two state machines of domain.md §1-§2.

The transitions below are the one map of what may happen to an entry or an execution. They are
called only from ``cases.services.entries``; the FSM fields are protected, and
``ConcurrentTransitionMixin`` turns a lost race into ``ConcurrentTransition`` (HTTP 409).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition


class ListEntry(ConcurrentTransitionMixin, models.Model):
    # Each kept deadline (a key of ``deadlines``) and the field that shows its date; and those the
    # subject was told (a recompute never moves them earlier: deadlines.recompute).
    DEADLINE_FIELDS = {"prior_notice_response": "statement_due", "publication": "publication_due"}
    TOLD_DEADLINES = frozenset({"prior_notice_response"})

    class State(models.TextChoices):
        DRAFT = "DRAFT", _("draft")
        NOTICE_SENT = "NOTICE_SENT", _("prior notice sent")
        UNDER_REVIEW = "UNDER_REVIEW", _("statement under review")
        DECIDED = "DECIDED", _("decided")
        ACTIVE = "ACTIVE", _("listed")
        SUSPENDED = "SUSPENDED", _("suspended (objection being verified)")
        REMOVED = "REMOVED", _("removed")
        WITHDRAWN = "WITHDRAWN", _("withdrawn")

    class RemovalReason(models.TextChoices):
        EXPIRED = "EXPIRED", _("validity expired")
        REPAIRED = "REPAIRED", _("credit repaired")
        CORRECTED = "CORRECTED", _("corrected")
        REVOKED = "REVOKED", _("revoked after an objection")
        ANNULLED = "ANNULLED", _("annulled by reconsideration or court")
        LIST_TYPE_REVOKED = "TYPE_REVOKED", _("the list type was revoked")

    S = State
    PRE_LISTING = [S.DRAFT, S.NOTICE_SENT, S.UNDER_REVIEW]
    LISTED = [S.ACTIVE, S.SUSPENDED]

    list_type = models.ForeignKey("cases.ListType", on_delete=models.PROTECT, related_name="entries")
    subject = models.ForeignKey("cases.Subject", on_delete=models.PROTECT, related_name="list_entries")
    listing_unit = models.ForeignKey("cases.Unit", on_delete=models.PROTECT, related_name="listed_entries")
    data_providing_unit = models.ForeignKey("cases.Unit", on_delete=models.PROTECT, related_name="provided_entries")
    state = FSMField(_("state"), default=S.DRAFT, choices=State.choices, protected=True)

    facts = models.TextField(_("facts"))
    reasons = models.TextField(_("reasons"))
    basis = models.CharField(_("basis"), max_length=255)
    statement = models.TextField(_("statement and defence"), blank=True)
    statement_due = models.DateField(_("statement due"), null=True, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    publication_due = models.DateField(_("publication due"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    removal_reason = models.CharField(_("removal reason"), max_length=16, choices=RemovalReason.choices, blank=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    # Open objection verifications: the entry stays suspended until the last one ends.
    open_verifications = models.PositiveIntegerField(default=0)
    # How each deadline was computed (deadlines.calendar.DeadlineComputation.as_dict()).
    deadlines = models.JSONField(default=dict, blank=True)
    # Removed by the set-based sweep: the batch whose one audit event records it (docs/adr/0007).
    removal_batch = models.ForeignKey("cases.RemovalBatch", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", db_index=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")
        indexes = [
            # The status check (应查必查): a subject's listed entries.
            models.Index(fields=["subject"], name="entry_listed_by_subject", condition=models.Q(state__in=["ACTIVE", "SUSPENDED"])),
            # The expiry sweep: active entries by end of validity.
            models.Index(fields=["valid_until"], name="entry_expiry", condition=models.Q(state__in=["ACTIVE", "SUSPENDED"])),
            # The removal sweep after a list type is revoked: its listed entries, in id order.
            models.Index(fields=["list_type", "id"], name="entry_listed_by_list_type",
                         condition=models.Q(state__in=["ACTIVE", "SUSPENDED"])),
            # The auditors' finder lists cases newest first.
            models.Index(fields=["created_at"], name="entry_by_created"),
        ]

    def __str__(self) -> str:
        return f"{self.list_type} · {self.subject}"

    @property
    def is_red(self) -> bool:
        return self.list_type.kind == "RED"

    @property
    def case_ref(self) -> str:
        """The entry's reference on its letters and in the auditors' finder: MD-<year>-<id>, the
        year of ``created_at`` as stored (UTC), which the finder's search by reference relies on."""
        return f"MD-{self.created_at:%Y}-{self.pk:06d}"

    # --- the map of what may happen --------------------------------------------------------
    def _is_punitive(self) -> bool:
        return not self.is_red

    @transition(state, source=S.DRAFT, target=S.NOTICE_SENT, conditions=[_is_punitive])
    def send_notice(self):
        pass

    @transition(state, source=S.NOTICE_SENT, target=S.UNDER_REVIEW)
    def receive_statement(self):
        pass

    @transition(state, source=[S.NOTICE_SENT, S.UNDER_REVIEW], target=S.DECIDED)
    def decide(self):
        pass

    @transition(state, source=S.DECIDED, target=S.ACTIVE)
    def publish(self):
        pass

    @transition(state, source=S.DRAFT, target=S.ACTIVE, conditions=[lambda self: self.is_red])
    def publish_red(self):
        pass

    @transition(state, source=S.ACTIVE, target=S.SUSPENDED)
    def suspend(self):
        pass

    @transition(state, source=S.SUSPENDED, target=S.ACTIVE)
    def resume(self):
        pass

    @transition(state, source=LISTED, target=S.REMOVED)
    def remove(self):
        pass

    @transition(state, source=PRE_LISTING + [S.DECIDED], target=S.WITHDRAWN)
    def withdraw(self):
        pass

    # A repair found to rest on false material is revoked and the entry returns (domain.md §4).
    @transition(state, source=S.REMOVED, target=S.ACTIVE,
                conditions=[lambda self: self.removal_reason == "REPAIRED"])
    def reinstate(self):
        pass


class RemovalBatch(models.Model):
    """Entries removed together by the expiry night (``entries_remove_many``), and the object of the
    batch's single audit event (``removal.batch``): the event lists every entry with what happened
    to its executions and tasks, so it is the removal in each of their histories
    (docs/adr/0007-expiry-batch-audit.md)."""

    removal_reason = models.CharField(_("removal reason"), max_length=16, choices=ListEntry.RemovalReason.choices)
    removed_at = models.DateTimeField(_("removed at"))
    entries_removed = models.PositiveIntegerField(_("entries removed"), default=0)

    class Meta:
        verbose_name = _("removal batch")
        verbose_name_plural = _("removal batches")

    def __str__(self) -> str:
        return f"#{self.pk} ({self.entries_removed} entries)"


class ListEntryStatePeriod(models.Model):
    """One row per state an entry was in, for "as of date T" answers and audits."""

    entry = models.ForeignKey(ListEntry, on_delete=models.PROTECT, related_name="state_periods")
    subject = models.ForeignKey("cases.Subject", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=16, choices=ListEntry.State.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["entry", "started_at"]
        indexes = [
            models.Index(fields=["subject", "started_at"], name="period_active_by_subject", condition=models.Q(state="ACTIVE")),
        ]


class MeasureExecution(ConcurrentTransitionMixin, models.Model):
    """One (measure, implementing unit) of an active entry: initiate → respond → feedback."""

    class State(models.TextChoices):
        PUSHED = "PUSHED", _("pushed")
        ACKNOWLEDGED = "ACKNOWLEDGED", _("acknowledged")
        APPLIED = "APPLIED", _("applied")
        NOT_APPLIED = "NOT_APPLIED", _("not applied")
        SUSPENDED = "SUSPENDED", _("suspended")
        LIFT_PENDING = "LIFT_PENDING", _("lift pending")
        LIFTED = "LIFTED", _("lifted")

    S = State
    IN_FORCE = [S.PUSHED, S.ACKNOWLEDGED, S.APPLIED, S.NOT_APPLIED]

    entry = models.ForeignKey(ListEntry, on_delete=models.PROTECT, related_name="executions")
    measure = models.ForeignKey("cases.Measure", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("cases.Unit", on_delete=models.PROTECT, related_name="measure_executions")
    state = FSMField(_("state"), default=S.PUSHED, choices=State.choices, protected=True)
    state_before_suspension = models.CharField(max_length=16, choices=State.choices, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    applied_note = models.TextField(_("what was done"), blank=True)
    not_applied_reason = models.TextField(_("reason for not applying"), blank=True)
    # Ever applied, kept after lifting: restoration tasks go to units that applied a measure.
    first_applied_at = models.DateTimeField(null=True, blank=True)
    feedback_reported_at = models.DateTimeField(null=True, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("measure execution")
        verbose_name_plural = _("measure executions")
        constraints = [
            models.UniqueConstraint(fields=["entry", "measure", "unit"], name="execution_unique")
        ]
        indexes = [models.Index(fields=["unit", "state"], name="execution_unit_state")]

    @transition(state, source=S.PUSHED, target=S.ACKNOWLEDGED)
    def acknowledge(self):
        pass

    @transition(state, source=S.ACKNOWLEDGED, target=S.APPLIED)
    def apply(self):
        pass

    @transition(state, source=S.ACKNOWLEDGED, target=S.NOT_APPLIED, conditions=[lambda self: not self.measure.mandatory])
    def not_apply(self):
        pass

    @transition(state, source=IN_FORCE, target=S.SUSPENDED)
    def suspend(self):
        self.state_before_suspension = self.state

    @transition(state, source=S.SUSPENDED, target=RETURN_VALUE(*IN_FORCE))
    def resume(self):
        previous, self.state_before_suspension = self.state_before_suspension, ""
        return previous

    @transition(state, source=IN_FORCE + [S.SUSPENDED], target=S.LIFT_PENDING)
    def lift(self):
        pass

    @transition(state, source=S.LIFT_PENDING, target=S.LIFTED)
    def confirm_lift(self):
        pass

    # The entry was reinstated (repair revoked): the measure is pushed to its unit again.
    @transition(state, source=[S.LIFT_PENDING, S.LIFTED], target=S.PUSHED)
    def reinstate(self):
        pass


class RestorationTask(models.Model):
    """恢复信誉、消除不良影响: for a unit that applied a measure during a wrongful listing."""

    class State(models.TextChoices):
        OPEN = "OPEN", _("open")
        DONE = "DONE", _("done")

    entry = models.ForeignKey(ListEntry, on_delete=models.PROTECT, related_name="restoration_tasks")
    unit = models.ForeignKey("cases.Unit", on_delete=models.PROTECT, related_name="restoration_tasks")
    reason = models.CharField(max_length=16, choices=ListEntry.RemovalReason.choices)
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "unit"], name="restoration_unique")]
