from celery import shared_task

from .services import audit_anchor


@shared_task(name="audit.anchor", acks_late=True)
def anchor_audit_chains():
    anchor = audit_anchor()
    return anchor.id if anchor else None
