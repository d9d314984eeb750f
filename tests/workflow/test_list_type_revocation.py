"""名单类型废止 (issue 21 item 2, "the same machinery serves mass removals"): a list type whose basis
is revoked lists nobody from then on, and the expiry night's set-based sweep takes its listed
entries off the lists in batches, each execution lift-pending until its unit confirms the lift."""

import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection

from cases.audit.models import AuditEvent
from cases.audit.verify import verify
from cases.errors import Conflict, Forbidden, ValidationFailed
from cases.models import ListEntry, ListType, MeasureExecution, RemovalBatch
from cases.services import entries as svc
from cases.services.registry import list_type_revoke
from tests.factories import AdministratorFactory, SubjectFactory, UserFactory
from tests.listed_subjects import assert_listed_subjects_exact
from tests.workflow.test_expiry_set_based import listed
from workflow import services as work
from workflow.models import WorkItem

pytestmark = pytest.mark.django_db
E, X = ListEntry.State, MeasureExecution.State
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
BUILT = dt.datetime(2026, 6, 1, 10, 0, tzinfo=BEIJING)
REVOKED = dt.datetime(2026, 6, 3, 9, 0, tzinfo=BEIJING)
TYPE_REVOKED = ListEntry.RemovalReason.LIST_TYPE_REVOKED


def revoke(p, **kw):
    admin = AdministratorFactory()
    return list_type_revoke(actor=admin, list_type=p["blacklist"], reason=kw.get("reason", "《备忘录》已废止"))


def test_revoking_takes_every_listed_entry_of_the_type_off_the_lists_and_nothing_else(province, as_user):
    p = province
    with time_machine.travel(BUILT, tick=False):
        active, suspended = listed(p, p["blacklist"]), listed(p, p["blacklist"])
        svc.entry_suspend(actor=None, entry=suspended, reason="异议核查中")
        in_procedure = svc.entry_draft(actor=p["officer"], list_type=p["blacklist"], subject=SubjectFactory(),
                                       facts="拖欠税款逾期未缴", reasons="符合认定标准")
        red = listed(p, p["red"], red=True)
    with time_machine.travel(REVOKED, tick=False):
        revoke(p)
        assert svc.entries_expire() == 2

    mine = ListEntry.objects.filter(pk__in=[active.pk, suspended.pk])
    assert set(mine.values_list("state", "removal_reason")) == {(E.REMOVED, TYPE_REVOKED)}
    assert set(MeasureExecution.objects.filter(entry__in=mine).values_list("state", flat=True)) == {X.LIFT_PENDING}
    # every unit confirms every lift, as after the expiry night
    lifts = WorkItem.objects.filter(step="lift", is_open=True)
    assert lifts.count() == MeasureExecution.objects.filter(entry__in=mine).count()
    for officer in (p["officer_a"], p["officer_b"]):
        for item in lifts.filter(unit=officer.staff.unit).order_by("pk"):
            work.task_complete(actor=officer, task_id=item.pk, data={"note": "已解除"})
    assert set(MeasureExecution.objects.filter(entry__in=mine).values_list("state", flat=True)) == {X.LIFTED}
    # the rest is untouched: the entry still in its procedure, and another type's entry
    assert ListEntry.objects.get(pk=in_procedure.pk).state == E.DRAFT
    assert ListEntry.objects.get(pk=red.pk).state == E.ACTIVE
    # the public search no longer finds the revoked type's subjects (the listed subjects' table)
    kept = assert_listed_subjects_exact()
    assert active.subject_id not in kept and suspended.subject_id not in kept and red.subject_id in kept
    # the implementing unit's status check no longer names the measures
    answer = as_user(p["officer_a"]).get(f"/api/v1/status/{active.subject.identifier}/").json()
    assert answer["listed"] is False and answer["measures"] == {"mandatory": [], "recommended": []}
    revocation = AuditEvent.objects.get(action="list_type.revoke")
    assert revocation.reason == "《备忘录》已废止"
    assert RemovalBatch.objects.get().removal_reason == TYPE_REVOKED
    assert verify().ok


def test_nothing_is_drafted_decided_or_published_under_a_revoked_type(province):
    p = province
    with time_machine.travel(BUILT, tick=False):
        noticed = svc.entry_draft(actor=p["officer"], list_type=p["blacklist"], subject=SubjectFactory(),
                                  facts="拖欠税款逾期未缴", reasons="符合认定标准")
        svc.entry_send_notice(actor=p["officer"], entry=noticed, on=dt.date(2026, 5, 1))
        svc.entry_receive_statement(actor=p["officer"], entry=noticed, statement="请求从轻")
    with time_machine.travel(REVOKED, tick=False):
        revoke(p)
        blacklist = ListType.objects.get(pk=p["blacklist"].pk)
        with pytest.raises(Conflict) as drafted:
            svc.entry_draft(actor=p["officer"], list_type=blacklist, subject=SubjectFactory(),
                            facts="拖欠税款逾期未缴", reasons="符合认定标准")
        assert drafted.value.code == "list_type_revoked" and drafted.value.status == 409
        assert "2026-06-03" in str(drafted.value.message)
        with pytest.raises(Conflict):
            svc.entry_decide(actor=p["leader"], entry=ListEntry.objects.get(pk=noticed.pk))
    assert ListEntry.objects.get(pk=noticed.pk).state == E.UNDER_REVIEW


