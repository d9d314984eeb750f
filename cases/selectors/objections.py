"""Reads of objection cases, scoped: the accepting, verifying, listing and reporting units see
their cases; the credit lead office and auditors see every case of the units they supervise
(``scope``: the one rule)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from cases.audit.models import AuditEvent
from cases.models import ObjectionCase

from .scope import cases_readable, staff_of


def objections_visible_to(*, user) -> QuerySet[ObjectionCase]:
    base = ObjectionCase.objects.select_related("entry", "entry__list_type", "subject", "accepting_unit",
                                                "verifying_unit", "entry__listing_unit")
    readable = cases_readable("objection", staff_of(user))
    return base.none() if readable is None else base.filter(readable)


def _shown_value(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def objection_correction_rows(case: ObjectionCase) -> list[dict]:
    """The conclusion's corrections as a person reads them: each field's label, the value before and
    the corrected value. Until the conclusion takes effect the value before is the entry's; once it
    has, the entry has changed and the value before is the one its correction event recorded."""
    corrections = case.corrections or {}
    if not corrections:
        return []
    before = {}
    if case.state == ObjectionCase.State.CLOSED:
        event = (AuditEvent.objects.filter(chain=f"cases.listentry:{case.entry_id}", action="entry.correct",
                                           reason__startswith=case.effect_prefix)
                 .order_by("-occurred_at").first())
        before = {name: change[0] for name, change in (event.changes if event else {}).items()}
        # A field the correction left as it was has no change recorded: it is still the entry's.
        before = {name: before.get(name, getattr(case.entry, name, "")) for name in corrections}
    else:
        before = {name: getattr(case.entry, name, "") for name in corrections}
    labels = ObjectionCase.CORRECTABLE_FIELDS
    return [{"field": name, "label": str(labels.get(name, name)), "old": _shown_value(before.get(name)),
             "new": _shown_value(value)} for name, value in corrections.items()]
