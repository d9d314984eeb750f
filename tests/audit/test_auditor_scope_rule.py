"""One rule for an auditor's scope (issue 18): the auditors' console and the API answer alike, for an
auditor with a scope region (every unit in it and below) and for one without (their own unit only,
never their unit's whole region), because both ask ``cases.selectors.scope``."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.test import Client

from cases.audit.selectors import scope_units
from cases.models import ListEntry, ObjectionCase, RepairCase, StaffProfile
from cases.selectors.scope import supervised_units
from letters.models import Letter
from tests.factories import AuditorFactory, RegionFactory, UnitFactory
from tests.workflow.repair_helpers import filed
from tests.workflow.test_listing_through_the_api import list_through_api
from tests.workflow.test_objections import file_on_portal
from workflow.models import WorkItem

pytestmark = pytest.mark.django_db
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
API = {"entry": "/api/v1/entries/", "objection": "/api/v1/objections/", "repair": "/api/v1/repairs/"}


def _without_region(auditor):
    StaffProfile.objects.filter(user=auditor).update(scope_region=None)
    auditor.refresh_from_db()
    return auditor


@pytest.fixture
def cases(province, as_user):
    """In the province's region, all at the listing unit: an entry with an objection on it, and an
    entry old enough to repair with a repair application."""
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, tzinfo=BEIJING), tick=False):
        objected = ListEntry.objects.get(pk=list_through_api(province, as_user)["id"])
        objection = ObjectionCase.objects.get(number=file_on_portal(province, objected).json()["number"])
        repaired = ListEntry.objects.get(pk=list_through_api(
            province, as_user, served_on="2025-05-06", decision_date="2025-06-02")["id"])
        repair = RepairCase.objects.get(number=filed(repaired)["number"])
    return {("entry", objected.pk), ("entry", repaired.pk), ("objection", objection.pk), ("repair", repair.pk)}


@pytest.fixture
def auditors(province):
    far = RegionFactory()
    return {
        # scope region: the province's region, from a unit that has no case of its own
        "with region": AuditorFactory(unit=province["lead"], scope_region=province["region"]),
        # no scope region, in the credit lead office: its own unit only, not the lead office's region
        "no region, lead office": _without_region(AuditorFactory(unit=province["lead"])),
        # no scope region, in the unit that lists, accepts, verifies and decides every case here
        "no region, listing unit": _without_region(AuditorFactory(unit=province["listing"])),
        # no scope region, in an implementing unit (it applies measures; it is responsible for no case)
        "no region, implementing unit": _without_region(AuditorFactory(unit=province["impl_a"])),
        "another region": AuditorFactory(unit=UnitFactory(region=far), scope_region=far),
    }


def through_the_console(auditor, everything) -> set:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(auditor)
    page = client.get("/audit/", {"q": ""})
    assert page.status_code == 200
    found = {(row.kind, row.pk) for row in page.context["result"].rows}
    opened = {(kind, pk) for kind, pk in everything if client.get(f"/audit/{kind}/{pk}/").status_code == 200}
    refused = {(kind, pk) for kind, pk in everything if client.get(f"/audit/{kind}/{pk}/").status_code == 404}
    assert opened | refused == everything
    assert found == opened, "the finder lists exactly the cases the console opens"
    return found


def through_the_api(auditor, everything, as_user) -> set:
    client = as_user(auditor)
    listed = set()
    for kind, path in API.items():
        response = client.get(path)
        assert response.status_code == 200, response.json()
        listed |= {(kind, row["id"]) for row in response.json()["results"]}
    opened = {(kind, pk) for kind, pk in everything if client.get(f"{API[kind]}{pk}/").status_code == 200}
    assert listed == opened, "the API lists exactly the cases it opens"
    return listed


EXPECTED = {"with region": "all", "no region, lead office": "none", "no region, listing unit": "all",
            "no region, implementing unit": "none", "another region": "none"}


def test_the_console_and_the_api_give_every_auditor_the_same_cases(province, as_user, cases, auditors):
    for name, auditor in auditors.items():
        console = through_the_console(auditor, cases)
        api = through_the_api(auditor, cases, as_user)
        assert console == api, name
        assert console == (cases if EXPECTED[name] == "all" else set()), name


def test_one_function_says_which_units_an_auditor_reads(province, auditors):
    for name, auditor in auditors.items():
        console, api = set(scope_units(user=auditor)), set(supervised_units(user=auditor))
        assert console == api, name
        if name.startswith("no region"):
            assert console == {auditor.staff.unit}, name
    assert set(supervised_units(user=auditors["with region"])) == {
        province[u] for u in ("listing", "impl_a", "impl_b", "outsider_unit", "lead")}


def test_letters_and_tasks_through_the_api_follow_the_same_rule(province, as_user, cases, auditors):
    issuing = set(Letter.objects.values_list("unit_id", flat=True))
    assert issuing == {province["listing"].pk}
    tasks = list(WorkItem.objects.filter(unit=province["listing"]).values_list("task_id", flat=True))
    assert tasks
    for name, auditor in auditors.items():
        client = as_user(auditor)
        response = client.get("/api/v1/letters/")
        assert response.status_code == 200, response.json()
        sees = EXPECTED[name] == "all"
        assert bool(response.json()["results"]) == sees, name
        assert {client.get(f"/api/v1/tasks/{task}/").status_code for task in tasks} == ({200} if sees else {403}), name
