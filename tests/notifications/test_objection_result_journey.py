"""An objection from filing to its result, through the API and the task queue: the platform hears
the suspension, the resumption and the result in that order; the applicant hears the result."""

import pytest

from cases.models import ListEntry, ObjectionCase
from notifications.models import Delivery, OutboxEvent
from notifications.services.delivery import deliver
from tests.workflow.test_listing_through_the_api import list_through_api
from tests.workflow.test_objections import accept_via_queue, conclude_and_approve, file_on_portal

pytestmark = pytest.mark.django_db


def test_an_upheld_objection_is_pushed_in_order_and_the_applicant_is_told(province, as_user, receiver, settings):
    settings.NOTIFICATIONS_SMS_BACKEND = "notifications.sms.LocmemSmsBackend"
    from notifications.sms import LocmemSmsBackend

    LocmemSmsBackend.outbox = []
    entry = ListEntry.objects.get(pk=list_through_api(province, as_user)["id"])
    number = file_on_portal(province, entry).json()["number"]  # contact 13800000000
    accept_via_queue(province, as_user, number)
    conclude_and_approve(province, as_user, "UPHELD", findings="经核查，原认定事实清楚")

    subject = province["subject"].identifier
    pushes = Delivery.objects.filter(channel="PLATFORM", subject_key=subject).order_by("id")
    kinds = [d.event.kind for d in pushes]
    assert kinds[-3:] == ["entry.suspended", "entry.resumed", "objection.result"]
    assert kinds[:2] == ["entry.decided", "entry.published"]
    # Deliver newest first: order per subject still holds at the receiver.
    for d in reversed(list(pushes)):
        deliver(d.pk)
    for d in pushes:
        deliver(d.pk)
    got = [e["type"] for e in receiver.recorded() if e["subject"]["identifier"] == subject]
    assert got == kinds
    result = [e for e in receiver.recorded() if e["type"] == "objection.result"][0]
    assert result["case_number"] == number and result["outcome"] == "UPHELD"

    sms = Delivery.objects.get(channel="SMS", event__kind="objection.result")
    assert deliver(sms.pk) == "delivered"
    text = LocmemSmsBackend.outbox[-1]["text"]
    assert number in text and "维持原列入" in text
    assert ObjectionCase.objects.get(number=number).state == "CLOSED"
    assert OutboxEvent.objects.filter(kind="objection.result").count() == 1
