"""What every case flow shares: the process carries the case as its artifact, and the flow lock
is ``select_for_update`` on the process row (PostgreSQL), so two actions on one case queue up."""

from viewflow.workflow import flow
from viewflow.workflow.lock import select_for_update_lock


class CaseFlow(flow.Flow):
    lock_impl = select_for_update_lock

    def start_case(self, activation, case):
        activation.process.artifact = case
        activation.process.data = {"case": f"{case._meta.label_lower}:{case.pk}"}
        return activation.process

    @classmethod
    def start_for(cls, case):
        """Start this flow for ``case`` (inside the caller's transaction)."""
        return cls.start.run(case=case)
