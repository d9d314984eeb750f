from django.core.management.base import BaseCommand

from cases.services.registry import catalogue_seed


class Command(BaseCommand):
    help = (
        "Load the measures catalogue (cases/catalogue_seed.py) and the default procedure rules "
        "(cases/rules_seed.py). Idempotent: rows are matched by code (measures) or by case type, step, "
        "regime and start date (rules); a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--missing-only",
            action="store_true",
            help="only add rows that do not exist yet; keep every value an administrator has edited",
        )

    def handle(self, *args, **options):
        counts = catalogue_seed(actor=None, update_existing=not options["missing_only"])
        self.stdout.write(
            "measures: {measures_created} created, {measures_updated} updated; "
            "procedure rules: {rules_created} created, {rules_updated} updated.".format(**counts)
        )
        self.stdout.write(
            self.style.WARNING("Every legal basis in the catalogue is unverified until a legal reviewer confirms it.")
        )
