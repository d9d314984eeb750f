"""Objections (异议), domain.md §3 and §5.

Seeds: when information is disputed, the unit that provided it must verify within 20 days of
receiving the verification notice (西藏2017 十八, 重庆 19, 连平 二十四); joint punishment is not applied
meanwhile; wrong information is corrected or revoked and the subject's reputation restored.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from cases import events
from cases.errors import Forbidden, InvalidTransition, ValidationFailed
from cases.letter_types import LetterType
from cases.locking import for_update
from cases.models import ListEntry, MeasureExecution, ObjectionCase, Unit
from deadlines.calendar import Extension

from . import entries as entry_services
from . import entry_letters
from . import filed_cases
from . import intake
from .access import ACTING_ROLES, require_leader, require_member, require_staff
from .filed_cases import compute as _compute
from .filed_cases import move as _move

O = ObjectionCase.State
Outcome = ObjectionCase.Outcome
Channel = ObjectionCase.Channel
CORRECTABLE_FIELDS = ObjectionCase.CORRECTABLE_FIELDS
# The letters' words for them (letters are in Chinese whatever the reader's language).
FIELD_NAMES = {"facts": "失信事实", "reasons": "列入理由", "basis": "认定依据", "valid_until": "有效期至"}
NUMBER_PREFIX = "YY"


def accepting_unit_for(entry: ListEntry) -> Unit:
    """The platform window (信用信息共享平台窗口) of the listing unit's region or the nearest above
    checks acceptance; without one, the listing unit does."""
    region = entry.listing_unit.region
    while region is not None:
        window = Unit.objects.filter(region=region, is_platform_window=True, is_active=True).first()
        if window is not None:
            return window
        region = region.parent
    return entry.listing_unit


def _letter(case: ObjectionCase, actor, letter_type: str, context: dict, *, unit: Unit | None = None,
            addressee: str = ""):
    """A letter of the objection, from the accepting unit unless another ``unit`` is named."""
    base = {"objection_ref": case.number, "filed_on": case.applied_on, "objection_summary": case.grounds,
            **entry_letters.case_entry_context(case.entry, applicant=case.applicant_name)}
    return filed_cases.case_letter(case, actor=actor, unit=unit or case.accepting_unit, letter_type=letter_type,
                                   context={**base, **context}, addressee=addressee)


PROCEDURE = filed_cases.Procedure(acceptance_unit="accepting_unit", letter=_letter,
                                  supplement_letter=LetterType.OBJECTION_SUPPLEMENT,
                                  lapsed_letter=LetterType.OBJECTION_LAPSED)


def _record(entry: ListEntry) -> list[list[str]]:
    """The disputed record as ordered [label, value] rows for the verification notice."""
    from .entry_letters import decision_number

    rows = [["名单", entry.list_type.name], ["认定文号", decision_number(entry) or "—"],
            ["失信事实", entry.facts], ["列入理由", entry.reasons]]
    if entry.decision_date:
        rows.append(["列入日期", f"{entry.decision_date:%Y年%m月%d日}"])
    return rows


# --- filing -------------------------------------------------------------------------------------

def _check_channel(actor, channel: str, entry: ListEntry) -> Unit | None:
    """Who may file through which channel. Returns the reporting implementing unit, if any."""
    if channel == Channel.PORTAL:
        return None
    staff = require_staff(actor)
    if staff.role not in ACTING_ROLES:
        raise Forbidden(_("Only officers and leaders may record an objection."), code="not_acting_staff")
    if channel == Channel.IMPLEMENTING_UNIT:
        if not MeasureExecution.objects.filter(entry=entry, unit=staff.unit).exists():
            raise Forbidden(_("Only a unit implementing this entry's measures may report it as wrong."),
                            code="not_implementing_unit")
        return staff.unit
    return None


def _same(text: str) -> str:
    return "".join((text or "").split())


def _refuse_repeat(entry: ListEntry, grounds: str) -> None:
    """A second objection with the same grounds on the same entry, while the first is open or after
    it was decided against the applicant, is refused with the reason (the remedy is reconsideration
    or litigation, not a new objection)."""
    earlier = ObjectionCase.objects.filter(entry=entry).exclude(state=O.WITHDRAWN).exclude(outcome__in=[
        Outcome.CORRECTED, Outcome.REVOKED])
    for case in earlier.only("grounds", "number", "state"):
        if _same(case.grounds) == _same(grounds):
            raise ValidationFailed(
                _("An objection with the same grounds on this entry is already open or was decided (%(number)s).")
                % {"number": case.number},
                code="duplicate_objection",
                fields={"grounds": [("duplicate_objection", _("The same grounds were already raised in %(number)s.")
                                     % {"number": case.number})]},
            )


@transaction.atomic
def objection_file(
    *,
    actor=None,
    channel: str,
    entry: ListEntry,
    grounds: str,
    applicant_name: str,
    applicant_contact: str,
    target: str = ObjectionCase.Target.CONTENT,
    files=(),
) -> tuple[ObjectionCase, str]:
    """File an objection from any channel. Returns the case and its query code (shown only once)."""
    errors = filed_cases.required({"grounds": grounds, "applicant_name": applicant_name,
                                    "applicant_contact": applicant_contact})
    if channel not in Channel.values:
        errors["channel"] = [("invalid_choice", _("Not one of the allowed values."))]
    if target not in ObjectionCase.Target.values:
        errors["target"] = [("invalid_choice", _("Not one of the allowed values."))]
    if target != ObjectionCase.Target.REPAIR_RESULT and entry.state not in ListEntry.LISTED:
        errors["entry"] = [("not_listed", _("Only a listed entry can be objected to."))]
    if errors:
        raise ValidationFailed(fields=errors)
    reporting_unit = _check_channel(actor, channel, entry)
    # Filings on one entry queue up here, so two identical ones sent at once (a double click, two
    # tabs) make one case and the second is refused as a repeat.
    for_update(ListEntry.objects).filter(pk=entry.pk).exists()
    _refuse_repeat(entry, grounds)
    checked = intake.attachments_check(files)
    code = intake.query_code_new()
    today = timezone.localdate()
    case = ObjectionCase(
        entry=entry, subject=entry.subject, target=target, grounds=grounds.strip(), channel=channel,
        applicant_name=applicant_name.strip(), applicant_contact=applicant_contact.strip(),
        filed_by=filed_cases.filer(actor), query_code_hash=intake.query_code_hash(code),
        accepting_unit=accepting_unit_for(entry), verifying_unit=entry.data_providing_unit,
        reporting_unit=reporting_unit,
    )
    case.acceptance_due = _compute(case, "acceptance", today).due
    filed_cases.filing_record(case, prefix=NUMBER_PREFIX, changes={
        "target": [None, target], "acceptance_due": [None, case.acceptance_due]})
    intake.attachments_store(case, checked, kind="EVIDENCE", actor=actor)
    events.objection_filed(case=case)
    return case, code


# --- acceptance (受理审查) -----------------------------------------------------------------------

@transaction.atomic
def objection_request_supplement(*, actor, case: ObjectionCase, materials: list[str], today: dt.date | None = None):
    """补正: one consolidated request; the acceptance clock stops until the material arrives."""
    return filed_cases.supplement_request(PROCEDURE, actor=actor, case=case, materials=materials, today=today)


@transaction.atomic
def objection_supplement(*, case: ObjectionCase, files=(), note: str = "", actor=None, today: dt.date | None = None):
    """The applicant's material arrived: the clock resumes and the acceptance deadline moves by the
    paused time."""
    checked = intake.attachments_check(files)
    if not checked and not (note or "").strip():
        raise ValidationFailed(fields={"attachments": [("required", _("Attach the requested material."))]})
    case = filed_cases.locked(case)
    if case.state != O.NEEDS_SUPPLEMENT:  # e.g. deemed withdrawn when the window lapsed
        raise InvalidTransition(extra={"state": case.state, "transition": "receive_supplement"})
    return filed_cases.supplement_received(
        case, actor=actor, note=note, today=today,
        store=lambda case: intake.attachments_store(case, checked, kind="SUPPLEMENT", actor=actor))


def objection_supplement_lapse(*, case: ObjectionCase, today: dt.date | None = None) -> ObjectionCase | None:
    """逾期未补正的，视为撤回申请 (filed_cases.supplement_lapse)."""
    return filed_cases.supplement_lapse(PROCEDURE, case=case, today=today)


def objections_supplements_lapse(*, today: dt.date | None = None) -> int:
    """Beat: every objection whose supplement window is over without material. Idempotent."""
    return filed_cases.supplements_lapse(PROCEDURE, ObjectionCase, today=today)


@transaction.atomic
def objection_refuse(*, actor, case: ObjectionCase, reasons: str, basis: str):
    require_member(actor, case.accepting_unit)
    filed_cases.refusal_check(reasons=reasons, basis=basis)
    case = filed_cases.locked(case)
    filed_cases.refuse(case, actor=actor, reasons=reasons)
    _letter(case, actor, LetterType.OBJECTION_NOT_ACCEPTED, {"reasons": case.not_accepted_reasons,
                                                             "basis": basis.strip()})
    return case


@transaction.atomic
def objection_accept(*, actor, case: ObjectionCase, today: dt.date | None = None):
    """受理: the verification notice goes to the data-providing unit and, in the same transaction,
    the entry and every measure execution on it are suspended (no joint punishment meanwhile)."""
    require_member(actor, case.accepting_unit)
    case = for_update(ObjectionCase.objects).select_related("entry", "verifying_unit").get(pk=case.pk)
    today = today or timezone.localdate()
    case.accepted_on = today
    # The notice is delivered to the unit's queue the same day: that is its receipt.
    case.verification_received_on = today
    case.verification_due = _compute(case, "verification", today).due
    _move(case, "accept", actor=actor, changes={"verification_due": [None, case.verification_due]})
    entry = ListEntry.objects.select_related("list_type").get(pk=case.entry_id)
    # Only an entry in force is suspended. One no longer in force (removed, e.g. by an approved
    # repair, while the objection waited) is verified all the same, and the letters say that
    # nothing is suspended because nothing is applied.
    if entry.state in ListEntry.LISTED:
        entry_services.entry_suspend(actor=actor, entry=entry, reason=f"异议{case.number}核查中")
        case.suspended_entry = True
        case.save(update_fields=["suspended_entry", "updated_at"])
    standing = _standing(entry)
    days = case.deadlines["verification"]["amount"]
    _letter(case, actor, LetterType.OBJECTION_ACCEPTED,
            {"verifying_unit": case.verifying_unit.name, "verification_days": days,
             "result_deadline": case.verification_due, **standing})
    _letter(case, actor, LetterType.VERIFICATION_NOTICE,
            {"record": _record(entry), "evidence": [
                a.original_name for a in intake.attachments_of(case)] or ["（无）"],
             "reply_days": days, "reply_deadline": case.verification_due, **standing},
            addressee=case.verifying_unit.name)
    return case


def _standing(entry: ListEntry) -> dict:
    """For the letters: whether the entry is no longer in force, since when and why."""
    if entry.state in ListEntry.LISTED:
        return {}
    removed_on = timezone.localdate(entry.removed_at) if entry.removed_at else None
    return {"not_in_force": True, "removed_on": removed_on,
            "removal_reason": str(ListEntry.RemovalReason(entry.removal_reason).label) if entry.removal_reason else ""}


# --- verification (核查) -------------------------------------------------------------------------

def corrections_by_code(given: dict) -> tuple[dict, list[str]]:
    """The corrections keyed by field code, and the keys that name no correctable field. A key may be
    the code (``reasons``, what the API documents) or the field's label as a person reads it, in
    either language or as the letters name it (「列入理由」): an officer who types the label they see
    is not refused for it."""
    names = {}
    for code, label in CORRECTABLE_FIELDS.items():
        names[code.casefold()] = code
        names[FIELD_NAMES[code]] = code
        names[str(label).casefold()] = code
        with translation.override("en"):
            names[str(label).casefold()] = code
        with translation.override("zh-hans"):
            names[str(label).casefold()] = code
    by_code, unknown = {}, []
    for key, value in given.items():
        code = names.get(str(key).strip().casefold())
        if code is None:
            unknown.append(str(key))
        else:
            by_code[code] = value
    return by_code, unknown


def _listed(words) -> str:
    return ("、" if (translation.get_language() or "").startswith("zh") else ", ").join(str(w) for w in words)


def _correctable_words() -> str:
    return _listed(CORRECTABLE_FIELDS.values())


@transaction.atomic
def objection_conclude(*, actor, case: ObjectionCase, outcome: str, findings: str, corrections: dict | None = None):
    """The data-providing unit's officer proposes the conclusion; a leader approves it."""
    require_member(actor, case.verifying_unit)
    errors = {}
    if outcome not in Outcome.values:
        errors["outcome"] = [("invalid_choice", _("Not one of the allowed values."))]
    if not (findings or "").strip():
        errors["findings"] = [("required", _("This field is required."))]
    corrections, unknown = corrections_by_code(corrections or {})
    if unknown:
        errors["corrections"] = [("invalid", _("These fields cannot be corrected: %(names)s. Correctable: %(fields)s.")
                                  % {"names": _listed(unknown), "fields": _correctable_words()})]
    elif outcome == Outcome.CORRECTED and not corrections:
        errors["corrections"] = [("invalid", _("Change at least one field to correct it (%(fields)s).")
                                  % {"fields": _correctable_words()})]
    elif outcome != Outcome.CORRECTED and corrections:
        errors["corrections"] = [("not_allowed", _("Corrections go with the outcome CORRECTED only."))]
    if "valid_until" in corrections and case.entry.state not in ListEntry.LISTED:
        errors["corrections"] = [("entry_not_in_force", _(
            "The entry is no longer in force: its validity cannot be corrected; correct the record or revoke it."))]
    elif "valid_until" in corrections and not errors.get("corrections"):
        # Checked now, not only when the leader approves: the officer can still put it right.
        try:
            valid_until = dt.date.fromisoformat(str(corrections["valid_until"]))
        except ValueError:
            valid_until = None
            errors["corrections"] = [("invalid_date", _("The corrected validity is not a date (YYYY-MM-DD)."))]
        if valid_until is not None and valid_until <= timezone.localdate():
            errors["corrections"] = [("valid_until_not_future", _(
                "The validity can only end after today; to end the entry's effect now, remove it."))]
        elif valid_until is not None:
            corrections["valid_until"] = valid_until.isoformat()
    if errors:
        raise ValidationFailed(fields=errors)
    case = for_update(ObjectionCase.objects).get(pk=case.pk)
    case.outcome, case.findings, case.corrections, case.concluded_by = outcome, findings.strip(), corrections, actor
    _move(case, "conclude", actor=actor, reason=case.findings,
          changes={"outcome": ["", outcome], "corrections": [None, corrections or None]})
    return case


