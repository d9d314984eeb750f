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

    When the count is capped, the pages follow ``capped_ordering`` where one is set (registration
    order, the primary key, where ``RegistryPaginator`` cannot page in one statement). Neither way
    of keeping the caller's order is bounded then: sorting every match grows with the matches (898,027 for a broad fragment at 10 million
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


# For the registry's one statement (one round trip): no parallel workers (a count that stops at the
# cap gains nothing from them, and starting them took 28 ms of a 34 ms page at 10 million subjects);
# no synchronised scans (a walk of the table starts at its first block, so the window past the cap
# is the same on every page); room for a bitmap of every name carrying a fragment (at 10 million
# subjects up to ~130,000 below common_bigram's share) without going lossy, which would make
# PostgreSQL check every name on the lossy pages.
SETTINGS = ("SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL synchronize_seqscans = off; "
            "SET LOCAL work_mem = '64MB'")


class RegistryPaginator(CappedCountPaginator):
    """The registry's subjects, counted up to ``cap``: all the matches in code order while the count
    is exact; past the cap, the ``cap`` matches the search met first, in registration order.

    One statement answers both: it takes the first ``cap + 1`` matches the plan meets (unordered, as
    the count always was), counts them, and sorts the page's ids among them, by code when they are
    all the matches and by primary key when there are more; the page's rows are then read by primary
    key. The cost is bounded by the cap whatever matches. With a cap of 10,000 at 10 million subjects
    a fragment carried by 1 company in 10 (建筑工程) read 110,000 rows to count 10,001 matches
    (20 ms), and a fragment just over the cap (刘伟, 11,904 matches) paid a count of 10,001 rows and a
    second walk for its page (32 ms in all); each of the cap's matches a bitmap meets costs a heap
    page (~1.4 µs). ``cap`` is 1,000 here (3.3 ms and 5.5 ms for those two): a search that matches
    more is one to refine, not to page through (docs/performance.md, "Session 15").

    Past the cap the window is the matches the plan meets first: a walk of the table from its start
    (synchronised scans off, so that every request starts at block 0), a bitmap in block order, or an
    index in its own order: the same window for every page while the table does not change, and on
    an append-mostly table mostly the earliest registered."""

    cap = 1_000
    capped_ordering = ("pk",)

    def page(self, number):
        if not isinstance(self.object_list, QuerySet):
            return super().page(number)
        with transaction.atomic(using=self.object_list.db), connections[self.object_list.db].cursor() as cur:
            cur.execute(SETTINGS)
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
        rows = qs.model._default_manager.in_bulk(ids)
        return self._get_page([rows[pk] for pk in ids], number, self)

    def _count_and_page(self, qs, ordering: list[str], fields: list[str], offset: int) -> tuple[int, list[int]]:
        inner = qs.order_by().values_list("pk", *fields)[: self.cap + 1]
        sql, params = inner.query.sql_with_params()
        columns = ", ".join(["pk", *(f"o{i}" for i in range(len(fields)))])
        # Past the cap every ordering field reads NULL, which leaves the primary key to order by.
        order = ", ".join(f"CASE WHEN n.n > %s THEN NULL ELSE m.o{i} END {'DESC' if o.startswith('-') else 'ASC'}"
                          for i, o in enumerate(ordering))
        statement = f"""
            WITH m AS MATERIALIZED (SELECT * FROM ({sql}) AS s({columns})),
                 n AS (SELECT count(*) AS n FROM m)
            SELECT n.n, p.pk FROM n LEFT JOIN LATERAL (
                SELECT m.pk FROM m ORDER BY {order}, m.pk LIMIT %s OFFSET %s) p ON true"""
        limit = max(0, min(self.per_page, self.cap - offset))  # the (cap + 1)th match is never shown
        with connections[qs.db].cursor() as cur:
            cur.execute(statement, [*params, *[self.cap] * len(ordering), limit, offset])
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
