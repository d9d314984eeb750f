"""Listing (认定) of one entry, domain.md §1: prior notice → statement → decision → publication.

Blacklist-type entries go through every step; red-list entries go straight to publication.
Each human step is a task for the listing unit; the decision is the leader's.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from cases.models import ListEntry, ProcedureRule
from cases.services import entries as entry_services
from deadlines.calendar import DeadlineComputation
from workflow.nodes import UnitTask

from .base import CaseFlow
from .forms import DecisionForm, NoticeForm, NoteForm, StatementForm

LIST_ENTRY = ProcedureRule.CaseType.LIST_ENTRY


def _kept(entry: ListEntry, key: str) -> DeadlineComputation | None:
    data = entry.deadlines.get(key)
    return DeadlineComputation.from_dict(data) if data else None


class ListingFlow(CaseFlow):
    """Listing"""

    process_title = _("Listing")

    start = flow.StartHandle(this.start_case).Next(this.route)
    route = flow.If(this.is_red).Then(this.publish).Else(this.notice)
    notice = UnitTask(
        case_type=LIST_ENTRY, step="prior_notice", title=_("Serve the prior notice"),
        unit=this.listing_unit, perform=this.send_notice, form=NoticeForm,
    ).Next(this.statement)
    statement = UnitTask(
        case_type=LIST_ENTRY, step="statement", title=_("Record the statement or close the window"),
        unit=this.listing_unit, perform=this.record_statement, form=StatementForm, due=this.statement_due,
    ).Next(this.decide)
    decide = UnitTask(
        case_type=LIST_ENTRY, step="decision", title=_("Decide on listing"), leader_only=True,
        unit=this.listing_unit, perform=this.decide_entry, form=DecisionForm,
    ).Next(this.approved)
    approved = flow.If(this.is_decided).Then(this.publish).Else(this.end)
    publish = UnitTask(
        case_type=LIST_ENTRY, step="publication", title=_("Publish the entry"),
        unit=this.listing_unit, perform=this.publish_entry, form=NoteForm, due=this.publication_due,
    ).Next(this.end)
    end = flow.End()

    # --- routing and deadlines ---------------------------------------------------------------
    def listing_unit(self, entry):
        return entry.listing_unit

    def is_red(self, activation):
        return activation.process.artifact.is_red

    def is_decided(self, activation):
        return activation.process.artifact.state == ListEntry.State.DECIDED

    def statement_due(self, entry):
        return _kept(entry, "prior_notice_response")

    def publication_due(self, entry):
        return _kept(entry, "publication")

    # --- steps: each calls one service ---------------------------------------------------------
    def _entry(self, activation) -> ListEntry:
        return ListEntry.objects.select_related("list_type", "listing_unit", "subject").get(
            pk=activation.process.artifact_object_id
        )

    def send_notice(self, activation, actor, data):
        entry_services.entry_send_notice(actor=actor, entry=self._entry(activation), on=data.get("served_on"))

    def record_statement(self, activation, actor, data):
        entry_services.entry_record_statement(actor=actor, entry=self._entry(activation),
                                              statement=data.get("statement") or "", today=timezone.localdate())

    def decide_entry(self, activation, actor, data):
        entry_services.entry_conclude_decision(
            actor=actor, entry=self._entry(activation), approve=data["approve"],
            decision_date=data.get("decision_date"), reason=data.get("reason", ""),
            dating_reason=data.get("dating_reason", ""),
        )

    def publish_entry(self, activation, actor, data):
        entry_services.entry_publish(actor=actor, entry=self._entry(activation))
