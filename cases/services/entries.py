"""Writes on list entries and their measure executions (domain.md §1, §2).

Every transition goes through ``_move`` (entries) or ``_step`` (executions): the FSM transition,
a save that fails with ConcurrentTransition if someone else moved the row first, the state-period
history used by "as of" answers, and the audit event, all in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransition, can_proceed

from cases import events
from cases.audit.services import audit_record
from cases.errors import Conflict, InvalidTransition, ValidationFailed
from cases.locking import for_update
from cases.models import ListEntry, ListEntryStatePeriod, MeasureExecution, MeasureImplementer, RestorationTask
from cases.models import RemovalBatch, RepairCase, Unit, UnitListRole
from cases.selectors.scope import staff_of
from deadlines.calendar import DeadlineComputation, months_later
from deadlines.rules import ProcedureRuleMissing, compute_for_rule, find_rule

from . import entry_letters
from .repair_endings import repairs_entry_removed, repairs_lift_confirmed
from .transitions import move_audited
from .access import require_leader, require_list_role, require_member, require_staff

Role = UnitListRole.Role
E = ListEntry.State
X = MeasureExecution.State


def _move(entry: ListEntry, transition: str, *, actor, reason: str = "", changes: dict | None = None) -> None:
    def periods():  # the entry's state history, which the status check as of a date reads
        now = timezone.now()
        ListEntryStatePeriod.objects.filter(entry=entry, ended_at__isnull=True).update(ended_at=now)
        ListEntryStatePeriod.objects.create(entry=entry, subject_id=entry.subject_id, state=entry.state, started_at=now)

    move_audited(entry, transition, kind="entry", actor=actor, reason=reason, changes=changes, saved=periods)


def _step(execution: MeasureExecution, transition: str, *, actor, reason: str = "", changes: dict | None = None):
    move_audited(execution, transition, kind="execution", actor=actor, reason=reason, changes=changes)


def _deadline(entry: ListEntry, step: str, start: dt.date) -> dt.date:
    rule = find_rule("LIST_ENTRY", step, regime_candidates=(entry.list_type.code, "default"), on_date=start)
    computation = compute_for_rule(rule, start=start)
    entry.deadlines = {**entry.deadlines, step: computation.as_dict()}
    return computation.due


def _require_list_type_in_force(list_type) -> None:
    """Nothing is listed under a revoked list type (``list_type_revoke``). An entry that slips past
    this check while the revocation commits is taken by the removal sweep like the others."""
    if list_type.revoked_at is not None:
        raise Conflict(_("This list type was revoked on %(date)s: nobody is listed under it any more.")
                       % {"date": timezone.localdate(list_type.revoked_at)}, code="list_type_revoked")


@transaction.atomic
def entry_draft(*, actor, list_type, subject, facts: str, reasons: str, basis: str = "", data_providing_unit=None) -> ListEntry:
    """A listing unit's officer drafts an entry (认定部门 decides who is listed)."""
    unit = require_staff(actor).unit
    require_member(actor, unit)
    require_list_role(unit, list_type, Role.LISTING)
    _require_list_type_in_force(list_type)
    errors = {f: [("required", _("This field is required."))] for f, v in (("facts", facts), ("reasons", reasons)) if not (v or "").strip()}
    if errors:
        raise ValidationFailed(fields=errors)
    entry = ListEntry.objects.create(
        list_type=list_type, subject=subject, listing_unit=unit, data_providing_unit=data_providing_unit or unit,
        facts=facts.strip(), reasons=reasons.strip(),
        basis=basis or f"{list_type.standard_document} {list_type.standard_article}".strip(), created_by=actor,
    )
    ListEntryStatePeriod.objects.create(entry=entry, subject=subject, state=entry.state, started_at=timezone.now())
    audit_record(action="entry.draft", obj=entry, actor=actor, to_state=entry.state,
                 changes={"subject": [None, subject.identifier], "list_type": [None, list_type.code]})
    events.entry_drafted(entry=entry)
    return entry


@transaction.atomic
def entry_send_notice(*, actor, entry: ListEntry, on: dt.date | None = None) -> ListEntry:
    """事先告知: reasons, basis and the right to state and defend, with a response window (rule row)."""
    require_member(actor, entry.listing_unit)
    on = on or timezone.localdate()
    entry.statement_due = _deadline(entry, "prior_notice_response", on)
    _move(entry, "send_notice", actor=actor, changes={"statement_due": [None, entry.statement_due]})
    entry_letters.issue_prior_notice(entry, actor, response_days=entry.deadlines["prior_notice_response"]["amount"])
    return entry


