"""May I apply for credit repair, and from when? The engine (domain.md §4), rule rows and list type
fields, through the public endpoint and at filing."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from rest_framework.test import APIClient

from cases.models import ListEntry, RepairCase
from cases.services import repairs as svc
from cases.services.registry import unit_assign_role
from cases.services.repair_eligibility import repair_eligibility
from tests.factories import ListTypeFactory, ProcedureRuleFactory

from .repair_helpers import approve_through_queue, file_repair, filed, pdf, recent, repairable  # noqa: F401
from .test_listing_through_the_api import complete, draft, only_task

pytestmark = pytest.mark.django_db


def ask(entry, subject=None):
    return APIClient().get("/api/v1/public/repairs/eligibility/",
                           {"subject": subject or entry.subject.identifier, "entry": entry.pk})


def list_on(province, as_user, list_type, *, decision_date, served_on=None, subject=None):
    """An entry of ``list_type`` listed through the API, decided on ``decision_date``."""
    unit_assign_role(actor=None, unit=province["listing"], list_type=list_type, role="LISTING")
    officer, leader = as_user(province["officer"]), as_user(province["leader"])
    entry = draft(officer, {**province, "blacklist": list_type, "subject": subject or province["subject"]})
    served = served_on or (dt.date.fromisoformat(decision_date) - dt.timedelta(days=28)).isoformat()
    complete(officer, only_task(officer, "prior_notice")["id"], {"served_on": served})
    complete(officer, only_task(officer, "statement")["id"], {"statement": "陈述"})
    complete(leader, only_task(leader, "decision")["id"], {"approve": True, "decision_date": decision_date, "dating_reason": "纸质决定书补录"})
    complete(officer, only_task(officer, "publication")["id"])
    return ListEntry.objects.get(pk=entry["id"])


@pytest.fixture
def in_december_2026():
    """These tests name the dates of an entry decided on 29 September 2026 that is still within its
    12 months: the clock is pinned to a day inside them, whatever day the suite runs."""
    with time_machine.travel(dt.datetime(2026, 12, 4, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")), tick=True):
        yield


def test_before_the_minimum_period_the_answer_is_no_with_the_earliest_date(province, in_december_2026, recent):
    response = ask(recent)
    assert response.status_code == 200
    body = response.json()
    # Decided 29 September 2026, severe tier, 12 months: the period's last day is 29 September 2027.
    assert body["eligible"] is False and body["earliest_date"] == "2027-09-30"
    assert body["tier"] == "SEVERE" and body["minimum_publication_ends"] == "2027-09-29"
    [unmet] = [c for c in body["conditions"] if not c["met"]]
    assert unmet["code"] == "minimum_publication" and unmet["earliest_date"] == "2027-09-30"
    assert "12" in unmet["rule"]
    assert body["materials"], "the applicant is told what to bring"


def test_an_application_before_the_minimum_period_is_refused_with_the_earliest_date(province, in_december_2026,
                                                                                   recent):
    response = file_repair(recent)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "repair_not_eligible" and "2027-09-30" in body["message"]
    assert body["eligibility"]["earliest_date"] == "2027-09-30"
    assert body["fields"]["entry"][0]["code"] == "minimum_publication"
    assert not RepairCase.objects.exists()


def test_once_the_period_has_passed_the_answer_is_yes(province, repairable):
    body = ask(repairable).json()
    assert body["eligible"] is True and body["earliest_date"] == "2026-06-03"
    assert all(c["met"] for c in body["conditions"])


def test_the_minimum_comes_from_the_tier_rule_when_the_list_type_sets_none(province, as_user):
    general = ListTypeFactory(focus=True, min_publication_months=None, max_publication_months=None,
                              measures=[province["mandatory"]])
    entry = list_on(province, as_user, general, decision_date="2026-09-29")
    body = ask(entry).json()
    # FOCUS factory: general tier → REPAIR/min_publication_general, 3 months.
    assert body["earliest_date"] == "2026-12-30" and "min_publication_general" in str(body["conditions"])
    assert body["maximum_publication_ends"] == "2027-09-29", "REPAIR/max_publication_general: 12 months"


def test_an_excluded_category_is_refused_with_the_rule_cited(province, as_user):
    basis = "《食品安全法》第一百三十五条：被吊销许可证的，五年内不得从业"
    excluded = ListTypeFactory(repair_excluded=True, repair_exclusion_basis=basis, measures=[province["mandatory"]])
    entry = list_on(province, as_user, excluded, decision_date="2025-01-06")
    body = ask(entry).json()
    assert body["eligible"] is False and body["earliest_date"] is None
    [unmet] = [c for c in body["conditions"] if not c["met"]]
    assert unmet["code"] == "excluded_category" and unmet["rule"] == basis and basis in unmet["message"]
    response = file_repair(entry)
    assert response.status_code == 400 and response.json()["fields"]["entry"][0]["code"] == "excluded_category"
    assert basis in response.json()["fields"]["entry"][0]["message"]


def test_a_minor_tier_record_is_eligible_as_soon_as_performance_is_proven(province, as_user):
    minor = ListTypeFactory(severity="MINOR", min_publication_months=0, max_publication_months=12,
                            measures=[province["mandatory"]])
    today = dt.date.today().isoformat()
    entry = list_on(province, as_user, minor, decision_date=today, served_on=today)
    body = ask(entry).json()
    assert body["eligible"] is True and body["earliest_date"] == today
    without = file_repair(entry, proof=False)
    assert without.status_code == 400 and without.json()["fields"]["proof"][0]["code"] == "required"
    assert filed(entry)["state"] == "SUBMITTED"


def test_a_repeat_offence_bars_repair_for_the_configured_years(province, as_user, repairable):
    again = list_on(province, as_user, province["blacklist"], decision_date="2025-09-01", served_on="2025-08-04")
    body = ask(again).json()
    # Listed again within 36 months of the listing of 2 June 2025: barred 36 months from 1 September
    # 2025, although its own 12-month minimum has passed.
    [unmet] = [c for c in body["conditions"] if not c["met"]]
    assert unmet["code"] == "repeat_offence" and unmet["earliest_date"] == "2028-09-02"
    assert body["earliest_date"] == "2028-09-02"
    assert "repeat_offence_bar" in unmet["rule"]
    assert ask(repairable).json()["eligible"] is True, "the earlier entry is not a repeat"
    # An administrator sets a shorter bar for this list type: the rule row of its regime wins.
    ProcedureRuleFactory(case_type="REPAIR", step="repeat_offence_bar", amount=6, period_unit="MONTHS",
                         regime=province["blacklist"].code)
    assert ask(again).json()["eligible"] is True


def test_a_revoked_listing_is_not_an_earlier_offence(province, as_user, repairable):
    from cases.services.entries import entry_remove_by_decision
    entry_remove_by_decision(actor=province["leader"], entry=repairable, removal_reason="ANNULLED",
                             reason="行政复议撤销")
    again = list_on(province, as_user, province["blacklist"], decision_date="2025-08-01", served_on="2025-07-01")
    assert ask(again).json()["eligible"] is True


def test_the_cap_on_repairs_in_a_window_counts_a_revoked_repair(province, as_user, repairable):
    ProcedureRuleFactory(case_type="REPAIR", step="repair_cap_window", amount=12, period_unit="MONTHS",
                         basis="某地规定：同一名单12个月内限修复一次")
    body = filed(repairable)
    approve_through_queue(province, as_user)
    case = RepairCase.objects.get(number=body["number"])
    svc.repair_revoke(actor=province["leader"], case=case, reason="材料虚假")
    answer = ask(repairable).json()
    [unmet] = [c for c in answer["conditions"] if not c["met"]]
    today = dt.date.today()
    assert unmet["code"] == "repair_cap" and "12个月内限修复一次" in unmet["rule"]
    assert answer["earliest_date"] > today.isoformat()
    assert file_repair(repairable).json()["code"] == "repair_not_eligible"


def test_a_second_application_on_the_same_entry_waits_for_the_first(province, repairable):
    first = filed(repairable)
    body = ask(repairable).json()
    [unmet] = [c for c in body["conditions"] if not c["met"]]
    assert unmet["code"] == "open_repair" and first["number"] in unmet["message"]
    assert file_repair(repairable).status_code == 400


def test_the_engine_needs_the_subjects_code_and_answers_no_for_red_or_removed_entries(province, as_user,
                                                                                   repairable):
    assert ask(repairable, subject="91540102MA6T00000X").status_code == 400
    red = ListEntry.objects.create(list_type=province["red"], subject=repairable.subject,
                                   listing_unit=province["listing"], data_providing_unit=province["listing"],
                                   facts="f", reasons="r", basis="b", created_by=province["officer"])
    assert [c.code for c in repair_eligibility(entry=red).unmet] == ["listed"]
