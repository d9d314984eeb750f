"""Notifications follow their task (issue 19 item 10): once a task is completed or cancelled, the
notices about it are done and read for everyone who got them (no longer 「新任务」 nor counted by the
bell); and a unit's several new tasks read as one card per unit with the count and the latest."""

import pytest

from cases.services import entries as entry_services
from notifications.models import Notification
from tests.factories import TEST_PASSWORD, SubjectFactory
from workflow import services
from workflow.models import WorkItem

pytestmark = pytest.mark.django_db


def draft(province, name):
    return entry_services.entry_draft(actor=province["officer"], list_type=province["blacklist"],
                                      subject=SubjectFactory(name=name), facts="拖欠税款逾期未缴",
                                      reasons="符合税收违法黑名单认定标准")


def notices_of(task_id):
    return Notification.objects.filter(kind="task.assigned", event__payload__task=task_id)


def task_of(entry, step="prior_notice"):
    return WorkItem.objects.get(object_type="cases.listentry", object_id=entry.pk, step=step).task_id


def page_of(client, user, language="zh-hans"):
    assert client.login(username=user.username, password=TEST_PASSWORD)
    client.cookies["django_language"] = language
    return client.get("/notifications/").content.decode()


def test_a_completed_tasks_notice_is_done_and_read_for_everyone_told(client, province):
    entry = draft(province, "通知跟随任务测试公司")
    task_id = task_of(entry)
    told = notices_of(task_id)
    assert {n.user for n in told} >= {province["officer"], province["officer2"], province["leader"]}
    assert all(n.read_at is None and n.done_at is None for n in told)

    services.task_complete(actor=province["officer"], task_id=task_id, data={"served_on": "2026-09-01"})
    assert all(n.done_at is not None and n.read_at is not None for n in notices_of(task_id))
    title = WorkItem.objects.get(pk=task_id).title
    html = page_of(client, province["leader"])
    card = html.split(f"已结束：{title}")[1].split("</li>")[0]
    assert "已结束（已办结或已取消），无需再办" in card and "新任务" not in card
    assert f"新任务：{title}" not in html
    # The next step's notice is the one that is new now.
    assert f"新任务：{WorkItem.objects.get(pk=task_of(entry, 'statement')).title}" in html
    english = page_of(client, province["leader"], "en")
    from django.utils import translation

    from workflow.models.work import task_title

    item = WorkItem.objects.get(pk=task_id)
    with translation.override("en"):
        assert f"Closed: {task_title(item.case_type, item.step, title)}" in english


def test_a_notice_read_before_its_task_was_done_keeps_the_time_it_was_read(province):
    entry = draft(province, "通知先读后办结测试公司")
    task_id = task_of(entry)
    mine = notices_of(task_id).get(user=province["officer"])
    from notifications.services.inbox import notification_mark_read

    read_at = notification_mark_read(user=province["officer"], notification_id=mine.pk).read_at
    services.task_complete(actor=province["officer"], task_id=task_id, data={"served_on": "2026-09-01"})
    mine.refresh_from_db()
    assert mine.read_at == read_at and mine.done_at is not None


def test_a_cancelled_tasks_notice_is_done_too(province):
    entry = draft(province, "通知跟随撤回测试公司")
    task_id = task_of(entry)
    entry_services.entry_withdraw(actor=province["officer"], entry=entry, reason="材料有误，撤回重拟")
    assert not WorkItem.objects.get(pk=task_id).is_open
    notices = notices_of(task_id)
    assert notices.exists() and all(n.done_at is not None and n.read_at is not None for n in notices)


