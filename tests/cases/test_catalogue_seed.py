import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from cases.audit.models import AuditEvent
from cases.catalogue_seed import MEASURES
from cases.models import Measure, ProcedureRule
from cases.rules_seed import RULES
from cases.services.registry import catalogue_seed

pytestmark = pytest.mark.django_db

EXPECTED_CODES = (
    [f"P-ADM-{i:02d}" for i in range(1, 16)]
    + [f"P-MGT-{i:02d}" for i in range(1, 7)]
    + ["P-MKT-01", "P-MKT-02", "P-MKT-03", "P-IND-01", "P-SOC-01"]
    + [f"R-{i:02d}" for i in range(1, 11)]
)

EXPECTED_RULES = {
    ("LIST_ENTRY", "prior_notice_response"): (5, "WORKING_DAYS"),
    ("LIST_ENTRY", "decision_recording"): (3, "WORKING_DAYS"),
    ("LIST_ENTRY", "publication"): (7, "WORKING_DAYS"),
    ("LIST_ENTRY", "remedy_reconsideration"): (60, "CALENDAR_DAYS"),
    ("LIST_ENTRY", "remedy_litigation"): (6, "MONTHS"),
    ("LIST_ENTRY", "reminder_1"): (3, "WORKING_DAYS"),
    ("LIST_ENTRY", "reminder_2"): (1, "WORKING_DAYS"),
    ("MEASURE", "feedback"): (1, "MONTHS"),
    ("MEASURE", "reminder_1"): (3, "WORKING_DAYS"),
    ("OBJECTION", "acceptance"): (2, "WORKING_DAYS"),
    ("OBJECTION", "supplement_window"): (10, "WORKING_DAYS"),
    ("OBJECTION", "verification"): (20, "CALENDAR_DAYS"),
    ("OBJECTION", "reminder_1"): (3, "WORKING_DAYS"),
    ("OBJECTION", "reminder_2"): (1, "WORKING_DAYS"),
    ("REPAIR", "acceptance"): (3, "WORKING_DAYS"),
    ("REPAIR", "decision"): (10, "WORKING_DAYS"),
    ("REPAIR", "extension"): (10, "WORKING_DAYS"),
    ("REPAIR", "repeat_offence_bar"): (36, "MONTHS"),
    ("REPAIR", "repeat_offence_window"): (36, "MONTHS"),
    ("REPAIR", "supplement_window"): (10, "WORKING_DAYS"),
    ("REPAIR", "reminder_1"): (3, "WORKING_DAYS"),
    ("REPAIR", "reminder_2"): (1, "WORKING_DAYS"),
    ("REPAIR", "min_publication_minor"): (0, "MONTHS"),
    ("REPAIR", "min_publication_general"): (3, "MONTHS"),
    ("REPAIR", "max_publication_general"): (12, "MONTHS"),
    ("REPAIR", "min_publication_severe"): (12, "MONTHS"),
    ("REPAIR", "max_publication_severe"): (36, "MONTHS"),
}


@pytest.fixture
def seeded():
    call_command("seed_catalogue", verbosity=0)


def test_every_catalogue_row_of_the_measures_list_is_seeded(seeded):
    assert sorted(Measure.objects.values_list("code", flat=True)) == sorted(EXPECTED_CODES)


def test_no_seeded_legal_basis_is_marked_verified(seeded):
    assert Measure.objects.count() == 36
    assert not Measure.objects.filter(legal_basis_verified=True).exists()
    assert not Measure.objects.filter(legal_basis="").exists()


def test_class_c_measures_are_recommended_and_class_a_mandatory(seeded):
    assert set(Measure.objects.filter(legal_class="C").values_list("code", flat=True)) == {
        "P-MKT-01", "P-MKT-02", "P-MKT-03", "P-IND-01", "P-SOC-01"
    }
    assert not Measure.objects.filter(legal_class="C", mandatory=True).exists()
    assert not Measure.objects.filter(legal_class="B", mandatory=True).exists()
    assert Measure.objects.filter(legal_class="A").count() == Measure.objects.filter(mandatory=True).count() == 15


def test_a_mandatory_class_c_measure_is_refused_by_the_database(seeded):
    measure = Measure.objects.get(code="P-MKT-01")
    measure.mandatory = True
    with pytest.raises(IntegrityError), transaction.atomic():
        measure.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        Measure.objects.create(
            code="X-C-01", title="行业协会强制惩戒", direction="PUNISHMENT", category="INDUSTRY", legal_class="C",
            mandatory=True, legal_basis="无", basis_status="LOCAL_ONLY", target="主体",
        )


