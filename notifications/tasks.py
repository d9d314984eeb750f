"""Celery tasks of the notifications area: thin, idempotent wrappers over services. Every name
starts with ``notifications.`` (the deploy routes the "notifications" queue by that prefix)."""

from celery import shared_task
from django.conf import settings


@shared_task(name="notifications.deliver", acks_late=True, ignore_result=True,
             soft_time_limit=getattr(settings, "NOTIFICATIONS_LEASE_SECONDS", 60) - 5)
def deliver(delivery_id: int) -> str:
    from notifications.services.delivery import deliver as run

    return run(delivery_id)


@shared_task(name="notifications.deliver_platform", acks_late=True, ignore_result=True,
             soft_time_limit=3 * getattr(settings, "NOTIFICATIONS_LEASE_SECONDS", 60))
def deliver_platform() -> int:
    """Drain the platform outbox in batches; runs stop claiming after a lease's length and queue a
    successor, and no send outlives its batch's lease, so the soft limit is only a backstop."""
    from notifications.services.delivery import deliver_platform_due

    return deliver_platform_due()


@shared_task(name="notifications.sweep", acks_late=True, ignore_result=True)
def sweep() -> int:
    from notifications.services.delivery import sweep as run

    return run()


@shared_task(name="notifications.daily_digest", acks_late=True, ignore_result=True)
def daily_digest() -> int:
    from notifications.services.digest import digest_send

    return digest_send()
