"""The task queue is scoped to the unit a task is routed to: denials first, then the grants
(claim, release, reassign by a leader, filters)."""

import pytest

from cases.audit.models import AuditEvent

from .test_listing_through_the_api import complete, draft, only_task, queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def noticed(province, as_user):
    officer = as_user(province["officer"])
    entry = draft(officer, province)
    task = only_task(officer, "prior_notice")
    return entry, task


def test_another_units_officer_never_sees_the_task_and_gets_403_on_every_step(province, as_user, noticed):
    entry, task = noticed
    for who in ("outsider", "outsider_leader", "officer_a"):
        client = as_user(province[who])
        assert queue(client) == []
        for action, body in (("claim", {}), ("release", {}), ("complete", {"served_on": "2026-09-01"}),
                             ("reassign", {"assignee": province[who].username})):
            response = client.post(f"/api/v1/tasks/{task['id']}/{action}/", body, format="json")
            assert response.status_code == 403, (who, action, response.json())
            assert response.json()["code"] == "wrong_unit"
        assert client.get(f"/api/v1/tasks/{task['id']}/").status_code == 403
        assert client.get(f"/api/v1/entries/{entry['id']}/").status_code == 404
        assert client.post(f"/api/v1/entries/{entry['id']}/withdraw/", {"reason": "x"}, format="json").status_code == 404
    assert only_task(as_user(province["officer"]), "prior_notice")["status"] == "NEW"
    assert not AuditEvent.objects.filter(action__in=["task.claim", "task.complete"]).exists()


def test_an_auditor_reads_tasks_in_scope_but_cannot_act(province, as_user, noticed):
    _, task = noticed
    auditor = as_user(province["auditor"])
    assert auditor.get(f"/api/v1/tasks/{task['id']}/").status_code == 200
    assert auditor.post(f"/api/v1/tasks/{task['id']}/claim/").status_code == 403
    # The list agrees with the detail: what an auditor may open, the list shows (issue 17).
    assert [t["id"] for t in queue(auditor)] == [task["id"]]
    assert queue(auditor, assignee="me") == []


def test_an_auditor_outside_the_region_lists_no_task_and_opens_none(province, as_user, noticed):
    from tests.factories import AuditorFactory, RegionFactory, UnitFactory

    _, task = noticed
    elsewhere = as_user(AuditorFactory(unit=UnitFactory(region=RegionFactory())))
    assert queue(elsewhere) == []
    assert elsewhere.get(f"/api/v1/tasks/{task['id']}/").status_code == 403


def test_unauthenticated_gets_nothing(province, noticed):
    from rest_framework.test import APIClient

    response = APIClient().get("/api/v1/tasks/")
    assert response.status_code in (401, 403)


def test_claim_release_and_a_second_officer_is_refused_a_claimed_task(province, as_user, noticed):
    _, task = noticed
    first, second = as_user(province["officer"]), as_user(province["officer2"])
    claimed = first.post(f"/api/v1/tasks/{task['id']}/claim/").json()
    assert (claimed["status"], claimed["owner"]) == ("ASSIGNED", province["officer"].username)
    response = second.post(f"/api/v1/tasks/{task['id']}/claim/")
    assert response.status_code == 409 and response.json()["code"] == "task_claimed"
    response = second.post(f"/api/v1/tasks/{task['id']}/complete/", {"served_on": "2026-09-01"}, format="json")
    assert response.status_code == 409
    assert second.post(f"/api/v1/tasks/{task['id']}/release/").status_code == 403
    released = first.post(f"/api/v1/tasks/{task['id']}/release/").json()
    assert (released["status"], released["owner"]) == ("NEW", None)
    assert second.post(f"/api/v1/tasks/{task['id']}/claim/").status_code == 200


