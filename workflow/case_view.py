"""The officers' case page, as one read scoped to who asks (no view filters by hand).

A case is addressed by its kind and id (``entry``, ``objection``, ``repair``); a measure execution
or restoration task opens its entry's page. The case is found through the scoped selectors of its
kind (``entries_visible_to``, ``objections_visible_to``, ``repairs_visible_to``), so another unit's
case is ``None`` (the page answers 404, the same as a case that does not exist).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from cases.audit.models import AuditEvent
from cases.audit.selectors import TimelinePage, TimelineQuery, case_timeline
from cases.labels import actor_label, state_label
from cases.models import (
    Attachment, ImportedRecord, ListEntry, MeasureExecution, ObjectionCase, RepairCase, RestorationTask,
)
from cases.selectors.entries import entries_visible_to, executions_visible_to
from cases.selectors.objections import objection_correction_rows, objections_visible_to
from cases.selectors.repairs import repairs_visible_to
from letters.selectors import letters_visible_to
from workflow.models import WorkItem

KINDS = {
    "entry": (ListEntry, entries_visible_to),
    "objection": (ObjectionCase, objections_visible_to),
    "repair": (RepairCase, repairs_visible_to),
}
KIND_OF_TYPE = {model._meta.label_lower: kind for kind, (model, _) in KINDS.items()}
# Tasks of these cases belong to an entry: their page is the entry's.
ENTRY_PARTS = {"cases.measureexecution": MeasureExecution, "cases.restorationtask": RestorationTask}
EXECUTION_STEPS = {  # to_state → what the timeline of an execution tells about who did it
    MeasureExecution.State.ACKNOWLEDGED: "acknowledged",
    MeasureExecution.State.APPLIED: "applied",
    MeasureExecution.State.NOT_APPLIED: "not_applied",
    MeasureExecution.State.LIFTED: "lifted",
}


@dataclass
class CaseView:
    kind: str
    case: object
    chain: str
    entry: ListEntry | None
    attachments: list = field(default_factory=list)
    deadlines: list = field(default_factory=list)
    tasks: list = field(default_factory=list)
    chains: list = field(default_factory=list)  # the audit chains its timeline reads (case_timeline_page)
    letters: list = field(default_factory=list)
    executions: list = field(default_factory=list)
    corrections: list = field(default_factory=list)  # an objection's: label, old → new


def case_address(object_type: str, object_id: int) -> tuple[str, int] | None:
    """(kind, id) of the page that shows the case a task serves."""
    if object_type in KIND_OF_TYPE:
        return KIND_OF_TYPE[object_type], object_id
    model = ENTRY_PARTS.get(object_type)
    if model is not None:
        entry_id = model.objects.filter(pk=object_id).values_list("entry_id", flat=True).first()
        return ("entry", entry_id) if entry_id else None
    return None


def case_view(*, user, kind: str, pk: int) -> CaseView | None:
    if kind not in KINDS:
        return None
    model, visible = KINDS[kind]
    case = visible(user=user).filter(pk=pk).first()
    if case is None:
        return None
    chain = f"{model._meta.label_lower}:{case.pk}"
    entry = case if kind == "entry" else case.entry
    view = CaseView(kind=kind, case=case, chain=chain, entry=entry)
    view.attachments = list(Attachment.objects.filter(object_type=model._meta.label_lower, object_id=case.pk)
                            .order_by("uploaded_at", "pk"))
    view.deadlines = [{"step": step, "label": DEADLINE_LABELS.get(step, step), **data}
                      for step, data in (case.deadlines or {}).items() if isinstance(data, dict)]
    view.tasks = list(WorkItem.objects.filter(object_type=model._meta.label_lower, object_id=case.pk)
                      .select_related("task", "task__owner", "unit").order_by("created_at"))
    chains = [chain]
    if kind == "entry":  # an imported entry's history starts in its import batch's event (ADR 0005)
        batch_id = ImportedRecord.objects.filter(entry=case).values_list("batch_id", flat=True).first()
        chains += [f"cases.importbatch:{batch_id}"] if batch_id else []
        # … and one the expiry night removed ends in its removal batch's event (ADR 0007).
        chains += [f"cases.removalbatch:{case.removal_batch_id}"] if case.removal_batch_id else []
    view.chains = chains
    view.letters = _letters_of(user, chain)
    view.executions = execution_rows(user=user, entry=entry)
    view.corrections = objection_correction_rows(case) if kind == "objection" else []
    return view


def case_timeline_page(view: CaseView, query: TimelineQuery) -> TimelinePage:
    """One page of the case's timeline, filtered as the auditors' is (``cases.audit.selectors``), over
    the chains this page shows; each event with its words (who, state before and after, corrected
    fields)."""
    page = case_timeline(chains=view.chains, query=query)
    for event in page.events:
        event.corrected = corrected_fields(event)
        event.actor_label = actor_label(event)
        event.from_label = state_label(event.object_type, event.from_state)
        event.to_label = state_label(event.object_type, event.to_state)
    return page


def _letters_of(user, chain: str) -> list:
    return list(letters_visible_to(user).filter(case_chain=chain).order_by("created_at", "pk"))


def case_letters(*, user, kind: str, pk: int) -> list | None:
    """The letters of one case, for the case page's letters box alone (it is asked again while a
    letter is being rendered and signed after the step's response); None for a case ``user`` may
    not see, as ``case_view``."""
    if kind not in KINDS:
        return None
    model, visible = KINDS[kind]
    if not visible(user=user).filter(pk=pk).exists():
        return None
    return _letters_of(user, f"{model._meta.label_lower}:{pk}")


def corrected_fields(event) -> list[dict]:
    """An entry's correction (``entry.correct``) or an objection's proposed one (``objection.conclude``)
    as label, old → new, for the timeline; [] for any other event."""
    labels = ObjectionCase.CORRECTABLE_FIELDS
    changes = event.changes if isinstance(event.changes, dict) else {}
    if event.action == "entry.correct":
        return [{"field": name, "label": str(labels.get(name, name)), "old": change[0] or "—",
                 "new": change[1] or "—"} for name, change in changes.items() if isinstance(change, list) and len(change) == 2]
    if event.action == "objection.conclude":
        proposed = (changes.get("corrections") or [None, None])[1] or {}
        return [{"field": name, "label": str(labels.get(name, name)), "old": "", "new": value or "—"}
                for name, value in proposed.items()]
    return []


def execution_rows(*, user, entry: ListEntry) -> list[dict]:
    """Each measure execution of the entry the user may see, grouped by implementing unit, with who
    acknowledged, applied (or reported not applied) and lifted it, read from its audit chain."""
    executions = list(executions_visible_to(user=user, entry=entry).order_by("unit__name", "measure__code"))
    if not executions:
        return []
    chains = {f"cases.measureexecution:{e.pk}": e for e in executions}
    who: dict = {}
    for event in (AuditEvent.objects.filter(chain__in=list(chains), to_state__in=list(EXECUTION_STEPS))
                  .select_related("actor", "on_behalf_of").order_by("chain", "seq")):
        who.setdefault(event.chain, {})[EXECUTION_STEPS[event.to_state]] = event
    rows = []
    for chain, execution in chains.items():
        rows.append({"execution": execution, "unit": execution.unit, "measure": execution.measure,
                     **{step: who.get(chain, {}).get(step) for step in EXECUTION_STEPS.values()}})
    return rows

# The deadlines a case keeps (``case.deadlines`` keys) as the case page names them.
DEADLINE_LABELS = {
    "prior_notice_response": _("statement window after the prior notice"),
    "publication": _("publication after the decision"),
    "acceptance": _("acceptance check"),
    "supplement_window": _("window for supplementary material"),
    "verification": _("verification by the data-providing unit"),
    "decision": _("decision on the repair"),
}
# What the timeline says for each kind of event (anything else shows its code).
ACTION_LABELS = {
    "task.open": _("task opened"), "task.claim": _("task claimed"), "task.release": _("task released"),
    "task.reassign": _("task reassigned"), "task.complete": _("step completed"), "task.pause": _("tasks paused"),
    "task.resume": _("tasks resumed"), "task.cancel": _("tasks cancelled"), "task.redate": _("deadline recomputed"),
    "task.remind": _("reminder sent"), "task.escalate": _("escalated as overdue"),
    "entry.draft": _("entry drafted"), "import.batch": _("entry drafted by a bulk import"),
    "removal.batch": _("entry removed with its expiry batch"),
    "entry.send_notice": _("prior notice served"),
    "entry.receive_statement": _("statement received"), "entry.statement_window_closed": _("statement window closed"),
    "entry.decide": _("listing decided"), "entry.publish": _("entry published"), "entry.publish_red": _("entry published"),
    "entry.measures_pushed": _("measures pushed"), "entry.suspend": _("entry suspended"),
    "entry.resume": _("entry resumed"), "entry.remove": _("entry removed"), "entry.withdraw": _("entry withdrawn"),
    "entry.correct": _("entry corrected"), "entry.reinstate": _("entry listed again"),
    "entry.revoke_removed": _("record of the removed entry revoked"),
    "entry.objection_filed": _("objection filed"), "entry.repair_filed": _("repair application filed"),
    "objection.file": _("objection filed"), "objection.accept": _("objection accepted"),
    "objection.refuse": _("objection not accepted"), "objection.request_supplement": _("supplement requested"),
    "objection.receive_supplement": _("supplement received"), "objection.conclude": _("verification concluded"),
    "objection.send_back": _("sent back for verification"), "objection.close": _("objection closed"),
    "objection.withdraw": _("objection withdrawn"), "objection.extend": _("deadline extended"),
    "objection.supplement_lapse": _("deemed withdrawn: no supplementary material in time"),
    "repair.supplement_lapse": _("deemed withdrawn: no supplementary material in time"),
    "repair.file": _("repair application filed"), "repair.accept": _("repair application accepted"),
    "repair.refuse": _("repair application not accepted"), "repair.propose": _("decision proposed"),
    "repair.approve": _("repair approved"), "repair.reject": _("repair rejected"), "repair.close": _("repair closed"),
    "repair.extend": _("deadline extended"), "repair.withdraw": _("repair withdrawn"),
    "repair.revoke": _("repair revoked"), "case.chase_up": _("chase-up by the applicant"),
    "attachments.add": _("attachments added"), "letter.issued": _("letter issued"), "letter.signed": _("letter signed"),
}


def case_attachment(*, user, kind: str, pk: int, attachment_id: int) -> Attachment | None:
    """One attachment of a case the user may see (the evidence an officer verifies); else None."""
    if kind not in KINDS:
        return None
    model, visible = KINDS[kind]
    if not visible(user=user).filter(pk=pk).exists():
        return None
    return Attachment.objects.filter(pk=attachment_id, object_type=model._meta.label_lower, object_id=pk).first()
