"""The one kind of human task our flows use: a viewflow ``View`` node routed to a unit.

A ``UnitTask`` knows, for the case its process carries (the process ``artifact``):
- which unit does the work (its permission, ``Unit.permission_name``, is the task's
  ``owner_permission``, so only that unit's staff can claim it);
- the step's legal deadline (a ``DeadlineComputation`` from the procedure rules), kept on the task;
- the form of data a completion carries (a DRF serializer) and the service it calls.

Nodes hold no business rules: ``perform`` calls a service in ``cases.services`` and the services
and FSMs decide what is allowed.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponseRedirect
from django.urls import reverse
from viewflow import this
from viewflow.workflow import flow

from deadlines.calendar import DeadlineComputation
from workflow.models.work import TASK_TITLES


def task_page(request, *args, **kwargs):
    """Viewflow's own task URLs are not mounted; anything that reaches one goes to our task API."""
    task_pk = kwargs.get("task_pk")
    return HttpResponseRedirect(reverse("task-detail", args=[task_pk]) if task_pk else "/")


class UnitTask(flow.View):
    def __init__(
        self,
        *,
        case_type: str,
        step: str,
        title: str,
        unit: Callable,
        perform: Callable,
        form=None,
        due: Callable | None = None,
        leader_only: bool = False,
    ):
        super().__init__(task_page)
        self.case_type = case_type
        self.step = step
        self.task_title = title
        TASK_TITLES[(case_type, step)] = title
        self.leader_only = leader_only
        self.form_class = form
        self._unit = unit
        self._perform = perform
        self._due = due
        # Routed by permission; the string is computed per task by calc_owner_permission below.
        self.Permission("cases.unit")

    def _resolve(self, instance):
        # Viewflow copies declared nodes onto the flow class, so everything bound to this node is
        # resolved here, on the copy, never captured in __init__.
        super()._resolve(instance)
        self._unit = this.resolve(instance, self._unit)
        self._perform = this.resolve(instance, self._perform)
        self._due = this.resolve(instance, self._due)
        self._on_create = self._opened

    def calc_owner_permission(self, activation):
        return self.unit_for(activation.process.artifact).permission_name

    # --- what the flow declares ----------------------------------------------------------------
    def unit_for(self, case):
        return self._unit(case)

    def due_for(self, case) -> DeadlineComputation | None:
        return self._due(case) if self._due is not None else None

    def perform(self, activation, actor, data: dict) -> None:
        self._perform(activation, actor, data)

    def _opened(self, activation):
        from workflow.services import work_item_open

        work_item_open(node=self, task=activation.task, case=activation.process.artifact)
