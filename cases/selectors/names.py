"""Search by a fragment of a subject's name: the one rule every name search uses (registry, public
search, queues, auditors' finder), so that one index serves them all.

``subject_name_trgm`` (migration 0011) is a GIN ``gin_trgm_ops`` index on ``cases_subject.name``.
The cluster's ctype (C.UTF-8, as scripts/lib.sh creates it) counts CJK characters as letters, so a
Chinese name is one "word" of pg_trgm and a fragment of three characters or more yields trigrams the
index can look up; ``LIKE '%fragment%'`` is then answered from the index and rechecked on the heap
(exact, not fuzzy: a recheck keeps only real substrings). Digits and Latin letters in a name are
word characters too; punctuation (full-width brackets) splits words and is checked by the recheck.

A fragment of one or two characters has no trigram: a GIN scan for it reads the whole index (2.3 s
on 500,000 subjects, docs/architecture.md). Such a fragment is therefore written as
``strpos(name, fragment) > 0``, the same exact substring test, which the trigram index does not
match: the planner cannot pick it. Every caller bounds the result (first N matches in id order, or
one unit's queue), so PostgreSQL walks the primary key and stops at the N-th match: fast for a
common fragment such as a two-character personal name, a scan of the table for a fragment nobody
carries. docs/performance.md, "Name search", has the figures.
"""

from __future__ import annotations

from django.db.models import F, Q, Value
from django.db.models.functions import StrIndex, Upper
from django.db.models.lookups import Contains, GreaterThan

TRIGRAM = 3  # characters a fragment needs before the trigram index can serve it


class NameIContains(Contains):
    """``name ILIKE '%fragment%'``. Django's ``icontains`` compiles to ``UPPER(name) LIKE UPPER(...)``,
    which no index on ``name`` serves; ``gin_trgm_ops`` serves ILIKE directly."""

    lookup_name = "trgm_icontains"

    def get_rhs_op(self, connection, rhs):
        return f"ILIKE {rhs}"


def name_contains(fragment: str, *, field: str = "name", ignore_case: bool = False) -> Q:
    """Subjects (or rows reaching them through ``field``) whose name contains ``fragment``: LIKE for
    the trigram index from ``TRIGRAM`` characters on, ``strpos`` below (see the module's docstring)."""
    if len(fragment) < TRIGRAM:
        name, text = (Upper(F(field)), Upper(Value(fragment))) if ignore_case else (F(field), Value(fragment))
        return Q(GreaterThan(StrIndex(name, text), 0))
    if ignore_case:
        return Q(NameIContains(F(field), fragment))
    return Q(**{f"{field}__contains": fragment})
