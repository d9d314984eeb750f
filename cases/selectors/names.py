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

A piece of ``CHUNKED`` characters or more is asked as its consecutive 3-character chunks in order,
``LIKE '%吉祥安%居建筑%工程%'``, which pg_trgm looks up as one trigram per chunk instead of one per
character: GIN meets each candidate of the rarest trigram once per trigram asked, so a name body of
8 characters whose words are common (吉祥安居建筑工程, 51,021 names carry 吉祥安 at 10 million
subjects) cost 11.6 ms of index scan for its 6 trigrams and 3.9 ms for 2. The chunks in order are a
superset of the piece, and ``strpos`` on the whole fragment keeps exactly the names that contain it.
Shorter pieces keep every trigram: a piece's chunks alone (北京市 for 北京市朝阳) can be far less
selective than its inner trigrams.
"""

from __future__ import annotations

import functools
import json
import re
import time

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.lookups import DataContains
from django.db import connection
from django.db.models import F, Func, Lookup, Q, TextField, Value
from django.db.models.functions import StrIndex, Upper
from django.db.models.lookups import Contains, GreaterThan

TRIGRAM = 3  # characters a fragment needs before the trigram index can serve it
BIGRAM = 2  # a fragment of exactly this many characters is served by subject_name_bigrams
CHUNKED = 6  # a piece this long is asked of the trigram index as its 3-character chunks in order
COMMON = 0.012  # share of names: a two-character fragment this common is found by a walk (common_bigram)
WALK_FROM_ROWS = 100_000  # ... in a registry of this many subjects or more; below, the bigram index
LEGAL_FORMS = re.compile("股份有限公司|有限责任公司|有限公司|股份公司|公司")


class NameIContains(Contains):
    """``name ILIKE '%fragment%'``. Django's ``icontains`` compiles to ``UPPER(name) LIKE UPPER(...)``,
    which no index on ``name`` serves; ``gin_trgm_ops`` serves ILIKE directly."""

    lookup_name = "trgm_icontains"

    def get_rhs_op(self, connection, rhs):
        return f"ILIKE {rhs}"


class LikeInOrder(Lookup):
    """``name LIKE '%a%b%…%'`` (``ILIKE`` with ``ignore_case``): the pieces in this order, anything
    between them. Each piece is escaped as Django escapes ``contains``."""

    lookup_name = "like_in_order"
    prepare_rhs = False

    def __init__(self, lhs, pieces: tuple[str, ...], ignore_case: bool = False):
        self.ignore_case = ignore_case
        super().__init__(lhs, tuple(pieces))

    def as_sql(self, compiler, connection):
        lhs_sql, params = self.process_lhs(compiler, connection)
        pattern = "%" + "%".join(connection.ops.prep_for_like_query(piece) for piece in self.rhs) + "%"
        return f"{lhs_sql}::text {'ILIKE' if self.ignore_case else 'LIKE'} %s", [*params, pattern]


class NameBigrams(Func):
    """``cases_name_bigrams(name)``: the expression ``subject_name_bigrams`` indexes (migration 0014)."""

    function = "cases_name_bigrams"
    output_field = ArrayField(TextField())


class UpperArray(Func):
    """``ARRAY[upper(fragment)]``: upper-cased by PostgreSQL, as the index's expression is."""

    template = "ARRAY[upper(%(expressions)s)]"
    output_field = ArrayField(TextField())


def common_bigram(fragment: str) -> bool:
    """Whether PostgreSQL's statistics say that at least ``COMMON`` of the registry's names carry
    ``fragment``, in a registry of ``WALK_FROM_ROWS`` subjects or more: a two-character word of
    company names (鸿运, 科技, 建筑), found by a walk that checks each name with ``strpos``, never by
    the bigram index. The index must hand over every match before the first row is read (at 10 million
    subjects 65 ms to build a bitmap of 632,649 names carrying 鸿运, and past ``work_mem`` the bitmap
    went lossy: every name on its pages checked by the PL/pgSQL function, 356 ms), where a walk
    meets a match every 16 names; and the walk must not carry the bigram condition, whose function
    PostgreSQL calls on every row that passes ``strpos`` (~7 µs each). Below ``COMMON`` the index
    is the cheaper way (docs/performance.md, "Session 15"). Asked once an hour per process and
    fragment: ``EXPLAIN`` of the index's condition, the planner's estimate from the index
    expression's most common elements (pg_stats does not show an index's statistics to the
    application's role)."""
    return _bigram_share(fragment.upper(), int(time.monotonic() // 3600)) >= COMMON


@functools.lru_cache(maxsize=4096)
def _bigram_share(bigram: str, _hour: int) -> float:
    with connection.cursor() as cur:
        cur.execute("SELECT reltuples FROM pg_class WHERE oid = 'cases_subject'::regclass")
        total = cur.fetchone()[0]
        if total < max(WALK_FROM_ROWS, 1):  # a small registry (or one never analysed): the index is cheap
            return 0.0
        cur.execute("EXPLAIN (FORMAT JSON) SELECT 1 FROM cases_subject WHERE cases_name_bigrams(name) @> ARRAY[%s]",
                    [bigram])
        plan = cur.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return plan[0]["Plan"]["Plan Rows"] / total


def _bigram(field: str, fragment: str, ignore_case: bool) -> Q:
    if common_bigram(fragment):
        return _strpos(field, fragment, ignore_case)
    index = Q(DataContains(NameBigrams(F(field)), UpperArray(Value(fragment, output_field=TextField()))))
    # strpos first: where a plan filters rows instead of asking the index (a walk in the page's
    # order), the cheap exact test runs before the PL/pgSQL function.
    return _strpos(field, fragment, ignore_case) & index


def _strpos(field: str, fragment: str, ignore_case: bool) -> Q:
    name, text = (Upper(F(field)), Upper(Value(fragment))) if ignore_case else (F(field), Value(fragment))
    return Q(GreaterThan(StrIndex(name, text), 0))


def _contains(field: str, fragment: str, ignore_case: bool) -> Q:
    return Q(NameIContains(F(field), fragment)) if ignore_case else Q(**{f"{field}__contains": fragment})


def _like(field: str, piece: str, ignore_case: bool) -> Q:
    """The trigram index asked for ``piece``: every trigram of a short piece, one per chunk of a long one."""
    if len(piece) >= CHUNKED:
        chunks = tuple(piece[i:i + TRIGRAM] for i in range(0, len(piece), TRIGRAM))
        return Q(LikeInOrder(F(field), chunks, ignore_case))
    return _contains(field, piece, ignore_case)


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
    if not pieces or pieces == [fragment] and len(fragment) < CHUNKED:
        # nothing but legal-form words (有限公司), or a short fragment with none: the whole LIKE
        return _contains(field, fragment, ignore_case)
    condition = _strpos(field, fragment, ignore_case)
    for piece in pieces:
        condition &= _like(field, piece, ignore_case)
    return condition
