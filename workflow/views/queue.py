"""The queue (我的单位待办) and the inbox (我的待办): filters, search, sorting and pages, updated in
place with htmx; leaders reassign several tasks at once from here."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cases.selectors.paging import QueuePaginator
from cases.models import ObjectionCase, ProcedureRule, RepairCase, StaffProfile
from deadlines.countdown import CountdownClock
from workflow import selectors, services
from workflow.dashboard import unit_staff
from workflow.models.work import task_title
from workflow.templatetags.workspace_tags import case_type_label, person_name

from .common import PAGE_ERRORS, error_parts, officer_page

PER_PAGE = 25
STEPS = {
    "prior_notice": gettext_lazy("prior notice"),
    "statement": gettext_lazy("statement and defence"),
    "decision": gettext_lazy("decision"),
    "publication": gettext_lazy("publication"),
    "respond": gettext_lazy("acknowledge a measure"),
    "feedback": gettext_lazy("feedback on a measure"),
    "lift": gettext_lazy("lift a measure"),
    "restoration": gettext_lazy("restore reputation"),
    "acceptance": gettext_lazy("acceptance check"),
    "verification": gettext_lazy("verification"),
    "approval": gettext_lazy("approval"),
    "review": gettext_lazy("review"),
    "performance_check": gettext_lazy("performance check"),
}
DUE_WINDOWS = [
    ("", gettext_lazy("any deadline")),
    ("overdue", gettext_lazy("overdue")),
    ("today", gettext_lazy("due today")),
    ("week", gettext_lazy("due this week")),
    ("7", gettext_lazy("due within 7 days")),
    ("30", gettext_lazy("due within 30 days")),
]
ORDERINGS = [
    ("due", gettext_lazy("deadline, earliest first")),
    ("-due", gettext_lazy("deadline, latest first")),
    ("-created", gettext_lazy("newest first")),
    ("created", gettext_lazy("oldest first")),
]
TRI = [("", gettext_lazy("any")), ("yes", gettext_lazy("yes")), ("no", gettext_lazy("no"))]
FILTER_KEYS = ("view", "case_type", "step", "due", "overdue", "paused", "assignee", "q", "ordering")


def _tri(value: str):
    return {"yes": True, "no": False}.get(value)


def parse_filters(params, user) -> tuple[dict, dict]:
    """(the values to redraw the filter form, the selector's keyword arguments)."""
    raw = {key: (params.get(key) or "").strip() for key in FILTER_KEYS}
    today = timezone.localdate()
    kwargs: dict = {"today": today}
    if raw["case_type"] in ProcedureRule.CaseType.values:
        kwargs["case_type"] = raw["case_type"]
    if raw["step"] in STEPS:
        kwargs["step"] = raw["step"]
    window = raw["due"]
    if window == "overdue":
        kwargs["overdue"] = True
    elif window == "today":
        kwargs["due_after"], kwargs["due_before"] = today, today
    elif window == "week":
        kwargs["due_after"], kwargs["due_before"] = today, today + dt.timedelta(days=6 - today.weekday())
    elif window in ("7", "30"):
        kwargs["due_after"], kwargs["due_before"] = today, today + dt.timedelta(days=int(window))
    if _tri(raw["overdue"]) is not None:
        kwargs["overdue"] = _tri(raw["overdue"])
    kwargs["paused"] = _tri(raw["paused"])
    if raw["view"] == "inbox":
        raw["assignee"] = "me"
    kwargs["assignee"] = raw["assignee"]
    kwargs["search"] = raw["q"][:100]
    kwargs["ordering"] = raw["ordering"] if raw["ordering"] in dict(ORDERINGS) else "due"
    return raw, kwargs


def _case_numbers(rows) -> dict:
    """Case numbers of the objections and repairs on this page: two queries, not one per row."""
    wanted: dict = {}
    for row in rows:
        wanted.setdefault(row["work__object_type"], set()).add(row["work__object_id"])
    numbers = {}
    for model in (ObjectionCase, RepairCase):
        label = model._meta.label_lower
        if label in wanted:
            for pk, number in model.objects.filter(pk__in=wanted[label]).values_list("pk", "number"):
                numbers[(label, pk)] = number
    return numbers


def _person(row: dict, prefix: str) -> str:
    return person_name(row[prefix + "first_name"], row[prefix + "last_name"], row[prefix + "username"])


def queue_rows(rows: list[dict], *, absent: set[int], numbers: dict, clock: CountdownClock) -> list[dict]:
    """What each row of the table shows, worked out here so that the template only places it: the
    labels in the reader's language, the link, the countdown (issue 21 item 3: the page costs the
    same whatever the backlog, and little per row)."""
    steps = {value: str(label) for value, label in STEPS.items()}
    link = reverse("work:task", args=[LINK_PLACEHOLDER]).replace(str(LINK_PLACEHOLDER), "{}")
    out = []
    for row in rows:
        countdown = selectors.row_countdown(row, clock)
        step, case_type, due = row["work__step"], row["work__case_type"], row["work__due"]
        out.append({
            "pk": str(row["id"]), "href": link.format(row["id"]), "step": step, "step_label": steps.get(step, step),
            "title": task_title(case_type, step, row["work__title"]), "case_type_label": case_type_label(case_type),
            "case_number": numbers.get((row["work__object_type"], row["work__object_id"])),
            "has_subject": row["work__subject_id"] is not None, "subject_name": row["work__subject__name"],
            "subject_identifier": row["work__subject__identifier"], "leader_only": row["work__leader_only"],
            "unit_name": row["work__unit__name"], "due": due and due.isoformat(),
            "provisional": row["work__due_computation__provisional"], "countdown": countdown,
            "overdue": countdown.overdue, "paused": row["work__paused_at"] is not None,
            "escalated": row["work__escalated_at"] is not None,
            "owner": _person(row, "owner__") if row["owner_id"] is not None else "",
            "acting_for": row["owner_id"] in absent,
        })
    return out


LINK_PLACEHOLDER = 987654321  # a task id no page shows: its place in the reversed URL takes each row's id


def queue_context(request, *, raw: dict, kwargs: dict) -> dict:
    user = request.user
    escalated = raw["view"] == "escalated"
    # The credit lead office's supervision list: other units' overdue tasks escalated to it (督办).
    qs = (selectors.escalated_tasks(user=user, rows=True) if escalated
          else selectors.task_queue(user=user, rows=True, **kwargs))
    paginator = QueuePaginator(qs, PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    tasks = list(page.object_list)
    absent = set(selectors.absent_colleagues(user=user))
    rows = queue_rows(tasks, absent=absent, numbers=_case_numbers(tasks), clock=CountdownClock())
    query = {k: v for k, v in raw.items() if v}
    return {
        "rows": rows, "page": page, "paginator": paginator, "filters": raw,
        "query": urlencode(query), "is_leader": user.staff.role == StaffProfile.Role.LEADER and not escalated,
        "case_types": ProcedureRule.CaseType.choices, "steps": list(STEPS.items()), "due_windows": DUE_WINDOWS,
        "orderings": ORDERINGS, "tri": TRI, "colleagues": list(unit_staff(user=user)),
        "inbox": raw["view"] == "inbox", "escalated_view": escalated,
        "section": raw["view"] if raw["view"] in ("inbox", "escalated") else "queue", "absent_names": sorted(
            (u.get_full_name() or u.get_username()) for u in get_user_model().objects.filter(pk__in=absent)),
    }


@officer_page
def queue(request):
    raw, kwargs = parse_filters(request.GET, request.user)
    context = queue_context(request, raw=raw, kwargs=kwargs)
    if request.htmx and request.htmx.target == "queue-results":
        return render(request, "workspace/_queue_results.html", context)
    return render(request, "workspace/queue.html", context)


def _back(request) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/work/"


@officer_page
@require_POST
def bulk_reassign(request):
    """A leader gives the ticked tasks to one officer: all of them or none."""
    ids = [i for i in request.POST.getlist("tasks") if i.isdigit()]
    username = (request.POST.get("assignee") or "").strip()
    assignee = get_user_model().objects.filter(username=username).first() if username else None
    try:
        if assignee is None:
            from cases.errors import ValidationFailed

            raise ValidationFailed(fields={"assignee": [("required", _("Choose the officer to give the tasks to."))]})
        done = services.task_reassign_many(actor=request.user, task_ids=ids, assignee=assignee)
    except PAGE_ERRORS as exc:
        status, message, fields = error_parts(exc)
        raw, kwargs = parse_filters(request.GET, request.user)
        context = queue_context(request, raw=raw, kwargs=kwargs)
        context.update({"error": message, "field_errors": fields})
        return render(request, "workspace/queue.html", context, status=status)
    messages.success(request, _("%(count)s tasks reassigned to %(name)s.") % {
        "count": len(done), "name": assignee.get_full_name() or assignee.get_username()})
    return redirect(_back(request))
