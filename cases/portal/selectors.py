"""Reads for the portal. Scoped to what the asker may see: listed entries are public (公示), a case
only through cases.portal.access, an account's cases are the ones it filed."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from cases.audit.services import chain_key
from cases.letter_types import LetterStatus
from cases.models import Attachment, ListEntry, ObjectionCase, RepairCase, Subject
from cases.selectors.case_letters import letters_of_case
from cases.selectors.disclosure import public_entries, public_row
from cases.selectors.status import parse_identifier

MY_CASES_LIMIT = 200
# Letters the applicant receives; the verification notice goes to the data-providing unit.
NOT_FOR_APPLICANT = {"VERIFICATION_NOTICE"}


@dataclass
class SubjectEntries:
    subject: Subject | None
    entries: list[ListEntry]


def subject_entries(*, code: str, repairable: bool = False) -> SubjectEntries:
    """The subject with this code and its listed entries, as the public lists show them.
    ``repairable`` leaves out red-list entries (nothing to repair). Raises ValidationFailed on a
    malformed code (field ``identifier``)."""
    identifier = parse_identifier(code)
    subject = Subject.objects.filter(identifier=identifier).first()
    if subject is None:
        return SubjectEntries(None, [])
    entries = list(public_entries(subject_ids=[subject.pk]))
    if repairable:
        entries = [e for e in entries if not e.is_red]
    return SubjectEntries(subject, entries)


def entry_row(entry: ListEntry) -> dict:
    return {"id": entry.pk, **public_row(entry)}


def listed_entry(*, code: str, entry_id) -> ListEntry | None:
    """One listed entry of the subject with this code (None when it is not, or no longer, listed)."""
    try:
        entry_id = int(entry_id)
    except (TypeError, ValueError):
        return None
    return (ListEntry.objects.select_related("subject", "list_type", "listing_unit", "data_providing_unit")
            .filter(pk=entry_id, subject__identifier=code, state__in=ListEntry.LISTED).first())


def my_objections(*, user) -> QuerySet[ObjectionCase]:
    return (ObjectionCase.objects.filter(filed_by=user).select_related("subject", "entry__list_type")
            .order_by("-filed_at"))


def my_repairs(*, user) -> QuerySet[RepairCase]:
    return (RepairCase.objects.filter(filed_by=user).select_related("subject", "entry__list_type")
            .order_by("-filed_at"))


def my_cases(*, user) -> list:
    """The cases this account filed (objections and repairs), newest first. ``filed_by`` is indexed
    (foreign key); one person's cases are few, so both kinds are merged in memory."""
    if not user.is_authenticated:
        return []
    cases = [*my_objections(user=user)[:MY_CASES_LIMIT], *my_repairs(user=user)[:MY_CASES_LIMIT]]
    return sorted(cases, key=lambda c: c.filed_at, reverse=True)


def applicant_letters(case) -> QuerySet:
    """The case's letters the applicant may download: issued (signed) or superseded, oldest first."""
    return (letters_of_case(chain_key(case)).filter(status__in=[LetterStatus.ISSUED, LetterStatus.SUPERSEDED])
            .exclude(letter_type__in=NOT_FOR_APPLICANT).order_by("id"))


def applicant_letter(case, letter_id: int):
    return applicant_letters(case).filter(pk=letter_id, status=LetterStatus.ISSUED).first()


def applicant_attachment(case, attachment_id: int) -> Attachment | None:
    """One file of the applicant's own material on this case (what they or the counter uploaded for
    them): the case page lists them, and the query code that opened the case opens them too."""
    return Attachment.objects.filter(pk=attachment_id, object_type=case._meta.label_lower, object_id=case.pk).first()
