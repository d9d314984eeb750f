"""A case history for the auditors' console tests, built through the real services.

An entry listed through the whole procedure (prior notice, statement, decision, publication,
measures pushed to three units), then corrected by a substitute acting for the officer (代理), an
objection filed on it with a PDF attachment and accepted (entry and measures suspended); the chains
are anchored in between, so part of the history is anchored and the latest events are not yet.

Auditors: ``city_auditor`` (scope: the city of the listing unit), ``province_auditor``,
``far_auditor`` (another city: everything here is out of scope) and ``unit_auditor`` (no scope
region: only their own unit's cases, here the listing unit's).
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.audit.services import acting_for, audit_anchor
from cases.models import ObjectionCase, StaffProfile
from cases.services import entries as entry_svc
from cases.services import objections as objection_svc
from tests.api.status_fixtures import listed, world  # noqa: F401
from tests.factories import AuditorFactory, OfficerFactory, UnitFactory
from tests.pdfs import minimal_pdf
from workflow import services as work_svc
from workflow.models import WorkItem

PDF = minimal_pdf("evidence of payment")


def accept_objection(case: ObjectionCase, officer) -> None:
    work = WorkItem.objects.get(object_type="cases.objectioncase", object_id=case.pk, step="acceptance", is_open=True)
    work_svc.task_complete(actor=officer, task_id=work.task_id, data={"accept": True})


SHANGHAI = ZoneInfo("Asia/Shanghai")
LISTED_AT = dt.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
CORRECTED_AT = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)
OBJECTION_AT = dt.datetime(2026, 4, 1, 10, 0, tzinfo=SHANGHAI)
FACTS_BEFORE, FACTS_AFTER = "拖欠税款逾期未缴，金额人民币12万元", "拖欠税款逾期未缴，金额人民币10万元"


@contextmanager
def clock_at(start: dt.datetime):
    """The services' clock (``django.utils.timezone.now``) reads ``start``, a millisecond later at
    each reading, so a history can be written on chosen days (the audit trail cannot be backdated)."""
    real, current = timezone.now, [start]

    def now():
        current[0] += dt.timedelta(milliseconds=1)
        return current[0]

    timezone.now = now
    try:
        yield
    finally:
        timezone.now = real


def build_history(w) -> dict:
    with clock_at(LISTED_AT):
        entry = listed(w, facts=FACTS_BEFORE, decision_date=LISTED_AT.date())
    stand_in = OfficerFactory(unit=w["listing"], full_name="代理经办人")
    with clock_at(CORRECTED_AT), acting_for(w["officer"]):
        entry_svc.entry_correct(actor=stand_in, entry=entry, reason="更正金额", facts=FACTS_AFTER)
    with clock_at(CORRECTED_AT + dt.timedelta(hours=1)):
        anchor = audit_anchor()
    with clock_at(OBJECTION_AT):
        case, code = objection_svc.objection_file(
            channel=ObjectionCase.Channel.PORTAL, entry=entry, grounds="欠税金额有误，已于2026年2月补缴",
            applicant_name="张三", applicant_contact="13800000000",
            files=[SimpleUploadedFile("完税凭证.pdf", PDF, "application/pdf")],
        )
        accept_objection(case, w["officer"])
    entry.refresh_from_db()
    case.refresh_from_db()
    return {"entry": entry, "objection": case, "query_code": code, "stand_in": stand_in, "anchor": anchor}


def auditors(w) -> dict:
    far_unit = UnitFactory(region=w["other_city"])
    unit_auditor = AuditorFactory(unit=w["listing"], full_name="本单位审计员")
    StaffProfile.objects.filter(user=unit_auditor).update(scope_region=None)
    unit_auditor.refresh_from_db()
    return {
        "city_auditor": AuditorFactory(unit=w["lead"], scope_region=w["city"], full_name="市审计员"),
        "province_auditor": AuditorFactory(unit=w["lead"], scope_region=w["province"], full_name="省审计员"),
        "far_auditor": AuditorFactory(unit=far_unit, scope_region=w["other_city"], full_name="外市审计员"),
        "unit_auditor": unit_auditor,
        "lonely_auditor": _lonely(w),
    }


def _lonely(w):
    """An auditor without a scope region in a unit that has no case."""
    auditor = AuditorFactory(unit=w["lead"], full_name="无范围审计员")
    StaffProfile.objects.filter(user=auditor).update(scope_region=None)
    auditor.refresh_from_db()
    return auditor


@pytest.fixture
def history(world):  # noqa: F811
    return {**world, **build_history(world), **auditors(world)}
