"""Public disclosure (公示): the unauthenticated search page (/public/); its API face,
/api/v1/public/entries/, is ``cases.api.public``. Thin: parse, call the disclosure selector, render.

Both count against one budget per client address, ``config.throttling.PublicDisclosureThrottle``.
"""

from __future__ import annotations

from contextlib import nullcontext

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

from cases.errors import ValidationFailed
from cases.identifiers import looks_like_resident_id
from cases.models import ListType
from cases.selectors import disclosure as selectors
from config.throttling import PublicDisclosureThrottle


def _page_number(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 1


def _language(request) -> str | None:
    lang = (request.GET.get("lang") or "").lower()
    return lang if lang in dict(settings.LANGUAGES) else None


def search(request):
    """The public search page; an htmx request gets the results partial only."""
    lang = _language(request)
    with translation.override(lang) if lang else nullcontext():
        response = _search(request, lang)
    patch_vary_headers(response, ("HX-Request",))
    if lang:
        response["Content-Language"] = lang
    return response


def _search(request, lang):
    q, kind = request.GET.get("q", ""), request.GET.get("kind", "")
    if looks_like_resident_id(q):
        # An ID number typed into the box is never written back into the page: not into the box,
        # and not into the language switch's return address (base.html uses the request's path).
        rest = request.GET.copy()
        rest.pop("q", None)
        request.META["QUERY_STRING"] = rest.urlencode()
    context = {
        "kinds": ListType.Kind.choices, "kind": kind.upper(), "lang": lang or "",
        "q": "" if looks_like_resident_id(q) else q,
        "searched": bool(q.strip()), "page": None, "errors": [],
    }
    status = 200
    if context["searched"]:
        throttle = PublicDisclosureThrottle()
        if not throttle.allow_request(request, None):
            context["errors"] = [_("Too many searches from your address. Please wait a minute and try again.")]
            status = 429
        else:
            try:
                query = selectors.parse_query(q=q, kind=kind)
                context["page"] = selectors.public_page(query=query, page=_page_number(request.GET.get("page")))
                context["page_query"] = {"q": q, "kind": query.kind, "lang": lang or ""}
            except ValidationFailed as err:
                context["errors"] = [m for errors in err.fields.values() for _c, m in errors]
                status = 400
    if request.htmx and not request.htmx.history_restore_request:
        # htmx swaps only 2xx answers: the partial shows its own error message. The address bar
        # follows the search (bookmarkable, shareable, the back button works); an ID number was
        # taken out of the query string above, so it never reaches the browser's history.
        response = render(request, "public/_results.html", context)
        response["HX-Push-Url"] = request.get_full_path()
        return response
    return render(request, "public/search.html", context, status=status)
