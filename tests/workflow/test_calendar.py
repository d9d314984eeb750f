"""The pure calendar and deadline arithmetic (deadlines.calendar), against the package's real
2025-2026 holiday data. No database.

2026 as the package has it: New Year 01-01..03 (make-up Sunday 01-04); Spring Festival 02-15..23
(make-up Saturdays 02-14 and 02-28); Labour Day 05-01..05 (make-up Saturday 05-09); Mid-autumn
09-25..27; National Day 10-01..07 (make-up Sunday 09-20 and Saturday 10-10).
"""

import datetime as dt
import json

import chinese_calendar
import pytest

from deadlines.calendar import (
    CALENDAR_DAYS,
    HOLIDAY,
    MONTHS,
    STATE_PAUSED,
    STATE_RUNNING,
    PROVISIONAL,
    WEEKEND,
    WORKDAY,
    WORKING_DAYS,
    CalendarDataMissing,
    ChinaCalendar,
    DayOverride,
    DeadlineComputation,
    DeadlineInputError,
    Extension,
    Pause,
    add_calendar_days,
    add_months,
    add_working_days,
    compute_deadline,
    count_working_days,
    days_left,
    is_overdue,
    roll_forward,
    statutory_rest_days,
)

D = dt.date
CAL = ChinaCalendar()


def every_day(first: dt.date, last: dt.date):
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


# Start dates for the property loops: every day of 2025-2026 whose periods stay inside 2026
# (the package's last year).
STARTS_2025_2026 = list(every_day(D(2025, 1, 1), D(2026, 10, 31)))


def calendar_2027(*extra: DayOverride) -> ChinaCalendar:
    """2027 declared by the administrator, with a made-up but plausible schedule."""
    overrides = [
        DayOverride(D(2027, 1, 1), HOLIDAY, "元旦"),
        *(DayOverride(D(2027, 2, day), HOLIDAY, "春节") for day in range(5, 14)),
        DayOverride(D(2027, 2, 20), WORKDAY, "春节"),
        *extra,
    ]
    return ChinaCalendar(overrides=overrides, declared_years=[2027])


# --- Classifying days -------------------------------------------------------------------------


def test_national_day_2026_is_a_rest_day_named_national_day():
    for day in every_day(D(2026, 10, 1), D(2026, 10, 7)):
        assert CAL.is_rest_day(day)
        assert not CAL.is_working_day(day)
        assert CAL.rest_day_name(day) == "National Day"


@pytest.mark.parametrize(
    "make_up_day", [D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 9, 20), D(2026, 10, 10)]
)
def test_make_up_weekend_day_is_a_working_day_without_rest_name(make_up_day):
    assert make_up_day.weekday() >= 5
    assert CAL.is_working_day(make_up_day)
    assert CAL.rest_day_name(make_up_day) is None


def test_ordinary_weekend_day_is_a_rest_day_named_weekend():
    assert CAL.rest_day_name(D(2026, 3, 7)) == WEEKEND
    assert CAL.is_rest_day(D(2026, 3, 8))
    assert CAL.holiday_name(D(2026, 3, 7)) is None


def test_ordinary_weekday_is_a_working_day():
    assert CAL.is_working_day(D(2026, 3, 4))
    assert CAL.rest_day_name(D(2026, 3, 4)) is None


def test_holiday_falling_on_a_weekend_is_named_after_the_holiday():
    # 2026-02-15 is a Sunday inside the Spring Festival holiday.
    assert CAL.rest_day_name(D(2026, 2, 15)) == "Spring Festival"


def test_calendar_agrees_with_the_package_on_every_day_it_covers_in_2025_and_2026():
    for day in every_day(D(2025, 1, 1), D(2026, 12, 31)):
        assert CAL.is_working_day(day) == chinese_calendar.is_workday(day), day


@pytest.mark.parametrize("day", [D(2003, 5, 1), D(2101, 1, 3)])
def test_year_outside_official_data_and_the_statutory_rule_raises_calendar_data_missing(day):
    with pytest.raises(CalendarDataMissing) as caught:
        CAL.is_working_day(day)
    assert caught.value.year == day.year
    assert str(day.year) in str(caught.value)


def test_year_without_official_data_is_provisional_by_the_statutory_rule():
    assert not CAL.is_official(2027)
    assert CAL.year_source(2027) == PROVISIONAL
    assert CAL.is_working_day(D(2027, 1, 4))  # an ordinary Monday
    assert CAL.rest_day_name(D(2027, 1, 1)) == "New Year's Day"
    # 春节 2027: 除夕 Fri 02-05 to 初三 Mon 02-08; 初一 and 初二 fall on the weekend, so Tue 02-09
    # and Wed 02-10 are given in lieu (补假).
    assert [CAL.rest_day_name(D(2027, 2, day)) for day in range(4, 12)] == [
        None, *["Spring Festival"] * 6, None,
    ]
    # 劳动节 1-2 May 2027 are Saturday and Sunday: Monday and Tuesday in lieu.
    assert CAL.is_rest_day(D(2027, 5, 3)) and CAL.is_rest_day(D(2027, 5, 4))
    assert CAL.is_working_day(D(2027, 5, 5))
    # 国庆 1-3 October 2027 (Fri-Sun): Monday 4 and Tuesday 5 in lieu.
    assert [CAL.is_rest_day(D(2027, 10, day)) for day in range(1, 7)] == [True] * 5 + [False]
    # No make-up working weekend is guessed.
    assert CAL.is_rest_day(D(2027, 2, 20))


