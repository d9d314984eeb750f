"""E-mail (in the recipient's language) and SMS (pluggable backend) reach the people concerned:
the applicant for objection and repair results, the unit's staff for tasks."""

import datetime as dt

import pytest
from django.core import mail

from cases.services import entries as entry_svc
from cases.services import objections as objection_svc
from notifications.models import Delivery, NotificationPreference, OutboxEvent
from notifications.recipients import contact_channel
from notifications.services.delivery import deliver
from notifications import sms
from notifications.sms import LocmemSmsBackend
from tests.notifications.conftest import decide, draft_to_statement

pytestmark = pytest.mark.django_db


@pytest.fixture
def sms_outbox(settings):
    settings.NOTIFICATIONS_SMS_BACKEND = "notifications.sms.LocmemSmsBackend"
    LocmemSmsBackend.outbox = []
    return LocmemSmsBackend.outbox


@pytest.fixture
def listed(province):
    entry = decide(province, draft_to_statement(province))
    return entry_svc.entry_publish(actor=province["officer"], entry=entry)


def refuse(province, entry, contact, actor=None):
    case, _code = objection_svc.objection_file(actor=actor, channel="PORTAL", entry=entry, grounds="欠薪金额有误",
                                               applicant_name="张三", applicant_contact=contact)
    objection_svc.objection_refuse(actor=province["officer"], case=case, reasons="不属于受理范围",
                                   basis="《信用信息异议处理办法》第五条")
    return case


def test_an_applicant_with_an_e_mail_contact_gets_the_result_by_mail_in_chinese(province, listed):
    case = refuse(province, listed, "zhangsan@example.com")
    event = OutboxEvent.objects.get(kind="objection.not_accepted")
    (d,) = Delivery.objects.filter(event=event)
    assert d.channel == "EMAIL" and d.address == "zhangsan@example.com"
    assert deliver(d.pk) == "delivered"
    (message,) = mail.outbox
    assert message.to == ["zhangsan@example.com"]
    assert case.number in message.subject and "异议" in message.subject and "不予受理" in message.subject
    assert message.extra_headers["X-Credit-Event-Id"] == str(event.event_id)
    html = message.alternatives[0][0]
    assert "不予受理" in html


def test_an_applicant_with_a_mobile_number_gets_an_sms_through_the_configured_backend(province, listed, sms_outbox):
    case = refuse(province, listed, "138-0000-0000")
    (d,) = Delivery.objects.filter(event__kind="objection.not_accepted")
    assert d.channel == "SMS" and d.address == "13800000000"
    assert deliver(d.pk) == "delivered"
    (sms,) = sms_outbox
    assert sms["phone"] == "13800000000" and case.number in sms["text"] and sms["event_id"] == str(d.event.event_id)


class Flaky(sms.BaseSmsBackend):
    def send(self, *, phone, text, event_id):
        raise sms.SmsError("gateway busy")


class Refusing(sms.BaseSmsBackend):
    def send(self, *, phone, text, event_id):
        raise sms.SmsRejected("number blacklisted by the gateway")


def test_a_gateway_refusal_is_dead_at_once_and_a_transient_error_is_retried(province, listed, settings):
    refuse(province, listed, "13800000000")
    (d,) = Delivery.objects.filter(event__kind="objection.not_accepted")
    settings.NOTIFICATIONS_SMS_BACKEND = "tests.notifications.test_channels.Flaky"
    assert deliver(d.pk) == "retry"
    Delivery.objects.filter(pk=d.pk).update(next_attempt_at=d.next_attempt_at)
    settings.NOTIFICATIONS_SMS_BACKEND = "tests.notifications.test_channels.Refusing"
    assert deliver(d.pk) == "dead"
    d.refresh_from_db()
    assert d.state == "DEAD" and "blacklisted" in d.last_error


def test_a_signed_in_applicant_sees_the_result_in_the_bell_and_mail_in_english(province, listed):
    from tests.factories import UserFactory

    applicant = UserFactory(username="applicant-en", email="en@example.com")
    NotificationPreference.objects.create(user=applicant, language="en")
    case = refuse(province, listed, "en@example.com", actor=None)
    type(case).objects.filter(pk=case.pk).update(filed_by=applicant)
    # The refusal above was notified before filed_by was set; file again as the signed-in applicant.
    case2, _ = objection_svc.objection_file(channel="PORTAL", entry=listed, grounds="另一异议事项",
                                            applicant_name="Zhang San", applicant_contact="en@example.com")
    type(case2).objects.filter(pk=case2.pk).update(filed_by=applicant)
    case2.refresh_from_db()
    objection_svc.objection_refuse(actor=province["officer"], case=case2, reasons="r", basis="b")
    event = OutboxEvent.objects.filter(kind="objection.not_accepted").order_by("-id").first()
    assert applicant.notifications.filter(event=event).exists()
    d = Delivery.objects.get(event=event, channel="EMAIL")
    assert d.language == "en"
    deliver(d.pk)
    assert mail.outbox[-1].subject == f"Objection {case2.number} not accepted"


def test_officers_get_task_mail_in_their_chosen_language_and_not_when_they_opt_out(province):
    for key in ("officer", "officer2", "leader"):
        province[key].email = f"{province[key].username}@unit.example.gov.cn"
        province[key].save(update_fields=["email"])
    NotificationPreference.objects.create(user=province["officer"], language="en")
    NotificationPreference.objects.create(user=province["officer2"], email=False)
    draft_to_statement(province)
    event = OutboxEvent.objects.filter(kind="task.assigned").first()
    addresses = {d.address: d for d in Delivery.objects.filter(event=event, channel="EMAIL")}
    assert province["officer2"].email not in addresses
    d = addresses[province["officer"].email]
    deliver(d.pk)
    assert mail.outbox[-1].subject.startswith("New task: ")


@pytest.mark.parametrize("contact,expected", [
    ("a@b.cn", ("EMAIL", "a@b.cn")), ("+86 138 0000 0000", ("SMS", "13800000000")),
    ("13800000000", ("SMS", "13800000000")), ("0891-6321234", None), ("张三家里", None),
])
def test_an_applicants_contact_is_read_as_mail_or_mobile(contact, expected):
    assert contact_channel(contact) == expected


def test_the_applicant_hears_of_the_supplement_request_and_of_the_acceptance_with_its_due_date(province, listed):
    case, _code = objection_svc.objection_file(channel="PORTAL", entry=listed, grounds="欠薪金额有误",
                                               applicant_name="张三", applicant_contact="zhangsan@example.com")
    objection_svc.objection_request_supplement(actor=province["officer"], case=case, materials=["复议决定书", "缴款凭证"])
    objection_svc.objection_supplement(case=case, note="已补正")
    objection_svc.objection_accept(actor=province["officer"], case=case)
    case.refresh_from_db()
    for kind in ("objection.supplement_requested", "objection.accepted"):
        (d,) = Delivery.objects.filter(event__kind=kind)
        assert d.channel == "EMAIL" and d.address == "zhangsan@example.com"
        assert deliver(d.pk) == "delivered"
    supplement, accepted = mail.outbox
    assert "补正" in supplement.subject and "复议决定书；缴款凭证" in supplement.body
    assert case.number in accepted.subject and "已受理" in accepted.subject
    assert case.verification_due.isoformat() in accepted.body
    assert not OutboxEvent.objects.filter(kind__in=["objection.accepted", "objection.supplement_requested"],
                                          deliveries__channel="PLATFORM").exists()  # the platform hears results only
