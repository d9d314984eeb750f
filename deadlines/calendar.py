"""Pure calendar and deadline arithmetic (期限计算). No Django in this module.

The rules, from the Civil Code (民法典):

- art. 201: 按照年、月、日、小时计算期间的，开始的当日不计入，自下一日开始计算。
  (The day of the trigger is not counted; counting starts the next day.)
- art. 202: 按照年、月计算期间的，到期月的对应日为期间的最后一日；没有对应日的，月末日为期间的最后一日。
  (Month periods end on the corresponding day of the last month, or that month's last day.)
- art. 203: 期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日。
  (A period whose last day is a rest day ends on the day after the rest days; a make-up
  working day (调休) is a working day, so it ends a period and is never skipped.)

Holiday data, per year, in this order:

1. **Official**: the ``chinesecalendar`` package (import ``chinese_calendar``) for the years it
   covers, or a year an administrator published from the State Council's notice (``DayOverride``
   rows plus ``declared_years``, with the notice's document number in ``year_sources``). An
   override also corrects a package year.
2. **Provisional** for any other year: Saturdays and Sundays rest, plus the statutory holidays of
   《全国年节及纪念日放假办法》 as revised in 2024 (in force 2025-01-01: 元旦 1 day, 春节 除夕-初三,
   清明, 劳动节 1-2 May, 端午, 中秋, 国庆 1-3 Oct) and, when one falls on a Saturday or Sunday, the
   weekday given in lieu (补假) on the next working day after it. The lunar and solar-term dates
   come from the ``holidays`` package's China calendar. The State Council's yearly 调休 swaps
   (make-up working weekends, bridging days) are not guessed, and overrides entered for a year not
   yet declared complete wait until it is. Every computation records which source each year it
   touched came from, and is marked provisional when any of them is.

The pause, extension and JSON rules are described in docs/deadlines.md.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import chinese_calendar
import holidays as _holidays_package

# Period units; the values match cases.models.ProcedureRule.PeriodUnit.
CALENDAR_DAYS = "CALENDAR_DAYS"
WORKING_DAYS = "WORKING_DAYS"
MONTHS = "MONTHS"
UNITS = (CALENDAR_DAYS, WORKING_DAYS, MONTHS)

# DayOverride kinds; the values match workflow.models.HolidayOverride.Kind.
HOLIDAY = "HOLIDAY"
WORKDAY = "WORKDAY"
OVERRIDE_KINDS = (HOLIDAY, WORKDAY)

# What rest_day_name() says for an ordinary Saturday or Sunday.
WEEKEND = "weekend"

# DeadlineComputation.state
STATE_RUNNING = "running"
STATE_PAUSED = "paused"

# Bumped when the JSON shape of DeadlineComputation.as_dict() changes; from_dict reads every
# format listed in READABLE_FORMATS (format 1 had no per-year calendar sources).
COMPUTATION_FORMAT = 2
READABLE_FORMATS = (1, 2)

_PACKAGE_HOLIDAYS: dict[dt.date, str] = chinese_calendar.holidays
_PACKAGE_WORKDAYS: dict[dt.date, str] = chinese_calendar.workdays
# The package raises NotImplementedError outside [first year, last year] of its holiday table.
PACKAGE_YEARS = range(min(_PACKAGE_HOLIDAYS).year, max(_PACKAGE_HOLIDAYS).year + 1)
CALENDAR_DATA = f"chinesecalendar {chinese_calendar.__version__}"
# The source recorded for a year computed by the statutory rule alone.
PROVISIONAL = "provisional"
# The provisional rule is the 2024 revision of the holiday regulation (in force 2025-01-01); the
# lunar tables of the holidays package reach 2100.
PROVISIONAL_YEARS = range(2025, 2101)
STATUTORY_RULE = f"《全国年节及纪念日放假办法》(2024) via holidays {_holidays_package.__version__}"

# The holidays package names days in Chinese; computations use the chinesecalendar package's names
# so that official and provisional periods read alike.
_STATUTORY_NAMES = {
    "元旦": "New Year's Day",
    "农历除夕": "Spring Festival",
    "春节": "Spring Festival",
    "清明节": "Tomb-sweeping Day",
    "劳动节": "Labour Day",
    "端午节": "Dragon Boat Festival",
    "中秋节": "Mid-autumn Festival",
    "国庆节": "National Day",
}


def statutory_holidays(year: int) -> dict[dt.date, str]:
    """The statutory holidays of ``year`` themselves (no day in lieu), in Chinese: what every
    official schedule of the year must give as rest days."""
    if year not in PROVISIONAL_YEARS:
        raise CalendarDataMissing(year)
    table = _holidays_package.China(years=year, observed=False, language="zh_CN")
    days = {}
    for day, label in table.items():
        names = [part.strip() for part in label.split(";")]
        statutory = [name for name in names if name in _STATUTORY_NAMES]
        if statutory:
            days[day] = "、".join(statutory)
    return days


class CalendarDataMissing(Exception):
    """A year outside both the official data and the provisional rule's range (before 2025 without
    official data, or after 2100): no day of it is guessed."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            f"No holiday data for {year}: the chinesecalendar package covers "
            f"{PACKAGE_YEARS.start}-{PACKAGE_YEARS.stop - 1} and the provisional statutory rule "
            f"{PROVISIONAL_YEARS.start}-{PROVISIONAL_YEARS.stop - 1}."
        )


