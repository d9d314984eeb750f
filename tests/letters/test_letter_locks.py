"""A letter worker and a case action on the same chain never deadlock (found by the stack test).

The worker that stores a signed letter locks the letter row, then appends ``letter.signed`` to the
case's audit chain. A case action (an objection being filed, say) holds that chain's head and, at
commit, PostgreSQL checks its deferred foreign keys with ``FOR KEY SHARE`` on the rows they point
at, the letter's unit among them. When the worker's lock also covered the unit (``FOR UPDATE``
through ``select_related``), each waited for the other and PostgreSQL killed one: a 500 for the
subject filing the objection. ``cases.locking.for_update`` locks ``FOR NO KEY UPDATE OF`` the
letter only, so here both finish.
"""

import threading
import time

import pytest
from django.db import connection, transaction

from cases.audit.models import AuditEvent
from cases.audit.services import audit_record
from cases.audit.verify import verify
from letters import services
from letters.models import Letter

pytestmark = pytest.mark.django_db(transaction=True)


def _waiting_on_a_lock(pid: int) -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cur.fetchone()
    return bool(row) and row[0] == "Lock"


def test_a_letter_worker_and_a_case_action_on_the_same_chain_both_finish(issue, unit, officer):
    letter = issue("LISTING_DECISION", case_chain="cases.listentry:77")
    assert letter.status == Letter.Status.ISSUED
    # The worker's view of the world: the letter is issued and waits to be produced.
    Letter.objects.filter(pk=letter.pk).update(status=Letter.Status.PENDING, sha256="", pdf="")

    errors: list[BaseException] = []
    worker_pid: list[int] = []
    chain_held, worker_done = threading.Event(), threading.Event()

    def case_action():
        # Holds the chain head (like objection_file appending to the entry's chain), waits until the
        # worker queues up behind it, then commits rows pointing at the unit (deferred FK checks).
        try:
            with transaction.atomic():
                audit_record(action="entry.objection_filed", chain=letter.case_chain, object_type="cases.listentry",
                             object_id=77, actor=officer, changes={"objection": [None, "YY-2026-000001"]})
                chain_held.set()
                deadline = time.monotonic() + 20
                while not worker_pid or not _waiting_on_a_lock(worker_pid[0]):
                    assert time.monotonic() < deadline, "the letter worker never queued behind the chain head"
                    time.sleep(0.05)
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)
        finally:
            connection.close()

    def letter_worker():
        try:
            chain_held.wait(20)
            with connection.cursor() as cur:
                cur.execute("SELECT pg_backend_pid()")
                worker_pid.append(cur.fetchone()[0])
            services.letter_produce(letter_id=letter.pk)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            worker_done.set()
            connection.close()

    threads = [threading.Thread(target=case_action), threading.Thread(target=letter_worker)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert not errors, errors
    letter.refresh_from_db()
    assert letter.status == Letter.Status.ISSUED and letter.sha256
    actions = list(AuditEvent.objects.filter(chain=letter.case_chain).order_by("seq").values_list("action", flat=True))
    assert actions[-2:] == ["entry.objection_filed", "letter.signed"]
    assert verify().ok
