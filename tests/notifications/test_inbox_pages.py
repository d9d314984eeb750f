"""The bell, the list of one's notifications, marking read, and the preferences page; nobody
sees or touches anyone else's notifications."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification, NotificationPreference, OutboxEvent
from tests.factories import TEST_PASSWORD
from tests.notifications.conftest import draft_to_statement

pytestmark = pytest.mark.django_db


@pytest.fixture
def told(province):
    draft_to_statement(province)  # tasks routed to the listing unit
    return Notification.objects.filter(user=province["officer"]).order_by("id")


def signed_in(client, user, language="zh-hans"):
    assert client.login(username=user.username, password=TEST_PASSWORD)
    client.cookies["django_language"] = language
    return client


def test_the_bell_shows_the_unread_count_in_one_query(client, province, told):
    signed_in(client, province["officer"])
    page = client.get("/notifications/")
    html = page.content.decode()
    assert page.status_code == 200 and 'id="notification-bell"' in html
    assert f'<span class="bell-count"' in html and f">{told.count()}</span>" in html
    from django.template import Context, Template
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = province["officer"]
    with CaptureQueriesContext(connection) as queries:
        Template("{% include 'notifications/_bell.html' %}").render(Context({"request": request}))
    assert len(queries) == 1 and "COUNT" in queries[0]["sql"].upper()


def test_the_list_shows_ones_own_notifications_in_chinese_and_english(client, province, told):
    signed_in(client, province["officer"])
    html = client.get("/notifications/").content.decode()
    assert "新任务：" in html and "标为已读" in html
    signed_in(client, province["officer"], "en")
    html = client.get("/notifications/").content.decode()
    assert "New task: " in html and "Mark as read" in html


def test_marking_read_lowers_the_count_and_another_users_notification_is_not_found(client, province, told):
    note = told.first()
    signed_in(client, province["officer_a"])  # another unit's officer
    assert client.post(f"/notifications/{note.pk}/read/").status_code == 404
    note.refresh_from_db()
    assert note.read_at is None
    assert "新任务" not in client.get("/notifications/").content.decode()

    signed_in(client, province["officer"])
    response = client.post(f"/notifications/{note.pk}/read/", {"next": "/notifications/"})
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    note.refresh_from_db()
    assert note.read_at is not None
    assert client.post(f"/notifications/{note.pk}/read/", {"next": "https://evil.example/"})["Location"] == "/notifications/"
    client.post("/notifications/read-all/")
    assert not Notification.objects.filter(user=province["officer"], read_at__isnull=True).exists()


def test_pages_need_a_signed_in_user(client, told):
    assert client.get("/notifications/").status_code == 302
    assert client.post(f"/notifications/{told.first().pk}/read/").status_code == 302
    assert client.get("/notifications/preferences/").status_code == 302


def test_preferences_are_saved_and_impossible_choices_get_field_errors(client, province):
    officer = province["officer"]
    officer.email = ""
    officer.save(update_fields=["email"])
    signed_in(client, officer)
    response = client.post("/notifications/preferences/", {"email": "on", "sms": "on", "language": "en"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "您的账户没有电子邮箱地址" in html and "您的账户没有手机号码" in html
    assert not NotificationPreference.objects.filter(user=officer).exists()

    officer.email = "officer@unit.example.gov.cn"
    officer.save(update_fields=["email"])
    response = client.post("/notifications/preferences/", {"email": "on", "language": "en"})
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=officer)
    assert (pref.email, pref.sms, pref.daily_digest, pref.language) == (True, False, False, "en")
    signed_in(client, officer, "en")
    bad = client.post("/notifications/preferences/", {"language": "xx"})
    assert bad.status_code == 400 and "Select a valid choice" in bad.content.decode()


def test_the_list_is_paginated(client, province):
    from notifications.services.outbox import Recipient, outbox_emit

    # Deadline notices: new-task notices of one unit would be one card (test_notices_follow_their_task).
    for n in range(25):
        outbox_emit(kind="task.deadline_near", source=f"test:{n}", recipients=[Recipient(user=province["officer"])],
                    context={"title": f"任务{n}", "unit": "u", "due": "2026-12-01"})
    signed_in(client, province["officer"])
    first = client.get("/notifications/").content.decode()
    assert "任务24" in first and "任务4" not in first.replace("任务24", "")
    second = client.get("/notifications/?page=2").content.decode()
    assert "任务4" in second and OutboxEvent.objects.filter(source__startswith="test:").count() == 25
