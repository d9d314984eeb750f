"""Objection (异议), domain.md §3: acceptance check by the platform window (or the listing unit) →
verification by the data-providing unit within 20 days of receiving the notice → the unit
leader's approval → closed. The supplement request and withdrawal happen outside the queue (the
acceptance task is paused while the material is awaited; withdrawal cancels the open tasks)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from viewflow import this
from viewflow.workflow import flow

from cases.models import ObjectionCase, ProcedureRule
from cases.services import objections as objection_services
from workflow.nodes import UnitTask

from .filed import FiledCaseFlow, case_unit, kept

OBJECTION = ProcedureRule.CaseType.OBJECTION


class AcceptanceForm(serializers.Serializer):
    accept = serializers.BooleanField(help_text=_("Accept the objection for verification (true) or not (false)."))
    reasons = serializers.CharField(required=False, allow_blank=True)
    basis = serializers.CharField(required=False, allow_blank=True)


class ConclusionForm(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ObjectionCase.Outcome.choices)
    findings = serializers.CharField()
    corrections = serializers.DictField(required=False, help_text=_(
        "Outcome CORRECTED: the fields to correct, each to its corrected value. A field is named by its code "
        "(facts, reasons, basis, valid_until) or its label (e.g. 列入理由)."))


class ApprovalForm(serializers.Serializer):
    approve = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True)


class ObjectionFlow(FiledCaseFlow):
    """Objection"""

    process_title = _("Objection")
    case_model = ObjectionCase
    accept_service = staticmethod(objection_services.objection_accept)
    refuse_service = staticmethod(objection_services.objection_refuse)

    start = flow.StartHandle(this.start_case).Next(this.acceptance)
    acceptance = UnitTask(
        case_type=OBJECTION, step="acceptance", title=_("Check the objection for acceptance"),
        unit=case_unit("accepting_unit"), perform=this.decide_acceptance, form=AcceptanceForm, due=kept("acceptance"),
    ).Next(this.accepted)
    accepted = flow.If(this.is_verifying).Then(this.verification).Else(this.end)
    verification = UnitTask(
        case_type=OBJECTION, step="verification", title=_("Verify the disputed information"),
        unit=case_unit("verifying_unit"), perform=this.conclude, form=ConclusionForm, due=kept("verification"),
    ).Next(this.approval)
    approval = UnitTask(
        case_type=OBJECTION, step="approval", title=_("Approve the verification result"), leader_only=True,
        unit=case_unit("verifying_unit"), perform=this.approve, form=ApprovalForm, due=kept("verification"),
    ).Next(this.approved)
    approved = flow.If(this.is_closed).Then(this.end).Else(this.verification)
    end = flow.End()

    def is_verifying(self, activation):
        return self.in_state(activation, ObjectionCase.State.VERIFYING)

    def is_closed(self, activation):
        return self.in_state(activation, ObjectionCase.State.CLOSED)

    def conclude(self, activation, actor, data):
        objection_services.objection_conclude(actor=actor, case=self.case_of(activation), outcome=data["outcome"],
                                              findings=data["findings"], corrections=data.get("corrections"))

    def approve(self, activation, actor, data):
        objection_services.objection_approve(actor=actor, case=self.case_of(activation), approve=data["approve"],
                                             reason=data.get("reason", ""))
