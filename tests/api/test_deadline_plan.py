"""GET /api/v1/deadlines/: the due date and its computation for any trigger date of a rule."""

import pytest
from rest_framework.test import APIClient

from cases.services.registry import catalogue_seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules(db):
    catalogue_seed(update_existing=False)


def plan(**params):
    return APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/api/v1/deadlines/", params)


def test_the_verification_due_date_for_any_trigger_date(rules):
    body = plan(rule="OBJECTION/verification", start="2026-09-13").json()
    # 13 September + 20 days = 3 October, inside the National Day holiday: Thursday 8 October.
    assert body["due"] == "2026-10-08" and body["provisional"] is False
    assert body["computation"]["shifted"] and body["basis"]
    later = plan(rule="OBJECTION/verification", start="2026-12-20").json()
    assert later["due"] == "2027-01-11" and later["provisional"] is True


def test_a_pause_moves_the_date(rules):
    paused = APIClient().get("/api/v1/deadlines/", {"rule": "OBJECTION/acceptance", "start": "2026-09-07",
                                                    "pause": ["2026-09-08..2026-09-10"]}).json()
    plain = plan(rule="OBJECTION/acceptance", start="2026-09-07").json()
    assert paused["computation"]["paused_days"] == 2 and paused["due"] > plain["due"]
    still = APIClient().get("/api/v1/deadlines/", {"rule": "OBJECTION/acceptance", "start": "2026-09-07",
                                                   "pause": ["2026-09-08.."]}).json()
    assert still["due"] is None and still["computation"]["state"] == "paused"


@pytest.mark.parametrize("params,field", [
    ({"rule": "nonsense", "start": "2026-09-13"}, "rule"),
    ({"rule": "NOPE/verification", "start": "2026-09-13"}, "rule"),
    ({"rule": "OBJECTION/verification", "start": "13/09/2026"}, "start"),
    ({"rule": "OBJECTION/verification", "start": "2026-09-13", "pause": "x"}, "pause"),
])
def test_bad_questions_are_field_errors(rules, params, field):
    response = plan(**params)
    assert response.status_code == 400 and field in response.json()["fields"], response.json()


def test_an_unknown_step_is_a_field_error_not_a_500(rules):
    response = plan(rule="OBJECTION/no_such_step", start="2026-09-13")
    assert response.status_code == 400
    assert response.json()["fields"]["rule"][0]["code"] == "procedure_rule_missing"
