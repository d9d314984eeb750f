"""List entries from draft to removal, the measures loop, and the status check (domain.md §1-§2)."""

import datetime as dt

import pytest
from django.db import transaction
from django_fsm import ConcurrentTransition

from cases.audit.models import AuditEvent
from cases.audit.verify import verify
from cases.errors import Forbidden, InvalidTransition, ValidationFailed
from cases.models import ListEntry, MeasureExecution, RestorationTask
from cases.selectors.status import measures_due
from cases.services import entries as svc
from cases.services.registry import catalogue_seed, unit_assign_role
from tests.factories import (
    LeaderFactory, ListTypeFactory, MeasureFactory, OfficerFactory, SubjectFactory, UnitFactory,
)

pytestmark = pytest.mark.django_db
E, X = ListEntry.State, MeasureExecution.State


@pytest.fixture
def world():
    catalogue_seed(update_existing=False)  # the procedure rules (publication, notice windows)
    listing = UnitFactory()
    impl_a, impl_b, outsider = UnitFactory(), UnitFactory(), UnitFactory()
    mandatory = MeasureFactory(implementing_units=[impl_a, impl_b])
    recommended = MeasureFactory(recommended=True, implementing_units=[impl_a])
    blacklist = ListTypeFactory(measures=[mandatory, recommended])
    red = ListTypeFactory(red=True, measures=[MeasureFactory(reward=True, implementing_units=[impl_b])])
    for lt in (blacklist, red):
        unit_assign_role(actor=None, unit=listing, list_type=lt, role="LISTING")
    return {
        "listing": listing, "impl_a": impl_a, "impl_b": impl_b,
        "officer": OfficerFactory(unit=listing), "leader": LeaderFactory(unit=listing),
        "officer_a": OfficerFactory(unit=impl_a), "officer_b": OfficerFactory(unit=impl_b),
        "outsider": OfficerFactory(unit=outsider),
        "blacklist": blacklist, "red": red, "mandatory": mandatory, "recommended": recommended,
        "subject": SubjectFactory(),
    }


def listed(w, decision_date=dt.date(2026, 3, 2)):
    entry = svc.entry_draft(actor=w["officer"], list_type=w["blacklist"], subject=w["subject"],
                            facts="拖欠税款逾期未缴", reasons="符合税收违法黑名单认定标准")
    svc.entry_send_notice(actor=w["officer"], entry=entry, on=decision_date - dt.timedelta(days=14))
    svc.entry_receive_statement(actor=w["officer"], entry=entry, statement="已补缴部分税款，请求从轻")
    svc.entry_decide(actor=w["leader"], entry=entry, decision_date=decision_date, dating_reason="纸质决定书补录")
    svc.entry_publish(actor=w["officer"], entry=entry)
    return entry


def test_blacklist_entry_goes_draft_notice_statement_decision_active(world):
    entry = listed(world)
    assert entry.state == E.ACTIVE
    actions = list(AuditEvent.objects.filter(chain=f"cases.listentry:{entry.pk}", action__startswith="entry.").values_list("action", flat=True))
    assert actions == ["entry.draft", "entry.send_notice", "entry.receive_statement", "entry.decide",
                       "entry.publish", "entry.measures_pushed"]
    assert verify().ok


def test_on_active_one_execution_per_measure_and_implementing_unit(world):
    entry = listed(world)
    pairs = set(entry.executions.values_list("measure__code", "unit__code"))
    w = world
    assert pairs == {(w["mandatory"].code, w["impl_a"].code), (w["mandatory"].code, w["impl_b"].code),
                     (w["recommended"].code, w["impl_a"].code)}
    assert set(entry.executions.values_list("state", flat=True)) == {X.PUSHED}


def test_other_units_officers_are_refused_on_every_step(world):
    w, outsider = world, world["outsider"]
    with pytest.raises(Forbidden):
        svc.entry_draft(actor=outsider, list_type=w["blacklist"], subject=w["subject"], facts="f", reasons="r")
    entry = svc.entry_draft(actor=w["officer"], list_type=w["blacklist"], subject=w["subject"], facts="f", reasons="r")
    for step in (lambda: svc.entry_send_notice(actor=outsider, entry=entry),
                 lambda: svc.entry_decide(actor=outsider, entry=entry),
                 lambda: svc.entry_publish(actor=outsider, entry=entry),
                 lambda: svc.entry_withdraw(actor=outsider, entry=entry, reason="x")):
        with pytest.raises(Forbidden):
            step()
    assert ListEntry.objects.get(pk=entry.pk).state == E.DRAFT


