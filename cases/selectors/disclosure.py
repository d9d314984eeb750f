"""Public disclosure (公示, domain.md §8): what anyone may see without signing in.

Listed red, black and focus list entries (ACTIVE, and SUSPENDED flagged 异议处理中): subject name and
code, list, reasons, basis, listing unit, dates. Natural persons' ID numbers are masked. REMOVED,
WITHDRAWN and pre-listing entries never appear: the filter is on the entry's committed state, so a
removal leaves public view the moment its transaction commits.

The search is bounded: a name fragment of at least ``MIN_QUERY`` characters or one full 18-character
code (never a code prefix: that would let anyone enumerate ID numbers); at most ``MAX_SUBJECTS``
matching subjects; pages of ``PAGE_SIZE`` rows fetched with LIMIT and at most ``MAX_PAGES`` pages;
refine the query to see more. The result count is the listed entries of those subjects counted up to
``COUNT_CAP`` + 1 (the entries that pages can show): "more than ``COUNT_CAP``" beyond, as the
registry's capped counts (``cases.selectors.paging.CappedCountPaginator``). A code is an index lookup
(``cases_subject.identifier``), then the subject's listed entries (partial index
``entry_listed_by_subject``).

A name fragment is looked up among the listed subjects alone (``cases.models.ListedSubject``, kept by
triggers: migration 0018), through their own name indexes (``cases.selectors.names``: trigrams from 3
characters, bigrams for 2), never in the registry's, so a fragment costs what it finds among listed
subjects, not among every registered one. At most ``CANDIDATES`` of them are asked for unordered:
when that is all, they are sorted. When more match (a broad fragment: 建筑工程, 公司), the listed
subjects are walked in id order instead, each name checked, until ``MAX_SUBJECTS`` match: a broad
fragment finds its matches early, and the walk never sorts all of them. At 10 million registered
subjects the registry's indexes had cost the public search 30–90 ms for a broad fragment and the
full name of a listed company (docs/performance.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import BooleanField, Exists, F, Func, OuterRef, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.errors import ValidationFailed
from cases.identifiers import mask_resident_id, normalise
from cases.models import ListedSubject, ListEntry, ListType, Subject

from .names import name_contains

MIN_QUERY = 2
PAGE_SIZE = 20
MAX_PAGES = 50
MAX_SUBJECTS = 1000
COUNT_CAP = PAGE_SIZE * MAX_PAGES  # what the pages can show; a count beyond it reads "more than"
CANDIDATES = 2000  # listed subjects' matches sorted; beyond this, the listed subjects are walked in id order
KINDS = ListType.Kind

# What the public reads for each listed state.
PUBLIC_STATUS = {
    ListEntry.State.ACTIVE: _("published"),
    ListEntry.State.SUSPENDED: _("objection being processed"),
}


class AnyOf(Func):
    """``column = ANY(%s)``: the ids as one array parameter. An ``IN`` list of 2,000 placeholders
    cost three times as much to send and plan as the probe itself (bench/search.py at 2 million)."""

    template = "(%(expressions)s))"
    arg_joiner = " = ANY("
    output_field = BooleanField()


@dataclass(frozen=True)
class DisclosureQuery:
    text: str
    kind: str
    is_code: bool


def parse_query(*, q: str, kind: str = "") -> DisclosureQuery:
    """Check the public search: ValidationFailed on ``q`` or ``kind``."""
    text = " ".join((q or "").split())
    kind = (kind or "").strip().upper()
    errors = {}
    code = normalise(text)
    is_code = len(code) == 18 and code.isascii() and code.isalnum()  # "西藏…有限公司1234" may be 18 characters too
    if len(text) < MIN_QUERY:
        errors["q"] = [("query_too_short", _("Enter at least %(n)s characters of a name, or a full code.") % {"n": MIN_QUERY})]
    if kind and kind not in KINDS.values:
        errors["kind"] = [("invalid_choice", _("Not one of the allowed values."))]
    if errors:
        raise ValidationFailed(fields=errors)
    return DisclosureQuery(text=code if is_code else text, kind=kind, is_code=is_code)


def _listed(kind: str = "") -> QuerySet[ListEntry]:
    """Listed entries, of one kind of list or of every kind: red, serious and focus lists are all
    public (domain.md §8), and a list type's kind is one of them (``ListType.Kind``), so without a
    kind no join to the list types is needed."""
    qs = ListEntry.objects.filter(state__in=ListEntry.LISTED)
    return qs.filter(list_type__kind=kind) if kind else qs


def matching_subjects(*, query: DisclosureQuery) -> tuple[list[int], bool]:
    """Ids of the first ``MAX_SUBJECTS`` listed subjects (in registration order) whose code is the
    query or whose name contains it, and whether more match. Bounding the subjects first keeps a
    broad fragment (公司) from joining and sorting every listed entry: the search stops early."""
    if query.is_code:
        subjects = list(Subject.objects.filter(identifier=query.text).values_list("pk", flat=True))
        ids = list(_listed(query.kind).filter(subject_id__in=subjects).order_by("subject_id")
                   .values_list("subject_id", flat=True).distinct()) if subjects else []
        return ids, False
    named = ListedSubject.objects.all()
    if query.kind:
        named = named.filter(Exists(_listed(query.kind).filter(subject_id=OuterRef("subject_id"))))
    # Unordered through the name indexes: the first CANDIDATES + 1 the plan meets.
    candidates = list(named.filter(name_contains(query.text)).order_by()
                      .values_list("subject_id", flat=True)[:CANDIDATES + 1])
    if len(candidates) <= CANDIDATES:
        ids = sorted(candidates)[: MAX_SUBJECTS + 1]
    else:
        # Broad: walk in id order (the primary key), checking each name, until enough match.
        ids = list(named.filter(name_contains(query.text, indexed=False)).order_by("subject_id")
                   .values_list("subject_id", flat=True)[: MAX_SUBJECTS + 1])
    return ids[:MAX_SUBJECTS], len(ids) > MAX_SUBJECTS


ROW_RELATED = ("subject", "list_type", "listing_unit")  # what ``public_row`` reads beside the entry


def public_entries(*, subject_ids: list[int], kind: str = "") -> QuerySet[ListEntry]:
    """The listed entries of these subjects, newest publication first. Anyone may call this."""
    return (
        _listed(kind).filter(AnyOf(F("subject_id"), Value(subject_ids)))
        .select_related(*ROW_RELATED).order_by("-published_at", "-id")
    )


def public_page(*, query: DisclosureQuery, page: int = 1) -> dict:
    """One page: ``{"rows": [...], "page": n, "pages", "count", "count_capped", "has_next",
    "has_previous", "truncated"}``. ``truncated`` says more subjects match than are searched (ask the
    visitor to refine the query); ``count_capped`` that ``count`` is a lower bound ("more than N")."""
    subject_ids, truncated = matching_subjects(query=query)
    listed = public_entries(subject_ids=subject_ids, kind=query.kind) if subject_ids else None
    # Unordered, at most COUNT_CAP + 1 rows: the matching subjects are bounded, so is this count.
    counted = listed.order_by()[: COUNT_CAP + 1].count() if listed is not None else 0
    count, capped = min(counted, COUNT_CAP), counted > COUNT_CAP or truncated
    pages = max(1, -(-count // PAGE_SIZE))
    page = min(max(1, page), pages)
    offset = (page - 1) * PAGE_SIZE
    # The page's ids first (a sort of narrow rows: 2,340 entries of 公司's 1,000 subjects at 10 million
    # subjects sorted whole rows with their subjects joined in 12 ms), then those rows with theirs.
    ids = list(listed.values_list("pk", flat=True)[offset: offset + PAGE_SIZE + 1]) if listed is not None else []
    rows = ListEntry.objects.select_related(*ROW_RELATED).in_bulk(ids)
    entries = [rows[pk] for pk in ids]
    return {
        "rows": [public_row(e) for e in entries[:PAGE_SIZE]],
        "page": page,
        "pages": pages,
        "count": count,
        "count_capped": capped,
        "has_next": len(entries) > PAGE_SIZE and page < MAX_PAGES,
        "has_previous": page > 1,
        "truncated": truncated,
    }


def public_code(subject) -> str:
    """The code as the public sees it: a natural person's ID number masked (GB 11643 personal data)."""
    return mask_resident_id(subject.identifier) if subject.is_natural_person else subject.identifier


def public_row(entry: ListEntry) -> dict:
    """Only the fields domain.md §8 makes public; never the facts, statement or the raw ID number."""
    return {
        "entry_id": entry.pk,
        "subject_name": entry.subject.name,
        "subject_code": public_code(entry.subject),
        "subject_code_masked": entry.subject.is_natural_person,
        "subject_kind": entry.subject.kind,
        "list_type": entry.list_type.name,
        "list_kind": entry.list_type.kind,
        "list_kind_label": str(entry.list_type.get_kind_display()),
        "status": entry.state,
        "status_label": str(PUBLIC_STATUS[entry.state]),
        "reasons": entry.reasons,
        "basis": entry.basis,
        "listing_unit": entry.listing_unit.name,
        "decision_date": entry.decision_date,
        "published_on": timezone.localdate(entry.published_at) if entry.published_at else None,
        "valid_until": entry.valid_until,
    }
