"""An entry's detail lists every open task about the entry, its executions, lifts and restorations
and the cases filed on it, each unit seeing only the tasks it may read; objections and repairs are
found by their case number (issue 18, "Easier to drive through the API")."""

import pytest
from rest_framework.test import APIClient

from cases.models import ListEntry, MeasureExecution, ObjectionCase
from tests.workflow.repair_helpers import filed, repairable  # noqa: F401 (fixture)
from tests.workflow.test_listing_through_the_api import complete, list_through_api, queue
from tests.workflow.test_objections import accept_via_queue, conclude_and_approve, file_on_portal

pytestmark = pytest.mark.django_db
X = MeasureExecution.State


@pytest.fixture
def active(province, as_user):
    return ListEntry.objects.get(pk=list_through_api(province, as_user)["id"])


def detail(client, entry):
    response = client.get(f"/api/v1/entries/{entry.pk}/")
    assert response.status_code == 200, response.json()
    return response.json()


def test_each_unit_sees_the_open_tasks_of_the_entry_it_may_read_and_no_other_units(province, as_user, active):
    number = file_on_portal(province, active).json()["number"]
    case = ObjectionCase.objects.get(number=number)

    listing = detail(as_user(province["officer"]), active)["open_tasks"]
    assert [(t["step"], t["case"], t["unit"]) for t in listing] == [
        ("acceptance", {"type": "cases.objectioncase", "id": case.pk}, province["listing"].code)]
    task = listing[0]
    assert task["title"] and task["due"] and task["status"] == "NEW" and task["overdue"] is False
    # The same task the queue finds by the case's number.
    assert [t["id"] for t in queue(as_user(province["officer"]), case=number)] == [task["id"]]

    impl_a = detail(as_user(province["officer_a"]), active)["open_tasks"]
    impl_b = detail(as_user(province["officer_b"]), active)["open_tasks"]
    assert [t["step"] for t in impl_a] == ["respond", "respond"]
    assert {t["unit"] for t in impl_a} == {province["impl_a"].code}
    assert [(t["step"], t["unit"]) for t in impl_b] == [("respond", province["impl_b"].code)]
    assert {t["case"]["type"] for t in impl_a + impl_b} == {"cases.measureexecution"}

    everything = {t["id"] for t in listing + impl_a + impl_b}
    assert {t["id"] for t in detail(as_user(province["auditor"]), active)["open_tasks"]} == everything
    assert detail(as_user(province["lead_officer"]), active)["open_tasks"] == [], "nothing escalated to it"
    for outsider in ("outsider", "outsider_leader"):
        assert as_user(province[outsider]).get(f"/api/v1/entries/{active.pk}/").status_code == 404


def test_the_entrys_task_history_is_scoped_like_its_open_tasks(province, as_user, active):
    """``tasks`` (the listing procedure's tasks, done or open) follows the same rule: the listing
    unit and the auditor read them; an implementing unit, which may read the entry, does not read
    another unit's tasks."""
    steps = ["prior_notice", "statement", "decision", "publication"]
    assert [t["step"] for t in detail(as_user(province["officer"]), active)["tasks"]] == steps
    assert [t["step"] for t in detail(as_user(province["auditor"]), active)["tasks"]] == steps
    assert detail(as_user(province["officer_a"]), active)["tasks"] == []
    assert detail(as_user(province["lead_officer"]), active)["tasks"] == []


