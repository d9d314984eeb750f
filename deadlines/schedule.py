"""A year's official holiday schedule (国务院办公厅关于××年部分节假日安排的通知) as a small JSON
file, checked before it is accepted, and published: the year becomes official and every open
deadline that looked at it is recomputed.

The format (``deploy/holidays/2026.json`` is a full example)::

    {
      "year": 2027,
      "source_document": "国办发明电〔2026〕N号",
      "title": "国务院办公厅关于2027年部分节假日安排的通知",     (optional)
      "holidays": [                                          rest days, as periods
        {"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"},
        {"name": "春节", "from": "2027-02-05", "to": "2027-02-12"}
      ],
      "workdays": [                                          make-up working days (调休上班)
        {"name": "春节", "date": "2027-02-20"}
      ]
    }

Checks, each reported with the item it concerns: the file is a JSON object with a year between
2000 and 2100 and a document number; every date is a real date of that year, every period runs
forwards; every statutory holiday of the year (《全国年节及纪念日放假办法》) lies inside a holiday
period; a make-up working day is a Saturday or Sunday; no date appears twice.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from django.db import transaction

from deadlines import calendar as cal
from deadlines.models import HolidayOverride, HolidayYear


class ScheduleInvalid(ValueError):
    """The file was refused; ``errors`` lists every problem found, one line each."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class Schedule:
    year: int
    source_document: str
    title: str = ""
    overrides: list[cal.DayOverride] = field(default_factory=list)

    @property
    def holidays(self) -> list[cal.DayOverride]:
        return [o for o in self.overrides if o.kind == cal.HOLIDAY]

    @property
    def workdays(self) -> list[cal.DayOverride]:
        return [o for o in self.overrides if o.kind == cal.WORKDAY]


def _date(value, where: str, errors: list[str]) -> dt.date | None:
    if not isinstance(value, str):
        errors.append(f"{where}: a date is written YYYY-MM-DD, not {value!r}")
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors.append(f"{where}: {value!r} is not a date (YYYY-MM-DD)")
        return None


def parse_schedule(text: str | bytes) -> Schedule:
    """Read and check a schedule file; raise ScheduleInvalid with every problem found."""
    errors: list[str] = []
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ScheduleInvalid([f"the file is not JSON: {exc}"]) from None
    if not isinstance(data, dict):
        raise ScheduleInvalid(["the file must be one JSON object with year, source_document, holidays, workdays"])
    unknown = set(data) - {"year", "source_document", "title", "holidays", "workdays", "note"}
    if unknown:
        errors.append(f"unknown keys: {', '.join(sorted(unknown))}")
    year = data.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ScheduleInvalid([*errors, f"year: a whole number from 2000 to 2100, not {year!r}"])
    source = data.get("source_document")
    if not isinstance(source, str) or not source.strip():
        errors.append("source_document: the notice's document number is required (e.g. 国办发明电〔2026〕7号)")
        source = ""
    title = data.get("title") or ""
    seen: dict[dt.date, str] = {}
    overrides: list[cal.DayOverride] = []

    def take(day: dt.date, kind: str, name: str, where: str) -> None:
        if day.year != year:
            errors.append(f"{where}: {day.isoformat()} is not in {year}")
            return
        if day in seen:
            errors.append(f"{where}: {day.isoformat()} appears twice (also {seen[day]})")
            return
        seen[day] = where
        overrides.append(cal.DayOverride(date=day, kind=kind, name=name))

    periods = data.get("holidays")
    if not isinstance(periods, list) or not periods:
        errors.append("holidays: a list of periods {name, from, to} is required")
        periods = []
    for i, period in enumerate(periods, 1):
        where = f"holidays[{i}]"
        if not isinstance(period, dict):
            errors.append(f"{where}: a period is an object {{name, from, to}}")
            continue
        name = period.get("name")
        if not isinstance(name, str) or not name.strip():
            errors.append(f"{where}: name is required (e.g. 春节)")
            name = ""
        where = f"{where} {name}".rstrip()
        first = _date(period.get("from"), f"{where} from", errors)
        last = _date(period.get("to", period.get("from")), f"{where} to", errors)
        if first is None or last is None:
            continue
        if last < first:
            errors.append(f"{where}: ends ({last.isoformat()}) before it starts ({first.isoformat()})")
            continue
        if (last - first).days > 15:
            errors.append(f"{where}: {first.isoformat()} to {last.isoformat()} is longer than any holiday")
            continue
        day = first
        while day <= last:
            take(day, cal.HOLIDAY, name.strip(), where)
            day += dt.timedelta(days=1)

    workdays = data.get("workdays", [])
    if not isinstance(workdays, list):
        errors.append("workdays: a list of {name, date}")
        workdays = []
    for i, item in enumerate(workdays, 1):
        where = f"workdays[{i}]"
        if not isinstance(item, dict):
            errors.append(f"{where}: a make-up working day is an object {{name, date}}")
            continue
        name = item.get("name") if isinstance(item.get("name"), str) else ""
        where = f"{where} {name}".rstrip()
        day = _date(item.get("date"), where, errors)
        if day is None:
            continue
        if day.weekday() < 5:
            errors.append(f"{where}: {day.isoformat()} is a weekday; a make-up working day is a Saturday or Sunday")
            continue
        take(day, cal.WORKDAY, name.strip(), where)

    if year in cal.PROVISIONAL_YEARS:
        rest = {o.date for o in overrides if o.kind == cal.HOLIDAY}
        for day, name in sorted(cal.statutory_holidays(year).items()):
            if day not in rest:
                errors.append(f"statutory holiday missing: {day.isoformat()} ({name}) must lie in a holiday period")
    if errors:
        raise ScheduleInvalid(errors)
    return Schedule(year=year, source_document=source.strip(), title=title, overrides=overrides)


