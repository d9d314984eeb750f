"""Compare our listed entries with what the shared credit platform acknowledged; re-queue the
differences with --requeue (docs/notifications.md)."""

import json

from django.core.management.base import BaseCommand

from notifications.services.outbox import platform_enabled
from notifications.services.reconcile import platform_reconcile


class Command(BaseCommand):
    help = "Reconcile list entries with the shared credit platform's acknowledgements."

    def add_arguments(self, parser):
        parser.add_argument("--requeue", action="store_true", help="push the current state of every difference")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument("--sample", type=int, default=20, help="entry ids listed per category")

    def handle(self, *args, requeue, json: bool = False, sample: int = 20, **options):
        if requeue and not platform_enabled():
            self.stderr.write("PLATFORM_WEBHOOK_URL is not set: nothing can be re-queued.")
            requeue = False
        report = platform_reconcile(requeue=requeue).as_dict(sample=sample)
        if json:
            self.stdout.write(_dumps(report))
            return
        self.stdout.write(
            f"missing on the platform: {report['missing']}\n"
            f"stale state on the platform: {report['stale']}\n"
            f"still listed on the platform, removed here: {report['lingering']}\n"
            f"push under way (not counted): {report['in_flight']}\n"
            f"dead platform deliveries (replay them in the admin): {report['dead_deliveries']}\n"
            f"re-queued: {report['requeued']}"
        )
        for name in ("missing", "stale", "lingering"):
            if report["sample"][name]:
                self.stdout.write(f"  {name}: entries {report['sample'][name]}")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True)