@transaction.atomic
def objection_approve(*, actor, case: ObjectionCase, approve: bool, reason: str = ""):
    """The leader approves the conclusion (it then takes effect and the applicant is told) or sends
    it back for more verification."""
    require_leader(actor, case.verifying_unit)
    case = for_update(ObjectionCase.objects).get(pk=case.pk)
    if not approve:
        if not (reason or "").strip():
            raise ValidationFailed(fields={"reason": [("required", _("Say what is to be verified again."))]})
        _move(case, "send_back", actor=actor, reason=reason.strip())
        return case
    entry = for_update(ListEntry.objects).select_related("list_type").get(pk=case.entry_id)
    why = f"{case.effect_prefix}{case.findings}"
    was_in_force = entry.state in ListEntry.LISTED
    corrected_rows = [{"field": str(FIELD_NAMES.get(k, k)), "old": str(getattr(entry, k) or ""), "new": str(v)}
                      for k, v in case.corrections.items()]
    if case.outcome == Outcome.REVOKED:
        if entry.state in ListEntry.LISTED:
            entry_services.entry_remove(actor=actor, entry=entry, removal_reason=ListEntry.RemovalReason.REVOKED,
                                        reason=why)
        else:
            # Already out of force (e.g. repaired): the record is revoked as wrong and the units that
            # applied measures restore the subject's reputation.
            entry_services.entry_revoke_removed(actor=actor, entry=entry, reason=why)
    else:
        if case.outcome == Outcome.CORRECTED:
            values = dict(case.corrections)
            if "valid_until" in values and isinstance(values["valid_until"], str):
                values["valid_until"] = dt.date.fromisoformat(values["valid_until"])
            entry_services.entry_correct(actor=actor, entry=entry, reason=why, **values)
            entry_services.entry_open_restorations(entry=entry, reason=ListEntry.RemovalReason.CORRECTED, actor=actor)
        if case.suspended_entry:
            entry_services.entry_resume(actor=actor, entry=entry, reason=why)
    entry.refresh_from_db()
    case.approved_by, case.closed_at = actor, timezone.now()
    _move(case, "close", actor=actor, reason=reason, changes={"outcome": [None, case.outcome]})
    # What the letter may say happens to the measures: they resume only when this objection had
    # suspended them and the entry is in force again.
    after = {"measures_resume": case.suspended_entry and entry.state == ListEntry.State.ACTIVE,
             **({} if was_in_force and case.outcome == Outcome.REVOKED else _standing(entry))}
    _letter(case, actor, LetterType.OBJECTION_RESULT,
            {"outcome": case.outcome, "findings": case.findings, "basis": entry.basis,
             "corrections": corrected_rows, **after}, unit=case.verifying_unit)
    return case


