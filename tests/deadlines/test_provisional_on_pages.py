"""A provisional deadline says so wherever its date is shown: the officer's task page, queue and
case page, the auditor's case page and the subject's portal, in Chinese and in English."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.test import Client

from cases.models import ListEntry, ObjectionCase
from workflow.models import WorkItem

from tests.cases.test_portal_support import file_objection, portal_media  # noqa: F401
from tests.workflow.test_listing_through_the_api import list_through_api
from tests.workflow.test_objections import accept_via_queue

pytestmark = pytest.mark.django_db
ZH = "暂按法定节假日计算，国务院公布安排后将自动更新"
EN = "Provisional: computed with the statutory holidays"


def logged_in(user, language="zh-hans"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.fixture
def verifying(province, as_user, portal_media):  # noqa: F811
    """An objection accepted on 20 December 2026: its verification is due in January 2027."""
    with time_machine.travel(dt.datetime(2026, 12, 20, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")), tick=True):
        entry = list_through_api(province, as_user)
        visitor = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        filed = file_objection(visitor, ListEntry.objects.get(pk=entry["id"]))
        accept_via_queue(province, as_user, filed["number"])
        case = ObjectionCase.objects.get(number=filed["number"])
        work = WorkItem.objects.get(object_type="cases.objectioncase", object_id=case.pk, step="verification")
        yield {"case": case, "work": work, "visitor": visitor}


def test_the_officer_sees_provisional_on_the_task_the_queue_and_the_case(province, verifying):
    officer = logged_in(province["officer"])
    task = officer.get(f"/work/tasks/{verifying['work'].task_id}/").content.decode()
    assert ZH in task and "2027：暂定（按法定节假日）" in task
    queue = officer.get("/work/").content.decode()
    assert 'data-provisional="true"' in queue
    case = officer.get(f"/work/cases/objection/{verifying['case'].pk}/").content.decode()
    assert ZH in case
    english = logged_in(province["officer"], "en").get(f"/work/tasks/{verifying['work'].task_id}/").content.decode()
    assert EN in english


def test_the_subject_and_the_auditor_see_it_too(province, verifying):
    portal = verifying["visitor"].get(f"/portal/cases/{verifying['case'].number}/").content.decode()
    assert ZH in portal
    audit = logged_in(province["auditor"]).get(f"/audit/objection/{verifying['case'].pk}/").content.decode()
    assert "暂定期限" in audit and "2027-01-11" in audit
