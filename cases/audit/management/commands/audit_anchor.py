from django.core.management.base import BaseCommand

from cases.audit.services import audit_anchor


class Command(BaseCommand):
    help = "Anchor the heads of every audit chain that moved since the last anchor."

    def handle(self, *args, **options):
        anchor = audit_anchor()
        self.stdout.write(f"anchor {anchor.id}: {len(anchor.heads)} chain heads" if anchor else "nothing to anchor")