def test_lifts_and_restorations_show_with_their_units_states_and_dates(province, as_user, active):
    a = as_user(province["officer_a"])
    respond = [t for t in queue(a, step="respond")
               if MeasureExecution.objects.get(pk=t["case"]["id"]).measure_id == province["mandatory"].pk][0]
    complete(a, respond["id"])
    complete(a, queue(a, step="feedback")[0]["id"], {"applied": True, "note": "已限制其参加政府采购"})
    number = file_on_portal(province, active).json()["number"]
    accept_via_queue(province, as_user, number)
    conclude_and_approve(province, as_user, "REVOKED", findings="认定事实错误")
    active.refresh_from_db()
    assert active.state == ListEntry.State.REMOVED

    body = detail(as_user(province["officer"]), active)
    assert len(body["executions"]) == 3
    for execution in body["executions"]:
        assert execution["state"] == X.LIFT_PENDING and execution["lifted_at"] is None
        assert execution["lift_requested_at"] and execution["lift_requested_at"] == body["removed_at"]
    applied = [e for e in body["executions"] if e["applied_at"]]
    assert [(e["unit"], e["measure"]) for e in applied] == [(province["impl_a"].code, province["mandatory"].code)]
    assert [(r["unit"], r["state"], r["reason"], r["done_at"]) for r in body["restorations"]] == [
        (province["impl_a"].code, "OPEN", "REVOKED", None)]
    assert body["restorations"][0]["created_at"]
    assert body["open_tasks"] == [], "the lifts and the restoration are the implementing units' tasks"

    at_a = detail(a, active)
    assert sorted(t["step"] for t in at_a["open_tasks"]) == ["lift", "lift", "restoration"]
    assert {t["case"]["type"] for t in at_a["open_tasks"] if t["step"] == "restoration"} == {"cases.restorationtask"}
    at_b = detail(as_user(province["officer_b"]), active)
    assert [t["step"] for t in at_b["open_tasks"]] == ["lift"]
    assert at_b["restorations"] == [], "another unit's restoration is not shown"
    assert {e["unit"] for e in at_b["executions"]} == {province["impl_b"].code}

    lift = [t for t in at_a["open_tasks"] if t["step"] == "lift"][0]
    complete(a, lift["id"])
    after = detail(a, active)
    assert lift["id"] not in {t["id"] for t in after["open_tasks"]}
    lifted = [e for e in after["executions"] if e["id"] == lift["case"]["id"]][0]
    assert lifted["state"] == X.LIFTED and lifted["lifted_at"] and lifted["lift_requested_at"] == body["removed_at"]


def test_an_objection_is_found_by_its_case_number(province, as_user, active):
    number = file_on_portal(province, active).json()["number"]
    file_on_portal(province, active, grounds="主体名称有误，应为变更后的名称")
    officer = as_user(province["officer"])
    assert len(officer.get("/api/v1/objections/").json()["results"]) == 2
    for asked in (number, number.lower(), f" {number} "):
        found = officer.get("/api/v1/objections/", {"number": asked}).json()["results"]
        assert [row["number"] for row in found] == [number], asked
    assert officer.get("/api/v1/objections/", {"number": "YY-2099-999999"}).json()["results"] == []
    assert as_user(province["outsider"]).get("/api/v1/objections/", {"number": number}).json()["results"] == []


def test_a_repair_is_found_by_its_case_number(province, as_user, repairable):
    number = filed(repairable)["number"]
    officer = as_user(province["officer"])
    found = officer.get("/api/v1/repairs/", {"number": number}).json()["results"]
    assert [row["number"] for row in found] == [number]
    assert officer.get("/api/v1/repairs/", {"number": "XF-2099-999999"}).json()["results"] == []
    assert as_user(province["outsider"]).get("/api/v1/repairs/", {"number": number}).json()["results"] == []


def test_the_schema_declares_the_entry_detail_lists_and_the_number_filters(db):
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    entry = schema["components"]["schemas"]["EntryDetail"]["properties"]
    assert entry["open_tasks"]["items"] == {"$ref": "#/components/schemas/EntryTask"}
    assert entry["restorations"]["items"] == {"$ref": "#/components/schemas/Restoration"}
    assert entry["executions"]["items"] == {"$ref": "#/components/schemas/Execution"}
    task = schema["components"]["schemas"]["EntryTask"]["properties"]
    assert {"id", "title", "step", "unit", "due", "status", "case"} <= set(task)
    assert "lift_requested_at" in schema["components"]["schemas"]["Execution"]["properties"]
    for path in ("/api/v1/objections/", "/api/v1/repairs/"):
        assert "number" in {p["name"] for p in schema["paths"][path]["get"]["parameters"]}, path