@transaction.atomic
def objection_extend(*, actor, case: ObjectionCase, days: int, reason: str):
    """One extension with a reason, granted by the verifying unit's leader; the deadline is
    recomputed and the open tasks carry the new date."""
    require_leader(actor, case.verifying_unit)
    case = filed_cases.locked(case)
    filed_cases.extension_check(case, states=(O.VERIFYING, O.CONCLUDED), reason=reason)
    if not isinstance(days, int) or not 1 <= days <= 60:
        raise ValidationFailed(fields={"days": [("invalid", _("Between 1 and 60 days."))]})
    computation = _compute(case, "verification", case.verification_received_on,
                           extension=Extension(amount=days, unit="CALENDAR_DAYS", reason=reason.strip()))
    return filed_cases.extension_record(case, actor=actor, field="verification_due", computation=computation,
                                        reason=reason.strip(), steps=["verification", "approval"])


@transaction.atomic
def objection_withdraw(*, case: ObjectionCase, reason: str, actor=None):
    """The applicant withdraws before the conclusion: the suspension it caused ends."""
    case, before = filed_cases.withdraw(case, reason=reason, actor=actor, told="申请人撤回异议")
    if before == O.VERIFYING and case.suspended_entry:
        entry = ListEntry.objects.get(pk=case.entry_id)
        entry_services.entry_resume(actor=actor, entry=entry, reason=f"异议{case.number}已撤回")
    return case