_provisional_cache: dict[int, dict[dt.date, str]] = {}


def statutory_rest_days(year: int) -> dict[dt.date, str]:
    """The provisional rest days of ``year`` other than ordinary weekends: the statutory holidays
    of the 2024 regulation and the weekdays given in lieu of those that fall on a weekend (补假,
    the next working days after the holiday), named as the chinesecalendar package names them."""
    if year not in PROVISIONAL_YEARS:
        raise CalendarDataMissing(year)
    days = _provisional_cache.get(year)
    if days is None:
        table = _holidays_package.China(years=year, observed=True, language="zh_CN")
        days = {}
        for day, label in table.items():
            # One day can carry two holidays ("中秋节; 国庆节"); the first names it.
            first = label.split(";")[0].strip()
            base = first.replace("（补假）", "").replace("（推定）", "").replace("（补假，推定）", "")
            days[day] = _STATUTORY_NAMES.get(base, base)
        _provisional_cache[year] = days
    return days


class DeadlineInputError(ValueError):
    """The inputs of a deadline computation contradict each other (the caller's error)."""


def _require_date(value, what: str) -> dt.date:
    # A datetime is a date subclass that never equals a date key: refuse it rather than
    # silently mis-classify the day (the caller must take the local date first).
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise TypeError(f"{what} must be a datetime.date, not {type(value).__name__}")
    return value


@dataclass(frozen=True)
class DayOverride:
    """An administrator's correction of one day: a HOLIDAY (rest day) or a WORKDAY (working day)."""

    date: dt.date
    kind: str
    name: str = ""

    def __post_init__(self):
        _require_date(self.date, "DayOverride.date")
        if self.kind not in OVERRIDE_KINDS:
            raise ValueError(f"DayOverride.kind must be one of {OVERRIDE_KINDS}, not {self.kind!r}")


