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
from django_fsm import can_proceed

from cases import events
from cases.audit.services import audit_record, chain_key
from cases.errors import Forbidden, InvalidTransition, ValidationFailed
from cases.locking import for_update
from cases.models import ListEntry, MeasureExecution, ObjectionCase, StaffProfile, Unit
from cases.selectors.scope import staff_of
from letters.models import Letter
from letters.services import letter_issue
from letters.types import LetterType
from deadlines.calendar import DeadlineComputation, Extension, Pause
from deadlines.rules import compute_for_rule, find_rule

from . import entries as entry_services
from . import entry_letters
from . import intake
from .access import ACTING_ROLES, require_leader, require_member, require_staff

O = ObjectionCase.State
Outcome = ObjectionCase.Outcome
Channel = ObjectionCase.Channel
CORRECTABLE_FIELDS = ObjectionCase.CORRECTABLE_FIELDS
# The letters' words for them (letters are in Chinese whatever the reader's language).
FIELD_NAMES = {"facts": "失信事实", "reasons": "列入理由", "basis": "认定依据", "valid_until": "有效期至"}
NUMBER_PREFIX = "YY"


def _move(case: ObjectionCase, transition: str, *, actor, reason: str = "", changes: dict | None = None) -> None:
    method = getattr(case, transition)
    if not can_proceed(method):
        raise InvalidTransition(extra={"state": case.state, "transition": transition})
    before = case.state
    method()
    case.save()
    audit_record(action=f"objection.{transition}", obj=case, actor=actor, from_state=before, to_state=case.state,
                 changes=changes, reason=reason)


def _rule(step: str, on: dt.date):
    return find_rule("OBJECTION", step, regime_candidates=("default",), on_date=on)


def _compute(case: ObjectionCase, step: str, start: dt.date, *, pauses=(), extension=None) -> DeadlineComputation:
    computation = compute_for_rule(_rule(step, start), start=start, pauses=pauses, extension=extension)
    case.deadlines = {**case.deadlines, step: computation.as_dict()}
    return computation


def _pauses(case: ObjectionCase) -> list[Pause]:
    return [Pause(start=dt.date.fromisoformat(p["start"]),
                  end=dt.date.fromisoformat(p["end"]) if p.get("end") else None) for p in case.pauses]


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


def _letter(case: ObjectionCase, actor, unit: Unit, letter_type: str, context: dict, addressee: str = ""):
    staff = staff_of(actor)
    issuer = actor if staff is not None and staff.unit_id == unit.pk else None
    base = {"objection_ref": case.number, "filed_on": timezone.localdate(case.filed_at), "objection_summary": case.grounds,
            **entry_letters.case_entry_context(case.entry, applicant=case.applicant_name)}
    return letter_issue(actor=issuer, unit=unit, letter_type=letter_type, subject=case.subject,
                        case_chain=chain_key(case), case_ref=case.number, context={**base, **context},
                        addressee=addressee or case.applicant_name)


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
    errors = {}
    for field, value in (("grounds", grounds), ("applicant_name", applicant_name),
                         ("applicant_contact", applicant_contact)):
        if not (value or "").strip():
            errors[field] = [("required", _("This field is required."))]
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
        filed_by=actor if getattr(actor, "is_authenticated", False) else None,
        query_code_hash=intake.query_code_hash(code), accepting_unit=accepting_unit_for(entry),
        verifying_unit=entry.data_providing_unit, reporting_unit=reporting_unit,
    )
    case.acceptance_due = _compute(case, "acceptance", today).due
    case.save()
    intake.assign_number(case, NUMBER_PREFIX)
    audit_record(action="objection.file", obj=case, actor=case.filed_by, to_state=case.state,
                 changes={"number": [None, case.number], "entry": [None, entry.pk], "channel": [None, channel],
                          "target": [None, target], "acceptance_due": [None, case.acceptance_due]})
    audit_record(action="entry.objection_filed", obj=entry, actor=case.filed_by,
                 changes={"objection": [None, case.number]})
    intake.attachments_store(case, checked, kind="EVIDENCE", actor=actor)
    events.objection_filed(case=case)
    return case, code


# --- acceptance (受理审查) -----------------------------------------------------------------------

