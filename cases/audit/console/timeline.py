"""A case's audit events as rows a person reads: what happened, to which object, from → to, each
changed field old → new, why, who (user and unit) and on whose behalf (代理: "acting for")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db.models import DateTimeField
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.models import ListEntry, MeasureExecution, ObjectionCase, RepairCase, RestorationTask
from cases.labels import actor_label, state_label, value_words  # noqa: F401 - state_label: the pages' import

from ..selectors import AuditCase, ChainInfo

ACTIONS = {
    # list entries
    "entry.draft": _("Entry drafted"),
    "entry.send_notice": _("Prior notice sent"),
    "entry.receive_statement": _("Statement and defence received"),
    "entry.statement_window_closed": _("Response window closed without a statement"),
    "entry.decide": _("Listing decided"),
    "entry.publish": _("Published"),
    "entry.publish_red": _("Published on the red list"),
    "entry.measures_pushed": _("Measures pushed to implementing units"),
    "entry.suspend": _("Suspended (objection being verified)"),
    "entry.resume": _("Suspension ended"),
    "entry.remove": _("Removed from the list"),
    "entry.withdraw": _("Withdrawn"),
    "entry.reinstate": _("Listed again (repair revoked)"),
    "entry.correct": _("Entry corrected"),
    "entry.import_update": _("Entry updated by an import"),
    "import.batch": _("Entry drafted by a bulk import"),
    "removal.batch": _("Removed from the list with its expiry batch"),
    "entry.objection_filed": _("Objection filed against the entry"),
    "entry.repair_filed": _("Credit repair applied for"),
    # measure executions and restoration
    "execution.acknowledge": _("Measure acknowledged"),
    "execution.apply": _("Measure applied"),
    "execution.not_apply": _("Measure not applied"),
    "execution.suspend": _("Measure suspended"),
    "execution.resume": _("Measure resumed"),
    "execution.lift": _("Measure to be lifted"),
    "execution.confirm_lift": _("Lift of the measure confirmed"),
    "execution.reinstate": _("Measure pushed again"),
    "restoration.open": _("Restoration task opened"),
    "restoration.done": _("Restoration done"),
    # objections and repairs
    "objection.file": _("Objection filed"),
    "repair.file": _("Credit repair application filed"),
    "objection.request_supplement": _("Supplementary material requested"),
    "repair.request_supplement": _("Supplementary material requested"),
    "objection.receive_supplement": _("Supplementary material received"),
    "repair.receive_supplement": _("Supplementary material received"),
    "objection.refuse": _("Not accepted"),
    "repair.refuse": _("Not accepted"),
    "objection.accept": _("Accepted, verification notice sent"),
    "repair.accept": _("Accepted"),
    "objection.conclude": _("Verification concluded"),
    "objection.send_back": _("Sent back for verification"),
    "repair.send_back": _("Sent back for review"),
    "repair.propose": _("Proposal made"),
    "repair.approve": _("Repair approved"),
    "repair.reject": _("Repair rejected"),
    "repair.lapse": _("Ended: the entry left the list"),
    "repair.revoke": _("Repair revoked (false material)"),
    "repair.verification_requested": _("Verification of performance requested"),
    "repair.verification_reported": _("Verification of performance reported"),
    "objection.close": _("Closed"),
    "repair.close": _("Closed"),
    "objection.withdraw": _("Withdrawn by the applicant"),
    "repair.withdraw": _("Withdrawn by the applicant"),
    "entry.revoke_removed": _("Record of the removed entry revoked"),
    "objection.supplement_lapse": _("Deemed withdrawn: no material within the supplement window"),
    "repair.supplement_lapse": _("Deemed withdrawn: no material within the supplement window"),
    "objection.extend": _("Deadline extended"),
    "repair.extend": _("Deadline extended"),
    "attachments.add": _("Material uploaded"),
    "case.chase_up": _("Chase-up (催办) by the applicant"),
    # tasks
    "task.open": _("Task opened"),
    "task.open_many": _("Tasks opened"),
    "task.claim": _("Task claimed"),
    "task.release": _("Task released"),
    "task.reassign": _("Task reassigned"),
    "task.complete": _("Task completed"),
    "task.pause": _("Tasks paused"),
    "task.resume": _("Tasks resumed"),
    "task.cancel": _("Tasks cancelled"),
    "task.redate": _("Task deadline recomputed"),
    "task.remind": _("Reminder sent"),
    "task.escalate": _("Escalated as overdue"),
    # letters
    "letter.issued": _("Letter numbered"),
    "letter.signed": _("Letter signed"),
    "letter.rendered": _("Letter rendered"),
    "letter.failed": _("Letter rendering failed"),
    "letter.retried": _("Letter rendering retried"),
    "letter.superseded": _("Letter superseded"),
}

MODELS = {"cases.listentry": ListEntry, "cases.measureexecution": MeasureExecution,
          "cases.objectioncase": ObjectionCase, "cases.repaircase": RepairCase,
          "cases.restorationtask": RestorationTask}


def action_label(action: str) -> str:
    label = ACTIONS.get(action)
    return str(label) if label is not None else action


# Keys of ``changes`` that are not fields of the object (tasks, uploads, pushes, letters).
OTHER_KEYS = {
    "executions": _("measure executions (measure, unit)"), "attachments": _("files (name, SHA-256)"),
    "tasks": _("tasks"), "task": _("task"), "step": _("step"), "unit": _("unit"), "due": _("due date"),
    "assignee": _("assignee"), "owner": _("assignee"), "letter_type": _("letter type"),
    "document_number": _("document number"), "sha256": _("SHA-256"), "subject": _("credit subject"),
    "list_type": _("list"), "repair": _("credit repair"), "objection": _("objection"), "materials": _("materials"),
    "on_time": _("completed on time"), "title": _("title"), "absent": _("absent officer"),
    "substitute": _("substitute"), "starts_on": _("from"), "ends_on": _("until"), "ended_at": _("ended at"),
    "acceptance_due": _("acceptance due"), "verification_due": _("verification due"), "decision_due": _("decision due"),
    "publication_due": _("publication due"), "statement_due": _("statement and defence due"),
    "verification_performed": _("performance verified"), "superseded_by": _("superseded by"),
    "code": _("code"), "kind": _("kind"), "username": _("username"), "role": _("role"), "note": _("note"),
    "measure": _("measure"), "measures": _("measures"), "identifier": _("identifier"), "entry": _("list entry"),
}


# Fields and event keys whose model gives no name of its own (Django's automatic one is English only).
FIELD_LABELS = {
    "entry": _("list entry"),
    "supplement_requested_on": _("supplement requested on"),
    "supplement_received_on": _("supplement received on"),
    "supplement_due": _("supplement due"),
    "closed_at": _("closed at"),
    "verification_requested_on": _("performance verification requested on"),
    "verification_reported_on": _("performance verification reported on"),
    "verification_unit": _("unit verifying performance"),
    "revoked_at": _("repair revoked at"),
    "dating_reason": _("reason for recording the decision late"),
    "overdue_unit": _("overdue at unit"),
    "lifted": _("measures lifted (execution, state before)"),
    "tasks_cancelled": _("tasks cancelled"),
    "lift_tasks": _("lift confirmation tasks"),
    "escalated_to": _("escalated to"),
    "reminder": _("reminder"),
}


def field_label(object_type: str, name: str) -> str:
    if object_type == "cases.listentry" and name in ObjectionCase.CORRECTABLE_FIELDS:
        return str(ObjectionCase.CORRECTABLE_FIELDS[name])  # as the case page and the correction form name them
    if name in OTHER_KEYS:
        return str(OTHER_KEYS[name])
    model = MODELS.get(object_type)
    if model is not None:
        try:
            label = getattr(model._meta.get_field(name), "verbose_name", None)
            if label and str(label) != name.replace("_", " "):  # not Django's automatic name
                return str(label)
        except FieldDoesNotExist:
            pass
    return str(FIELD_LABELS.get(name, name))


def value_label(object_type: str, name: str, value) -> str:
    """The words a person reads for a value of ``name`` as the events keep it (JSON): a choice by its
    label, yes or no, a moment in Beijing time, a unit or person by name, a list in words
    (cases.labels); "" when there is no value."""
    model = MODELS.get(object_type)
    try:
        model_field = model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:
        model_field = None
    if isinstance(model_field, DateTimeField) and isinstance(value, str):
        try:
            return timezone.localtime(dt.datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return value
    return value_words(name, value, field=model_field,
                       field_label=lambda key: field_label("cases.listentry" if name == "corrections" else object_type, key))


def chain_label(info: ChainInfo, case: AuditCase) -> str:
    obj = info.obj
    if info.role == "case":
        kind = {"entry": gettext("List entry"), "objection": gettext("Objection"), "repair": gettext("Credit repair")}[case.kind]
        return f"{kind} {case.reference}"
    if info.role == "entry":
        return f"{gettext('List entry')} {obj.case_ref}"
    if info.role == "import":
        return gettext("Import job %(job)s · batch %(batch)s") % {"job": obj.job_id, "batch": obj.number}
    if info.role == "removal":
        return gettext("Expiry batch %(batch)s (%(count)s entries)") % {"batch": obj.pk, "count": obj.entries_removed}
    if info.role == "execution":
        return gettext("Measure %(code)s · %(unit)s") % {"code": obj.measure.code, "unit": obj.unit.short_name}
    return gettext("Restoration · %(unit)s") % {"unit": obj.unit.short_name}


@dataclass
class Change:
    field: str
    label: str
    old: object
    new: object
    object_type: str = ""

    # What the pages show; ``old`` and ``new`` stay as the event keeps them (the bundle's timeline).
    @property
    def old_label(self):
        return _shown(self.object_type, self.field, self.old)

    @property
    def new_label(self):
        return _shown(self.object_type, self.field, self.new)


def _shown(object_type: str, name: str, value):
    return value_label(object_type, name, value)


@dataclass
class Row:
    event: object
    object_label: str
    action_label: str
    from_label: str
    to_label: str
    changes: list[Change] = field(default_factory=list)
    acting_for: str = ""
    unit: str = ""
    actor: str = ""

    @property
    def at(self):
        return self.event.occurred_at


def _user_names(events) -> dict:
    ids = {e.on_behalf_of_id for e in events if e.on_behalf_of_id} | {e.actor_id for e in events if e.actor_id}
    users = get_user_model().objects.filter(pk__in=ids)
    return {u.pk: (u.get_full_name() or u.get_username()) for u in users}


def batch_changes(event, entry) -> list[Change]:
    """What an import batch's event says about one entry: its line, the unit's record id, the
    subject and the list; and the subject's registration, if this batch registered it. The event
    itself (every row of the batch) is what the chain proves; this is the reader's view of it."""
    changes = event.changes if isinstance(event.changes, dict) else {}
    columns = (changes.get("columns") or [None, {}])[1] or {}
    mine = [dict(zip(columns.get("entries", ()), row)) for row in (changes.get("entries") or [None, []])[1]
            if row and row[0] == entry.pk]
    if not mine:
        return []
    row = mine[0]
    shown = [Change("line", gettext("line in the file"), None, row.get("line")),
             Change("record_id", gettext("record id"), None, row.get("record_id")),
             Change("subject", str(OTHER_KEYS["subject"]), None, row.get("subject")),
             Change("list_type", str(OTHER_KEYS["list_type"]), None, row.get("list_type"))]
    for subject in (changes.get("subjects") or [None, []])[1]:
        data = dict(zip(columns.get("subjects", ()), subject))
        if data.get("identifier") == row.get("subject"):
            shown.append(Change("registered", gettext("subject registered"), None,
                                f"{data.get('name')}（{data.get('identifier')}）"))
    return shown


