"""Public disclosure (公示, domain.md §8): what anyone may see without signing in.

Listed red, black and focus list entries (ACTIVE, and SUSPENDED flagged 异议处理中): subject name and
code, list, reasons, basis, listing unit, dates. Natural persons' ID numbers are masked. REMOVED,
WITHDRAWN and pre-listing entries never appear: the filter is on the entry's committed state, so a
removal leaves public view the moment its transaction commits.

The search is bounded: a name fragment of at least ``MIN_QUERY`` characters or one full 18-character
code (never a code prefix: that would let anyone enumerate ID numbers); at most ``MAX_SUBJECTS``
matching subjects; pages of ``PAGE_SIZE`` rows fetched with LIMIT (no COUNT over the match) and at
most ``MAX_PAGES`` pages; refine the query to see more. A code is an index lookup
(``cases_subject.identifier``), then the subject's listed entries (partial index
``entry_listed_by_subject``). A name fragment is a LIKE over subjects' names, answered by the trigram
index from 3 characters on (``cases.selectors.names``); a 2-character one walks the primary key and
stops after ``MAX_SUBJECTS`` listed matches.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.errors import ValidationFailed
from cases.identifiers import mask_resident_id, normalise
from cases.models import ListEntry, ListType, Subject

from .names import name_contains

MIN_QUERY = 2
PAGE_SIZE = 20
MAX_PAGES = 50
MAX_SUBJECTS = 1000
KINDS = ListType.Kind

# What the public reads for each listed state.
PUBLIC_STATUS = {
    ListEntry.State.ACTIVE: _("published"),
    ListEntry.State.SUSPENDED: _("objection being processed"),
}


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
    qs = ListEntry.objects.filter(state__in=ListEntry.LISTED, list_type__kind__in=KINDS.values)
    return qs.filter(list_type__kind=kind) if kind else qs


def matching_subjects(*, query: DisclosureQuery) -> tuple[list[int], bool]:
    """Ids of the first ``MAX_SUBJECTS`` listed subjects (in registration order) whose code is the
    query or whose name contains it, and whether more match. Bounding the subjects first keeps a
    broad fragment (公司) from joining and sorting every listed entry: the scan stops early."""
    if query.is_code:
        subjects = Subject.objects.filter(identifier=query.text)
    else:
        subjects = Subject.objects.filter(name_contains(query.text))
    subjects = subjects.filter(Exists(_listed(query.kind).filter(subject=OuterRef("pk"))))
    ids = list(subjects.order_by("pk").values_list("pk", flat=True)[: MAX_SUBJECTS + 1])
    return ids[:MAX_SUBJECTS], len(ids) > MAX_SUBJECTS


def public_entries(*, subject_ids: list[int], kind: str = "") -> QuerySet[ListEntry]:
    """The listed entries of these subjects, newest publication first. Anyone may call this."""
    return (
        _listed(kind).filter(subject_id__in=subject_ids)
        .select_related("subject", "list_type", "listing_unit").order_by("-published_at", "-id")
    )


def public_page(*, query: DisclosureQuery, page: int = 1) -> dict:
    """One page: ``{"rows": [...], "page": n, "has_next", "has_previous", "truncated"}``; ``truncated``
    says more subjects match than are searched (ask the visitor to refine the query)."""
    page = min(max(1, page), MAX_PAGES)
    offset = (page - 1) * PAGE_SIZE
    subject_ids, truncated = matching_subjects(query=query)
    entries = list(public_entries(subject_ids=subject_ids, kind=query.kind)[offset: offset + PAGE_SIZE + 1]) if subject_ids else []
    return {
        "rows": [public_row(e) for e in entries[:PAGE_SIZE]],
        "page": page,
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
        "subject_name": entry.subject.name,
        "subject_code": public_code(entry.subject),
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
