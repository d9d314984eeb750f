"""Credit repair (信用修复), domain.md §4 and §5.

Seeds: a subject that has corrected its conduct, performed its obligations and made a credit
commitment may apply to leave the list before its validity ends (西藏2017 十七, 重庆 18, 安康 四(四),
连平 二十三); whoever listed it repairs it (谁认定、谁修复). The listing unit decides whether to accept
within 3 working days and gives the result within 10 working days of the application (one
extension with notice for complex cases); the clock stops while a supplement is awaited. An
approval removes the entry (REPAIRED) and lifts every measure; a repair found to rest on false
material is revoked and the entry returns to ACTIVE.

How a repair and an objection on one entry interact: docs/adr/0003-repair-and-objection-on-one-entry.md.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from cases import events
from cases.audit.services import audit_record
from cases.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from cases.letter_types import LetterType
from cases.locking import for_update
from cases.models import Attachment, ListEntry, MeasureExecution, RepairCase, Unit
from deadlines.calendar import Extension

from . import entries as entry_services
from . import entry_letters
from . import filed_cases
from . import intake
from .access import ACTING_ROLES, require_leader, require_member, require_staff
from .filed_cases import compute as _compute
from .filed_cases import move as _move
from .repair_endings import repairs_lift_confirmed
from .repair_eligibility import Eligibility, repair_eligibility

R = RepairCase.State
Channel = RepairCase.Channel
CHANNELS = (Channel.PORTAL, Channel.COUNTER, Channel.PLATFORM)
DECISIONS = ("APPROVE", "REJECT", "SEND_BACK")
NUMBER_PREFIX = "XF"
DEFAULT_BASIS = "国办发〔2025〕22号；国家发展改革委令第36号（信用修复）"
# What the subject commits to (信用承诺书); the form is issued for the subject to sign and upload.
COMMITMENTS = [
    "已纠正失信行为，依法履行了相关法定义务。",
    "所提交的信用修复申请材料真实、准确、完整；如有虚假，愿意承担相应法律责任，"
    "并接受撤销信用修复决定、恢复列入名单。",
    "今后严格遵守法律法规，依法诚信经营，自觉接受政府部门和社会公众的监督。",
]


def _letter(case: RepairCase, actor, letter_type: str, context: dict):
    """A letter of the repair; the deciding unit issues them all."""
    entry = case.entry
    base = {"repair_ref": case.number, "filed_on": case.applied_on, "record_summary": entry.reasons,
            **entry_letters.case_entry_context(entry, applicant=case.applicant_name)}
    # The commitment is the subject's letter to the unit; every other letter goes to the applicant.
    addressee = case.deciding_unit.name if letter_type == LetterType.COMMITMENT else ""
    return filed_cases.case_letter(case, actor=actor, unit=case.deciding_unit, letter_type=letter_type,
                                   context={**base, **context}, addressee=addressee)


PROCEDURE = filed_cases.Procedure(acceptance_unit="deciding_unit", letter=_letter,
                                  supplement_letter=LetterType.REPAIR_SUPPLEMENT,
                                  lapsed_letter=LetterType.REPAIR_LAPSED)


def _not_eligible(eligibility: Eligibility):
    earliest = eligibility.earliest_date
    if earliest:
        message = _("Credit repair is not possible yet; the earliest date to apply is %(date)s.") % {
            "date": earliest.isoformat()}
    else:
        message = _("This entry cannot be repaired.")
    return ValidationFailed(message, code="repair_not_eligible",
                            fields={"entry": [(c.code, c.message) for c in eligibility.unmet]},
                            extra={"eligibility": eligibility.as_dict()})


def _materials(case: RepairCase) -> set[str]:
    return set(intake.attachments_of(case).values_list("kind", flat=True))


def _check_groups(proof=(), commitment=(), files=()) -> list[tuple[str, list]]:
    groups = [(Attachment.Kind.PROOF, list(proof or [])), (Attachment.Kind.COMMITMENT, list(commitment or [])),
              (Attachment.Kind.OTHER, list(files or []))]
    if sum(len(g) for _k, g in groups) > intake.MAX_FILES:
        raise ValidationFailed(fields={"attachments": [
            ("too_many", _("At most %(n)s files.") % {"n": intake.MAX_FILES})]})
    return [(kind, intake.attachments_check(group)) for kind, group in groups]


def _store(case, checked, *, actor, supplement_kind: str | None = None) -> None:
    for kind, files in checked:
        if files:
            intake.attachments_store(case, files, kind=supplement_kind if kind == Attachment.Kind.OTHER and
                                     supplement_kind else kind, actor=actor)


# --- filing -------------------------------------------------------------------------------------

@transaction.atomic
def repair_file(
    *,
    actor=None,
    channel: str,
    entry: ListEntry,
    performance: str,
    applicant_name: str,
    applicant_contact: str,
    proof=(),
    commitment=(),
    files=(),
    today: dt.date | None = None,
) -> tuple[RepairCase, str]:
    """File a repair application (portal, counter or the platform window). The engine checks
    eligibility first: an application before the minimum period, for an excluded category or
    while barred is refused with each unmet condition and the earliest date. Proof of performance
    is required; the signed commitment may follow (the form is issued at once when it is missing).
    Returns the case and its query code (shown only once)."""
    proof, commitment, files = list(proof or []), list(commitment or []), list(files or [])
    errors = filed_cases.required({"performance": performance, "applicant_name": applicant_name,
                                    "applicant_contact": applicant_contact})
    if channel not in CHANNELS:
        errors["channel"] = [("invalid_choice", _("Not one of the allowed values."))]
    if not proof:
        errors["proof"] = [("required", _("Attach proof that the obligations were performed."))]
    if errors:
        raise ValidationFailed(fields=errors)
    if channel != Channel.PORTAL and require_staff(actor).role not in ACTING_ROLES:
        raise Forbidden(_("Only officers and leaders may record a repair application."), code="not_acting_staff")
    today = today or timezone.localdate()
    entry = for_update(ListEntry.objects).select_related("list_type", "listing_unit").get(pk=entry.pk)
    eligibility = repair_eligibility(entry=entry, today=today)
    if not eligibility.eligible:
        raise _not_eligible(eligibility)
    checked = _check_groups(proof, commitment, files)
    code = intake.query_code_new()
    case = RepairCase(
        entry=entry, subject=entry.subject, deciding_unit=entry.listing_unit, channel=channel,
        performance=performance.strip(), applicant_name=applicant_name.strip(),
        applicant_contact=applicant_contact.strip(), eligibility={"filing": eligibility.as_dict()},
        filed_by=filed_cases.filer(actor), query_code_hash=intake.query_code_hash(code),
    )
    case.acceptance_due = _compute(case, "acceptance", today).due
    case.decision_due = _compute(case, "decision", today).due
    filed_cases.filing_record(case, prefix=NUMBER_PREFIX, changes={
        "acceptance_due": [None, case.acceptance_due], "decision_due": [None, case.decision_due]})
    _store(case, checked, actor=actor)
    if not dict(checked)[Attachment.Kind.COMMITMENT]:
        repair_commitment_form(case=case)
    events.repair_filed(case=case)
    return case, code


def repair_commitment_form(*, case: RepairCase):
    """信用承诺书: generated from the template for the subject to sign and upload (as an attachment of
    kind COMMITMENT). An unsigned form: no document number, no unit signature."""
    return _letter(case, None, LetterType.COMMITMENT, {"commitments": COMMITMENTS})


@transaction.atomic
def repair_submit_material(*, case: RepairCase, proof=(), commitment=(), files=(), note: str = "", actor=None,
                           today: dt.date | None = None) -> RepairCase:
    """The applicant's material. Before the acceptance check it is added to the application (e.g.
    the signed commitment); while a supplement is awaited it is the supplement: the clock resumes
    and the acceptance and decision deadlines move by the paused working days."""
    checked = _check_groups(proof, commitment, files)
    if not any(files for _k, files in checked) and not (note or "").strip():
        raise ValidationFailed(fields={"attachments": [("required", _("Attach the requested material."))]})
    case = filed_cases.locked(case, "entry__list_type")
    if case.state == R.SUBMITTED:
        _store(case, checked, actor=actor)
        return case
    if case.state != R.NEEDS_SUPPLEMENT:
        raise InvalidTransition(extra={"state": case.state, "transition": "submit_material"})
    return filed_cases.supplement_received(
        case, actor=actor, note=note, today=today,
        store=lambda case: _store(case, checked, actor=actor, supplement_kind=Attachment.Kind.SUPPLEMENT))


# --- acceptance (受理审查, 3 working days) --------------------------------------------------------

@transaction.atomic
def repair_request_supplement(*, actor, case: RepairCase, materials: list[str], today: dt.date | None = None):
    """补正: one consolidated request; the acceptance and decision clocks stop until it arrives."""
    return filed_cases.supplement_request(PROCEDURE, actor=actor, case=case, materials=materials, today=today)


def repair_supplement_lapse(*, case: RepairCase, today: dt.date | None = None) -> RepairCase | None:
    """逾期未补正的，视为撤回申请, as for objections (filed_cases.supplement_lapse)."""
    return filed_cases.supplement_lapse(PROCEDURE, case=case, today=today)


def repairs_supplements_lapse(*, today: dt.date | None = None) -> int:
    """Beat: every repair whose supplement window is over without material. Idempotent."""
    return filed_cases.supplements_lapse(PROCEDURE, RepairCase, today=today)


@transaction.atomic
def repair_refuse(*, actor, case: RepairCase, reasons: str, basis: str, today: dt.date | None = None):
    """不予受理, with reasons and the basis; the letter names the earliest date to apply again when
    the engine knows one."""
    require_member(actor, case.deciding_unit)
    filed_cases.refusal_check(reasons=reasons, basis=basis)
    case = filed_cases.locked(case, "entry__list_type")
    eligibility = repair_eligibility(entry=case.entry, today=today, case=case)
    case.eligibility = {**case.eligibility, "acceptance": eligibility.as_dict()}
    filed_cases.refuse(case, actor=actor, reasons=reasons)
    context = {"reasons": case.not_accepted_reasons, "basis": basis.strip()}
    if not eligibility.eligible and eligibility.earliest_date:
        context["earliest_repair_date"] = eligibility.earliest_date
    _letter(case, actor, LetterType.REPAIR_NOT_ACCEPTED, context)
    return case


@transaction.atomic
def repair_accept(*, actor, case: RepairCase, today: dt.date | None = None):
    """受理: the application is complete (proof of performance and the signed commitment) and the
    entry is still eligible; the acceptance notice names the result deadline."""
    require_member(actor, case.deciding_unit)
    case = for_update(RepairCase.objects).select_related("entry__list_type").get(pk=case.pk)
    if not can_proceed(case.accept):
        raise InvalidTransition(extra={"state": case.state, "transition": "accept"})
    today = today or timezone.localdate()
    have = _materials(case)
    missing = [(kind, label) for kind, label in (
        (Attachment.Kind.PROOF, _("Proof that the obligations were performed is missing.")),
        (Attachment.Kind.COMMITMENT, _("The signed credit commitment letter is missing.")))
        if kind not in have]
    if missing:
        raise ValidationFailed(_("The application is incomplete: request a supplement or do not accept it."),
                               code="materials_missing",
                               fields={"materials": [("missing_" + kind.lower(), label) for kind, label in missing]})
    eligibility = repair_eligibility(entry=case.entry, today=today, case=case)
    if not eligibility.eligible:
        raise _not_eligible(eligibility)
    case.accepted_on = today
    case.eligibility = {**case.eligibility, "acceptance": eligibility.as_dict()}
    _move(case, "accept", actor=actor, changes={"decision_due": [None, case.decision_due]})
    _letter(case, actor, LetterType.REPAIR_ACCEPTED, {"result_deadline": case.decision_due})
    return case


# --- review (审核): officer proposes, leader decides ----------------------------------------------

@transaction.atomic
def repair_request_verification(*, actor, case: RepairCase, unit: Unit, request: str,
                                today: dt.date | None = None):
    """The reviewing officer asks another unit to verify that the obligations were performed
    (e.g. the tax bureau that taxes were paid); it becomes a task of that unit."""
    require_member(actor, case.deciding_unit)
    if not (request or "").strip():
        raise ValidationFailed(fields={"request": [("required", _("Say what is to be verified."))]})
    if unit is None or not unit.is_active or unit.pk == case.deciding_unit_id:
        raise ValidationFailed(fields={"verification_unit": [("invalid", _("Choose another active unit."))]})
    case = for_update(RepairCase.objects).get(pk=case.pk)
    if case.state != R.ACCEPTED or case.verification_pending:
        raise InvalidTransition(extra={"state": case.state, "transition": "request_verification"})
    case.verification_unit, case.verification_request = unit, request.strip()
    case.verification_requested_on, case.verification_reported_on = today or timezone.localdate(), None
    case.verification_performed, case.verification_findings = None, ""
    case.save()
    audit_record(action="repair.verification_requested", obj=case, actor=actor, reason=case.verification_request,
                 changes={"verification_unit": [None, unit.code]})
    return case


@transaction.atomic
def repair_report_verification(*, actor, case: RepairCase, performed: bool, findings: str,
                               today: dt.date | None = None):
    case = for_update(RepairCase.objects).select_related("verification_unit").get(pk=case.pk)
    if case.verification_unit is None:
        raise InvalidTransition(extra={"state": case.state, "transition": "report_verification"})
    require_member(actor, case.verification_unit)
    if not case.verification_pending:
        raise InvalidTransition(extra={"state": case.state, "transition": "report_verification"})
    if not (findings or "").strip():
        raise ValidationFailed(fields={"findings": [("required", _("This field is required."))]})
    case.verification_performed, case.verification_findings = bool(performed), findings.strip()
    case.verification_reported_on = today or timezone.localdate()
    case.save()
    audit_record(action="repair.verification_reported", obj=case, actor=actor, reason=case.verification_findings,
                 changes={"verification_performed": [None, case.verification_performed]})
    return case


@transaction.atomic
def repair_propose(*, actor, case: RepairCase, proposal: str, findings: str):
    """The listing unit's officer proposes approval or rejection, with the review findings."""
    require_member(actor, case.deciding_unit)
    errors = {}
    if proposal not in RepairCase.Proposal.values:
        errors["proposal"] = [("invalid_choice", _("Not one of the allowed values."))]
    if not (findings or "").strip():
        errors["findings"] = [("required", _("This field is required."))]
    if errors:
        raise ValidationFailed(fields=errors)
    case = for_update(RepairCase.objects).get(pk=case.pk)
    if case.verification_pending:
        raise Conflict(_("The verification of performance has not been reported yet."), code="verification_pending")
    case.proposal, case.proposal_findings, case.proposed_by = proposal, findings.strip(), actor
    _move(case, "propose", actor=actor, reason=case.proposal_findings, changes={"proposal": ["", proposal]})
    return case