@transaction.atomic
def entry_receive_statement(*, actor, entry: ListEntry, statement: str) -> ListEntry:
    require_member(actor, entry.listing_unit)
    if not (statement or "").strip():
        raise ValidationFailed(fields={"statement": [("required", _("This field is required."))]})
    entry.statement = statement.strip()
    _move(entry, "receive_statement", actor=actor, changes={"statement": ["", entry.statement]})
    return entry


@transaction.atomic
def entry_close_statement_window(*, actor, entry: ListEntry, today: dt.date) -> ListEntry:
    """No statement came: the listing unit may go on to the decision only once the response window
    of the prior notice is over (陈述申辩 is the subject's right)."""
    require_member(actor, entry.listing_unit)
    if entry.state != E.NOTICE_SENT:
        raise InvalidTransition(extra={"state": entry.state, "transition": "close_statement_window"})
    if entry.statement_due and today <= entry.statement_due:
        raise ValidationFailed(
            _("The subject may still state and defend until %(date)s.") % {"date": entry.statement_due.isoformat()},
            code="statement_window_open",
            fields={"statement": [("statement_window_open", _("The response window is still open."))]},
        )
    audit_record(action="entry.statement_window_closed", obj=entry, actor=actor,
                 changes={"statement_due": [None, entry.statement_due]})
    return entry


@transaction.atomic
def entry_record_statement(*, actor, entry: ListEntry, statement: str, today: dt.date) -> ListEntry:
    """The statement step of the listing: what the subject stated is recorded; an empty statement
    closes the window instead, which the rule allows only once it is over (陈述申辩)."""
    if (statement or "").strip():
        return entry_receive_statement(actor=actor, entry=entry, statement=statement)
    return entry_close_statement_window(actor=actor, entry=entry, today=today)


@transaction.atomic
def entry_conclude_decision(*, actor, entry: ListEntry, approve: bool, decision_date: dt.date | None = None,
                            reason: str = "", dating_reason: str = "") -> ListEntry:
    """The decision step of the listing: the leader lists the subject (``entry_decide``) or does not,
    which withdraws the entry (``entry_withdraw``, with the reason)."""
    if approve:
        return entry_decide(actor=actor, entry=entry, decision_date=decision_date, reason=reason,
                            dating_reason=dating_reason)
    return entry_withdraw(actor=actor, entry=entry, reason=reason)


@transaction.atomic
def entry_decide(*, actor, entry: ListEntry, decision_date: dt.date | None = None, reason: str = "",
                 dating_reason: str = "") -> ListEntry:
    """The listing unit's leader decides; publication is due within 7 working days (rule row).

    The decision date is a fact of the file, not a free choice: never after today (Beijing), never
    before the prior notice was served (the subject's statement window precedes the decision;
    domain.md §1 认定 → 事前告知 → 陈述申辩 → 决定), and a decision recorded after the
    ``decision_recording`` window of its date (rule row, 3 working days) needs the reason it is
    recorded late (``dating_reason``, kept on the audit chain): the date starts the publication
    and repair periods."""
    require_leader(actor, entry.listing_unit)
    _require_list_type_in_force(entry.list_type)
    today = timezone.localdate()
    decision_date = decision_date or today
    dating_reason = (dating_reason or "").strip()
    served = (entry.deadlines.get("prior_notice_response") or {}).get("start")
    if decision_date > today:
        raise ValidationFailed(fields={"decision_date": [(
            "decision_date_future", _("A decision cannot be dated after today (%(today)s).") % {"today": today})]})
    if served and decision_date < dt.date.fromisoformat(served):
        raise ValidationFailed(fields={"decision_date": [(
            "decision_date_before_notice",
            _("A decision cannot be dated before the prior notice was served (%(served)s).") % {"served": served})]})
    if decision_date < today and not dating_reason and _recorded_late(entry, decision_date, today):
        raise ValidationFailed(fields={"dating_reason": [(
            "dating_reason_required",
            _("A decision dated %(date)s is recorded late: say why (e.g. a paper decision entered afterwards).")
            % {"date": decision_date})]})
    entry.decision_date = decision_date
    entry.publication_due = _deadline(entry, "publication", entry.decision_date)
    changes = {"decision_date": [None, entry.decision_date], "publication_due": [None, entry.publication_due]}
    if dating_reason:
        changes["dating_reason"] = [None, dating_reason]
    _move(entry, "decide", actor=actor, reason=reason, changes=changes)
    entry_letters.issue_listing_decision(entry, actor, considered=reason)
    return entry


