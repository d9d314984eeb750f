import json
import os
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cases.audit.external import AnchorFileError, anchors_document


class Command(BaseCommand):
    help = ("Write every audit anchor to a signed file (HMAC-SHA256 with AUDIT_ANCHOR_KEY) to keep outside "
            "the database; scripts/backup puts it beside the dump as anchors.json. "
            "Check it with `audit_verify --anchors FILE`.")

    def add_arguments(self, parser):
        parser.add_argument("--out", metavar="FILE", help="where to write (default: standard output)")

    def handle(self, *args, **options):
        try:
            document = anchors_document(key=settings.AUDIT_ANCHOR_KEY)
        except AnchorFileError as exc:
            raise CommandError(str(exc)) from exc
        data = json.dumps(document, ensure_ascii=False, indent=1).encode()
        if not options["out"]:
            sys.stdout.buffer.write(data + b"\n")
            return
        path = Path(options["out"])
        partial = path.with_name(path.name + ".partial")
        partial.write_bytes(data + b"\n")
        os.replace(partial, path)
        self.stderr.write(f"{len(document['anchors'])} anchors written to {path}")