def removal_row(event, entry) -> dict | None:
    """This entry's row of a removal batch's event (``removal.batch``, ADR 0007), by column name."""
    changes = event.changes if isinstance(event.changes, dict) else {}
    columns = (changes.get("columns") or [None, []])[1] or []
    for row in (changes.get("entries") or [None, []])[1] or []:
        if row and row[0] == entry.pk:
            return dict(zip(columns, row))
    return None


def removal_changes(event, entry) -> list[Change]:
    """What a removal batch's event says about one entry: the reason, and its executions lifted and
    tasks cancelled and opened. The event itself (every entry of the batch) is what the chain proves."""
    row = removal_row(event, entry)
    if row is None:
        return []
    reason = ((event.changes or {}).get("removal_reason") or [None, ""])[1]
    return [Change("removal_reason", field_label("cases.listentry", "removal_reason"), "", reason, "cases.listentry"),
            Change("lifted", str(FIELD_LABELS["lifted"]), None, row.get("lifted")),
            Change("tasks_cancelled", str(FIELD_LABELS["tasks_cancelled"]), None, row.get("tasks_cancelled")),
            Change("lift_tasks", str(FIELD_LABELS["lift_tasks"]), None, row.get("lift_tasks"))]


def _changes(ev) -> list[Change]:
    changes = ev.changes if isinstance(ev.changes, dict) else {}
    return [Change(k, field_label(ev.object_type, k), v[0] if isinstance(v, list) and len(v) == 2 else None,
                   v[1] if isinstance(v, list) and len(v) == 2 else v, ev.object_type) for k, v in changes.items()]


