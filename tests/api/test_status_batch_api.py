"""应查必查 in bulk: POST /api/v1/status/batch/ — up to 1,000 codes for tender and grant screening."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.identifiers import make_uscc
from cases.services import entries as svc
from tests.api.status_fixtures import api_for, backdate_history, listed, world  # noqa: F401
from tests.factories import NaturalPersonFactory, SubjectFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/status/batch/"


def unknown_codes(n):
    return [make_uscc("91", "630100", f"W{i:07d}") for i in range(n)]


def batch(user, identifiers, **extra):
    return api_for(user).post(URL, {"identifiers": identifiers, **extra}, format="json")


def test_each_code_is_answered_in_order_and_a_bad_code_fails_only_its_item(world):
    entry = listed(world)
    good = world["subject"].identifier
    bad = good[:-1] + ("A" if good[-1] != "A" else "B")
    [stranger] = unknown_codes(1)
    response = batch(world["officer_a"], [good, bad, stranger, "", good.lower()])
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["input"] for r in results] == [good, bad, stranger, "", good.lower()]
    assert [r["valid"] for r in results] == [True, False, True, False, True]
    assert results[0]["listed"] is True and results[0]["entries"][0]["id"] == entry.pk
    assert [m["measure"] for m in results[0]["measures"]["mandatory"]] == [world["mandatory"].code]
    assert results[1]["errors"][0]["code"] == "uscc_check"
    assert results[2]["listed"] is False and results[2]["subject"] is None
    assert results[3]["errors"][0]["code"] == "uscc_length"
    assert results[4]["identifier"] == good and results[4]["listed"] is True


def test_more_than_1000_codes_is_a_field_error(world):
    response = batch(world["officer_a"], unknown_codes(1001))
    assert response.status_code == 400
    body = response.json()
    assert list(body["fields"]) == ["identifiers"]
    assert body["fields"]["identifiers"][0]["code"] == "max_length"


def test_exactly_1000_codes_are_answered(world):
    response = batch(world["officer_a"], unknown_codes(1000))
    assert response.status_code == 200
    assert len(response.json()["results"]) == 1000


def test_an_empty_or_missing_list_is_a_field_error(world):
    assert list(batch(world["officer_a"], []).json()["fields"]) == ["identifiers"]
    response = api_for(world["officer_a"]).post(URL, {}, format="json")
    assert response.status_code == 400 and list(response.json()["fields"]) == ["identifiers"]


def test_the_number_of_queries_does_not_grow_with_the_batch(world, django_assert_max_num_queries):
    listed(world)
    client = api_for(world["officer_a"])

    def count(identifiers):
        with CaptureQueriesContext(connection) as queries:
            assert client.post(URL, {"identifiers": identifiers}, format="json").status_code == 200
        return len(queries)

    count([world["subject"].identifier])  # reads the catalogue into the process's cache (catalogue_cache)
    small = count([world["subject"].identifier])
    many = [SubjectFactory() for _ in range(12)] + [NaturalPersonFactory() for _ in range(3)]
    for subject in many:
        listed(world, subject=subject)
    svc.entry_suspend(actor=None, entry=many[0].list_entries.get(), reason="异议")
    codes = [world["subject"].identifier] + [s.identifier for s in many] + unknown_codes(1000 - 1 - len(many))
    large = count(codes)
    assert large == small
    with django_assert_max_num_queries(6):
        response = client.post(URL, {"identifiers": codes}, format="json")
    results = response.json()["results"]
    assert sum(r["listed"] for r in results) == 1 + len(many)
    assert results[1]["entries"][0]["suspended"] is True and results[1]["measures"]["mandatory"] == []
    assert all(r["measures"]["mandatory"] for r in results[2:1 + len(many)])
    as_of = timezone.localdate().isoformat()
    with django_assert_max_num_queries(6):
        assert client.post(URL, {"identifiers": codes, "as_of": as_of}, format="json").status_code == 200


def test_as_of_applies_to_the_whole_batch(world):
    entry = listed(world)
    backdate_history(entry, days=10)
    svc.entry_suspend(actor=None, entry=entry, reason="异议核查中")
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    then = batch(world["officer_a"], [world["subject"].identifier], as_of=yesterday).json()
    assert then["as_of"] == yesterday
    assert [m["measure"] for m in then["results"][0]["measures"]["mandatory"]] == [world["mandatory"].code]
    now = batch(world["officer_a"], [world["subject"].identifier]).json()
    assert now["results"][0]["measures"]["mandatory"] == []
    assert batch(world["officer_a"], [world["subject"].identifier], as_of="03/01/2026").status_code == 400


def test_auditors_may_screen_a_batch_but_non_staff_may_not(world):
    listed(world)
    response = batch(world["auditor"], [world["subject"].identifier], unit=world["impl_b"].code)
    assert response.status_code == 200
    assert response.json()["unit"]["code"] == world["impl_b"].code
    assert response.json()["results"][0]["listed"] is True
    assert batch(world["nobody"], [world["subject"].identifier]).status_code == 403
