"""What every case flow shares: the process carries the case as its artifact, and the flow lock
is ``select_for_update`` on the process row (PostgreSQL), so two actions on one case queue up."""

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from viewflow.workflow import flow
from viewflow.workflow.lock import select_for_update_lock
from viewflow.workflow.status import PROCESS, STATUS
from viewflow.workflow.token import Token


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

    @classmethod
    def start_many(cls, cases, *, node, unit_of, subject_of) -> dict[int, int]:
        """Start this flow for many cases at once, writing in bulk the rows ``start_for`` writes one
        by one for a flow whose start leads straight to one ``UnitTask`` (``node``): the process
        (artifact, data), its start task (DONE), the human task (NEW, routed by the unit's
        permission), the link between them, and the work items (``work_items_open_many``).
        ``tests/workflow/test_expiry_set_based.py`` compares these rows with viewflow's own.
        ``unit_of``/``subject_of`` read the case's unit and subject from what the caller has loaded.
        Returns {case id: human task id}."""
        from workflow.services import work_items_open_many

        cases = list(cases)
        if not cases:
            return {}
        now = timezone.now()
        content_type = ContentType.objects.get_for_model(type(cases[0]))
        label = cases[0]._meta.label_lower
        processes = cls.process_class.objects.bulk_create([
            cls.process_class(flow_class=cls, status=PROCESS.NEW, created=now, artifact_content_type=content_type,
                              artifact_object_id=case.pk, data={"case": f"{label}:{case.pk}"})
            for case in cases])
        starts = cls.task_class.objects.bulk_create([
            cls.task_class(process=process, flow_task=cls.start, flow_task_type=cls.start.task_type,
                           status=STATUS.DONE, created=now, started=now, finished=now, token=Token("start"), data={})
            for process in processes])
        humans = cls.task_class.objects.bulk_create([
            cls.task_class(process=process, flow_task=node, flow_task_type=node.task_type, status=STATUS.NEW,
                           created=now, token=Token("start"), data={},
                           owner_permission=unit_of(case).permission_name)
            for process, case in zip(processes, cases)])
        through = cls.task_class.previous.through
        through.objects.bulk_create([through(from_task_id=human.pk, to_task_id=start.pk)
                                     for human, start in zip(humans, starts)])
        work_items_open_many(node=node, tasks_and_cases=list(zip(humans, cases)), unit_of=unit_of,
                             subject_of=subject_of)
        return {case.pk: human.pk for case, human in zip(cases, humans)}
