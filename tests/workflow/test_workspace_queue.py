"""The officers' workspace pages (经办人工作台): the queue and inbox with filters, search, sorting and
pages; claim, release and complete a step with its form; denials for everyone else."""

import pytest
from django.test import Client

from cases.audit.models import AuditEvent
from cases.models import ListEntry
from workflow.models import WorkItem

from .test_listing_through_the_api import draft

pytestmark = pytest.mark.django_db


def browser_for(user, language="zh-hans"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def open_task(entry_id, step):
    return WorkItem.objects.get(object_type="cases.listentry", object_id=entry_id, step=step, is_open=True).task_id


@pytest.fixture
def drafted(province, as_user):
    """Two drafted entries: two prior-notice tasks in the listing unit's queue."""
    first = draft(as_user(province["officer"]), province)
    from tests.factories import SubjectFactory

    other = SubjectFactory(name="队列测试第二公司")
    second = draft(as_user(province["officer"]), {**province, "subject": other})
    return first["id"], second["id"]


def test_the_queue_lists_the_units_tasks_with_deadline_days_left_and_status(province, drafted):
    page = browser_for(province["officer"]).get("/work/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "工作台" in html and "事先告知" in html
    assert province["subject"].name in html and "队列测试第二公司" in html
    assert html.count('class="task-row') == 2


def test_overdue_tasks_are_red_and_paused_ones_say_paused(province, drafted):
    officer = browser_for(province["officer"])
    first, second = drafted
    import datetime as dt

    from django.utils import timezone

    WorkItem.objects.filter(task_id=open_task(first, "prior_notice")).update(due=dt.date(2026, 1, 5),
                                                                              due_unit="WORKING_DAYS")
    WorkItem.objects.filter(task_id=open_task(second, "prior_notice")).update(paused_at=timezone.now())
    html = officer.get("/work/").content.decode()
    assert 'class="task-row overdue"' in html and "已逾期" in html
    assert "badge-paused" in html and "已暂停" in html
    only_overdue = officer.get("/work/", {"due": "overdue"}).content.decode()
    assert only_overdue.count('class="task-row') == 1
    only_paused = officer.get("/work/", {"paused": "yes"}).content.decode()
    assert only_paused.count('class="task-row') == 1 and "队列测试第二公司" in only_paused


def test_filters_search_and_sorting(province, drafted):
    officer = browser_for(province["officer"])
    by_name = officer.get("/work/", {"q": "队列测试第二"}).content.decode()
    assert by_name.count('class="task-row') == 1 and "队列测试第二公司" in by_name
    by_code = officer.get("/work/", {"q": province["subject"].identifier}).content.decode()
    assert by_code.count('class="task-row') == 1 and province["subject"].name in by_code
    assert officer.get("/work/", {"step": "decision"}).content.decode().count('class="task-row') == 0
    assert officer.get("/work/", {"case_type": "LIST_ENTRY", "ordering": "-created"}).content.decode() \
        .count('class="task-row') == 2
    assert officer.get("/work/", {"assignee": "none"}).content.decode().count('class="task-row') == 2
    assert officer.get("/work/", {"view": "inbox"}).content.decode().count('class="task-row') == 0


def test_htmx_asks_only_for_the_results(province, drafted):
    partial = browser_for(province["officer"]).get("/work/", {"q": "队列测试"}, HTTP_HX_REQUEST="true",
                                                   HTTP_HX_TARGET="queue-results")
    html = partial.content.decode()
    assert partial.status_code == 200 and "<html" not in html and 'id="queue-table"' in html


def test_pages_of_25(province, as_user):
    from tests.factories import SubjectFactory

    officer = as_user(province["officer"])
    for i in range(27):
        draft(officer, {**province, "subject": SubjectFactory(name=f"分页公司{i:02d}")})
    client = browser_for(province["officer"])
    first = client.get("/work/").content.decode()
    assert first.count('class="task-row') == 25 and "第 1 / 2 页" in first
    assert client.get("/work/", {"page": 2}).content.decode().count('class="task-row') == 2


def test_claim_then_complete_the_step_with_its_form(province, drafted):
    officer = browser_for(province["officer"])
    task_id = open_task(drafted[0], "prior_notice")
    page = officer.get(f"/work/tasks/{task_id}/").content.decode()
    assert "送达日期" in page and "认领" in page
    assert officer.post(f"/work/tasks/{task_id}/claim/").status_code == 302
    assert AuditEvent.objects.filter(action="task.claim", actor=province["officer"]).count() == 1
    inbox = officer.get("/work/", {"view": "inbox"}).content.decode()
    assert inbox.count('class="task-row') == 1
    done = officer.post(f"/work/tasks/{task_id}/complete/", {"served_on": "2026-09-01"})
    assert done.status_code == 302
    entry = ListEntry.objects.get(pk=drafted[0])
    assert entry.state == ListEntry.State.NOTICE_SENT
    assert WorkItem.objects.filter(object_id=entry.pk, step="statement", is_open=True).exists()


def test_a_bad_form_is_a_400_with_the_field_message_in_chinese_and_nothing_changes(province, drafted):
    leader = browser_for(province["leader"])
    officer = browser_for(province["officer"])
    officer.post(f"/work/tasks/{open_task(drafted[0], 'prior_notice')}/complete/", {"served_on": "2026-09-01"})
    officer.post(f"/work/tasks/{open_task(drafted[0], 'statement')}/complete/", {"statement": "陈述"})
    decision = open_task(drafted[0], "decision")
    response = leader.post(f"/work/tasks/{decision}/complete/", {"approve": "false"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "请说明不予列入的理由" in html or "理由" in html
    assert 'id="error-reason"' in html
    assert ListEntry.objects.get(pk=drafted[0]).state == ListEntry.State.UNDER_REVIEW
    assert WorkItem.objects.get(task_id=decision).is_open
    missing = leader.post(f"/work/tasks/{decision}/complete/", {}, HTTP_ACCEPT_LANGUAGE="en")
    assert missing.status_code == 400 and 'id="error-approve"' in missing.content.decode()


def test_an_officer_cannot_do_a_leaders_step(province, drafted):
    officer = browser_for(province["officer"])
    officer.post(f"/work/tasks/{open_task(drafted[0], 'prior_notice')}/complete/", {"served_on": "2026-09-01"})
    officer.post(f"/work/tasks/{open_task(drafted[0], 'statement')}/complete/", {"statement": "陈述"})
    decision = open_task(drafted[0], "decision")
    assert "须由单位负责人办理" in officer.get(f"/work/tasks/{decision}/").content.decode()
    assert officer.post(f"/work/tasks/{decision}/complete/", {"approve": "true"}).status_code == 403


def test_release_puts_the_task_back(province, drafted):
    officer = browser_for(province["officer"])
    task_id = open_task(drafted[0], "prior_notice")
    officer.post(f"/work/tasks/{task_id}/claim/")
    other = browser_for(province["officer2"])
    claimed = other.post(f"/work/tasks/{task_id}/complete/", {"served_on": "2026-09-01"})
    assert claimed.status_code == 409 and "已认领" in claimed.content.decode()
    assert other.post(f"/work/tasks/{task_id}/release/").status_code == 403
    assert officer.post(f"/work/tasks/{task_id}/release/").status_code == 302
    assert WorkItem.objects.get(task_id=task_id).task.owner_id is None
    assert AuditEvent.objects.filter(action="task.release").count() == 1


# --- denials, through the pages -----------------------------------------------------------------

def test_another_units_officer_never_sees_the_tasks_or_the_case(province, drafted):
    outsider = browser_for(province["outsider"])
    queue = outsider.get("/work/").content.decode()
    assert 'class="task-row' not in queue and province["subject"].name not in queue
    assert outsider.get("/work/", {"q": province["subject"].identifier}).content.decode().count('class="task-row') == 0
    task_id = open_task(drafted[0], "prior_notice")
    assert outsider.get(f"/work/tasks/{task_id}/").status_code == 403
    assert outsider.post(f"/work/tasks/{task_id}/claim/").status_code == 403
    assert outsider.post(f"/work/tasks/{task_id}/complete/", {"served_on": "2026-09-01"}).status_code == 403
    assert outsider.get(f"/work/cases/entry/{drafted[0]}/").status_code == 404
    assert outsider.get(f"/work/tasks/{task_id}/case/").status_code == 403
    assert ListEntry.objects.get(pk=drafted[0]).state == ListEntry.State.DRAFT


def test_auditors_and_anonymous_visitors_have_no_workspace(province, drafted):
    assert browser_for(province["auditor"]).get("/work/").status_code == 403
    assert browser_for(province["auditor"]).post(f"/work/tasks/{open_task(drafted[0], 'prior_notice')}/claim/") \
        .status_code == 403
    anonymous = Client().get("/work/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_a_missing_task_is_404(province):
    assert browser_for(province["officer"]).get("/work/tasks/999999/").status_code == 404


def test_the_queue_page_costs_the_same_queries_for_3_rows_as_for_25(province, as_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import SubjectFactory

    officer = as_user(province["officer"])
    client = browser_for(province["officer"])
    for i in range(3):
        draft(officer, {**province, "subject": SubjectFactory(name=f"查询数公司{i:02d}")})
    client.get("/work/")  # warm the session and the calendar cache
    with CaptureQueriesContext(connection) as few:
        client.get("/work/")
    for i in range(3, 30):
        draft(officer, {**province, "subject": SubjectFactory(name=f"查询数公司{i:02d}")})
    with CaptureQueriesContext(connection) as many:
        assert client.get("/work/").content.decode().count('class="task-row') == 25
    assert len(many.captured_queries) <= len(few.captured_queries), [q["sql"] for q in many.captured_queries]


def test_the_credit_lead_office_reads_the_tasks_escalated_to_it_without_acting_on_them(province, drafted):
    from workflow import services, timers

    services.task_complete(actor=province["officer"], task_id=open_task(drafted[0], "prior_notice"),
                           data={"served_on": "2026-09-01"})
    statement = open_task(drafted[0], "statement")  # its window closed long ago
    assert timers.escalate_overdue() == 1
    lead = browser_for(province["lead_officer"])
    page = lead.get("/work/", {"view": "escalated"}).content.decode()
    assert page.count('class="task-row') == 1 and province["listing"].name in page and "badge-escalated" in page
    assert lead.get("/work/").content.decode().count('class="task-row') == 0  # not in its own queue
    task_page = lead.get(f"/work/tasks/{statement}/")
    assert task_page.status_code == 200 and 'id="complete-form"' not in task_page.content.decode()
    assert lead.post(f"/work/tasks/{statement}/complete/", {"statement": "x"}).status_code == 403
    assert browser_for(province["outsider"]).get("/work/", {"view": "escalated"}).content.decode() \
        .count('class="task-row') == 0


def test_messages_are_english_when_asked(province, drafted):
    task_id = open_task(drafted[0], "prior_notice")
    browser_for(province["officer"]).post(f"/work/tasks/{task_id}/claim/")
    other = browser_for(province["officer2"], language="en")
    conflict = other.post(f"/work/tasks/{task_id}/complete/", {"served_on": "2026-09-01"})
    assert conflict.status_code == 409
    assert f"Another officer ({province['officer'].username}) has claimed this task." in conflict.content.decode()
    assert "Queue of" in other.get("/work/").content.decode()
