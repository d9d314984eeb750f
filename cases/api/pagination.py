import re

from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db.models import CharField, F, Func, QuerySet, TextField
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from cases.errors import ValidationFailed

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


class Unindexed(Func):
    """``(text || '')``: the same value and order, which no index serves."""

    template = "(%(expressions)s || '')"
    output_field = TextField()


class CappedCountPaginator(Paginator):
    """Counts at most ``cap + 1`` matches (``SELECT count(*) FROM (… LIMIT cap + 1)``, unordered):
    a count that grows with the table costs seconds at 10 million subjects (a broad name fragment:
    1.8 s for 898,027 matches). ``count`` is then ``cap`` and ``capped`` is true: there are at least
    that many, and pages past the cap are not served (refine the search).

    When the count is exact (at most ``cap`` matches) the page sorts the matches: its text ordering
    fields are written ``(field || '')``, so PostgreSQL cannot walk the ordering field's index with
    the search as a filter, which it chose for a full company name at 10 million subjects (6.3 s to
    find 1 of 10 million in code order, against a sort of the rows the name index finds)."""

    cap = 10_000
    capped = False
    sort_when_exact = True  # False where the ordering's own index is the point (the task queue)

    @cached_property
    def count(self) -> int:
        n = self.object_list.order_by()[: self.cap + 1].count()
        self.capped = n > self.cap
        return min(n, self.cap)

    def page(self, number):
        number = self.validate_number(number)  # counts
        if self.sort_when_exact and not self.capped and isinstance(self.object_list, QuerySet):
            qs = self.object_list
            self.object_list = qs.order_by(*(_sorted(qs, o) for o in qs.query.order_by))
        return super().page(number)


def _sorted(qs: QuerySet, ordering):
    """``ordering`` written so that no index serves it, for a text field of the model itself; any
    other ordering (an expression, a related or non-text field, ``pk``, ``?``) as it is."""
    if not isinstance(ordering, str):
        return ordering
    name = ordering.lstrip("-")
    try:
        field = qs.model._meta.get_field(name)
    except FieldDoesNotExist:
        return ordering
    if not isinstance(field, (CharField, TextField)):
        return ordering
    expression = Unindexed(F(name))
    return expression.desc() if ordering.startswith("-") else expression.asc()


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
            f"matches, counted up to {CappedCountPaginator.cap:,}; with count_capped, at least this many")
        schema["properties"] = {
            "count": schema["properties"]["count"],
            "count_capped": {"type": "boolean", "description": (
                f"true when more than {CappedCountPaginator.cap:,} match: count is then the cap, and pages "
                "past it are not served (refine the search)")},
            **{k: v for k, v in schema["properties"].items() if k != "count"},
        }
        schema["required"] = [*schema["required"], "count_capped"]
        return schema


class QueuePaginator(CappedCountPaginator):
    """A task queue's pages: the count capped (the COUNT of a 100,000-task backlog joined every
    task to its work item, ~440 ms), the page read in the order the queue's index gives."""

    sort_when_exact = False


class QueuePagination(CappedCountPagination):
    django_paginator_class = QueuePaginator
