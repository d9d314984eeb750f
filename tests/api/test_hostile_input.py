"""Input that once answered 500 is a 400 with the documented JSON error (issue 17, item 1): a NUL
character in a filter, and a JSON body that is not an object, on the public follow-up endpoints
and the officers' ones, whether or not the case number exists."""

import json

import pytest
from rest_framework.test import APIClient

from tests.factories import OfficerFactory, UnitFactory

pytestmark = pytest.mark.django_db

PUBLIC_WRITES = [
    "/api/v1/public/objections/YY-2026-000001/withdraw/",
    "/api/v1/public/objections/YY-2026-000001/chase-up/",
    "/api/v1/public/objections/YY-2026-000001/supplement/",
    "/api/v1/public/repairs/XF-2026-000001/withdraw/",
    "/api/v1/public/repairs/XF-2026-000001/chase-up/",
    "/api/v1/public/repairs/XF-2026-000001/material/",
]


@pytest.mark.parametrize("url", PUBLIC_WRITES)
@pytest.mark.parametrize("body", ["1", '"x"', "[]", "null"])
def test_a_body_that_is_not_an_object_is_a_400(url, body):
    response = APIClient(HTTP_ACCEPT_LANGUAGE="en").post(url, data=body, content_type="application/json")
    assert response.status_code == 400, (url, body, response.content[:300])
    assert response.json()["code"] == "parse_error" and "JSON object" in response.json()["message"]


@pytest.fixture
def officer_api():
    client = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_authenticate(OfficerFactory(unit=UnitFactory()))
    return client


@pytest.mark.parametrize("url,param", [
    ("/api/v1/subjects/", "search"),
    ("/api/v1/letters/", "case_chain"),
    ("/api/v1/tasks/", "search"),
    ("/api/v1/public/entries/", "q"),
])
def test_a_nul_character_in_a_filter_is_a_400_naming_the_field(officer_api, url, param):
    response = officer_api.get(url, {param: "abc\x00def"})
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["fields"][param][0]["code"] == "null_character" and "NUL" in body["fields"][param][0]["message"]


def test_a_nul_character_on_a_page_is_our_400_page():
    from django.test import Client

    response = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/public/", {"q": "a\x00b"})
    assert response.status_code == 400 and 'data-status="400"' in response.content.decode()


def test_a_nul_inside_a_json_body_is_a_400_and_nothing_is_written(officer_api):
    from cases.identifiers import make_uscc
    from cases.models import Subject

    body = json.dumps({"kind": "LEGAL_PERSON", "identifier": make_uscc("91", "540102", "MA6T0001"), "name": "a\u0000b"})
    response = officer_api.post("/api/v1/subjects/", data=body, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert response.json()["fields"]["name"][0]["code"] == "null_characters_not_allowed"
    assert not Subject.objects.filter(name__startswith="a").exists()
