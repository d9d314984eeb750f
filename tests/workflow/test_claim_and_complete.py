"""Claim-and-complete (issue 19 item 4): an unclaimed task's page shows its form with one primary
button that claims and completes in one service call; claiming alone stays a secondary action. Of
two officers acting at once, one wins and the other reads why (409)."""

import threading

import pytest
from django.db import connection

from cases.audit.models import AuditEvent
from cases.models import ListEntry

from .test_listing_through_the_api import draft
from .test_workspace_queue import browser_for, open_task


@pytest.mark.django_db
def test_an_unclaimed_tasks_page_offers_claim_and_complete_as_its_one_primary_button(province, as_user):
    entry = draft(as_user(province["officer"]), province)["id"]
    page = browser_for(province["officer"]).get(f"/work/tasks/{open_task(entry, 'prior_notice')}/").content.decode()
    assert page.count('class="primary"') == 1
    assert 'id="complete-button">认领并办结</button>' in page
    assert 'class="secondary" id="claim-button">认领</button>' in page
    assert page.index('id="complete-form"') < page.index('id="claim-button"')  # the decision first
    assert 'data-busy="处理中…"' in page


@pytest.mark.django_db
def test_one_press_claims_and_completes_an_unclaimed_task(province, as_user):
    entry = draft(as_user(province["officer"]), province)["id"]
    task_id = open_task(entry, "prior_notice")
    officer = browser_for(province["officer"])
    response = officer.post(f"/work/tasks/{task_id}/complete/", {"served_on": "2026-09-01"})
    assert response.status_code == 302
    assert ListEntry.objects.get(pk=entry).state == ListEntry.State.NOTICE_SENT
    done = AuditEvent.objects.get(chain=f"cases.listentry:{entry}", action="task.complete")
    assert done.actor == province["officer"]
    page = officer.get(f"/work/tasks/{task_id}/").content.decode()
    assert 'id="complete-form"' not in page and 'id="claim-button"' not in page


@pytest.mark.django_db
def test_a_claimed_tasks_page_says_complete_and_its_owner_keeps_the_one_primary_button(province, as_user):
    from workflow import services

    entry = draft(as_user(province["officer"]), province)["id"]
    task_id = open_task(entry, "prior_notice")
    services.task_claim(actor=province["officer"], task_id=task_id)
    page = browser_for(province["officer"]).get(f"/work/tasks/{task_id}/").content.decode()
    assert 'id="complete-button">办结</button>' in page and 'id="claim-button"' not in page


@pytest.mark.django_db(transaction=True)
def test_a_claim_racing_a_claim_and_complete_leaves_one_winner_and_a_readable_409(province, as_user):
    entry = draft(as_user(province["officer"]), province)["id"]
    task_id = open_task(entry, "prior_notice")
    completing, claiming = browser_for(province["officer"]), browser_for(province["officer2"])
    barrier = threading.Barrier(2)
    responses = [None, None]
    calls = [lambda: completing.post(f"/work/tasks/{task_id}/complete/", {"served_on": "2026-09-01"}),
             lambda: claiming.post(f"/work/tasks/{task_id}/claim/")]

    def run(i):
        try:
            barrier.wait()
            responses[i] = calls[i]()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    codes = [r.status_code for r in responses]
    assert sorted(codes) == [302, 409], codes
    loser = next(r for r in responses if r.status_code == 409).content.decode()
    assert 'id="page-error"' in loser
    assert "该任务已办结或已取消。" in loser or "该任务已被其他经办人（" in loser
    chain = f"cases.listentry:{entry}"
    if codes[0] == 302:  # the claim-and-complete won: nobody claimed, the step is done once
        assert AuditEvent.objects.filter(chain=chain, action="task.complete").count() == 1
        assert not AuditEvent.objects.filter(chain=chain, action="task.claim").exists()
        assert ListEntry.objects.get(pk=entry).state == ListEntry.State.NOTICE_SENT
    else:  # the claim won: the step is untouched and the task is the other officer's
        assert not AuditEvent.objects.filter(chain=chain, action="task.complete").exists()
        assert ListEntry.objects.get(pk=entry).state == ListEntry.State.DRAFT