def test_only_a_leader_reassigns_and_only_within_the_unit(province, as_user, noticed):
    _, task = noticed
    officer, leader = as_user(province["officer"]), as_user(province["leader"])
    response = officer.post(f"/api/v1/tasks/{task['id']}/reassign/", {"assignee": province["officer2"].username}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "leader_required"
    response = leader.post(f"/api/v1/tasks/{task['id']}/reassign/", {"assignee": province["outsider"].username}, format="json")
    assert response.status_code == 400 and "assignee" in response.json()["fields"]
    body = leader.post(f"/api/v1/tasks/{task['id']}/reassign/", {"assignee": province["officer2"].username}, format="json").json()
    assert body["owner"] == province["officer2"].username
    assert [t["id"] for t in queue(as_user(province["officer2"]), assignee="me")] == [task["id"]]
    assert queue(officer, assignee="me") == []
    event = AuditEvent.objects.get(action="task.reassign")
    assert event.changes["owner"] == [None, province["officer2"].username]


def test_queue_filters_by_step_case_type_due_and_overdue(province, as_user):
    officer, leader = as_user(province["officer"]), as_user(province["leader"])
    draft(officer, province)
    second = draft(officer, province)
    complete(officer, [t for t in queue(officer) if t["case"]["id"] == second["id"]][0]["id"], {"served_on": "2026-09-01"})
    assert {t["step"] for t in queue(officer)} == {"prior_notice", "statement"}
    assert [t["step"] for t in queue(officer, step="statement")] == ["statement"]
    assert queue(officer, case_type="OBJECTION") == []
    overdue = queue(officer, overdue="true")
    assert [t["step"] for t in overdue] == ["statement"] and overdue[0]["overdue"] is True
    assert overdue[0]["days_left"] < 0
    assert [t["step"] for t in queue(officer, due_before="2026-09-30")] == ["statement"]
    assert queue(officer, due_after="2026-09-09") == []
    assert len(queue(officer, search=province["subject"].identifier)) == 2
    assert [t["step"] for t in queue(officer, ordering="due")][0] == "statement", "dated tasks first"
    response = officer.get("/api/v1/tasks/", {"due_before": "not-a-date"})
    assert response.status_code == 400 and "due_before" in response.json()["fields"]
    assert queue(leader, step="statement")


def test_a_cases_tasks_are_found_by_its_reference_or_number(province, as_user):
    from cases.models import ListEntry, ObjectionCase
    from tests.workflow.test_listing_through_the_api import list_through_api, queue
    from tests.workflow.test_objections import file_on_portal

    entry = ListEntry.objects.get(pk=list_through_api(province, as_user)["id"])
    number = file_on_portal(province, entry).json()["number"]
    case = ObjectionCase.objects.get(number=number)
    officer = as_user(province["officer"])
    for ref in (f"objection:{case.pk}", f"cases.objectioncase:{case.pk}", number):
        tasks = queue(officer, case=ref)
        assert [t["step"] for t in tasks] == ["acceptance"] and tasks[0]["case"]["id"] == case.pk, ref
    assert queue(officer, case=f"entry:{entry.pk}") == []  # the listing flow is done: no open task
    refused = officer.get("/api/v1/tasks/", {"case": "nonsense:1"})
    assert refused.status_code == 400 and refused.json()["fields"]["case"][0]["code"] == "unknown_case"


def test_a_flows_own_node_is_no_task_anybody_claims_completes_or_releases(province, as_user, noticed):
    """The start of a flow is a task row without a work item: acting on its id is a 404, never a 500."""
    from viewflow.workflow.models import Task

    from workflow.models import WorkItem

    node = Task.objects.exclude(pk__in=WorkItem.objects.values("pk")).order_by("pk").first()
    assert node is not None
    officer = as_user(province["officer"])
    for action in ("claim", "release", "complete"):
        response = officer.post(f"/api/v1/tasks/{node.pk}/{action}/", {}, format="json")
        assert response.status_code == 404 and response.json()["code"] == "task_not_found", action
