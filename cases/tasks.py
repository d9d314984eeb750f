from celery import shared_task

from cases.services.code_checks import code_lockouts_prune
from cases.services.entries import entries_expire


@shared_task(name="entries.expire", acks_late=True)
def expire_entries():
    """期满自动撤下: entries past their validity leave the lists (idempotent)."""
    return entries_expire()


@shared_task(name="cases.supplements_lapse", acks_late=True)
def lapse_supplements():
    """逾期未补正的，视为撤回申请: objections and repairs whose supplement window ended without
    material are deemed withdrawn (idempotent)."""
    from cases.services.objections import objections_supplements_lapse
    from cases.services.repairs import repairs_supplements_lapse

    return {"objections": objections_supplements_lapse(), "repairs": repairs_supplements_lapse()}


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


@shared_task(name="imports.purge_files", acks_late=True)
def purge_import_files():
    """Uploaded import files past their retention (IMPORTS_FILE_RETENTION_DAYS) are deleted."""
    from django.conf import settings

    from cases.imports.jobs import import_files_purge

    return import_files_purge(older_than_days=settings.IMPORTS_FILE_RETENTION_DAYS)


@shared_task(name="portal.drafts_sweep", acks_late=True)
def sweep_portal_drafts():
    """Files uploaded to portal filings abandoned before submission (PORTAL_DRAFT_RETENTION_DAYS)."""
    import datetime as dt

    from django.conf import settings

    from cases.portal.drafts import drafts_sweep

    return drafts_sweep(older_than=dt.timedelta(days=settings.PORTAL_DRAFT_RETENTION_DAYS))


@shared_task(name="cases.code_lockouts_prune", acks_late=True)
def prune_code_lockouts():
    """Forget query-code counts of numbers nobody has tried for a day (issue 17, item 3)."""
    return code_lockouts_prune()
