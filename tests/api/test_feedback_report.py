"""执行反馈: the implementing units' monthly feedback report (domain.md §2), JSON and XLSX."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from cases.models import MeasureExecution, ProcedureRule
from cases.services import entries as svc
from tests.api.status_fixtures import api_for, listed, world  # noqa: F401
from tests.factories import ProcedureRuleFactory, SubjectFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports/feedback/"
X = MeasureExecution.State


def this_month():
    return timezone.localdate().strftime("%Y-%m")


def report(user, **params):
    return api_for(user).get(URL, {"month": this_month(), **params})


def execution(entry, measure, unit):
    return MeasureExecution.objects.get(entry=entry, measure=measure, unit=unit)


def push_back(execution, days):
    """Pretend the execution was pushed ``days`` ago (test data: created_at is not a state)."""
    MeasureExecution.objects.filter(pk=execution.pk).update(created_at=timezone.now() - dt.timedelta(days=days))


@pytest.fixture
def month_of_work(world):
    """A month of feedback: applied, not applied, acknowledged, suspended, lift-pending, lifted."""
    w = world
    first = listed(w)
    applied = execution(first, w["mandatory"], w["impl_a"])
    svc.execution_acknowledge(actor=w["officer_a"], execution=applied)
    svc.execution_apply(actor=w["officer_a"], execution=applied, note="不予受理其招投标申请")
    declined = execution(first, w["recommended"], w["impl_a"])
    svc.execution_acknowledge(actor=w["officer_a"], execution=declined)
    svc.execution_not_apply(actor=w["officer_a"], execution=declined, reason="本次审批不涉及")
    svc.execution_acknowledge(actor=w["officer_b"], execution=execution(first, w["mandatory"], w["impl_b"]))

    second = listed(w, subject=SubjectFactory())
    svc.entry_suspend(actor=None, entry=second, reason="异议核查中")

    third = listed(w, subject=SubjectFactory())
    svc.entry_remove(actor=None, entry=third, removal_reason="REPAIRED", reason="信用修复")
    lifted = execution(third, w["mandatory"], w["impl_b"])
    svc.execution_confirm_lift(actor=w["officer_b"], execution=lifted)
    return {"first": first, "second": second, "third": third}


def row_for(body, unit):
    [row] = [r for r in body["units"] if r["unit"]["code"] == unit.code]
    return row


def test_a_units_officer_sees_their_units_month(world, month_of_work):
    response = report(world["officer_a"])
    assert response.status_code == 200
    body = response.json()
    assert body["month"] == this_month()
    assert [r["unit"]["code"] for r in body["units"]] == [world["impl_a"].code]
    row = body["units"][0]
    assert {k: row[k] for k in ("pushed", "acknowledged", "applied", "not_applied", "suspended", "lift_pending",
                                "lifted", "open", "late")} == {
        "pushed": 6, "acknowledged": 2, "applied": 1, "not_applied": 1, "suspended": 2, "lift_pending": 2,
        "lifted": 0, "open": 0, "late": 0,
    }
    assert row["not_applied_reasons"] == [{"reason": "本次审批不涉及", "count": 1}]


def test_the_report_names_who_applied_what(world, month_of_work):
    body = report(world["officer_a"]).json()
    [applied] = body["applied"]
    assert applied["unit"] == world["impl_a"].code
    assert applied["measure"] == world["mandatory"].code
    assert applied["subject"]["identifier"] == world["subject"].identifier
    assert applied["note"] == "不予受理其招投标申请"
    assert applied["applied_by"] == world["officer_a"].username
    assert applied["applied_by_name"] == world["officer_a"].first_name


def test_executions_without_feedback_past_the_feedback_rule_are_late(world, month_of_work):
    first = month_of_work["first"]
    far = execution(first, world["mandatory"], world["impl_far"])  # still PUSHED
    acknowledged = execution(first, world["mandatory"], world["impl_b"])  # ACKNOWLEDGED, no feedback
    push_back(far, 70)
    push_back(acknowledged, 10)  # within the month the rule allows
    body = report(world["province_auditor"]).json()
    assert row_for(body, world["impl_far"])["late"] == 1
    assert row_for(body, world["impl_b"])["late"] == 0
    [late] = body["late"]
    assert (late["unit"], late["measure"], late["state"]) == (world["impl_far"].code, world["mandatory"].code, "PUSHED")
    pushed_on = dt.date.fromisoformat(late["pushed_on"])
    assert pushed_on == timezone.localdate() - dt.timedelta(days=70)
    # One month (rule MEASURE/feedback), moved to the next working day if it ends on a rest day.
    due = dt.date.fromisoformat(late["feedback_due"])
    assert pushed_on + dt.timedelta(days=28) <= due < timezone.localdate()


def test_a_list_specific_feedback_rule_changes_who_is_late(world, month_of_work):
    far = execution(month_of_work["first"], world["mandatory"], world["impl_far"])
    push_back(far, 70)
    ProcedureRuleFactory(case_type=ProcedureRule.CaseType.MEASURE, step="feedback", regime=world["blacklist"].code,
                         amount=3, period_unit=ProcedureRule.PeriodUnit.MONTHS)
    body = report(world["province_auditor"]).json()
    assert row_for(body, world["impl_far"])["late"] == 0 and body["late"] == []


def test_the_credit_lead_office_and_auditors_see_the_units_of_their_region(world, month_of_work):
    city_units = sorted([world["impl_a"].code, world["impl_b"].code])
    lead = report(world["lead_officer"]).json()
    assert sorted(r["unit"]["code"] for r in lead["units"]) == city_units
    city = report(world["auditor"]).json()
    assert sorted(r["unit"]["code"] for r in city["units"]) == city_units
    province = report(world["province_auditor"]).json()
    assert sorted(r["unit"]["code"] for r in province["units"]) == sorted(city_units + [world["impl_far"].code])
    assert row_for(province, world["impl_b"])["lifted"] == 1
    assert row_for(province, world["impl_far"])["pushed"] == 3
    assert [a["unit"] for a in province["applied"]] == [world["impl_a"].code]


def test_another_units_officer_sees_nothing_of_the_others(world, month_of_work):
    body = report(world["officer_b"]).json()
    assert [r["unit"]["code"] for r in body["units"]] == [world["impl_b"].code]
    assert body["applied"] == []


def test_a_past_month_has_none_of_this_months_work(world, month_of_work):
    last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    body = report(world["officer_a"], month=last_month).json()
    assert body["month"] == last_month
    row = body["units"][0]
    assert (row["pushed"], row["applied"], row["not_applied"], row["suspended"]) == (0, 0, 0, 0)
    assert body["applied"] == []


def test_the_report_as_a_spreadsheet(world, month_of_work):
    response = report(world["lead_officer"], format="xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == f'attachment; filename="feedback-{this_month()}.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.worksheets) == 3
    summary = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    [a_row] = [r for r in summary if r and r[0] == world["impl_a"].code]
    assert a_row[2:11] == [6, 2, 1, 1, 2, 2, 0, 0, 0]
    assert "本次审批不涉及（1）" in a_row[11]
    applied = list(book.worksheets[1].iter_rows(values_only=True))
    assert applied[1][2] == world["officer_a"].first_name and applied[1][8] == "不予受理其招投标申请"


def test_the_spreadsheet_headers_follow_the_language(world, month_of_work):
    client = api_for(world["officer_a"])
    zh = load_workbook(io.BytesIO(client.get(URL, {"format": "xlsx"}).content))
    en = load_workbook(io.BytesIO(client.get(URL, {"format": "xlsx"}, HTTP_ACCEPT_LANGUAGE="en").content))
    assert en.worksheets[0].title == "Summary" and zh.worksheets[0].title == "汇总"


@pytest.mark.parametrize("month", ["2026-13", "March", "2026-3-01"])
def test_a_bad_month_is_a_field_error_even_for_a_spreadsheet(world, month):
    for params in ({"month": month}, {"month": month, "format": "xlsx"}):
        response = api_for(world["officer_a"]).get(URL, params)
        assert response.status_code == 400
        assert response["Content-Type"].startswith("application/json")
        assert list(response.json()["fields"]) == ["month"]


def test_non_staff_are_refused(world):
    assert api_for(world["nobody"]).get(URL).status_code == 403
    assert APIClient().get(URL).status_code in (401, 403)
