"""The words a person reads for a domain value: states, letter types, units, people, measures,
booleans, steps and the values an audit event keeps (old → new). One place for every front (the
workspace and audit timelines, the portal, the exports, the admin), re-exported by
``cases.presentation``; what a case as a whole reads like (its status sentence, its stepper) stays
there.

Codes never reach a page: a unit by its name, a person by their name, a choice by its label, a
boolean as 是/否, a list or mapping as words joined with Chinese punctuation in Chinese. A value this
module does not know is shown as it is kept, which is a code only for a kind of event that has not
been given words yet.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from functools import lru_cache

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from cases.models import (
    Attachment, ListEntry, ListType, Measure, MeasureExecution, ObjectionCase, RepairCase, RestorationTask, Subject,
    Unit,
)
from deadlines.models import ProcedureRule
from deadlines.wording import rule_name, rule_words  # noqa: F401 - re-exported: one place for words

SYSTEM = "system"  # cases.audit.services: the actor of what no person did

STATE_LABELS = {
    "cases.listentry": dict(ListEntry.State.choices),
    "cases.measureexecution": dict(MeasureExecution.State.choices),
    "cases.objectioncase": dict(ObjectionCase.State.choices),
    "cases.repaircase": dict(RepairCase.State.choices),
    "cases.restorationtask": dict(RestorationTask.State.choices),
}
ANY_STATE = {code: label for labels in STATE_LABELS.values() for code, label in labels.items()}
# Letter types by code: the letters app gives its words (letters.apps), as the domain imports it not.
LETTER_TYPES: dict = {}


def register_labels(*, object_type: str, states: dict, letter_types: dict | None = None) -> None:
    """Another app's states (and letter types) in words, for the timelines of the cases it serves."""
    STATE_LABELS[object_type] = dict(states)
    for code, label in states.items():
        ANY_STATE.setdefault(code, label)
    LETTER_TYPES.update(letter_types or {})

# The steps of the procedure as tasks name them (workflow nodes' ``step``), for events that keep one.
STEP_LABELS = {
    "prior_notice": _("prior notice"),
    "statement": _("statement and defence"),
    "decision": _("decision"),
    "publication": _("publication"),
    "respond": _("measure response"),
    "feedback": _("measure feedback"),
    "lift": _("lifting of the measure"),
    "restore": _("restoration"),
    "acceptance": _("acceptance"),
    "supplement": _("supplementary material"),
    "verification": _("verification"),
    "verify": _("verification"),
    "approval": _("approval"),
    "review": _("review"),
    "perform_verification": _("verification of performance"),
}


def yes_no(value) -> str:
    return gettext("yes") if value else gettext("no")


def state_label(object_type: str, state: str) -> str:
    """A state's label (the object type's own choices first, then any of ours); "" for none."""
    if not state:
        return ""
    return str(STATE_LABELS.get(object_type, {}).get(state) or ANY_STATE.get(state, state))


def step_label(step: str) -> str:
    return str(STEP_LABELS.get(step, step.replace("_", " ") if step else ""))


def letter_type_label(code: str) -> str:
    return str(LETTER_TYPES.get(code, code))


def person_label(user) -> str:
    """How a person is named on a page: their full name, else their username."""
    if user is None:
        return ""
    return (user.get_full_name() or "").strip() or user.get_username()


def actor_label(event) -> str:
    """Who did what an audit event records: the person's name, or 「系统」 for the system."""
    if getattr(event, "actor_id", None) and getattr(event, "actor", None) is not None:
        return person_label(event.actor)
    if not event.actor_name or event.actor_name == SYSTEM:
        return gettext("the system")
    return event.actor_name


