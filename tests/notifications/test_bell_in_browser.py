"""The bell and the notifications pages in a real browser (Chromium): the unread count, opening
the list, marking read, the preferences form with its errors; zh-hans and English screenshots."""

import pytest

from notifications.models import Notification
from tests.browser.conftest import (  # noqa: F401
    _allow_orm_beside_playwright, _no_csp_violation, browser, page, screenshot,
)
from tests.factories import TEST_PASSWORD
from tests.notifications.conftest import draft_to_statement

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, live_server, user, next_url="/notifications/"):  # noqa: F811
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def test_an_officer_sees_the_bell_reads_a_notification_and_sets_preferences(live_server, page, screenshot,  # noqa: F811
                                                                            province):
    draft_to_statement(province)
    officer = province["officer"]
    unread = Notification.objects.filter(user=officer, read_at__isnull=True).count()
    assert unread >= 1

    sign_in(page, live_server, officer)
    bell = page.locator("#notification-bell")
    assert bell.locator(".bell-count").inner_text() == str(unread)
    assert f"{unread}条未读" in bell.get_attribute("aria-label")
    assert page.locator("h1").inner_text() == "通知"
    assert page.locator(".note.unread").count() == unread
    assert "新任务：" in page.locator(".note h2").first.inner_text()
    screenshot("notifications-list-zh")

    with page.expect_navigation():
        page.locator(".note.unread form button", has_text="标为已读").first.click()
    assert page.locator(".note.unread").count() == unread - 1
    if unread - 1:
        assert page.locator("#notification-bell .bell-count").inner_text() == str(unread - 1)
    else:
        assert page.locator("#notification-bell .bell-count").count() == 0

    page.goto(f"{live_server.url}/notifications/preferences/")
    officer.email = ""
    officer.save(update_fields=["email"])
    page.check("#id_email")
    page.check("#id_sms")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "您的账户没有手机号码" in page.locator("#id_sms-errors").inner_text()
    screenshot("notifications-preferences-errors-zh")
    page.uncheck("#id_email")
    page.uncheck("#id_sms")
    page.select_option("#id_language", "en")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.locator("[role=status]").inner_text() == "通知设置已保存。"

    with page.expect_navigation():
        page.select_option("#lang-select", "en")
    page.goto(f"{live_server.url}/notifications/")
    assert page.locator("h1").inner_text() == "Notifications"
    assert "New task: " in page.locator(".note h2").first.inner_text()
    screenshot("notifications-list-en")
