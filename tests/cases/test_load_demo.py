import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from cases import demo
from cases.audit.models import AuditEvent
from cases.identifiers import validate_resident_id, validate_uscc
from cases.models import ListType, ListTypeMeasure, Measure, ProcedureRule, StaffProfile, Subject, Unit, UnitListRole

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """Load the demo once for the module, inside a transaction rolled back at the end; each test
    runs in a savepoint within it (loading takes a couple of seconds)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def _snapshot():
    models = [Unit, ListType, ListTypeMeasure, Measure, ProcedureRule, StaffProfile, Subject, UnitListRole,
              get_user_model(), AuditEvent]
    return {m._meta.label: m.objects.count() for m in models}


def test_demo_has_eight_to_twelve_units_with_their_routing_permission(loaded):
    units = list(Unit.objects.all())
    assert 8 <= len(units) <= 12
    for unit in units:
        assert unit.group is not None
        assert [p.codename for p in unit.group.permissions.all()] == [unit.permission_codename]
    lead = Unit.objects.get(code="ls-drc")
    assert lead.is_credit_lead_office and lead.document_prefix == "拉发改信用"
    assert Unit.objects.get(code="ls-platform").is_platform_window


def test_demo_has_every_staff_role_with_a_working_login(loaded):
    roles = set(StaffProfile.objects.values_list("role", flat=True))
    assert roles == set(StaffProfile.Role.values)
    for unit in Unit.objects.all():
        unit_roles = set(unit.staff.values_list("role", flat=True))
        assert {"OFFICER", "LEADER"} <= unit_roles, unit.code
    assert StaffProfile.objects.filter(unit__code="ls-tax", role="OFFICER").count() == 2
    assert StaffProfile.objects.filter(unit__code="ls-amr", role="OFFICER").count() == 2
    officer = get_user_model().objects.get(username="ls-amr-officer")
    assert officer.check_password(demo.DEMO_PASSWORD)
    # One hash of the one published password for every account (made once: 0.4 s each in production)
    hashes = set(get_user_model().objects.filter(staff__isnull=False).values_list("password", flat=True))
    assert len(hashes) == 1 and all(get_user_model()(password=h).check_password(demo.DEMO_PASSWORD) for h in hashes)
    assert officer.has_perm("cases.unit_ls-amr") and not officer.has_perm("cases.unit_ls-tax")
    province_auditor = StaffProfile.objects.get(user__username="xz-auditor")
    assert province_auditor.role == "AUDITOR" and province_auditor.scope_region.code == "540000"
    assert StaffProfile.objects.get(user__username="ls-auditor").scope_region.code == "540100"
    assert get_user_model().objects.get(username="demo-admin").is_staff


def test_demo_has_about_fifty_subjects_with_valid_codes(loaded):
    subjects = list(Subject.objects.all())
    assert 45 <= len(subjects) <= 60
    for subject in subjects:
        if subject.kind == Subject.Kind.NATURAL_PERSON:
            assert validate_resident_id(subject.identifier) == subject.identifier
        else:
            assert validate_uscc(subject.identifier) == subject.identifier
    kinds = {s.kind for s in subjects}
    assert kinds == set(Subject.Kind.values)
    assert 6 <= sum(s.kind == "NATURAL_PERSON" for s in subjects) <= 10
    assert all(s.identifier.startswith("92") for s in subjects if s.kind == "INDIVIDUAL_BUSINESS")
    assert any(s.identifier.startswith("5") for s in subjects)


def test_every_punishment_list_triggers_measures_of_several_implementing_units(loaded):
    for list_type in ListType.objects.exclude(kind=ListType.Kind.RED):
        implementers = Unit.objects.filter(implemented_measures__list_types=list_type).distinct()
        assert implementers.count() >= 2, list_type.code
        assert UnitListRole.objects.filter(list_type=list_type, role="LISTING").exists()
        assert UnitListRole.objects.filter(list_type=list_type, role="DATA_PROVIDING").exists()
        assert UnitListRole.objects.filter(list_type=list_type, role="CREDIT_LEAD").exists()
        implementing = set(
            UnitListRole.objects.filter(list_type=list_type, role="IMPLEMENTING").values_list("unit__code", flat=True)
        )
        assert implementing == set(implementers.values_list("code", flat=True))


def test_demo_has_list_types_of_every_kind(loaded):
    kinds = list(ListType.objects.values_list("kind", flat=True))
    assert {k: kinds.count(k) for k in set(kinds)}.keys() == {"RED", "SERIOUS", "FOCUS"}
    assert kinds.count("SERIOUS") >= 5
    assert ListType.objects.get(code="tax-serious").unit_roles.filter(role="LISTING", unit__code="ls-tax").exists()


def test_demo_loads_the_catalogue_and_the_rules(loaded):
    assert Measure.objects.count() == 36
    assert ProcedureRule.objects.filter(case_type="OBJECTION", step="verification", amount=20).exists()


def test_loading_the_demo_twice_creates_nothing_new(loaded):
    before = _snapshot()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert _snapshot() == before
    assert "nothing changed" in out.getvalue()


def test_load_demo_prints_the_logins():
    out = io.StringIO()
    call_command("load_demo", "--print-logins", stdout=out)
    text = out.getvalue()
    for username, *_rest in demo.STAFF:
        assert username in text
    assert demo.DEMO_PASSWORD in text
    assert "ls-amr-leader" in text


def test_demo_audits_what_it_creates(loaded):
    assert AuditEvent.objects.filter(action="unit.create").count() == Unit.objects.count()
    assert AuditEvent.objects.filter(action="staff.create").count() == StaffProfile.objects.count()
    assert AuditEvent.objects.filter(action="subject.register").count() == Subject.objects.count()
