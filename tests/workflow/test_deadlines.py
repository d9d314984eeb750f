"""The Django side of deadlines: holiday tables feeding the calendar, its cache, procedure rules."""

import datetime as dt

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.core.exceptions import ValidationError

from cases.models import ProcedureRule
from deadlines import rules as deadlines
from deadlines.calendar import CALENDAR_DAYS, PROVISIONAL, STATE_PAUSED, CalendarDataMissing, Extension, Pause
from deadlines.rules import (
    GENERATION_KEY,
    ProcedureRuleMissing,
    compute_for_rule,
    current_calendar,
    find_rule,
    invalidate_calendar_cache,
)
from deadlines.models import HolidayOverride, HolidayYear

pytestmark = pytest.mark.django_db

D = dt.date
NOTICE = "国办发明电〔2026〕1号"


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    # Rows created in a test disappear by rollback, which sends no signal: start and end clean.
    invalidate_calendar_cache()
    yield
    invalidate_calendar_cache()


def declare_2027():
    HolidayOverride.objects.create(date=D(2027, 1, 1), kind="HOLIDAY", name="元旦", source_document=NOTICE)
    for day in range(5, 14):
        HolidayOverride.objects.create(date=D(2027, 2, day), kind="HOLIDAY", name="春节", source_document=NOTICE)
    HolidayOverride.objects.create(date=D(2027, 2, 20), kind="WORKDAY", name="春节", source_document=NOTICE)
    return HolidayYear.objects.create(year=2027, source_document=NOTICE, declared_complete=True)


def make_rule(**fields):
    values = {
        "case_type": ProcedureRule.CaseType.OBJECTION,
        "step": "verify",
        "amount": 20,
        "period_unit": ProcedureRule.PeriodUnit.CALENDAR_DAYS,
        "regime": "default",
        "basis": "信息提供单位要在收到核查通知之日起20日内核实",
        "description": "核查",
    } | fields
    return ProcedureRule.objects.create(**values)


# --- The calendar from the holiday tables -----------------------------------------------------


def test_without_rows_the_calendar_is_the_package_and_2027_is_provisional():
    cal = current_calendar()
    assert cal.rest_day_name(D(2026, 10, 1)) == "National Day"
    assert cal.year_source(2027) == PROVISIONAL
    assert cal.is_working_day(D(2027, 1, 4))


def test_declared_year_makes_2027_computable_from_its_override_rows():
    declare_2027()
    cal = current_calendar()
    assert cal.rest_day_name(D(2027, 2, 8)) == "春节"
    assert cal.is_working_day(D(2027, 2, 20))
    assert cal.is_working_day(D(2027, 1, 4))
    rule = make_rule()
    # 2027-01-17 + 20 = 02-06, inside the declared Spring Festival: Monday 02-15.
    assert compute_for_rule(rule, start=D(2027, 1, 17)).due == D(2027, 2, 15)


def test_year_with_rows_but_not_declared_complete_stays_provisional():
    year = declare_2027()
    year.declared_complete = False
    year.save()
    cal = current_calendar()
    assert cal.year_source(2027) == PROVISIONAL
    assert cal.is_working_day(D(2027, 2, 11))  # declared as 春节, but not published yet


def test_override_row_turns_a_package_working_day_into_a_holiday():
    HolidayOverride.objects.create(date=D(2026, 3, 9), kind="HOLIDAY", name="地方假日", source_document="藏政发")
    result = compute_for_rule(make_rule(amount=5), start=D(2026, 3, 4))
    assert result.due == D(2026, 3, 10)
    assert result.shifted == ((D(2026, 3, 9), "地方假日"),)
    assert [o.date for o in result.overrides_applied] == [D(2026, 3, 9)]


def test_override_row_turns_a_package_holiday_into_a_working_day():
    HolidayOverride.objects.create(date=D(2026, 10, 2), kind="WORKDAY", name="国庆节", source_document="correction")
    assert compute_for_rule(make_rule(), start=D(2026, 9, 12)).due == D(2026, 10, 2)


def test_holiday_year_cannot_be_declared_complete_before_its_holidays_are_entered():
    year = HolidayYear(year=2028, source_document=NOTICE, declared_complete=True)
    with pytest.raises(ValidationError) as caught:
        year.full_clean()
    assert "declared_complete" in caught.value.message_dict
    HolidayOverride.objects.create(date=D(2028, 1, 1), kind="HOLIDAY", name="元旦", source_document=NOTICE)
    year.full_clean()


# --- Cache ------------------------------------------------------------------------------------


def test_calendar_is_built_once_and_then_served_from_the_cache(django_assert_num_queries):
    first = current_calendar()
    with django_assert_num_queries(0):
        assert current_calendar() is first


def test_saving_an_override_is_seen_by_the_next_computation():
    rule = make_rule(amount=5)
    assert compute_for_rule(rule, start=D(2026, 3, 4)).due == D(2026, 3, 9)
    override = HolidayOverride.objects.create(date=D(2026, 3, 9), kind="HOLIDAY", name="x", source_document="y")
    assert compute_for_rule(rule, start=D(2026, 3, 4)).due == D(2026, 3, 10)
    override.kind = "WORKDAY"
    override.save()
    assert compute_for_rule(rule, start=D(2026, 3, 4)).due == D(2026, 3, 9)


def test_deleting_an_override_is_seen_by_the_next_computation():
    override = HolidayOverride.objects.create(date=D(2026, 3, 9), kind="HOLIDAY", name="x", source_document="y")
    assert current_calendar().is_rest_day(D(2026, 3, 9))
    override.delete()
    assert current_calendar().is_working_day(D(2026, 3, 9))


