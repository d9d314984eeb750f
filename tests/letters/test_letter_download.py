"""Downloads: officers and leaders of the issuing unit, auditors in scope; nobody else."""

import pytest

from cases.models import StaffProfile
from letter_tools import make_staff, make_unit, pdf_bytes
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db


def _get(client, user, letter):
    if user is not None:
        client.force_login(user)
    return client.get(f"/letters/{letter.pk}/pdf/")


def test_officer_of_the_issuing_unit_downloads_the_signed_pdf(issue, client, officer):
    letter = issue("LISTING_DECISION")

    response = _get(client, officer, letter)

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == pdf_bytes(letter)
    assert "attachment" in response["Content-Disposition"]


def test_leader_and_auditor_in_scope_download(issue, client, unit, region):
    letter = issue("LISTING_DECISION")
    leader = make_staff(unit, "leader", StaffProfile.Role.LEADER)
    lead_office = make_unit(region, code="ls-xyb", name="拉萨市信用办", prefix="拉信用", with_key=False)
    auditor = make_staff(lead_office, "auditor", StaffProfile.Role.AUDITOR)

    assert _get(client, leader, letter).status_code == 200
    assert _get(client, auditor, letter).status_code == 200


def test_superseded_letters_stay_downloadable(issue, client, officer, django_capture_on_commit_callbacks):
    from letters import services

    old = issue("LISTING_DECISION")
    with django_capture_on_commit_callbacks(execute=True):
        services.letter_reissue(actor=officer, letter=old, reason="更正")

    assert _get(client, officer, old).status_code == 200


def test_other_units_auditors_out_of_scope_and_administrators_get_404(issue, client, other_unit, unit):
    letter = issue("LISTING_DECISION")
    shigatse = RegionFactory(code="540200", name="日喀则市")
    far_unit = make_unit(shigatse, code="rkz-fgw", name="日喀则市发展和改革委员会", prefix="日发改", with_key=False)

    users = [
        make_staff(other_unit, "stranger", StaffProfile.Role.OFFICER),
        make_staff(far_unit, "far-auditor", StaffProfile.Role.AUDITOR),
        make_staff(unit, "admin", StaffProfile.Role.ADMINISTRATOR),
    ]

    for user in users:
        assert _get(client, user, letter).status_code == 404, user.username


def test_anonymous_is_sent_to_sign_in(issue, client):
    letter = issue("LISTING_DECISION")

    response = _get(client, None, letter)

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