def test_provisional_year_ignores_overrides_until_the_year_is_declared():
    cal = ChinaCalendar(overrides=[DayOverride(D(2027, 1, 4), HOLIDAY, "元旦")])
    assert cal.is_working_day(D(2027, 1, 4))
    assert cal.override_for(D(2027, 1, 4)) is None


@pytest.mark.parametrize("year", [2025, 2026])
def test_statutory_holidays_fall_inside_the_official_schedule(year):
    """The holidays package's lunar and solar-term dates agree with the State Council's schedules:
    every statutory holiday of the rule is a rest day in the official calendar."""
    statutory = {day for day, name in statutory_rest_days(year).items()}
    assert len(statutory) >= 13
    for day in statutory:
        assert not chinese_calendar.is_workday(day), day
    # The lunar dates themselves: 除夕 and 初一 of both years, 清明, 端午 and 中秋.
    if year == 2026:
        for day in (D(2026, 2, 16), D(2026, 2, 17), D(2026, 4, 5), D(2026, 6, 19), D(2026, 9, 25)):
            assert day in statutory
    else:
        for day in (D(2025, 1, 28), D(2025, 1, 29), D(2025, 4, 4), D(2025, 5, 31), D(2025, 10, 6)):
            assert day in statutory


def test_provisional_computation_names_its_source_per_year():
    result = compute_deadline(start=D(2026, 12, 20), amount=20, unit=CALENDAR_DAYS, calendar=CAL)
    # 2026-12-20 + 20 = 2027-01-09, a Saturday: Monday 01-11 (no make-up day is guessed).
    assert result.due == D(2027, 1, 11)
    assert result.provisional
    assert result.calendar_sources == ((2026, CAL.year_source(2026)), (2027, PROVISIONAL))
    stored = result.as_dict()
    assert stored["provisional"] is True
    assert stored["calendar_sources"] == {"2026": CAL.year_source(2026), "2027": "provisional"}
    assert DeadlineComputation.from_dict(stored) == result
    official = compute_deadline(start=D(2026, 3, 3), amount=5, unit=CALENDAR_DAYS, calendar=CAL)
    assert not official.provisional


def test_declared_year_uses_its_overrides_and_ordinary_weekends():
    cal = calendar_2027()
    assert cal.rest_day_name(D(2027, 1, 1)) == "元旦"
    assert cal.rest_day_name(D(2027, 2, 8)) == "春节"  # a Monday inside the declared holiday
    assert cal.is_working_day(D(2027, 2, 20))  # declared make-up Saturday
    assert cal.rest_day_name(D(2027, 1, 2)) == WEEKEND  # Saturday
    assert cal.is_working_day(D(2027, 1, 4))  # an ordinary Monday


def test_override_turns_a_package_working_day_into_a_holiday():
    cal = ChinaCalendar(overrides=[DayOverride(D(2026, 3, 4), HOLIDAY, "地方假日")])
    assert CAL.is_working_day(D(2026, 3, 4))
    assert cal.is_rest_day(D(2026, 3, 4))
    assert cal.rest_day_name(D(2026, 3, 4)) == "地方假日"


def test_override_turns_a_package_holiday_into_a_working_day():
    cal = ChinaCalendar(overrides=[DayOverride(D(2026, 10, 7), WORKDAY, "国庆节")])
    assert cal.is_working_day(D(2026, 10, 7))
    assert cal.rest_day_name(D(2026, 10, 7)) is None


def test_override_turns_a_package_make_up_day_into_a_rest_day():
    cal = ChinaCalendar(overrides=[DayOverride(D(2026, 10, 10), HOLIDAY, "国庆节")])
    assert cal.rest_day_name(D(2026, 10, 10)) == "国庆节"


def test_holiday_override_without_name_is_still_a_named_rest_day():
    cal = ChinaCalendar(overrides=[DayOverride(D(2026, 3, 4), HOLIDAY)])
    assert cal.rest_day_name(D(2026, 3, 4)) == "holiday"


def test_two_overrides_for_one_day_are_refused():
    with pytest.raises(ValueError):
        ChinaCalendar(overrides=[DayOverride(D(2026, 3, 4), HOLIDAY), DayOverride(D(2026, 3, 4), WORKDAY)])


