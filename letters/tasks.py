"""Celery tasks: thin, idempotent wrappers over the letter services."""

from celery import shared_task

from . import services


@shared_task(name="letters.produce", acks_late=True)
def letter_produce_task(letter_id: int) -> str:
    """Render and sign one letter; safe to deliver twice (a non-PENDING letter is left alone)."""
    return services.letter_produce(letter_id=letter_id).status
