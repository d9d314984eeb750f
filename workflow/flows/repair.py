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

from cases.errors import ValidationFailed
from cases.models import ProcedureRule, RepairCase, Unit
from cases.services import repairs as repair_services
from deadlines.calendar import DeadlineComputation
from workflow.nodes import UnitTask

from .base import CaseFlow

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


def _kept(case, key):
    data = case.deadlines.get(key)
    return DeadlineComputation.from_dict(data) if data else None


def _case(activation) -> RepairCase:
    return RepairCase.objects.select_related("entry__list_type", "deciding_unit").get(
        pk=activation.process.artifact_object_id)


class RepairFlow(CaseFlow):
    """Credit repair"""

    process_title = _("Credit repair")

    start = flow.StartHandle(this.start_case).Next(this.acceptance)
    acceptance = UnitTask(
        case_type=REPAIR, step="acceptance", title=_("Check the repair application for acceptance"),
        unit=this.deciding_unit, perform=this.decide_acceptance, form=AcceptanceForm, due=this.acceptance_due,
    ).Next(this.accepted)
    accepted = flow.If(this.is_accepted).Then(this.review).Else(this.end)
    review = UnitTask(
        case_type=REPAIR, step="review", title=_("Review the repair application"),
        unit=this.deciding_unit, perform=this.review_application, form=ReviewForm, due=this.decision_due,
    ).Next(this.reviewed)
    reviewed = flow.If(this.verification_pending).Then(this.performance_check).Else(this.decision)
    performance_check = UnitTask(
        case_type=REPAIR, step="performance_check", title=_("Verify that the obligations were performed"),
        unit=this.verification_unit, perform=this.report_verification, form=VerificationForm,
        due=this.decision_due,
    ).Next(this.review)
    decision = UnitTask(
        case_type=REPAIR, step="decision", title=_("Decide the credit repair"), leader_only=True,
        unit=this.deciding_unit, perform=this.decide, form=DecisionForm, due=this.decision_due,
    ).Next(this.decided)
    decided = flow.If(this.is_back_with_the_officer).Then(this.review).Else(this.end)
    end = flow.End()

    def deciding_unit(self, case):
        return case.deciding_unit

    def verification_unit(self, case):
        return case.verification_unit

    def acceptance_due(self, case):
        return _kept(case, "acceptance")

    def decision_due(self, case):
        return _kept(case, "decision")

    def is_accepted(self, activation):
        return _case(activation).state == RepairCase.State.ACCEPTED

    def verification_pending(self, activation):
        return _case(activation).verification_pending

    def is_back_with_the_officer(self, activation):
        return _case(activation).state == RepairCase.State.ACCEPTED

    def decide_acceptance(self, activation, actor, data):
        case = _case(activation)
        if data["accept"]:
            repair_services.repair_accept(actor=actor, case=case)
        else:
            repair_services.repair_refuse(actor=actor, case=case, reasons=data.get("reasons", ""),
                                          basis=data.get("basis", ""))

    def review_application(self, activation, actor, data):
        case = _case(activation)
        if data["action"] == "VERIFY":
            unit = Unit.objects.filter(code=data.get("verification_unit") or "").first()
            if unit is None:
                raise ValidationFailed(fields={"verification_unit": [("unit_unknown", _("Unknown unit."))]})
            repair_services.repair_request_verification(actor=actor, case=case, unit=unit,
                                                        request=data.get("request", ""))
        else:
            repair_services.repair_propose(actor=actor, case=case, proposal=data.get("proposal", ""),
                                           findings=data.get("findings", ""))

    def report_verification(self, activation, actor, data):
        repair_services.repair_report_verification(actor=actor, case=_case(activation),
                                                   performed=data["performed"], findings=data["findings"])

    def decide(self, activation, actor, data):
        repair_services.repair_decide(actor=actor, case=_case(activation), decision=data["decision"],
                                      reasons=data.get("reasons", ""), basis=data.get("basis", ""),
                                      earliest_reapply_on=data.get("earliest_reapply_on"))
