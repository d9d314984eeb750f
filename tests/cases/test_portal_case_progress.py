"""The applicant following a case on the portal (issue 19 item 5): the stepper and what happens
next on the done page and the case page, 催办 telling when it is next possible, and the applicant's
own material downloaded again, within the query-code session that opened the case."""

import datetime as dt
import re

import pytest
import time_machine

from cases.models import ObjectionCase
from cases.services import intake

from .test_portal_support import (  # noqa: F401
    PDF, client_for, file_objection, listed, pdf, portal_media,
)

pytestmark = pytest.mark.django_db
BEIJING = dt.timezone(dt.timedelta(hours=8))


def test_the_done_page_says_what_happens_next_and_by_when(listed):
    visitor = client_for()
    filed = file_objection(visitor, listed)
    case = ObjectionCase.objects.get(number=filed["number"])
    # The done page is shown once; file again to read it (a second objection on another visit).
    other = client_for()
    html = _done_page(other, listed)
    assert 'id="stepper"' in html and 'aria-current="step"' in html
    assert "下一步：受理单位将于" in html and case.acceptance_due.isoformat() in html


def _done_page(client, entry) -> str:
    from .test_portal_support import step

    client.get("/portal/file/objection/?new=1")
    step(client, "objection", "subject", {"subject": entry.subject.identifier})
    step(client, "objection", "entry", {"entry": entry.pk})
    step(client, "objection", "details", {"target": "CONTENT", "grounds": "公示的欠薪金额有误，实际已全部支付"})
    step(client, "objection", "applicant", {"applicant_name": "李四", "applicant_contact": "13900000000"})
    step(client, "objection", "attachments")
    assert client.post("/portal/file/objection/review/").status_code == 302
    return client.get("/portal/file/done/").content.decode()


def test_the_case_page_shows_the_steps_with_the_current_one_and_its_deadline(listed):
    visitor = client_for()
    filed = file_objection(visitor, listed)
    case = ObjectionCase.objects.get(number=filed["number"])
    html = visitor.get(f"/portal/cases/{case.number}/").content.decode()
    steps = re.findall(r'data-step="(\w+)"', html)
    assert steps == ["filed", "acceptance", "verification", "approval", "closed"]
    current = re.search(r'<li class="stepper-step current" data-step="(\w+)"', html).group(1)
    assert current == "acceptance" and f"期限 {case.acceptance_due.isoformat()}" in html
    english = client_for(language="en")
    english.cookies = visitor.cookies
    assert "What happens next: The accepting unit decides by" in english.get(
        f"/portal/cases/{case.number}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_a_chase_up_says_when_the_next_one_is_possible(listed):
    visitor = client_for()
    filed = file_objection(visitor, listed)
    number = filed["number"]
    friday = dt.datetime(2026, 12, 11, 10, tzinfo=BEIJING)
    with time_machine.travel(friday, tick=False):
        assert "催办已记录" in visitor.post(f"/portal/cases/{number}/chase-up/", follow=True).content.decode()
        page = visitor.get(f"/portal/cases/{number}/").content.decode()
        # The next working day after a Friday is the Monday.
        assert "您今天已催办过本案，可于2026-12-14再次催办。" in page
        assert re.search(r'<button type="submit" disabled[^>]*>催办</button>', page)
        again = visitor.post(f"/portal/cases/{number}/chase-up/", follow=True).content.decode()
        assert "每个工作日可催办一次，可于2026-12-14再次催办。" in again
    with time_machine.travel(friday + dt.timedelta(days=3), tick=False):
        page = visitor.get(f"/portal/cases/{number}/").content.decode()
        assert 'id="chase-up-next"' not in page and "disabled" not in page.split('id="chase-up-form"')[1][:600]


def test_the_applicant_downloads_their_own_material_within_the_case_session(listed):
    visitor = client_for()
    filed = file_objection(visitor, listed, files=[pdf("完税凭证.pdf")])
    case = ObjectionCase.objects.get(number=filed["number"])
    attachment = intake.attachments_of(case).get()
    page = visitor.get(f"/portal/cases/{case.number}/").content.decode()
    address = f"/portal/cases/{case.number}/material/{attachment.pk}/"
    assert f'href="{address}"' in page
    response = visitor.get(address)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    # Without the query code in this session: the same 404 as a case that does not exist.
    assert client_for().get(address).status_code == 404
    # Another case's file is not reachable through this case's address.
    number = re.search(r'id="case-number">([^<]+)<', _done_page(client_for(), listed)).group(1)
    other = ObjectionCase.objects.get(number=number)
    foreign, = intake.attachments_store(other, [("别人的.pdf", PDF, "application/pdf")], kind="EVIDENCE")
    assert visitor.get(f"/portal/cases/{case.number}/material/{foreign.pk}/").status_code == 404