def rows_for(case: AuditCase, events) -> list[Row]:
    labels = {info.chain: chain_label(info, case) for info in case.chains}
    imports = {info.chain for info in case.chains if info.role == "import"}
    removals = {info.chain for info in case.chains if info.role == "removal"}
    names = _user_names(events)
    rows = []
    for ev in events:
        rows.append(Row(
            event=ev,
            object_label=labels.get(ev.chain, ev.chain),
            action_label=action_label(ev.action),
            from_label=(state_label("cases.listentry", (removal_row(ev, case.entry) or {}).get("state", ""))
                        if ev.chain in removals else state_label(ev.object_type, ev.from_state)),
            to_label=state_label("cases.listentry" if ev.chain in imports | removals else ev.object_type, ev.to_state),
            changes=(batch_changes(ev, case.entry) if ev.chain in imports
                     else removal_changes(ev, case.entry) if ev.chain in removals else _changes(ev)),
            acting_for=names.get(ev.on_behalf_of_id, ""),
            unit=ev.actor_unit.name if ev.actor_unit_id else "",
            actor=names.get(ev.actor_id) or actor_label(ev),
        ))
    return rows


def timeline_document(case: AuditCase, rows: list[Row], *, language: str, facts: list) -> dict:
    """The timeline as the bundle stores it (``timeline.json``): readable labels beside the proven
    fields, which the offline verifier compares with the events of ``chain/events.json``."""
    from ..hashing import event_payload_of

    events = []
    for row in rows:
        payload = event_payload_of(row.event)
        events.append({
            "chain": row.event.chain, "seq": row.event.seq, "hash": row.event.hash,
            "at": payload["at"], "at_local": timezone.localtime(row.event.occurred_at).strftime("%Y-%m-%d %H:%M:%S"),
            "action": row.event.action, "action_label": row.action_label, "object_label": row.object_label,
            "from": row.event.from_state, "to": row.event.to_state, "from_label": row.from_label,
            "to_label": row.to_label, "actor_name": row.event.actor_name, "actor": row.actor,
            "unit": row.unit, "acting_for": row.acting_for, "reason": row.event.reason,
            "raw_changes": payload["changes"],
            "changes": [{"field": c.field, "label": c.label, "old": c.old, "new": c.new,
                         "old_label": c.old_label, "new_label": c.new_label} for c in row.changes],
        })
    return {
        "language": language,
        "case": {"kind": case.kind, "reference": case.reference, "facts": facts},
        "labels": {
            "title": gettext("Case timeline"), "at": gettext("Time"), "object": gettext("Object"), "action": gettext("What happened"),
            "state": gettext("State"), "changes": gettext("Changed fields (old → new)"), "reason": gettext("Reason"),
            "actor": gettext("Who (user, unit)"), "acting_for": gettext("Acting for"), "proof": gettext("Chain position and hash"),
            "note": gettext("Every row is an audit event; verify_bundle.py checks it against chain/events.json."),
        },
        "events": events,
    }


