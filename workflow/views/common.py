"""What every workspace page shares: who may open it, how a domain error becomes a page with the
right status (400 with field messages, 403, 404, 409 with a clear message, 503). The time left on
a deadline is deadlines.countdown's, through ``WorkItem.countdown``."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.db import OperationalError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from viewflow.workflow.exceptions import FlowLockFailed

from cases.errors import Conflict, DomainError, InvalidTransition
from cases.locking import is_lock_conflict
from cases.selectors.scope import ACTING_ROLES, staff_of
from deadlines.calendar import CalendarDataMissing
from deadlines.errors import DeadlinesError


def officer_page(view):
    """Signed-in officers and leaders only: anonymous visitors go to the sign-in page, any other
    account (auditors, administrators, subjects) gets 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        staff = staff_of(request.user)
        if staff is None or staff.role not in ACTING_ROLES:
            return render(request, "workspace/denied.html", {
                "message": _("The workspace is for officers and leaders of a unit.")}, status=403)
        return view(request, *args, **kwargs)

    return wrapper


def error_parts(exc) -> tuple[int, str, dict]:
    """(HTTP status, message, {field: [message]}) for anything a service may raise."""
    if isinstance(exc, (DomainError, DeadlinesError)):
        fields = {name: [str(m) for _c, m in errors] for name, errors in exc.fields.items()}
        message = str(exc.message)
        if exc.code == "task_claimed" and exc.extra.get("owner"):
            message = _("Another officer (%(owner)s) has claimed this task.") % {"owner": exc.extra["owner"]}
        return exc.status, message, fields
    if isinstance(exc, (ConcurrentTransition, FlowLockFailed)):
        return 409, str(Conflict.default_message), {}
    if isinstance(exc, TransitionNotAllowed):
        return 409, str(InvalidTransition.default_message), {}
    if is_lock_conflict(exc):
        return 409, _("The case was busy and nothing was changed: please try again."), {}
    if isinstance(exc, CalendarDataMissing):
        return 503, _("Holiday data for %(year)s is missing: an administrator must enter that year's holidays "
                      "before deadlines in it can be computed.") % {"year": exc.year}, {}
    raise exc


PAGE_ERRORS = (DomainError, DeadlinesError, ConcurrentTransition, FlowLockFailed, TransitionNotAllowed, CalendarDataMissing,
               OperationalError)  # only lock conflicts are answered; any other is raised again
