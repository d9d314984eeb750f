"""A step's completion form on a page, built from the DRF serializer its node declares
(``UnitTask.form_class``), so the page and the API take exactly the same data and the service
validates it once (``services.task_complete``). The page only lays the fields out and reads the
posted values back."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

# Field names across the step forms → their labels on the page.
LABELS = {
    "served_on": _("Served on"),
    "statement": _("Statement and defence"),
    "approve": _("Approve"),
    "decision_date": _("Decision date"),
    "dating_reason": _("Why the decision is recorded late"),
    "reason": _("Reason"),
    "reasons": _("Reasons stated"),
    "basis": _("Legal basis stated"),
    "applied": _("Measure applied"),
    "applied_at": _("Applied at"),
    "note": _("Note"),
    "accept": _("Accept"),
    "outcome": _("Outcome"),
    "findings": _("Findings"),
    "corrections": _("Corrections"),
    "action": _("Action"),
    "proposal": _("Proposal"),
    "verification_unit": _("Unit asked to verify"),
    "request": _("What is to be verified"),
    "performed": _("Obligations performed"),
    "decision": _("Decision"),
    "earliest_reapply_on": _("May apply again from"),
}
YES_NO = [("true", _("Yes")), ("false", _("No"))]


def _kind(field) -> str:
    if isinstance(field, serializers.BooleanField):
        return "boolean"
    if isinstance(field, serializers.ChoiceField):
        return "choice"
    if isinstance(field, serializers.DateTimeField):
        return "datetime"
    if isinstance(field, serializers.DateField):
        return "date"
    if isinstance(field, serializers.DictField):
        return "mapping"
    return "text"


def form_fields(form_class, values: dict | None = None, errors: dict | None = None) -> list[dict]:
    """What the template needs to draw each field: name, label, kind, choices, value, errors."""
    if form_class is None:
        return []
    values, errors = values or {}, errors or {}
    fields = []
    for name, field in form_class().fields.items():
        kind = _kind(field)
        choices = YES_NO if kind == "boolean" else (
            [(str(k), v) for k, v in field.choices.items()] if kind == "choice" else [])
        fields.append({
            "name": name, "id": f"field-{name}", "label": LABELS.get(name, name.replace("_", " ")),
            "kind": kind, "required": field.required, "choices": choices,
            "help": field.help_text or "", "value": values.get(name, ""), "errors": errors.get(name, []),
        })
    return fields


def read_posted(form_class, post) -> tuple[dict, dict]:
    """(data for the service, the raw values to redraw the form with). Empty optional fields are
    left out; a mapping is typed one ``field: value`` per line."""
    data, raw = {}, {}
    if form_class is None:
        return data, raw
    for name, field in form_class().fields.items():
        value = (post.get(name) or "").strip()
        raw[name] = value
        if value == "":
            continue  # a required one is reported by the serializer ("This field is required.")
        if _kind(field) == "mapping":
            mapping = {}
            for line in value.splitlines():
                key, sep, val = line.partition(":") if ":" in line else line.partition("：")
                if key.strip():
                    mapping[key.strip()] = val.strip()
            data[name] = mapping
        else:
            data[name] = value
    return data, raw