class ChinaCalendar:
    """Working days and rest days in mainland China.

    Order of precedence for one day: an override; the package's make-up working days (调休) and
    statutory holidays; otherwise Monday-Friday work and Saturday-Sunday rest. The weekday rule
    applies only in a year the package covers or the administrator declared complete.
    """

    def __init__(
        self,
        overrides: Iterable[DayOverride] = (),
        declared_years: Iterable[int] = (),
        year_sources: dict[int, str] | None = None,
    ):
        self._overrides: dict[dt.date, DayOverride] = {}
        for override in overrides:
            if override.date in self._overrides:
                raise ValueError(f"Two overrides for {override.date.isoformat()}")
            self._overrides[override.date] = override
        self.declared_years = frozenset(int(year) for year in declared_years)
        self._year_sources = {int(year): str(source) for year, source in (year_sources or {}).items()}

    def __repr__(self) -> str:
        return f"ChinaCalendar(overrides={len(self._overrides)}, declared_years={sorted(self.declared_years)})"

    @property
    def overrides(self) -> tuple[DayOverride, ...]:
        return tuple(sorted(self._overrides.values(), key=lambda o: o.date))

    def is_official(self, year: int) -> bool:
        """True when the year's holidays come from the State Council's schedule (package or published)."""
        return year in self.declared_years or year in PACKAGE_YEARS

    def covers(self, year: int) -> bool:
        """Whether any day of ``year`` can be classified (officially or provisionally)."""
        return self.is_official(year) or year in PROVISIONAL_YEARS

    def year_source(self, year: int) -> str:
        """Where ``year``'s holidays come from: the notice's document number, the package and its
        version, or ``"provisional"``."""
        if year in self.declared_years:
            return self._year_sources.get(year) or "declared"
        if year in PACKAGE_YEARS:
            return CALENDAR_DATA
        if year in PROVISIONAL_YEARS:
            return PROVISIONAL
        raise CalendarDataMissing(year)

    def _classify(self, day: dt.date) -> str | None:
        """Return None for a working day, else the rest day's name (holiday name or WEEKEND)."""
        _require_date(day, "day")
        if not self.is_official(day.year):
            # Provisional: the statutory rule only; overrides wait for the year to be declared.
            if day.year not in PROVISIONAL_YEARS:
                raise CalendarDataMissing(day.year)
            name = statutory_rest_days(day.year).get(day)
            if name:
                return name
            return WEEKEND if day.weekday() >= 5 else None
        override = self._overrides.get(day)
        if override is not None:
            return (override.name or "holiday") if override.kind == HOLIDAY else None
        if day.year in self.declared_years:
            # A published year is exactly its schedule (overrides) and the weekend rule; it wins
            # over the package's data for the same year.
            return WEEKEND if day.weekday() >= 5 else None
        if day in _PACKAGE_WORKDAYS:
            return None
        name = _PACKAGE_HOLIDAYS.get(day)
        if name:
            return name
        return WEEKEND if day.weekday() >= 5 else None

    def is_working_day(self, day: dt.date) -> bool:
        return self._classify(day) is None

    def is_rest_day(self, day: dt.date) -> bool:
        """A weekend day or a statutory holiday (法定休假日), unless it is a make-up working day."""
        return self._classify(day) is not None

    def rest_day_name(self, day: dt.date) -> str | None:
        """The holiday's name, ``"weekend"`` for an ordinary weekend day, None for a working day."""
        return self._classify(day)

    def holiday_name(self, day: dt.date) -> str | None:
        """The statutory holiday's name, or None for a working day or an ordinary weekend day."""
        name = self._classify(day)
        return None if name in (None, WEEKEND) else name

    def override_for(self, day: dt.date) -> DayOverride | None:
        """The override that decides ``day``, if any (none in a provisional year: they wait)."""
        if not self.is_official(day.year):
            return None
        return self._overrides.get(day)


def _days(after: dt.date, through: dt.date):
    """Every day in (after, through]."""
    day = after + dt.timedelta(days=1)
    while day <= through:
        yield day
        day += dt.timedelta(days=1)


def count_working_days(after: dt.date, through: dt.date, cal: ChinaCalendar) -> int:
    """The number of working days in (after, through]; 0 when through <= after."""
    return sum(1 for day in _days(after, through) if cal.is_working_day(day))


def _roll_forward(day: dt.date, cal: ChinaCalendar) -> tuple[dt.date, list[tuple[dt.date, str]]]:
    """Art. 203: the first working day on or after ``day``, and the rest days moved over."""
    shifted = []
    while (name := cal.rest_day_name(day)) is not None:
        shifted.append((day, name))
        day += dt.timedelta(days=1)
    return day, shifted


def roll_forward(day: dt.date, cal: ChinaCalendar) -> dt.date:
    """民法典 art. 203: a last day that is a rest day becomes the next working day."""
    return _roll_forward(day, cal)[0]


def _check_amount(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"A period's length must be a whole number >= 0, not {n!r}")


def months_later(start: dt.date, n: int) -> dt.date:
    """民法典 art. 202: the corresponding day n months later, or that month's last day."""
    month_index = start.month - 1 + n
    year, month = start.year + month_index // 12, month_index % 12 + 1
    last_day = _stdlib_calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(start.day, last_day))


def _working_days_later(start: dt.date, n: int, cal: ChinaCalendar) -> dt.date:
    day = start
    while n > 0:
        day += dt.timedelta(days=1)
        if cal.is_working_day(day):
            n -= 1
    return day