def test_only_a_leader_decides(world):
    entry = svc.entry_draft(actor=world["officer"], list_type=world["blacklist"], subject=world["subject"],
                            facts="f", reasons="r")
    svc.entry_send_notice(actor=world["officer"], entry=entry)
    with pytest.raises(Forbidden) as err:
        svc.entry_decide(actor=world["officer"], entry=entry)
    assert err.value.code == "leader_required"


def test_publication_is_due_7_working_days_after_a_decision_before_national_day(world):
    entry = listed(world, decision_date=dt.date(2026, 9, 29))
    # 30 Sep is the 1st working day; 1-7 Oct (2026) are the National Day holiday.
    assert entry.publication_due > dt.date(2026, 10, 7)
    computation = entry.deadlines["publication"]
    assert computation["start"] == "2026-09-29" and computation["due"] == entry.publication_due.isoformat()
    assert any(name for _, name in computation["holidays_crossed"])


def test_red_list_entries_are_published_directly_and_have_no_prior_notice(world):
    entry = svc.entry_draft(actor=world["officer"], list_type=world["red"], subject=world["subject"],
                            facts="连续三年纳税信用A级", reasons="符合红名单标准")
    with pytest.raises(InvalidTransition):
        svc.entry_send_notice(actor=world["officer"], entry=entry)
    svc.entry_publish(actor=world["officer"], entry=entry)
    assert entry.state == E.ACTIVE and entry.executions.count() == 1


def test_a_mandatory_measure_cannot_be_marked_not_applied(world):
    entry = listed(world)
    execution = entry.executions.get(measure=world["mandatory"], unit=world["impl_a"])
    svc.execution_acknowledge(actor=world["officer_a"], execution=execution)
    with pytest.raises(ValidationFailed) as err:
        svc.execution_not_apply(actor=world["officer_a"], execution=execution, reason="不适用")
    assert err.value.code == "measure_mandatory"
    recommended = entry.executions.get(measure=world["recommended"])
    svc.execution_acknowledge(actor=world["officer_a"], execution=recommended)
    svc.execution_not_apply(actor=world["officer_a"], execution=recommended, reason="本次审批不涉及")
    assert recommended.state == X.NOT_APPLIED


def test_only_the_implementing_unit_acts_on_its_execution(world):
    entry = listed(world)
    execution = entry.executions.get(measure=world["mandatory"], unit=world["impl_a"])
    with pytest.raises(Forbidden):
        svc.execution_acknowledge(actor=world["officer_b"], execution=execution)


def test_suspension_reaches_every_execution_and_resumption_restores_each_exactly(world):
    entry = listed(world)
    applied = entry.executions.get(measure=world["mandatory"], unit=world["impl_a"])
    svc.execution_acknowledge(actor=world["officer_a"], execution=applied)
    svc.execution_apply(actor=world["officer_a"], execution=applied, note="不予受理其招投标申请")
    before = dict(entry.executions.values_list("pk", "state"))
    svc.entry_suspend(actor=None, entry=entry, reason="异议核查中")
    assert set(entry.executions.values_list("state", flat=True)) == {X.SUSPENDED}
    svc.entry_resume(actor=None, entry=entry, reason="异议不成立")
    assert dict(entry.executions.values_list("pk", "state")) == before
    assert ListEntry.objects.get(pk=entry.pk).state == E.ACTIVE


def test_entry_stays_suspended_until_the_last_verification_ends(world):
    entry = listed(world)
    svc.entry_suspend(actor=None, entry=entry, reason="异议一")
    svc.entry_suspend(actor=None, entry=entry, reason="异议二")
    svc.entry_resume(actor=None, entry=entry, reason="异议一办结")
    assert ListEntry.objects.get(pk=entry.pk).state == E.SUSPENDED
    svc.entry_resume(actor=None, entry=entry, reason="异议二办结")
    assert ListEntry.objects.get(pk=entry.pk).state == E.ACTIVE


