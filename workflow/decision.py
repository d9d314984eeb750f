"""What a step decides on, shown on its task page so that nobody opens another page to decide
(issue 19 item 3): the objection's grounds and evidence for its acceptance and verification; the
conclusion, findings and each correction old → new for its approval; the application, its
material and the verification for a repair's review, the proposal for its decision; the measure
and the entry for an implementing unit's response; the entry for the listing steps.

Every value is read through the scoped selectors of the case's kind and turned into the words a
person reads here (choices by their labels, units and people by their names, yes or no), so the
template only lays out rows. ``correction_parts`` gives the verification form the fields a
conclusion may correct with their current values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _

from cases.models import Attachment, ListEntry, ObjectionCase, Unit
from cases.selectors.entries import entries_visible_to, executions_visible_to, restorations_visible_to
from cases.selectors.objections import objection_correction_rows, objections_visible_to
from cases.selectors.repairs import repairs_visible_to
from workflow.templatetags.workspace_tags import filesize, person


@dataclass
class Group:
    """One block of the panel: a heading and its (label, value) rows."""

    key: str
    title: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)  # label, old, new


@dataclass
class Decision:
    groups: list[Group] = field(default_factory=list)
    attachments: list[dict] = field(default_factory=list)
    filed: bool = False  # a filed case (objection, repair): its material is listed, even when none
    # The form's mappings drawn field by field: {form field name: [part, …]} (see correction_parts).
    form_parts: dict = field(default_factory=dict)
    # Values of the form's text fields offered by name: {form field name: [(value, label), …]}.
    form_choices: dict = field(default_factory=dict)


def _words(value) -> str:
    """A value as a person reads it: yes or no, a Beijing date or moment, a name; — when empty."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _rows(*pairs) -> list[tuple[str, str]]:
    return [(str(label), _words(value)) for label, value in pairs]


def _entry_group(entry: ListEntry) -> Group:
    removal = _rows((_("Removal reason"), entry.get_removal_reason_display()),
                    (_("Removed at"), entry.removed_at)) if entry.removal_reason else []
    return Group("entry", str(_("The list entry")), _rows(
        (_("List"), entry.list_type.name),
        (_("Subject"), f"{entry.subject.name} · {entry.subject.identifier}"),
        (_("State"), entry.get_state_display()),
        (_("Facts"), entry.facts),
        (_("Reasons"), entry.reasons),
        (_("Basis"), entry.basis),
        (_("Statement and defence"), entry.statement),
        (_("Decision date"), entry.decision_date),
        (_("Valid until"), entry.valid_until),
        (_("Listing unit"), entry.listing_unit.name),
        (_("Data-providing unit"), entry.data_providing_unit.name),
    ) + removal)


def _attachments(kind: str, case) -> list[dict]:
    rows = (Attachment.objects.filter(object_type=case._meta.label_lower, object_id=case.pk)
            .order_by("uploaded_at", "pk"))
    return [{"name": a.original_name, "kind": a.get_kind_display(), "size": filesize(a.size), "sha256": a.sha256,
             "uploaded_at": _words(a.uploaded_at),
             "url": reverse("work:attachment", args=[kind, case.pk, a.pk]) if a.file else ""} for a in rows]


def _filed_rows(case) -> list[tuple[str, str]]:
    return _rows((_("Case number"), case.number), (_("Channel"), case.get_channel_display()),
                 (_("Applicant"), case.applicant_name), (_("Filed at"), case.filed_at))


def correction_parts(case: ObjectionCase) -> list[dict]:
    """The fields a conclusion may correct, each with its label and the entry's current value (the
    form shows it and submits a field only when the officer changed it). The validity is offered
    only while the entry is in force: a correction cannot give a removed entry a new validity."""
    entry = case.entry
    parts = []
    for name, label in ObjectionCase.CORRECTABLE_FIELDS.items():
        if name == "valid_until" and entry.state not in ListEntry.LISTED:
            continue
        current = getattr(entry, name)
        parts.append({"key": name, "label": str(label), "kind": "date" if name == "valid_until" else "text",
                      "current": current.isoformat() if isinstance(current, dt.date) else (current or ""),
                      "current_words": _words(current)})
    return parts


