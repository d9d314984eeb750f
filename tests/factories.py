"""factory_boy factories for the registry, shared by every test package.

Rows are created through the services, so they look exactly like production rows: a unit has
its group and its one routing permission, staff are in the right groups, subjects carry valid
codes and every creation is in the audit trail.

    unit = UnitFactory()                          # group "unit:<code>", permission "cases.unit_<code>"
    officer = OfficerFactory(unit=unit)           # a User; officer.staff is the StaffProfile
    auditor = AuditorFactory(unit=unit, scope_region=RegionFactory(code="540000"))
    company = SubjectFactory()                    # valid USCC (91…)
    person = NaturalPersonFactory()               # valid resident ID
    blacklist = ListTypeFactory(measures=[MeasureFactory(implementing_units=[unit])])

Codes are chosen so they never collide with the demo province (cases/demo.py): regions 65xxxx,
unit codes ``t-unit-N``, organisation codes ``T…``, measure codes ``T-…``.
"""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from cases.identifiers import make_resident_id, make_uscc
from cases.models import ListType, Measure, ProcedureRule, Region, StaffProfile, Subject, Unit
from cases.services.registry import (
    list_type_create,
    measure_create,
    procedure_rule_set,
    staff_create,
    unit_create,
)
from cases.services.subjects import subject_register

TEST_PASSWORD = "test-pass-2026"


class RegionFactory(factory.django.DjangoModelFactory):
    """A division; ``RegionFactory(code="540100", name="拉萨市")`` reuses an existing row."""

    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{650100 + n * 100:06d}")
    name = factory.Sequence(lambda n: f"测试市{n}")
    parent = None


