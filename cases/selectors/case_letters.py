"""The letters of a case, as the cases app reads them without importing the letters app.

Letters belong to the letters app (``letters.selectors``), and letters stand on the domain, never
the other way round (docs/architecture.md). The letters app registers its reader here when it
starts (``letters.apps``), as the workflow registers its task readers with ``cases.selectors.case_tasks``;
the rows are the letters app's own, and the words for their types and statuses are
``cases.letter_types``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models import QuerySet

# case chains (``cases.objectioncase:12``, as ``chain_key`` names them) → their letters, newest first.
CaseLettersReader = Callable[[Iterable[str]], QuerySet]
_reader: CaseLettersReader | None = None


def register_case_letters_reader(reader: CaseLettersReader) -> None:
    """``reader(case_chains)``: every letter of those cases, newest first, superseded ones included."""
    global _reader
    _reader = reader


def letters_of_cases(case_chains: Iterable[str]) -> QuerySet:
    """Every letter of the cases on these audit chains (an audited case may span several), newest
    first, superseded ones included; a queryset the caller narrows."""
    if _reader is None:
        # Unlike a task list, a letter is part of the case: no letters app is a broken install.
        raise RuntimeError("no letters reader is registered: is the letters app installed?")
    return _reader(list(case_chains))


def letters_of_case(case_chain: str) -> QuerySet:
    """Every letter of one case, newest first, superseded ones included."""
    return letters_of_cases([case_chain])
