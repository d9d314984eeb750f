"""``migrate`` as the owner role (issue 17 item 6; docs/adr/0006-audit-out-of-reach.md).

Django's own command, with two additions when ``DATABASE_OWNER_URL`` is set: the migrations run on a
connection as the owner role, and afterwards the application role (``DATABASE_URL``'s user) is
granted exactly its rights (``db_grant_app_role``), so a table a migration adds is usable at once
and a new append-only table is narrowed to SELECT and INSERT. Without ``DATABASE_OWNER_URL`` it is
Django's ``migrate`` unchanged (the test suite, a single-role installation).
"""

from django.core.management.base import CommandError
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import DEFAULT_DB_ALIAS

from cases.audit.roles import RoleError, application_role_name, connected_as_owner, grant_app_role, owner_settings


class Command(DjangoMigrate):
    help = DjangoMigrate.help + " As the owner role when DATABASE_OWNER_URL is set; then grants the application role."

    def handle(self, *args, **options):
        owner = owner_settings()
        if not owner or options["database"] != DEFAULT_DB_ALIAS:
            return super().handle(*args, **options)
        app_role = application_role_name(options["database"])
        with connected_as_owner(options["database"]) as connection:
            super().handle(*args, **options)
            if options.get("check_unapplied") or options.get("plan") or app_role == owner.get("USER"):
                return
            try:
                done = grant_app_role(connection, app_role)
            except RoleError as exc:
                raise CommandError(str(exc)) from exc
            if options["verbosity"] >= 1:
                self.stdout.write(f"  application role {app_role} granted its rights as {done['owner']} "
                                  f"({', '.join(done['append_only'])}: SELECT, INSERT only)")
