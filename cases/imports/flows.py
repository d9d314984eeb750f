"""Listing flows of imported drafts, started after the rows commit.

A viewflow start (process, first task, work item, deadline) costs several times what writing the
row costs, so it stays out of the import's hot loop: each batch of records without a flow is taken
with ``SKIP LOCKED`` (several workers may share the work, and the beat sweep picks up whatever a
crashed worker left) and started in one transaction, marking ``flow_started_at``.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cases import events
from cases.locking import for_update
from cases.models import ImportedRecord, ImportJob

BATCH = 200


def start_pending_flows(*, job_id: int | None = None, batch: int = BATCH, max_batches: int | None = None) -> int:
    """Start the listing flow of every imported draft that has none yet (of one job, or all)."""
    started = 0
    batches = 0
    while max_batches is None or batches < max_batches:
        with transaction.atomic():
            pending = for_update(ImportedRecord.objects, skip_locked=True).filter(
                flow_started_at__isnull=True)
            if job_id is not None:
                pending = pending.filter(job_id=job_id)
            records = list(pending.select_related("entry", "entry__list_type", "entry__listing_unit")
                           .order_by("id")[:batch])
            if not records:
                break
            now = timezone.now()
            per_job: dict[int, int] = {}
            for record in records:
                if record.entry.state == record.entry.State.DRAFT:  # not withdrawn meanwhile
                    events.entry_drafted(entry=record.entry)
                per_job[record.job_id] = per_job.get(record.job_id, 0) + 1
            ImportedRecord.objects.filter(pk__in=[r.pk for r in records]).update(flow_started_at=now)
            for jid, count in per_job.items():
                ImportJob.objects.filter(pk=jid, flows_pending__gte=count).update(flows_pending=F("flows_pending") - count)
        started += len(records)
        batches += 1
    return started
