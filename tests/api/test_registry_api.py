"""Looking subjects up, reading the registry, and who may call the staff API."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from cases.models import Subject

pytestmark = pytest.mark.django_db


@pytest.fixture
def subject(db):
    return Subject.objects.create(
        kind="LEGAL_PERSON", identifier_type="USCC", identifier="91110000802100433B", name="北京某某有限公司"
    )


def test_lookup_by_identifier_returns_the_subject_and_its_names(api, subject):
    response = api.get("/api/v1/subjects/91110000802100433b/")
    assert response.status_code == 200
    assert response.json()["name"] == "北京某某有限公司"


def test_lookup_of_a_malformed_identifier_is_a_field_error_not_a_404(api):
    response = api.get("/api/v1/subjects/91110000802100433A/")
    assert response.status_code == 400
    assert response.json()["fields"]["identifier"][0]["code"] == "uscc_check"


def test_lookup_of_an_unknown_valid_identifier_is_404(api):
    response = api.get("/api/v1/subjects/91350100M000100Y43/")
    assert response.status_code == 404
    assert response.json()["code"] == "subject_not_found"


def test_search_by_name_fragment_is_paginated(api, subject):
    body = api.get("/api/v1/subjects/", {"search": "某某"}).json()
    assert body["count"] == 1 and body["results"][0]["identifier"] == subject.identifier
    assert body["count_capped"] is False


def test_a_search_matching_more_than_the_cap_says_at_least_the_cap(api, monkeypatch):
    from cases.selectors.paging import RegistryPaginator

    for code in ("91110000802100433B", "91350100M000100Y43", "91110108551385082Q"):
        Subject.objects.create(kind="LEGAL_PERSON", identifier_type="USCC", identifier=code, name=f"北京{code[-4:]}建材有限公司")
    monkeypatch.setattr(RegistryPaginator, "cap", 2)
    body = api.get("/api/v1/subjects/", {"search": "建材", "page_size": 1}).json()
    assert (body["count"], body["count_capped"], len(body["results"])) == (2, True, 1)
    assert "page=2" in body["next"]
    assert api.get("/api/v1/subjects/", {"search": "建材", "page_size": 1, "page": 3}).status_code == 404  # past the cap
    monkeypatch.setattr(RegistryPaginator, "cap", 3)
    body = api.get("/api/v1/subjects/", {"search": "建材"}).json()
    assert (body["count"], body["count_capped"]) == (3, False)
    assert [s["identifier"] for s in body["results"]] == sorted(s["identifier"] for s in body["results"])


def test_past_the_cap_the_registry_pages_in_registration_order(api, monkeypatch):
    """Past the cap the pages list the cap's worth of matches the search met first, in registration
    order, from the same one statement that counts (cases.selectors.paging): no second walk, and the
    same window on every page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.selectors.paging import RegistryPaginator

    codes = ("91350100M000100Y43", "91110108551385082Q", "91110000802100433B")  # registered out of code order
    for code in codes:
        Subject.objects.create(kind="LEGAL_PERSON", identifier_type="USCC", identifier=code, name=f"北京{code[-4:]}建材有限公司")
    monkeypatch.setattr(RegistryPaginator, "cap", 2)
    with CaptureQueriesContext(connection) as captured:
        body = api.get("/api/v1/subjects/", {"search": "建材", "page_size": 1}).json()
    assert body["count_capped"] is True
    assert [s["identifier"] for s in body["results"]] == [codes[0]]
    [statement] = [q["sql"] for q in captured.captured_queries if "建材" in q["sql"]]
    assert statement.lstrip().startswith("WITH") and "THEN NULL ELSE m.o0 END ASC, m.pk" in statement
    second = api.get("/api/v1/subjects/", {"search": "建材", "page_size": 1, "page": 2}).json()
    assert [s["identifier"] for s in second["results"]] == [codes[1]]
    assert second["next"] is None  # the cap's worth: the third match is not shown


def test_anonymous_callers_are_refused(subject):
    response = APIClient().get("/api/v1/subjects/")
    assert response.status_code in (401, 403)
    assert response.json()["code"] in ("not_authenticated", "authentication_failed")


def test_a_signed_in_user_without_a_unit_is_refused(subject):
    client = APIClient()
    client.force_authenticate(get_user_model().objects.create_user("outsider"))
    assert client.get("/api/v1/subjects/").status_code == 403


def test_auditors_read_but_cannot_register(auditor, subject):
    client = APIClient()
    client.force_authenticate(auditor)
    assert client.get("/api/v1/subjects/").status_code == 200
    response = client.post(
        "/api/v1/subjects/", {"kind": "LEGAL_PERSON", "identifier": "91350100M000100Y43", "name": "x"}, format="json"
    )
    assert response.status_code == 403
    assert not Subject.objects.filter(identifier="91350100M000100Y43").exists()


def test_token_authentication_works(officer):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=officer)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/v1/units/").status_code == 200


def test_units_list_types_and_measures_are_readable(api, unit):
    units = api.get("/api/v1/units/").json()
    assert [u["code"] for u in units] == ["ls-amr"]
    assert api.get("/api/v1/list-types/").status_code == 200
    assert api.get("/api/v1/measures/", {"mandatory": "true"}).status_code == 200


def test_openapi_schema_and_docs_are_served(client):
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


def test_unknown_method_gets_the_error_format(api):
    response = api.delete("/api/v1/units/")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_token_authentication_loads_the_staff_profile_with_the_token(officer, django_assert_max_num_queries):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    token = Token.objects.create(user=officer)
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/v1/tasks/").status_code == 200
    with django_assert_max_num_queries(3):  # token+user+staff+unit, the page's count and rows
        client.get("/api/v1/tasks/")
    assert APIClient(HTTP_AUTHORIZATION="Token nope").get("/api/v1/tasks/").status_code in (401, 403)