def _recorded_late(entry: ListEntry, decision_date: dt.date, today: dt.date) -> bool:
    """Whether ``today`` is past the window in which a decision of ``decision_date`` is recorded
    without a reason (LIST_ENTRY/decision_recording; 3 calendar days where no row is in force)."""
    try:
        rule = find_rule("LIST_ENTRY", "decision_recording", regime_candidates=(entry.list_type.code, "default"),
                         on_date=decision_date)
    except ProcedureRuleMissing:
        return (today - decision_date).days > 3
    return compute_for_rule(rule, start=decision_date).due < today


def _push_executions(entry: ListEntry, actor) -> list[MeasureExecution]:
    pairs = (
        MeasureImplementer.objects.filter(measure__list_types=entry.list_type, measure__is_active=True)
        .order_by("measure__code", "unit__code")
        .values_list("measure_id", "unit_id")
    )
    executions = MeasureExecution.objects.bulk_create(
        [MeasureExecution(entry=entry, measure_id=m, unit_id=u) for m, u in pairs]
    )
    audit_record(action="entry.measures_pushed", obj=entry, actor=actor,
                 changes={"executions": [None, [[e.measure_id, e.unit_id] for e in executions]]})
    events.executions_pushed(executions=executions)
    return executions


@transaction.atomic
def entry_publish(*, actor, entry: ListEntry) -> ListEntry:
    """ACTIVE: published, and one execution per (measure, implementing unit) pushed at once."""
    require_member(actor, entry.listing_unit)
    _require_list_type_in_force(entry.list_type)
    entry.published_at = timezone.now()
    months = entry.list_type.validity_months
    if months:
        start = entry.decision_date or timezone.localdate()
        # The end of validity is a date, not a period for an act: no rest-day roll (and so no need
        # for holiday data years ahead).
        entry.valid_until = months_later(start, months)
    _move(entry, "publish_red" if entry.is_red else "publish", actor=actor,
          changes={"valid_until": [None, entry.valid_until]})
    _push_executions(entry, actor)
    return entry


@transaction.atomic
def entry_suspend(*, actor, entry: ListEntry, reason: str) -> ListEntry:
    """An objection is being verified: no joint punishment meanwhile (seed: Tibet 2017 item 十八).

    Every execution is suspended in the same transaction. Several verifications may run at once;
    the entry stays suspended until the last one ends (``entry_resume``)."""
    entry = for_update(ListEntry.objects).get(pk=entry.pk)
    entry.open_verifications += 1
    if entry.state == E.ACTIVE:
        _move(entry, "suspend", actor=actor, reason=reason)
        executions = list(for_update(entry.executions).filter(state__in=MeasureExecution.IN_FORCE))
        for execution in executions:
            _step(execution, "suspend", actor=actor, reason=reason)
        events.executions_suspended(executions=executions, actor=actor, reason=reason)
    else:
        entry.save(update_fields=["open_verifications", "updated_at"])
    return entry


@transaction.atomic
def entry_resume(*, actor, entry: ListEntry, reason: str) -> ListEntry:
    """A verification ended (upheld or withdrawn): when it was the last, the measures resume exactly
    as they stood before the suspension."""
    entry = for_update(ListEntry.objects).get(pk=entry.pk)
    entry.open_verifications = max(0, entry.open_verifications - 1)
    if entry.open_verifications == 0 and entry.state == E.SUSPENDED:
        _move(entry, "resume", actor=actor, reason=reason)
        executions = list(for_update(entry.executions).filter(state=X.SUSPENDED))
        for execution in executions:
            _step(execution, "resume", actor=actor, reason=reason)
        events.executions_resumed(executions=executions, actor=actor, reason=reason)
    else:
        entry.save(update_fields=["open_verifications", "updated_at"])
    return entry