@transaction.atomic
def repair_review(*, actor, case: RepairCase, action: str, proposal: str = "", findings: str = "",
                  verification_unit: str = "", request: str = ""):
    """The officer's review: ask another unit, named by its code, to verify that the obligations
    were performed (``VERIFY``), or propose a decision (``PROPOSE``)."""
    if action == "VERIFY":
        unit = Unit.objects.filter(code=verification_unit or "").first()
        if unit is None:
            raise ValidationFailed(fields={"verification_unit": [("unit_unknown", _("Unknown unit."))]})
        return repair_request_verification(actor=actor, case=case, unit=unit, request=request)
    return repair_propose(actor=actor, case=case, proposal=proposal, findings=findings)


def _objection_pending(entry: ListEntry) -> bool:
    return entry.state == ListEntry.State.SUSPENDED or entry.open_verifications > 0


@transaction.atomic
def repair_decide(*, actor, case: RepairCase, decision: str, reasons: str = "", basis: str = "",
                  earliest_reapply_on: dt.date | None = None, today: dt.date | None = None):
    """The listing unit's leader decides (谁认定、谁修复): approve (the entry is removed as REPAIRED and
    every measure goes lift-pending, in this transaction), reject with reasons (the letter states
    the remedies), or send the proposal back. While an objection on the entry is being verified
    the decision waits (ADR 0003)."""
    require_leader(actor, case.deciding_unit)
    if decision not in DECISIONS:
        raise ValidationFailed(fields={"decision": [("invalid_choice", _("Not one of the allowed values."))]})
    if decision != "APPROVE" and not (reasons or "").strip():
        raise ValidationFailed(fields={"reasons": [("required", _("This field is required."))]})
    case = for_update(RepairCase.objects).select_related("entry__list_type").get(pk=case.pk)
    today = today or timezone.localdate()
    if decision == "SEND_BACK":
        _move(case, "send_back", actor=actor, reason=reasons.strip())
        return case
    entry = for_update(ListEntry.objects).select_related("list_type").get(pk=case.entry_id)
    if _objection_pending(entry):
        raise Conflict(_("An objection on this entry is being verified; the repair decision waits for its result."),
                       code="objection_pending")
    basis = (basis or "").strip() or DEFAULT_BASIS
    case.decided_by, case.decided_on = actor, today
    case.decision_reasons = (reasons or "").strip() or case.proposal_findings
    if decision == "APPROVE":
        case.outcome = RepairCase.Outcome.APPROVED
        _move(case, "approve", actor=actor, reason=case.decision_reasons,
              changes={"outcome": ["", case.outcome], "proposal": [None, case.proposal]})
        entry_services.entry_remove(actor=actor, entry=entry, removal_reason=ListEntry.RemovalReason.REPAIRED,
                                    reason=f"信用修复{case.number}")
        _letter(case, actor, LetterType.REPAIR_APPROVED, {
            "findings": case.decision_reasons, "basis": basis,
            "effect": f"将申请人移出{entry.list_type.name}，相关失信信息停止公示，"
                      "已实施的联合惩戒措施予以解除。",
            "effective_date": today,
        })
        # No measure to lift, or none left: the case closes at once.
        repairs_lift_confirmed(entry=entry, actor=actor)
        return case
    case.outcome, case.earliest_reapply_on = RepairCase.Outcome.REJECTED, earliest_reapply_on
    case.closed_at = timezone.now()
    _move(case, "reject", actor=actor, reason=case.decision_reasons,
          changes={"outcome": ["", case.outcome], "proposal": [None, case.proposal]})
    context = {"reasons": case.decision_reasons, "basis": basis}
    if earliest_reapply_on:
        context["earliest_repair_date"] = earliest_reapply_on
    _letter(case, actor, LetterType.REPAIR_REJECTED, context)
    return case


