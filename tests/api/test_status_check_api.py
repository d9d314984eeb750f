"""应查必查: GET /api/v1/status/{code}/ — which measures must my unit apply to this subject, now or as of T."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from cases.audit.models import AuditEvent
from cases.services import entries as svc
from tests.api.status_fixtures import api_for, backdate_history, listed, no_letter_production, world  # noqa: F401

pytestmark = pytest.mark.django_db


def status(user, code, **params):
    return api_for(user).get(f"/api/v1/status/{code}/", params)


def codes(measures):
    return [m["measure"] for m in measures]


def test_an_implementing_unit_gets_its_measures_mandatory_and_recommended_with_legal_basis(world):
    entry = listed(world)
    response = status(world["officer_a"], world["subject"].identifier)
    assert response.status_code == 200
    body = response.json()
    assert body["listed"] is True
    assert body["subject"] == {"identifier": world["subject"].identifier, "name": world["subject"].name,
                               "kind": "LEGAL_PERSON"}
    assert body["unit"]["code"] == world["impl_a"].code and body["as_of"] is None
    [row] = body["entries"]
    assert (row["id"], row["state"], row["suspended"]) == (entry.pk, "ACTIVE", False)
    assert row["list_type"]["code"] == world["blacklist"].code
    assert row["listing_unit"]["code"] == world["listing"].code
    assert codes(body["measures"]["mandatory"]) == [world["mandatory"].code]
    assert codes(body["measures"]["recommended"]) == [world["recommended"].code]
    mandatory = body["measures"]["mandatory"][0]
    assert mandatory["legal_basis"] == world["mandatory"].legal_basis
    assert mandatory["legal_basis_verified"] is False
    assert mandatory["entries"] == [entry.pk] and mandatory["list_types"] == [world["blacklist"].code]


def test_another_unit_gets_only_its_own_measures(world):
    listed(world)
    body_b = status(world["officer_b"], world["subject"].identifier).json()
    assert codes(body_b["measures"]["mandatory"]) == [world["mandatory"].code]
    assert body_b["measures"]["recommended"] == []
    body_out = status(world["outsider"], world["subject"].identifier).json()
    # The outsider's unit implements nothing here: the subject is listed, nothing is due from it.
    assert body_out["listed"] is True and len(body_out["entries"]) == 1
    assert body_out["measures"] == {"mandatory": [], "recommended": []}


@pytest.mark.django_db(transaction=True)
def test_after_a_suspension_commits_the_very_next_request_lists_no_measures(world, no_letter_production):
    entry = listed(world)
    officer = world["officer_a"]
    assert codes(status(officer, world["subject"].identifier).json()["measures"]["mandatory"]) == [world["mandatory"].code]
    svc.entry_suspend(actor=None, entry=entry, reason="异议核查中")  # its own transaction, committed
    body = status(officer, world["subject"].identifier).json()
    assert body["measures"] == {"mandatory": [], "recommended": []}
    [row] = body["entries"]
    assert (row["state"], row["suspended"]) == ("SUSPENDED", True)
    assert body["listed"] is True


def test_as_of_a_date_before_the_suspension_still_lists_the_measures(world):
    entry = listed(world)
    backdate_history(entry, days=10)  # listed ten days ago
    svc.entry_suspend(actor=None, entry=entry, reason="异议核查中")  # suspended today
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    before = status(world["officer_a"], world["subject"].identifier, as_of=yesterday).json()
    assert before["as_of"] == yesterday
    assert [r["state"] for r in before["entries"]] == ["ACTIVE"]
    assert codes(before["measures"]["mandatory"]) == [world["mandatory"].code]
    assert codes(before["measures"]["recommended"]) == [world["recommended"].code]
    today = status(world["officer_a"], world["subject"].identifier, as_of=timezone.localdate().isoformat()).json()
    assert [r["state"] for r in today["entries"]] == ["SUSPENDED"]
    assert today["measures"] == {"mandatory": [], "recommended": []}
    long_ago = status(world["officer_a"], world["subject"].identifier, as_of="2020-01-01").json()
    assert long_ago["listed"] is False and long_ago["entries"] == []


def test_a_removed_entry_leaves_the_answer_but_stays_in_the_history(world):
    entry = listed(world)
    backdate_history(entry, days=10)
    svc.entry_remove(actor=None, entry=entry, removal_reason="REPAIRED", reason="信用修复")
    now = status(world["officer_b"], world["subject"].identifier).json()
    assert now["listed"] is False and now["entries"] == [] and now["measures"]["mandatory"] == []
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    then = status(world["officer_b"], world["subject"].identifier, as_of=yesterday).json()
    assert codes(then["measures"]["mandatory"]) == [world["mandatory"].code]


def test_a_red_list_subject_gets_the_reward_measures_of_the_unit(world):
    listed(world, list_type=world["red"])
    body = status(world["officer_b"], world["subject"].identifier).json()
    assert body["entries"][0]["list_type"]["kind"] == "RED"
    assert codes(body["measures"]["recommended"]) == [world["reward"].code]
    assert body["measures"]["recommended"][0]["direction"] == "REWARD"


def test_an_unknown_subject_is_simply_not_listed(world):
    from cases.identifiers import make_uscc

    code = make_uscc("91", "630100", "W0000001")
    response = status(world["officer_a"], code)
    assert response.status_code == 200
    assert response.json() == {
        "identifier": code, "subject": None, "listed": False, "entries": [],
        "measures": {"mandatory": [], "recommended": []}, "as_of": None,
        "unit": {"code": world["impl_a"].code, "name": world["impl_a"].name},
    }


def test_a_natural_persons_id_number_is_checked_too(world):
    listed(world, subject=world["person"])
    body = status(world["officer_a"], world["person"].identifier.lower()).json()
    assert body["identifier"] == world["person"].identifier
    assert body["subject"]["kind"] == "NATURAL_PERSON" and body["listed"] is True


def test_a_malformed_code_is_a_field_error(world):
    good = world["subject"].identifier
    bad = good[:-1] + ("A" if good[-1] != "A" else "B")
    response = status(world["officer_a"], bad)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["fields"]["identifier"][0]["code"] == "uscc_check"


@pytest.mark.parametrize("as_of", ["2026-13-01", "yesterday", "2026/03/01"])
def test_a_bad_as_of_is_a_field_error(world, as_of):
    response = status(world["officer_a"], world["subject"].identifier, as_of=as_of)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["as_of"]


def test_as_of_cannot_be_in_the_future(world):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = status(world["officer_a"], world["subject"].identifier, as_of=tomorrow)
    assert response.status_code == 400
    assert response.json()["fields"]["as_of"][0]["code"] == "as_of_future"


def test_auditors_may_ask_and_name_a_unit_they_supervise(world):
    listed(world)
    own = status(world["auditor"], world["subject"].identifier).json()
    assert own["listed"] is True and own["measures"]["mandatory"] == []  # the auditor's unit implements nothing
    on_behalf = status(world["auditor"], world["subject"].identifier, unit=world["impl_a"].code).json()
    assert on_behalf["unit"]["code"] == world["impl_a"].code
    assert codes(on_behalf["measures"]["mandatory"]) == [world["mandatory"].code]
    # impl_far is in another city: outside this auditor's scope.
    far = status(world["auditor"], world["subject"].identifier, unit=world["impl_far"].code)
    assert far.status_code == 403 and far.json()["code"] == "unit_out_of_scope"


def test_an_officer_may_not_ask_for_another_unit(world):
    response = status(world["officer_b"], world["subject"].identifier, unit=world["impl_a"].code)
    assert response.status_code == 403


def test_non_staff_are_refused(world):
    assert status(world["nobody"], world["subject"].identifier).status_code == 403
    assert APIClient().get(f"/api/v1/status/{world['subject'].identifier}/").status_code in (401, 403)


def test_the_status_check_records_nothing(world):
    listed(world)
    before = AuditEvent.objects.count()
    status(world["officer_a"], world["subject"].identifier)
    status(world["officer_a"], world["subject"].identifier, as_of="2026-03-01")
    assert AuditEvent.objects.count() == before


def test_state_labels_and_errors_in_english_with_accept_language(world):
    entry = listed(world)
    svc.entry_suspend(actor=None, entry=entry, reason="异议核查中")
    client = api_for(world["officer_a"])
    zh = client.get(f"/api/v1/status/{world['subject'].identifier}/").json()
    assert zh["entries"][0]["state_label"] == "暂停（异议处理中）"
    en = client.get(f"/api/v1/status/{world['subject'].identifier}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert en["entries"][0]["state_label"] == "suspended (objection being verified)"
    error = client.get("/api/v1/status/91630100MA0000000X/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert error["message"] == "Some fields are not valid."


def test_the_lean_response_has_exactly_the_documented_shape(world):
    """The view returns the selector's values without a serializer (hot path); rendering the same
    answer through the documented StatusCheckSerializer must give the same JSON, field for field."""
    import json

    from rest_framework.renderers import JSONRenderer

    from cases.api.status import StatusBatchSerializer, StatusCheckSerializer
    from cases.selectors.status import subjects_status

    listed(world)
    officer, code = world["officer_a"], world["subject"].identifier
    body = status(officer, code).json()
    answer = subjects_status(user=officer, codes=[code], unit=world["impl_a"])[code]
    documented = StatusCheckSerializer({"identifier": code, "as_of": None,
                                        "unit": {"code": world["impl_a"].code, "name": world["impl_a"].name},
                                        **answer}).data
    assert body == json.loads(JSONRenderer().render(documented))
    assert body["entries"][0]["published_at"].endswith("+08:00")

    batch = api_for(officer).post("/api/v1/status/batch/", {"identifiers": [code, "bad"]}, format="json").json()
    documented = StatusBatchSerializer({"as_of": None, "unit": body["unit"], "results": batch["results"]}).data
    assert batch == json.loads(JSONRenderer().render(documented))
