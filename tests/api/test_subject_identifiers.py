"""Subjects are registered only with valid identifiers; a bad one is a field error naming the fix."""

import pytest

from cases.identifiers import USCC_CHARSET, make_resident_id, org_code_check_character, uscc_check_character
from cases.models import Subject

pytestmark = pytest.mark.django_db

VALID = [
    ("LEGAL_PERSON", "91110000802100433B"),
    ("LEGAL_PERSON", "91350100M000100Y43"),
    ("NATURAL_PERSON", "11010519491231002X"),
]


def register(api, kind, identifier, name="测试主体", **headers):
    return api.post("/api/v1/subjects/", {"kind": kind, "identifier": identifier, "name": name}, format="json", **headers)


@pytest.mark.parametrize("kind,identifier", VALID)
def test_valid_identifiers_are_accepted(api, kind, identifier):
    response = register(api, kind, identifier)
    assert response.status_code == 201, response.json()
    assert response.json()["identifier"] == identifier
    assert Subject.objects.filter(identifier=identifier).exists()


def _one_character_changed(code, alphabet):
    for i, c in enumerate(code):
        replacement = next(a for a in alphabet if a != c)
        yield i, code[:i] + replacement + code[i + 1:]


@pytest.mark.parametrize("kind,identifier", VALID)
def test_every_single_character_change_is_refused_and_nothing_is_stored(api, kind, identifier):
    alphabet = "0123456789X" if kind == "NATURAL_PERSON" else USCC_CHARSET
    for position, wrong in _one_character_changed(identifier, alphabet):
        response = register(api, kind, wrong)
        assert response.status_code == 400, (position, wrong, response.json())
        body = response.json()
        assert body["code"] == "validation_error"
        assert list(body["fields"]) == ["identifier"], body
    assert Subject.objects.count() == 0


def test_wrong_check_character_error_names_the_expected_one_in_chinese(api):
    body = register(api, "LEGAL_PERSON", "91110000802100433A").json()
    error = body["fields"]["identifier"][0]
    assert error["code"] == "uscc_check"
    assert "“B”" in error["message"] and "校验" in error["message"]
    assert body["expected"] == "B"


def test_messages_are_english_on_request(api):
    body = register(api, "LEGAL_PERSON", "91110000802100433A", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["message"] == "Some fields are not valid."
    assert body["fields"]["identifier"][0]["message"].startswith("The check character (character 18) is wrong")


def test_bad_birth_date_is_refused():
    import datetime as dt  # noqa: F401  (the date below does not exist, so build the code by hand)
    from cases.identifiers import resident_id_check_character

    first17 = "11010519490230002"  # 30 February
    code = first17 + resident_id_check_character(first17)
    from rest_framework.test import APIClient  # noqa: F401

    from cases.services.subjects import validate_identifier
    from cases.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as err:
        validate_identifier("NATURAL_PERSON", code)
    assert err.value.fields["identifier"][0][0] == "resident_id_birth_date"


def test_bad_birth_date_is_a_field_error_over_http(api):
    from cases.identifiers import resident_id_check_character

    first17 = "11010520991301002"  # month 13
    response = register(api, "NATURAL_PERSON", first17 + resident_id_check_character(first17))
    assert response.status_code == 400
    assert response.json()["fields"]["identifier"][0]["code"] == "resident_id_birth_date"


def test_future_birth_date_is_refused(api):
    import datetime as dt

    code = make_resident_id("110105", dt.date.today() + dt.timedelta(days=30), "002")
    response = register(api, "NATURAL_PERSON", code)
    assert response.json()["fields"]["identifier"][0]["code"] == "resident_id_birth_date"


def test_bad_organisation_code_inside_a_uscc_is_refused_even_with_a_matching_outer_check(api):
    good = "91350100M000100Y43"
    org_body, org_check = good[8:16], good[16]
    wrong_org_check = next(c for c in "0123456789X" if c != org_check)
    first17 = good[:16] + wrong_org_check
    forged = first17 + uscc_check_character(first17)  # outer GB 32100 check recomputed to match
    assert org_code_check_character(org_body) == org_check
    response = register(api, "LEGAL_PERSON", forged)
    assert response.status_code == 400
    error = response.json()["fields"]["identifier"][0]
    assert error["code"] == "org_code_check"
    assert f"“{org_check}”" in error["message"]


def test_one_subject_per_identifier(api):
    assert register(api, "LEGAL_PERSON", "91110000802100433B").status_code == 201
    response = register(api, "LEGAL_PERSON", "91110000802100433b", name="另一个名字")
    assert response.status_code == 409
    assert response.json()["code"] == "subject_exists"
    assert Subject.objects.count() == 1


def test_kind_must_match_the_identifier_type(api):
    response = register(api, "NATURAL_PERSON", "91110000802100433B")
    assert response.status_code == 400
    assert "identifier" in response.json()["fields"]


def test_missing_fields_are_reported_per_field_in_chinese(api):
    response = api.post("/api/v1/subjects/", {}, format="json")
    body = response.json()
    assert response.status_code == 400
    assert set(body["fields"]) == {"kind", "identifier", "name"}
    assert body["fields"]["name"][0]["code"] == "required"
    assert body["fields"]["name"][0]["message"] == "该字段是必填项。"


def test_registration_is_audited(api, officer):
    from cases.audit.models import AuditEvent

    subject_id = register(api, "LEGAL_PERSON", "91110000802100433B").json()["id"]
    event = AuditEvent.objects.get(chain=f"cases.subject:{subject_id}")
    assert event.action == "subject.register"
    assert event.actor == officer and event.actor_unit == officer.staff.unit
    assert event.changes["identifier"] == [None, "91110000802100433B"]
