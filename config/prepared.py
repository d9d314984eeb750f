"""Named prepared statements for the few hottest reads (issue 21 item 1: the status check).

PostgreSQL spent ~75 % of the status check's CPU planning its statements (0.24 ms planning against
0.03 ms executing). A statement prepared once per connection (``PREPARE name AS …``, then
``EXECUTE name(…)``) is parsed and planned once; after five executions PostgreSQL keeps a generic
plan when it costs no more than the custom ones, which for lookups by a unique or foreign key it
does. psycopg2 has no protocol-level prepare, hence SQL ``PREPARE``; what each connection has
prepared is remembered beside its raw psycopg2 connection, so a reconnect prepares again.

Poolers: a ``PREPARE`` lives in one server session. Behind PgBouncer in **session** mode (or no
pooler: gunicorn's sync workers keep one connection each, ``CONN_MAX_AGE``) that is the client's
session and all is well. In **transaction** mode the next ``EXECUTE`` may land on another server
connection: set ``DB_PREPARED_STATEMENTS=off`` there, and the same SQL is sent as plain statements
(docs/scaling.md, "Connection pooling and prepared statements").

``run_first`` also replaces Django's per-request health check (``CONN_HEALTH_CHECKS``: a
``SELECT 1`` before the request's first statement) for the request that calls it first: it runs the
statement directly and, only if that fails because the connection is gone (outside a transaction,
so nothing is lost), reconnects and runs it once more.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import DatabaseError, connections, router

_PARAM = re.compile(r"%s")


class Statement:
    """One SQL text with ``%s`` placeholders (no other ``%``) and the PostgreSQL types of its
    parameters, in order."""

    def __init__(self, name: str, sql: str, types: tuple[str, ...]):
        if sql.replace("%s", "").count("%") or sql.count("%s") != len(types):
            raise ValueError(f"{name}: one %s per parameter type, and no other %")
        self.name = name
        self.sql = sql
        numbers = iter(range(1, len(types) + 1))
        body = _PARAM.sub(lambda _m: f"${next(numbers)}", sql)
        self.prepare_sql = f"PREPARE {name} ({', '.join(types)}) AS {body}" if types else f"PREPARE {name} AS {body}"
        self.execute_sql = f"EXECUTE {name} ({', '.join(['%s'] * len(types))})" if types else f"EXECUTE {name}"


def alias_for(model) -> str:
    """The database the router reads ``model`` from (the replica while a replica view runs)."""
    return router.db_for_read(model) or "default"


def _prepared_here(connection) -> set[str]:
    """The names prepared on ``connection``'s current raw connection (a new one starts empty)."""
    raw = connection.connection
    state = getattr(connection, "_prepared_statements", None)
    if state is None or state[0] is not raw:
        state = (raw, set())
        connection._prepared_statements = state
    return state[1]


def enabled() -> bool:
    return getattr(settings, "DB_PREPARED_STATEMENTS", True)


def execute(cursor, statement: Statement, params) -> None:
    """Run ``statement`` on ``cursor`` (a Django cursor), prepared on its connection if allowed."""
    if not enabled():
        cursor.execute(statement.sql, params)
        return
    prepared = _prepared_here(cursor.db)
    if statement.name not in prepared:
        cursor.execute(statement.prepare_sql)
        prepared.add(statement.name)
    cursor.execute(statement.execute_sql, params)


def run(statement: Statement, params=None, *, using: str = "default") -> list[tuple]:
    with connections[using].cursor() as cursor:
        execute(cursor, statement, params)
        return cursor.fetchall()


def run_first(statement: Statement, params=None, *, using: str = "default") -> list[tuple]:
    """``statement``'s rows, run as the request's first statement without the health check's extra
    round trip; a connection found dead is replaced once (outside a transaction only)."""
    connection = connections[using]
    fresh = connection.connection is None
    if not fresh and connection.health_check_enabled and not connection.in_atomic_block:
        connection.health_check_done = True  # answered below by the statement itself
    try:
        return run(statement, params, using=using)
    except DatabaseError:
        if fresh or connection.in_atomic_block or connection.is_usable():
            raise
        connection.close()  # the reused connection had died (a restarted server, a killed session)
    return run(statement, params, using=using)
