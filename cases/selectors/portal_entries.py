"""The list entry an applicant names on the portal (objection or repair filing, the repair
eligibility question): found only together with the subject's own code, so a number alone shows
nothing of another subject."""

from __future__ import annotations

from cases.identifiers import normalise
from cases.models import ListEntry


def entry_of_subject(*, subject_code: str, entry_id) -> ListEntry | None:
    return ListEntry.objects.select_related("subject", "list_type", "listing_unit", "data_providing_unit").filter(
        pk=entry_id, subject__identifier=normalise(subject_code or "")).first()
