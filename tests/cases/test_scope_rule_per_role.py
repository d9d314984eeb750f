"""One scope rule (issue 20 item 3, domain.md Actors): what each kind of person sees of one listed
entry, the objection on it, its measure executions, its letters and its open task, through the API
(the doors that answer) and which units ``cases.selectors.scope`` says they read.

The province: a listing unit and two implementing units in a city, a third implementing unit in
another city, the city's credit lead office (``tests/api/status_fixtures.py``)."""

import pytest
from rest_framework.test import APIClient

from cases.selectors.scope import staff_of, supervised_units
from tests.api.status_fixtures import accepted_objection_case, world  # noqa: F401
from tests.factories import AuditorFactory, RegionFactory, UnitFactory

pytestmark = pytest.mark.django_db

CITY_UNITS = {"listing", "impl_a", "impl_b", "outsider_unit", "lead"}
ALL = {"impl_a", "impl_b", "impl_far"}
# who: (sees the entry, sees the objection, the implementing units of the executions listed,
#       sees the letters, opens the listing unit's task, the units the scope rule gives)
EXPECTED = {
    # officers and leaders: their unit's work and what its part gives
    "officer": (True, True, set(), True, True, {"listing"}),
    "leader": (True, True, set(), True, True, {"listing"}),
    "officer_a": (True, False, {"impl_a"}, True, False, {"impl_a"}),
    "officer_far": (True, False, {"impl_far"}, True, False, {"impl_far"}),
    "outsider": (False, False, set(), False, False, {"outsider_unit"}),
    # the credit lead office: the cases of its region; tasks reach it only when escalated
    "lead_officer": (True, True, ALL, True, False, CITY_UNITS),
    # auditors: everything of their scope region (the city by default, or the province)
    "auditor": (True, True, ALL, True, True, CITY_UNITS),
    "province_auditor": (True, True, ALL, True, True, CITY_UNITS | {"impl_far"}),
    "far_auditor": (False, False, set(), False, False, None),
}


@pytest.fixture
def seen(world):  # noqa: F811
    ids = accepted_objection_case(world)
    far = RegionFactory()
    world["far_auditor"] = AuditorFactory(unit=UnitFactory(region=far), scope_region=far)
    return ids


def _rows(client, path):
    response = client.get(path)
    assert response.status_code == 200, (path, response.json())
    return response.json()["results"]


def test_each_kind_of_person_sees_what_the_one_scope_rule_gives(world, seen):  # noqa: F811
    code_of = {world[name].pk: name for name in ("listing", "impl_a", "impl_b", "impl_far", "outsider_unit", "lead")}
    answers = {}
    for who in EXPECTED:
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        client.force_authenticate(world[who])
        entries = {row["id"] for row in _rows(client, "/api/v1/entries/")}
        objections = {row["id"] for row in _rows(client, "/api/v1/objections/")}
        executions = {row["unit"] for row in _rows(client, "/api/v1/executions/")}
        letters = _rows(client, "/api/v1/letters/")
        task = client.get(f"/api/v1/tasks/{seen['task']}/").status_code
        # what is listed opens, and what is not listed does not
        assert (client.get(f"/api/v1/entries/{seen['entry']}/").status_code == 200) == (seen["entry"] in entries), who
        assert (client.get(f"/api/v1/objections/{seen['objection']}/").status_code == 200) == (
            seen["objection"] in objections), who
        units = {code_of.get(u.pk, u.code) for u in supervised_units(user=world[who])}
        answers[who] = (seen["entry"] in entries, seen["objection"] in objections,
                        {name for name in ALL if world[name].code in executions}, bool(letters), task == 200,
                        units if who != "far_auditor" else None)
        assert task in (200, 403), (who, task)
    assert answers == EXPECTED


def test_nobody_who_is_not_staff_sees_anything(world, seen):  # noqa: F811
    assert staff_of(world["nobody"]) is None and staff_of(None) is None
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(world["nobody"])
    for path in ("/api/v1/entries/", "/api/v1/objections/", "/api/v1/executions/", "/api/v1/letters/"):
        response = client.get(path)  # refused at the door, or (letters) an empty list
        assert response.status_code == 403 or (response.status_code == 200 and response.json()["results"] == []), path
    assert client.get(f"/api/v1/tasks/{seen['task']}/").status_code == 403
