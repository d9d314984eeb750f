"""Lift the query-code lockout of a case number at once (docs/operations.md, "Lockouts").

    manage.py query_code_unlock YY-2026-000123

Without it the lockout ends by itself after QUERY_CODE_LOCKOUT_MINUTES. Run it when the accepting
window or unit has checked who asks (the applicant in person or by the filing's contact details).
"""

from django.core.management.base import BaseCommand

from cases.services.code_checks import query_code_unlock


class Command(BaseCommand):
    help = "Lift the query-code lockout of one or more case numbers."

    def add_arguments(self, parser):
        parser.add_argument("numbers", nargs="+", metavar="NUMBER")

    def handle(self, *args, numbers, **options):
        for number in numbers:
            if query_code_unlock(number=number):
                self.stdout.write(f"{number.strip().upper()}: unlocked")
            else:
                self.stdout.write(f"{number.strip().upper()}: was not locked")