def test_override_kind_must_be_holiday_or_workday():
    with pytest.raises(ValueError):
        DayOverride(D(2026, 3, 4), "HALF_DAY")


def test_datetime_is_refused_where_a_date_is_expected():
    with pytest.raises(TypeError):
        CAL.is_working_day(dt.datetime(2026, 3, 4, 9, 0))
    with pytest.raises(TypeError):
        add_calendar_days(dt.datetime(2026, 3, 4, 9, 0), 5, CAL)


def test_count_working_days_counts_the_half_open_interval():
    assert count_working_days(D(2026, 3, 6), D(2026, 3, 9), CAL) == 1  # Fri -> Mon: only Monday
    assert count_working_days(D(2026, 3, 9), D(2026, 3, 9), CAL) == 0
    assert count_working_days(D(2026, 3, 9), D(2026, 3, 6), CAL) == 0


# --- Calendar-day periods (民法典 arts. 201, 203) -----------------------------------------------


@pytest.mark.parametrize(
    "start, raw_last_day",
    [(D(2026, 9, 11), D(2026, 10, 1)), (D(2026, 9, 12), D(2026, 10, 2)), (D(2026, 9, 17), D(2026, 10, 7))],
)
def test_twenty_day_period_ending_in_national_day_ends_on_first_working_day_after(start, raw_last_day):
    assert start + dt.timedelta(days=20) == raw_last_day
    assert add_calendar_days(start, 20, CAL) == D(2026, 10, 8)


@pytest.mark.parametrize(
    "start, n, make_up_day",
    [(D(2026, 9, 20), 20, D(2026, 10, 10)), (D(2026, 2, 8), 20, D(2026, 2, 28)), (D(2026, 1, 1), 3, D(2026, 1, 4))],
)
def test_period_ending_on_a_make_up_working_day_does_not_move(start, n, make_up_day):
    assert add_calendar_days(start, n, CAL) == make_up_day


def test_period_ending_on_an_ordinary_saturday_moves_to_monday():
    assert add_calendar_days(D(2026, 3, 4), 3, CAL) == D(2026, 3, 9)


def test_trigger_day_is_not_counted():
    # Received Wednesday 2026-03-04: a 5-day period's days are 03-05..03-09, ending on a Monday.
    assert add_calendar_days(D(2026, 3, 4), 5, CAL) == D(2026, 3, 9)


def test_zero_day_period_on_a_rest_day_moves_to_the_next_working_day():
    assert add_calendar_days(D(2026, 10, 3), 0, CAL) == D(2026, 10, 8)


def test_negative_period_is_refused():
    with pytest.raises(ValueError):
        add_calendar_days(D(2026, 3, 4), -1, CAL)


def test_roll_forward_keeps_a_working_day_and_moves_a_rest_day():
    assert roll_forward(D(2026, 10, 10), CAL) == D(2026, 10, 10)
    assert roll_forward(D(2026, 2, 15), CAL) == D(2026, 2, 24)


def test_calendar_period_running_into_an_undeclared_year_is_provisional():
    assert add_calendar_days(D(2026, 12, 20), 20, CAL) == D(2027, 1, 11)


def test_calendar_period_running_into_a_declared_year_uses_its_overrides():
    # 2026-12-20 + 20 = 2027-01-09, a Saturday: Monday 01-11, unless declared a make-up day.
    assert add_calendar_days(D(2026, 12, 20), 20, calendar_2027()) == D(2027, 1, 11)
    make_up = DayOverride(D(2027, 1, 9), WORKDAY, "元旦")
    assert add_calendar_days(D(2026, 12, 20), 20, calendar_2027(make_up)) == D(2027, 1, 9)
    # 2027-01-12 + 25 = 02-06, inside the declared Spring Festival: first working day is 02-15.
    assert add_calendar_days(D(2027, 1, 12), 25, calendar_2027()) == D(2027, 2, 15)


@pytest.mark.parametrize("n", [1, 3, 5, 7, 10, 15, 20, 30, 60])
def test_calendar_day_period_always_ends_on_the_first_working_day_on_or_after_start_plus_n(n):
    for start in STARTS_2025_2026:
        due = add_calendar_days(start, n, CAL)
        raw = start + dt.timedelta(days=n)
        assert CAL.is_working_day(due), (start, n)
        assert due >= raw
        assert all(CAL.is_rest_day(day) for day in every_day(raw, due - dt.timedelta(days=1))), (start, n)


# --- Working-day periods ------------------------------------------------------------------------


