"""逾期未补正的，视为撤回申请 (issue 18): when the supplement window set in the request lapses
without material, the objection or repair application is deemed withdrawn by the sweep: a letter to
the applicant, an audit event, its tasks cancelled; material arriving later is refused. The window
is the supplement_window rule row; the sweep is a periodic task."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.conf import settings

from cases.audit.models import AuditEvent
from cases.audit.verify import verify
from cases.errors import InvalidTransition
from cases.models import ObjectionCase, RepairCase
from cases.services import objections as objection_svc
from cases.services import repairs as repair_svc
from letters.models import Letter
from workflow.models import WorkItem

from .repair_helpers import filed, repairable  # noqa: F401 (fixture)
from .test_objections import active, file_on_portal  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
# Requested on Monday 7 December 2026 (not counted): the 10th working day is Monday 21 December.
REQUESTED, DUE = dt.date(2026, 12, 7), dt.date(2026, 12, 21)


def at(day: dt.date, hour=9):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=BEIJING), tick=False)


def open_tasks(case) -> int:
    return WorkItem.objects.filter(object_type=case._meta.label_lower, object_id=case.pk, is_open=True).count()


def test_an_objection_without_material_in_the_window_is_deemed_withdrawn(province, as_user, active):
    with at(REQUESTED):
        number = file_on_portal(province, active).json()["number"]
        case = objection_svc.objection_request_supplement(
            actor=province["officer"], case=ObjectionCase.objects.get(number=number), materials=["缴款凭证原件"])
    assert case.deadlines["supplement_window"]["due"] == DUE.isoformat()
    with at(DUE, 23):
        assert objection_svc.objections_supplements_lapse() == 0, "the last day of the window is still in it"
    with at(DUE + dt.timedelta(days=1), 1):
        from config.celery import app

        app.loader.import_default_modules()
        assert settings.CELERY_BEAT_SCHEDULE["supplements-lapse"]["task"] == "cases.supplements_lapse"
        assert app.tasks["cases.supplements_lapse"].apply().get() == {"objections": 1, "repairs": 0}
        assert objection_svc.objections_supplements_lapse() == 0, "idempotent"
    case.refresh_from_db()
    assert case.state == ObjectionCase.State.WITHDRAWN and case.closed_at is not None
    assert open_tasks(case) == 0
    event = AuditEvent.objects.get(chain=f"cases.objectioncase:{case.pk}", action="objection.supplement_lapse")
    assert event.actor is None and event.changes["supplement_due"] == [None, DUE.isoformat()]
    letter = Letter.objects.get(case_ref=number, letter_type="OBJECTION_LAPSED")
    assert letter.addressee == "张三" and letter.context["supplement_deadline"] in (DUE, DUE.isoformat())
    assert letter.context["missing_materials"] == ["缴款凭证原件"]
    with at(DUE + dt.timedelta(days=2)), pytest.raises(InvalidTransition):
        objection_svc.objection_supplement(case=case, note="迟到的材料")
    assert verify().ok


def test_material_in_time_keeps_the_case(province, as_user, active):
    with at(REQUESTED):
        number = file_on_portal(province, active).json()["number"]
        case = objection_svc.objection_request_supplement(
            actor=province["officer"], case=ObjectionCase.objects.get(number=number), materials=["缴款凭证原件"])
    with at(DUE):
        objection_svc.objection_supplement(case=case, note="已补交")
    with at(DUE + dt.timedelta(days=3)):
        assert objection_svc.objections_supplements_lapse() == 0
    case.refresh_from_db()
    assert case.state == ObjectionCase.State.SUBMITTED


def test_a_repair_without_material_in_the_window_is_deemed_withdrawn(province, as_user, repairable):
    with at(REQUESTED):
        body = filed(repairable)
        case = repair_svc.repair_request_supplement(
            actor=province["officer"], case=RepairCase.objects.get(number=body["number"]), materials=["完税证明原件"])
    assert case.deadlines["supplement_window"]["due"] == DUE.isoformat()
    with at(DUE + dt.timedelta(days=1)):
        assert repair_svc.repairs_supplements_lapse() == 1
    case.refresh_from_db()
    assert case.state == RepairCase.State.WITHDRAWN
    assert open_tasks(case) == 0
    assert AuditEvent.objects.filter(chain=f"cases.repaircase:{case.pk}", action="repair.supplement_lapse").exists()
    assert Letter.objects.filter(case_ref=body["number"], letter_type="REPAIR_LAPSED").exists()
    repairable.refresh_from_db()
    assert repairable.state == "ACTIVE", "a lapsed repair changes nothing on the entry"
