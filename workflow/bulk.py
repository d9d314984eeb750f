"""Rows written many at a time by the set-based night (the expiry sweep, docs/workflow.md): one
INSERT per table from column arrays, with ids taken from the table's own sequence first, so the
caller knows every id before it writes the rows that point to them. No per-row ORM work: Django's
``bulk_create`` prepares each field of each object in Python, which was most of the sweep's cost."""

from __future__ import annotations

from django.db import connection


def reserve_ids(table: str, n: int) -> list[int]:
    """``n`` ids from the table's own sequence (ORM inserts elsewhere never collide with them)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n])
        return [row[0] for row in cursor.fetchall()]


def insert_rows(table: str, columns: list[str], types: list[str], values: list[list]) -> None:
    """One INSERT of many rows: ``values`` holds one list per column, cast to ``types`` (``unnest``)."""
    arrays = ", ".join(f"%s::{t}[]" for t in types)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM unnest({arrays})", values)