def case_facts(case: AuditCase) -> list[tuple[str, str]]:
    """The header of a case page and of the bundle's timeline: what the case is about."""
    obj, entry = case.obj, case.entry
    facts = [
        (gettext("Case"), case.reference),
        (gettext("Case type"), {"entry": gettext("List entry"), "objection": gettext("Objection"), "repair": gettext("Credit repair")}[case.kind]),
        (gettext("Credit subject"), f"{entry.subject.name}（{entry.subject.identifier}）"),
        (gettext("List"), entry.list_type.name),
        (gettext("Listing unit"), entry.listing_unit.name),
        (gettext("State now"), state_label(obj._meta.label_lower, obj.state)),
    ]
    if case.kind == "entry":
        facts.append((gettext("Data-providing unit"), entry.data_providing_unit.name))
    elif case.kind == "objection":
        facts += [(gettext("Entry"), entry.case_ref), (gettext("Accepting unit"), obj.accepting_unit.name),
                  (gettext("Verifying unit"), obj.verifying_unit.name), (gettext("Filed at"),
                                                                   timezone.localtime(obj.filed_at).strftime("%Y-%m-%d %H:%M"))]
    else:
        facts += [(gettext("Entry"), entry.case_ref), (gettext("Deciding unit"), obj.deciding_unit.name),
                  (gettext("Filed at"), timezone.localtime(obj.filed_at).strftime("%Y-%m-%d %H:%M"))]
    provisional = sorted(step for step, stored in (getattr(obj, "deadlines", None) or {}).items()
                         if isinstance(stored, dict) and stored.get("provisional") and stored.get("due"))
    for step in provisional:
        stored = obj.deadlines[step]
        facts.append((gettext("Provisional deadline"),
                      gettext("%(date)s (computed with the statutory holidays; updated automatically once the "
                              "State Council publishes the schedule)") % {"date": stored["due"]}))
    return facts
