from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from workflow.demo import load_demo_cases


class Command(BaseCommand):
    help = "Create demo cases through the services (after load_demo and letters_demo_ca); idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true",
                            help="create them even under production settings (the loopback stack; never a live system)")

    def handle(self, *args, **options):
        if settings.SETTINGS_MODULE.endswith(".production") and not options["force"]:
            raise CommandError("Refusing to create demo cases under production settings.")
        created = load_demo_cases()
        self.stdout.write(f"demo cases: {created} list entries" if created else "demo cases already loaded.")
        from cases.demo import DEMO_PASSWORD, PORTAL_ACCOUNTS

        for username, name, _email in PORTAL_ACCOUNTS:
            self.stdout.write(f"subjects' portal login: {username}  {DEMO_PASSWORD}  ({name})")
