"""The portal's front page and the "may I apply for repair, and from when?" check."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from cases.services.repair_eligibility import repair_eligibility

from .. import access, selectors
from ..forms import CheckForm


def front(request):
    return render(request, "portal/front.html", {"my_cases": selectors.my_cases(user=request.user)[:5]})


def repair_check(request):
    """Every repairable listed entry of a subject with the engine's answer: each condition met or
    not with its rule, and the earliest date to apply. Throttled like the public API."""
    form = CheckForm(request.GET or None)
    results, status = None, 200
    if request.GET and form.is_valid():
        if access.throttled(request):
            form.add_error(None, _("Too many requests from your address. Please wait a minute and try again."))
            status = 429
        else:
            found = selectors.subject_entries(code=form.cleaned_data["subject"], repairable=True)
            results = {"subject": found.subject, "rows": [
                {"entry": selectors.entry_row(e), "eligibility": repair_eligibility(entry=e)} for e in found.entries]}
    elif request.GET:
        status = 400
    return render(request, "portal/repair_check.html", {"form": form, "results": results}, status=status)
