"""The open workflow tasks of an entry, as the cases app reads them without importing the workflow.

Tasks and who may read them belong to the workflow (``workflow.selectors``); the cases app must
not depend on it for a read (docs/architecture.md). The workflow registers its reader here when it
starts (``workflow.apps``), as it registers its deadline holder with ``deadlines.recompute``.
"""

from __future__ import annotations

from collections.abc import Callable

# (user, entry) → the rows /api/v1/tasks/ shows for the open tasks of the entry the user may read.
EntryTasksReader = Callable[..., list]
_reader: EntryTasksReader | None = None


def register_entry_tasks_reader(reader: EntryTasksReader) -> None:
    global _reader
    _reader = reader


def open_tasks_of_entry(*, user, entry) -> list[dict]:
    """Every open task about the entry, its executions, restorations and the cases filed on it that
    the user may read; none when no workflow is installed."""
    return list(_reader(user=user, entry=entry)) if _reader is not None else []
