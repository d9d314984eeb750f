"""Substitutes (代理): a leader names a colleague who acts for an absent officer for a window of
days, and may end it early; everyone in the unit sees who stands in for whom."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.models import StaffProfile
from workflow import services
from workflow.dashboard import unit_staff
from workflow.models import Substitution

from .common import PAGE_ERRORS, error_parts, officer_page


def _date(value: str):
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return "invalid"


def _context(request, **extra) -> dict:
    unit = request.user.staff.unit
    today = timezone.localdate()
    current = (Substitution.objects.filter(unit=unit, ended_at__isnull=True, ends_on__gte=today)
               .select_related("absent", "substitute", "created_by").order_by("starts_on", "pk"))
    past = (Substitution.objects.filter(unit=unit).exclude(pk__in=current.values("pk"))
            .select_related("absent", "substitute", "ended_by").order_by("-ends_on", "-pk")[:20])
    return {"current": current, "past": past, "today": today, "colleagues": list(unit_staff(user=request.user)),
            "is_leader": request.user.staff.role == StaffProfile.Role.LEADER, "values": {}, "field_errors": {}, "section": "substitutes",
            **extra}


@officer_page
def substitutes(request):
    if request.method != "POST":
        return render(request, "workspace/substitutes.html", _context(request))
    users = get_user_model().objects
    values = {k: (request.POST.get(k) or "").strip() for k in ("absent", "substitute", "starts_on", "ends_on", "reason")}
    starts_on, ends_on = _date(values["starts_on"]), _date(values["ends_on"])
    try:
        bad = {k: [("invalid", _("Enter a valid date."))] for k, v in (("starts_on", starts_on), ("ends_on", ends_on))
               if v == "invalid"}
        if bad:
            from cases.errors import ValidationFailed

            raise ValidationFailed(fields=bad)
        substitution = services.substitution_designate(
            actor=request.user,
            absent=users.filter(username=values["absent"]).first() if values["absent"] else None,
            substitute=users.filter(username=values["substitute"]).first() if values["substitute"] else None,
            starts_on=starts_on, ends_on=ends_on, reason=values["reason"])
    except PAGE_ERRORS as exc:
        status, message, fields = error_parts(exc)
        return render(request, "workspace/substitutes.html",
                      _context(request, values=values, field_errors=fields, error=message), status=status)
    messages.success(request, _("%(substitute)s acts for %(absent)s from %(start)s to %(end)s.") % {
        "substitute": substitution.substitute.get_full_name() or substitution.substitute.get_username(),
        "absent": substitution.absent.get_full_name() or substitution.absent.get_username(),
        "start": substitution.starts_on, "end": substitution.ends_on})
    return redirect("work:substitutes")


@officer_page
@require_POST
def substitute_end(request, pk: int):
    try:
        services.substitution_end(actor=request.user, substitution_id=pk)
    except PAGE_ERRORS as exc:
        status, message, _fields = error_parts(exc)
        return render(request, "workspace/substitutes.html", _context(request, error=message), status=status)
    messages.success(request, _("The substitution has ended."))
    return redirect("work:substitutes")
