import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from cases.audit.models import AuditEvent
from cases.audit.services import audit_type
from cases.errors import Conflict, ValidationFailed
from cases.models import ProcedureRule, StaffProfile, Unit, UnitListRole
from cases.services.registry import procedure_rule_set, staff_create, unit_assign_role, unit_create, unit_remove_role
from tests.factories import (
    AdministratorFactory,
    AuditorFactory,
    LeaderFactory,
    ListTypeFactory,
    MeasureFactory,
    NaturalPersonFactory,
    OfficerFactory,
    RegionFactory,
    SubjectFactory,
    UnitFactory,
)

# Counts every row of the audit trail or the rules: without the session's seeded catalogue.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pristine_database")]


def _events(action, obj):
    return AuditEvent.objects.filter(action=action, object_type=audit_type(obj), object_id=str(obj.pk))


def test_unit_create_gives_the_unit_exactly_one_permission_held_by_its_group():
    region = RegionFactory(code="540100", name="拉萨市")
    unit = unit_create(
        actor=None, code="ls-amr", name="拉萨市市场监督管理局", short_name="拉萨市市场监管局",
        region=region, document_prefix="拉市监",
    )
    unit_type = ContentType.objects.get_for_model(Unit)
    permissions = Permission.objects.filter(content_type=unit_type, codename__startswith="unit_")
    assert list(permissions.values_list("codename", flat=True)) == ["unit_ls-amr"]
    assert unit.group.name == "unit:ls-amr"
    assert list(unit.group.permissions.all()) == list(permissions)
    assert unit.permission_name == "cases.unit_ls-amr"


def test_each_unit_has_its_own_permission():
    first, second = UnitFactory(), UnitFactory()
    assert first.group.permissions.get() != second.group.permissions.get()
    assert Permission.objects.filter(content_type=ContentType.objects.get_for_model(Unit)).count() == 2


def test_unit_create_refuses_a_duplicate_code():
    unit = UnitFactory()
    with pytest.raises(Conflict):
        UnitFactory(code=unit.code)
    assert Group.objects.filter(name=f"unit:{unit.code}").count() == 1


def test_unit_create_refuses_a_code_that_is_not_a_slug():
    with pytest.raises(ValidationFailed) as err:
        UnitFactory(code="拉萨 市监")
    assert "code" in err.value.fields


def test_unit_create_is_audited_with_its_group_and_permission():
    actor = AdministratorFactory()
    unit = UnitFactory(actor=actor, code="ls-tax")
    event = _events("unit.create", unit).get()
    assert event.actor == actor
    assert event.actor_unit == actor.staff.unit
    assert event.changes["permission"] == [None, "cases.unit_ls-tax"]
    assert event.changes["group"] == [None, "unit:ls-tax"]


def test_an_officer_holds_the_permission_of_their_unit_and_not_of_another():
    unit, other_unit = UnitFactory(), UnitFactory()
    officer = staff_create(
        actor=None, unit=unit, username="ls-amr-officer", password="demo-pass-2026",
        role=StaffProfile.Role.OFFICER, full_name="扎西顿珠",
    )
    other_officer = OfficerFactory(unit=other_unit)
    assert unit.group in officer.groups.all()
    assert officer.has_perm(unit.permission_name)
    assert not other_officer.has_perm(unit.permission_name)
    assert not officer.has_perm(other_unit.permission_name)
    assert officer.staff.unit == unit
    assert officer.get_full_name() == "扎西顿珠"
    assert officer.check_password("demo-pass-2026")


def test_a_leader_works_the_unit_queue_too():
    leader = LeaderFactory()
    assert leader.has_perm(leader.staff.unit.permission_name)


def test_an_auditor_holds_no_permission_and_reads_within_the_unit_region_by_default():
    auditor = AuditorFactory()
    assert auditor.get_all_permissions() == set()
    assert not auditor.groups.exists()
    assert not auditor.is_staff
    assert auditor.staff.scope_region == auditor.staff.unit.region


