"""Pages of a queryset whose full count would grow with the table (the registry at 10 million
subjects, a unit's task queue): Django paginators that the API's pagination classes
(``cases.api.pagination``) and the workspace's pages both use."""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import connections, transaction
from django.db.models import CharField, F, Func, QuerySet, TextField
from django.utils.functional import cached_property


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
    find 1 of 10 million in code order, against a sort of the rows the name index finds).

    When the count is capped, the pages follow ``capped_ordering`` where one is set (the registry:
    registration order, the primary key). Neither way of keeping the caller's order is bounded
    then: sorting every match grows with the matches (898,027 for a broad fragment at 10 million
    subjects), and walking the ordering's index with the search as a filter grows with where the
    matches sort (a fragment carried by companies, whose 91… codes sort after every resident ID
    number, read a million rows, 3.5 s, for its first page). Walking the primary key, page ``n``
    reads about ``n × page size × rows / matches`` rows, and there are more than ``cap`` matches:
    at most 50,000 rows for the first page of 50 at 10 million, whatever the fragment."""

    cap = 10_000
    capped = False
    sort_when_exact = True  # False where the ordering's own index is the point (the task queue)
    capped_ordering: tuple[str, ...] | None = None

    @cached_property
    def count(self) -> int:
        n = self.object_list.order_by()[: self.cap + 1].count()
        self.capped = n > self.cap
        return min(n, self.cap)

    def page(self, number):
        number = self.validate_number(number)  # counts
        if isinstance(self.object_list, QuerySet):
            qs = self.object_list
            if self.capped and self.capped_ordering:
                self.object_list = qs.order_by(*self.capped_ordering)
            elif self.sort_when_exact and not self.capped:
                self.object_list = qs.order_by(*(_sorted(qs, o) for o in qs.query.order_by))
        return super().page(number)


class RegistryPaginator(CappedCountPaginator):
    """The registry's subjects: code order while the count is exact, registration order past the cap.

    The count and, while it is exact, the page come from one statement: the first ``cap + 1``
    matches the plan meets (unordered, as the count always was), counted, and when they are all
    the matches the page's ids sorted among them; the page's rows are then read by primary key.
    Counting and then paging asked the name index twice: at 10 million subjects 35 ms for a name
    body's 5,103 matches, where one statement costs what finding them costs (docs/performance.md).
    Past the cap the page walks the primary key as ``CappedCountPaginator`` does."""

    capped_ordering = ("pk",)

    def page(self, number):
        if not isinstance(self.object_list, QuerySet):
            return super().page(number)
        # Without parallel workers: a count that stops at the cap and a walk that stops after one page
        # gain nothing from them, and starting them took 28 ms of a 34 ms page at 10 million subjects.
        with transaction.atomic(using=self.object_list.db), connections[self.object_list.db].cursor() as cur:
            cur.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            page = self._page(number)
            page.object_list = list(page.object_list)
        return page

    def _page(self, number):
        qs = self.object_list
        ordering = list(qs.query.order_by)
        fields = [o.lstrip("-") for o in ordering if isinstance(o, str)]
        try:
            wanted = int(number)
        except (TypeError, ValueError):
            wanted = None
        # Plain fields to order by, and rows read by primary key alone; anything else pages as before.
        if (not fields or len(fields) != len(ordering) or wanted is None
                or qs.query.select_related or qs._prefetch_related_lookups):
            return super().page(number)
        offset = max(0, (wanted - 1) * self.per_page)
        matches, ids = self._count_and_page(qs, ordering, fields, offset)
        self.capped = matches > self.cap
        self.__dict__["count"] = min(matches, self.cap)
        number = self.validate_number(number)
        if self.capped:
            return super().page(number)  # registration order: the primary key walked
        rows = qs.model._default_manager.in_bulk(ids)
        return self._get_page([rows[pk] for pk in ids], number, self)

    def _count_and_page(self, qs, ordering: list[str], fields: list[str], offset: int) -> tuple[int, list[int]]:
        inner = qs.order_by().values_list("pk", *fields)[: self.cap + 1]
        sql, params = inner.query.sql_with_params()
        columns = ", ".join(["pk", *(f"o{i}" for i in range(len(fields)))])
        order = ", ".join(f"m.o{i} {'DESC' if o.startswith('-') else 'ASC'}" for i, o in enumerate(ordering))
        statement = f"""
            WITH m AS MATERIALIZED (SELECT * FROM ({sql}) AS s({columns})),
                 n AS (SELECT count(*) AS n FROM m)
            SELECT n.n, p.pk FROM n LEFT JOIN LATERAL (
                SELECT m.pk FROM m ORDER BY {order}, m.pk
                 LIMIT CASE WHEN n.n > %s THEN 0 ELSE %s END OFFSET %s) p ON true"""
        with connections[qs.db].cursor() as cur:
            cur.execute(statement, [*params, self.cap, self.per_page, offset])
            rows = cur.fetchall()
        return rows[0][0], [pk for _n, pk in rows if pk is not None]


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


class QueuePaginator(CappedCountPaginator):
    """A task queue's pages: the count capped (the COUNT of a 100,000-task backlog joined every
    task to its work item, ~440 ms), the page read in the order the queue's index gives."""

    sort_when_exact = False
