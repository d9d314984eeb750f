"""Search by a fragment of a subject's name: the one rule every name search uses (registry, public
search, queues, auditors' finder), so that one index serves them all.

``subject_name_trgm`` (migration 0011) is a GIN ``gin_trgm_ops`` index on ``cases_subject.name``.
The cluster's ctype (C.UTF-8, as scripts/lib.sh creates it) counts CJK characters as letters, so a
Chinese name is one "word" of pg_trgm and a fragment of three characters or more yields trigrams the
index can look up; ``LIKE '%fragment%'`` is then answered from the index and rechecked on the heap
(exact, not fuzzy: a recheck keeps only real substrings). Digits and Latin letters in a name are
word characters too; punctuation (full-width brackets) splits words and is checked by the recheck.

A fragment of one or two characters has no trigram: a GIN scan for it reads the whole index (2.3 s
on 500,000 subjects, docs/architecture.md). Two characters (刘伟, the most common real search: a
Chinese personal name) are answered by a second index, ``subject_name_bigrams`` (migration 0014): a
GIN index on ``cases_name_bigrams(name)``, the array of the upper-cased name's overlapping
two-character pieces. ``cases_name_bigrams(name) @> ARRAY[upper(fragment)]`` finds every name whose
upper-cased form contains the upper-cased fragment (a superset for a case-sensitive search), and
``strpos`` on the rows found keeps exactly the names that contain it.

A single character stays a bounded walk: written ``strpos(name, fragment) > 0``, which no index
matches, so PostgreSQL walks the primary key and stops at the caller's bound (first N matches in id
order, or one unit's queue): fast for a common character, a scan of the table for one nobody
carries. The registry API caps its count (``cases.api.pagination.CappedCountPagination``).

A LIKE reads the posting list of every trigram of its pattern, and a legal-form word (公司法: every
company's name carries 有限公司, 有限责任公司 or 股份有限公司) has trigrams that most names share: at
10 million subjects the lookup of a full company name took 200 ms for them against 16 ms without.
So the index is asked for every piece of the fragment between legal-form words that has 3
characters or more, all in one index scan, and the whole fragment is checked with ``strpos`` on the
rows it returns: the same answer. Every piece counts: a full company name's own number
(西藏吉祥安居建筑工程有限公司5102) narrows the name body's 5,103 candidates to 1 inside the index,
28 ms → 1 ms at 10 million subjects, where asking for the body alone read all 5,103 rows to keep one.
docs/performance.md, "Name search and the batch check at 10 million subjects", has the figures.
"""

from __future__ import annotations

import re

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.lookups import DataContains
from django.db.models import F, Func, Q, TextField, Value
from django.db.models.functions import StrIndex, Upper
from django.db.models.lookups import Contains, GreaterThan

TRIGRAM = 3  # characters a fragment needs before the trigram index can serve it
BIGRAM = 2  # a fragment of exactly this many characters is served by subject_name_bigrams
LEGAL_FORMS = re.compile("股份有限公司|有限责任公司|有限公司|股份公司|公司")


class NameIContains(Contains):
    """``name ILIKE '%fragment%'``. Django's ``icontains`` compiles to ``UPPER(name) LIKE UPPER(...)``,
    which no index on ``name`` serves; ``gin_trgm_ops`` serves ILIKE directly."""

    lookup_name = "trgm_icontains"

    def get_rhs_op(self, connection, rhs):
        return f"ILIKE {rhs}"


class NameBigrams(Func):
    """``cases_name_bigrams(name)``: the expression ``subject_name_bigrams`` indexes (migration 0014)."""

    function = "cases_name_bigrams"
    output_field = ArrayField(TextField())


class UpperArray(Func):
    """``ARRAY[upper(fragment)]``: upper-cased by PostgreSQL, as the index's expression is."""

    template = "ARRAY[upper(%(expressions)s)]"
    output_field = ArrayField(TextField())


def _bigram(field: str, fragment: str, ignore_case: bool) -> Q:
    index = Q(DataContains(NameBigrams(F(field)), UpperArray(Value(fragment, output_field=TextField()))))
    # strpos first: where a plan filters rows instead of asking the index (a walk in the page's
    # order), the cheap exact test runs before the PL/pgSQL function.
    return _strpos(field, fragment, ignore_case) & index


def _strpos(field: str, fragment: str, ignore_case: bool) -> Q:
    name, text = (Upper(F(field)), Upper(Value(fragment))) if ignore_case else (F(field), Value(fragment))
    return Q(GreaterThan(StrIndex(name, text), 0))


def _like(field: str, fragment: str, ignore_case: bool) -> Q:
    return Q(NameIContains(F(field), fragment)) if ignore_case else Q(**{f"{field}__contains": fragment})


def name_contains(fragment: str, *, field: str = "name", ignore_case: bool = False, indexed: bool = True) -> Q:
    """Subjects (or rows reaching them through ``field``) whose name contains ``fragment``: LIKE for
    the trigram index from ``TRIGRAM`` characters on, the bigram index for ``BIGRAM``, ``strpos`` for
    one character (see the module's docstring). ``indexed=False``: ``strpos`` whatever the length,
    for a walk in another index's order that checks each row it meets (no index can be asked)."""
    if not indexed:
        return _strpos(field, fragment, ignore_case)
    if len(fragment) == BIGRAM:
        return _bigram(field, fragment, ignore_case)
    if len(fragment) < TRIGRAM:
        return _strpos(field, fragment, ignore_case)
    pieces = [piece for piece in LEGAL_FORMS.split(fragment) if len(piece) >= TRIGRAM]
    if pieces in ([], [fragment]):  # no legal-form word, or nothing but them (有限公司): the whole LIKE
        return _like(field, fragment, ignore_case)
    condition = _strpos(field, fragment, ignore_case)
    for piece in pieces:
        condition &= _like(field, piece, ignore_case)
    return condition
