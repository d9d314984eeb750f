"""The status check's fast path (issue 21 item 1): two prepared statements per check, the catalogue
cached per process behind a version number, entries always read live, the token read live.

These requests carry a real ``Authorization: Token`` header (not ``force_authenticate``), so they
go through ``cases.api.authentication`` as a checking system's do.
"""

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.models import CatalogueVersion, ListTypeMeasure, MeasureImplementer
from cases.selectors import catalogue_cache
from cases.services import entries as svc
from cases.services.registry import measure_add_implementer, measure_upsert
from config import prepared
from tests.api.status_fixtures import listed, no_letter_production, world  # noqa: F401
from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db


def token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def check(client, code, query=""):
    response = client.get(f"/api/v1/status/{code}/{query}")
    assert response.status_code == 200, response.content
    return response.json()


def codes(measures):
    return [m["measure"] for m in measures]


def test_a_warm_check_sends_one_statement_token_and_subject_together(world):
    """The lean view reads the token's holder and the subject in one prepared statement; DRF's view
    (any request the lean view hands on, here one asking ``format=json``) in two."""
    listed(world)
    client = token_client(Token.objects.create(user=world["officer_a"]).key)
    check(client, world["subject"].identifier)  # prepares the statements, reads the catalogue
    with CaptureQueriesContext(connection) as queries:
        body = check(client, world["subject"].identifier)
    assert [q["sql"].split(" (")[0] for q in queries] == ["EXECUTE credit_status_check"]
    assert codes(body["measures"]["mandatory"]) == [world["mandatory"].code]
    assert codes(body["measures"]["recommended"]) == [world["recommended"].code]
    check(client, world["subject"].identifier, "?format=json")
    with CaptureQueriesContext(connection) as queries:
        full = check(client, world["subject"].identifier, "?format=json")
    assert [q["sql"].split(" (")[0] for q in queries] == [
        "EXECUTE credit_token_user", "EXECUTE credit_status_subject_now"]
    assert full == body


def test_an_unknown_token_with_the_one_statement_reads_nothing_it_shows(world):
    """The subject's rows read beside a token that names nobody are dropped: DRF's refusal, unchanged."""
    listed(world)
    response = token_client("0" * 40).get(f"/api/v1/status/{world['subject'].identifier}/")
    assert response.status_code == 403 and world["subject"].name not in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_suspension_committed_a_moment_ago_is_honoured_by_the_cached_fast_path(world, no_letter_production):
    entry = listed(world)
    client = token_client(Token.objects.create(user=world["officer_a"]).key)
    warm = check(client, world["subject"].identifier)
    assert codes(warm["measures"]["mandatory"]) == [world["mandatory"].code]
    version = catalogue_cache._cache.version
    assert version is not None and world["impl_a"].pk in catalogue_cache._cache.units  # the cache is in use

    svc.entry_suspend(actor=None, entry=entry, reason="异议核查中")  # its own transaction, committed

    body = check(client, world["subject"].identifier)
    assert body["measures"] == {"mandatory": [], "recommended": []}
    assert [(r["state"], r["suspended"]) for r in body["entries"]] == [("SUSPENDED", True)]
    assert catalogue_cache._cache.version == version, "the catalogue did not change: the cache was kept"


def test_a_measure_added_to_a_list_type_reaches_the_cache(world):
    listed(world)
    client = token_client(Token.objects.create(user=world["officer_a"]).key)
    assert codes(check(client, world["subject"].identifier)["measures"]["mandatory"]) == [world["mandatory"].code]
    added = MeasureFactory(implementing_units=[world["impl_a"]], code="ZZ-ADDED")
    added.mandatory = True
    added.save()
    # Linked by a plain insert, as the admin's inline saves it: the trigger sees every path.
    ListTypeMeasure.objects.create(list_type=world["blacklist"], measure=added)
    body = check(client, world["subject"].identifier)
    assert codes(body["measures"]["mandatory"]) == sorted([world["mandatory"].code, added.code])