@transaction.atomic
def repair_extend(*, actor, case: RepairCase, days: int, reason: str):
    """One extension with notice for complex cases (domain.md §4), at most the REPAIR/extension rule
    (10 working days), granted by the listing unit's leader. The decision deadline is recomputed,
    open tasks carry the new date, and the applicant sees the reason and the new date."""
    require_leader(actor, case.deciding_unit)
    case = filed_cases.locked(case, "entry__list_type")
    filed_cases.extension_check(case, states=(R.ACCEPTED, R.REVIEWING), reason=reason)
    limit = filed_cases.rule(case, "extension", case.applied_on)
    if not isinstance(days, int) or not 1 <= days <= limit.amount:
        raise ValidationFailed(fields={"days": [("invalid", _("Between 1 and %(n)s days.") % {"n": limit.amount})]})
    computation = _compute(case, "decision", case.applied_on, pauses=filed_cases.pauses_of(case),
                           extension=Extension(amount=days, unit=limit.period_unit, reason=reason.strip()))
    case.extended_on = timezone.localdate()
    return filed_cases.extension_record(case, actor=actor, field="decision_due", computation=computation,
                                        reason=reason.strip(), steps=["review", "performance_check", "decision"])


@transaction.atomic
def repair_withdraw(*, case: RepairCase, reason: str, actor=None):
    """The applicant withdraws before the decision; open tasks are cancelled."""
    return filed_cases.withdraw(case, reason=reason, actor=actor, told="申请人撤回信用修复申请")[0]


