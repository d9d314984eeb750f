"""Public disclosure (公示), the API face: /api/v1/public/entries/, unauthenticated. The search
page is ``cases.public_views``; both ask ``cases.selectors.disclosure`` and count against one
budget per client address (``config.throttling.PublicDisclosureThrottle``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.errors import ValidationFailed
from cases.models import ListType
from cases.selectors import disclosure as selectors
from config.throttling import PublicDisclosureThrottle


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
    count = serializers.IntegerField(help_text=f"matching listed entries, counted up to {selectors.COUNT_CAP:,}; with "
                                               "count_capped, at least this many")
    count_capped = serializers.BooleanField(help_text="true when more match than are counted or searched: refine the query")
    page = serializers.IntegerField()
    pages = serializers.IntegerField(help_text="pages of the counted entries")
    has_next = serializers.BooleanField()
    has_previous = serializers.BooleanField()
    truncated = serializers.BooleanField(help_text="more subjects match than are searched: refine the query")
    results = PublicEntrySerializer(many=True, source="rows")


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
