"""Who may see a case on the portal: the account that filed it, or a visitor who gave its number and
query code in this browser session. Anything else is a 404, so a guessed number reveals nothing."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404

from cases.models import ObjectionCase, RepairCase
from cases.services import intake
from config.throttling import AnonThrottle

SESSION_KEY = "portal_cases"
MAX_UNLOCKED = 20
MODELS = {"YY": ObjectionCase, "XF": RepairCase}  # case number prefixes (services.*.NUMBER_PREFIX)


class PortalThrottle(AnonThrottle):
    """The public API's budget (scope ``public_case``, 60 a minute per address), shared with it and
    counted for signed-in accounts too: following, filing and guessing query codes."""

    scope = "public_case"

    def get_rate(self):
        return getattr(settings, "PORTAL_CASE_RATE", "60/min")

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def throttled(request) -> bool:
    return not PortalThrottle().allow_request(request, None)


def model_for(number: str):
    return MODELS.get((number or "").strip().upper()[:2])


def normalise_number(number: str) -> str:
    return (number or "").strip().upper()


def case_by_code(number: str, code: str):
    """The case for a number and its query code (cases.errors.NotFound otherwise)."""
    model = model_for(number) or ObjectionCase  # an unknown prefix fails like a wrong code
    return intake.case_by_number(model, normalise_number(number), code)


def unlock(request, case) -> None:
    """Remember in the session that this visitor proved knowledge of the case's query code."""
    numbers = [n for n in request.session.get(SESSION_KEY, []) if n != case.number]
    request.session[SESSION_KEY] = [*numbers, case.number][-MAX_UNLOCKED:]


def unlocked(request) -> list[str]:
    return list(request.session.get(SESSION_KEY, []))


def case_for(request, number: str):
    """The case if this request may see it; 404 otherwise (same answer for 'no such case')."""
    number = normalise_number(number)
    model = model_for(number)
    if model is None:
        raise Http404
    case = model.objects.select_related("entry__list_type", "entry__listing_unit", "subject").filter(
        number=number).first()
    if case is None:
        raise Http404
    user = request.user
    if user.is_authenticated and case.filed_by_id == user.pk:
        return case
    if number in unlocked(request):
        return case
    raise Http404
