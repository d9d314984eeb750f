"""Run against a running embedded default (scripts/run): 50 letters requested at once, then wait
until the worker has rendered and signed them. Prints one JSON line: the numbers, how long until
every letter was signed, and the statuses. Used by tests/deploy/test_embedded_smoke.py."""

import json
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "letters")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.embedded")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from letter_contexts import contexts  # noqa: E402

from cases.models import Subject, Unit  # noqa: E402
from letters import services  # noqa: E402
from letters.models import Letter  # noqa: E402

unit = Unit.objects.get(code="ls-tax")
subject = Subject.objects.order_by("pk").first()
barrier = threading.Barrier(50)
ids, errors = [], []
lock = threading.Lock()


def request_letter():
    try:
        barrier.wait(timeout=30)
        with transaction.atomic():
            letter = services.letter_issue(
                actor=None, unit=unit, letter_type="LISTING_DECISION", subject=subject,
                case_chain="cases.listentry:999999", case_ref="LB-EMBEDDED", context=contexts()["LISTING_DECISION"],
                addressee=subject.name,
            )
        with lock:
            ids.append(letter.pk)
    except Exception as exc:  # noqa: BLE001 - reported in the output
        with lock:
            errors.append(repr(exc))
    finally:
        connection.close()


started = time.monotonic()
threads = [threading.Thread(target=request_letter) for _ in range(50)]
for t in threads:
    t.start()
for t in threads:
    t.join(timeout=120)
signed_after = None
while time.monotonic() - started < 120:
    statuses = list(Letter.objects.filter(pk__in=ids).values_list("status", flat=True))
    if statuses and all(s == Letter.Status.ISSUED for s in statuses):
        signed_after = time.monotonic() - started
        break
    time.sleep(0.5)
letters = Letter.objects.filter(pk__in=ids)
print(json.dumps({
    "errors": errors,
    "numbers": sorted(letters.values_list("number", flat=True)),
    "statuses": sorted(set(letters.values_list("status", flat=True))),
    "signed_after": signed_after,
}))
