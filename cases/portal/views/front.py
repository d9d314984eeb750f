"""The portal's front page and the "may I apply for repair, and from when?" check."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from cases.services.repair_eligibility import repair_eligibility

from .. import access, selectors
from ..forms import CheckForm
from ..prefill import parse_prefill


def front(request):
    return render(request, "portal/front.html", {"my_cases": selectors.my_cases(user=request.user)[:5]})


def repair_check(request):
    """Every repairable listed entry of a subject with the engine's answer: each condition met or
    not with its rule, and the earliest date to apply. Throttled like the public API. A link from
    a public search result carries ``subject`` (checked at once) and ``entry`` (shown first); a
    person's masked code is not in it, so the form is then empty."""
    form = CheckForm(request.GET if "subject" in request.GET else None)
    linked = parse_prefill(request.GET).entry
    results, status = None, 200
    if request.GET and form.is_valid():
        if access.throttled(request):
            form.add_error(None, _("Too many requests from your address. Please wait a minute and try again."))
            status = 429
        else:
            found = selectors.subject_entries(code=form.cleaned_data["subject"], repairable=True)
            results = {"subject": found.subject, "rows": [
                {"entry": selectors.entry_row(e), "eligibility": repair_eligibility(entry=e)}
                for e in sorted(found.entries, key=lambda e: e.pk != linked)]}  # the linked entry first
    elif form.is_bound:
        status = 400
    return render(request, "portal/repair_check.html", {"form": form, "results": results, "linked": linked},
                  status=status)
