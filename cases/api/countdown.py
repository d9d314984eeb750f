"""The ``countdown`` object of the API: how much time is left on a deadline (deadlines.countdown), the
same value the portal, the workspace and the spreadsheets show."""

from __future__ import annotations

from rest_framework import serializers

from deadlines.calendar import UNITS
from deadlines.countdown import STATES


class CountdownSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=STATES, help_text="running, due_today, overdue, paused (the clock is stopped), done (no countdown) or "
                                  "no_deadline.")
    due = serializers.DateField(allow_null=True)
    days_left = serializers.IntegerField(
        allow_null=True, help_text="Counted in `unit`: > 0 left, 0 due today, < 0 overdue by that many; while "
                                   "paused, what was left when the clock stopped; null when done or undetermined.")
    amount = serializers.IntegerField(allow_null=True, help_text="Days left or days overdue, never negative.")
    unit = serializers.ChoiceField(
        choices=UNITS, help_text="What `days_left` counts: WORKING_DAYS for a working-day rule, else CALENDAR_DAYS "
                                 "(a month rule counts down in calendar days).")
    rule_unit = serializers.ChoiceField(choices=UNITS, help_text="The unit the rule's period is stated in.")
    overdue = serializers.BooleanField()
    paused = serializers.BooleanField()
    label = serializers.CharField(help_text="The countdown in words, in the language asked for (Accept-Language).")


def countdown_data(countdown) -> dict:
    """``CountdownSerializer(countdown.as_dict()).data``, built directly: a list serializes one per
    row, and DRF's field machinery cost more than the rest of the row (issue 21 item 3). The
    declared serializer stays the schema; tests/workflow/test_queue_is_lean.py holds the two equal."""
    due = countdown.due
    return {"state": countdown.state, "due": due.isoformat() if due is not None else None,
            "days_left": countdown.days_left, "amount": countdown.amount, "unit": countdown.unit,
            "rule_unit": countdown.rule_unit, "overdue": countdown.overdue, "paused": countdown.paused,
            "label": str(countdown.label)}
