"""Permission is decided before validation (issue 17): a write on a case or task the caller may not
act on answers 403 or 404 whatever the body, empty or malformed, never 400 ``validation_error``
(which would tell an outsider which fields the endpoint wants and that the object exists). The
units' own staff still get the field errors."""

import pytest
from rest_framework.test import APIClient

from tests.api.status_fixtures import accepted_objection_case, world  # noqa: F401

pytestmark = pytest.mark.django_db

BODIES = [{}, {"reason": ""}, {"days": "many", "materials": "x", "assignee": 7, "removal_reason": "NOPE"}]


@pytest.fixture
def cases(world):  # noqa: F811
    return accepted_objection_case(world)


def writes(c):
    return [
        f"/api/v1/entries/{c['entry']}/withdraw/",
        f"/api/v1/entries/{c['entry']}/remove/",
        f"/api/v1/entries/{c['entry']}/correct/",
        f"/api/v1/objections/{c['objection']}/supplement-request/",
        f"/api/v1/objections/{c['objection']}/extend/",
        f"/api/v1/tasks/{c['task']}/reassign/",
        f"/api/v1/tasks/{c['task']}/complete/",
    ]


def client_of(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("who", ["outsider", "officer_a", "officer_far", "lead_officer"])
def test_a_write_by_a_unit_that_may_not_act_is_refused_before_its_body_is_read(world, cases, who):  # noqa: F811
    client = client_of(world[who])
    answers = {}
    for url in writes(cases):
        for body in BODIES:
            response = client.post(url, body, format="json")
            answers[(url, str(body))] = (response.status_code, response.json()["code"])
    assert {key: answer for key, answer in answers.items() if answer[0] not in (403, 404)} == {}
    assert not any(code == "validation_error" for _status, code in answers.values())


def test_the_responsible_unit_still_gets_the_field_errors(world, cases):  # noqa: F811
    client = client_of(world["officer"])
    response = client.post(f"/api/v1/entries/{cases['entry']}/withdraw/", {}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["fields"]
    response = client.post(f"/api/v1/objections/{cases['objection']}/supplement-request/", {}, format="json")
    assert response.status_code in (400, 403), response.json()  # accepting unit's rule, or the materials


def test_an_id_beyond_any_id_is_a_404_not_a_500(world, cases):  # noqa: F811
    client = client_of(world["officer"])
    for url in ("/api/v1/entries/99999999999999999999/", "/api/v1/objections/99999999999999999999/",
                "/api/v1/letters/99999999999999999999/"):
        response = client.get(url)
        assert response.status_code == 404, (url, response.status_code)
        assert response.json()["code"] in ("not_found", "entry_not_found", "objection_not_found")
    response = client.post("/api/v1/entries/99999999999999999999/withdraw/", {}, format="json")
    assert response.status_code == 404