def test_working_days_skip_spring_festival_2026_and_count_its_make_up_saturdays():
    # Friday 02-13 + 5: Sat 02-14 (make-up), then 02-24, 25, 26, 27.
    assert add_working_days(D(2026, 2, 13), 5, CAL) == D(2026, 2, 27)
    # One more working day is the make-up Saturday 02-28.
    assert add_working_days(D(2026, 2, 13), 6, CAL) == D(2026, 2, 28)
    # Monday 02-09 + 10: 02-10..13 (4), 02-14 (5), 02-24..27 (9), 02-28 (10).
    assert add_working_days(D(2026, 2, 9), 10, CAL) == D(2026, 2, 28)


def test_working_days_skip_new_year_and_count_its_make_up_sunday():
    assert add_working_days(D(2025, 12, 31), 1, CAL) == D(2026, 1, 4)


def test_working_days_skip_national_day_2026():
    # Wednesday 09-30 + 1: 10-01..07 are holidays, Thursday 10-08 is the first working day.
    assert add_working_days(D(2026, 9, 30), 1, CAL) == D(2026, 10, 8)
    assert add_working_days(D(2026, 9, 30), 3, CAL) == D(2026, 10, 10)  # make-up Saturday


def test_zero_working_days_returns_the_start():
    assert add_working_days(D(2026, 10, 3), 0, CAL) == D(2026, 10, 3)


@pytest.mark.parametrize("n", [1, 2, 3, 5, 7, 10, 15, 20])
def test_working_day_period_has_exactly_n_working_days_after_start_and_ends_on_one(n):
    for start in STARTS_2025_2026:
        due = add_working_days(start, n, CAL)
        assert CAL.is_working_day(due), (start, n)
        assert count_working_days(start, due, CAL) == n, (start, n)


# --- Month periods (民法典 arts. 201-203) -------------------------------------------------------


@pytest.mark.parametrize(
    "start, n, due",
    [
        (D(2026, 3, 16), 1, D(2026, 4, 16)),  # corresponding day, a Thursday
        (D(2025, 1, 31), 1, D(2025, 2, 28)),  # no 31 February: the month's last day (Friday)
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year
        (D(2026, 1, 31), 1, D(2026, 2, 28)),  # month end is a make-up Saturday: does not move
        (D(2026, 9, 1), 1, D(2026, 10, 8)),  # 10-01 is National Day
        (D(2025, 5, 1), 12, D(2026, 5, 6)),  # 2026-05-01 is Labour Day
    ],
)
def test_month_period_ends_on_the_corresponding_day_or_month_end_then_moves_off_rest_days(start, n, due):
    assert add_months(start, n, CAL) == due


def test_month_period_without_corresponding_day_ending_on_a_make_up_saturday_stays():
    assert add_months(D(2025, 11, 30), 3, CAL) == D(2026, 2, 28)


@pytest.mark.parametrize("n", [1, 2, 3, 6, 12])
def test_month_period_always_ends_on_a_working_day_no_earlier_than_the_corresponding_day(n):
    for start in every_day(D(2025, 1, 1), D(2025, 12, 31)):
        due = add_months(start, n, CAL)
        month_index = start.month - 1 + n
        year, month = start.year + month_index // 12, month_index % 12 + 1
        assert (due.year, due.month) >= (year, month)
        assert CAL.is_working_day(due)
        if due.month == month:
            assert due.day >= min(start.day, 28)


# --- compute_deadline: plain periods ----------------------------------------------------------


@pytest.mark.parametrize(
    "unit, add, amounts",
    [
        (CALENDAR_DAYS, add_calendar_days, (1, 5, 20, 30)),
        (WORKING_DAYS, add_working_days, (1, 5, 20)),
        (MONTHS, add_months, (1, 3)),
    ],
)
def test_unpaused_computation_agrees_with_the_plain_functions(unit, add, amounts):
    for start in STARTS_2025_2026[:600:3]:  # up to 2026-08: month periods stay inside 2026
        for amount in amounts:
            result = compute_deadline(start=start, amount=amount, unit=unit, calendar=CAL)
            assert result.due == add(start, amount, CAL), (start, amount)
            assert result.state == STATE_RUNNING
            assert result.paused_days == 0


def test_computation_records_the_days_it_moved_over_and_the_holidays_crossed():
    result = compute_deadline(
        start=D(2026, 9, 12), amount=20, unit=CALENDAR_DAYS, calendar=CAL, rule_ref="OBJECTION/verify/default"
    )
    assert result.raw_due == D(2026, 10, 2)
    assert result.due == D(2026, 10, 8)
    assert result.shifted == tuple((day, "National Day") for day in every_day(D(2026, 10, 2), D(2026, 10, 7)))
    assert result.holidays_crossed == (
        *((day, "Mid-autumn Festival") for day in every_day(D(2026, 9, 25), D(2026, 9, 27))),
        *((day, "National Day") for day in every_day(D(2026, 10, 1), D(2026, 10, 7))),
    )
    assert result.rule_ref == "OBJECTION/verify/default"


