from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from cases.audit.roles import RoleError, application_role_name, connected_as_owner, grant_app_role


class Command(BaseCommand):
    help = ("Grant the application's database role exactly its rights: SELECT and INSERT on the audit "
            "trail, ordinary DML elsewhere, nothing it could use to rewrite history (docs/adr/0006). "
            "Idempotent; connects as the owner (DATABASE_OWNER_URL) when set.")

    def add_arguments(self, parser):
        parser.add_argument("--role", help="the application role (default: the user of DATABASE_URL)")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, **options):
        role = options["role"] or application_role_name(options["database"])
        if not role:
            raise CommandError("no role named and DATABASE_URL has no user: pass --role")
        with connected_as_owner(options["database"]) as connection:
            try:
                done = grant_app_role(connections[connection.alias], role)
            except RoleError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"application role {role}: {', '.join(done['append_only'])} append-only (SELECT, INSERT); "
            f"DML on the other {done['tables'] - len(done['append_only'])} tables; default privileges of {done['owner']}."
        )
