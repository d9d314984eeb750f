"""A step's completion form on a page, built from the DRF serializer its node declares
(``UnitTask.form_class``), so the page and the API take exactly the same data and the service
validates it once (``services.task_complete``). The page only lays the fields out and reads the
posted values back."""

from __future__ import annotations

import re

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
API_VALUES = re.compile(r"\s*[（(](?:true|false)[）)]")
# A field that only means something with one choice of another: the page shows it only then
# (static/credit/site.js), and a hidden field is not submitted.
SHOWN_WITH = {"corrections": ("outcome", "CORRECTED")}


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


def _part_name(name: str, key: str) -> str:
    return f"{name}.{key}"


def form_fields(form_class, values: dict | None = None, errors: dict | None = None,
                parts: dict | None = None, choices: dict | None = None) -> list[dict]:
    """What the template needs to draw each field: name, label, kind, choices, value, errors.

    ``choices`` offers a text field's values by name ({field: [(value, label), …]}), e.g. the unit
    asked to verify, which the API takes by its code. A mapping (the corrections of a conclusion) is
    drawn one input per entry of ``parts[name]`` (each with its key, label, kind and current value,
    from ``workflow.decision``), filled with the current value until the officer changes it; without
    parts there is nothing to draw it from."""
    if form_class is None:
        return []
    values, errors, parts, offered = values or {}, errors or {}, parts or {}, choices or {}
    fields = []
    for name, field in form_class().fields.items():
        kind = _kind(field)
        if kind == "mapping" and name not in parts:
            continue
        choices = YES_NO if kind == "boolean" else (
            [(str(k), v) for k, v in field.choices.items()] if kind == "choice" else [])
        help_text = field.help_text or ""
        if kind == "boolean":  # the API's help names its JSON values; the page offers 是/否
            help_text = API_VALUES.sub("", str(help_text))
        if name in offered:  # a code the API takes, chosen on the page by the name it stands for
            kind, choices, help_text = "choice", offered[name], ""
        drawn = {
            "name": name, "id": f"field-{name}", "label": LABELS.get(name, name.replace("_", " ")),
            "kind": kind, "required": field.required, "choices": choices,
            "help": help_text, "value": values.get(name, ""), "errors": errors.get(name, []),
        }
        if kind == "mapping":
            drawn["help"] = ""  # the API's help names the codes; the page names the fields
            if name in SHOWN_WITH:
                other, value = SHOWN_WITH[name]
                drawn["shown_with"], drawn["shown_value"] = f"field-{other}", value
            drawn["parts"] = [{
                **part, "name": _part_name(name, part["key"]), "id": f"field-{name}-{part['key']}",
                "value": values.get(_part_name(name, part["key"]), part["current"]),
                "errors": errors.get(part["key"], []),
            } for part in parts[name]]
        fields.append(drawn)
    return fields


def _same(a: str, b: str) -> bool:
    return a.replace("\r\n", "\n").strip() == b.replace("\r\n", "\n").strip()


def takes_parts(form_class) -> bool:
    """Whether the step's form has a field of parts (a correction per field), which reading the
    posted form needs the decision's current values for."""
    return form_class is not None and any(_kind(f) == "mapping" for f in form_class().fields.values())


def read_posted(form_class, post, parts: dict | None = None) -> tuple[dict, dict]:
    """(data for the service, the raw values to redraw the form with). Empty optional fields are
    left out; a mapping holds only the parts the officer changed from their current value."""
    data, raw = {}, {}
    if form_class is None:
        return data, raw
    parts = parts or {}
    for name, field in form_class().fields.items():
        if _kind(field) == "mapping":
            mapping = {}
            for part in parts.get(name, []):
                posted = post.get(_part_name(name, part["key"]))
                if posted is None:
                    continue  # not on the form (e.g. the outcome is not a correction)
                raw[_part_name(name, part["key"])] = posted
                if not _same(posted, part["current"]):
                    mapping[part["key"]] = posted.strip()
            if mapping:
                data[name] = mapping
            continue
        value = (post.get(name) or "").strip()
        raw[name] = value
        if value == "":
            continue  # a required one is reported by the serializer ("This field is required.")
        data[name] = value
    return data, raw
