"""What every case flow shares: the process carries the case as its artifact, and the flow lock
is ``select_for_update`` on the process row (PostgreSQL), so two actions on one case queue up."""

import json

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from viewflow.workflow import flow
from viewflow.workflow.fields import get_flow_ref, get_task_ref
from viewflow.workflow.lock import select_for_update_lock
from viewflow.workflow.status import PROCESS, STATUS

from workflow.bulk import insert_rows, reserve_ids


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
        permission), the link between them, and the work items (``work_items_open_many``). The
        viewflow rows are inserted from column arrays with ids taken from their sequences first
        (no per-row ORM work: the expiry night writes hundreds of thousands of them).
        ``tests/workflow/test_expiry_set_based.py`` compares these rows with viewflow's own.
        ``unit_of``/``subject_of`` read the case's unit and subject from what the caller has loaded.
        Returns {case id: human task id}."""
        from workflow.services import work_items_open_many

        cases = list(cases)
        if not cases:
            return {}
        now = timezone.now()
        n = len(cases)
        content_type = ContentType.objects.get_for_model(type(cases[0])).pk
        label = cases[0]._meta.label_lower
        process_table, task_table = cls.process_class._meta.db_table, cls.task_class._meta.db_table
        through = cls.task_class.previous.through
        process_ids = reserve_ids(process_table, n)
        task_ids = reserve_ids(task_table, 2 * n)
        starts, humans = task_ids[:n], task_ids[n:]
        insert_rows(process_table, ["id", "flow_class", "status", "created", "data", "artifact_content_type_id",
                                "artifact_object_id"],
                ["bigint", "varchar", "varchar", "timestamptz", "jsonb", "integer", "integer"],
                [process_ids, [get_flow_ref(cls)] * n, [PROCESS.NEW] * n, [now] * n,
                 [json.dumps({"case": f"{label}:{case.pk}"}) for case in cases], [content_type] * n,
                 [case.pk for case in cases]])
        insert_rows(task_table, ["id", "flow_task", "flow_task_type", "status", "created", "started", "finished", "token",
                             "owner_permission", "process_id", "data"],
                ["bigint", "varchar", "varchar", "varchar", "timestamptz", "timestamptz", "timestamptz", "varchar",
                 "varchar", "bigint", "jsonb"],
                [starts + humans, [get_task_ref(cls.start)] * n + [get_task_ref(node)] * n,
                 [cls.start.task_type] * n + [node.task_type] * n, [STATUS.DONE] * n + [STATUS.NEW] * n,
                 [now] * (2 * n), [now] * n + [None] * n, [now] * n + [None] * n, ["start"] * (2 * n),
                 [None] * n + [unit_of(case).permission_name for case in cases], process_ids * 2, ["{}"] * (2 * n)])
        insert_rows(through._meta.db_table, ["from_task_id", "to_task_id"], ["bigint", "bigint"], [humans, starts])
        work_items_open_many(node=node, tasks_and_cases=list(zip(humans, cases)), unit_of=unit_of,
                             subject_of=subject_of)
        return {case.pk: task_id for case, task_id in zip(cases, humans)}

