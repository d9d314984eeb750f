"""Leaders reassign one task or many; substitutes (代理) act for an absent officer within their
window, recorded as "acting for"; two officers completing one task through the pages: one wins,
the other sees a clear 409."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from cases.audit.models import AuditEvent
from cases.audit.verify import verify
from cases.models import ListEntry
from tests.factories import LeaderFactory, SubjectFactory
from workflow import services
from workflow.models import Substitution, WorkItem

from .test_listing_through_the_api import draft
from .test_workspace_queue import browser_for, open_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(province, as_user):
    officer = as_user(province["officer"])
    return [draft(officer, {**province, "subject": SubjectFactory(name=f"改派测试公司{i}")})["id"] for i in range(3)]


def test_a_leader_reassigns_one_task(province, three):
    task_id = open_task(three[0], "prior_notice")
    leader = browser_for(province["leader"])
    assert "改派给" in leader.get(f"/work/tasks/{task_id}/").content.decode()
    response = leader.post(f"/work/tasks/{task_id}/reassign/", {"assignee": province["officer2"].username})
    assert response.status_code == 302
    assert WorkItem.objects.get(pk=task_id).task.owner == province["officer2"]
    event = AuditEvent.objects.get(action="task.reassign")
    assert event.actor == province["leader"] and event.changes["owner"] == [None, province["officer2"].username]


def test_reassigning_to_someone_outside_the_unit_is_a_400_field_message(province, three):
    task_id = open_task(three[0], "prior_notice")
    response = browser_for(province["leader"]).post(f"/work/tasks/{task_id}/reassign/",
                                                    {"assignee": province["outsider"].username})
    assert response.status_code == 400
    assert WorkItem.objects.get(pk=task_id).task.owner_id is None


def test_officers_may_not_reassign(province, three):
    task_id = open_task(three[0], "prior_notice")
    officer = browser_for(province["officer"])
    assert officer.post(f"/work/tasks/{task_id}/reassign/", {"assignee": province["officer2"].username}) \
        .status_code == 403
    assert officer.post("/work/reassign/", {"tasks": [task_id], "assignee": province["officer2"].username}) \
        .status_code == 403
    assert WorkItem.objects.get(pk=task_id).task.owner_id is None


def test_a_leader_bulk_reassigns_the_ticked_tasks(province, three):
    ids = [open_task(e, "prior_notice") for e in three[:2]]
    leader = browser_for(province["leader"])
    queue = leader.get("/work/").content.decode()
    assert 'name="tasks"' in queue and "改派所选任务" in queue
    response = leader.post("/work/reassign/", {"tasks": ids, "assignee": province["officer2"].username,
                                               "next": "/work/?q=改派"})
    assert response.status_code == 302 and response["Location"].startswith("/work/?q=")
    owners = {w.task.owner for w in WorkItem.objects.filter(pk__in=ids)}
    assert owners == {province["officer2"]}
    assert WorkItem.objects.get(pk=open_task(three[2], "prior_notice")).task.owner_id is None
    inbox = browser_for(province["officer2"]).get("/work/", {"view": "inbox"}).content.decode()
    assert inbox.count('class="task-row') == 2


def test_bulk_reassign_is_all_or_nothing(province, three):
    ids = [open_task(e, "prior_notice") for e in three[:2]]
    services.task_complete(actor=province["officer"], task_id=ids[1], data={"served_on": "2026-09-01"})
    response = browser_for(province["leader"]).post("/work/reassign/", {"tasks": ids,
                                                                        "assignee": province["officer2"].username})
    assert response.status_code == 409
    assert f"任务 {ids[1]} 已被他人办结或取消" in response.content.decode()
    assert WorkItem.objects.get(pk=ids[0]).task.owner_id is None
    assert not AuditEvent.objects.filter(action="task.reassign").exists()


def test_bulk_reassign_needs_tasks_and_an_assignee(province, three):
    leader = browser_for(province["leader"])
    assert leader.post("/work/reassign/", {"tasks": [], "assignee": province["officer2"].username}).status_code == 400
    no_one = leader.post("/work/reassign/", {"tasks": [open_task(three[0], "prior_notice")]})
    assert no_one.status_code == 400 and "请选择接收任务的经办人" in no_one.content.decode()


# --- substitutes ---------------------------------------------------------------------------------

def designate(province, **overrides):
    today = timezone.localdate()
    body = {"absent": province["officer"].username, "substitute": province["officer2"].username,
            "starts_on": today.isoformat(), "ends_on": (today + dt.timedelta(days=5)).isoformat(),
            "reason": "出差", **overrides}
    return browser_for(province["leader"]).post("/work/substitutes/", body)


def test_a_substitute_sees_and_completes_the_absent_officers_task_recorded_as_acting_for(province, three):
    absent, substitute = province["officer"], province["officer2"]
    task_id = open_task(three[0], "prior_notice")
    browser_for(absent).post(f"/work/tasks/{task_id}/claim/")
    assert designate(province).status_code == 302
    page = browser_for(substitute).get("/work/substitutes/").content.decode()
    assert "出差" in page
    inbox = browser_for(substitute).get("/work/", {"view": "inbox"}).content.decode()
    assert inbox.count('class="task-row') == 1 and "由您代理" in inbox and 'id="acting-note"' in inbox
    task_page = browser_for(substitute).get(f"/work/tasks/{task_id}/").content.decode()
    assert 'id="acting-for"' in task_page and 'id="complete-form"' in task_page
    done = browser_for(substitute).post(f"/work/tasks/{task_id}/complete/", {"served_on": "2026-09-01"})
    assert done.status_code == 302
    assert ListEntry.objects.get(pk=three[0]).state == ListEntry.State.NOTICE_SENT
    chain = f"cases.listentry:{three[0]}"
    completion = AuditEvent.objects.get(chain=chain, action="task.complete")
    notice = AuditEvent.objects.get(chain=chain, action="entry.send_notice")
    for event in (completion, notice):
        assert event.actor == substitute and event.on_behalf_of == absent
    assert AuditEvent.objects.filter(action="substitution.designate", actor=province["leader"]).exists()
    case_page = browser_for(substitute).get(f"/work/cases/entry/{three[0]}/").content.decode()
    assert "代理" in case_page and "acting-for" in case_page
    assert verify().ok


def test_outside_the_window_the_substitute_cannot_act(province, three):
    absent, substitute = province["officer"], province["officer2"]
    task_id = open_task(three[0], "prior_notice")
    browser_for(absent).post(f"/work/tasks/{task_id}/claim/")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert designate(province, starts_on=tomorrow.isoformat()).status_code == 302
    assert browser_for(substitute).get("/work/", {"view": "inbox"}).content.decode().count('class="task-row') == 0
    response = browser_for(substitute).post(f"/work/tasks/{task_id}/complete/", {"served_on": "2026-09-01"})
    assert response.status_code == 409
    assert ListEntry.objects.get(pk=three[0]).state == ListEntry.State.DRAFT


def test_an_ended_substitution_stops_the_acting(province, three):
    absent, substitute = province["officer"], province["officer2"]
    task_id = open_task(three[0], "prior_notice")
    browser_for(absent).post(f"/work/tasks/{task_id}/claim/")
    designate(province)
    substitution = Substitution.objects.get()
    assert browser_for(substitute).post(f"/work/substitutes/{substitution.pk}/end/").status_code == 403
    assert browser_for(province["leader"]).post(f"/work/substitutes/{substitution.pk}/end/").status_code == 302
    assert browser_for(substitute).post(f"/work/tasks/{task_id}/complete/", {"served_on": "2026-09-01"}) \
        .status_code == 409
    again = browser_for(province["leader"]).post(f"/work/substitutes/{substitution.pk}/end/")
    assert again.status_code == 409


def test_designation_rules_are_field_messages(province, three):
    today = timezone.localdate()
    assert "请填写不在岗原因" in designate(province, reason="").content.decode()
    backwards = designate(province, ends_on=(today - dt.timedelta(days=3)).isoformat())
    assert backwards.status_code == 400 and "截止日期不能早于起始日期" in backwards.content.decode()
    outsider = designate(province, substitute=province["outsider"].username)
    assert outsider.status_code == 400 and "请选择本单位的工作人员" in outsider.content.decode()
    self_sub = designate(province, substitute=province["officer"].username)
    assert self_sub.status_code == 400
    rank = designate(province, absent=province["leader"].username)
    assert rank.status_code == 400 and "负责人的代理人须为负责人" in rank.content.decode()
    bad_date = designate(province, starts_on="2026-13-40")
    assert bad_date.status_code == 400 and "请输入有效日期" in bad_date.content.decode()
    assert designate(province).status_code == 302
    overlap = designate(province, substitute=LeaderFactory(unit=province["listing"]).username)
    assert overlap.status_code == 400 and "已有代理人" in overlap.content.decode()
    officer_tries = browser_for(province["officer2"]).post("/work/substitutes/", {
        "absent": province["officer"].username, "substitute": province["officer2"].username,
        "starts_on": today.isoformat(), "ends_on": today.isoformat(), "reason": "病假"})
    assert officer_tries.status_code == 403
    assert Substitution.objects.count() == 1


def test_a_leader_of_another_unit_cannot_end_this_units_substitution(province, three):
    designate(province)
    substitution = Substitution.objects.get()
    assert browser_for(province["outsider_leader"]).post(f"/work/substitutes/{substitution.pk}/end/") \
        .status_code == 404
    assert Substitution.objects.get().ended_at is None


# --- two officers, one task ----------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_two_officers_completing_one_task_through_the_pages_one_wins_the_other_sees_409(province, as_user):
    entry = draft(as_user(province["officer"]), province)["id"]
    task_id = open_task(entry, "prior_notice")
    clients = [browser_for(province["officer"]), browser_for(province["officer2"])]
    barrier = threading.Barrier(2)
    responses = [None, None]

    def post(i):
        try:
            barrier.wait()
            responses[i] = clients[i].post(f"/work/tasks/{task_id}/complete/", {"served_on": f"2026-09-0{i + 1}"})
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    codes = sorted(r.status_code for r in responses)
    assert codes == [302, 409]
    loser = next(r for r in responses if r.status_code == 409).content.decode()
    assert 'id="page-error"' in loser and ("已办结" in loser or "已认领" in loser or "其他" in loser)
    chain = f"cases.listentry:{entry}"
    assert AuditEvent.objects.filter(chain=chain, action="task.complete").count() == 1
    assert AuditEvent.objects.filter(chain=chain, action="entry.send_notice").count() == 1


def test_the_demo_substitute_finds_the_absent_officers_task_in_the_inbox():
    import io

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from workflow.selectors import task_queue

    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo_cases", stdout=io.StringIO())
    standing_in = get_user_model().objects.get(username="ls-tax-officer2")
    inbox = list(task_queue(user=standing_in, assignee="me"))
    assert [t.owner.username for t in inbox] == ["ls-tax-officer"]
    assert "外出参加信用体系建设培训" in browser_for(standing_in).get("/work/substitutes/").content.decode()