@transaction.atomic
def objection_request_supplement(*, actor, case: ObjectionCase, materials: list[str], today: dt.date | None = None):
    """补正: one consolidated request; the acceptance clock stops until the material arrives."""
    require_member(actor, case.accepting_unit)
    case = for_update(ObjectionCase.objects).get(pk=case.pk)
    materials = [m.strip() for m in materials or [] if (m or "").strip()]
    if not materials:
        raise ValidationFailed(fields={"materials": [("required", _("List the materials to supplement."))]})
    today = today or timezone.localdate()
    window = _compute(case, "supplement_window", today)
    _move(case, "request_supplement", actor=actor, changes={"materials": [None, materials],
                                                            "supplement_due": [None, window.due]})
    case.supplement_request, case.supplement_requested_on = materials, today
    case.pauses = [*case.pauses, {"start": today.isoformat(), "end": None}]
    case.save(update_fields=["supplement_request", "supplement_requested_on", "pauses", "deadlines", "updated_at"])
    events.case_paused(case=case, actor=actor, reason="补正")
    _letter(case, actor, case.accepting_unit, LetterType.OBJECTION_SUPPLEMENT,
            {"missing_materials": materials, "supplement_deadline": window.due})
    return case


@transaction.atomic
def objection_supplement(*, case: ObjectionCase, files=(), note: str = "", actor=None, today: dt.date | None = None):
    """The applicant's material arrived: the clock resumes and the acceptance deadline moves by the
    paused time."""
    checked = intake.attachments_check(files)
    if not checked and not (note or "").strip():
        raise ValidationFailed(fields={"attachments": [("required", _("Attach the requested material."))]})
    case = for_update(ObjectionCase.objects).get(pk=case.pk)
    if case.state != O.NEEDS_SUPPLEMENT:  # e.g. deemed withdrawn when the window lapsed
        raise InvalidTransition(extra={"state": case.state, "transition": "receive_supplement"})
    today = today or timezone.localdate()
    case.supplement_received_on = today
    case.pauses = [{**p, "end": p["end"] or today.isoformat()} for p in case.pauses]
    computation = _compute(case, "acceptance", timezone.localdate(case.filed_at), pauses=_pauses(case))
    before = case.acceptance_due
    case.acceptance_due = computation.due
    _move(case, "receive_supplement", actor=actor, reason=(note or "")[:255],
          changes={"acceptance_due": [before, case.acceptance_due]})
    intake.attachments_store(case, checked, kind="SUPPLEMENT", actor=actor)
    events.case_resumed(case=case, actor=actor, reason="补正材料已收到")
    events.case_deadline_moved(case=case, steps=["acceptance"], computation=computation, reason="补正材料已收到")
    return case


def supplement_due(case) -> dt.date:
    """The last day of the supplement window (补正期限) of an objection or a repair: kept on the case
    when the request was made; for requests made before it was kept, computed from the rule row."""
    stored = (case.deadlines or {}).get("supplement_window")
    if stored:
        return dt.date.fromisoformat(stored["due"])
    case_type = "OBJECTION" if isinstance(case, ObjectionCase) else "REPAIR"
    requested = case.supplement_requested_on
    rule = find_rule(case_type, "supplement_window", regime_candidates=("default",), on_date=requested)
    return compute_for_rule(rule, start=requested).due


def lapse_letter_context(case, letter_type: str, due: dt.date) -> dict:
    """What the 视为撤回 notice cites: the supplement notice that set the window and said so."""
    notice = (Letter.objects.filter(case_chain=chain_key(case), letter_type=letter_type)
              .exclude(document_number="").order_by("-id").first())
    named = f"{notice.document_number}" if notice else ""
    return {"missing_materials": list(case.supplement_request), "supplement_deadline": due,
            "basis": f"本机关{named}补正通知书关于“逾期未补正的，视为撤回申请”的告知"}


@transaction.atomic
def objection_supplement_lapse(*, case: ObjectionCase, today: dt.date | None = None) -> ObjectionCase | None:
    """逾期未补正的，视为撤回申请: the window set in the request lapsed without material. The case ends
    WITHDRAWN, its paused tasks are cancelled and the applicant gets a notice. None when the case
    moved meanwhile (material arrived, or another sweep got there first)."""
    today = today or timezone.localdate()
    case = for_update(ObjectionCase.objects).select_related("entry__list_type").get(pk=case.pk)
    if case.state != O.NEEDS_SUPPLEMENT:
        return None
    due = supplement_due(case)
    if due >= today:
        return None
    case.withdrawal_reason, case.closed_at = "逾期未补正，视为撤回申请", timezone.now()
    _move(case, "supplement_lapse", actor=None, reason=case.withdrawal_reason,
          changes={"supplement_due": [None, due]})
    events.case_ended(case=case, actor=None, reason=case.withdrawal_reason)
    _letter(case, None, case.accepting_unit, LetterType.OBJECTION_LAPSED,
            lapse_letter_context(case, LetterType.OBJECTION_SUPPLEMENT, due))
    return case