def test_a_leader_sees_a_units_new_tasks_as_one_card_with_the_count_and_the_latest(client, province):
    entries = [draft(province, name) for name in ("分组测试甲公司", "分组测试乙公司", "分组测试丙公司")]
    titles = [WorkItem.objects.get(pk=task_of(e)).title for e in entries]
    html = page_of(client, province["leader"])
    unit = province["listing"].name
    assert html.count('class="note unread note-group"') == 1
    assert f"{unit}：新任务 3 项" in html and f"最新：{titles[-1]}" in html
    assert 'href="/work/"' in html and "查看全部 3 项任务" in html
    for title in titles:  # each task listed once, inside the card, and not again as a card of its own
        assert html.count(title) == 1 + (title == titles[-1])
        assert f"新任务：{title}" not in html

    services.task_complete(actor=province["officer"], task_id=task_of(entries[-1]), data={"served_on": "2026-09-01"})
    html = page_of(client, province["leader"])
    statement = WorkItem.objects.get(pk=task_of(entries[-1], "statement")).title
    # The completed task left the card (its notice is closed, a card of its own); its next step joined it.
    assert f"{unit}：新任务 3 项" in html and f"最新：{statement}" in html
    assert f"已结束：{titles[-1]}" in html and f"新任务：{titles[-1]}" not in html

    english = page_of(client, province["leader"], "en")
    assert f"{unit}: 3 new tasks" in english and "Open the unit's queue" in english


def test_a_notice_of_a_batch_of_tasks_is_done_once_none_of_them_is_open(province):
    from notifications.services.outbox import Recipient, outbox_emit

    entries = [draft(province, name) for name in ("批量通知甲公司", "批量通知乙公司")]
    tasks = [task_of(e) for e in entries]
    unit = province["listing"]
    context = {"count": 2, "unit": unit.name, "title": "送达事先告知书"}
    outbox_emit(kind="task.assigned_many", source="test:batch", object_type="cases.unit", object_id=unit.pk,
                payload={"type": "task.assigned_many", "tasks": tasks, **context},
                recipients=[Recipient(user=province["leader"])], context=context, link="/work/")
    batch = Notification.objects.get(kind="task.assigned_many", user=province["leader"])

    services.task_complete(actor=province["officer"], task_id=tasks[0], data={"served_on": "2026-09-01"})
    batch.refresh_from_db()
    assert batch.done_at is None and batch.read_at is None  # one of its tasks is still open
    services.task_complete(actor=province["officer"], task_id=tasks[1], data={"served_on": "2026-09-01"})
    batch.refresh_from_db()
    assert batch.done_at is not None and batch.read_at is not None
    assert batch.title == "已结束 2 项任务：送达事先告知书"


def test_the_notices_of_measure_tasks_the_expiry_night_cancels_are_done(province):
    """The set-based sweep cancels many executions' tasks in one statement and records them on its
    one ``removal.batch`` event; the notices about them are done as after ``task.cancel``."""
    import datetime as dt

    from cases.models import ListEntry
    from tests.workflow.test_expiry_set_based import listed

    entry = listed(province, province["blacklist"])
    respond = WorkItem.objects.filter(object_type="cases.measureexecution", step="respond", is_open=True,
                                      object_id__in=[x.pk for x in entry.executions.all()])
    task_ids = list(respond.values_list("task_id", flat=True))
    told = Notification.objects.filter(kind="task.assigned", event__payload__task__in=task_ids)
    assert task_ids and told.count() == len(task_ids)
    assert not told.filter(done_at__isnull=False).exists()
    ListEntry.objects.filter(pk=entry.pk).update(valid_until=dt.date(2026, 1, 1))
    assert entry_services.entries_expire(today=dt.date(2026, 1, 2)) == 1
    assert not told.filter(done_at__isnull=True).exists() and not told.filter(read_at__isnull=True).exists()


def test_a_task_notice_reads_in_the_readers_language(client, province):
    """The title was written in the language of the request that opened the task (Chinese here); an
    English reader reads the step's name in English, the subject as stored."""
    from django.utils import translation

    from workflow.models.work import task_title

    entry = draft(province, "通知标题语言测试公司")
    work = WorkItem.objects.get(pk=task_of(entry))
    with translation.override("en"):
        english = task_title(work.case_type, work.step, work.title)
    assert english != work.title and english.endswith("通知标题语言测试公司")
    assert f"New task: {english}" in page_of(client, province["leader"], "en")
    assert f"新任务：{work.title}" in page_of(client, province["leader"])
