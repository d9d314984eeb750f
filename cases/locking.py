"""Row locks that never block foreign-key checks (one rule for every ``SELECT … FOR UPDATE``).

``select_for_update()`` alone takes ``FOR UPDATE`` on every table of the query, joined ones
included. ``FOR UPDATE`` conflicts with the ``FOR KEY SHARE`` lock that PostgreSQL's foreign-key
check takes on a referenced row, so a worker holding, say, a letter and (through ``select_related``)
its unit would block every transaction that inserts a row pointing at that unit, and deadlock with
one that also holds a row the worker needs next (it happened: a letter worker and an objection
filing, over the case's audit-chain head). We never change primary keys, so ``FOR NO KEY UPDATE``
on the queried table only is the lock we mean everywhere; it still serialises writers of the row.
``tests/test_locking.py`` refuses any other ``select_for_update`` call in the project.
"""

from django.db.models import QuerySet


def for_update(queryset, **options) -> QuerySet:
    """``queryset`` locked ``FOR NO KEY UPDATE OF`` its own table (``skip_locked=True`` etc. pass through)."""
    if not isinstance(queryset, QuerySet):
        queryset = queryset.all()  # a manager or related manager
    return queryset.select_for_update(no_key=True, of=("self",), **options)


# PostgreSQL's answers to a lock conflict it resolved by cancelling this transaction: deadlock
# detected, serialization failure, lock not available (NOWAIT). Nothing was written; trying again
# later is the right response, so callers turn these into 409 rather than 500.
LOCK_CONFLICT_CODES = frozenset({"40P01", "40001", "55P03"})


def is_lock_conflict(exc: BaseException) -> bool:
    """True when ``exc`` (or what caused it) is PostgreSQL cancelling us over a lock conflict."""
    from django.db import DatabaseError

    if not isinstance(exc, DatabaseError):
        return False
    cause = exc.__cause__ if exc.__cause__ is not None else exc
    return getattr(cause, "pgcode", None) in LOCK_CONFLICT_CODES