@transaction.atomic
def entry_remove(*, actor, entry: ListEntry, removal_reason: str, reason: str = "") -> ListEntry:
    """REMOVED: leaves public view at once; every execution goes LIFT_PENDING until its unit confirms.
    Revoked or corrected after application: a restoration task (恢复信誉、消除不良影响) for each unit
    that applied a measure."""
    if removal_reason not in ListEntry.RemovalReason.values:
        raise ValidationFailed(fields={"removal_reason": [("invalid_choice", _("Not one of the allowed values."))]})
    entry.removal_reason = removal_reason
    entry.removed_at = timezone.now()
    entry.open_verifications = 0
    _move(entry, "remove", actor=actor, reason=reason, changes={"removal_reason": ["", removal_reason]})
    if removal_reason != ListEntry.RemovalReason.EXPIRED:
        # The listing unit issues the removal decision; when another unit's procedure removes the
        # entry (an objection revoked at the data-providing unit), the system issues it for it.
        staff = staff_of(actor)
        issuer = actor if staff is not None and staff.unit_id == entry.listing_unit_id else None
        entry_letters.issue_removal_decision(entry, issuer)
    executions = list(for_update(entry.executions).exclude(state__in=[X.LIFT_PENDING, X.LIFTED]))
    for execution in executions:
        _step(execution, "lift", actor=actor, reason=reason)
    events.executions_lifting(executions=executions, actor=actor, reason=reason)
    if removal_reason in (ListEntry.RemovalReason.REVOKED, ListEntry.RemovalReason.CORRECTED):
        entry_open_restorations(entry=entry, reason=removal_reason, actor=actor)
    if removal_reason != ListEntry.RemovalReason.REPAIRED:
        repairs_entry_removed(entry=entry, actor=actor, reason=reason)
    return entry


def entry_open_restorations(*, entry: ListEntry, reason: str, actor) -> list[RestorationTask]:
    """恢复信誉、消除不良影响: one task for each implementing unit that applied a measure during the
    wrongful period (domain.md §2), opened once per (entry, unit)."""
    units = sorted({e.unit_id for e in entry.executions.all() if e.first_applied_at is not None})
    existing = set(RestorationTask.objects.filter(entry=entry).values_list("unit_id", flat=True))
    restorations = []
    for unit_id in units:
        if unit_id in existing:
            continue
        task = RestorationTask.objects.create(entry=entry, unit_id=unit_id, reason=reason)
        audit_record(action="restoration.open", obj=task, actor=actor, changes={"unit": [None, unit_id]})
        restorations.append(task)
    events.restorations_opened(restorations=restorations)
    return restorations


@transaction.atomic
def entry_revoke_removed(*, actor, entry: ListEntry, reason: str) -> ListEntry:
    """An objection found the record of an entry already removed (expired, repaired) wrong: the
    record is revoked (its removal reason becomes REVOKED, old → new on the chain) and each unit
    that applied a measure restores the subject's reputation. Nothing is lifted: nothing applies."""
    entry = for_update(ListEntry.objects).get(pk=entry.pk)
    if entry.state != E.REMOVED:
        raise InvalidTransition(extra={"state": entry.state, "transition": "revoke_removed"})
    before = entry.removal_reason
    if before != ListEntry.RemovalReason.REVOKED:
        entry.removal_reason = ListEntry.RemovalReason.REVOKED
        entry.save(update_fields=["removal_reason", "updated_at"])
        audit_record(action="entry.revoke_removed", obj=entry, actor=actor, reason=reason,
                     changes={"removal_reason": [before, entry.removal_reason]})
    entry_open_restorations(entry=entry, reason=ListEntry.RemovalReason.REVOKED, actor=actor)
    return entry


