"""python manage.py holidays_publish FILE [--check]: publish a year's official holiday schedule
(format: deadlines/schedule.py, examples in deploy/holidays/) and recompute every open deadline
it moves, printing what moved. Publishing the same file again changes nothing."""

from django.core.management.base import BaseCommand, CommandError

from deadlines.publish import publish_and_recompute
from deadlines.schedule import ScheduleInvalid, parse_schedule


class Command(BaseCommand):
    help = "Publish a year's official holiday schedule from a JSON file and recompute the open deadlines it moves."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the schedule file, e.g. deploy/holidays/2027.json")
        parser.add_argument("--check", action="store_true", help="only check the file; change nothing")

    def handle(self, *args, file, check, **options):
        try:
            with open(file, "rb") as handle:
                schedule = parse_schedule(handle.read())
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc}") from None
        except ScheduleInvalid as exc:
            for line in exc.errors:
                self.stderr.write(f"{file}: {line}")
            raise CommandError(f"{file}: refused ({len(exc.errors)} problems); nothing was changed") from None
        self.stdout.write(f"{file}: {schedule.year} ({schedule.source_document}), "
                          f"{len(schedule.holidays)} rest days, {len(schedule.workdays)} make-up working days")
        if check:
            self.stdout.write("checked: the file is valid; nothing was changed (--check)")
            return
        published, run = publish_and_recompute(schedule)
        if run is None:
            self.stdout.write(f"{schedule.year} was already published with this schedule: nothing changed")
            return
        self.stdout.write(f"{schedule.year} is official; {run.examined} cases examined, "
                          f"{run.moved} deadlines moved, {run.held} held at the date the subject was told")
        for row in run.moves:
            note = " (held: the subject was told this date)" if row["held"] else ""
            self.stdout.write(f"  {row['case']}  {row['label']}: {row['old_due']} -> {row['new_due']}{note}")
