"""The workspace case page shows every letter of the case to the staff of each unit working it,
whichever unit issued the letter; an unrelated unit still sees nothing (issue 18, loose ends)."""

import pytest
from django.core.files.base import ContentFile

from cases.models import ListEntry, ObjectionCase
from letters.models import Letter
from tests.factories import OfficerFactory, UnitFactory

from .test_listing_through_the_api import complete, list_through_api, queue
from .test_objections import conclude_and_approve, file_on_portal
from .test_workspace_queue import browser_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def window(province):
    """The region's platform window (信用信息共享平台窗口): it checks acceptance of objections."""
    unit = UnitFactory(region=province["region"], platform=True)
    return {"unit": unit, "officer": OfficerFactory(unit=unit)}


@pytest.fixture
def objection(province, as_user, window):
    """An objection accepted by the window; the listing unit verifies it."""
    entry = ListEntry.objects.get(pk=list_through_api(province, as_user)["id"])
    number = file_on_portal(province, entry).json()["number"]
    clerk = as_user(window["officer"])
    task = [t for t in queue(clerk, case_type="OBJECTION") if t["step"] == "acceptance"][0]
    complete(clerk, task["id"], {"accept": True})
    case = ObjectionCase.objects.get(number=number)
    assert (case.accepting_unit, case.verifying_unit) == (window["unit"], province["listing"])
    return case


def letters_on_page(user, case):
    response = browser_for(user).get(f"/work/cases/objection/{case.pk}/")
    assert response.status_code == 200
    section = response.content.decode().split('id="letters"')[1].split("</section>")[0]
    return {letter.letter_type for letter in Letter.objects.filter(case_chain=f"cases.objectioncase:{case.pk}")
            if letter.document_number in section}


def test_the_verifying_unit_sees_the_letters_the_window_issued_and_unrelated_units_see_none(
        province, as_user, objection):
    issued_by = dict(Letter.objects.filter(case_ref=objection.number).values_list("letter_type", "unit"))
    assert issued_by == {"OBJECTION_ACCEPTED": objection.accepting_unit.pk,
                         "VERIFICATION_NOTICE": objection.accepting_unit.pk}
    assert letters_on_page(province["officer"], objection) == {"OBJECTION_ACCEPTED", "VERIFICATION_NOTICE"}
    assert letters_on_page(province["leader"], objection) == {"OBJECTION_ACCEPTED", "VERIFICATION_NOTICE"}

    letters = list(Letter.objects.filter(case_ref=objection.number))
    for letter in letters:
        letter.pdf.save("letter.pdf", ContentFile(b"%PDF-1.4 letter"), save=True)
    assert browser_for(province["officer"]).get(f"/letters/{letters[0].pk}/pdf/").status_code == 200
    for who in ("outsider", "officer_a"):  # an unrelated unit; an implementing unit not in the objection
        client = browser_for(province[who])
        assert client.get(f"/work/cases/objection/{objection.pk}/").status_code == 404, who
        for letter in letters:
            assert client.get(f"/letters/{letter.pk}/pdf/").status_code == 404, who
        listed = as_user(province[who]).get("/api/v1/letters/", {"case_chain": letters[0].case_chain}).json()
        assert listed["results"] == [], who


def test_the_accepting_unit_sees_the_result_letter_the_verifying_unit_issued_and_downloads_it(
        province, as_user, window, objection):
    conclude_and_approve(province, as_user, "UPHELD", findings="信息准确，维持列入")
    result = Letter.objects.get(case_ref=objection.number, letter_type="OBJECTION_RESULT")
    assert result.unit == province["listing"]
    assert letters_on_page(window["officer"], objection) == {
        "OBJECTION_ACCEPTED", "VERIFICATION_NOTICE", "OBJECTION_RESULT"}
    result.pdf.save("result.pdf", ContentFile(b"%PDF-1.4 result"), save=True)
    assert browser_for(window["officer"]).get(f"/letters/{result.pk}/pdf/").status_code == 200
