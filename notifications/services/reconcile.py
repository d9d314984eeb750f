"""Reconciliation with the shared credit platform: our listed entries against what the platform
acknowledged (``PlatformEntryState``), and re-queuing the differences as ``entry.sync`` events."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from cases.models import ListEntry

LISTED = ("ACTIVE", "SUSPENDED")

# One pass over the listed entries (partial index entry_listed_by_subject / the state column) and
# one over the acknowledgements; entries with a platform delivery still under way are left alone.
_DIFFERENCES = """
WITH in_flight AS (
    SELECT DISTINCT o.object_id FROM notifications_delivery d
    JOIN notifications_outboxevent o ON o.id = d.event_id
    WHERE d.channel = 'PLATFORM' AND d.state IN ('PENDING', 'SENDING') AND o.object_type = 'cases.listentry'
)
SELECT e.id, e.state, p.state, (d.object_id IS NOT NULL) AS in_flight
FROM cases_listentry e
LEFT JOIN notifications_platformentrystate p ON p.entry_id = e.id
LEFT JOIN in_flight d ON d.object_id = e.id::text
WHERE (e.state IN ('ACTIVE', 'SUSPENDED') AND (p.entry_id IS NULL OR p.state <> e.state))
   OR (p.state IN ('ACTIVE', 'SUSPENDED') AND e.state NOT IN ('ACTIVE', 'SUSPENDED'))
ORDER BY e.id
"""


@dataclass
class Report:
    missing: list = field(default_factory=list)      # listed here, never acknowledged there
    stale: list = field(default_factory=list)        # acknowledged in another state
    lingering: list = field(default_factory=list)    # no longer listed here, still listed there
    in_flight: list = field(default_factory=list)    # a push is under way: not a difference yet
    dead: int = 0                                    # DEAD platform deliveries (replay in the admin)
    requeued: int = 0

    @property
    def differences(self) -> list:
        return [*self.missing, *self.stale, *self.lingering]

    def as_dict(self, sample: int = 20) -> dict:
        return {"missing": len(self.missing), "stale": len(self.stale), "lingering": len(self.lingering),
                "in_flight": len(self.in_flight), "dead_deliveries": self.dead, "requeued": self.requeued,
                "sample": {"missing": self.missing[:sample], "stale": self.stale[:sample],
                           "lingering": self.lingering[:sample]}}


def platform_reconcile(*, requeue: bool = False, batch: int = 1000) -> Report:
    from notifications.events import entry_payload
    from notifications.models import Delivery
    from notifications.services.outbox import outbox_emit

    report = Report()
    with connection.cursor() as cur:
        cur.execute(_DIFFERENCES)
        while rows := cur.fetchmany(batch):
            for entry_id, ours, theirs, in_flight in rows:
                if in_flight:
                    report.in_flight.append(entry_id)
                elif theirs is None:
                    report.missing.append(entry_id)
                elif ours in LISTED:
                    report.stale.append(entry_id)
                else:
                    report.lingering.append(entry_id)
    report.dead = Delivery.objects.filter(channel="PLATFORM", state="DEAD").count()
    if requeue:
        stamp = timezone.now().strftime("%Y%m%d%H%M%S")
        ids = report.differences
        for start in range(0, len(ids), batch):
            chunk = ids[start:start + batch]
            with transaction.atomic():
                for entry in ListEntry.objects.filter(pk__in=chunk).select_related("subject", "list_type",
                                                                                     "listing_unit"):
                    payload = entry_payload(entry, kind="entry.sync", reason="reconciliation")
                    payload["occurred_at"] = timezone.now()
                    if outbox_emit(kind="entry.sync", source=f"reconcile:{entry.pk}:{stamp}",
                                   subject_key=entry.subject.identifier, object_type="cases.listentry",
                                   object_id=entry.pk, payload=payload, to_platform=True):
                        report.requeued += 1
    return report
