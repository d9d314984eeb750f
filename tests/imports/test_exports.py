"""Exports for the credit lead office (issue 8 item 5): active lists, case statistics, the quarterly
report of joint reward and punishment cases; other units refused."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from cases.selectors import exports as export_selectors
from cases.services import entries as svc
from cases.services.registry import unit_assign_role
from tests.factories import LeaderFactory, OfficerFactory, RegionFactory, SubjectFactory, UnitFactory

pytestmark = pytest.mark.django_db


def _listed(p, subject, *, officer=None, leader=None, list_type=None):
    officer, leader = officer or p["officer"], leader or p["leader"]
    entry = svc.entry_draft(actor=officer, list_type=list_type or p["blacklist"], subject=subject,
                            facts="拖欠税款逾期未缴", reasons="符合认定标准")
    svc.entry_send_notice(actor=officer, entry=entry, on=dt.date(2026, 2, 16))
    svc.entry_receive_statement(actor=officer, entry=entry, statement="请求从轻")
    svc.entry_decide(actor=leader, entry=entry, decision_date=dt.date(2026, 3, 2), dating_reason="纸质决定书补录")
    svc.entry_publish(actor=officer, entry=entry)
    return entry


@pytest.fixture
def region_data(province):
    p = province
    listed = [_listed(p, SubjectFactory()) for _ in range(3)]
    draft = svc.entry_draft(actor=p["officer"], list_type=p["blacklist"], subject=SubjectFactory(),
                            facts="事实", reasons="理由")
    # Another region's listing unit: its entries are not the lead office's to export.
    far = UnitFactory(region=RegionFactory(code="660100"))
    unit_assign_role(actor=None, unit=far, list_type=p["blacklist"], role="LISTING")
    far_entry = _listed(p, SubjectFactory(), officer=OfficerFactory(unit=far), leader=LeaderFactory(unit=far))
    return {"listed": listed, "draft": draft, "far": far_entry}


def _csv(response):
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_lead_office_streams_its_regions_listed_entries_as_csv_in_keyset_pages(province, as_user, region_data,
                                                                                 monkeypatch):
    monkeypatch.setattr(export_selectors, "PAGE", 2)  # several keyset pages for three rows
    response = as_user(province["lead_officer"]).get("/api/v1/exports/entries/?format=csv")
    assert response.status_code == 200 and response.streaming
    rows = _csv(response)
    assert sorted(int(r["id"]) for r in rows) == sorted(e.pk for e in region_data["listed"])
    assert {r["state"] for r in rows} == {"ACTIVE"} and rows[0]["listing_unit"] == province["listing"].code


def test_the_same_export_as_xlsx(province, as_user, region_data):
    response = as_user(province["lead_officer"]).get("/api/v1/exports/entries/?format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "id" and len(rows) == 1 + len(region_data["listed"])


@pytest.mark.parametrize("who", ["officer", "leader", "officer_a", "outsider"])
@pytest.mark.parametrize("path", ["entries/?format=csv", "statistics/", "quarterly/"])
def test_units_other_than_the_lead_office_are_refused(province, as_user, who, path):
    response = as_user(province[who]).get(f"/api/v1/exports/{path}")
    assert response.status_code == 403 and response.json()["code"] == "lead_office_only"


def test_anonymous_and_token_callers_are_refused(province, client):
    assert client.get("/api/v1/exports/entries/").status_code in (401, 403)


def test_case_statistics_count_per_unit_and_state(province, as_user, region_data):
    body = as_user(province["lead_officer"]).get("/api/v1/exports/statistics/?format=json").json()
    counts = {(r["unit"], r["case_type"], r["state"]): r["count"] for r in body["rows"]}
    listing = province["listing"].code
    assert counts[(listing, "entry", "ACTIVE")] == 3 and counts[(listing, "entry", "DRAFT")] == 1
    # impl_a implements for every listed entry, the far region's one included: (mandatory + recommended) × 4
    assert counts[(province["impl_a"].code, "execution", "PUSHED")] == 8
    assert not any(unit == region_data["far"].listing_unit.code for unit, *_ in counts)
    assert as_user(province["lead_officer"]).get("/api/v1/exports/statistics/?format=pdf").status_code == 400


def test_quarterly_report_shows_the_units_without_a_joint_case(province, as_user, region_data):
    p = province
    execution = region_data["listed"][0].executions.get(measure=p["mandatory"], unit=p["impl_a"])
    svc.execution_acknowledge(actor=p["officer_a"], execution=execution)
    svc.execution_apply(actor=p["officer_a"], execution=execution, note="已限制",
                        applied_at=dt.datetime(2026, 3, 20, 10, tzinfo=dt.timezone.utc))
    client = as_user(p["lead_officer"])
    body = client.get("/api/v1/exports/quarterly/?quarter=2026-Q1").json()
    rows = {r["unit"]: r for r in body["units"]}
    assert body["quarter"] == "2026-Q1"
    assert (rows[p["impl_a"].code]["punishment_cases"], rows[p["impl_a"].code]["has_case"]) == (1, True)
    assert p["impl_b"].code in body["units_without_case"] and p["impl_a"].code not in body["units_without_case"]
    assert rows[p["listing"].code]["entries_listed"] == 0  # published today, not in 2026-Q1
    assert client.get("/api/v1/exports/quarterly/?quarter=2026-Q2").json()["units_without_case"].count(
        p["impl_a"].code) == 1
    bad = client.get("/api/v1/exports/quarterly/?quarter=2026-Q7")
    assert bad.status_code == 400 and bad.json()["fields"]["quarter"][0]["code"] == "invalid"
    csv_rows = _csv(client.get("/api/v1/exports/quarterly/?quarter=2026-Q1&format=csv"))
    assert {r["unit"] for r in csv_rows} >= {p["impl_a"].code, p["impl_b"].code}
