"""The open tasks as a keeper of deadlines (``deadlines.recompute`` holder).

When holiday data changes, every open task whose deadline computation looked at a changed year is
computed again from its stored inputs. The case the task serves keeps the same deadline in its
``deadlines`` record (and a ``*_due`` field the portal and letters read): both move together, in
one transaction per case with the case row locked, and one audit event per case says what moved
(old → new, why). The units whose tasks moved are told through that event (notifications).

A deadline the subject was told (``TOLD_DEADLINES`` of the case model: the statement window of a
prior notice, every deadline of an objection or repair case) never moves earlier than the told
date; one that moves later is shown with its reason.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.apps import apps
from django.db import transaction

from cases.audit.services import audit_record
from cases.locking import for_update
from deadlines.calendar import ChinaCalendar
from deadlines.recompute import Move, recompute_stored, touched_years
from workflow.models import WorkItem
from workflow.services import next_reminder

# The computation's own bookkeeping: two computations that differ only here are the same deadline.
_RESULT_KEYS = {"state", "raw_due", "due", "shifted", "holidays_crossed", "overrides_applied", "calendar_data",
                "calendar_sources", "provisional", "not_before", "held", "format"}


def _inputs(stored: dict) -> dict:
    return {k: v for k, v in stored.items() if k not in _RESULT_KEYS}


def _touches(stored: dict, years: frozenset[int]) -> bool:
    return bool(stored) and bool(touched_years(stored) & years)


class OpenTasks:
    name = "open_tasks"

    def batches(self, years: frozenset[int], batch_size: int) -> Iterator[list[tuple[str, int]]]:
        keys = [str(y) for y in sorted(years)]
        # Format 2 computations name their years; format 1 (stored before) are checked in Python.
        rows = (WorkItem.objects.filter(is_open=True)
                .exclude(due_computation={})
                .values_list("object_type", "object_id", "due_computation")
                .order_by("object_type", "object_id"))
        batch: list[tuple[str, int]] = []
        last = None
        for object_type, object_id, stored in rows.iterator(chunk_size=2000):
            key = (object_type, object_id)
            if key == last or not (stored.get("calendar_sources", {}).keys() & set(keys) or
                                   (stored.get("format") == 1 and _touches(stored, years))):
                continue
            last = key
            batch.append(key)
            if len(batch) >= batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    def recompute(self, key, *, calendar: ChinaCalendar, years: frozenset[int], reason: str) -> list[Move]:
        object_type, object_id = key
        model = apps.get_model(object_type)
        with transaction.atomic():
            case = for_update(model.objects).filter(pk=object_id).first()
            if case is None:
                return []
            case_deadlines = dict(getattr(case, "deadlines", None) or {})
            told = getattr(model, "TOLD_DEADLINES", frozenset())
            due_fields = getattr(model, "DEADLINE_FIELDS", {})
            works = list(for_update(WorkItem.objects).filter(object_type=object_type, object_id=object_id,
                                                             is_open=True).order_by("task_id"))
            moves: list[Move] = []
            changes: dict = {}
            case_fields: set[str] = set()
            for work in works:
                stored = work.due_computation or {}
                if not _touches(stored, years):
                    continue
                # The case's own record of the same deadline (same inputs), if it keeps one.
                case_key = next((k for k, v in case_deadlines.items()
                                 if isinstance(v, dict) and _inputs(v) == _inputs(stored)), None)
                is_told = case_key is not None and ("*" in told or case_key in told)
                not_before = work.due if is_told else None
                new = recompute_stored(stored, calendar, not_before=not_before)
                fresh = new.as_dict()
                if fresh == stored:
                    continue
                before = work.due
                work.due, work.due_computation = new.due, fresh
                if before != new.due:
                    work.reminders_sent = []
                work.remind_on = next_reminder(work)
                work.save(update_fields=["due", "due_computation", "reminders_sent", "remind_on"])
                if case_key is not None:
                    case_deadlines[case_key] = fresh
                    field = due_fields.get(case_key)
                    if field and getattr(case, field) != new.due:
                        setattr(case, field, new.due)
                        case_fields.add(field)
                    case_fields.add("deadlines")
                if before != new.due:
                    changes[f"due:{work.step}"] = [before, new.due]
                    changes.setdefault("tasks", [None, []])[1].append(work.task_id)
                moves.append(Move(holder=self.name, case=f"{object_type}:{object_id}", label=work.title,
                                  step=work.step, old_due=before, new_due=new.due, held=new.held))
            if case_fields:
                case.deadlines = case_deadlines
                case.save(update_fields=sorted(case_fields))
            if changes:
                audit_record(action="deadline.recompute", obj=case, actor=None, reason=reason, changes=changes)
            return moves
