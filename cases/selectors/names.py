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
carries.

A LIKE reads the posting list of every trigram of its pattern, and a legal-form word (公司法: every
company's name carries 有限公司, 有限责任公司 or 股份有限公司) has trigrams that most names share: at
10 million subjects the lookup of a full company name took 200 ms for them against 16 ms without.
So the index is asked for the longest piece of the fragment between legal-form words (when that
piece has 3 characters or more) and the whole fragment is checked with ``strpos`` on the rows it
returns: the same answer. docs/performance.md, "Name search and the batch check at 10 million
subjects", has the figures.
"""

from __future__ import annotations

import re

from django.db.models import F, Q, Value
from django.db.models.functions import StrIndex, Upper
from django.db.models.lookups import Contains, GreaterThan

TRIGRAM = 3  # characters a fragment needs before the trigram index can serve it
LEGAL_FORMS = re.compile("股份有限公司|有限责任公司|有限公司|股份公司|公司")


class NameIContains(Contains):
    """``name ILIKE '%fragment%'``. Django's ``icontains`` compiles to ``UPPER(name) LIKE UPPER(...)``,
    which no index on ``name`` serves; ``gin_trgm_ops`` serves ILIKE directly."""

    lookup_name = "trgm_icontains"

    def get_rhs_op(self, connection, rhs):
        return f"ILIKE {rhs}"


def _strpos(field: str, fragment: str, ignore_case: bool) -> Q:
    name, text = (Upper(F(field)), Upper(Value(fragment))) if ignore_case else (F(field), Value(fragment))
    return Q(GreaterThan(StrIndex(name, text), 0))


def _like(field: str, fragment: str, ignore_case: bool) -> Q:
    return Q(NameIContains(F(field), fragment)) if ignore_case else Q(**{f"{field}__contains": fragment})


def name_contains(fragment: str, *, field: str = "name", ignore_case: bool = False) -> Q:
    """Subjects (or rows reaching them through ``field``) whose name contains ``fragment``: LIKE for
    the trigram index from ``TRIGRAM`` characters on, ``strpos`` below (see the module's docstring)."""
    if len(fragment) < TRIGRAM:
        return _strpos(field, fragment, ignore_case)
    piece = max(LEGAL_FORMS.split(fragment), key=len)
    if piece != fragment and len(piece) >= TRIGRAM:
        return _like(field, piece, ignore_case) & _strpos(field, fragment, ignore_case)
    return _like(field, fragment, ignore_case)
