"""Two officers completing one task, or a deadline sweep firing while an officer acts, leave one
consistent result; the loser gets a clear 409."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from cases.audit.models import AuditEvent
from cases.audit.verify import verify
from cases.models import ListEntry
from workflow import services, timers
from workflow.models import WorkItem

from .test_listing_through_the_api import draft, only_task

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(*calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait()
            results[i] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_two_officers_completing_one_task_one_wins_the_other_gets_409(province, as_user):
    entry = draft(as_user(province["officer"]), province)
    task = only_task(as_user(province["officer"]), "prior_notice")
    url = f"/api/v1/tasks/{task['id']}/complete/"
    first, second = client_for(province["officer"]), client_for(province["officer2"])
    responses = run_together(
        lambda: first.post(url, {"served_on": "2026-09-01"}, format="json"),
        lambda: second.post(url, {"served_on": "2026-09-02"}, format="json"),
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [200, 409], [r.json() for r in responses]
    loser = next(r for r in responses if r.status_code == 409).json()
    assert loser["code"] in ("task_closed", "task_claimed", "case_busy")
    chain = f"cases.listentry:{entry['id']}"
    assert AuditEvent.objects.filter(chain=chain, action="task.complete").count() == 1
    assert AuditEvent.objects.filter(chain=chain, action="entry.send_notice").count() == 1
    assert ListEntry.objects.get(pk=entry["id"]).state == ListEntry.State.NOTICE_SENT
    assert WorkItem.objects.filter(object_id=entry["id"], step="statement", is_open=True).count() == 1
    assert verify().ok


def test_a_sweep_firing_while_an_officer_completes_skips_the_task_and_never_escalates_it(province, as_user):
    officer = as_user(province["officer"])
    draft(officer, province)
    services.task_complete(actor=province["officer"], task_id=only_task(officer, "prior_notice")["id"],
                           data={"served_on": "2026-09-01"})
    task_id = only_task(officer, "statement")["id"]  # due 2026-09-08: long overdue
    in_lock, release = threading.Event(), threading.Event()

    def officer_acting():
        # The officer's completion holds the flow lock and the work item while the sweep runs.
        with services._locked(task_id):
            in_lock.set()
            release.wait(30)
        connection.close()

    thread = threading.Thread(target=officer_acting)
    thread.start()
    assert in_lock.wait(30)
    try:
        assert timers.escalate_overdue() == 0, "a task being acted on is skipped, not waited for"
    finally:
        release.set()
        thread.join(30)
    services.task_complete(actor=province["officer"], task_id=task_id, data={"statement": "陈述"})
    assert timers.escalate_overdue() == 0
    assert not AuditEvent.objects.filter(action="task.escalate").exists()