def test_suspension_is_atomic_with_its_executions(world):
    entry = listed(world)
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            svc.entry_suspend(actor=None, entry=entry, reason="异议")
            raise RuntimeError("crash after the suspension, before commit")
    assert ListEntry.objects.get(pk=entry.pk).state == E.ACTIVE
    assert set(entry.executions.values_list("state", flat=True)) == {X.PUSHED}


def test_revocation_lifts_everything_and_restores_only_units_that_applied(world):
    entry = listed(world)
    applied = entry.executions.get(measure=world["mandatory"], unit=world["impl_b"])
    svc.execution_acknowledge(actor=world["officer_b"], execution=applied)
    svc.execution_apply(actor=world["officer_b"], execution=applied, note="限制其参加政府采购")
    svc.entry_remove(actor=None, entry=entry, removal_reason="REVOKED", reason="异议核实：信息有误")
    assert set(entry.executions.values_list("state", flat=True)) == {X.LIFT_PENDING}
    assert list(RestorationTask.objects.filter(entry=entry).values_list("unit", flat=True)) == [world["impl_b"].pk]
    svc.execution_confirm_lift(actor=world["officer_b"], execution=MeasureExecution.objects.get(pk=applied.pk))
    assert MeasureExecution.objects.get(pk=applied.pk).state == X.LIFTED


def test_status_check_stops_listing_measures_after_suspension_but_as_of_still_does(world):
    entry = listed(world)
    due = measures_due(unit=world["impl_a"], subject=world["subject"])
    assert [(d["measure"], d["mandatory"]) for d in due] == [(world["mandatory"].code, True),
                                                             (world["recommended"].code, False)]
    assert all(d["legal_basis_verified"] is False for d in due)
    from django.utils import timezone
    before_suspension = timezone.now()
    svc.entry_suspend(actor=None, entry=entry, reason="异议核查中")
    assert measures_due(unit=world["impl_a"], subject=world["subject"]) == []
    assert len(measures_due(unit=world["impl_a"], subject=world["subject"], as_of=before_suspension)) == 2
    assert measures_due(unit=world["impl_a"], subject=world["subject"], as_of=dt.date(2020, 1, 1)) == []


def test_removed_entries_leave_the_status_check(world):
    entry = listed(world)
    svc.entry_remove(actor=None, entry=entry, removal_reason="REPAIRED", reason="信用修复")
    assert measures_due(unit=world["impl_b"], subject=world["subject"]) == []


def test_two_officers_acting_on_one_entry_one_wins_the_other_conflicts(world):
    entry = svc.entry_draft(actor=world["officer"], list_type=world["blacklist"], subject=world["subject"],
                            facts="f", reasons="r")
    first, second = ListEntry.objects.get(pk=entry.pk), ListEntry.objects.get(pk=entry.pk)
    svc.entry_send_notice(actor=world["officer"], entry=first)
    with pytest.raises(ConcurrentTransition):
        svc.entry_withdraw(actor=world["officer"], entry=second, reason="撤回")
    assert ListEntry.objects.get(pk=entry.pk).state == E.NOTICE_SENT
    actions = AuditEvent.objects.filter(chain=f"cases.listentry:{entry.pk}", action__startswith="entry.").values_list("action", flat=True)
    assert list(actions) == ["entry.draft", "entry.send_notice"]


def test_expiry_sweep_removes_entries_past_validity_exactly_once(world):
    entry = listed(world)
    entry.refresh_from_db()
    assert svc.entries_expire(today=entry.valid_until) == 0
    assert svc.entries_expire(today=entry.valid_until + dt.timedelta(days=1)) == 1
    assert svc.entries_expire(today=entry.valid_until + dt.timedelta(days=2)) == 0
    entry.refresh_from_db()
    assert (entry.state, entry.removal_reason) == (E.REMOVED, "EXPIRED")


def test_correction_records_old_and_new_per_field(world):
    entry = listed(world)
    svc.entry_correct(actor=world["officer"], entry=entry, reason="更正事实", facts="更正后的事实")
    event = AuditEvent.objects.filter(chain=f"cases.listentry:{entry.pk}", action="entry.correct").get()
    assert event.changes == {"facts": ["拖欠税款逾期未缴", "更正后的事实"]}