def test_computation_on_a_working_day_records_no_shift():
    result = compute_deadline(start=D(2026, 3, 4), amount=5, unit=CALENDAR_DAYS, calendar=CAL)
    assert result.raw_due == D(2026, 3, 9) == result.due
    assert result.shifted == ()
    assert result.holidays_crossed == ()


def test_shift_over_an_ordinary_weekend_gives_weekend_as_reason():
    result = compute_deadline(start=D(2026, 3, 4), amount=3, unit=CALENDAR_DAYS, calendar=CAL)
    assert result.shifted == ((D(2026, 3, 7), WEEKEND), (D(2026, 3, 8), WEEKEND))


def test_computation_records_the_overrides_it_used():
    local_holiday = DayOverride(D(2026, 3, 9), HOLIDAY, "地方假日")
    cal = ChinaCalendar(overrides=[local_holiday, DayOverride(D(2026, 6, 1), HOLIDAY, "other")])
    result = compute_deadline(start=D(2026, 3, 4), amount=5, unit=CALENDAR_DAYS, calendar=cal)
    assert result.due == D(2026, 3, 10)
    assert result.overrides_applied == (local_holiday,)
    assert result.shifted == ((D(2026, 3, 9), "地方假日"),)


def test_unknown_unit_is_refused():
    with pytest.raises(DeadlineInputError):
        compute_deadline(start=D(2026, 3, 4), amount=5, unit="WEEKS", calendar=CAL)


def test_negative_amount_is_refused():
    with pytest.raises(ValueError):
        compute_deadline(start=D(2026, 3, 4), amount=-5, unit=CALENDAR_DAYS, calendar=CAL)


# --- Pauses -----------------------------------------------------------------------------------


def test_calendar_day_pause_of_seven_days_moves_the_deadline_by_seven_days():
    # Tuesday 03-03 + 20 = Monday 03-23; paused 03-05 -> 03-12: Monday 03-30.
    plain = compute_deadline(start=D(2026, 3, 3), amount=20, unit=CALENDAR_DAYS, calendar=CAL)
    paused = compute_deadline(
        start=D(2026, 3, 3), amount=20, unit=CALENDAR_DAYS, calendar=CAL, pauses=[Pause(D(2026, 3, 5), D(2026, 3, 12))]
    )
    assert plain.due == D(2026, 3, 23)
    assert paused.paused_days == 7
    assert paused.raw_due == D(2026, 3, 30) == paused.due


def test_calendar_day_pause_moves_the_counting_end_then_the_rest_day_shift_applies():
    # 09-10 + 20 = 09-30; paused 2 days: 10-02 is National Day -> 10-08.
    result = compute_deadline(
        start=D(2026, 9, 10),
        amount=20,
        unit=CALENDAR_DAYS,
        calendar=CAL,
        pauses=[Pause(D(2026, 9, 14), D(2026, 9, 16))],
    )
    assert result.raw_due == D(2026, 10, 2)
    assert result.due == D(2026, 10, 8)


@pytest.mark.parametrize("pause_days", [0, 1, 2, 5, 10, 20, 31])
def test_every_calendar_day_pause_moves_the_counting_end_by_its_length(pause_days):
    for start in STARTS_2025_2026[:365:2]:
        plain = compute_deadline(start=start, amount=20, unit=CALENDAR_DAYS, calendar=CAL)
        for offset in (0, 1, 10, 20):  # pause on the trigger day, inside, and on the last counted day
            pause_start = start + dt.timedelta(days=offset)
            pause = Pause(pause_start, pause_start + dt.timedelta(days=pause_days))
            paused = compute_deadline(start=start, amount=20, unit=CALENDAR_DAYS, calendar=CAL, pauses=[pause])
            assert paused.paused_days == pause_days
            assert paused.raw_due == plain.raw_due + dt.timedelta(days=pause_days)
            assert paused.due == roll_forward(paused.raw_due, CAL)


def test_month_period_pause_moves_the_deadline_by_calendar_days():
    # 2026-03-16 + 1 month = 04-16 (Thursday); paused 4 days: Monday 04-20.
    result = compute_deadline(
        start=D(2026, 3, 16), amount=1, unit=MONTHS, calendar=CAL, pauses=[Pause(D(2026, 3, 20), D(2026, 3, 24))]
    )
    assert result.paused_days == 4
    assert result.due == D(2026, 4, 20)


def test_working_day_pause_moves_the_deadline_by_the_working_days_inside_it():
    # Monday 03-02 + 10 working days = Monday 03-16. Pause (Wed 03-04, Mon 03-09] holds Thu, Fri, Mon.
    result = compute_deadline(
        start=D(2026, 3, 2), amount=10, unit=WORKING_DAYS, calendar=CAL, pauses=[Pause(D(2026, 3, 4), D(2026, 3, 9))]
    )
    assert result.paused_days == 3
    assert result.due == D(2026, 3, 19)


