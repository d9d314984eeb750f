"""One task: its case, deadline and how it was computed; claim, release, reassign (leader) and
complete with the step's form. Every action calls one service; a conflict (someone else claimed
or completed the task first) is a 409 page that says so."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.errors import NotFound, ValidationFailed
from cases.models import StaffProfile
from deadlines.countdown import CountdownClock
from workflow import selectors, services
from workflow.case_view import case_address
from workflow.dashboard import unit_staff
from workflow.decision import decision_for
from workflow.models.work import OPEN

from .common import PAGE_ERRORS, error_parts, officer_page
from .queue import STEPS
from .step_forms import form_fields, read_posted, takes_parts


def _task_or_error(request, task_id):
    try:
        return selectors.task_for(user=request.user, task_id=task_id), None
    except NotFound:
        raise Http404(_("No such task."))
    except PAGE_ERRORS as exc:
        status, message, _fields = error_parts(exc)
        return None, render(request, "workspace/denied.html", {"message": message}, status=status)


def task_context(request, task, *, values=None, field_errors=None, error=None, decision=None) -> dict:
    user = request.user
    work = task.work
    decision = decision or decision_for(user=user, work=work)
    staff = user.staff
    substitution = services.substitution_for(user, task.owner) if task.owner_id not in (None, user.pk) else None
    is_open = task.status in OPEN and work.is_open
    # The one rule of who acts on a task (``services.act_refusal``), asked for the buttons; the
    # service asks it again when one is pressed.
    mine = services.act_refusal(user, work, step=False) is None
    refusal = services.act_refusal(user, work)
    may_do_step = mine and refusal is None
    countdown = work.countdown(CountdownClock(), done=not is_open)
    form_class = getattr(task.flow_task, "form_class", None)
    fields = form_fields(form_class, values, field_errors, parts=decision.form_parts if decision else None,
                         choices=decision.form_choices if decision else None)
    known = {f["name"] for f in fields} | {p["key"] for f in fields for p in f.get("parts", [])}
    other_errors = [m for name, msgs in (field_errors or {}).items() if name not in known for m in msgs]
    return {
        "task": task, "work": work, "computation": work.due_computation or {}, "countdown": countdown,
        "overdue": countdown.overdue,
        "is_open": is_open, "step_label": STEPS.get(work.step, work.step),
        "acting_for": substitution.absent if substitution else None,
        "can_claim": is_open and may_do_step and task.owner_id is None,
        "can_release": is_open and mine and task.owner_id is not None and (
            task.owner_id == user.pk or substitution is not None or staff.role == StaffProfile.Role.LEADER),
        "can_reassign": is_open and mine and staff.role == StaffProfile.Role.LEADER,
        "can_complete": is_open and may_do_step and work.paused_at is None and (
            task.owner_id in (None, user.pk) or substitution is not None),
        # An unclaimed task is claimed and completed by the one primary button (one service call,
        # ``services.task_complete``); claiming alone stays, for an officer who wants to reserve it.
        "claims_on_complete": task.owner_id is None,
        "decision": decision, "fields": fields, "other_errors": other_errors, "error": error, "section": "queue",
        "leader_needed": is_open and mine and refusal is not None and refusal.code == "leader_required",
        "colleagues": list(unit_staff(user=user)) if mine else [],
    }


@officer_page
def task_detail(request, task_id: int):
    task, denied = _task_or_error(request, task_id)
    if denied:
        return denied
    return render(request, "workspace/task.html", task_context(request, task))


def _act(request, task_id, action, done_message):
    """Run one service for the task; on a domain error redraw the task page with its status."""
    try:
        action()
    except PAGE_ERRORS as exc:
        status, message, fields = error_parts(exc)
        task, denied = _task_or_error(request, task_id)
        if denied:
            return denied
        values = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        return render(request, "workspace/task.html",
                      task_context(request, task, values=values, field_errors=fields, error=message), status=status)
    messages.success(request, done_message)
    return redirect("work:task", task_id=task_id)


@officer_page
@require_POST
def task_claim(request, task_id: int):
    return _act(request, task_id, lambda: services.task_claim(actor=request.user, task_id=task_id),
                _("You have claimed the task."))


@officer_page
@require_POST
def task_release(request, task_id: int):
    return _act(request, task_id, lambda: services.task_release(actor=request.user, task_id=task_id),
                _("The task is back in the unit's queue."))


@officer_page
@require_POST
def task_reassign(request, task_id: int):
    username = (request.POST.get("assignee") or "").strip()
    assignee = get_user_model().objects.filter(username=username).first() if username else None

    def action():
        if assignee is None:
            raise ValidationFailed(fields={"assignee": [("required", _("Choose the officer to give the task to."))]})
        services.task_reassign(actor=request.user, task_id=task_id, assignee=assignee)

    name = (assignee.get_full_name() or assignee.get_username()) if assignee else ""
    return _act(request, task_id, action, _("The task was given to %(name)s.") % {"name": name})


@officer_page
@require_POST
def task_complete(request, task_id: int):
    task, denied = _task_or_error(request, task_id)
    if denied:
        return denied
    form_class = getattr(task.flow_task, "form_class", None)
    # What the step decides on is read before the step only when the form needs its current values
    # (a correction per field); otherwise the press goes straight to the service.
    decision = decision_for(user=request.user, work=task.work) if takes_parts(form_class) else None
    data, raw = read_posted(form_class, request.POST, parts=decision.form_parts if decision else None)
    try:
        services.task_complete(actor=request.user, task_id=task_id, data=data)
    except PAGE_ERRORS as exc:
        status, message, fields = error_parts(exc)
        task, denied = _task_or_error(request, task_id)
        if denied:
            return denied
        return render(request, "workspace/task.html",
                      task_context(request, task, values=raw, field_errors=fields, error=message, decision=decision),
                      status=status)
    messages.success(request, _("Step completed: %(title)s.") % {"title": task.work.display_title})
    return redirect(reverse("work:queue") + "?view=inbox")


@officer_page
def task_case(request, task_id: int):
    """The case page of the case a task serves."""
    task, denied = _task_or_error(request, task_id)
    if denied:
        return denied
    address = case_address(task.work.object_type, task.work.object_id)
    if address is None:
        raise Http404(_("This task's case has no page."))
    return redirect("work:case", kind=address[0], pk=address[1])
