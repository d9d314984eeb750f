"""The listed subjects' table (``cases.models.ListedSubject``, migration 0018): kept by triggers on
the entries and on subjects' names, exact whatever path changes an entry (a transition, the
set-based expiry and revocation: tests/workflow), under concurrent transactions on one subject's
entries, and equal to the recount the migration's backfill and the benches' bulk loads run."""

import threading
import time

import psycopg2
import pytest
from django.db import connection

from cases.models import ListedSubject, ListEntry
from cases.selectors import disclosure
from cases.services import entries as svc
from tests.api.status_fixtures import listed, world  # noqa: F401
from tests.factories import SubjectFactory
from tests.listed_subjects import assert_listed_subjects_exact, listed_subjects

E = ListEntry.State


def test_a_subject_is_in_the_table_exactly_while_it_has_a_listed_entry(world):
    subject = world["subject"]
    draft = svc.entry_draft(actor=world["officer"], list_type=world["blacklist"], subject=subject,
                            facts="拖欠税款逾期未缴", reasons="符合认定标准")
    assert subject.pk not in assert_listed_subjects_exact()  # a draft is not public
    black = listed(world)
    assert assert_listed_subjects_exact()[subject.pk] == (subject.name, 1)
    red = listed(world, list_type=world["red"])
    assert assert_listed_subjects_exact()[subject.pk] == (subject.name, 2)
    svc.entry_suspend(actor=None, entry=ListEntry.objects.get(pk=black.pk), reason="异议核查中")
    assert assert_listed_subjects_exact()[subject.pk] == (subject.name, 2)  # suspended is still shown
    svc.entry_remove(actor=None, entry=ListEntry.objects.get(pk=black.pk), removal_reason="EXPIRED", reason="期满")
    assert assert_listed_subjects_exact()[subject.pk] == (subject.name, 1)
    svc.entry_remove(actor=None, entry=ListEntry.objects.get(pk=red.pk), removal_reason="EXPIRED", reason="期满")
    assert subject.pk not in assert_listed_subjects_exact()
    svc.entry_withdraw(actor=world["officer"], entry=draft, reason="录入有误")
    assert subject.pk not in assert_listed_subjects_exact()


def test_a_renamed_subject_is_found_by_its_new_name_and_no_longer_by_the_old(world):
    company = SubjectFactory(name="西藏雪域旧名商贸有限公司")
    listed(world, subject=company)
    company.name = "西藏雪域新名商贸有限公司"
    company.save()
    assert assert_listed_subjects_exact()[company.pk][0] == "西藏雪域新名商贸有限公司"
    assert disclosure.matching_subjects(query=disclosure.parse_query(q="新名商贸")) == ([company.pk], False)
    assert disclosure.matching_subjects(query=disclosure.parse_query(q="旧名商贸")) == ([], False)


def test_the_recount_gives_the_table_the_triggers_kept_and_mends_one_they_did_not(world):
    for subject in (world["subject"], world["person"], SubjectFactory()):
        listed(world, subject=subject)
    kept = assert_listed_subjects_exact()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM cases_listed_subject WHERE subject_id = %s", [world["person"].pk])
        cur.execute("SELECT cases_listed_subject_rebuild()")
        assert cur.fetchone()[0] == len(kept) == 3
    assert listed_subjects() == kept


def test_the_application_never_writes_the_table_itself(world):
    listed(world)
    row = ListedSubject.objects.get(pk=world["subject"].pk)
    with pytest.raises(TypeError):
        row.save()


# --- concurrent transactions on one subject's entries ---------------------------------------------

def _connect():
    raw = psycopg2.connect(**connection.get_connection_params())
    raw.autocommit = False
    return raw


def _waits_on_a_lock(pid: int) -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cur.fetchone()
    return bool(row) and row[0] == "Lock"


def _set_state(raw, entry_id: int, state: str) -> None:
    with raw.cursor() as cur:
        cur.execute("UPDATE cases_listentry SET state = %s WHERE id = %s", [state, entry_id])


def _entries(world, subject, *states) -> list[int]:
    ids = []
    for state in states:
        entry = svc.entry_draft(actor=world["officer"], list_type=world["blacklist"], subject=subject,
                                facts="拖欠税款逾期未缴", reasons="符合认定标准")
        ListEntry.objects.filter(pk=entry.pk).update(state=state)
        ids.append(entry.pk)
    return ids


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("before", "first", "second", "after"), [
    ((E.ACTIVE, E.SUSPENDED), E.REMOVED, E.REMOVED, None),  # the last two removed at once
    ((E.ACTIVE, E.DECIDED), E.REMOVED, E.ACTIVE, 1),  # the row deleted at 0 while another entry is published
    ((E.DECIDED, E.DECIDED), E.ACTIVE, E.ACTIVE, 2),  # two first publications: one creates the row
], ids=["two removals", "removal and publication", "two publications"])
def test_concurrent_changes_to_one_subjects_entries_leave_the_right_count(world, before, first, second, after):
    subject = world["subject"]
    one, other = _entries(world, subject, *before)
    assert_listed_subjects_exact()
    a, b = _connect(), _connect()
    try:
        _set_state(a, one, first)  # a holds the subject's row (or its new key) until it commits
        errors: list[BaseException] = []

        def meanwhile():
            try:
                _set_state(b, other, second)
                b.commit()
            except BaseException as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)

        thread = threading.Thread(target=meanwhile)
        thread.start()
        deadline = time.monotonic() + 10
        while not _waits_on_a_lock(b.get_backend_pid()):
            assert time.monotonic() < deadline, "the second transaction never waited for the first"
            time.sleep(0.02)
        a.commit()
        thread.join(10)
        assert not thread.is_alive() and not errors, errors
    finally:
        a.close()
        b.close()
    kept = assert_listed_subjects_exact()
    assert (kept[subject.pk][1] if subject.pk in kept else None) == after