def objections_supplements_lapse(*, today: dt.date | None = None) -> int:
    """Beat: every objection whose supplement window is over without material. Idempotent."""
    today = today or timezone.localdate()
    done = 0
    for case in ObjectionCase.objects.filter(state=O.NEEDS_SUPPLEMENT, supplement_requested_on__lt=today).only("pk"):
        if objection_supplement_lapse(case=case, today=today) is not None:
            done += 1
    return done


@transaction.atomic
def objection_refuse(*, actor, case: ObjectionCase, reasons: str, basis: str):
    require_member(actor, case.accepting_unit)
    if not (reasons or "").strip() or not (basis or "").strip():
        raise ValidationFailed(fields={f: [("required", _("This field is required."))]
                                       for f, v in (("reasons", reasons), ("basis", basis)) if not (v or "").strip()})
    case = for_update(ObjectionCase.objects).get(pk=case.pk)
    case.not_accepted_reasons, case.closed_at = reasons.strip(), timezone.now()
    _move(case, "refuse", actor=actor, reason=case.not_accepted_reasons)
    _letter(case, actor, case.accepting_unit, LetterType.OBJECTION_NOT_ACCEPTED,
            {"reasons": case.not_accepted_reasons, "basis": basis.strip()})
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
    _letter(case, actor, case.accepting_unit, LetterType.OBJECTION_ACCEPTED,
            {"verifying_unit": case.verifying_unit.name, "verification_days": days,
             "result_deadline": case.verification_due, **standing})
    _letter(case, actor, case.accepting_unit, LetterType.VERIFICATION_NOTICE,
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
    _letter(case, actor, case.verifying_unit, LetterType.OBJECTION_RESULT,
            {"outcome": case.outcome, "findings": case.findings, "basis": entry.basis,
             "corrections": corrected_rows, **after})
    return case


@transaction.atomic
def objection_extend(*, actor, case: ObjectionCase, days: int, reason: str):
    """One extension with a reason, granted by the verifying unit's leader; the deadline is
    recomputed and the open tasks carry the new date."""
    require_leader(actor, case.verifying_unit)
    case = for_update(ObjectionCase.objects).get(pk=case.pk)
    if case.state not in (O.VERIFYING, O.CONCLUDED):
        raise InvalidTransition(extra={"state": case.state, "transition": "extend"})
    if case.extension_reason:
        raise InvalidTransition(_("The deadline has already been extended once."), code="already_extended")
    if not (reason or "").strip():
        raise ValidationFailed(fields={"reason": [("required", _("This field is required."))]})
    if not isinstance(days, int) or not 1 <= days <= 60:
        raise ValidationFailed(fields={"days": [("invalid", _("Between 1 and 60 days."))]})
    computation = _compute(case, "verification", case.verification_received_on,
                           extension=Extension(amount=days, unit="CALENDAR_DAYS", reason=reason.strip()))
    before = case.verification_due
    case.verification_due, case.extension_reason = computation.due, reason.strip()
    case.save()
    audit_record(action="objection.extend", obj=case, actor=actor, reason=case.extension_reason,
                 changes={"verification_due": [before, case.verification_due]})
    events.case_deadline_moved(case=case, steps=["verification", "approval"], computation=computation, actor=actor,
                               reason=case.extension_reason)
    return case


@transaction.atomic
def objection_withdraw(*, case: ObjectionCase, reason: str, actor=None):
    """The applicant withdraws before the conclusion: the suspension it caused ends."""
    case = for_update(ObjectionCase.objects).get(pk=case.pk)
    was_verifying = case.state == O.VERIFYING and case.suspended_entry
    case.withdrawal_reason, case.closed_at = (reason or "").strip(), timezone.now()
    _move(case, "withdraw", actor=actor, reason=case.withdrawal_reason)
    events.case_ended(case=case, actor=actor, reason="申请人撤回异议")
    if was_verifying:
        entry = ListEntry.objects.get(pk=case.entry_id)
        entry_services.entry_resume(actor=actor, entry=entry, reason=f"异议{case.number}已撤回")
    return case


def may_follow(actor, case: ObjectionCase) -> bool:
    staff = staff_of(actor)
    if staff is None:
        return False
    if staff.role == StaffProfile.Role.AUDITOR:
        return True
    return staff.unit_id in {case.accepting_unit_id, case.verifying_unit_id, case.entry.listing_unit_id,
                             case.reporting_unit_id}
