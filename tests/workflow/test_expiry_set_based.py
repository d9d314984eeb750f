"""期满自动撤下 as a set-based night (issue 21 item 2): ``entries_expire`` removes a batch of entries
in a few statements, and ends in exactly the state, lift confirmations, audit facts and platform
events that ``entry_remove`` gives one entry at a time. The same province is built twice (group A
and group B, the same entries in the same states), A expired entry by entry, B by the sweep, and
the results compared once the ids are put aside."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.db import transaction
from viewflow.workflow.models import Process, Task

from cases.audit.models import AuditEvent
from cases.audit.verify import verify
from cases.locking import for_update
from cases.models import ListEntry, ListEntryStatePeriod, MeasureExecution
from cases.services import entries as svc
from notifications.models import Notification, OutboxEvent
from tests.factories import ListTypeFactory, MeasureFactory, SubjectFactory
from tests.listed_subjects import assert_listed_subjects_exact
from workflow import services as work
from workflow.models import WorkItem

pytestmark = pytest.mark.django_db
E, X = ListEntry.State, MeasureExecution.State
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
BUILT = dt.datetime(2026, 6, 1, 10, 0, tzinfo=BEIJING)
SWEPT = dt.datetime(2026, 6, 2, 2, 0, tzinfo=BEIJING)
EXECUTION = "cases.measureexecution"


def listed(p, list_type, *, red=False):
    subject = SubjectFactory()
    entry = svc.entry_draft(actor=p["officer"], list_type=list_type, subject=subject, facts="拖欠税款逾期未缴",
                            reasons="符合认定标准")
    if not red:
        svc.entry_send_notice(actor=p["officer"], entry=entry, on=dt.date(2026, 5, 1))
        svc.entry_receive_statement(actor=p["officer"], entry=entry, statement="请求从轻")
        svc.entry_decide(actor=p["leader"], entry=entry, decision_date=dt.date(2026, 5, 20), dating_reason="补录")
    svc.entry_publish(actor=p["officer"], entry=entry)
    return ListEntry.objects.get(pk=entry.pk)


def open_task(execution, step):
    return WorkItem.objects.get(object_type=EXECUTION, object_id=execution.pk, step=step, is_open=True)


def group(p):
    """Five entries: untouched; one measure acknowledged and one applied; a claimed task; suspended
    by an objection; a red-list entry."""
    blacklist, red = p["blacklist"], p["red"]
    fresh = listed(p, blacklist)
    worked = listed(p, blacklist)
    xs = {x.measure_id: x for x in worked.executions.filter(unit=p["impl_a"])}
    work.task_complete(actor=p["officer_a"], task_id=open_task(xs[p["recommended"].pk], "respond").pk, data={})
    mandatory = xs[p["mandatory"].pk]
    work.task_complete(actor=p["officer_a"], task_id=open_task(mandatory, "respond").pk, data={})
    work.task_complete(actor=p["officer_a"], task_id=open_task(mandatory, "feedback").pk,
                       data={"applied": True, "note": "暂停其政府采购投标资格"})
    claimed = listed(p, blacklist)
    work.task_claim(actor=p["officer_b"], task_id=open_task(claimed.executions.get(unit=p["impl_b"]), "respond").pk)
    suspended = listed(p, blacklist)
    svc.entry_suspend(actor=None, entry=suspended, reason="异议核查中")
    reward = listed(p, red, red=True)
    entries = [fresh, worked, claimed, suspended, reward]
    ListEntry.objects.filter(pk__in=[e.pk for e in entries]).update(valid_until=dt.date(2026, 5, 31))
    return entries


def per_entry(entries):
    """The reference: what the sweep did before, one ``entry_remove`` per entry."""
    for entry in entries:
        with transaction.atomic():
            entry = for_update(ListEntry.objects).select_related("list_type").get(pk=entry.pk)
            svc.entry_remove(actor=None, entry=entry, removal_reason="EXPIRED", reason="validity expired")


def key_of(entries):
    """Each execution of the group by (entry's place in the group, measure, unit)."""
    place = {e.pk: i for i, e in enumerate(entries)}
    return {x.pk: (place[x.entry_id], x.measure.code, x.unit.code)
            for x in MeasureExecution.objects.filter(entry__in=entries).select_related("measure", "unit")}


def state_of(entries):
    """Entries, state periods, executions, their processes, tasks and work items, without ids."""
    keys = key_of(entries)
    out = {"entries": [], "executions": {}}
    for entry in entries:
        entry = ListEntry.objects.get(pk=entry.pk)
        periods = list(ListEntryStatePeriod.objects.filter(entry=entry).order_by("started_at", "pk")
                       .values_list("state", "ended_at"))
        out["entries"].append((entry.state, entry.removal_reason, entry.open_verifications,
                               entry.removed_at is not None, [(s, end is None) for s, end in periods]))
    for x in MeasureExecution.objects.filter(pk__in=keys):
        processes = []
        for process in Process.objects.filter(artifact_object_id=x.pk, data__case=f"{EXECUTION}:{x.pk}").order_by("pk"):
            tasks = []
            for task in Task.objects.filter(process=process).order_by("pk"):
                item = WorkItem.objects.filter(pk=task.pk).first()
                tasks.append((
                    str(task.flow_task), task.flow_task_type, task.status, task.owner_permission, str(task.token),
                    task.data, task.owner_id, task.started is None, task.finished is None,
                    sorted(str(t.flow_task) for t in task.previous.all()),
                    item and (item.unit_id, item.case_type, item.step, item.title.replace(item.subject.name, "<subject>"),
                              item.subject_id == x.entry.subject_id, item.leader_only, item.due, item.due_unit, item.due_computation, item.is_open,
                              item.paused_at is None, item.remind_on, item.reminders_sent),
                ))
            processes.append((str(process.flow_class), process.status, process.finished is None,
                              process.artifact_content_type_id, tasks))
        out["executions"][keys[x.pk]] = (x.state, x.state_before_suspension, x.lifted_at, processes)
    return out


def audit_facts(entries, since):
    """What the audit trail says happened to each entry and execution at the removal: the entry's
    transition, each execution's move to LIFT_PENDING, the tasks cancelled and the lift tasks opened
    (per execution chain on the per-entry path; named by the entry's one event on the set-based one)."""
    keys = key_of(entries)
    task_key = {}
    for item in WorkItem.objects.filter(object_type=EXECUTION, object_id__in=keys):
        task_key[item.pk] = (keys[item.object_id], item.step)
    facts = {"entries": [], "lifted": set(), "cancelled": set(), "opened": set()}
    for i, entry in enumerate(entries):
        entry = ListEntry.objects.get(pk=entry.pk)
        events = AuditEvent.objects.filter(chain=f"cases.listentry:{entry.pk}", occurred_at__gte=since).order_by("seq")
        said = [(e.from_state, e.to_state, e.reason, e.actor_name, e.changes["removal_reason"][1]) for e in events
                if e.action == "entry.remove"]
        if entry.removal_batch_id:
            batch = AuditEvent.objects.get(chain=f"cases.removalbatch:{entry.removal_batch_id}")
            assert batch.action == "removal.batch"
            columns = batch.changes["columns"][1]
            row = next(dict(zip(columns, r)) for r in batch.changes["entries"][1] if r[0] == entry.pk)
            said.append((row["state"], batch.to_state, batch.reason, batch.actor_name, batch.changes["removal_reason"][1]))
            facts["lifted"] |= {(keys[x], before) for x, before in row["lifted"]}
            facts["cancelled"] |= {task_key[t] for t in row["tasks_cancelled"]}
            facts["opened"] |= {task_key[t] for t in row["lift_tasks"]}
        facts["entries"].append(said)
    chains = [f"{EXECUTION}:{x}" for x in keys]
    for e in AuditEvent.objects.filter(chain__in=chains, occurred_at__gte=since).order_by("chain", "seq"):
        key = keys[int(e.object_id)]
        if e.action == "execution.lift":
            facts["lifted"].add((key, e.from_state))
        elif e.action == "task.cancel":
            facts["cancelled"] |= {task_key[t] for t in e.changes["tasks"][1]}
        elif e.action == "task.open":
            facts["opened"].add(task_key[e.changes["task"][1]])
    return facts


def platform_events(entries):
    """The outbox events the platform receives, with the subject and ids put aside."""
    place = {e.pk: i for i, e in enumerate(entries)}
    rows = []
    for event in OutboxEvent.objects.filter(kind="entry.removed", object_id__in=[str(e.pk) for e in entries]):
        payload = dict(event.payload)
        payload["entry"] = {k: v for k, v in payload["entry"].items() if k != "id"}
        payload.pop("subject")
        rows.append((place[int(event.object_id)], event.kind, event.object_type,
                     event.deliveries.filter(channel="PLATFORM").count(), payload))
    return sorted(rows, key=lambda r: r[0])


def told(entries):
    """(user, lift task) for every officer told of a lift task: one message per task before, one
    per unit and batch now; every officer of the unit hears of every task either way."""
    keys = key_of(entries)
    lift = {w.pk: keys[w.object_id] for w in WorkItem.objects.filter(object_type=EXECUTION, object_id__in=keys,
                                                                        step="lift")}
    pairs = set()
    for note in Notification.objects.filter(kind__in=["task.assigned", "task.assigned_many"]).select_related("event"):
        payload = note.event.payload
        for task in payload.get("tasks") or [payload.get("task")]:
            if task in lift:
                pairs.add((note.user_id, lift[task]))
    return pairs


def test_the_set_based_sweep_ends_where_entry_by_entry_removal_ends(province, settings):
    settings.PLATFORM_WEBHOOK_URL = "https://platform.example/hook"
    p = province
    with time_machine.travel(BUILT, tick=False):
        a, b = group(p), group(p)
    assert state_of(a) == state_of(b)
    with time_machine.travel(SWEPT, tick=False):
        per_entry(a)
        assert svc.entries_expire(today=dt.date(2026, 6, 2)) == len(b)

    assert state_of(a) == state_of(b)
    kept = assert_listed_subjects_exact()  # the public search's table, kept by triggers on both paths
    assert not {e.subject_id for e in a + b} & set(kept)
    removed = state_of(b)
    assert all(e[0] == E.REMOVED and e[1] == "EXPIRED" for e in removed["entries"])
    assert {x[0] for x in removed["executions"].values()} == {X.LIFT_PENDING}
    facts_a, facts_b = audit_facts(a, SWEPT), audit_facts(b, SWEPT)
    assert facts_a == facts_b
    assert len(facts_b["lifted"]) == len(removed["executions"]) == len(facts_b["opened"])
    assert {step for _key, step in facts_b["cancelled"]} == {"respond", "feedback"}
    assert platform_events(a) == platform_events(b) and len(platform_events(b)) == len(b)
    assert told(a) == told(b) and told(b)
    assert verify().ok


def test_every_unit_confirms_every_lift_of_the_night(province, as_user):
    p = province
    with time_machine.travel(BUILT, tick=False):
        entries = group(p)
    with time_machine.travel(SWEPT, tick=False):
        assert svc.entries_expire(today=dt.date(2026, 6, 2)) == len(entries)
    for officer in (p["officer_a"], p["officer_b"]):
        for item in WorkItem.objects.filter(step="lift", is_open=True, unit=officer.staff.unit).order_by("pk"):
            work.task_complete(actor=officer, task_id=item.pk, data={"note": "已解除"})
    assert set(MeasureExecution.objects.filter(entry__in=entries).values_list("state", flat=True)) == {X.LIFTED}
    assert not WorkItem.objects.filter(object_type=EXECUTION, is_open=True).exists()
    assert verify().ok


def test_the_entry_timeline_and_the_auditors_as_of_show_the_expiry(province):
    from cases.audit.console.history import case_as_of
    from cases.audit.selectors import TimelineQuery, case_events, case_for
    from workflow.case_view import case_timeline_page, case_view

    p = province
    with time_machine.travel(BUILT, tick=False):
        entry = group(p)[0]
    with time_machine.travel(SWEPT, tick=False):
        svc.entries_expire(today=dt.date(2026, 6, 2))
    view = case_view(user=p["officer"], kind="entry", pk=entry.pk)
    removal = [e for e in case_timeline_page(view, TimelineQuery()).events if e.action == "removal.batch"]
    assert [(e.to_state, e.changes["removal_reason"]) for e in removal] == [("REMOVED", [None, "EXPIRED"])]
    case = case_for(user=p["auditor"], kind="entry", pk=entry.pk)
    events = case_events(case)
    before = case_as_of(case, SWEPT - dt.timedelta(hours=1), events)
    after = case_as_of(case, SWEPT + dt.timedelta(hours=1), events)
    assert (before.state, after.state) == ("ACTIVE", "REMOVED")
    assert {f.name: f.value for f in after.fields}["removal_reason"] == "EXPIRED"
    assert {f.name: f.value for f in before.fields}["removal_reason"] == ""
    roles = [info.role for info in case.chains[1:]]
    assert roles.count("removal") == 1 and roles.count("execution") == 3
    assert {r.state for r, role in zip(after.related, roles) if role == "execution"} == {"LIFT_PENDING"}
    assert {r.state for r, role in zip(before.related, roles) if role == "execution"} == {"PUSHED"}


def test_a_batch_commits_on_its_own_and_the_next_run_takes_what_is_left(province):
    p = province
    with time_machine.travel(BUILT, tick=False):
        entries = group(p)
    with time_machine.travel(SWEPT, tick=False):
        assert svc.entries_expire(today=dt.date(2026, 6, 2), batch=2) == len(entries)
        assert svc.entries_expire(today=dt.date(2026, 6, 2), batch=2) == 0
    assert set(ListEntry.objects.filter(pk__in=[e.pk for e in entries]).values_list("state", flat=True)) == {E.REMOVED}
    assert WorkItem.objects.filter(step="lift", is_open=True).count() == MeasureExecution.objects.filter(
        entry__in=entries).count()


def test_the_auditors_pages_and_the_offline_bundle_of_an_expired_entry(province, tmp_path):
    import io
    import subprocess
    import sys
    import zipfile

    from django.test import Client

    p = province
    with time_machine.travel(BUILT, tick=False):
        entry = group(p)[1]
    with time_machine.travel(SWEPT, tick=False):
        svc.entries_expire(today=dt.date(2026, 6, 2))
    client = Client()
    client.force_login(p["auditor"])
    page = client.get(f"/audit/entry/{entry.pk}/")
    assert page.status_code == 200
    assert 'data-action="removal.batch"' in page.content.decode()
    assert client.get(f"/audit/entry/{entry.pk}/verify/").status_code == 200
    bundle = client.get(f"/audit/entry/{entry.pk}/bundle.zip")
    assert bundle.status_code == 200
    zipfile.ZipFile(io.BytesIO(b"".join(bundle.streaming_content))).extractall(tmp_path)
    done = subprocess.run([sys.executable, "-I", "-S", "verify_bundle.py"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    timeline = (tmp_path / "timeline.json").read_text(encoding="utf-8")
    assert "removal.batch" in timeline


def test_a_batch_takes_entries_only_while_their_executions_fit(province):
    from cases.models import RemovalBatch

    p = province
    with time_machine.travel(BUILT, tick=False):
        entries = group(p)  # four entries with 3 executions each, one red entry with 1
    with time_machine.travel(SWEPT, tick=False):
        assert svc.entries_expire(today=dt.date(2026, 6, 2), executions=4) == len(entries)
    lifted = [sum(len(row[5]) for row in AuditEvent.objects.get(chain=f"cases.removalbatch:{b.pk}").changes["entries"][1])
              for b in RemovalBatch.objects.all()]
    assert sum(lifted) == 13 and max(lifted) <= 4  # never two blacklist entries (3 + 3) in one batch
    assert RemovalBatch.objects.count() in (4, 5)  # the red entry's one execution may join a blacklist entry
    assert set(ListEntry.objects.filter(pk__in=[e.pk for e in entries]).values_list("state", flat=True)) == {E.REMOVED}
