"""Reads behind the exports for the credit lead office (issue 8 item 5): the active lists, case
statistics per unit, and the quarterly report of joint reward and punishment cases.

Scope: only staff of a credit lead office (社会信用体系建设牵头部门), over the units of its region
and below; everyone else is refused (403). Every read here is bounded or streamed: the active list
is walked by keyset on the primary key (``id > last ORDER BY id LIMIT n``), so a province's ten
million entries stream in constant memory and each page is an index range scan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from cases.errors import Forbidden, ValidationFailed
from cases.models import ListEntry, Measure, MeasureExecution, ObjectionCase, RepairCase, Unit

from . import scope

PAGE = 5000

ENTRY_COLUMNS = [
    ("id", "id"), ("list_type", "list_type__code"), ("list_name", "list_type__name"), ("list_kind", "list_type__kind"),
    ("state", "state"), ("subject_identifier", "subject__identifier"), ("subject_name", "subject__name"),
    ("subject_kind", "subject__kind"), ("listing_unit", "listing_unit__code"),
    ("data_providing_unit", "data_providing_unit__code"), ("decision_date", "decision_date"),
    ("published_at", "published_at"), ("valid_until", "valid_until"), ("basis", "basis"),
]


def lead_office_units(*, user) -> list[Unit]:
    """The units a credit lead office's staff may export: its region and below. Others: Forbidden."""
    units = scope.lead_office_units(scope.staff_of(user))
    if units is None:
        raise Forbidden(_("Only the credit lead office may export lists and statistics."), code="lead_office_only")
    return list(units.order_by("code"))


def active_entries(*, user, list_type: str | None = None, page: int | None = None):
    """Yield the listed (active or suspended) entries of the region as tuples in ENTRY_COLUMNS
    order, page by page (keyset on id)."""
    unit_ids = [u.pk for u in lead_office_units(user=user)]
    qs = ListEntry.objects.filter(state__in=ListEntry.LISTED, listing_unit_id__in=unit_ids)
    if list_type:
        qs = qs.filter(list_type__code=list_type)
    fields = [f for _, f in ENTRY_COLUMNS]
    page = page or PAGE
    last = 0
    while True:
        rows = list(qs.filter(id__gt=last).order_by("id").values_list(*fields)[:page])
        yield from rows
        if len(rows) < page:
            return
        last = rows[-1][0]


def case_statistics(*, user) -> list[tuple]:
    """(unit code, unit name, case type, state, count) for every unit of the region: entries by the
    listing unit, objections by the accepting unit, repairs by the deciding unit, measure
    executions by the implementing unit. One grouped query each."""
    units = {u.pk: u for u in lead_office_units(user=user)}
    ids = list(units)
    queries = [
        ("entry", ListEntry.objects.filter(listing_unit_id__in=ids).values_list("listing_unit_id", "state")),
        ("objection", ObjectionCase.objects.filter(accepting_unit_id__in=ids).values_list("accepting_unit_id", "state")),
        ("repair", RepairCase.objects.filter(deciding_unit_id__in=ids).values_list("deciding_unit_id", "state")),
        ("execution", MeasureExecution.objects.filter(unit_id__in=ids).values_list("unit_id", "state")),
    ]
    out = []
    for case_type, qs in queries:
        for unit_id, state, n in qs.annotate(n=Count("id")).order_by():
            out.append((units[unit_id].code, units[unit_id].name, case_type, state, n))
    return sorted(out)


@dataclass
class QuarterRow:
    unit_code: str
    unit_name: str
    punishment_cases: int
    reward_cases: int
    entries_listed: int

    @property
    def has_case(self) -> bool:
        return bool(self.punishment_cases or self.reward_cases)


def parse_quarter(value: str | None, today: dt.date) -> tuple[int, int]:
    """"2026-Q1" → (2026, 1); empty → the quarter before today's (the one to report on)."""
    if not value:
        q = (today.month - 1) // 3
        return (today.year, q) if q else (today.year - 1, 4)
    try:
        year, q = value.upper().split("-Q")
        year, q = int(year), int(q)
        if not 1 <= q <= 4:
            raise ValueError
        return year, q
    except ValueError:
        raise ValidationFailed(fields={"quarter": [("invalid", _("Enter a quarter as YYYY-Qn, e.g. 2026-Q1."))]}) from None


def quarter_bounds(year: int, q: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * q - 2, 1)
    end = dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
    return start, end


def quarterly_report(*, user, year: int, quarter: int) -> list[QuarterRow]:
    """Joint reward and punishment cases per unit in a quarter (seeds: each unit reports at least one
    typical case a quarter). A case here is a measure its implementing unit applied in the quarter
    (joint punishment or joint reward by the measure's direction); entries listed counts the
    entries the unit published as listing unit. Units with no case are the ones to chase."""
    units = lead_office_units(user=user)
    ids = [u.pk for u in units]
    start, end = quarter_bounds(year, quarter)
    applied = (
        MeasureExecution.objects.filter(unit_id__in=ids, first_applied_at__date__gte=start,
                                        first_applied_at__date__lt=end)
        .values_list("unit_id").annotate(
            punish=Count("id", filter=Q(measure__direction=Measure.Direction.PUNISHMENT)),
            reward=Count("id", filter=Q(measure__direction=Measure.Direction.REWARD)),
        ).order_by()
    )
    cases = {u: (p, r) for u, p, r in applied}
    listed = dict(
        ListEntry.objects.filter(listing_unit_id__in=ids, published_at__date__gte=start, published_at__date__lt=end)
        .values_list("listing_unit_id").annotate(n=Count("id")).order_by()
    )
    return [QuarterRow(u.code, u.name, *cases.get(u.pk, (0, 0)), listed.get(u.pk, 0)) for u in units]
