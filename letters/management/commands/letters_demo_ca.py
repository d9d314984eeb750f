"""Create the local demo CA and a signing certificate (PKCS#12) for every active unit.

Idempotent: an existing CA is reused and a unit's credentials are kept while they are still good
(issued by this CA, naming the unit, not about to expire). ``--unit CODE`` does one unit.
Production deployments do not run this: their keys come from configuration (docs/letters.md).
"""

from django.core.management.base import BaseCommand, CommandError

from cases.models import Unit
from letters import pki


class Command(BaseCommand):
    help = "Create the demo letters CA and a PKCS#12 signing credential per active unit."

    def add_arguments(self, parser):
        parser.add_argument("--unit", metavar="CODE", help="only this unit")
        parser.add_argument("--force", action="store_true", help="reissue unit credentials even if still good")

    def handle(self, *args, unit=None, force=False, verbosity=1, **options):
        units = Unit.objects.filter(is_active=True).order_by("code")
        if unit:
            units = Unit.objects.filter(code=unit)
            if not units.exists():
                raise CommandError(f"no unit with code {unit!r}")
        ca, created = pki.ensure_demo_ca()
        directory = pki.key_dir()
        if verbosity:
            self.stdout.write(f"{'created' if created else 'using'} demo CA {pki.ca_cert_path()}")
        made = kept = 0
        for u in units:
            path, was_made = pki.issue_unit_credentials(ca, unit_code=u.code, unit_name=u.name, force=force)
            made += was_made
            kept += not was_made
            if verbosity > 1:
                self.stdout.write(f"  {'issued' if was_made else 'kept'} {path.name} ({u.name})")
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"{made} unit credential(s) issued, {kept} kept, in {directory}"))
