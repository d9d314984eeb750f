import re

from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from cases.errors import ValidationFailed
from cases.selectors.paging import CappedCountPaginator, QueuePaginator, RegistryPaginator

DIGITS = re.compile(r"^[0-9]+$")


class Pagination(PageNumberPagination):
    """Pages as the schema states them: ``page`` ≥ 1 (a page past the last is 404), ``page_size``
    1–500; a ``page_size`` that is not such a number is a 400 naming it, not silently the default."""

    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not DIGITS.match(raw) or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationFailed(fields={self.page_size_query_param: [
                ("invalid", _("Enter a whole number from 1 to %(max)s.") % {"max": self.max_page_size})]})
        return int(raw)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters


class CappedCountPagination(Pagination):
    """``Pagination`` with a capped count (``CappedCountPaginator``): the body says ``count_capped``
    (true: ``count`` is the cap and more match) beside ``count``."""

    django_paginator_class = CappedCountPaginator

    def get_paginated_response(self, data):
        return Response({
            "count": self.page.paginator.count,
            "count_capped": self.page.paginator.capped,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count"]["description"] = (
            f"matches, counted up to {self.django_paginator_class.cap:,}; with count_capped, at least this many")
        schema["properties"] = {
            "count": schema["properties"]["count"],
            "count_capped": {"type": "boolean", "description": (
                f"true when more than {self.django_paginator_class.cap:,} match: count is then the cap, and pages "
                "past it are not served (refine the search)")},
            **{k: v for k, v in schema["properties"].items() if k != "count"},
        }
        schema["required"] = [*schema["required"], "count_capped"]
        return schema


class RegistryPagination(CappedCountPagination):
    """The registry's search: in code order, or past the cap the first matches met in registration order."""

    django_paginator_class = RegistryPaginator

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_capped"]["description"] += (
            "; the pages then list the cap's worth of matches the search met first, in registration order "
            "instead of code order")
        return schema


class QueuePagination(CappedCountPagination):
    django_paginator_class = QueuePaginator
