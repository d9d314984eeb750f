"""Following a case on the portal (issue 7): chase-up once per working day, material and the
supplement, withdrawal, sign-up, and the home page sending each person to their front door."""

import pytest

from cases.models import ObjectionCase, RepairCase
from cases.services import intake
from cases.services import objections as objection_services
from tests.factories import TEST_PASSWORD

from .test_portal_support import (  # noqa: F401
    PASSWORD, account, client_for, file_objection, file_repair, listed, pdf, portal_media,
)

pytestmark = pytest.mark.django_db


def test_a_chase_up_is_recorded_once_per_working_day(listed, account):
    filed = file_objection(client_for(account), listed)
    client = client_for(account)
    first = client.post(f"/portal/cases/{filed['number']}/chase-up/", follow=True)
    assert "催办已记录" in first.content.decode()
    second = client.post(f"/portal/cases/{filed['number']}/chase-up/", follow=True)
    assert "每个工作日可催办一次" in second.content.decode()
    assert ObjectionCase.objects.get(number=filed["number"]).chase_up_count == 1


def test_the_case_page_shows_the_plain_status_and_the_deadline_countdown(listed, account):
    filed = file_objection(client_for(account), listed)
    case = ObjectionCase.objects.get(number=filed["number"])
    html = client_for(account).get(f"/portal/cases/{case.number}/").content.decode()
    assert "已收到，正在进行受理审查" in html or "受理审查" in html
    assert case.acceptance_due.isoformat() in html and 'id="countdown"' in html


def test_the_signed_commitment_can_follow_the_repair_application(listed, account):
    filed = file_repair(client_for(account), listed, commitment=False)
    client = client_for(account)
    response = client.post(f"/portal/cases/{filed['number']}/material/",
                           {"kind": "commitment", "files": [pdf("信用承诺书（已签字）.pdf")], "note": "已签字"})
    assert response.status_code == 302
    case = RepairCase.objects.get(number=filed["number"])
    assert "COMMITMENT" in set(intake.attachments_of(case).values_list("kind", flat=True))
    bad = client.post(f"/portal/cases/{filed['number']}/material/", {"kind": "proof",
                                                                     "files": [pdf("x.pdf", b"not a pdf")]})
    assert bad.status_code == 400 and "x.pdf" in bad.content.decode()


def test_the_requested_supplement_is_sent_from_the_case_page_and_the_clock_resumes(province, listed):
    visitor = client_for()
    filed = file_objection(visitor, listed)
    case = ObjectionCase.objects.get(number=filed["number"])
    objection_services.objection_request_supplement(actor=province["officer"], case=case, materials=["完税凭证原件扫描件"])
    page = visitor.get(f"/portal/cases/{case.number}/").content.decode()
    assert "完税凭证原件扫描件" in page and 'id="material-form"' in page
    response = visitor.post(f"/portal/cases/{case.number}/material/", {"files": [pdf("完税凭证原件.pdf")]})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == ObjectionCase.State.SUBMITTED and case.supplement_received_on is not None


def test_withdrawal_needs_a_reason_and_then_closes_the_case(listed, account):
    filed = file_objection(client_for(account), listed)
    client = client_for(account)
    empty = client.post(f"/portal/cases/{filed['number']}/withdraw/", {"reason": ""})
    assert empty.status_code == 400 and "必填" in empty.content.decode()
    assert client.post(f"/portal/cases/{filed['number']}/withdraw/", {"reason": "已与数据提供单位沟通解决"}).status_code == 302
    assert ObjectionCase.objects.get(number=filed["number"]).state == ObjectionCase.State.WITHDRAWN


def test_sign_up_makes_an_account_without_a_unit_and_signs_it_in(db):
    client = client_for()
    response = client.post("/portal/signup/", {"username": "newco", "first_name": "西藏新公司", "email": "",
                                               "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/portal/my/"
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="newco")
    assert not hasattr(user, "staff") and not user.is_staff
    assert client.get("/portal/my/").status_code == 200
    again = client_for().post("/portal/signup/", {"username": "newco", "first_name": "x", "password1": PASSWORD,
                                                  "password2": PASSWORD})
    assert again.status_code == 400
    weak = client_for().post("/portal/signup/", {"username": "weak", "first_name": "x", "password1": "123",
                                                 "password2": "123"})
    assert weak.status_code == 400


def test_my_cases_needs_a_sign_in(db):
    response = client_for().get("/portal/my/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_home_sends_each_person_to_their_front_door(province, account):
    assert client_for().get("/").status_code == 200
    assert "信用主体门户" in client_for().get("/").content.decode()
    for key, target in (("officer", "/work/"), ("leader", "/work/"), ("auditor", "/audit/")):
        response = client_for(province[key]).get("/")
        assert response.status_code == 302 and response["Location"] == target, key
    page = client_for(account).get("/")
    assert page.status_code == 200 and "我的案件" in page.content.decode()


def test_staff_sign_in_lands_on_their_front_door(province):
    client = client_for()
    response = client.post("/accounts/login/", {"username": province["officer"].username, "password": TEST_PASSWORD},
                           follow=True)
    assert response.redirect_chain[-1][0] == "/work/"
