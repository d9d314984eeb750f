"""The steps objections and repair applications share (domain.md §3, §4 and §5), written once: the
filing record, the acceptance check's one consolidated supplement (补正) and its lapse (逾期未补正的，
视为撤回申请), refusal (不予受理), one extension, withdrawal, the case's letters and its deadlines.
``objections`` and ``repairs`` call these with their ``Procedure`` and keep only what differs.

The callers hold the transaction (each public service is ``@transaction.atomic``); the functions
here that lock a case do so inside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import events
from cases.audit.services import audit_record, chain_key
from cases.errors import InvalidTransition, ValidationFailed
from cases.locking import for_update
from cases.models.intake import FiledCase
from cases.selectors.case_letters import letters_of_case
from cases.selectors.scope import staff_of
from deadlines.calendar import DeadlineComputation, Pause
from deadlines.rules import compute_for_rule, find_rule

from . import intake
from .access import require_member
from .transitions import move_audited

LAPSED = "逾期未补正，视为撤回申请"


@dataclass(frozen=True)
class Procedure:
    """What the shared steps need to know of one procedure."""

    acceptance_unit: str  # the case's field naming the unit that checks acceptance
    # The procedure's letters: ``letter(case, actor, letter_type, context)``, issued by the
    # acceptance unit for the shared steps.
    letter: Callable
    supplement_letter: str
    lapsed_letter: str

    def unit(self, case: FiledCase):
        return getattr(case, self.acceptance_unit)


def locked(case: FiledCase, *related: str) -> FiledCase:
    """The case read again under its row lock (two actions on one case queue up)."""
    return for_update(type(case).objects).select_related(*related).get(pk=case.pk)


def move(case: FiledCase, transition: str, *, actor, reason: str = "", changes: dict | None = None) -> None:
    """The FSM transition, saved, with its audit row (``objection.accept``, ``repair.refuse``, …)."""
    move_audited(case, transition, kind=case.CASE_TYPE.lower(), actor=actor, reason=reason, changes=changes)


# --- deadlines ------------------------------------------------------------------------------------

def rule(case: FiledCase, step: str, on: dt.date):
    return find_rule(case.CASE_TYPE, step, regime_candidates=case.rule_regimes, on_date=on)


def compute(case: FiledCase, step: str, start: dt.date, *, pauses=(), extension=None) -> DeadlineComputation:
    """The deadline of ``step`` from ``start``, kept on the case (``deadlines``) as computed."""
    computation = compute_for_rule(rule(case, step, start), start=start, pauses=pauses, extension=extension)
    case.deadlines = {**case.deadlines, step: computation.as_dict()}
    return computation


def pauses_of(case: FiledCase) -> list[Pause]:
    return [Pause(start=dt.date.fromisoformat(p["start"]),
                  end=dt.date.fromisoformat(p["end"]) if p.get("end") else None) for p in case.pauses]


# --- letters ----------------------------------------------------------------------------------------

def case_letter(case: FiledCase, *, actor, unit, letter_type: str, context: dict, addressee: str = ""):
    """A letter of the case from ``unit``, on the case's chain, to the applicant unless said
    otherwise; signed by ``actor`` only when they belong to that unit (else the unit's alone)."""
    staff = staff_of(actor)
    issuer = actor if staff is not None and staff.unit_id == unit.pk else None
    return events.letter_due(actor=issuer, unit=unit, letter_type=letter_type, subject=case.subject,
                             case_chain=chain_key(case), case_ref=case.number, context=context,
                             addressee=addressee or case.applicant_name)


# --- filing -----------------------------------------------------------------------------------------

def required(values: dict) -> dict:
    """A field error for each value left blank."""
    return {field: [("required", _("This field is required."))]
            for field, value in values.items() if not (value or "").strip()}


def filer(actor):
    """Who filed: the signed-in officer, or nobody (the applicant on the portal has no account)."""
    return actor if getattr(actor, "is_authenticated", False) else None


def filing_record(case: FiledCase, *, prefix: str, changes: dict) -> None:
    """The new case saved and numbered, with its audit row and the entry's."""
    case.save()
    intake.assign_number(case, prefix)
    kind = case.CASE_TYPE.lower()
    audit_record(action=f"{kind}.file", obj=case, actor=case.filed_by, to_state=case.state,
                 changes={"number": [None, case.number], "entry": [None, case.entry_id],
                          "channel": [None, case.channel], **changes})
    audit_record(action=f"entry.{kind}_filed", obj=case.entry, actor=case.filed_by,
                 changes={kind: [None, case.number]})


# --- acceptance (受理审查) ----------------------------------------------------------------------------

def supplement_request(procedure: Procedure, *, actor, case: FiledCase, materials: list[str],
                       today: dt.date | None = None) -> FiledCase:
    """补正: one consolidated request; the clocks stop until the material arrives."""
    require_member(actor, procedure.unit(case))
    case = locked(case, "entry__list_type")
    materials = [m.strip() for m in materials or [] if (m or "").strip()]
    if not materials:
        raise ValidationFailed(fields={"materials": [("required", _("List the materials to supplement."))]})
    today = today or timezone.localdate()
    window = compute(case, "supplement_window", today)
    move(case, "request_supplement", actor=actor, changes={"materials": [None, materials],
                                                           "supplement_due": [None, window.due]})
    case.supplement_request, case.supplement_requested_on = materials, today
    case.pauses = [*case.pauses, {"start": today.isoformat(), "end": None}]
    case.save(update_fields=["supplement_request", "supplement_requested_on", "pauses", "deadlines", "updated_at"])
    events.case_paused(case=case, actor=actor, reason="补正")
    procedure.letter(case, actor, procedure.supplement_letter,
                     {"missing_materials": materials, "supplement_deadline": window.due})
    return case


def supplement_received(case: FiledCase, *, actor, note: str, today: dt.date | None, store: Callable) -> FiledCase:
    """The applicant's material arrived on a locked case awaiting it: the clock resumes and each
    paused deadline moves by the paused time; ``store(case)`` keeps the files."""
    today = today or timezone.localdate()
    case.supplement_received_on = today
    case.pauses = [{**p, "end": p["end"] or today.isoformat()} for p in case.pauses]
    start, computations, changes = case.applied_on, {}, {}
    for step in case.PAUSED_DEADLINES:
        computations[step] = compute(case, step, start, pauses=pauses_of(case))
        field = case.DEADLINE_FIELDS[step]
        changes[field] = [getattr(case, field), computations[step].due]
        setattr(case, field, computations[step].due)
    move(case, "receive_supplement", actor=actor, reason=(note or "")[:255], changes=changes)
    store(case)
    events.case_resumed(case=case, actor=actor, reason="补正材料已收到")
    events.case_deadline_moved(case=case, steps=["acceptance"], computation=computations["acceptance"],
                               reason="补正材料已收到")
    return case


def supplement_due(case: FiledCase) -> dt.date:
    """The last day of the supplement window (补正期限): kept on the case when the request was made;
    for requests made before it was kept, computed from the rule row."""
    stored = (case.deadlines or {}).get("supplement_window")
    if stored:
        return dt.date.fromisoformat(stored["due"])
    requested = case.supplement_requested_on
    row = find_rule(case.CASE_TYPE, "supplement_window", regime_candidates=("default",), on_date=requested)
    return compute_for_rule(row, start=requested).due


def lapse_letter_context(case: FiledCase, letter_type: str, due: dt.date) -> dict:
    """What the 视为撤回 notice cites: the supplement notice that set the window and said so."""
    notice = (letters_of_case(chain_key(case)).filter(letter_type=letter_type)
              .exclude(document_number="").order_by("-id").first())
    named = f"{notice.document_number}" if notice else ""
    return {"missing_materials": list(case.supplement_request), "supplement_deadline": due,
            "basis": f"本机关{named}补正通知书关于“逾期未补正的，视为撤回申请”的告知"}


@transaction.atomic
def supplement_lapse(procedure: Procedure, *, case: FiledCase, today: dt.date | None = None) -> FiledCase | None:
    """逾期未补正的，视为撤回申请: the window set in the request lapsed without material. The case ends
    WITHDRAWN, its paused tasks are cancelled and the applicant gets a notice. None when the case
    moved meanwhile (material arrived, or another sweep got there first)."""
    today = today or timezone.localdate()
    case = locked(case, "entry__list_type", procedure.acceptance_unit)
    if case.state != case.State.NEEDS_SUPPLEMENT:
        return None
    due = supplement_due(case)
    if due >= today:
        return None
    case.withdrawal_reason, case.closed_at = LAPSED, timezone.now()
    move(case, "supplement_lapse", actor=None, reason=case.withdrawal_reason, changes={"supplement_due": [None, due]})
    events.case_ended(case=case, actor=None, reason=case.withdrawal_reason)
    procedure.letter(case, None, procedure.lapsed_letter,
                     lapse_letter_context(case, procedure.supplement_letter, due))
    return case


def supplements_lapse(procedure: Procedure, model: type[FiledCase], *, today: dt.date | None = None) -> int:
    """Beat: every case whose supplement window is over without material. Idempotent."""
    today = today or timezone.localdate()
    done = 0
    awaiting = model.objects.filter(state=model.State.NEEDS_SUPPLEMENT, supplement_requested_on__lt=today)
    for case in awaiting.only("pk"):
        if supplement_lapse(procedure, case=case, today=today) is not None:
            done += 1
    return done


def refusal_check(*, reasons: str, basis: str) -> None:
    """不予受理 states its reasons and their basis."""
    if errors := required({"reasons": reasons, "basis": basis}):
        raise ValidationFailed(fields=errors)


def refuse(case: FiledCase, *, actor, reasons: str) -> None:
    """The locked case not accepted, with the reasons; it ends here."""
    case.not_accepted_reasons, case.closed_at = reasons.strip(), timezone.now()
    move(case, "refuse", actor=actor, reason=case.not_accepted_reasons)


# --- one extension, withdrawal -------------------------------------------------------------------------

def extension_check(case: FiledCase, *, states, reason: str) -> None:
    """One extension, with a reason, while the step it extends runs."""
    if case.state not in states:
        raise InvalidTransition(extra={"state": case.state, "transition": "extend"})
    if case.extension_reason:
        raise InvalidTransition(_("The deadline has already been extended once."), code="already_extended")
    if not (reason or "").strip():
        raise ValidationFailed(fields={"reason": [("required", _("This field is required."))]})


def extension_record(case: FiledCase, *, actor, field: str, computation: DeadlineComputation, reason: str,
                     steps: list[str]) -> FiledCase:
    """The extended deadline kept with its reason; the open tasks of ``steps`` carry the new date."""
    before = getattr(case, field)
    setattr(case, field, computation.due)
    case.extension_reason = reason
    case.save()
    audit_record(action=f"{case.CASE_TYPE.lower()}.extend", obj=case, actor=actor, reason=reason,
                 changes={field: [before, computation.due]})
    events.case_deadline_moved(case=case, steps=steps, computation=computation, actor=actor, reason=reason)
    return case


def withdraw(case: FiledCase, *, reason: str, actor, told: str) -> tuple[FiledCase, str]:
    """The applicant withdraws; the open tasks are cancelled (``told`` is why, in their words).
    Returns the case and the state it was withdrawn from."""
    case = locked(case)
    before = case.state
    case.withdrawal_reason, case.closed_at = (reason or "").strip(), timezone.now()
    move(case, "withdraw", actor=actor, reason=case.withdrawal_reason)
    events.case_ended(case=case, actor=actor, reason=told)
    return case, before
