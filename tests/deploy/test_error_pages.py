"""Errors are ours: 400/403/404/500 pages in the site's layout, in Chinese with English beneath (or
English first when asked), and the documented JSON error under /api/, 500 included. DEBUG is off
in the embedded default as in production."""

import pytest
from django.test import Client

from tests.factories import OfficerFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_an_unknown_page_is_our_404_in_both_languages():
    response = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/no/such/page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "信用联合奖惩" in page and 'data-status="404"' in page  # the site's layout
    assert "未找到" in page and "Not found." in page  # Chinese, and English beneath
    assert "urlpatterns" not in page.lower() and "Django" not in page


def test_an_unknown_api_address_is_json():
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Not found."}


def test_an_officer_refused_an_admin_page_gets_our_403():
    officer = OfficerFactory(unit=UnitFactory())
    officer.is_staff = True
    officer.save()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(officer)
    response = client.get("/admin/deadlines/holidayyear/")
    page = response.content.decode()
    assert response.status_code == 403
    assert 'data-status="403"' in page and "You may not open this page." in page and "您无权打开此页面" in page


@pytest.mark.urls("tests.deploy.error_urls")
def test_a_bug_under_api_is_a_json_500_and_a_page_elsewhere():
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="zh-hans")
    api = client.get("/api/v1/boom/")
    assert api.status_code == 500 and api["Content-Type"].startswith("application/json")
    assert api.json()["code"] == "server_error" and api.json()["message"]
    page = client.get("/portal/boom/")
    assert page.status_code == 500 and 'data-status="500"' in page.content.decode()
    assert "Nothing was changed" in page.content.decode()


def test_the_embedded_default_runs_without_debug(monkeypatch):
    import importlib

    import config.settings.embedded as embedded

    monkeypatch.delenv("DJANGO_DEBUG", raising=False)
    assert importlib.reload(embedded).DEBUG is False