class UnitFactory(factory.django.DjangoModelFactory):
    """A unit created by ``unit_create`` (group + routing permission)."""

    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"t-unit-{n}")
    name = factory.Sequence(lambda n: f"测试市第{n}局")
    short_name = factory.Sequence(lambda n: f"第{n}局")
    region = factory.SubFactory(RegionFactory)
    document_prefix = factory.Sequence(lambda n: f"测{n}")
    parent = None
    is_credit_lead_office = False
    is_platform_window = False

    class Params:
        credit_lead = factory.Trait(is_credit_lead_office=True)
        platform = factory.Trait(is_platform_window=True)

    @classmethod
    def _create(cls, model_class, *args, actor=None, **kwargs):
        return unit_create(actor=actor, **kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    """A bare user without a staff profile (e.g. an outsider)."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user-{n}")
    first_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password(TEST_PASSWORD)


class StaffFactory(factory.django.DjangoModelFactory):
    """A staff account created by ``staff_create``; returns the User (``user.staff`` is the profile).

    Log in with ``TEST_PASSWORD``. Officers and leaders hold their unit's routing permission;
    auditors and administrators do not.
    """

    class Meta:
        model = get_user_model()

    unit = factory.SubFactory(UnitFactory)
    username = factory.Sequence(lambda n: f"staff-{n}")
    password = TEST_PASSWORD
    role = StaffProfile.Role.OFFICER
    full_name = factory.Sequence(lambda n: f"职员{n}")
    scope_region = None
    email = ""

    @classmethod
    def _create(cls, model_class, *args, actor=None, **kwargs):
        return staff_create(actor=actor, **kwargs)


class OfficerFactory(StaffFactory):
    username = factory.Sequence(lambda n: f"officer-{n}")
    role = StaffProfile.Role.OFFICER


class LeaderFactory(StaffFactory):
    username = factory.Sequence(lambda n: f"leader-{n}")
    role = StaffProfile.Role.LEADER


class AuditorFactory(StaffFactory):
    """Scope defaults to the unit's region; pass ``scope_region`` for a wider one."""

    username = factory.Sequence(lambda n: f"auditor-{n}")
    role = StaffProfile.Role.AUDITOR


class AdministratorFactory(StaffFactory):
    username = factory.Sequence(lambda n: f"admin-{n}")
    role = StaffProfile.Role.ADMINISTRATOR


class SubjectFactory(factory.django.DjangoModelFactory):
    """A company (法人, USCC 91…) registered by ``subject_register``; codes are always valid.

    ``region_code`` (not a model field) sets positions 3-8 of the code; ``region`` is the FK.
    """

    kind = Subject.Kind.LEGAL_PERSON
    region_code = "540102"
    identifier = factory.LazyAttributeSequence(lambda o, n: make_uscc("91", o.region_code, f"T{n:07d}"))
    name = factory.Sequence(lambda n: f"拉萨测试{n}商贸有限公司")
    legal_representative = factory.Sequence(lambda n: f"法人{n}")
    region = None
    address = "拉萨市城关区测试路1号"

    class Meta:
        model = Subject
        exclude = ["region_code"]

    @classmethod
    def _create(cls, model_class, *args, actor=None, **kwargs):
        return subject_register(actor=actor, **kwargs)


class IndividualBusinessFactory(SubjectFactory):
    kind = Subject.Kind.INDIVIDUAL_BUSINESS
    identifier = factory.LazyAttributeSequence(lambda o, n: make_uscc("92", o.region_code, f"T{n:07d}"))
    name = factory.Sequence(lambda n: f"城关区测试{n}号商店")


class SocialOrganisationFactory(SubjectFactory):
    identifier = factory.LazyAttributeSequence(lambda o, n: make_uscc("51", o.region_code, f"T{n:07d}"))
    name = factory.Sequence(lambda n: f"拉萨市测试{n}协会")


class NaturalPersonFactory(SubjectFactory):
    """A natural person with a valid 居民身份证号 (one distinct birth date per instance)."""

    kind = Subject.Kind.NATURAL_PERSON
    identifier = factory.LazyAttributeSequence(
        lambda o, n: make_resident_id(o.region_code, dt.date(1960, 1, 1) + dt.timedelta(days=n), f"{n % 1000:03d}")
    )
    name = factory.Sequence(lambda n: f"测试人{n}")
    legal_representative = ""


class MeasureFactory(factory.django.DjangoModelFactory):
    """A mandatory class A punishment measure created by ``measure_create``.

    ``MeasureFactory(implementing_units=[unit_a, unit_b])`` names its implementing units.
    """

    class Meta:
        model = Measure

    code = factory.Sequence(lambda n: f"T-{n:04d}")
    title = factory.Sequence(lambda n: f"测试惩戒措施{n}")
    direction = Measure.Direction.PUNISHMENT
    category = Measure.Category.ADMINISTRATIVE
    legal_class = Measure.LegalClass.A
    mandatory = True
    legal_basis = "国发〔2016〕33号（十）"
    basis_status = Measure.BasisStatus.UNVERIFIED
    target = "主体"
    source_note = ""
    typical_implementers = ""
    implementing_units = ()

    class Params:
        recommended = factory.Trait(legal_class=Measure.LegalClass.B, mandatory=False,
                                    category=Measure.Category.MANAGEMENT)
        reward = factory.Trait(direction=Measure.Direction.REWARD, category=Measure.Category.INCENTIVE,
                               legal_class=Measure.LegalClass.B, mandatory=False,
                               title=factory.Sequence(lambda n: f"测试激励措施{n}"))

    @classmethod
    def _create(cls, model_class, *args, actor=None, **kwargs):
        return measure_create(actor=actor, **kwargs)


class ListTypeFactory(factory.django.DjangoModelFactory):
    """A blacklist-type list (SERIOUS, severe tier) created by ``list_type_create``.

    ``ListTypeFactory(measures=[...])`` sets the measures it triggers; traits ``red`` and ``focus``.
    Unit roles are separate: ``unit_assign_role(actor=None, unit=u, list_type=lt, role="LISTING")``.
    """

    class Meta:
        model = ListType

    code = factory.Sequence(lambda n: f"t-list-{n}")
    kind = ListType.Kind.SERIOUS
    name = factory.Sequence(lambda n: f"测试严重失信名单{n}")
    standard_document = "测试〔2026〕1号"
    standard_article = "第三条"
    validity_months = 36
    severity = ListType.Severity.SEVERE
    min_publication_months = 12
    max_publication_months = 36
    repair_excluded = False
    repair_exclusion_basis = ""
    measures = ()

    class Params:
        red = factory.Trait(kind=ListType.Kind.RED, name=factory.Sequence(lambda n: f"测试红名单{n}"), severity="",
                            min_publication_months=None, max_publication_months=None, validity_months=24)
        focus = factory.Trait(kind=ListType.Kind.FOCUS, name=factory.Sequence(lambda n: f"测试重点关注名单{n}"),
                              severity=ListType.Severity.GENERAL, min_publication_months=3,
                              max_publication_months=12, validity_months=12)

    @classmethod
    def _create(cls, model_class, *args, actor=None, **kwargs):
        return list_type_create(actor=actor, **kwargs)


class ProcedureRuleFactory(factory.django.DjangoModelFactory):
    """One deadline row set by ``procedure_rule_set`` (update-or-create on its key)."""

    class Meta:
        model = ProcedureRule

    case_type = ProcedureRule.CaseType.OBJECTION
    step = factory.Sequence(lambda n: f"test_step_{n}")
    amount = 5
    period_unit = ProcedureRule.PeriodUnit.WORKING_DAYS
    regime = ProcedureRule.DEFAULT_REGIME
    basis = "测试依据"
    description = "测试期限"
    effective_from = None

    @classmethod
    def _create(cls, model_class, *args, actor=None, **kwargs):
        return procedure_rule_set(actor=actor, **kwargs)