@transaction.atomic
def entry_reinstate(*, actor, entry: ListEntry, reason: str) -> ListEntry:
    """A repair found to rest on false material is revoked (domain.md §4): the entry returns to
    ACTIVE and every measure goes back to its implementing unit. Executions still lift-pending or
    lifted are pushed again (their lift tasks cancelled); measures the list type gained since the
    removal are pushed as new executions. Each unit gets its tasks again."""
    entry = for_update(ListEntry.objects).select_related("list_type").get(pk=entry.pk)
    before = {"removal_reason": entry.removal_reason, "removed_at": entry.removed_at}
    _move(entry, "reinstate", actor=actor, reason=reason, changes={
        "removal_reason": [before["removal_reason"], ""], "removed_at": [before["removed_at"], None]})
    entry.removal_reason, entry.removed_at, entry.open_verifications = "", None, 0
    entry.save(update_fields=["removal_reason", "removed_at", "open_verifications", "updated_at"])
    executions = list(for_update(entry.executions).filter(state__in=[X.LIFT_PENDING, X.LIFTED]))
    for execution in executions:
        # A new cycle of respond → feedback; first_applied_at stays (restoration tasks read it).
        execution.acknowledged_at = execution.applied_at = execution.feedback_reported_at = None
        execution.lifted_at = None
        execution.applied_note = execution.not_applied_reason = ""
        _step(execution, "reinstate", actor=actor, reason=reason)
    events.executions_reinstated(executions=executions, actor=actor, reason=reason)
    present = set(entry.executions.values_list("measure_id", "unit_id"))
    pairs = (
        MeasureImplementer.objects.filter(measure__list_types=entry.list_type, measure__is_active=True)
        .order_by("measure__code", "unit__code")
        .values_list("measure_id", "unit_id")
    )
    added = MeasureExecution.objects.bulk_create(
        [MeasureExecution(entry=entry, measure_id=m, unit_id=u) for m, u in pairs if (m, u) not in present]
    )
    if added:
        audit_record(action="entry.measures_pushed", obj=entry, actor=actor, reason=reason,
                     changes={"executions": [None, [[e.measure_id, e.unit_id] for e in added]]})
        events.executions_pushed(executions=added)
    return entry


MANUAL_REMOVAL = (ListEntry.RemovalReason.ANNULLED, ListEntry.RemovalReason.REVOKED)


@transaction.atomic
def entry_remove_by_decision(*, actor, entry: ListEntry, removal_reason: str, reason: str) -> ListEntry:
    """A listing unit's leader removes an entry by decision: annulled by reconsideration or a court
    (ANNULLED), or revoked (e.g. a red-list subject no longer qualifies). Expiry, repair and
    objection outcomes remove entries through their own procedures."""
    require_leader(actor, entry.listing_unit)
    if removal_reason not in MANUAL_REMOVAL:
        raise ValidationFailed(fields={"removal_reason": [("invalid_choice", _("Not one of the allowed values."))]})
    if not (reason or "").strip():
        raise ValidationFailed(fields={"reason": [("required", _("This field is required."))]})
    entry = for_update(ListEntry.objects).select_related("list_type").get(pk=entry.pk)
    return entry_remove(actor=actor, entry=entry, removal_reason=removal_reason, reason=reason.strip())


@transaction.atomic
def entry_withdraw(*, actor, entry: ListEntry, reason: str) -> ListEntry:
    require_member(actor, entry.listing_unit)
    if not (reason or "").strip():
        raise ValidationFailed(fields={"reason": [("required", _("This field is required."))]})
    _move(entry, "withdraw", actor=actor, reason=reason)
    events.entry_withdrawn(entry=entry, actor=actor, reason=reason)
    return entry


# Fields whose change alters the entry's legal effect: only the listing unit's leader corrects them.
LEGAL_EFFECT_FIELDS = frozenset({"valid_until"})