@transaction.atomic
def repair_revoke(*, actor, case: RepairCase, reason: str):
    """A repair found to rest on false material is revoked (REPAIR_REVOKED): the entry returns to
    ACTIVE and its measures go back to their implementing units as tasks."""
    require_leader(actor, case.deciding_unit)
    if not (reason or "").strip():
        raise ValidationFailed(fields={"reason": [("required", _("This field is required."))]})
    case = for_update(RepairCase.objects).get(pk=case.pk)
    entry = for_update(ListEntry.objects).get(pk=case.entry_id)
    if entry.state != ListEntry.State.REMOVED or entry.removal_reason != ListEntry.RemovalReason.REPAIRED:
        raise InvalidTransition(_("The entry is no longer removed by this repair."), code="entry_not_repaired",
                                extra={"state": entry.state, "removal_reason": entry.removal_reason})
    case.revocation_reason, case.revoked_by, case.revoked_at = reason.strip(), actor, timezone.now()
    _move(case, "revoke", actor=actor, reason=case.revocation_reason)
    entry_services.entry_reinstate(actor=actor, entry=entry,
                                   reason=f"信用修复{case.number}已撤销：{case.revocation_reason}")
    return case


# --- what other procedures tell a repair ---------------------------------------------------------

def lifts_of(case: RepairCase) -> list[dict]:
    """Who has confirmed the lift of their measure, and who has not yet."""
    if case.outcome != RepairCase.Outcome.APPROVED:
        return []
    rows = (MeasureExecution.objects.filter(entry_id=case.entry_id)
            .select_related("unit", "measure").order_by("unit__code", "measure__code"))
    return [{"unit": e.unit.code, "unit_name": e.unit.name, "measure": e.measure.code, "state": e.state,
             "lifted_at": e.lifted_at} for e in rows]

