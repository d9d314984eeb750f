"""A year's official schedule as a file: the files we ship for 2025 and 2026 give exactly the
chinesecalendar package's calendar and deadlines, and a wrong file is refused with one clear line
per problem, nothing written."""

import datetime as dt
import json
from pathlib import Path

import chinese_calendar
import pytest
from django.core.management import CommandError, call_command

from deadlines import calendar as cal
from deadlines.models import HolidayOverride, HolidayYear
from deadlines.schedule import ScheduleInvalid, parse_schedule

HOLIDAYS_DIR = Path(__file__).resolve().parents[2] / "deploy" / "holidays"


def _published_calendar(*years: int) -> cal.ChinaCalendar:
    overrides, sources = [], {}
    for year in years:
        schedule = parse_schedule((HOLIDAYS_DIR / f"{year}.json").read_bytes())
        overrides += schedule.overrides
        sources[year] = schedule.source_document
    return cal.ChinaCalendar(overrides=overrides, declared_years=years, year_sources=sources)


def _days(year: int):
    day = dt.date(year, 1, 1)
    while day.year == year:
        yield day
        day += dt.timedelta(days=1)


@pytest.mark.parametrize("year", [2025, 2026])
def test_shipped_schedule_gives_the_packages_calendar_on_every_day(year):
    published = _published_calendar(year)
    assert published.year_source(year).startswith("国办发明电")
    for day in _days(year):
        assert published.is_working_day(day) == chinese_calendar.is_workday(day), day


@pytest.mark.parametrize("year", [2025, 2026])
def test_shipped_schedule_gives_the_packages_deadlines_from_every_day(year):
    published, package = _published_calendar(2025, 2026), cal.ChinaCalendar()
    for start in _days(year):
        for amount, unit in ((5, cal.WORKING_DAYS), (20, cal.CALENDAR_DAYS), (1, cal.MONTHS)):
            ours = cal.compute_deadline(start=start, amount=amount, unit=unit, calendar=published)
            theirs = cal.compute_deadline(start=start, amount=amount, unit=unit, calendar=package)
            assert ours.due == theirs.due, (start, amount, unit)


def _valid_2027() -> dict:
    return {
        "year": 2027, "source_document": "国办发明电〔2026〕99号",
        "holidays": [{"name": name, "from": day.isoformat(), "to": day.isoformat()}
                     for day, name in sorted(cal.statutory_holidays(2027).items())],
        "workdays": [],
    }


def test_a_file_with_every_statutory_holiday_is_accepted():
    schedule = parse_schedule(json.dumps(_valid_2027()))
    assert schedule.year == 2027 and len(schedule.holidays) == 13 and not schedule.workdays


def test_a_wrong_file_is_refused_with_one_line_per_problem():
    data = _valid_2027()
    data["holidays"] = [h for h in data["holidays"] if h["name"] != "中秋节"]  # 中秋 left out
    data["holidays"].append({"name": "元旦", "from": "2027-01-01", "to": "2027-01-01"})  # a date twice
    data["holidays"].append({"name": "春节", "from": "2027-02-12", "to": "2027-02-10"})  # runs backwards
    data["workdays"] = [{"name": "春节", "date": "2027-02-17"},  # a Wednesday
                        {"name": "春节", "date": "2027-02-30"}]  # no such day
    with pytest.raises(ScheduleInvalid) as refused:
        parse_schedule(json.dumps(data))
    errors = refused.value.errors
    assert any("2027-09-15" in e and "中秋节" in e for e in errors), errors
    assert any("appears twice" in e and "2027-01-01" in e for e in errors), errors
    assert any("ends (2027-02-10) before it starts" in e for e in errors), errors
    assert any("2027-02-17 is a weekday" in e for e in errors), errors
    assert any("'2027-02-30' is not a date" in e for e in errors), errors
    assert len(errors) == 5


@pytest.mark.parametrize("text", [b"not json", b"[]", b'{"year": 1999}', b'{"year": "2027"}'])
def test_a_file_that_is_not_a_schedule_is_refused(text):
    with pytest.raises(ScheduleInvalid):
        parse_schedule(text)


@pytest.mark.django_db
def test_the_command_refuses_a_bad_file_and_writes_nothing(tmp_path, capsys):
    data = _valid_2027()
    data["workdays"] = [{"name": "春节", "date": "2027-02-17"}]
    path = tmp_path / "2027.json"
    path.write_text(json.dumps(data, ensure_ascii=False))
    with pytest.raises(CommandError, match="refused"):
        call_command("holidays_publish", str(path))
    assert "2027-02-17 is a weekday" in capsys.readouterr().err
    assert not HolidayYear.objects.exists() and not HolidayOverride.objects.exists()


@pytest.mark.django_db
def test_the_command_checks_without_writing(tmp_path, capsys):
    path = tmp_path / "2027.json"
    path.write_text(json.dumps(_valid_2027(), ensure_ascii=False))
    call_command("holidays_publish", str(path), "--check")
    assert "nothing was changed" in capsys.readouterr().out
    assert not HolidayYear.objects.exists()


@pytest.mark.django_db
def test_publishing_the_shipped_2026_file_twice_changes_nothing_the_second_time(capsys):
    call_command("holidays_publish", str(HOLIDAYS_DIR / "2026.json"))
    first = list(HolidayOverride.objects.values_list("pk", "date", "kind"))
    call_command("holidays_publish", str(HOLIDAYS_DIR / "2026.json"))
    assert "already published" in capsys.readouterr().out
    assert list(HolidayOverride.objects.values_list("pk", "date", "kind")) == first
    assert HolidayYear.objects.get(year=2026).declared_complete
