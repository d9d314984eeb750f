from django.core.management.base import BaseCommand

from cases.audit.verify import verify


class Command(BaseCommand):
    help = "Verify the hash-chained audit trail; names the first altered, removed or reordered row."

    def add_arguments(self, parser):
        parser.add_argument("--chain", action="append", help="verify only these chains")

    def handle(self, *args, **options):
        report = verify(chains=options.get("chain"))
        if report.ok:
            self.stdout.write(
                f"OK: {report.events} events in {report.chains} chains and {report.anchors} anchors verified."
            )
            return
        self.stderr.write(f"FAILED: {len(report.problems)} problem(s); first: {report.problems[0]}")
        for p in report.problems[1:20]:
            self.stderr.write(f"  {p}")
        raise SystemExit(1)
