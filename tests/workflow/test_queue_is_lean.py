"""The queue page and the task list cost the same whatever the backlog (issue 21 item 3): a fixed
number of queries however many rows the page shows, and the lean row serializer says exactly what
the declared DRF fields say."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import serializers
from viewflow.workflow.models import Task

from cases.api.countdown import CountdownSerializer, countdown_data
from deadlines.countdown import CountdownClock
from tests.factories import SubjectFactory
from workflow import selectors
from workflow.api import TaskDetailSerializer, TaskSerializer
from workflow.models import Substitution, WorkItem

from .test_listing_through_the_api import draft

pytestmark = pytest.mark.django_db


def add_tasks(province, as_user, n):
    """``n`` prior-notice tasks in the listing unit's queue, of every kind a row draws: claimed by
    the officer or by a colleague, paused, escalated, late on a working-day rule, provisional, none."""
    officer = as_user(province["officer"])
    for _ in range(n):
        draft(officer, {**province, "subject": SubjectFactory()})
    items = list(WorkItem.objects.filter(unit=province["listing"], is_open=True).order_by("task_id"))
    for k, work in enumerate(items):
        if k % 5 == 1:
            Task.objects.filter(pk=work.task_id).update(owner=province["officer2"], status="ASSIGNED")
        if k % 5 == 2:
            Task.objects.filter(pk=work.task_id).update(owner=province["officer"], status="ASSIGNED")
        changes = {}
        if k % 4 == 0:
            changes.update(due=timezone.localdate() - dt.timedelta(days=9), due_unit="WORKING_DAYS",
                           escalated_at=timezone.now(), escalated_to=province["lead"])
        if k % 6 == 3:
            changes["paused_at"] = timezone.now() - dt.timedelta(days=2)
        if k % 7 == 5:
            changes["due_computation"] = {**work.due_computation, "provisional": True}
        if k % 9 == 8:
            changes.update(due=None, due_unit="")
        if changes:
            WorkItem.objects.filter(pk=work.pk).update(**changes)


def browser(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


PAGES = [  # (who, path, rows expected at 10 and at 60 tasks)
    ("officer", "/work/", (10, 25)),
    ("officer", "/work/?view=inbox", None),
    ("leader", "/work/?ordering=-due", (10, 25)),
    ("lead_officer", "/work/?view=escalated", None),
    ("officer", "/api/v1/tasks/?ordering=due", (10, 50)),
    ("lead_officer", "/api/v1/tasks/escalated/", None),
]


def queries_of_every_page(province) -> dict:
    out = {}
    for who, path, _rows in PAGES:
        client = browser(province[who])
        client.get(path)  # sessions, the calendar: whatever a first request sets up
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, (who, path)
        body = response.content.decode()
        shown = len(response.json()["results"]) if path.startswith("/api/") else body.count('class="task-row')
        out[(who, path)] = (len(captured), shown)
    return out


def test_the_queue_runs_as_many_queries_for_60_tasks_as_for_10(province, as_user):
    Substitution.objects.create(unit=province["listing"], absent=province["officer2"], substitute=province["officer"],
                                starts_on=timezone.localdate(), ends_on=timezone.localdate() + dt.timedelta(days=5),
                                reason="出差", created_by=province["leader"])
    add_tasks(province, as_user, 10)
    few = queries_of_every_page(province)
    add_tasks(province, as_user, 50)
    many = queries_of_every_page(province)
    for who, path, rows in PAGES:
        if rows is not None:
            assert (few[(who, path)][1], many[(who, path)][1]) == rows, (who, path)
        else:
            assert 0 < few[(who, path)][1] < many[(who, path)][1], (who, path, few, many)
        assert few[(who, path)][0] == many[(who, path)][0], (who, path, few[(who, path)], many[(who, path)])


def test_a_row_says_what_the_declared_fields_say(province, as_user):
    """The lean path (rows from the selectors' ``rows=True``, a dict per row) against DRF's own, field by
    field over the declared fields, on tasks of every kind; and the detail has every declared field."""
    add_tasks(province, as_user, 12)
    user = province["officer"]
    tasks = list(selectors.task_queue(user=user))
    rows = list(selectors.task_queue(user=user, rows=True))
    assert [r["id"] for r in rows] == [t.pk for t in tasks]
    context = {"countdown_clock": CountdownClock()}
    lean = TaskSerializer(rows, many=True, context=context).data
    reference = TaskSerializer(context=context)
    expected = [serializers.Serializer.to_representation(reference, task) for task in tasks]
    assert [dict(r) for r in lean] == [dict(e) for e in expected]
    assert {r["paused"] for r in lean} == {True, False} and {r["owner"] is None for r in lean} == {True, False}
    assert {r["due_provisional"] for r in lean} == {True, False} and any(r["escalated_at"] for r in lean)
    detail = TaskDetailSerializer(selectors.task_for(user=user, task_id=tasks[0].pk)).data
    assert list(detail) == list(TaskDetailSerializer().fields)
    assert detail["due_computation"] == WorkItem.objects.get(pk=tasks[0].pk).due_computation


def test_countdown_data_is_what_the_countdown_serializer_gives(province):
    clock = CountdownClock()
    today = clock.today
    for due, unit, paused, paused_on, done in [
        (today + dt.timedelta(days=9), "WORKING_DAYS", False, None, False),
        (today, "CALENDAR_DAYS", False, None, False),
        (today - dt.timedelta(days=4), "WORKING_DAYS", False, None, False),
        (today + dt.timedelta(days=3), "MONTHS", True, today - dt.timedelta(days=1), False),
        (today + dt.timedelta(days=3), "CALENDAR_DAYS", True, None, False),
        (None, "CALENDAR_DAYS", False, None, False),
        (today, "WORKING_DAYS", False, None, True),
    ]:
        countdown = clock(due=due, unit=unit, paused=paused, paused_on=paused_on, done=done)
        assert countdown_data(countdown) == dict(CountdownSerializer(countdown.as_dict()).data), countdown


def test_the_first_page_by_deadline_is_read_in_index_order_with_a_tie_break(province, as_user):
    """(unit, due, task) WHERE open serves the page's whole order: no sort of the unit's backlog, and
    tasks sharing a due date come in the order of their ids on every page."""
    add_tasks(province, as_user, 12)
    same_day = dt.date(2026, 6, 30)  # any one day: the order is what is tested
    WorkItem.objects.filter(unit=province["listing"], is_open=True).update(due=same_day)
    queue = selectors.task_queue(user=province["officer"], ordering="due", rows=True)
    ids = [row["id"] for row in queue]
    assert ids == sorted(ids)
    first, second = [row["id"] for row in queue[:5]], [row["id"] for row in queue[5:10]]
    assert first + second == ids[:10]
    sql, params = queue.all()[:50].query.sql_with_params()
    with connection.cursor() as cursor:
        # A 12-row table would be read whole and a 1-row estimate sorted anyway: with both made dear,
        # the plan has no Sort only if the index gives the page's whole order.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(line for (line,) in cursor.fetchall())
    assert "work_open_by_unit_due" in plan, plan
    assert "Sort" not in plan, plan


def test_the_queue_counts_up_to_its_cap_and_says_when_more_are_open(province, as_user, monkeypatch):
    """The COUNT of a huge backlog is bounded (at most cap + 1 rows read); the API says
    ``count_capped`` and the workspace says "more than"; below the cap the count is exact."""
    from cases.selectors.paging import QueuePaginator

    add_tasks(province, as_user, 12)
    officer = as_user(province["officer"])
    exact = officer.get("/api/v1/tasks/").json()
    assert (exact["count"], exact["count_capped"]) == (12, False)
    monkeypatch.setattr(QueuePaginator, "cap", 5)
    capped = officer.get("/api/v1/tasks/?page_size=3&page=2").json()
    assert (capped["count"], capped["count_capped"]) == (5, True)
    assert len(capped["results"]) == 2  # pages end at the cap: filter the queue to see past it
    page = browser(province["officer"]).get("/work/").content.decode()
    assert "待办任务：超过 5 件" in page