def test_working_day_pause_over_spring_festival_counts_only_its_working_days():
    # Pause (02-13, 02-25]: make-up Saturday 02-14, then 02-24 and 02-25; the holiday costs nothing.
    start = D(2026, 2, 2)
    plain = compute_deadline(start=start, amount=15, unit=WORKING_DAYS, calendar=CAL)
    paused = compute_deadline(
        start=start, amount=15, unit=WORKING_DAYS, calendar=CAL, pauses=[Pause(D(2026, 2, 13), D(2026, 2, 25))]
    )
    assert plain.due == D(2026, 2, 28)  # the second make-up Saturday
    assert paused.paused_days == 3
    assert paused.due == add_working_days(plain.due, 3, CAL) == D(2026, 3, 4)


@pytest.mark.parametrize(
    "pause, moved",
    [
        (Pause(D(2026, 3, 6), D(2026, 3, 8)), 0),  # Friday -> Sunday: Friday counts, the weekend is no loss
        (Pause(D(2026, 3, 7), D(2026, 3, 9)), 1),  # Saturday -> Monday: Monday, the resumption day, is lost
        (Pause(D(2026, 3, 6), D(2026, 3, 9)), 1),  # Friday -> Monday
        (Pause(D(2026, 3, 4), D(2026, 3, 5)), 1),  # one working day
    ],
)
def test_working_day_pause_covers_the_days_after_it_starts_up_to_the_day_it_ends(pause, moved):
    result = compute_deadline(start=D(2026, 3, 2), amount=10, unit=WORKING_DAYS, calendar=CAL, pauses=[pause])
    assert result.paused_days == moved
    assert result.due == add_working_days(D(2026, 3, 16), moved, CAL)


def test_every_working_day_pause_moves_the_deadline_by_its_working_days():
    for start in STARTS_2025_2026[:400:3]:
        plain = compute_deadline(start=start, amount=10, unit=WORKING_DAYS, calendar=CAL)
        for offset in (0, 1, 4, 9):
            pause_start = start + dt.timedelta(days=offset)
            for length in (1, 3, 7, 15):
                pause = Pause(pause_start, pause_start + dt.timedelta(days=length))
                paused = compute_deadline(start=start, amount=10, unit=WORKING_DAYS, calendar=CAL, pauses=[pause])
                inside = count_working_days(pause.start, pause.end, CAL)
                assert paused.paused_days == inside
                assert paused.due == add_working_days(plain.due, inside, CAL)
                # Equivalently: 10 working days are counted outside the pause.
                counted = count_working_days(start, paused.due, CAL) - count_working_days(
                    pause.start, min(pause.end, paused.due), CAL
                )
                assert counted == 10, (start, pause)


def test_pauses_add_up():
    result = compute_deadline(
        start=D(2026, 3, 3),
        amount=20,
        unit=CALENDAR_DAYS,
        calendar=CAL,
        pauses=[Pause(D(2026, 3, 20), D(2026, 3, 22)), Pause(D(2026, 3, 5), D(2026, 3, 10))],
    )
    assert result.paused_days == 7
    assert result.due == D(2026, 3, 30)
    assert [p.start for p in result.pauses] == [D(2026, 3, 5), D(2026, 3, 20)]


def test_open_pause_leaves_the_deadline_undetermined():
    result = compute_deadline(
        start=D(2026, 3, 3),
        amount=20,
        unit=CALENDAR_DAYS,
        calendar=CAL,
        pauses=[Pause(D(2026, 3, 5), D(2026, 3, 10)), Pause(D(2026, 3, 12))],
    )
    assert result.state == STATE_PAUSED
    assert result.is_paused
    assert result.due is None
    assert result.raw_due is None
    assert result.paused_days == 5
    assert days_left(result.due, D(2026, 3, 30), CALENDAR_DAYS, CAL) is None
    assert not is_overdue(result.due, D(2027, 1, 1))


def test_open_pause_started_within_an_extended_period_is_accepted():
    result = compute_deadline(
        start=D(2026, 3, 3),
        amount=5,
        unit=CALENDAR_DAYS,
        calendar=CAL,
        extension=Extension(5, CALENDAR_DAYS, "complex case"),
        pauses=[Pause(D(2026, 3, 12))],
    )
    assert result.state == STATE_PAUSED


def test_pause_starting_after_the_last_counted_day_is_refused():
    with pytest.raises(DeadlineInputError, match="cannot be paused"):
        compute_deadline(
            start=D(2026, 3, 3),
            amount=20,
            unit=CALENDAR_DAYS,
            calendar=CAL,
            pauses=[Pause(D(2026, 3, 24), D(2026, 3, 26))],
        )


def test_pause_during_the_holiday_grace_days_is_refused():
    # The counting end is 10-02; the deadline moved to 10-08 only because of art. 203.
    with pytest.raises(DeadlineInputError):
        compute_deadline(
            start=D(2026, 9, 12), amount=20, unit=CALENDAR_DAYS, calendar=CAL, pauses=[Pause(D(2026, 10, 5))]
        )


