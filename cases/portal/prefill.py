"""The codes a link may carry into the portal's forms (``?subject=…&entry=…``): a public search
result links to the filing of an objection and to the repair check with its entry, and with the
subject's code unless the public lists mask it (a person's ID number). A link is typed, pasted and
shared by people, so anything may arrive: a refused value is dropped with a message the page
shows, and the form is then simply empty."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from cases.errors import ValidationFailed
from cases.selectors.status import parse_identifier

MAX_CODE_LENGTH = 64  # a code is 18 characters; anything much longer is not worth parsing
MAX_ENTRY_ID = 2**63 - 1  # a bigint: a larger number would be an error in the database, not "not found"


@dataclass(frozen=True)
class Prefill:
    subject: str = ""  # the normalised code, "" when absent or refused
    entry: int | None = None
    problems: tuple[str, ...] = ()

    @property
    def given(self) -> bool:
        return bool(self.subject or self.entry or self.problems)


def parse_prefill(params) -> Prefill:
    """``subject`` checked as the subject step checks a code (GB 32100 or GB 11643, normalised:
    spaces and lower case forgiven); ``entry`` a whole number from 1. Neither is looked up here."""
    problems: list[str] = []
    subject = ""
    raw_subject = (params.get("subject") or "").strip()
    if raw_subject:
        try:
            if len(raw_subject) > MAX_CODE_LENGTH:
                raise ValidationFailed(fields={"identifier": [("too_long", _("A code has 18 characters."))]})
            subject = parse_identifier(raw_subject)
        except ValidationFailed as err:
            reasons = " ".join(str(m) for errors in err.fields.values() for _c, m in errors) or str(err.message)
            problems.append(str(_("The subject code in the link cannot be used: %(reason)s") % {"reason": reasons}))
    entry = None
    raw_entry = (params.get("entry") or "").strip()
    if raw_entry:
        if raw_entry.isascii() and raw_entry.isdigit() and 1 <= int(raw_entry) <= MAX_ENTRY_ID:
            entry = int(raw_entry)
        else:
            problems.append(str(_("The list entry in the link is not a valid entry number.")))
    return Prefill(subject=subject, entry=entry, problems=tuple(problems))