def test_categories_directions_and_source_status_follow_the_list(seeded):
    by_code = {m.code: m for m in Measure.objects.all()}
    assert by_code["P-ADM-01"].category == "ADMINISTRATIVE" and by_code["P-ADM-01"].basis_status == "VERIFIED"
    assert by_code["P-MGT-01"].category == "MANAGEMENT" and by_code["P-MGT-01"].basis_status == "UNVERIFIED"
    assert by_code["P-MKT-03"].category == "MARKET" and by_code["P-MKT-03"].basis_status == "LOCAL_ONLY"
    assert by_code["P-IND-01"].category == "INDUSTRY"
    assert by_code["P-SOC-01"].category == "SOCIAL"
    rewards = [m for c, m in by_code.items() if c.startswith("R-")]
    assert all(m.direction == "REWARD" and m.category == "INCENTIVE" and m.legal_class == "B" for m in rewards)
    assert all(m.basis_status == "LOCAL_ONLY" for m in rewards)
    punishments = [m for c, m in by_code.items() if c.startswith("P-")]
    assert all(m.direction == "PUNISHMENT" for m in punishments)
    assert "《行政许可法》第78、79条" in by_code["P-ADM-01"].legal_basis
    assert by_code["P-ADM-06"].typical_implementers.startswith("人民法院")


def test_social_constraint_is_catalogued_but_not_pushable(seeded):
    assert not Measure.objects.get(code="P-SOC-01").is_active
    assert Measure.objects.filter(is_active=True).count() == 35


def test_rules_exist_for_every_deadline_of_the_procedure(seeded):
    rules = {(r.case_type, r.step): (r.amount, r.period_unit) for r in ProcedureRule.objects.filter(regime="default")}
    assert rules == EXPECTED_RULES
    assert all(r.basis for r in ProcedureRule.objects.all())


def test_objection_verification_rule_cites_the_tibet_clause(seeded):
    rule = ProcedureRule.objects.get(case_type="OBJECTION", step="verification")
    assert "20日内" in rule.basis and "十八" in rule.basis


def test_seeding_twice_changes_nothing(seeded):
    events = AuditEvent.objects.count()
    snapshot = list(Measure.objects.order_by("code").values()) + list(ProcedureRule.objects.order_by("pk").values())
    counts = catalogue_seed(actor=None)
    assert counts == {"measures_created": 0, "measures_updated": 0, "rules_created": 0, "rules_updated": 0}
    assert AuditEvent.objects.count() == events
    assert list(Measure.objects.order_by("code").values()) + list(ProcedureRule.objects.order_by("pk").values()) == snapshot


def test_reseeding_restores_seed_values_but_keeps_a_reviewers_confirmation(seeded):
    measure = Measure.objects.get(code="P-ADM-05")
    Measure.objects.filter(pk=measure.pk).update(title="被改动的标题", legal_basis_verified=True)
    catalogue_seed(actor=None)
    measure.refresh_from_db()
    assert measure.title == next(m["title"] for m in MEASURES if m["code"] == "P-ADM-05")
    assert measure.legal_basis_verified
    event = AuditEvent.objects.filter(action="measure.update", object_id=str(measure.pk)).get()
    assert event.changes == {"title": ["被改动的标题", measure.title]}


def test_a_changed_legal_basis_is_unverified_again(seeded):
    Measure.objects.filter(code="P-ADM-05").update(legal_basis="旧依据", legal_basis_verified=True)
    catalogue_seed(actor=None)
    measure = Measure.objects.get(code="P-ADM-05")
    assert not measure.legal_basis_verified
    assert measure.legal_basis == "《公司法》（2023修订）第178条"


def test_missing_only_keeps_an_administrators_edit_of_a_rule(seeded):
    ProcedureRule.objects.filter(case_type="OBJECTION", step="acceptance").update(amount=4)
    call_command("seed_catalogue", "--missing-only", verbosity=0)
    assert ProcedureRule.objects.get(case_type="OBJECTION", step="acceptance").amount == 4
    call_command("seed_catalogue", verbosity=0)
    assert ProcedureRule.objects.get(case_type="OBJECTION", step="acceptance").amount == 2


def test_seed_data_lists_every_rule_once():
    keys = [(r["case_type"], r["step"], r["regime"]) for r in RULES]
    assert len(keys) == len(set(keys)) == len(EXPECTED_RULES)
    assert len({m["code"] for m in MEASURES}) == len(MEASURES) == len(EXPECTED_CODES)
