"""A notice of many tasks at once (``task.assigned_many``: the expiry night's lift confirmations, one
notice per unit) reads in the reader's language, as a single task's notice does: it keeps the case
type, step, count and unit, and is worded when shown; a notice written before keeps its stored title
(issue 19, items 1 and 10)."""

import datetime as dt

import pytest
import time_machine
from django.utils import translation

from cases.models import ListEntry
from cases.services import entries as svc
from notifications.models import Notification
from notifications.services.outbox import Recipient, outbox_emit
from tests.workflow.test_expiry_set_based import BUILT, SWEPT, listed

pytestmark = pytest.mark.django_db


def test_a_batch_notice_written_in_english_reads_in_chinese_to_a_chinese_reader_and_back(province):
    with time_machine.travel(BUILT, tick=False):
        entries = [listed(province, province["blacklist"]) for _ in range(2)]
    ListEntry.objects.filter(pk__in=[e.pk for e in entries]).update(valid_until=dt.date(2026, 5, 31))
    with time_machine.travel(SWEPT, tick=False), translation.override("en"):  # written in English
        svc.entries_expire(today=dt.date(2026, 6, 2))
    note = Notification.objects.get(kind="task.assigned_many", user=province["officer_a"])
    assert note.context["title"] == "Confirm the measure is lifted"  # stored as written
    count = note.context["count"]
    assert count >= 2 and note.context["step"] == "lift" and note.context["case_type"]
    with translation.override("zh-hans"):
        assert note.title == f"新任务 {count} 项：确认已解除措施"
        assert "确认已解除措施" in note.body and "Confirm" not in note.body
    with translation.override("en"):
        assert note.title == f"{count} new tasks: Confirm the measure is lifted"


def test_a_batch_notice_written_before_keeps_its_stored_title(province):
    unit = province["listing"]
    context = {"count": 2, "unit": unit.name, "title": "送达事先告知书"}  # no case type: written before
    outbox_emit(kind="task.assigned_many", source="test:old-batch", object_type="cases.unit", object_id=unit.pk,
                payload={"type": "task.assigned_many", "tasks": [], **context},
                recipients=[Recipient(user=province["leader"])], context=context, link="/work/")
    note = Notification.objects.get(kind="task.assigned_many", user=province["leader"])
    with translation.override("en"):
        assert note.title == "2 new tasks: 送达事先告知书"
