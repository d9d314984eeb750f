"""Two database roles: the owner runs migrations, the application may only read and append the
audit trail (issue 17 item 6; docs/adr/0006-audit-out-of-reach.md).

PostgreSQL lets only a table's owner (or a superuser) ``ALTER TABLE … DISABLE TRIGGER``, drop the
guard trigger, change the table or grant rights on it. The application therefore connects as a role
that owns nothing and holds, on the append-only tables (those guarded by ``audit_refuse_change()``,
migration audit 0002), ``SELECT`` and ``INSERT`` only: no ``UPDATE``, ``DELETE``, ``TRUNCATE``,
``REFERENCES`` or ``TRIGGER``. Everything else it needs is ordinary DML, given now and, through the
owner's default privileges, on every table and sequence a later migration creates.
``django_migrations`` is read-only to it, and chain heads cannot be deleted.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction

GUARD_FUNCTION = "audit_refuse_change"
READ_ONLY_TABLES = ("django_migrations",)
# Chain heads move on every append (UPDATE) but are never removed: a deleted head would break its chain.
NO_DELETE_TABLES = ("audit_auditchainhead",)
APP_TABLE_RIGHTS = "SELECT, INSERT, UPDATE, DELETE"
APPEND_ONLY_RIGHTS = "SELECT, INSERT"


class RoleError(Exception):
    """The role cannot be made the application role (it is too strong, or missing)."""


def _ident(cur, name: str) -> str:
    cur.execute("SELECT quote_ident(%s)", [name])
    return cur.fetchone()[0]


def guarded_tables(cur) -> list[str]:
    """The append-only tables: every table of this schema the guard trigger function protects."""
    cur.execute(
        """SELECT DISTINCT c.relname FROM pg_trigger t
           JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
           WHERE p.proname = %s AND NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace
           ORDER BY 1""",
        [GUARD_FUNCTION],
    )
    return [row[0] for row in cur.fetchall()]


def guard_problems(cur) -> list[str]:
    """What would let the guard be bypassed: a disabled trigger, a SECURITY DEFINER guard function."""
    cur.execute(
        """SELECT c.relname, t.tgname, t.tgenabled, p.prosecdef FROM pg_trigger t
           JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
           WHERE p.proname = %s AND NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace""",
        [GUARD_FUNCTION],
    )
    problems = []
    for table, trigger, enabled, definer in cur.fetchall():
        if enabled == "D":
            problems.append(f"trigger {trigger} on {table} is disabled")
        if definer:
            problems.append(f"{GUARD_FUNCTION}() is SECURITY DEFINER: it must run with the caller's rights")
    return sorted(set(problems))


def role_strength(cur, role: str) -> list[str]:
    """Why ``role`` is not fit to be the application role (empty when it is)."""
    cur.execute("SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles WHERE rolname = %s", [role])
    row = cur.fetchone()
    if row is None:
        return [f"role {role} does not exist"]
    reasons = [what for flag, what in zip(row, ("is a superuser", "may create roles", "may create databases",
                                                "bypasses row security")) if flag]
    cur.execute(
        """SELECT c.relname FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace
           AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND pg_has_role(%s, c.relowner, 'USAGE')
           ORDER BY 1 LIMIT 3""",
        [role],
    )
    owned = [r[0] for r in cur.fetchall()]
    if owned:
        reasons.append(f"owns (or is a member of the owner of) {', '.join(owned)}")
    cur.execute("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()")
    dba = cur.fetchone()[0]
    cur.execute("SELECT pg_has_role(%s, %s, 'MEMBER')", [role, dba])
    if cur.fetchone()[0]:
        reasons.append(f"is (or is a member of) the database owner {dba}")
    return reasons


def table_owner(cur) -> str:
    """The role that creates the tables (owner of ``django_migrations``): whose default privileges apply."""
    cur.execute("SELECT tableowner FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'django_migrations'")
    row = cur.fetchone()
    if row is None:
        raise RoleError("the database has no django_migrations table: run migrate first")
    return row[0]


def grant_app_role(connection, role: str) -> dict:
    """Give ``role`` exactly the application's rights. Idempotent; run as the owner or a superuser.

    Returns what was done: ``{"owner", "append_only", "tables"}``.
    """
    with transaction.atomic(using=connection.alias), connection.cursor() as cur:
        reasons = role_strength(cur, role)
        if reasons:
            raise RoleError(f"role {role} cannot be the application role: it " + "; it ".join(reasons))
        append_only = guarded_tables(cur)
        if not append_only:
            raise RoleError("no table is guarded by the audit trigger: run migrate first")
        problems = guard_problems(cur)
        if problems:
            raise RoleError("the audit guard is not in force: " + "; ".join(problems))
        owner = table_owner(cur)
        app, own = _ident(cur, role), _ident(cur, owner)
        cur.execute("SELECT quote_ident(current_database()), quote_ident(current_schema())")
        database, schema = cur.fetchone()
        statements = [
            # TEMPORARY: bulk imports stage rows in a temporary table (cases/imports/entries.py).
            f"GRANT CONNECT, TEMPORARY ON DATABASE {database} TO {app}",
            f"GRANT USAGE ON SCHEMA {schema} TO {app}",
            f"REVOKE CREATE ON SCHEMA {schema} FROM {app}",
            f"GRANT {APP_TABLE_RIGHTS} ON ALL TABLES IN SCHEMA {schema} TO {app}",
            f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA {schema} FROM {app}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {app}",
            # Tables and sequences later migrations create (as the owner) are the app's at once; a
            # new append-only table is narrowed below by the grant that follows every migrate.
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {own} IN SCHEMA {schema} GRANT {APP_TABLE_RIGHTS} ON TABLES TO {app}",
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {own} IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {app}",
        ]
        for table in READ_ONLY_TABLES:
            statements.append(f"REVOKE INSERT, UPDATE, DELETE ON {_ident(cur, table)} FROM {app}")
        for table in NO_DELETE_TABLES:
            statements.append(f"REVOKE DELETE ON {_ident(cur, table)} FROM {app}")
        for table in append_only:
            quoted = _ident(cur, table)
            statements += [f"REVOKE ALL ON {quoted} FROM PUBLIC", f"REVOKE ALL ON {quoted} FROM {app}",
                           f"GRANT {APPEND_ONLY_RIGHTS} ON {quoted} TO {app}"]
        for statement in statements:
            cur.execute(statement)
        cur.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")
        tables = cur.fetchone()[0]
    return {"owner": owner, "append_only": append_only, "tables": tables}


def owner_settings() -> dict | None:
    """The owner role's connection settings (``DATABASE_OWNER_URL``), or None when not configured."""
    return getattr(settings, "DATABASE_OWNER", None) or None


