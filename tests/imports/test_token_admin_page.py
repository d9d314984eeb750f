"""The administrator's page for API tokens, in a real browser: issue a token for a unit (shown once),
use it against the API, revoke it."""

from __future__ import annotations

import re

import pytest
from rest_framework.test import APIClient

from cases.models import ApiToken
from tests.browser.conftest import (  # noqa: F401
    _allow_orm_beside_playwright, _no_csp_violation, browser, page, screenshot,
)
from tests.factories import TEST_PASSWORD, AdministratorFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_administrator_issues_sees_once_and_revokes_a_units_token(live_server, page, screenshot, province):
    admin_user = AdministratorFactory(unit=province["lead"])
    page.goto(f"{live_server.url}/admin/login/?next=/admin/cases/apitoken/add/")
    page.fill("#id_username", admin_user.username)
    page.fill("#id_password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")
    page.select_option("#id_unit", str(province["listing"].pk))
    page.fill("#id_name", "执法办案系统")
    page.check("input[name=scopes][value='entries:submit']")
    with page.expect_navigation():
        page.click("input[name=_save]")
    message = page.locator(".messagelist").inner_text()
    screenshot("imports-admin-token-issued")
    raw = re.search(r"cr_[0-9a-f]+_[A-Za-z0-9_-]+", message).group(0)
    assert "仅显示这一次" in message
    token = ApiToken.objects.get(name="执法办案系统")
    assert token.unit == province["listing"] and token.scopes == ["entries:submit"]
    assert raw.split("_")[1] == token.prefix

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/imports/").status_code == 200

    page.goto(f"{live_server.url}/admin/cases/apitoken/")
    assert raw not in page.content()  # the list shows the prefix only
    page.check(f"input[name=_selected_action][value='{token.pk}']")
    page.select_option("select[name=action]", "revoke")
    with page.expect_navigation():
        page.click("button[name=index]")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api.get("/api/v1/imports/").status_code == 401
