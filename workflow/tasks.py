from celery import shared_task

from . import timers


@shared_task(name="workflow.sweep_deadlines", acks_late=True)
def sweep_deadlines():
    return timers.sweep()