def _minute() -> int:
    return int(time.monotonic() // 60)


# A timeline names the same few units and people on every row: each name is read once a minute at
# most (a rename shows within a minute), not once per row.
@lru_cache(maxsize=2048)
def _name_of(kind: str, code: str, _minute: int) -> str | None:
    if kind == "unit":
        return Unit.objects.filter(code=code).values_list("name", flat=True).first()
    if kind == "list_type":
        return ListType.objects.filter(code=code).values_list("name", flat=True).first()
    if kind == "subject":
        name = Subject.objects.filter(identifier=code).values_list("name", flat=True).first()
        return f"{name}{bracket(code)}" if name else None
    user = get_user_model().objects.filter(username=code).first()
    return person_label(user) if user is not None else None


def name_of(kind: str, code: str) -> str:
    """A unit, list type, subject or person (``kind``: unit, list_type, subject, user) by name."""
    return _name_of(kind, code, _minute()) or code


def _list(items: Iterable[str]) -> str:
    return ("、" if _chinese() else ", ").join(str(i) for i in items if i not in (None, ""))


def _pairs(pairs: Iterable[tuple[str, str]]) -> str:
    colon, sep = ("：", "；") if _chinese() else (": ", "; ")
    return sep.join(f"{k}{colon}{v}" for k, v in pairs)


def _chinese() -> bool:
    return (get_language() or "").startswith("zh")


def _moment(value: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:
        return moment.strftime("%Y-%m-%d %H:%M") if (moment.hour, moment.minute) != (0, 0) else moment.strftime("%Y-%m-%d")
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def executions_label(pairs) -> str:
    """An event's measure executions, kept as [[measure id, unit id], …]: 「措施（单位）」 each."""
    pairs = [p for p in pairs if isinstance(p, (list, tuple)) and len(p) == 2]
    measures = dict(Measure.objects.filter(pk__in={m for m, _u in pairs}).values_list("pk", "title"))
    units = dict(Unit.objects.filter(pk__in={u for _m, u in pairs}).values_list("pk", "name"))
    left, right = ("（", "）") if _chinese() else (" (", ")")
    return _list(f"{measures.get(m, m)}{left}{units.get(u, u)}{right}" for m, u in pairs)


def attachments_label(files) -> str:
    """An upload event's files, kept as [{name, sha256, kind, …}]: 「name（kind，SHA-256 …）」 each."""
    kinds = dict(Attachment.Kind.choices)
    left, right = ("（", "）") if _chinese() else (" (", ")")
    comma = "，" if _chinese() else ", "
    shown = []
    for f in files:
        if isinstance(f, dict):
            kind, sha256 = kinds.get(f.get("kind"), f.get("kind")), f.get("sha256")
            about = comma.join(a for a in (str(kind or ""), f"SHA-256 {sha256}" if sha256 else "") if a)
            shown.append(f"{f.get('name', '')}{left}{about}{right}" if about else str(f.get("name", "")))
        else:
            shown.append(str(f))
    return _list(shown)


# Keys whose values are codes of another kind than the object's own fields.
PEOPLE_KEYS = {"owner", "assignee", "absent", "substitute", "escalated_to", "actor"}
UNIT_KEYS = {"unit", "overdue_unit", "verification_unit", "verifying_unit", "accepting_unit", "deciding_unit"}


def value_words(name: str, value, *, field=None, field_label=None) -> str:
    """The words for a value an event keeps under ``name`` (JSON): a choice by its label, yes or
    no, a moment in Beijing time, a unit or a person by name, a step or letter type by its label, a
    list or mapping in words; "" when there is no value. ``field``: the model field it is kept for,
    if any; ``field_label``: how a mapping's keys are named (an entry's corrected fields)."""
    if value is None or value == "" or value == {} or value == []:
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    if field is not None and getattr(field, "choices", None) and isinstance(value, str):
        return str(dict(field.flatchoices).get(value, value))
    if name == "letter_type" and isinstance(value, str):
        return letter_type_label(value)
    if name == "step" and isinstance(value, str):
        return step_label(value)
    if name in {"list_type", "subject"} and isinstance(value, str):
        return name_of(name, value)
    if name in UNIT_KEYS and isinstance(value, str):
        return name_of("unit", value)
    if name in PEOPLE_KEYS and isinstance(value, str):
        return name_of("user", value)
    if name in {"state", "from_state", "to_state"} and isinstance(value, str):
        return state_label("", value)
    if name == "executions" and isinstance(value, list):
        return executions_label(value)
    if name in {"attachments", "files", "materials"} and isinstance(value, list):
        return attachments_label(value)
    if isinstance(value, str) and len(value) >= 10 and value[:4].isdigit() and value[4:5] == "-":
        return _moment(value)
    if isinstance(value, dict):
        label = field_label or (lambda key: key.replace("_", " "))
        return _pairs((label(k), value_words(k, v, field_label=field_label) or "—") for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return _list(value_words(name, v, field_label=field_label) if isinstance(v, (dict, list, bool)) else
                     str(ANY_STATE.get(v, v)) if isinstance(v, str) else str(v) for v in value)
    return str(value)


def bracket(text) -> str:
    if text in (None, ""):
        return ""
    return f"（{text}）" if _chinese() else f"({text})"


def case_type_label(code: str) -> str:
    """A procedure rule's case type (``OBJECTION``) or a statistics row's kind (``objection``)."""
    kinds = {"entry": _("list entry"), "objection": _("objection"), "repair": _("credit repair"),
             "execution": _("measure execution")}
    if code in kinds:
        return str(kinds[code])
    try:
        return str(ProcedureRule.CaseType(code).label)
    except ValueError:
        return code


# A statistics row's kind → the object type whose states it counts.
KIND_TYPES = {"entry": "cases.listentry", "objection": "cases.objectioncase", "repair": "cases.repaircase",
              "execution": "cases.measureexecution"}


def colon() -> str:
    return "：" if _chinese() else ": "


def comma() -> str:
    return "，" if _chinese() else ", "


def semicolon() -> str:
    return "；" if _chinese() else "; "


# Django ends a form field's label with gettext(":") (``form.as_p``, the administration's forms), which
# its own zh_Hans catalogue leaves ASCII; this msgid puts 「：」 in ours, which is read first.
LABEL_SUFFIX = _(":")


def joined(items) -> str:
    return ("；" if _chinese() else "; ").join(str(i) for i in items or () if i not in (None, ""))
