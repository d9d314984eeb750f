"""Pages. Thin: parse input, call a selector or service, render."""

from django.shortcuts import redirect, render

from cases.models import StaffProfile
from cases.portal.selectors import my_cases
from cases.selectors.scope import staff_of

ROLE_HOMES = {
    StaffProfile.Role.OFFICER: "/work/",
    StaffProfile.Role.LEADER: "/work/",
    StaffProfile.Role.AUDITOR: "/audit/",
    StaffProfile.Role.ADMINISTRATOR: "/admin/",
}


def home(request):
    """Route people to their front door: staff to their workspace (officers and leaders), console
    (auditors) or the admin; subjects and visitors to the portal's front page."""
    staff = staff_of(request.user)
    if staff is not None and staff.role in ROLE_HOMES:
        return redirect(ROLE_HOMES[staff.role])
    return render(request, "home.html", {"my_cases": my_cases(user=request.user)[:5]})