def test_a_list_type_is_revoked_once_by_an_administrator_and_only_for_a_stated_reason(province):
    p = province
    for who in (p["leader"], p["lead_officer"], p["auditor"], None):
        with pytest.raises(Forbidden):  # permission before validation: the blank reason is not looked at
            list_type_revoke(actor=who, list_type=p["blacklist"], reason="")
    with pytest.raises(ValidationFailed) as blank:
        revoke(p, reason="  ")
    assert "reason" in blank.value.fields
    assert ListType.objects.get(pk=p["blacklist"].pk).revoked_at is None
    revoke(p)
    with pytest.raises(Conflict) as again:
        revoke(p)
    assert again.value.code == "list_type_revoked"
    assert AuditEvent.objects.filter(action="list_type.revoke").count() == 1
    assert ListType.objects.get(pk=p["blacklist"].pk).is_active is False


def test_the_sweep_goes_in_batches_each_committed_on_its_own(province):
    p = province
    with time_machine.travel(BUILT, tick=False):
        entries = [listed(p, p["blacklist"]) for _ in range(5)]
    with time_machine.travel(REVOKED, tick=False):
        revoke(p)
        assert svc.entries_expire(batch=2) == 5
        assert svc.entries_expire(batch=2) == 0
    assert RemovalBatch.objects.count() == 3  # 2 + 2 + 1
    assert set(ListEntry.objects.filter(pk__in=[e.pk for e in entries]).values_list("state", flat=True)) == {E.REMOVED}


def test_the_batch_search_walks_the_revoked_types_index():
    """A revoked type with a million listed entries is walked in id order, never sorted."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = svc.revoked_type_batch(batch=200).query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "entry_listed_by_list_type" in plan, plan


def test_the_command_revokes_for_an_administrator_only_and_can_sweep_at_once(province):
    p = province
    with time_machine.travel(BUILT, tick=False):
        entry = listed(p, p["blacklist"])
    clerk = UserFactory(username="clerk", is_staff=True)  # staff, but not an administrator
    with pytest.raises(CommandError, match="管理员"):
        call_command("revoke_list_type", p["blacklist"].code, "--by", "clerk", "--reason", "废止")
    with pytest.raises(CommandError, match="no list type"):
        call_command("revoke_list_type", "no-such-type", "--by", "clerk", "--reason", "废止")
    AdministratorFactory(username="registry-admin")
    out = io.StringIO()
    with time_machine.travel(REVOKED, tick=False):
        call_command("revoke_list_type", p["blacklist"].code, "--by", "registry-admin", "--reason",
                     "《备忘录》已废止", "--sweep", stdout=out)
    assert out.getvalue().splitlines() == [f"{p['blacklist'].code}: revoked", "1 entries removed"]
    assert ListEntry.objects.get(pk=entry.pk).removal_reason == TYPE_REVOKED
    with pytest.raises(CommandError, match="已废止"):
        call_command("revoke_list_type", p["blacklist"].code, "--by", "registry-admin", "--reason", "废止")
    assert ListType.objects.get(pk=p["blacklist"].pk).revocation_reason == "《备忘录》已废止"


def test_the_sweep_starts_as_soon_as_the_revocation_commits(province, django_capture_on_commit_callbacks):
    p = province
    with time_machine.travel(BUILT, tick=False):
        entry = listed(p, p["blacklist"])
    with time_machine.travel(REVOKED, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            revoke(p)  # the workflow's listener hands the sweep to Celery (eager in the tests)
    assert ListEntry.objects.get(pk=entry.pk).removal_reason == TYPE_REVOKED


def test_an_administrator_revokes_from_the_admin_with_a_reason_and_others_cannot(province, client):
    """The admin's action asks for the reason on a page of its own, then revokes through the service;
    the revocation's fields cannot be edited on the list type's form."""
    from tests.factories import TEST_PASSWORD

    p = province
    with time_machine.travel(BUILT, tick=False):
        entry = listed(p, p["blacklist"])
    url = "/admin/cases/listtype/"
    chosen = {"action": "revoke", "_selected_action": [p["blacklist"].pk]}
    officer = p["officer"]
    assert client.login(username=officer.username, password=TEST_PASSWORD)
    assert client.post(url, chosen).status_code in (302, 403)  # not an administrator: no admin at all
    assert ListType.objects.get(pk=p["blacklist"].pk).revoked_at is None

    admin = AdministratorFactory()
    assert client.login(username=admin.username, password=TEST_PASSWORD)
    asked = client.post(url, chosen)
    assert asked.status_code == 200 and "废止理由" in asked.content.decode()
    refused = client.post(url, {**chosen, "apply": "1", "reason": ""})
    assert refused.status_code == 200 and "errorlist" in refused.content.decode()
    with time_machine.travel(REVOKED, tick=False):
        done = client.post(url, {**chosen, "apply": "1", "reason": "《备忘录》已废止"}, follow=True)
    assert done.status_code == 200 and "已废止" in done.content.decode()
    blacklist = ListType.objects.get(pk=p["blacklist"].pk)
    assert blacklist.revocation_reason == "《备忘录》已废止" and blacklist.revoked_at is not None
    form = client.get(f"{url}{blacklist.pk}/change/").content.decode()
    assert 'name="revoked_at"' not in form and 'name="revocation_reason"' not in form
    assert ListEntry.objects.get(pk=entry.pk).state == E.ACTIVE  # the sweep, not the request, removes it
