"""Row error codes and their messages. A bad row is stored as (line, field, code, params) and its
message rendered in the reader's language when the report is read (zh-hans by default)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.errors import IDENTIFIER_MESSAGES

MESSAGES = {
    "required": _("This field is required."),
    "too_long": _("At most %(max)s characters."),
    "duplicate_in_file": _("The record id %(record_id)s already appears on line %(first_line)s of this file."),
    "record_changed": _("Record %(record_id)s was imported before with other content and its entry is no longer a "
                        "draft; correct the entry through the correction procedure."),
    "unknown_list_type": _("Unknown or inactive list type “%(value)s”."),
    "list_type_not_provided": _("Your unit does not provide data for the list type “%(value)s”."),
    "unknown_subject_kind": _("Unknown subject type “%(value)s”."),
    "uscc_kind": _("An individual business's code starts with 92."),
    "listing_unit_required": _("Name the listing unit: your unit does not list entries of this type itself."),
    "listing_unit_invalid": _("“%(value)s” is not a listing unit of this list type."),
    "unknown_measure": _("“%(value)s” is not an active measure of this list type."),
    "invalid_date": _("“%(value)s” is not a date (YYYY-MM-DD)."),
    "future_date": _("The date %(value)s is in the future."),
    "execution_not_found": _("No measure execution of your unit matches this row."),
    "invalid_outcome": _("The outcome must be APPLIED or NOT_APPLIED, not “%(value)s”."),
    "measure_mandatory": _("A mandatory measure must be applied."),
    "execution_state": _("The execution is %(state)s: feedback cannot be reported now."),
    "invalid_number": _("“%(value)s” is not a whole number."),
    **IDENTIFIER_MESSAGES,
}


def render(code: str, params: dict | None = None) -> str:
    template = MESSAGES.get(code)
    if template is None:
        return code
    try:
        return str(template) % {"position": None, "found": None, "expected": None, **(params or {})}
    except (KeyError, TypeError, ValueError):
        return str(template)