def _objection(user, work) -> Decision | None:
    case = objections_visible_to(user=user).select_related(
        "entry__subject", "entry__data_providing_unit", "concluded_by").filter(pk=work.object_id).first()
    if case is None:
        return None
    decision = Decision(attachments=_attachments("objection", case), filed=True)
    decision.groups.append(Group("objection", str(_("The objection")), _filed_rows(case) + _rows(
        (_("Objection to"), case.get_target_display()), (_("Grounds"), case.grounds),
        (_("Accepting unit"), case.accepting_unit.name), (_("Verifying unit"), case.verifying_unit.name))))
    if case.outcome and work.step != "verification":  # what the leader approves comes first
        decision.groups.insert(0, Group("conclusion", str(_("The conclusion to approve")), _rows(
            (_("Outcome"), case.get_outcome_display()), (_("Findings"), case.findings),
            (_("Concluded by"), person(case.concluded_by) if case.concluded_by else "")),
            changes=objection_correction_rows(case)))
    decision.groups.append(_entry_group(case.entry))
    if work.step == "verification":
        decision.form_parts["corrections"] = correction_parts(case)
    return decision


def _repair(user, work) -> Decision | None:
    case = repairs_visible_to(user=user).select_related(
        "entry__subject", "entry__listing_unit", "entry__data_providing_unit", "proposed_by",
    ).filter(pk=work.object_id).first()
    if case is None:
        return None
    decision = Decision(attachments=_attachments("repair", case), filed=True)
    decision.groups.append(Group("repair", str(_("The repair application")), _filed_rows(case) + _rows(
        (_("How the conduct was corrected"), case.performance), (_("State"), case.get_state_display()))))
    if case.verification_unit_id:
        decision.groups.append(Group("verification", str(_("Verification of performance")), _rows(
            (_("Unit asked to verify"), case.verification_unit.name),
            (_("What is to be verified"), case.verification_request),
            (_("Obligations found performed"), case.verification_performed),
            (_("Verification findings"), case.verification_findings))))
    if case.proposal and work.step == "decision":  # what the leader decides on comes first
        decision.groups.insert(0, Group("proposal", str(_("The proposed decision")), _rows(
            (_("Proposal"), case.get_proposal_display()), (_("Findings"), case.proposal_findings),
            (_("Proposed by"), person(case.proposed_by) if case.proposed_by else ""))))
    decision.groups.append(_entry_group(case.entry))
    if work.step == "review":
        decision.form_choices["verification_unit"] = [
            (unit.code, unit.name) for unit in Unit.objects.filter(is_active=True).exclude(pk=case.deciding_unit_id)
            .order_by("name").only("code", "name")]
    return decision


def _entry(user, work) -> Decision | None:
    entry = entries_visible_to(user=user).filter(pk=work.object_id).first()
    return Decision(groups=[_entry_group(entry)]) if entry else None


def _execution(user, work) -> Decision | None:
    execution = executions_visible_to(user=user).select_related(
        "entry__listing_unit", "entry__data_providing_unit").filter(pk=work.object_id).first()
    if execution is None:
        return None
    measure = execution.measure
    return Decision(groups=[Group("measure", str(_("The measure")), _rows(
        (_("Measure"), measure.title), (_("Mandatory"), measure.mandatory), (_("Legal basis"), measure.legal_basis),
        (_("Implementing unit"), execution.unit.name), (_("State"), execution.get_state_display()),
        (_("What was done"), execution.applied_note), (_("Reason for not applying"), execution.not_applied_reason))),
        _entry_group(execution.entry)])


def _restoration(user, work) -> Decision | None:
    task = restorations_visible_to(user=user).select_related(
        "entry__listing_unit", "entry__data_providing_unit").filter(pk=work.object_id).first()
    if task is None:
        return None
    return Decision(groups=[Group("restoration", str(_("Why the reputation is restored")), _rows(
        (_("Reason"), task.get_reason_display()), (_("Implementing unit"), task.unit.name))),
        _entry_group(task.entry)])


READERS = {
    "cases.objectioncase": _objection, "cases.repaircase": _repair, "cases.listentry": _entry,
    "cases.measureexecution": _execution, "cases.restorationtask": _restoration,
}


def decision_for(*, user, work) -> Decision | None:
    """What the task's step decides on, as far as the user may see its case; None otherwise."""
    reader = READERS.get(work.object_type)
    return reader(user, work) if reader else None