def test_a_unit_named_or_dropped_as_implementer_reaches_the_cache(world):
    listed(world)
    client_b = token_client(Token.objects.create(user=world["officer_b"]).key)
    assert codes(check(client_b, world["subject"].identifier)["measures"]["recommended"]) == []
    measure_add_implementer(actor=None, measure=world["recommended"], unit=world["impl_b"])
    assert codes(check(client_b, world["subject"].identifier)["measures"]["recommended"]) == [world["recommended"].code]
    # Dropped the way the admin does it (a plain delete): the trigger sees every path.
    MeasureImplementer.objects.filter(measure=world["mandatory"], unit=world["impl_b"]).delete()
    body = check(client_b, world["subject"].identifier)
    assert body["measures"]["mandatory"] == [] and codes(body["measures"]["recommended"]) == [world["recommended"].code]


def test_a_measure_switched_off_or_edited_reaches_the_cache(world):
    listed(world)
    client = token_client(Token.objects.create(user=world["officer_a"]).key)
    check(client, world["subject"].identifier)
    measure_upsert(actor=None, code=world["mandatory"].code, title="新的措施名称")
    assert check(client, world["subject"].identifier)["measures"]["mandatory"][0]["title"] == "新的措施名称"
    type(world["recommended"]).objects.filter(pk=world["recommended"].pk).update(is_active=False)
    assert check(client, world["subject"].identifier)["measures"]["recommended"] == []


def test_every_catalogue_statement_changes_the_version_and_nothing_else_does(world):
    def version():
        return CatalogueVersion.objects.get().version

    before = version()
    listed(world)  # entries, periods, executions, audit: not the catalogue
    assert version() == before
    MeasureImplementer.objects.filter(unit=world["impl_a"]).update(unit=world["impl_a"])
    assert version() != before
    with connection.cursor() as cursor:
        current = version()
        cursor.execute("DELETE FROM cases_listtypemeasure WHERE false")  # even a statement that changes no row
        assert version() != current


@pytest.mark.parametrize("change", ["deleted", "rotated", "user deactivated"])
def test_a_revoked_or_rotated_token_stops_working_at_once(world, change):
    officer = world["officer_a"]
    token = Token.objects.create(user=officer)
    client = token_client(token.key)
    check(client, world["subject"].identifier)
    if change == "deleted":
        token.delete()
    elif change == "rotated":
        token.delete()
        fresh = Token.objects.create(user=officer)
        assert check(token_client(fresh.key), world["subject"].identifier)["unit"]["code"] == world["impl_a"].code
    else:
        officer.is_active = False
        officer.save(update_fields=["is_active"])
    refused = client.get(f"/api/v1/status/{world['subject'].identifier}/")
    # The same refusal as any other endpoint's DRF token authentication gives (session first: 403).
    elsewhere = client.get("/api/v1/units/")
    assert refused.status_code == elsewhere.status_code == 403
    assert refused.json() == elsewhere.json()
    assert refused.json()["code"] == "authentication_failed"


def test_a_moved_staff_member_answers_for_the_new_unit_at_once(world):
    client = token_client(Token.objects.create(user=world["officer_a"]).key)
    assert check(client, world["subject"].identifier)["unit"]["code"] == world["impl_a"].code
    staff = world["officer_a"].staff
    staff.unit = world["impl_b"]
    staff.save(update_fields=["unit"])
    assert check(client, world["subject"].identifier)["unit"]["code"] == world["impl_b"].code


def test_a_token_of_a_user_without_staff_profile_is_refused_by_the_permission(world):
    client = token_client(Token.objects.create(user=world["nobody"]).key)
    assert client.get(f"/api/v1/status/{world['subject'].identifier}/").status_code == 403


def test_without_prepared_statements_the_answer_is_the_same(world, settings):
    listed(world)
    client = token_client(Token.objects.create(user=world["officer_a"]).key)
    prepared_answer = check(client, world["subject"].identifier)
    settings.DB_PREPARED_STATEMENTS = False  # behind PgBouncer in transaction mode (docs/scaling.md)
    with CaptureQueriesContext(connection) as queries:
        plain_answer = check(client, world["subject"].identifier)
    assert not any(q["sql"].startswith(("PREPARE", "EXECUTE")) for q in queries)
    assert plain_answer == prepared_answer


@pytest.mark.django_db(transaction=True)
def test_a_connection_killed_between_requests_is_replaced_without_a_health_check_query():
    """What CONN_HEALTH_CHECKS's SELECT 1 was for: the first statement finds the dead connection,
    and outside a transaction it is replaced and the statement run again."""
    version = catalogue_cache.current_version()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()
    assert prepared.run_first(catalogue_cache.VERSION) == [(version,)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid
