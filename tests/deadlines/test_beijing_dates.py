"""Dates derived from a timestamp are Beijing dates: a case filed at 00:30 or 23:30 in Beijing
(16:30 or 15:30 UTC, the UTC date differing at 00:30) gets that Beijing day in its letters and as
the start of its deadlines."""

import datetime as dt
import zoneinfo

import pytest
import time_machine

from cases.models import ListEntry, ObjectionCase
from letters.models import Letter

from tests.workflow.test_listing_through_the_api import list_through_api
from tests.workflow.test_objections import accept_via_queue, file_on_portal

pytestmark = pytest.mark.django_db
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("hour,minute", [(0, 30), (23, 30)])
def test_an_objection_filed_at_night_carries_the_beijing_date(province, as_user, hour, minute):
    with time_machine.travel(dt.datetime(2026, 12, 2, 10, 0, tzinfo=BEIJING), tick=False):
        entry = ListEntry.objects.get(pk=list_through_api(province, as_user)["id"])
    moment = dt.datetime(2026, 12, 4, hour, minute, tzinfo=BEIJING)
    with time_machine.travel(moment, tick=False):
        number = file_on_portal(province, entry).json()["number"]
        accept_via_queue(province, as_user, number)
    case = ObjectionCase.objects.get(number=number)
    # The acceptance period starts on 4 December (the Beijing day of filing), not on the UTC day.
    assert case.deadlines["acceptance"]["start"] == "2026-12-04"
    notice = Letter.objects.get(case_ref=number, letter_type="VERIFICATION_NOTICE")
    assert notice.context["filed_on"] in ("2026-12-04", dt.date(2026, 12, 4))
    assert notice.issue_date == dt.date(2026, 12, 4)


@pytest.mark.parametrize("hour,minute", [(0, 30), (23, 30)])
def test_a_repair_filed_and_decided_at_night_carries_the_beijing_date(province, as_user, hour, minute):
    from cases.models import RepairCase
    from tests.workflow.repair_helpers import approve_through_queue, filed

    with time_machine.travel(dt.datetime(2026, 12, 2, 10, 0, tzinfo=BEIJING), tick=False):
        entry = ListEntry.objects.get(pk=list_through_api(
            province, as_user, served_on="2025-05-06", decision_date="2025-06-02")["id"])
    moment = dt.datetime(2026, 12, 4, hour, minute, tzinfo=BEIJING)
    with time_machine.travel(moment, tick=False):
        number = filed(entry)["number"]
        approve_through_queue(province, as_user)
    case = RepairCase.objects.get(number=number)
    assert case.deadlines["acceptance"]["start"] == "2026-12-04"
    for letter_type in ("REPAIR_ACCEPTED", "REPAIR_APPROVED"):
        letter = Letter.objects.get(case_ref=number, letter_type=letter_type)
        assert letter.context["filed_on"] in ("2026-12-04", dt.date(2026, 12, 4)), letter_type
        assert letter.issue_date == dt.date(2026, 12, 4), letter_type
    removal = Letter.objects.get(case_chain=f"cases.listentry:{entry.pk}", letter_type="REMOVAL_DECISION")
    assert removal.context["removal_date"] in ("2026-12-04", dt.date(2026, 12, 4))
    entry.refresh_from_db()
    assert entry.state == ListEntry.State.REMOVED