def _counting_end(start: dt.date, n: int, unit: str, cal: ChinaCalendar) -> dt.date:
    """The last counted day of a period, before the art. 203 rest-day shift."""
    _check_amount(n)
    if unit == CALENDAR_DAYS:
        return start + dt.timedelta(days=n)
    if unit == WORKING_DAYS:
        return _working_days_later(start, n, cal)
    if unit == MONTHS:
        return months_later(start, n)
    raise ValueError(f"Unknown period unit {unit!r}; expected one of {UNITS}")


def add_calendar_days(start: dt.date, n: int, cal: ChinaCalendar) -> dt.date:
    """民法典 arts. 201, 203: start + n days (the trigger day is not counted); a last day that is a
    weekend or statutory holiday moves to the next working day; a make-up working day does not move."""
    _require_date(start, "start")
    return roll_forward(_counting_end(start, n, CALENDAR_DAYS, cal), cal)


def add_working_days(start: dt.date, n: int, cal: ChinaCalendar) -> dt.date:
    """The n-th working day after ``start`` (start not counted): weekends and statutory holidays are
    skipped, make-up working days (调休) count. n = 0 returns ``start`` unchanged."""
    _require_date(start, "start")
    return _counting_end(start, n, WORKING_DAYS, cal)


def add_months(start: dt.date, n: int, cal: ChinaCalendar) -> dt.date:
    """民法典 arts. 201-203: the corresponding day n months later (the month's last day if it has
    none), moved to the next working day if it is a rest day."""
    _require_date(start, "start")
    return roll_forward(_counting_end(start, n, MONTHS, cal), cal)


@dataclass(frozen=True)
class Pause:
    """The clock stops on ``start`` and resumes on ``end``; ``end=None`` means it is still stopped.

    The paused days are (start, end]: the day the clock stops still counts, the day it resumes does
    not (民法典 art. 201: counting restarts on the day after the event). See docs/deadlines.md.
    """

    start: dt.date
    end: dt.date | None = None

    def __post_init__(self):
        _require_date(self.start, "Pause.start")
        if self.end is not None:
            _require_date(self.end, "Pause.end")
            if self.end < self.start:
                raise DeadlineInputError(
                    f"A pause cannot end ({self.end.isoformat()}) before it starts ({self.start.isoformat()})"
                )

    @property
    def is_open(self) -> bool:
        return self.end is None


