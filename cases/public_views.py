"""Public disclosure (公示): the unauthenticated search, as a page (/public/) and an API
(/api/v1/public/entries/). Thin: parse, call the disclosure selector, render.

Both are throttled per client address (config.throttling.AnonThrottle; rate ``PUBLIC_DISCLOSURE_RATE``,
default 60 searches a minute). The address is the one our proxy saw (``TRUSTED_PROXY_COUNT``,
config/client_address.py), so a client's own ``X-Forwarded-For`` changes nothing.
"""

from __future__ import annotations

from contextlib import nullcontext

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.errors import ValidationFailed
from cases.identifiers import looks_like_resident_id
from cases.models import ListType
from cases.selectors import disclosure as selectors
from config.throttling import AnonThrottle


class PublicDisclosureThrottle(AnonThrottle):
    scope = "public_disclosure"

    def get_rate(self):
        return getattr(settings, "PUBLIC_DISCLOSURE_RATE", "60/minute")


class PublicEntrySerializer(serializers.Serializer):
    subject_name = serializers.CharField()
    subject_code = serializers.CharField(help_text="natural persons' ID numbers are masked")
    subject_kind = serializers.CharField()
    list_type = serializers.CharField()
    list_kind = serializers.CharField()
    list_kind_label = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(help_text="异议处理中 while an objection is being verified")
    reasons = serializers.CharField()
    basis = serializers.CharField()
    listing_unit = serializers.CharField()
    decision_date = serializers.DateField(allow_null=True)
    published_on = serializers.DateField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)


class PublicPageSerializer(serializers.Serializer):
    page = serializers.IntegerField()
    has_next = serializers.BooleanField()
    has_previous = serializers.BooleanField()
    truncated = serializers.BooleanField(help_text="more subjects match than are searched: refine the query")
    results = PublicEntrySerializer(many=True, source="rows")


def _page_number(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 1


def _api_page_number(value) -> int:
    """The API's ``page``: absent is the first page; anything but a whole number from 1 is a 400
    naming the field (the search page, for people, falls back to the first page instead)."""
    if value is None:
        return 1
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise ValidationFailed(fields={"page": [("invalid", _("A page number is a whole number from 1."))]})
    return number


class PublicEntries(APIView):
    """公示: listed red, black and focus list entries by name fragment (≥ 2 characters) or full code."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicDisclosureThrottle]

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True, description="a name fragment (at least 2 characters) or a full code",
                             pattern=r"\S[\s\S]*\S"),
            OpenApiParameter("kind", str, enum=ListType.Kind.values),
            OpenApiParameter("page", {"type": "integer", "minimum": 1}),
        ],
        responses=PublicPageSerializer,
    )
    def get(self, request):
        query = selectors.parse_query(q=request.query_params.get("q", ""), kind=request.query_params.get("kind", ""))
        page = selectors.public_page(query=query, page=_api_page_number(request.query_params.get("page")))
        return Response(PublicPageSerializer(page).data)


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
