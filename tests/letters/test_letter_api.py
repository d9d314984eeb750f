"""The letters API: scoped lists and reads, and a retry for failed letters."""

import pytest
from rest_framework.test import APIClient

from cases.models import StaffProfile
from letter_tools import make_staff
from letters import rendering
from letters.models import Letter

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(officer):
    client = APIClient()
    client.force_authenticate(officer)
    return client


def test_list_shows_the_units_letters_of_a_case_with_verification_links(issue, api):
    letter = issue("LISTING_DECISION", case_chain="cases.listentry:8")
    issue("PRIOR_NOTICE", case_chain="cases.listentry:9")

    body = api.get("/api/v1/letters/", {"case_chain": "cases.listentry:8"}).json()

    assert [row["document_number"] for row in body["results"]] == [letter.document_number]
    row = body["results"][0]
    assert row["status"] == "ISSUED" and row["sha256"] == letter.sha256
    assert row["verify_url"].endswith(f"/letters/verify/{letter.public_token}/")
    assert row["pdf_url"] == f"/letters/{letter.pk}/pdf/"


def test_other_units_letters_are_not_found(issue, other_unit):
    letter = issue("LISTING_DECISION")
    client = APIClient()
    client.force_authenticate(make_staff(other_unit, "stranger", StaffProfile.Role.OFFICER))

    assert client.get(f"/api/v1/letters/{letter.pk}/").status_code == 404
    assert client.get("/api/v1/letters/").json()["results"] == []


def test_retry_of_a_failed_letter_through_the_api(issue, api, monkeypatch, django_capture_on_commit_callbacks):
    real = rendering.render_letter
    monkeypatch.setattr(rendering, "render_letter", lambda letter: (_ for _ in ()).throw(OSError("boom")))
    letter = issue("LISTING_DECISION")
    monkeypatch.setattr(rendering, "render_letter", real)

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/v1/letters/{letter.pk}/retry/")

    assert response.status_code == 200
    letter.refresh_from_db()
    assert letter.status == Letter.Status.ISSUED


def test_retry_of_an_issued_letter_is_a_conflict(issue, api):
    letter = issue("LISTING_DECISION")

    response = api.post(f"/api/v1/letters/{letter.pk}/retry/")

    assert response.status_code == 409 and response.json()["code"] == "conflict"
