"""Revoke a list type whose basis was abolished (名单类型废止; docs/operations.md, "Revoking a list type").

    manage.py revoke_list_type amr-serious --by admin --reason "《……》已废止（……号文）"

Nothing is listed under it from then on, and the removal sweep takes its listed entries off the
lists in batches at once (and at each hourly run until none is left); the command waits for nothing.
``--sweep`` runs the sweep here and now instead, and says how many entries it removed.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cases.errors import DomainError
from cases.models import ListType
from cases.services.entries import entries_expire
from cases.services.registry import list_type_revoke


class Command(BaseCommand):
    help = "Revoke a list type: no new listing under it, and its listed entries leave the lists."

    def add_arguments(self, parser):
        parser.add_argument("code", help="the list type's code")
        parser.add_argument("--reason", required=True, help="why (the abolishing document)")
        parser.add_argument("--by", required=True, metavar="USERNAME",
                            help="the administrator who decides (a superuser or the ADMINISTRATOR role)")
        parser.add_argument("--sweep", action="store_true", help="remove the entries in this process now")

    def handle(self, *args, code, reason, by, sweep, **options):
        try:
            list_type = ListType.objects.get(code=code)
        except ListType.DoesNotExist:
            raise CommandError(f"no list type {code!r}") from None
        actor = get_user_model().objects.filter(username=by).first()
        if actor is None:
            raise CommandError(f"no user {by!r}")
        try:
            list_type_revoke(actor=actor, list_type=list_type, reason=reason)
        except DomainError as exc:
            fields = "; ".join(f"{name}: {message}" for name, errors in (exc.fields or {}).items()
                               for _code, message in errors)
            raise CommandError(f"{exc.message}{' (' + fields + ')' if fields else ''}") from None
        self.stdout.write(f"{code}: revoked")
        if sweep:
            self.stdout.write(f"{entries_expire()} entries removed")
