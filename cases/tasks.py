from celery import shared_task

from cases.services.entries import entries_expire


@shared_task(name="entries.expire", acks_late=True)
def expire_entries():
    """期满自动撤下: entries past their validity leave the lists (idempotent)."""
    return entries_expire()