def schedule_as_json(year: int, source_document: str, overrides, title: str = "") -> str:
    """The file for a year's overrides (how deploy/holidays/ was written): periods of consecutive
    rest days with one name, and the make-up working days."""
    holidays, workdays = [], []
    for o in sorted(overrides, key=lambda o: o.date):
        if o.kind == cal.WORKDAY:
            workdays.append({"name": o.name, "date": o.date.isoformat()})
        elif holidays and holidays[-1]["name"] == o.name and \
                dt.date.fromisoformat(holidays[-1]["to"]) + dt.timedelta(days=1) == o.date:
            holidays[-1]["to"] = o.date.isoformat()
        else:
            holidays.append({"name": o.name, "from": o.date.isoformat(), "to": o.date.isoformat()})
    head = {"year": year, "source_document": source_document, **({"title": title} if title else {})}
    lines = ["{"] + [f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}," for k, v in head.items()]
    for key, items in (("holidays", holidays), ("workdays", workdays)):
        rows = [f"    {json.dumps(item, ensure_ascii=False)}" for item in items]
        lines.append(f'  "{key}": [' + ("\n" + ",\n".join(rows) + "\n  ]" if rows else "]") +
                     ("," if key == "holidays" else ""))
    return "\n".join(lines) + "\n}\n"


@dataclass
class Published:
    year: int
    created: bool
    changed: bool  # False when the same schedule was already published


@transaction.atomic
def publish_schedule(schedule: Schedule) -> Published:
    """Make ``schedule`` the year's official calendar: the year's overrides are replaced by the
    schedule's and the year is declared complete. Publishing the same schedule again changes
    nothing. The caller recomputes the open deadlines afterwards (``deadlines.tasks``)."""
    year_row, created = HolidayYear.objects.select_for_update().get_or_create(
        year=schedule.year, defaults={"source_document": schedule.source_document, "declared_complete": False}
    )
    wanted = {(o.date, o.kind, o.name) for o in schedule.overrides}
    existing = {(o.date, o.kind, o.name): o for o in HolidayOverride.objects.filter(date__year=schedule.year)}
    same_days = set(existing) == wanted and all(
        o.source_document == schedule.source_document for o in existing.values())
    changed = created or not same_days or not year_row.declared_complete or \
        year_row.source_document != schedule.source_document
    if not changed:
        return Published(year=schedule.year, created=False, changed=False)
    HolidayOverride.objects.filter(date__year=schedule.year).delete()
    HolidayOverride.objects.bulk_create(
        HolidayOverride(date=o.date, kind=o.kind, name=o.name, source_document=schedule.source_document)
        for o in sorted(schedule.overrides, key=lambda o: o.date)
    )
    year_row.source_document = schedule.source_document
    year_row.declared_complete = True
    if schedule.title:
        year_row.note = schedule.title
    year_row.save()  # its post_save signal invalidates every process's calendar
    return Published(year=schedule.year, created=created, changed=True)
