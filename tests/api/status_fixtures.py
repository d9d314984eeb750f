"""A small province for the read-side tests (status check, public disclosure, feedback report).

The ``world`` fixture follows tests/cases/test_list_entries.py: one listing unit, two implementing
units in the same city, a third implementing unit in another city, a credit lead office, a mandatory
and a recommended punishment measure, a blacklist and a red list. States change only through the
services of cases.services.entries (the FSM fields are protected).

    from tests.api.status_fixtures import world, listed, api_for  # noqa: F401  (pytest fixtures)

Tests that really commit (``transaction=True``, the live server) also use ``no_letter_production``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from cases.models import ListEntry, ListEntryStatePeriod
from cases.services import entries as svc
from cases.services.registry import catalogue_seed, unit_assign_role
from tests.factories import (
    AuditorFactory, LeaderFactory, ListTypeFactory, MeasureFactory, NaturalPersonFactory, OfficerFactory,
    RegionFactory, SubjectFactory, UnitFactory, UserFactory,
)

# Below the factories' 65xxxx sequence, so no other test's unit lands in these regions by chance.
PROVINCE, CITY, OTHER_CITY = "630000", "630100", "630200"


@pytest.fixture
def world(db):
    catalogue_seed(update_existing=False)  # the procedure rules (publication, notice windows, feedback)
    province = RegionFactory(code=PROVINCE, name="测试省")
    city = RegionFactory(code=CITY, name="测试市", parent=province)
    other_city = RegionFactory(code=OTHER_CITY, name="测试二市", parent=province)
    listing = UnitFactory(region=city)
    impl_a, impl_b = UnitFactory(region=city), UnitFactory(region=city)
    impl_far = UnitFactory(region=other_city)
    outsider = UnitFactory(region=city)
    lead = UnitFactory(region=city, credit_lead=True)
    mandatory = MeasureFactory(implementing_units=[impl_a, impl_b, impl_far])
    recommended = MeasureFactory(recommended=True, implementing_units=[impl_a])
    reward = MeasureFactory(reward=True, implementing_units=[impl_b])
    blacklist = ListTypeFactory(measures=[mandatory, recommended])
    red = ListTypeFactory(red=True, measures=[reward])
    focus = ListTypeFactory(focus=True, measures=[recommended])
    for lt in (blacklist, red, focus):
        unit_assign_role(actor=None, unit=listing, list_type=lt, role="LISTING")
    return {
        "province": province, "city": city, "other_city": other_city,
        "listing": listing, "impl_a": impl_a, "impl_b": impl_b, "impl_far": impl_far, "outsider_unit": outsider,
        "lead": lead,
        "officer": OfficerFactory(unit=listing), "leader": LeaderFactory(unit=listing),
        "officer_a": OfficerFactory(unit=impl_a), "officer_b": OfficerFactory(unit=impl_b),
        "officer_far": OfficerFactory(unit=impl_far),
        "outsider": OfficerFactory(unit=outsider),
        "lead_officer": OfficerFactory(unit=lead),
        "auditor": AuditorFactory(unit=lead),  # scope: the city
        "province_auditor": AuditorFactory(unit=lead, scope_region=province),
        "nobody": UserFactory(),  # signed in, but no staff profile
        "blacklist": blacklist, "red": red, "focus": focus,
        "mandatory": mandatory, "recommended": recommended, "reward": reward,
        "subject": SubjectFactory(),
        "person": NaturalPersonFactory(),
    }


def listed(w, subject=None, list_type=None, decision_date=dt.date(2026, 3, 2), reasons="符合严重失信主体名单认定标准",
           facts="拖欠税款逾期未缴"):
    """An ACTIVE entry through the whole procedure (draft → notice → statement → decision → publish)."""
    subject = subject or w["subject"]
    list_type = list_type or w["blacklist"]
    entry = svc.entry_draft(actor=w["officer"], list_type=list_type, subject=subject, facts=facts, reasons=reasons)
    if list_type.kind == "RED":
        return svc.entry_publish(actor=w["officer"], entry=entry)
    svc.entry_send_notice(actor=w["officer"], entry=entry, on=decision_date - dt.timedelta(days=14))
    svc.entry_receive_statement(actor=w["officer"], entry=entry, statement="已补缴部分税款，请求从轻")
    svc.entry_decide(actor=w["leader"], entry=entry, decision_date=decision_date, dating_reason="纸质决定书补录")
    svc.entry_publish(actor=w["officer"], entry=entry)
    return entry


def accepted_objection_case(w) -> dict:
    """A listed entry, an objection on it filed on the portal and accepted, and the listing unit's
    first open task: the ids every role's reads and writes are tried on."""
    from cases.models import ObjectionCase
    from cases.services import objections as objection_svc
    from tests.audit.console_fixtures import accept_objection
    from workflow.models import WorkItem

    entry = listed(w)
    objection, _code = objection_svc.objection_file(
        channel=ObjectionCase.Channel.PORTAL, entry=entry, grounds="金额有误", applicant_name="张三",
        applicant_contact="13800000000")
    accept_objection(objection, w["officer"])
    task = WorkItem.objects.filter(is_open=True, unit=w["listing"]).order_by("task_id").first()
    return {"entry": entry.pk, "objection": objection.pk, "task": task.task_id}


def backdate_history(entry: ListEntry, days: int) -> None:
    """Move an entry's state history ``days`` into the past (test data only: the periods are the
    record "as of" answers read; the entry's FSM state is untouched)."""
    delta = dt.timedelta(days=days)
    for period in ListEntryStatePeriod.objects.filter(entry=entry):
        period.started_at -= delta
        if period.ended_at:
            period.ended_at -= delta
        period.save(update_fields=["started_at", "ended_at"])


@pytest.fixture
def no_letter_production(monkeypatch):
    """For tests that commit: listing issues letters (两书同达) whose rendering and signing run after
    commit; the read side does not need the PDFs, so production is left pending."""
    from letters.tasks import letter_produce_task

    monkeypatch.setattr(letter_produce_task, "delay", lambda *args, **kwargs: None)


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client