def test_pause_starting_before_the_period_is_refused():
    with pytest.raises(DeadlineInputError):
        compute_deadline(
            start=D(2026, 3, 3),
            amount=20,
            unit=CALENDAR_DAYS,
            calendar=CAL,
            pauses=[Pause(D(2026, 3, 2), D(2026, 3, 5))],
        )


@pytest.mark.parametrize(
    "pauses",
    [
        [Pause(D(2026, 3, 5), D(2026, 3, 10)), Pause(D(2026, 3, 8), D(2026, 3, 12))],
        [Pause(D(2026, 3, 5)), Pause(D(2026, 3, 8), D(2026, 3, 12))],
    ],
)
def test_overlapping_pauses_are_refused(pauses):
    with pytest.raises(DeadlineInputError, match="overlap"):
        compute_deadline(start=D(2026, 3, 3), amount=20, unit=CALENDAR_DAYS, calendar=CAL, pauses=pauses)


def test_pause_that_resumes_the_day_the_next_one_starts_is_accepted():
    result = compute_deadline(
        start=D(2026, 3, 3),
        amount=20,
        unit=CALENDAR_DAYS,
        calendar=CAL,
        pauses=[Pause(D(2026, 3, 5), D(2026, 3, 8)), Pause(D(2026, 3, 8), D(2026, 3, 12))],
    )
    assert result.paused_days == 7


def test_pause_ending_before_it_starts_is_refused():
    with pytest.raises(DeadlineInputError):
        Pause(D(2026, 3, 10), D(2026, 3, 5))


# --- Extension --------------------------------------------------------------------------------


def test_extension_continues_the_period_from_its_counting_end():
    # 09-02 + 20 = 09-22 (Tuesday); + 10 more days = 10-02 (National Day) -> 10-08. The 20-day
    # period plus a 10-day extension is one 30-day period.
    result = compute_deadline(
        start=D(2026, 9, 2),
        amount=20,
        unit=CALENDAR_DAYS,
        calendar=CAL,
        extension=Extension(10, CALENDAR_DAYS, "需要现场核查"),
    )
    assert result.raw_due == D(2026, 10, 2)
    assert result.due == D(2026, 10, 8) == add_calendar_days(D(2026, 9, 2), 30, CAL)
    assert result.extension.reason == "需要现场核查"


def test_extension_is_counted_from_the_unshifted_end_not_from_the_holiday_shift():
    # 09-12 + 20 = 10-02 (holiday); + 5 = 10-07 (holiday) -> 10-08; not 10-08 + 5.
    result = compute_deadline(
        start=D(2026, 9, 12), amount=20, unit=CALENDAR_DAYS, calendar=CAL, extension=Extension(5, CALENDAR_DAYS, "r")
    )
    assert result.due == D(2026, 10, 8)


def test_working_day_extension_of_a_calendar_day_period():
    # 09-12 + 20 = 10-02; + 3 working days = 10-08, 10-09, 10-10 (make-up Saturday).
    result = compute_deadline(
        start=D(2026, 9, 12), amount=20, unit=CALENDAR_DAYS, calendar=CAL, extension=Extension(3, WORKING_DAYS, "r")
    )
    assert result.due == D(2026, 10, 10)


def test_extension_and_pause_together():
    result = compute_deadline(
        start=D(2026, 3, 3),
        amount=20,
        unit=CALENDAR_DAYS,
        calendar=CAL,
        extension=Extension(10, CALENDAR_DAYS, "r"),
        pauses=[Pause(D(2026, 3, 25), D(2026, 3, 27))],  # after the original end, within the extension
    )
    assert result.raw_due == D(2026, 4, 4)  # 03-03 + 30 + 2 = 04-04, Tomb-sweeping Day
    assert result.due == D(2026, 4, 7)


def test_extension_needs_a_reason_and_a_length():
    with pytest.raises(DeadlineInputError):
        Extension(10, CALENDAR_DAYS, "  ")
    with pytest.raises(DeadlineInputError):
        Extension(0, CALENDAR_DAYS, "reason")
    with pytest.raises(DeadlineInputError):
        Extension(10, "WEEKS", "reason")


def test_only_one_extension_can_be_given():
    extensions = [Extension(5, CALENDAR_DAYS, "a"), Extension(5, CALENDAR_DAYS, "b")]
    with pytest.raises(TypeError):
        compute_deadline(start=D(2026, 3, 3), amount=20, unit=CALENDAR_DAYS, calendar=CAL, extension=extensions)


# --- The stored record ------------------------------------------------------------------------

