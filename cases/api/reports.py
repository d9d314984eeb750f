"""Reports: the implementing units' monthly execution feedback (执行反馈), as JSON or a spreadsheet.

    GET /api/v1/reports/feedback/?month=2026-03             JSON
    GET /api/v1/reports/feedback/?month=2026-03&format=xlsx  the same report as an .xlsx workbook
"""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.labels import bracket, joined
from cases.selectors.reports import feedback_report

from .status import IsStaffReader


class MonthField(serializers.Field):
    default_error_messages = {"invalid": _("Enter a month as YYYY-MM.")}

    def to_internal_value(self, data):
        try:
            month = dt.datetime.strptime(str(data).strip(), "%Y-%m").date()
        except ValueError:
            self.fail("invalid")
        if not 1000 <= month.year <= 2999:  # as the schema says; a year 9999 overflows the date arithmetic
            self.fail("invalid")
        return month

    def to_representation(self, value):
        return value.strftime("%Y-%m")


class FeedbackQuerySerializer(serializers.Serializer):
    month = MonthField(required=False, label=_("month"))


# What each column means, in the order the workbook shows them.
def _columns():
    return [
        ("pushed", gettext("Pushed")),
        ("acknowledged", gettext("Acknowledged")),
        ("applied", gettext("Applied")),
        ("not_applied", gettext("Not applied")),
        ("suspended", gettext("Suspended")),
        ("lift_pending", gettext("Lift pending")),
        ("lifted", gettext("Lifted")),
        ("open", gettext("Awaiting feedback")),
        ("late", gettext("Late")),
    ]


class XLSXRenderer(BaseRenderer):
    """The feedback report as a workbook: summary per unit, who applied what, who is late."""

    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        from openpyxl import Workbook
        from openpyxl.styles import Font

        book = Workbook()
        summary = book.active
        summary.title = gettext("Summary")[:31]
        summary.append([gettext("Execution feedback report"), data["month"]])
        summary.append([gettext("Late as of"), data["cutoff"]])
        summary.append([])
        columns = _columns()
        summary.append([gettext("Unit code"), gettext("Unit"), *[label for _k, label in columns], gettext("Reasons for not applying")])
        for row in data["units"]:
            reasons = joined(f"{r['reason']}{bracket(r['count'])}" for r in row["not_applied_reasons"])
            summary.append([row["unit"]["code"], row["unit"]["name"], *[row[k] for k, _l in columns], reasons])

        applied = book.create_sheet(gettext("Applied")[:31])
        applied.append([gettext("Unit"), gettext("Applied at"), gettext("Applied by"), gettext("Subject"), gettext("Code"), gettext("List type"),
                        gettext("Measure"), gettext("Title"), gettext("What was done")])
        for a in data["applied"]:
            applied.append([a["unit_name"], _naive(a["applied_at"]), a["applied_by_name"] or a["applied_by"],
                            a["subject"]["name"], a["subject"]["identifier"], a["list_type"], a["measure"],
                            a["title"], a["note"]])

        late = book.create_sheet(gettext("Late")[:31])
        late.append([gettext("Unit"), gettext("Subject"), gettext("Code"), gettext("List type"), gettext("Measure"), gettext("Title"),
                     gettext("State"), gettext("Pushed on"), gettext("Feedback due"), gettext("Overdue by")])
        for x in data["late"]:
            late.append([x["unit_name"], x["subject"]["name"], x["subject"]["identifier"], x["list_type"],
                         x["measure"], x["title"], x["state"], x["pushed_on"], x["feedback_due"],
                         x["countdown"]["label"]])

        for sheet in book.worksheets:
            header = 4 if sheet is summary else 1
            for cell in sheet[header]:
                cell.font = Font(bold=True)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


def _naive(value):
    # Spreadsheet cells hold no time zone: show local time.
    return timezone.localtime(value).replace(tzinfo=None) if isinstance(value, dt.datetime) else value


class FeedbackReport(APIView):
    """执行反馈 report for one month over the units the caller may read: a unit's staff their own
    unit; the credit lead office and auditors every implementing unit of their region."""

    permission_classes = [IsStaffReader]
    renderer_classes = [JSONRenderer, XLSXRenderer]
    extra_error_codes = (404,)  # ?format= naming no renderer (DRF's format override)

    @extend_schema(
        parameters=[
            OpenApiParameter("month", str, description="YYYY-MM (default: the current month)",
                             pattern=r"^(\s*[12][0-9]{3}-(0?[1-9]|1[0-2])\s*)?$"),
            OpenApiParameter("format", str, enum=["json", "xlsx"]),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        query = FeedbackQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        month = query.validated_data.get("month") or timezone.localdate().replace(day=1)
        report = feedback_report(user=request.user, month=month)
        response = Response(report)
        if getattr(request, "accepted_renderer", None) and request.accepted_renderer.format == "xlsx":
            response["Content-Disposition"] = f'attachment; filename="feedback-{report["month"]}.xlsx"'
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # Errors are always JSON, whatever format was asked for.
        if response.status_code >= 400 and isinstance(getattr(response, "accepted_renderer", None), XLSXRenderer):
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
            response.content_type = None
        return response
