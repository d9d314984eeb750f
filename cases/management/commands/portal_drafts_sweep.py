from django.core.management.base import BaseCommand

from cases.portal.drafts import drafts_sweep


class Command(BaseCommand):
    help = "Delete the uploaded files of portal filings abandoned before submission (untouched for N days)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args, **options):
        import datetime as dt

        removed = drafts_sweep(older_than=dt.timedelta(days=options["days"]))
        self.stdout.write(f"portal drafts: {removed} abandoned files deleted")
