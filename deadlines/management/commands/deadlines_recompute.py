"""python manage.py deadlines_recompute --year 2027 [--reason …]: recompute every open deadline that
looked at the given years with the calendar as it is now (after an override was changed by hand,
say). Re-running it changes nothing."""

from django.core.management.base import BaseCommand

from deadlines.publish import recompute_years


class Command(BaseCommand):
    help = "Recompute the open deadlines that looked at the given years."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", required=True, dest="years")
        parser.add_argument("--reason", default="节假日数据已更正")

    def handle(self, *args, years, reason, **options):
        run = recompute_years(years, reason=reason)
        self.stdout.write(f"{', '.join(map(str, run.years))}: {run.examined} cases examined, {run.moved} deadlines moved")
        for row in run.moves:
            self.stdout.write(f"  {row['case']}  {row['label']}: {row['old_due']} -> {row['new_due']}")