def test_declaring_a_year_is_seen_by_the_next_computation():
    assert current_calendar().is_working_day(D(2027, 2, 11))
    declare_2027()
    assert current_calendar().is_rest_day(D(2027, 2, 11))
    assert current_calendar().year_source(2027) == NOTICE


def test_change_made_by_another_process_is_noticed_through_the_shared_generation(django_assert_num_queries):
    first = current_calendar()
    cache.set(GENERATION_KEY, "another-process-saved-an-override", timeout=None)
    with django_assert_num_queries(2):
        rebuilt = current_calendar()
    assert rebuilt is not first


def test_calendar_still_works_when_the_shared_cache_is_down(monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(deadlines.cache, "get", broken)
    HolidayOverride.objects.create(date=D(2026, 3, 9), kind="HOLIDAY", name="x", source_document="y")
    assert current_calendar().is_rest_day(D(2026, 3, 9))


# --- Procedure rules --------------------------------------------------------------------------


def test_compute_for_rule_names_the_rule_it_applied():
    rule = make_rule()
    result = compute_for_rule(rule, start=D(2026, 9, 12))
    assert result.due == D(2026, 10, 8)
    assert result.unit == CALENDAR_DAYS
    assert result.rule_ref == "OBJECTION/verify/default: 20 CALENDAR_DAYS (信息提供单位要在收到核查通知之日起20日内核实)"
    assert result.as_dict()["rule_ref"] == result.rule_ref


def test_compute_for_rule_counts_working_days_with_pause_and_extension():
    rule = make_rule(amount=10, period_unit=ProcedureRule.PeriodUnit.WORKING_DAYS, step="decide")
    result = compute_for_rule(
        rule,
        start=D(2026, 3, 2),
        pauses=[Pause(D(2026, 3, 4), D(2026, 3, 9))],
        extension=Extension(5, "WORKING_DAYS", "需要现场核查"),
    )
    # 03-02 + 10 working days = 03-16; + 5 = 03-23; + 3 paused working days = 03-26.
    assert result.paused_days == 3
    assert result.due == D(2026, 3, 26)


def test_compute_for_rule_while_paused_has_no_due_date():
    result = compute_for_rule(make_rule(), start=D(2026, 3, 3), pauses=[Pause(D(2026, 3, 5))])
    assert result.state == STATE_PAUSED
    assert result.due is None


def test_find_rule_falls_back_to_the_default_regime():
    default = make_rule()
    found = find_rule("OBJECTION", "verify", regime_candidates=("540100", "default"), on_date=D(2026, 3, 1))
    assert found == default


def test_find_rule_prefers_the_first_candidate_regime_that_has_a_rule():
    make_rule()
    list_type_rule = make_rule(regime="serious-tax", amount=15)
    region_rule = make_rule(regime="540100", amount=10)
    assert (
        find_rule("OBJECTION", "verify", regime_candidates=("540100", "serious-tax", "default"), on_date=D(2026, 3, 1))
        == region_rule
    )
    assert (
        find_rule("OBJECTION", "verify", regime_candidates=("540000", "serious-tax", "default"), on_date=D(2026, 3, 1))
        == list_type_rule
    )


def test_find_rule_ignores_regimes_not_among_the_candidates():
    make_rule(regime="540100")
    with pytest.raises(ProcedureRuleMissing):
        find_rule("OBJECTION", "verify", on_date=D(2026, 3, 1))


def test_find_rule_uses_the_rule_in_force_on_the_date():
    old = make_rule(amount=30, effective_from=D(2020, 1, 1), effective_to=D(2026, 1, 1))
    new = make_rule(amount=20, effective_from=D(2026, 1, 1))
    assert find_rule("OBJECTION", "verify", on_date=D(2025, 12, 31)) == old
    assert find_rule("OBJECTION", "verify", on_date=D(2026, 1, 1)) == new  # effective_to is exclusive
    with pytest.raises(ProcedureRuleMissing):
        find_rule("OBJECTION", "verify", on_date=D(2019, 12, 31))


def test_find_rule_prefers_the_later_of_two_overlapping_rows():
    make_rule(amount=30, effective_from=D(2020, 1, 1))
    later = make_rule(amount=20, effective_from=D(2026, 1, 1))
    assert find_rule("OBJECTION", "verify", on_date=D(2026, 6, 1)) == later


def test_missing_rule_says_what_was_looked_for():
    with pytest.raises(ProcedureRuleMissing) as caught:
        find_rule("REPAIR", "decide", regime_candidates=("540100", "default"), on_date=D(2026, 3, 1))
    error = caught.value
    assert error.code == "procedure_rule_missing"
    assert "REPAIR/decide" in str(error.message)
    assert "540100, default" in str(error.message)
    assert error.extra["regimes"] == ["540100", "default"]


# --- Admin ------------------------------------------------------------------------------------


def test_both_holiday_tables_are_in_the_admin(admin_client):
    assert HolidayYear in admin.site._registry
    assert HolidayOverride in admin.site._registry
    HolidayOverride.objects.create(date=D(2026, 3, 9), kind="HOLIDAY", name="地方假日", source_document="y")
    assert admin_client.get("/admin/deadlines/holidayoverride/").status_code == 200
    assert admin_client.get("/admin/deadlines/holidayyear/").status_code == 200


def test_override_added_in_the_admin_changes_deadlines(admin_client):
    rule = make_rule(amount=5)
    assert compute_for_rule(rule, start=D(2026, 3, 4)).due == D(2026, 3, 9)
    response = admin_client.post(
        "/admin/deadlines/holidayoverride/add/",
        {"date": "2026-03-09", "kind": "HOLIDAY", "name": "地方假日", "source_document": "藏政发〔2026〕1号"},
    )
    assert response.status_code == 302
    assert compute_for_rule(rule, start=D(2026, 3, 4)).due == D(2026, 3, 10)
