"""Check the letter store against the database: every issued letter's PDF is there, unchanged.

Used by the restore drill (scripts/restore-drill) after a backup is restored, and useful on a live
system after moving MEDIA_ROOT. Exit status 1 when a file is missing or its SHA-256 differs from
the one recorded when the letter was signed.
"""

import hashlib

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Verify every issued letter's PDF in MEDIA_ROOT against the SHA-256 in the database."

    def handle(self, *args, **options):
        from letters.models import Letter

        checked, problems = 0, []
        issued = Letter.objects.exclude(pdf="").exclude(pdf__isnull=True).only("pk", "pdf", "sha256", "document_number")
        for letter in issued.iterator(chunk_size=500):
            checked += 1
            try:
                with letter.pdf.open("rb") as handle:
                    digest = hashlib.sha256()
                    for chunk in iter(lambda: handle.read(1 << 20), b""):
                        digest.update(chunk)
            except FileNotFoundError:
                problems.append(f"letter {letter.pk} ({letter.document_number}): file missing: {letter.pdf.name}")
                continue
            if letter.sha256 and digest.hexdigest() != letter.sha256:
                problems.append(f"letter {letter.pk} ({letter.document_number}): SHA-256 differs: {letter.pdf.name}")
        for line in problems:
            self.stderr.write(line)
        if problems:
            raise CommandError(f"{len(problems)} of {checked} letter files missing or altered.")
        self.stdout.write(f"media_verify: {checked} letter files present and unchanged.")