@transaction.atomic
def entry_correct(*, actor, entry: ListEntry, reason: str, **fields) -> ListEntry:
    """A correction keeps the entry and records each changed field old → new.

    Plain corrections (a typo in the facts) stay with the officers of the listing or data-providing
    unit. A field with legal effect (the validity) is the listing unit's leader's, and its date can
    never be moved into the past: ending an entry's effect early is a removal, not a correction."""
    if entry.listing_unit_id != getattr(require_staff(actor).unit, "pk", None):
        require_member(actor, entry.data_providing_unit)
    else:
        require_member(actor, entry.listing_unit)
    if LEGAL_EFFECT_FIELDS & set(fields):
        require_leader(actor, entry.listing_unit)
    if not (reason or "").strip():
        raise ValidationFailed(fields={"reason": [("required", _("This field is required."))]})
    allowed = {"facts", "reasons", "basis", "valid_until"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationFailed(fields={f: [("read_only", _("This field cannot be changed."))] for f in unknown})
    if fields.get("valid_until") is not None and fields["valid_until"] <= timezone.localdate():
        raise ValidationFailed(fields={"valid_until": [(
            "valid_until_not_future",
            _("The validity can only end after today; to end the entry's effect now, remove it."))]})
    entry = for_update(ListEntry.objects).get(pk=entry.pk)
    # A removed entry stays in the back end (domain.md §1) and its record can still be put right;
    # its validity no longer means anything.
    retained = entry.state == E.REMOVED and not (LEGAL_EFFECT_FIELDS & set(fields))
    if entry.state not in ListEntry.LISTED and not retained:
        raise InvalidTransition(extra={"state": entry.state, "transition": "correct"})
    changes = {f: [getattr(entry, f), v] for f, v in fields.items() if getattr(entry, f) != v}
    for f, v in fields.items():
        setattr(entry, f, v)
    entry.save()
    audit_record(action="entry.correct", obj=entry, actor=actor, changes=changes, reason=reason)
    return entry


# A batch of the expiry night: at most this many entries, and no more executions than the second
# figure (an entry of the demo's tax list has 34), so each transaction stays well under a second
# (docs/performance.md, "The expiry sweep").
EXPIRY_BATCH = 200
EXPIRY_BATCH_EXECUTIONS = 500


def entries_expire(*, today: dt.date | None = None, batch: int = EXPIRY_BATCH,
                   executions: int = EXPIRY_BATCH_EXECUTIONS) -> int:
    """Beat: entries whose validity is over are removed automatically (期满自动撤下), then the
    listed entries of revoked list types (名单类型废止, ``list_type_revoke``). Idempotent; returns
    how many entries it removed.

    Each batch commits on its own (``entries_remove_many``), so no row stays locked longer than
    one batch; rows being worked on right now are skipped and taken at the next run. A batch takes
    the first due entries while their executions to lift stay within ``executions`` (at least one
    entry); the rest of what was locked is taken by the next batch."""
    today = today or timezone.localdate()
    expired = _remove_in_batches(lambda size: expiry_batch(today=today, batch=size),
                                 ListEntry.RemovalReason.EXPIRED, "validity expired", batch, executions)
    revoked = _remove_in_batches(lambda size: revoked_type_batch(batch=size),
                                 ListEntry.RemovalReason.LIST_TYPE_REVOKED, "list type revoked", batch, executions)
    return expired + revoked


def _remove_in_batches(search, removal_reason: str, reason: str, batch: int, executions: int) -> int:
    done = 0
    while True:
        with transaction.atomic():
            due = list(search(batch))
            counts = dict(MeasureExecution.objects.filter(entry_id__in=[e.pk for e in due])
                          .exclude(state__in=[X.LIFT_PENDING, X.LIFTED]).values("entry_id")
                          .annotate(n=Count("id")).values_list("entry_id", "n"))
            taken, total = [], 0
            for entry in due:
                if taken and total + counts.get(entry.pk, 0) > executions:
                    break
                taken.append(entry)
                total += counts.get(entry.pk, 0)
            entries_remove_many(entries=taken, removal_reason=removal_reason, reason=reason, actor=None)
        done += len(taken)
        if len(due) < batch and len(taken) == len(due):
            return done


def expiry_batch(*, today: dt.date, batch: int = EXPIRY_BATCH):
    """The sweep's search, as it runs (the province bench EXPLAINs this very queryset): one batch
    of due entries, oldest validity first, locked, skipping rows someone is working on."""
    return (for_update(ListEntry.objects, skip_locked=True)
            .filter(state__in=ListEntry.LISTED, valid_until__lt=today)
            .order_by("valid_until")  # with the LIMIT, walks the partial index entry_expiry
            .select_related("list_type", "subject")[:batch])


def revoked_type_batch(*, batch: int = EXPIRY_BATCH):
    """One batch of the listed entries of revoked list types, locked, skipping rows someone is
    working on: per revoked type (a handful of rows), the partial index entry_listed_by_list_type
    in id order, so a type with a million entries is walked, never sorted."""
    return (for_update(ListEntry.objects, skip_locked=True)
            .filter(state__in=ListEntry.LISTED, list_type__revoked_at__isnull=False)
            .order_by("list_type_id", "pk")
            .select_related("list_type", "subject")[:batch])


# What the batch's event says of each entry (``removal.batch``, docs/adr/0007-expiry-batch-audit.md).
REMOVAL_COLUMNS = ("entry", "state", "subject", "list_type", "valid_until", "lifted", "tasks_cancelled", "lift_tasks")

# Removals ``entries_remove_many`` serves: those that issue no letter and open no restoration task.
SET_BASED_REMOVAL = (ListEntry.RemovalReason.EXPIRED, ListEntry.RemovalReason.LIST_TYPE_REVOKED)


def entries_remove_many(*, entries: list[ListEntry], removal_reason: str, reason: str, actor=None) -> list[ListEntry]:
    """``entry_remove`` for many entries at once, in a few statements per batch (domain.md §1-§2:
    REMOVED, every execution LIFT_PENDING until its unit confirms the lift).

    ``entries``: listed entries the caller has locked (``for_update``), with ``subject`` loaded.
    Each entry and execution still moves by its FSM transition (checked and applied on the loaded
    row); the rows are then written set-based: the entries, their state periods, the executions,
    the cancellation of their open tasks, one LiftFlow per execution (bulk rows), one message per
    implementing unit. The batch is a ``RemovalBatch`` with one audit event (``removal.batch``) that
    records, per entry, what ``entry_remove`` records on the entry's chain (the state before, the
    reason) and what happened to each execution (``lifted``: [execution, state before]) and its
    tasks (``tasks_cancelled``, ``lift_tasks``): docs/adr/0007-expiry-batch-audit.md. The platform
    hears of each entry as from ``entry_remove`` (``entry.removed``, written in bulk by the
    notifications' listener). Open repairs of the entries end as ``entry_remove`` ends them.
    ``tests/workflow/test_expiry_set_based.py`` holds the two paths to the same result."""
    if removal_reason not in SET_BASED_REMOVAL:
        raise ValueError(f"{removal_reason}: a removal with letters or restorations goes through entry_remove")
    if not entries:
        return []
    now = timezone.now()
    before = {}
    for entry in entries:
        if not can_proceed(entry.remove):
            raise InvalidTransition(extra={"state": entry.state, "transition": "remove", "entry": entry.pk})
        before[entry.pk] = entry.state
        entry.remove()
        entry.removal_reason, entry.removed_at, entry.open_verifications = removal_reason, now, 0
    ids = [e.pk for e in entries]
    removal = RemovalBatch.objects.create(removal_reason=removal_reason, removed_at=now, entries_removed=len(ids))
    moved = ListEntry.objects.filter(pk__in=ids, state__in=ListEntry.LISTED).update(
        state=E.REMOVED, removal_reason=removal_reason, removed_at=now, open_verifications=0, updated_at=now,
        removal_batch=removal)
    if moved != len(ids):
        raise ConcurrentTransition("an entry of the batch was moved meanwhile")
    for entry in entries:
        entry.removal_batch = removal
    ListEntryStatePeriod.objects.filter(entry_id__in=ids, ended_at__isnull=True).update(ended_at=now)
    ListEntryStatePeriod.objects.bulk_create([
        ListEntryStatePeriod(entry_id=e.pk, subject_id=e.subject_id, state=E.REMOVED, started_at=now) for e in entries])

    executions = list(for_update(MeasureExecution.objects).filter(entry_id__in=ids)
                      .exclude(state__in=[X.LIFT_PENDING, X.LIFTED]).order_by("pk"))
    lifted: dict[int, list] = {}
    for execution in executions:
        if not can_proceed(execution.lift):
            raise InvalidTransition(extra={"state": execution.state, "transition": "lift"})
        lifted.setdefault(execution.entry_id, []).append([execution.pk, execution.state])
        execution.lift()
    MeasureExecution.objects.filter(pk__in=[x.pk for x in executions]).update(state=X.LIFT_PENDING)
    units = Unit.objects.in_bulk({x.unit_id for x in executions})
    subjects = {e.pk: e.subject for e in entries}
    cancelled, opened = events.executions_lifting_in_batch(executions=executions, units=units, subjects=subjects)

    rows = []
    for entry in entries:
        xs = lifted.get(entry.pk, [])
        rows.append([entry.pk, before[entry.pk], entry.subject.identifier, entry.list_type.code, entry.valid_until, xs,
                     sorted(t for x, _s in xs for t in cancelled.get(x, [])), [opened[x] for x, _s in xs]])
    audit_record(action="removal.batch", obj=removal, actor=actor, to_state=E.REMOVED, reason=reason,
                 changes={"removal_reason": [None, removal_reason], "columns": [None, list(REMOVAL_COLUMNS)],
                          "entries": [None, rows]})
    if removal_reason != ListEntry.RemovalReason.REPAIRED:
        with_repairs = set(RepairCase.objects.filter(entry_id__in=ids, state__in=RepairCase.OPEN)
                           .values_list("entry_id", flat=True))
        for entry in entries:
            if entry.pk in with_repairs:
                repairs_entry_removed(entry=entry, actor=actor, reason=reason)
    return entries


# --- measure executions: the implementing unit's side ------------------------------------------

@transaction.atomic
def execution_acknowledge(*, actor, execution: MeasureExecution) -> MeasureExecution:
    require_member(actor, execution.unit)
    execution.acknowledged_at = timezone.now()
    _step(execution, "acknowledge", actor=actor)
    return execution


@transaction.atomic
def execution_apply(*, actor, execution: MeasureExecution, note: str, applied_at: dt.datetime | None = None):
    require_member(actor, execution.unit)
    if not (note or "").strip():
        raise ValidationFailed(fields={"note": [("required", _("Say what was done."))]})
    execution.applied_at = applied_at or timezone.now()
    execution.first_applied_at = execution.first_applied_at or execution.applied_at
    execution.applied_note = note.strip()
    _step(execution, "apply", actor=actor, changes={"applied_note": ["", execution.applied_note]})
    return execution


@transaction.atomic
def execution_not_apply(*, actor, execution: MeasureExecution, reason: str) -> MeasureExecution:
    """Recommended measures only, with a reason; a mandatory measure must be applied (强制性)."""
    require_member(actor, execution.unit)
    if execution.measure.mandatory:
        raise ValidationFailed(
            _("A mandatory measure must be applied."), code="measure_mandatory",
            fields={"reason": [("measure_mandatory", _("A mandatory measure must be applied."))]},
        )
    if not (reason or "").strip():
        raise ValidationFailed(fields={"reason": [("required", _("State why the measure was not applied."))]})
    execution.not_applied_reason = reason.strip()
    _step(execution, "not_apply", actor=actor, reason=execution.not_applied_reason)
    return execution


@transaction.atomic
def execution_report_feedback(*, actor, execution: MeasureExecution, applied: bool, note: str = "",
                              applied_at: dt.datetime | None = None, reason: str = "") -> MeasureExecution:
    """The implementing unit's feedback (执行反馈): the measure was applied (``execution_apply``, with
    what was done) or not (``execution_not_apply``, with why; recommended measures only)."""
    if applied:
        return execution_apply(actor=actor, execution=execution, note=note, applied_at=applied_at)
    return execution_not_apply(actor=actor, execution=execution, reason=reason)


def execution_feedback_due(execution: MeasureExecution) -> DeadlineComputation:
    """Feedback is due within the MEASURE/feedback rule (monthly at the latest) of the push, by the
    rule of the entry's list type (else the default) in force on the Beijing day of the push."""
    start = timezone.localdate(execution.created_at)
    rule = find_rule("MEASURE", "feedback", regime_candidates=(execution.entry.list_type.code, "default"),
                     on_date=start)
    return compute_for_rule(rule, start=start)


@transaction.atomic
def execution_confirm_lift(*, actor, execution: MeasureExecution) -> MeasureExecution:
    require_member(actor, execution.unit)
    execution.lifted_at = timezone.now()
    _step(execution, "confirm_lift", actor=actor)
    repairs_lift_confirmed(entry=execution.entry, actor=actor)
    return execution


@transaction.atomic
def restoration_done(*, actor, task: RestorationTask, note: str = "") -> RestorationTask:
    """The unit has restored the subject's reputation where it applied a measure wrongly."""
    require_member(actor, task.unit)
    task = for_update(RestorationTask.objects).get(pk=task.pk)
    if task.state != RestorationTask.State.OPEN:
        raise InvalidTransition(extra={"state": task.state, "transition": "done"})
    task.state, task.note, task.done_at = RestorationTask.State.DONE, (note or "").strip(), timezone.now()
    task.save()
    audit_record(action="restoration.done", obj=task, actor=actor, from_state="OPEN", to_state="DONE",
                 changes={"note": ["", task.note]})
    return task
