"""Issue, list and revoke units' API tokens (issue 8 item 4).

    manage.py api_token issue --unit <code> --name <name> --scope entries:submit [--scope feedback:submit]
    manage.py api_token list [--unit <code>]
    manage.py api_token revoke <prefix> [--reason "…"]

The token is printed once, at issue; only its hash is kept.
"""

from django.core.management.base import BaseCommand, CommandError

from cases.errors import DomainError
from cases.imports.tokens import api_token_issue, api_token_revoke
from cases.models import ApiToken, Unit


class Command(BaseCommand):
    help = "Issue, list and revoke units' API tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue")
        issue.add_argument("--unit", required=True)
        issue.add_argument("--name", required=True)
        issue.add_argument("--scope", action="append", required=True, choices=ApiToken.Scope.values)
        listing = sub.add_parser("list")
        listing.add_argument("--unit")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("prefix")
        revoke.add_argument("--reason", default="")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except DomainError as err:
            raise CommandError(str(err.message)) from None

    def _issue(self, unit, name, scope, **_):
        unit_row = Unit.objects.filter(code=unit).first()
        if unit_row is None:
            raise CommandError(f"no unit with code {unit!r}")
        token, raw = api_token_issue(actor=None, unit=unit_row, name=name, scopes=scope)
        self.stdout.write(f"unit:   {unit_row.code}\nname:   {token.name}\nscopes: {', '.join(token.scopes)}")
        self.stdout.write("token (shown once, keep it in the unit system's secret store):")
        self.stdout.write(raw)

    def _list(self, unit=None, **_):
        tokens = ApiToken.objects.select_related("unit").order_by("unit__code", "name")
        if unit:
            tokens = tokens.filter(unit__code=unit)
        for t in tokens:
            state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "active"
            used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
            self.stdout.write(f"{t.prefix}  {t.unit.code:<20} {t.name:<24} {','.join(t.scopes):<32} {state:<18} used {used}")

    def _revoke(self, prefix, reason, **_):
        token = ApiToken.objects.filter(prefix=prefix).first()
        if token is None:
            raise CommandError(f"no token with prefix {prefix!r}")
        api_token_revoke(actor=None, token=token, reason=reason)
        self.stdout.write(f"revoked {token.prefix} ({token.unit.code} · {token.name})")