@contextmanager
def connected_as_owner(alias: str = DEFAULT_DB_ALIAS):
    """Connect ``alias`` as the owner role for the duration (migrations), then as before.

    Only the owner URL's user and password are taken: the database (host, port, name) stays the one
    ``alias`` names, so a test database being created, or a restored copy, is never swapped for
    another database by an owner URL left in the environment."""
    owner = owner_settings()
    connection = connections[alias]
    if not owner:
        yield connection
        return
    keys = ("USER", "PASSWORD")
    saved = {k: connection.settings_dict.get(k) for k in keys}
    connection.close()
    connection.settings_dict.update({k: owner.get(k, saved[k]) for k in keys})
    try:
        yield connection
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def application_role_name(alias: str = DEFAULT_DB_ALIAS) -> str:
    """The role the application connects as (``DATABASE_URL``'s user)."""
    return connections[alias].settings_dict.get("USER") or ""


def reach_over_audit(connection) -> list[str]:
    """What the connected role could do to the audit trail beyond reading and appending."""
    with connection.cursor() as cur:
        cur.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        user, superuser = cur.fetchone()
        if superuser:
            return [f"{user} is a superuser"]
        found = []
        for table in guarded_tables(cur):
            cur.execute("SELECT pg_has_role(current_user, relowner, 'USAGE') FROM pg_class "
                        "WHERE oid = (quote_ident(current_schema()) || '.' || quote_ident(%s))::regclass", [table])
            if cur.fetchone()[0]:
                found.append(f"{user} owns {table} (can disable its trigger)")
                continue
            for right in ("UPDATE", "DELETE", "TRUNCATE"):
                cur.execute("SELECT has_table_privilege(current_user, quote_ident(%s), %s)", [table, right])
                if cur.fetchone()[0]:
                    found.append(f"{user} may {right} {table}")
        return found