@dataclass(frozen=True)
class Extension:
    """The one extension (延长) a deadline may get: a further period, with the reason for it."""

    amount: int
    unit: str
    reason: str

    def __post_init__(self):
        _check_amount(self.amount)
        if self.amount == 0:
            raise DeadlineInputError("An extension must add at least one day or month")
        if self.unit not in UNITS:
            raise DeadlineInputError(f"Unknown period unit {self.unit!r}; expected one of {UNITS}")
        if not self.reason or not self.reason.strip():
            raise DeadlineInputError("An extension needs a reason")


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _date(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


@dataclass(frozen=True)
class DeadlineComputation:
    """Every input of a deadline computation and its result, so a case can show how it was reached.

    ``raw_due`` is the last counted day before the art. 203 shift; ``due`` the deadline itself.
    ``paused_days`` is in the period's pause unit: working days for WORKING_DAYS, else calendar days.
    While a pause is open, ``state`` is "paused" and ``raw_due``/``due`` are None.
    """

    start: dt.date
    amount: int
    unit: str
    rule_ref: str
    pauses: tuple[Pause, ...]
    paused_days: int
    extension: Extension | None
    state: str
    raw_due: dt.date | None
    due: dt.date | None
    shifted: tuple[tuple[dt.date, str], ...] = ()
    holidays_crossed: tuple[tuple[dt.date, str], ...] = ()
    overrides_applied: tuple[DayOverride, ...] = ()
    calendar_data: str = CALENDAR_DATA
    format_version: int = COMPUTATION_FORMAT
    # (year, source) for every year the computation looked at: a document number, the package and
    # its version, or "provisional".
    calendar_sources: tuple[tuple[int, str], ...] = ()
    # The date the subject was told, when a recompute may not move the deadline earlier than it.
    not_before: dt.date | None = None

    # True when the calendar alone gives an earlier date and ``not_before`` kept the told one.
    held: bool = False

    @property
    def is_paused(self) -> bool:
        return self.state == STATE_PAUSED

    @property
    def provisional(self) -> bool:
        """True when a year the computation touched has no official schedule yet."""
        return any(source == PROVISIONAL for _, source in self.calendar_sources)

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(year for year, _ in self.calendar_sources)

    def as_dict(self) -> dict:
        """A JSON-serialisable dict with ISO dates (the shape is in docs/deadlines.md)."""
        return {
            "format": self.format_version,
            "start": _iso(self.start),
            "amount": self.amount,
            "unit": self.unit,
            "rule_ref": self.rule_ref,
            "pauses": [{"start": _iso(p.start), "end": _iso(p.end)} for p in self.pauses],
            "paused_days": self.paused_days,
            "extension": None
            if self.extension is None
            else {"amount": self.extension.amount, "unit": self.extension.unit, "reason": self.extension.reason},
            "state": self.state,
            "raw_due": _iso(self.raw_due),
            "due": _iso(self.due),
            "shifted": [{"date": _iso(day), "reason": reason} for day, reason in self.shifted],
            "holidays_crossed": [{"date": _iso(day), "name": name} for day, name in self.holidays_crossed],
            "overrides_applied": [
                {"date": _iso(o.date), "kind": o.kind, "name": o.name} for o in self.overrides_applied
            ],
            "calendar_data": self.calendar_data,
            "calendar_sources": {str(year): source for year, source in self.calendar_sources},
            "provisional": self.provisional,
            "not_before": _iso(self.not_before),
            "held": self.held,
        }

    @classmethod
    def from_dict(cls, data: dict) -> DeadlineComputation:
        if data.get("format") not in READABLE_FORMATS:
            raise ValueError(f"Unknown deadline computation format {data.get('format')!r}")
        ext = data["extension"]
        sources = tuple(sorted((int(year), source) for year, source in (data.get("calendar_sources") or {}).items()))
        return cls(
            start=_date(data["start"]),
            amount=data["amount"],
            unit=data["unit"],
            rule_ref=data["rule_ref"],
            pauses=tuple(Pause(_date(p["start"]), _date(p["end"])) for p in data["pauses"]),
            paused_days=data["paused_days"],
            extension=None if ext is None else Extension(ext["amount"], ext["unit"], ext["reason"]),
            state=data["state"],
            raw_due=_date(data["raw_due"]),
            due=_date(data["due"]),
            shifted=tuple((_date(s["date"]), s["reason"]) for s in data["shifted"]),
            holidays_crossed=tuple((_date(h["date"]), h["name"]) for h in data["holidays_crossed"]),
            overrides_applied=tuple(
                DayOverride(_date(o["date"]), o["kind"], o["name"]) for o in data["overrides_applied"]
            ),
            calendar_data=data["calendar_data"],
            calendar_sources=sources,
            not_before=_date(data.get("not_before")),
            held=bool(data.get("held", False)),
        )


def _ordered_pauses(pauses: Iterable[Pause], start: dt.date) -> tuple[Pause, ...]:
    ordered = tuple(sorted(pauses, key=lambda p: p.start))
    for pause in ordered:
        if not isinstance(pause, Pause):
            raise TypeError(f"pauses must be Pause objects, not {type(pause).__name__}")
        if pause.start < start:
            raise DeadlineInputError(
                f"A pause cannot start ({pause.start.isoformat()}) before the period does ({start.isoformat()})"
            )
    for earlier, later in zip(ordered, ordered[1:]):
        if earlier.end is None or later.start < earlier.end:
            raise DeadlineInputError(
                f"Pauses overlap: the one from {earlier.start.isoformat()} has not ended "
                f"when the one from {later.start.isoformat()} begins"
            )
    return ordered


def compute_deadline(
    *,
    start: dt.date,
    amount: int,
    unit: str,
    calendar: ChinaCalendar,
    pauses: Iterable[Pause] = (),
    extension: Extension | None = None,
    rule_ref: str = "",
    not_before: dt.date | None = None,
) -> DeadlineComputation:
    """The deadline of a period of ``amount`` ``unit`` triggered on ``start`` (民法典 arts. 201-203).

    1. The counting end is start + amount (art. 201/202; working days skip rest days).
    2. An extension continues the period from that counting end, in its own unit.
    3. Each closed pause (s, e] that starts on or before the counting end moves it by the days inside
       the pause: e - s calendar days, or for WORKING_DAYS the working days in (s, e]. A pause that
       starts after the counting end is refused (the period had already run). An open pause leaves
       the deadline undetermined (state "paused").
    4. Art. 203: a counting end on a rest day moves to the next working day.
    5. ``not_before`` (a date the subject was already told): the deadline is never earlier than
       it; when it holds the date, ``held`` is True.
    """
    _require_date(start, "start")
    if unit not in UNITS:
        raise DeadlineInputError(f"Unknown period unit {unit!r}; expected one of {UNITS}")
    _check_amount(amount)
    if extension is not None and not isinstance(extension, Extension):
        raise TypeError("extension must be one Extension (a deadline is extended at most once)")
    ordered = _ordered_pauses(pauses, start)

    end = _counting_end(start, amount, unit, calendar)
    if extension is not None:
        end = _counting_end(end, extension.amount, extension.unit, calendar)

    paused_days = 0
    open_pause = None
    for pause in ordered:
        if pause.start > end:
            raise DeadlineInputError(
                f"The pause from {pause.start.isoformat()} starts after the period's last counted day "
                f"({end.isoformat()}); a period that has run cannot be paused"
            )
        if pause.is_open:
            open_pause = pause
            break
        if unit == WORKING_DAYS:
            moved = count_working_days(pause.start, pause.end, calendar)
            end = _working_days_later(end, moved, calendar)
        else:
            moved = (pause.end - pause.start).days
            end += dt.timedelta(days=moved)
        paused_days += moved

    common = {
        "start": start,
        "amount": amount,
        "unit": unit,
        "rule_ref": rule_ref,
        "pauses": ordered,
        "paused_days": paused_days,
        "extension": extension,
        "not_before": not_before,
    }
    if open_pause is not None:
        last = max([end, open_pause.start, *(p.end for p in ordered if p.end is not None)])
        return DeadlineComputation(
            **common, state=STATE_PAUSED, raw_due=None, due=None, **_sources(calendar, start, last)
        )

    due, shifted = _roll_forward(end, calendar)
    held = False
    if not_before is not None:
        _require_date(not_before, "not_before")
        if due < not_before:
            due, held = not_before, True
    holidays_crossed = []
    overrides_applied = []
    for day in _days(start, due):
        if (name := calendar.holiday_name(day)) is not None:
            holidays_crossed.append((day, name))
        if (override := calendar.override_for(day)) is not None:
            overrides_applied.append(override)
    return DeadlineComputation(
        **common,
        state=STATE_RUNNING,
        raw_due=end,
        due=due,
        shifted=tuple(shifted),
        holidays_crossed=tuple(holidays_crossed),
        overrides_applied=tuple(overrides_applied),
        held=held,
        **_sources(calendar, start, due),
    )


def _sources(calendar: ChinaCalendar, first: dt.date, last: dt.date) -> dict:
    """The calendar_sources and calendar_data of a computation that looked at days first..last."""
    sources = tuple((year, calendar.year_source(year)) for year in range(first.year, last.year + 1))
    distinct = {source for _, source in sources}
    if len(distinct) == 1:
        data = next(iter(distinct))
    else:
        data = "; ".join(f"{year}: {source}" for year, source in sources)
    return {"calendar_sources": sources, "calendar_data": data}


def days_left(due: dt.date | None, today: dt.date, unit: str, cal: ChinaCalendar) -> int | None:
    """Days until ``due``, counted as the rule counts: working days for WORKING_DAYS, calendar days
    otherwise. 0 on the due date itself; negative once overdue, and never 0 when overdue (a day after
    a Friday deadline that is a Saturday reports -1). None while the deadline is undetermined."""
    if due is None:
        return None
    _require_date(due, "due")
    _require_date(today, "today")
    if unit not in UNITS:
        raise ValueError(f"Unknown period unit {unit!r}; expected one of {UNITS}")
    if unit != WORKING_DAYS:
        return (due - today).days
    if today <= due:
        return count_working_days(today, due, cal)
    return -max(1, count_working_days(due, today, cal))


def is_overdue(due: dt.date | None, now_date: dt.date) -> bool:
    """Overdue once the due date has passed (the last day runs until 24:00, 民法典 art. 203)."""
    if due is None:
        return False
    return _require_date(now_date, "now_date") > _require_date(due, "due")
