"""Background work of the deadlines app: the recompute after holiday data changed."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction

from deadlines.publish import recompute_years


@shared_task(name="deadlines.recompute", acks_late=True, autoretry_for=(Exception,), retry_backoff=True,
             max_retries=5)
def recompute(years: list[int], reason: str) -> int:
    """Idempotent: a second run finds every deadline already computed with the current calendar."""
    return recompute_years(years, reason=reason).moved


def recompute_later(years, *, reason: str) -> None:
    """After the current transaction commits, recompute in the background (the admin's path)."""
    years = sorted({int(y) for y in years})
    transaction.on_commit(lambda: recompute.delay(years, reason))
