"""Exports for the credit lead office (issue 8 item 5). Staff of other units get 403.

    GET /api/v1/exports/entries/?format=csv|xlsx[&list_type=<code>]   the region's listed entries
    GET /api/v1/exports/statistics/?format=csv|xlsx|json              case counts per unit and state
    GET /api/v1/exports/quarterly/?quarter=2026-Q1&format=json|csv|xlsx
        joint reward and punishment cases per unit in the quarter; ``units_without_case`` names
        the units that have none (the seeds ask each unit for at least one typical case a quarter)

CSV is streamed (StreamingHttpResponse over a keyset walk, constant memory at ten million rows).
XLSX is built in a temporary file with openpyxl's write-only mode; a sheet holds at most
1,048,575 rows, so a larger active list is refused with a 400 that points to CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import tempfile

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.errors import ValidationFailed
from cases.labels import KIND_TYPES, case_type_label, state_label, yes_no
from cases.models import ListEntry
from cases.selectors import exports as selectors

from .permissions import IsStaff

# Years a quarter can be reported for (the date arithmetic of a year 10000 fails): the schema's too.
QUARTER = re.compile(r"^([12][0-9]{3}-[Qq][1-4])?$")
XLSX_MAX_ROWS = 1_048_575
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    def write(self, value):
        return value


def _cell(value):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else value


def stream_csv(header, rows, filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow(header)  # BOM: spreadsheet software then reads the Chinese
        for row in rows:
            yield writer.writerow([_cell(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_file(title: str, header, rows, filename: str) -> FileResponse:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.append(list(header))
    for row in rows:
        sheet.append([_cell(v) for v in row])
    out = tempfile.TemporaryFile()
    book.save(out)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_TYPE)


def _format(request, allowed=("csv", "xlsx")) -> str:
    fmt = (request.query_params.get("format") or allowed[0]).lower()
    if fmt not in allowed:
        raise ValidationFailed(fields={"format": [("invalid_choice", _("Choose one of: %(choices)s.")
                                                  % {"choices": ", ".join(allowed)})]})
    return fmt


class _Export(APIView):
    permission_classes = [IsStaff]
    # ?format= selects the file type here, not a DRF renderer: errors and JSON use the default one.
    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)


FILE = {(200, "text/csv"): OpenApiTypes.BINARY, (200, XLSX_TYPE): OpenApiTypes.BINARY}


def _params(*extra, formats=("csv", "xlsx")):
    return [OpenApiParameter("format", str, enum=list(formats), description="csv | xlsx (| json where offered)"),
            *extra]


class ActiveEntriesExport(_Export):
    @extend_schema(parameters=_params(OpenApiParameter("list_type", str)), responses=FILE)
    def get(self, request):
        fmt = _format(request)
        list_type = request.query_params.get("list_type") or None
        header = [name for name, _field in selectors.ENTRY_COLUMNS]
        rows = selectors.active_entries(user=request.user, list_type=list_type)  # scope checked on first row
        first = next(rows, None)
        name = f"active-entries-{timezone.localdate():%Y%m%d}"

        def all_rows():
            if first is not None:
                yield first
                yield from rows

        if fmt == "csv":
            return stream_csv(header, all_rows(), name)
        units = [u.pk for u in selectors.lead_office_units(user=request.user)]
        qs = ListEntry.objects.filter(state__in=ListEntry.LISTED, listing_unit_id__in=units)
        if list_type:
            qs = qs.filter(list_type__code=list_type)
        if qs[:XLSX_MAX_ROWS + 1].count() > XLSX_MAX_ROWS:
            raise ValidationFailed(
                _("More rows than a spreadsheet holds: export as CSV."), code="too_many_rows_for_xlsx",
                fields={"format": [("too_many_rows_for_xlsx", _("More rows than a spreadsheet holds: export as CSV."))]})
        return xlsx_file(gettext("Listed entries"), header, all_rows(), name)


class CaseStatisticsExport(_Export):
    HEADER = ["unit", "unit_name", "case_type", "state", "count"]

    @extend_schema(parameters=_params(formats=("csv", "xlsx", "json")),
                   responses={**FILE, (200, "application/json"): OpenApiTypes.OBJECT})
    def get(self, request):
        fmt = _format(request, ("csv", "xlsx", "json"))
        rows = selectors.case_statistics(user=request.user)
        name = f"case-statistics-{timezone.localdate():%Y%m%d}"
        if fmt == "json":
            return Response({"rows": [dict(zip(self.HEADER, r)) for r in rows]})
        if fmt == "csv":
            return stream_csv(self.HEADER, rows, name)
        # The spreadsheet is read by people: the kind and the state in words (CSV and JSON keep the codes).
        shown = [(code, unit, case_type_label(kind), state_label(KIND_TYPES[kind], state), n)
                 for code, unit, kind, state, n in rows]
        return xlsx_file(gettext("Case statistics"), self.HEADER, shown, name)


class QuarterlyReport(_Export):
    HEADER = ["unit", "unit_name", "punishment_cases", "reward_cases", "entries_listed", "has_case"]

    @extend_schema(parameters=_params(OpenApiParameter("quarter", str, description="YYYY-Qn",
                                                       pattern=QUARTER.pattern),
                                      formats=("json", "csv", "xlsx")),
                   responses={**FILE, (200, "application/json"): OpenApiTypes.OBJECT})
    def get(self, request):
        fmt = _format(request, ("json", "csv", "xlsx"))
        if not QUARTER.match(request.query_params.get("quarter") or ""):
            raise ValidationFailed(fields={"quarter": [("invalid", _("Enter a quarter as YYYY-Qn, e.g. 2026-Q1."))]})
        year, quarter = selectors.parse_quarter(request.query_params.get("quarter"), timezone.localdate())
        report = selectors.quarterly_report(user=request.user, year=year, quarter=quarter)
        rows = [(r.unit_code, r.unit_name, r.punishment_cases, r.reward_cases, r.entries_listed, r.has_case)
                for r in report]
        label = f"{year}-Q{quarter}"
        if fmt == "json":
            return Response({
                "quarter": label,
                "units": [dict(zip(self.HEADER, r)) for r in rows],
                "units_without_case": [r.unit_code for r in report if not r.has_case],
            })
        if fmt == "csv":
            return stream_csv(self.HEADER, rows, f"joint-cases-{label}")
        return xlsx_file(label, self.HEADER, [(*r[:-1], yes_no(r[-1])) for r in rows], f"joint-cases-{label}")
