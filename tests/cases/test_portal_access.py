"""Subjects see only their own cases (issue 7): by account only what the account filed, by number
only with the query code (throttled like the API), and every other way in is a plain 404."""

import pytest

from cases.models import ObjectionCase, RepairCase

from .test_portal_support import (  # noqa: F401
    PASSWORD, account, client_for, file_objection, file_repair, listed, other_account, portal_media,
)

pytestmark = pytest.mark.django_db


def test_an_account_sees_its_own_cases_and_another_account_sees_none_of_them(listed, account, other_account):
    filed = file_objection(client_for(account), listed)
    mine = client_for(account)
    assert filed["number"] in mine.get("/portal/my/").content.decode()
    assert mine.get(f"/portal/cases/{filed['number']}/").status_code == 200
    other = client_for(other_account)
    assert filed["number"] not in other.get("/portal/my/").content.decode()
    assert other.get(f"/portal/cases/{filed['number']}/").status_code == 404
    assert other.post(f"/portal/cases/{filed['number']}/chase-up/").status_code == 404
    assert other.post(f"/portal/cases/{filed['number']}/withdraw/", {"reason": "x"}).status_code == 404
    assert ObjectionCase.objects.get(number=filed["number"]).state == "SUBMITTED"


def test_a_visitor_needs_the_query_code_and_a_wrong_code_looks_like_a_wrong_number(listed):
    filed = file_objection(client_for(), listed)
    visitor = client_for()
    assert visitor.get(f"/portal/cases/{filed['number']}/").status_code == 404, "no code, no case"
    wrong = visitor.post("/portal/follow/", {"number": filed["number"], "code": "WRONG234"})
    unknown = visitor.post("/portal/follow/", {"number": "YY-2026-999999", "code": filed["code"]})
    assert wrong.status_code == unknown.status_code == 404
    assert "没有与该案件编号和查询码相符的案件" in wrong.content.decode()
    right = visitor.post("/portal/follow/", {"number": filed["number"].lower(), "code": filed["code"].lower()})
    assert right.status_code == 302 and right["Location"] == f"/portal/cases/{filed['number']}/"
    assert visitor.get(right["Location"]).status_code == 200


def test_guessing_numbers_and_ids_reveals_nothing(listed, account):
    filed = file_objection(client_for(account), listed)
    stranger = client_for()
    case = ObjectionCase.objects.get(number=filed["number"])
    for path in (f"/portal/cases/{case.number}/", f"/portal/cases/YY-2026-{case.pk + 1:06d}/",
                 f"/portal/cases/{case.pk}/", f"/portal/cases/{case.number}/letters/1/",
                 "/portal/cases/XF-2026-000001/"):
        assert stranger.get(path).status_code == 404, path


def test_guessing_query_codes_is_throttled_like_the_api(listed):
    filed = file_objection(client_for(), listed)
    visitor = client_for()
    codes = [visitor.post("/portal/follow/", {"number": filed["number"], "code": f"BAD{i:05d}"}).status_code
             for i in range(65)]
    assert 429 in codes
    # The budget is the public API's: the API refuses this address too.
    assert visitor.get(f"/api/v1/public/objections/{filed['number']}/", {"code": filed["code"]}).status_code == 429


def test_a_signed_in_account_is_throttled_too(listed, account):
    filed = file_objection(client_for(), listed)
    client = client_for(account)
    codes = [client.post("/portal/follow/", {"number": filed["number"], "code": f"BAD{i:05d}"}).status_code
             for i in range(65)]
    assert 429 in codes


def test_a_letter_of_another_case_cannot_be_downloaded_through_mine(listed, account, other_account,
                                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mine = file_repair(client_for(account), listed, commitment=False)  # issues the commitment form
    case = RepairCase.objects.get(number=mine["number"])
    from letters.models import Letter

    letter = Letter.objects.get(case_ref=case.number, letter_type="COMMITMENT")
    assert letter.status == Letter.Status.ISSUED, letter.failure_reason
    owner = client_for(account)
    response = owner.get(f"/portal/cases/{case.number}/letters/{letter.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client_for(other_account).get(f"/portal/cases/{case.number}/letters/{letter.pk}/").status_code == 404
    other_case = file_objection(client_for(other_account), listed)
    assert client_for(other_account).get(
        f"/portal/cases/{other_case['number']}/letters/{letter.pk}/").status_code == 404, "not a letter of that case"
