from celery import shared_task

from cases.services.entries import entries_expire


@shared_task(name="entries.expire", acks_late=True)
def expire_entries():
    """期满自动撤下: entries past their validity leave the lists (idempotent)."""
    return entries_expire()


@shared_task(name="imports.run", acks_late=True)
def run_import(job_id: int):
    """Run one import job (issue 8 item 4); idempotent, see cases.imports.jobs."""
    from cases.imports.jobs import import_run

    job = import_run(job_id)
    return job.state if job is not None else None


@shared_task(name="imports.start_flows", acks_late=True)
def start_import_flows(job_id: int | None = None):
    """Start the listing flows of imported drafts after their rows committed (and, from beat, of
    any a crashed worker left)."""
    from cases.imports.flows import start_pending_flows

    return start_pending_flows(job_id=job_id)
