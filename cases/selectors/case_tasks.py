"""The workflow tasks of an entry, as the cases app reads them without importing the workflow.

Tasks and who may read them belong to the workflow (``workflow.selectors``); the cases app must
not depend on it for a read (docs/architecture.md). The workflow registers its readers here when it
starts (``workflow.apps``), as it registers its deadline holder with ``deadlines.recompute`` and
its listeners with ``cases.events``.
"""

from __future__ import annotations

from collections.abc import Callable

# (user, entry) → rows about the entry's tasks the user may read.
EntryTasksReader = Callable[..., list]
_open_reader: EntryTasksReader | None = None
_every_reader: EntryTasksReader | None = None


def register_entry_tasks_reader(open_rows: EntryTasksReader, every_row: EntryTasksReader) -> None:
    """``open_rows``: the open tasks about the entry as /api/v1/tasks/ shows them; ``every_row``:
    every task of the entry itself, oldest first, as the entry's detail lists them."""
    global _open_reader, _every_reader
    _open_reader, _every_reader = open_rows, every_row


def open_tasks_of_entry(*, user, entry) -> list[dict]:
    """Every open task about the entry, its executions, restorations and the cases filed on it that
    the user may read; none when no workflow is installed."""
    return list(_open_reader(user=user, entry=entry)) if _open_reader is not None else []


def tasks_of_entry(*, user, entry) -> list[dict]:
    """Every task of the entry's own procedure (open or not) that the user may read: id, step,
    unit, status, due, owner; none when no workflow is installed."""
    return list(_every_reader(user=user, entry=entry)) if _every_reader is not None else []
