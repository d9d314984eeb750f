"""What the objection and repair flows share: the case behind a task, the deadlines kept on it, and
the acceptance check routed to the procedure's services (accept, or refuse with reasons)."""

from operator import attrgetter

from deadlines.calendar import DeadlineComputation

from .base import CaseFlow


def kept(key: str):
    """A task's due date: the deadline ``key`` as kept on the case."""
    def due(case) -> DeadlineComputation | None:
        data = case.deadlines.get(key)
        return DeadlineComputation.from_dict(data) if data else None
    return due


def case_unit(field: str):
    """A task's unit: the case's ``field``."""
    return attrgetter(field)


class FiledCaseFlow(CaseFlow):
    case_model = None
    case_related: tuple = ()
    # The procedure's services for the acceptance check (plain functions: staticmethod).
    accept_service = None
    refuse_service = None

    def case_of(self, activation):
        cases = self.case_model.objects
        if self.case_related:  # (with no names, select_related would follow every foreign key)
            cases = cases.select_related(*self.case_related)
        return cases.get(pk=activation.process.artifact_object_id)

    def in_state(self, activation, state) -> bool:
        return self.case_of(activation).state == state

    def decide_acceptance(self, activation, actor, data):
        case = self.case_of(activation)
        if data["accept"]:
            self.accept_service(actor=actor, case=case)
        else:
            self.refuse_service(actor=actor, case=case, reasons=data.get("reasons", ""), basis=data.get("basis", ""))