STORED_EXAMPLES = [
    {"start": D(2026, 9, 12), "amount": 20, "unit": CALENDAR_DAYS},
    {"start": D(2026, 2, 2), "amount": 15, "unit": WORKING_DAYS, "pauses": [Pause(D(2026, 2, 13), D(2026, 2, 25))]},
    {"start": D(2026, 3, 3), "amount": 20, "unit": CALENDAR_DAYS, "pauses": [Pause(D(2026, 3, 5))]},
    {"start": D(2026, 9, 2), "amount": 1, "unit": MONTHS, "extension": Extension(10, CALENDAR_DAYS, "需要补充材料")},
]


@pytest.mark.parametrize("inputs", STORED_EXAMPLES)
def test_computation_round_trips_through_json(inputs):
    cal = ChinaCalendar(overrides=[DayOverride(D(2026, 9, 16), HOLIDAY, "地方假日")])
    result = compute_deadline(calendar=cal, rule_ref="LIST_ENTRY/notice/default: 20 CALENDAR_DAYS (x)", **inputs)
    text = json.dumps(result.as_dict(), ensure_ascii=False)
    assert DeadlineComputation.from_dict(json.loads(text)) == result


def test_stored_computation_uses_iso_dates_and_names_every_input():
    result = compute_deadline(
        start=D(2026, 9, 12),
        amount=20,
        unit=CALENDAR_DAYS,
        calendar=CAL,
        pauses=[Pause(D(2026, 9, 14), D(2026, 9, 15))],
        extension=Extension(2, WORKING_DAYS, "需要补充材料"),
        rule_ref="OBJECTION/verify/default: 20 CALENDAR_DAYS (x)",
    )
    stored = result.as_dict()
    assert stored["format"] == 2
    assert stored["start"] == "2026-09-12"
    assert stored["pauses"] == [{"start": "2026-09-14", "end": "2026-09-15"}]
    assert stored["extension"] == {"amount": 2, "unit": WORKING_DAYS, "reason": "需要补充材料"}
    assert stored["state"] == "running"
    # 09-12 + 20 = 10-02; + 2 working days = 10-09; + 1 paused day = 10-10, a make-up Saturday.
    assert stored["paused_days"] == 1
    assert stored["raw_due"] == "2026-10-10"
    assert stored["due"] == "2026-10-10"
    assert stored["shifted"] == []
    assert stored["calendar_data"].startswith("chinesecalendar ")
    assert stored["provisional"] is False


def test_format_1_computations_stored_before_calendar_sources_still_read():
    stored = compute_deadline(start=D(2026, 3, 3), amount=1, unit=CALENDAR_DAYS, calendar=CAL).as_dict()
    stored["format"] = 1
    del stored["calendar_sources"], stored["provisional"]
    assert DeadlineComputation.from_dict(stored).due == D(2026, 3, 4)


def test_unknown_stored_format_is_refused():
    stored = compute_deadline(start=D(2026, 3, 3), amount=1, unit=CALENDAR_DAYS, calendar=CAL).as_dict()
    stored["format"] = 99
    with pytest.raises(ValueError):
        DeadlineComputation.from_dict(stored)


# --- Days left and overdue --------------------------------------------------------------------


def test_calendar_days_left_counts_down_to_zero_and_below():
    due = D(2026, 10, 8)
    assert days_left(due, D(2026, 10, 1), CALENDAR_DAYS, CAL) == 7
    assert days_left(due, due, CALENDAR_DAYS, CAL) == 0
    assert days_left(due, D(2026, 10, 10), CALENDAR_DAYS, CAL) == -2
    assert days_left(due, D(2026, 10, 1), MONTHS, CAL) == 7


def test_working_days_left_skips_the_holiday():
    due = D(2026, 10, 8)
    assert days_left(due, D(2026, 9, 30), WORKING_DAYS, CAL) == 1
    assert days_left(due, D(2026, 9, 29), WORKING_DAYS, CAL) == 2
    assert days_left(D(2026, 10, 12), D(2026, 10, 8), WORKING_DAYS, CAL) == 3  # 09, 10 (make-up), 12


def test_overdue_working_day_deadline_is_never_reported_as_zero_left():
    due = D(2026, 3, 6)  # Friday
    assert days_left(due, D(2026, 3, 7), WORKING_DAYS, CAL) == -1  # Saturday
    assert days_left(due, D(2026, 3, 9), WORKING_DAYS, CAL) == -1  # Monday
    assert days_left(due, D(2026, 3, 10), WORKING_DAYS, CAL) == -2


def test_working_days_left_matches_add_working_days():
    for today in STARTS_2025_2026[::5]:
        for n in (0, 1, 5, 10):
            assert days_left(add_working_days(today, n, CAL), today, WORKING_DAYS, CAL) == n


def test_overdue_only_after_the_due_date():
    due = D(2026, 10, 8)
    assert not is_overdue(due, D(2026, 10, 7))
    assert not is_overdue(due, due)
    assert is_overdue(due, D(2026, 10, 9))
    assert not is_overdue(None, D(2026, 10, 9))
