from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from cases.audit.external import AnchorFileError, read_anchor_file, verify_against
from cases.audit.verify import verify


class Command(BaseCommand):
    help = ("Verify the hash-chained audit trail; names the first altered, removed or reordered row. "
            "With --anchors FILE, also against an external, signed copy of the anchors (a backup's "
            "anchors.json): a chain rewritten together with its in-database anchors is named.")

    def add_arguments(self, parser):
        parser.add_argument("--chain", action="append", help="verify only these chains")
        parser.add_argument("--anchors", metavar="FILE",
                            help="an anchor file written by scripts/backup (signed with AUDIT_ANCHOR_KEY)")

    def handle(self, *args, **options):
        external = None
        if options.get("anchors"):
            # The file is trusted only once its signature verifies; nothing is checked against it before.
            try:
                external = read_anchor_file(Path(options["anchors"]).read_bytes(), key=settings.AUDIT_ANCHOR_KEY)
            except (OSError, AnchorFileError) as exc:
                self.stderr.write(f"REFUSED: {options['anchors']}: {exc}; nothing was checked against it.")
                raise SystemExit(2) from exc
        report = verify(chains=options.get("chain"))
        checked = verify_against(external, report, chains=options.get("chain")) if external is not None else None
        if report.ok:
            line = f"OK: {report.events} events in {report.chains} chains and {report.anchors} anchors verified."
            if checked is not None:
                line += (f" External anchors ({options['anchors']}): {checked['anchors']} anchors and "
                         f"{checked['positions']} chain positions match.")
            self.stdout.write(line)
            return
        self.stderr.write(f"FAILED: {len(report.problems)} problem(s); first: {report.problems[0]}")
        for p in report.problems[1:20]:
            self.stderr.write(f"  {p}")
        raise SystemExit(1)
