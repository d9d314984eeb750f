"""Measure execution feedback (执行反馈) reported in bulk by an implementing unit.

Each row goes through the entry services exactly as the unit's officer would through the task
(acknowledge if still pushed, then applied / not applied), in its own savepoint, and the
execution's open tasks are closed with the import named as the reason. Rows are few per unit and
month compared with entries, and every one is a state transition with its own rules, so they are
not written set-based.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from cases import events
from cases.errors import DomainError, InvalidTransition
from cases.models import MeasureExecution
from cases.services import entries as entry_services

from .validation import parse_date

X = MeasureExecution.State
OUTCOMES = {"APPLIED": True, "NOT_APPLIED": False, "已执行": True, "未执行": False}


def validate_feedback_row(row: dict, today: dt.date):
    errors = []
    v = {k: (row.get(k) or "").strip() for k in (
        "record_id", "execution_id", "entry_id", "measure", "outcome", "note", "reason", "applied_on")}
    key = None
    if v["execution_id"]:
        if not v["execution_id"].isdigit():
            errors.append(("execution_id", "invalid_number", {"value": v["execution_id"]}))
        else:
            key = ("id", int(v["execution_id"]))
    elif v["entry_id"] or v["measure"]:
        if not v["entry_id"].isdigit():
            errors.append(("entry_id", "invalid_number" if v["entry_id"] else "required", {"value": v["entry_id"]}))
        if not v["measure"]:
            errors.append(("measure", "required", {}))
        if not errors:
            key = ("pair", int(v["entry_id"]), v["measure"])
    else:
        errors.append(("execution_id", "required", {}))
    outcome = OUTCOMES.get(v["outcome"].upper() if v["outcome"].isascii() else v["outcome"])
    if not v["outcome"]:
        errors.append(("outcome", "required", {}))
    elif outcome is None:
        errors.append(("outcome", "invalid_outcome", {"value": v["outcome"]}))
    elif outcome and not v["note"]:
        errors.append(("note", "required", {}))
    elif outcome is False and not v["reason"]:
        errors.append(("reason", "required", {}))
    applied_on = None
    if v["applied_on"]:
        applied_on, err = parse_date(v["applied_on"], today)
        if err:
            errors.append(("applied_on", err[0], err[1]))
    if errors:
        return None, errors
    return {"record_id": v["record_id"] or v["execution_id"], "key": key, "applied": outcome, "note": v["note"],
            "reason": v["reason"], "applied_on": applied_on}, None


def _find(unit, key):
    qs = MeasureExecution.objects.select_related("measure", "entry", "unit").filter(unit=unit)
    if key[0] == "id":
        return qs.filter(pk=key[1]).first()
    return qs.filter(entry_id=key[1], measure__code=key[2]).first()


def apply_feedback_row(*, job, actor, unit, line: int, row: dict):
    """Return None, ``"unchanged"`` (already reported the same way) or an error ``(field, code, params)``."""
    execution = _find(unit, row["key"])
    if execution is None:
        return ("execution_id", "execution_not_found", {})
    target = X.APPLIED if row["applied"] else X.NOT_APPLIED
    if execution.state == target:
        return "unchanged"  # re-sent: idempotent by the execution
    if execution.state not in (X.PUSHED, X.ACKNOWLEDGED):
        return ("outcome", "execution_state", {"state": execution.get_state_display()})
    if not row["applied"] and execution.measure.mandatory:
        return ("outcome", "measure_mandatory", {})
    reason = f"import job {job.pk} line {line}"
    try:
        with transaction.atomic():
            if execution.state == X.PUSHED:
                entry_services.execution_acknowledge(actor=actor, execution=execution)
            at = None
            if row["applied"] and row["applied_on"]:
                at = timezone.make_aware(dt.datetime.combine(row["applied_on"], dt.time(12)))
            entry_services.execution_report_feedback(actor=actor, execution=execution, applied=row["applied"],
                                                     note=row["note"], applied_at=at, reason=row["reason"])
            events.execution_feedback_imported(execution=execution, actor=actor, reason=reason)
    except InvalidTransition:
        return ("outcome", "execution_state", {"state": execution.get_state_display()})
    except DomainError as err:
        field, problems = next(iter(err.fields.items()), ("outcome", [(err.code, "")]))
        return (field, problems[0][0], {})
    return None