def test_an_auditor_can_be_given_a_wider_scope():
    province = RegionFactory(code="540000", name="西藏自治区")
    auditor = AuditorFactory(scope_region=province)
    assert auditor.staff.scope_region == province


def test_an_administrator_uses_the_admin_but_does_not_work_case_queues():
    administrator = AdministratorFactory()
    assert administrator.is_staff
    assert not administrator.is_superuser
    assert not administrator.has_perm(administrator.staff.unit.permission_name)


def test_staff_create_is_audited():
    officer = OfficerFactory()
    event = _events("staff.create", officer).get()
    assert event.changes["role"] == [None, "OFFICER"]
    assert event.changes["unit"] == [None, officer.staff.unit.code]
    assert event.changes["groups"] == [None, [officer.staff.unit.group.name]]
    assert "password" not in str(event.changes)


def test_staff_create_refuses_a_taken_username_and_a_weak_password():
    officer = OfficerFactory()
    with pytest.raises(Conflict):
        OfficerFactory(username=officer.username)
    with pytest.raises(ValidationFailed) as err:
        OfficerFactory(password="123")
    assert "password" in err.value.fields


def test_staff_create_refuses_an_unknown_role():
    with pytest.raises(ValidationFailed) as err:
        OfficerFactory(role="JANITOR")
    assert "role" in err.value.fields


def test_unit_roles_are_assigned_once_and_removed_with_an_audit_event():
    unit, list_type = UnitFactory(), ListTypeFactory()
    unit_assign_role(actor=None, unit=unit, list_type=list_type, role=UnitListRole.Role.LISTING)
    unit_assign_role(actor=None, unit=unit, list_type=list_type, role=UnitListRole.Role.LISTING)
    assert UnitListRole.objects.filter(unit=unit, list_type=list_type).count() == 1
    assert _events("unit.role_assign", unit).count() == 1

    assert unit_remove_role(actor=None, unit=unit, list_type=list_type, role=UnitListRole.Role.LISTING, reason="调整")
    assert not UnitListRole.objects.filter(unit=unit).exists()
    assert _events("unit.role_remove", unit).get().reason == "调整"


def test_procedure_rule_set_updates_in_place_and_audits_old_to_new():
    rule = procedure_rule_set(
        actor=None, case_type="OBJECTION", step="verification", amount=20, period_unit="CALENDAR_DAYS",
        basis="西藏2017（十八）", description="核实期限",
    )
    again = procedure_rule_set(
        actor=None, case_type="OBJECTION", step="verification", amount=15, period_unit="WORKING_DAYS",
        basis="西藏2017（十八）", description="核实期限",
    )
    assert again.pk == rule.pk
    assert ProcedureRule.objects.filter(step="verification").count() == 1
    update = _events("procedure_rule.update", rule).get()
    assert update.changes["amount"] == [20, 15]
    assert update.changes["period_unit"] == ["CALENDAR_DAYS", "WORKING_DAYS"]


def test_procedure_rule_set_with_the_same_values_writes_nothing():
    kwargs = dict(actor=None, case_type="REPAIR", step="acceptance", amount=3, period_unit="WORKING_DAYS",
                  basis="domain.md §4", description="受理")
    rule = procedure_rule_set(**kwargs)
    procedure_rule_set(**kwargs)
    # The rules moved to the deadlines app; their chain keeps its name (audit_label).
    assert AuditEvent.objects.filter(object_type="cases.procedurerule", object_id=str(rule.pk)).count() == 1


def test_a_class_c_measure_cannot_be_created_mandatory():
    with pytest.raises(ValidationFailed) as err:
        MeasureFactory(legal_class="C", mandatory=True, category="MARKET")
    assert "mandatory" in err.value.fields


def test_factories_make_valid_subjects_of_every_kind():
    from cases.identifiers import validate_resident_id, validate_uscc

    company, person = SubjectFactory(), NaturalPersonFactory()
    assert validate_uscc(company.identifier) == company.identifier
    assert validate_resident_id(person.identifier) == person.identifier
    assert person.identifier_type == "RESIDENT_ID"
