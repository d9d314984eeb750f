"""A procedure rule as a person reads it: its name (「异议受理审查的期限」, not
``OBJECTION/acceptance/default``) and its period in words (「2个工作日」, not ``2 WORKING_DAYS``).

A deadline computation keeps the rule it applied as a reference string (``deadlines.rules.rule_ref``:
``CASE_TYPE/step/regime: amount UNIT (basis)``), which the audit trail and the stored deadlines
need as it is; pages turn it into words here. The basis is the legal clause for officers; the
spec sections (``domain.md §4``) and the drafting notes (「待核」, 「可配置」) in it are the
authors', not the reader's, and are left out. A citizen reads the rule's name and period only.
"""

from __future__ import annotations

import re

from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

# (case type, step) → the rule's name; a step alone for a name every case type shares.
RULE_NAMES = {
    ("LIST_ENTRY", "prior_notice_response"): _("statement and defence period after the prior notice"),
    ("LIST_ENTRY", "decision_recording"): _("period to record a listing decision without giving reasons"),
    ("LIST_ENTRY", "publication"): _("publication period after the listing decision"),
    ("LIST_ENTRY", "remedy_reconsideration"): _("period to apply for administrative reconsideration"),
    ("LIST_ENTRY", "remedy_litigation"): _("period to bring an administrative lawsuit"),
    ("LIST_ENTRY", "reminder_1"): _("first reminder before a listing deadline"),
    ("LIST_ENTRY", "reminder_2"): _("second reminder before a listing deadline"),
    ("MEASURE", "feedback"): _("longest interval between reports on a measure"),
    ("MEASURE", "reminder_1"): _("reminder before a measure report is due"),
    ("OBJECTION", "acceptance"): _("acceptance check of an objection"),
    ("OBJECTION", "supplement_window"): _("period to supplement an objection's material"),
    ("OBJECTION", "verification"): _("verification by the unit that provided the information"),
    ("OBJECTION", "reminder_1"): _("first reminder before the verification deadline"),
    ("OBJECTION", "reminder_2"): _("second reminder before the verification deadline"),
    ("REPAIR", "acceptance"): _("acceptance check of a credit repair application"),
    ("REPAIR", "decision"): _("decision on a credit repair application"),
    ("REPAIR", "extension"): _("longest extension of the repair decision period"),
    ("REPAIR", "reminder_1"): _("first reminder before a repair deadline"),
    ("REPAIR", "reminder_2"): _("second reminder before a repair deadline"),
    ("REPAIR", "min_publication_minor"): _("minimum publication period of minor dishonesty"),
    ("REPAIR", "min_publication_general"): _("minimum publication period of general dishonesty"),
    ("REPAIR", "max_publication_general"): _("maximum publication period of general dishonesty"),
    ("REPAIR", "min_publication_severe"): _("minimum publication period of serious dishonesty"),
    ("REPAIR", "max_publication_severe"): _("maximum publication period of serious dishonesty"),
    ("REPAIR", "supplement_window"): _("period to supplement a repair application's material"),
    ("REPAIR", "repeat_offence_window"): _("window in which a new listing counts as a repeat offence"),
    ("REPAIR", "repeat_offence_bar"): _("period a repeat offender may not apply for repair"),
}

# How ``rule_ref`` writes a rule: ``CASE_TYPE/step/regime: amount UNIT (basis)``.
REF = re.compile(r"(?P<case_type>[A-Z_]+)/(?P<step>[a-z0-9_]+)/(?P<regime>[\w-]+): (?P<amount>\d+) "
                 r"(?P<unit>[A-Z_]+)(?: \((?P<basis>(?:[^()]|\([^()]*(?:\([^()]*\)[^()]*)*\))*)\))?")
SPEC = re.compile(r"(?:；|;)?\s*domain\.md\s*§\s*\d+(?:\.\d+)?(?:\s*[-–~、,，和]\s*§?\s*\d+(?:\.\d+)?)*\s*[：:；;，,]?\s*")
# Drafting notes: a clause of a bracket ("，条款待核"), then a bracket left with nothing else ("（可配置）").
NOTE_CLAUSE = re.compile(r"[，,、]\s*[^，,、（）()]*?(?:待核|可配置)")
NOTE_BRACKET = re.compile(r"[（(][^（）()]*(?:待核|可配置)[^（）()]*[）)]")


def rule_name(case_type: str, step: str) -> str:
    name = RULE_NAMES.get((case_type, step))
    return str(name) if name is not None else step.replace("_", " ")


def period_words(amount: int, unit: str) -> str:
    """「2个工作日」, "2 working days"."""
    if unit == "WORKING_DAYS":
        return ngettext("%(n)s working day", "%(n)s working days", amount) % {"n": amount}
    if unit == "CALENDAR_DAYS":
        return ngettext("%(n)s day", "%(n)s days", amount) % {"n": amount}
    if unit == "MONTHS":
        return ngettext("%(n)s month", "%(n)s months", amount) % {"n": amount}
    return f"{amount} {unit}"


def legal_basis(basis: str) -> str:
    """The clause a rule comes from without the spec's section and its drafting notes."""
    text = NOTE_BRACKET.sub("", NOTE_CLAUSE.sub("", SPEC.sub("", basis or "")))
    return text.replace("待核", "").strip(" ；;，,：:")


def _chinese() -> bool:
    return (get_language() or "").startswith("zh")


def rule_words(ref: str, *, public: bool = False) -> str:
    """One or more ``rule_ref`` strings in words: 「异议受理审查的期限：2个工作日（依据：…）」.
    ``public``: for a citizen, the name and the period only."""
    if not ref:
        return ""
    colon, sep = ("：", "；") if _chinese() else (": ", "; ")
    shown = []
    for m in REF.finditer(ref):
        text = f"{rule_name(m['case_type'], m['step'])}{colon}{period_words(int(m['amount']), m['unit'])}"
        basis = "" if public else legal_basis(m["basis"] or "")
        if basis:
            text += (f"（{gettext('basis')}：{basis}）" if _chinese() else f" ({gettext('basis')}: {basis})")
        shown.append(text)
    return sep.join(shown) if shown else ref
