"""Celery tasks: thin, idempotent wrappers over the letter services."""

from celery import shared_task

from . import services


@shared_task(name="letters.produce", acks_late=True)
def letter_produce_task(letter_id: int) -> str:
    """Render and sign one letter; safe to deliver twice (a non-PENDING letter is left alone)."""
    return services.letter_produce(letter_id=letter_id).status


@shared_task(name="letters.sweep_pending")
def letters_sweep_pending_task() -> int:
    """Beat: enqueue again the letters whose production task was lost (see letters_stale_pending)."""
    from datetime import timedelta

    from django.conf import settings

    ids = services.letters_stale_pending(older_than=timedelta(seconds=settings.LETTERS_SWEEP_GRACE_SECONDS))
    return services.letter_enqueue_production(letter_ids=ids)
