"""The unit dashboard and its XLSX export (openpyxl)."""

from __future__ import annotations

import datetime as dt
import io

from django.http import HttpResponse
from django.shortcuts import render

from django.utils.translation import gettext as _

from cases.labels import case_type_label
from workflow.dashboard import unit_dashboard

from .common import officer_page
from .queue import STEPS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _month(value: str | None) -> dt.date | None:
    try:
        return dt.datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        return None


@officer_page
def dashboard(request):
    raw = request.GET.get("month") or ""
    month = _month(raw)
    if raw and month is None:
        data = unit_dashboard(user=request.user)
        return render(request, "workspace/dashboard.html", {
            **data, "steps": STEPS, "section": "dashboard", "month_error": _("Give the month as YYYY-MM, e.g. 2026-03.")}, status=400)
    data = unit_dashboard(user=request.user, month=month)
    if request.GET.get("format") == "xlsx":
        return _xlsx(data)
    return render(request, "workspace/dashboard.html", {**data, "steps": STEPS, "section": "dashboard"})


def _xlsx(data: dict) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Summary")[:31]
    bold = Font(bold=True)
    sheet.append([_("Unit"), data["unit"].name])
    sheet.append([_("As of"), data["today"].isoformat()])
    sheet.append([])
    for label, key in ((_("Open tasks"), "open"), (_("Paused"), "paused"), (_("Due this week"), "due_this_week"),
                       (_("Overdue"), "overdue"), (_("Escalated"), "escalated")):
        sheet.append([label, data["now"][key]])
    sheet.append([])
    sheet.append([_("Month"), data["month"].strftime("%Y-%m")])
    totals = data["month_totals"]
    for label, key in ((_("Completed"), "completed"), (_("On time"), "on_time"), (_("Completed late"), "late"),
                       (_("More than 3x late"), "late_3x"), (_("Without a deadline"), "no_deadline"),
                       (_("On-time rate (%)"), "on_time_rate")):
        sheet.append([label, totals[key]])
    for row in sheet.iter_rows(min_col=1, max_col=1):
        row[0].font = bold
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 36

    steps = book.create_sheet(_("By step")[:31])
    steps.append([_("Case type"), _("Step"), _("Completed"), _("On time"), _("Completed late"), _("More than 3x late"),
                  _("Without a deadline")])
    for row in data["by_step"]:
        steps.append([case_type_label(row["case_type"]), str(STEPS.get(row["step"], row["step"])), row["completed"], row["on_time"],
                      row["late"], row["late_3x"], row["no_deadline"]])
    cases = book.create_sheet(_("Objections and repairs")[:31])
    cases.append([_("Month"), _("Objections"), _("still open"), _("Repair applications"), _("still open")])
    for row in data["cases_by_month"]:
        cases.append([row["month"].strftime("%Y-%m"), row["objections"], row["objections_open"], row["repairs"],
                      row["repairs_open"]])
    for ws in (steps, cases):
        for cell in ws[1]:
            cell.font = bold
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    name = f"dashboard-{data['unit'].code}-{data['month'].strftime('%Y-%m')}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response



