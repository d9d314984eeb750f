"""Credit repair (信用修复), domain.md §4: acceptance check by the listing unit (3 working days) →
review by its officer, who may ask another unit to verify that the obligations were performed →
the leader's decision (within 10 working days of the application) → end. Approval removes the
entry in the decision's transaction; the lift confirmations are each implementing unit's
LiftFlow. The supplement request, extension, withdrawal and revocation happen outside the queue
(the acceptance task is paused while the material is awaited; withdrawal cancels the open tasks)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from viewflow import this
from viewflow.workflow import flow

from cases.models import ProcedureRule, RepairCase
from cases.services import repairs as repair_services
from workflow.nodes import UnitTask

from .filed import FiledCaseFlow, case_unit, kept

REPAIR = ProcedureRule.CaseType.REPAIR


class AcceptanceForm(serializers.Serializer):
    accept = serializers.BooleanField(help_text=_("Accept the repair application (true) or not (false)."))
    reasons = serializers.CharField(required=False, allow_blank=True)
    basis = serializers.CharField(required=False, allow_blank=True)


class ReviewForm(serializers.Serializer):
    action = serializers.ChoiceField(choices=[("PROPOSE", _("propose a decision")),
                                              ("VERIFY", _("ask another unit to verify performance"))])
    proposal = serializers.ChoiceField(choices=RepairCase.Proposal.choices, required=False)
    findings = serializers.CharField(required=False, allow_blank=True)
    verification_unit = serializers.CharField(required=False, allow_blank=True,
                                              help_text=_("Code of the unit asked to verify (action VERIFY)."))
    request = serializers.CharField(required=False, allow_blank=True,
                                    help_text=_("What is to be verified (action VERIFY)."))


class VerificationForm(serializers.Serializer):
    performed = serializers.BooleanField(help_text=_("Were the obligations performed?"))
    findings = serializers.CharField()


class DecisionForm(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("APPROVE", _("approve")), ("REJECT", _("reject")),
                                                ("SEND_BACK", _("send back to the officer"))])
    reasons = serializers.CharField(required=False, allow_blank=True)
    basis = serializers.CharField(required=False, allow_blank=True)
    earliest_reapply_on = serializers.DateField(required=False, allow_null=True,
                                                help_text=_("On rejection: the date from which the subject may apply again."))


class RepairFlow(FiledCaseFlow):
    """Credit repair"""

    process_title = _("Credit repair")
    case_model = RepairCase
    case_related = ("entry__list_type", "deciding_unit")
    accept_service = staticmethod(repair_services.repair_accept)
    refuse_service = staticmethod(repair_services.repair_refuse)

    start = flow.StartHandle(this.start_case).Next(this.acceptance)
    acceptance = UnitTask(
        case_type=REPAIR, step="acceptance", title=_("Check the repair application for acceptance"),
        unit=case_unit("deciding_unit"), perform=this.decide_acceptance, form=AcceptanceForm, due=kept("acceptance"),
    ).Next(this.accepted)
    accepted = flow.If(this.is_accepted).Then(this.review).Else(this.end)
    review = UnitTask(
        case_type=REPAIR, step="review", title=_("Review the repair application"),
        unit=case_unit("deciding_unit"), perform=this.review_application, form=ReviewForm, due=kept("decision"),
    ).Next(this.reviewed)
    reviewed = flow.If(this.verification_pending).Then(this.performance_check).Else(this.decision)
    performance_check = UnitTask(
        case_type=REPAIR, step="performance_check", title=_("Verify that the obligations were performed"),
        unit=case_unit("verification_unit"), perform=this.report_verification, form=VerificationForm,
        due=kept("decision"),
    ).Next(this.review)
    decision = UnitTask(
        case_type=REPAIR, step="decision", title=_("Decide the credit repair"), leader_only=True,
        unit=case_unit("deciding_unit"), perform=this.decide, form=DecisionForm, due=kept("decision"),
    ).Next(this.decided)
    decided = flow.If(this.is_back_with_the_officer).Then(this.review).Else(this.end)
    end = flow.End()

    def is_accepted(self, activation):
        return self.in_state(activation, RepairCase.State.ACCEPTED)

    def verification_pending(self, activation):
        return self.case_of(activation).verification_pending

    def is_back_with_the_officer(self, activation):
        return self.in_state(activation, RepairCase.State.ACCEPTED)

    def review_application(self, activation, actor, data):
        repair_services.repair_review(actor=actor, case=self.case_of(activation), action=data["action"],
                                      proposal=data.get("proposal", ""), findings=data.get("findings", ""),
                                      verification_unit=data.get("verification_unit", ""),
                                      request=data.get("request", ""))

    def report_verification(self, activation, actor, data):
        repair_services.repair_report_verification(actor=actor, case=self.case_of(activation),
                                                   performed=data["performed"], findings=data["findings"])

    def decide(self, activation, actor, data):
        repair_services.repair_decide(actor=actor, case=self.case_of(activation), decision=data["decision"],
                                      reasons=data.get("reasons", ""), basis=data.get("basis", ""),
                                      earliest_reapply_on=data.get("earliest_reapply_on"))
