"""As the application's database role, PostgreSQL itself refuses every way of rewriting the audit
trail: disabling or dropping its guard trigger, UPDATE, DELETE, TRUNCATE, taking the tables over.
Reading and appending through the services, and the ordinary work on the other tables, still work
(issue 17 item 6; docs/adr/0006-audit-out-of-reach.md).

The suite connects as a superuser; the test creates a NOLOGIN application role inside its own
transaction, grants it with ``db_grant_app_role`` and acts as it with ``SET ROLE``.
"""

import io

import pytest
from django.core.checks import run_checks
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from cases.audit.models import AuditAnchor, AuditChainHead, AuditEvent
from cases.audit.services import audit_anchor, audit_record
from cases.audit.verify import verify
from cases.models import Subject
from notifications.models import NotificationPreference
from cases.models import ImportJob
from tests.factories import SubjectFactory, UserFactory
from tests.imports.conftest import entry_row, submit, to_csv, tokens  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

APP_ROLE = "credit_app_under_test"


def _sql(statement, params=()):
    with connection.cursor() as cur:
        cur.execute(statement, params)
        return cur.fetchall() if cur.description else None


@pytest.fixture
def app_role():
    """The application role, granted by the command; rolled back with the test's transaction."""
    if not _sql("SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE]):
        _sql(f"CREATE ROLE {APP_ROLE} NOLOGIN")
    out = io.StringIO()
    call_command("db_grant_app_role", role=APP_ROLE, stdout=out)
    assert "audit_auditanchor, audit_auditevent append-only" in out.getvalue()
    return APP_ROLE


class acting_as:
    def __init__(self, role):
        self.role = role

    def __enter__(self):
        _sql(f"SET ROLE {self.role}")

    def __exit__(self, *exc):
        _sql("RESET ROLE")


def _refused(statement) -> str:
    """Run ``statement`` in a savepoint; return PostgreSQL's refusal (the test fails if there is none)."""
    with pytest.raises(DatabaseError) as caught:
        with transaction.atomic():
            _sql(statement)
    cause = caught.value.__cause__
    assert type(cause).__name__ == "InsufficientPrivilege", f"{statement}: {caught.value!r}"  # SQLSTATE 42501
    return str(caught.value)


def _some_history():
    for i in range(3):
        audit_record(action="test.step", chain="cases.subject:77", object_type="cases.subject", object_id=77,
                     to_state=f"S{i}", reason=f"第{i}步")
    return audit_anchor()


def test_the_application_role_cannot_disable_or_drop_the_guard_trigger(app_role):
    _some_history()
    with acting_as(app_role):
        for table in ("audit_auditevent", "audit_auditanchor"):
            assert "must be owner" in _refused(f"ALTER TABLE {table} DISABLE TRIGGER ALL")
            assert "must be owner" in _refused(f"ALTER TABLE {table} OWNER TO {app_role}")
        assert "must be owner" in _refused("DROP TRIGGER audit_event_append_only ON audit_auditevent")
        assert "permission denied for schema public" in _refused(
            "CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$")
        # Replication mode would skip every trigger: a superuser's setting.
        assert "permission denied" in _refused("SET session_replication_role = replica")


def test_the_application_role_cannot_update_delete_or_truncate_audit_rows(app_role):
    _some_history()
    with acting_as(app_role):
        for table in ("audit_auditevent", "audit_auditanchor"):
            # Refused by the privilege check, before the trigger is even asked.
            assert f"permission denied for table {table}" in _refused(f"UPDATE {table} SET hash = hash")
            assert f"permission denied for table {table}" in _refused(f"DELETE FROM {table}")
            # Even with the maintenance switch the test suite's flush uses.
            _sql("SET LOCAL credit.audit_maintenance = 'on'")
            assert f"permission denied for table {table}" in _refused(f"TRUNCATE {table}")
        assert "permission denied" in _refused("DELETE FROM audit_auditchainhead")
        assert "permission denied" in _refused("DELETE FROM django_migrations")
    assert AuditEvent.objects.filter(chain="cases.subject:77").count() == 3
    assert verify().ok


def test_the_application_role_reads_and_appends_through_the_services(app_role, settings):
    settings.PLATFORM_WEBHOOK_URL = ""
    with acting_as(app_role):
        anchor = _some_history()
        assert anchor is not None and AuditAnchor.objects.filter(pk=anchor.pk).exists()
        assert AuditChainHead.objects.get(chain="cases.subject:77").seq == 3
        report = verify()
    assert report.ok and report.events >= 3


def test_the_application_role_does_its_ordinary_work_on_the_other_tables(app_role):
    user = UserFactory()
    with acting_as(app_role):
        subject = SubjectFactory(name="甲公司")
        Subject.objects.filter(pk=subject.pk).update(name="乙公司")
        assert Subject.objects.get(pk=subject.pk).name == "乙公司"
        preference = NotificationPreference.objects.create(user=user)
        preference.delete()
        audit_record(action="test.step", obj=subject, reason="改名")


def test_a_bulk_import_runs_as_the_application_role(app_role, province, tokens, submit):  # noqa: F811
    """The heaviest writer: COPY into a temporary staging table, sequence ids, the batch's audit event."""
    with acting_as(app_role):
        response = submit(tokens["entries"], to_csv([entry_row(1, province["blacklist"].code),
                                                     entry_row(2, province["red"].code)]))
        assert response.status_code == 202, response.json()
        job = ImportJob.objects.get(pk=response.json()["id"])
        assert (job.state, job.created_count, job.error_count) == ("DONE", 2, 0)
        assert AuditEvent.objects.filter(action="import.batch").exists()
        assert verify().ok


def test_the_audit_guard_runs_with_the_callers_rights():
    assert _sql("SELECT prosecdef FROM pg_proc WHERE proname = 'audit_refuse_change'") == [(False,)]


def test_the_grant_refuses_a_role_that_could_rewrite_history():
    owner = connection.settings_dict["USER"]  # the suite's superuser, owner of every table
    with pytest.raises(CommandError, match="cannot be the application role: it is a superuser"):
        call_command("db_grant_app_role", role=owner)
    with pytest.raises(CommandError, match="does not exist"):
        call_command("db_grant_app_role", role="no_such_role_here")


def test_check_deploy_warns_when_the_application_connects_as_an_owner(app_role, settings):
    settings.AUDIT_ANCHOR_KEY = "a1" * 32
    warnings = {m.id: m.msg for m in run_checks(include_deployment_checks=True)}
    assert "audit.W002" not in warnings
    assert "audit.W001" in warnings and "CAN REWRITE THE AUDIT TRAIL" in warnings["audit.W001"]
    with acting_as(app_role):
        assert "audit.W001" not in {m.id for m in run_checks(include_deployment_checks=True)}


def test_check_deploy_warns_when_backups_cannot_sign_their_anchor_file(settings):
    for key in ("", "CHANGE-ME"):
        settings.AUDIT_ANCHOR_KEY = key
        assert "audit.W002" in {m.id for m in run_checks(include_deployment_checks=True)}
