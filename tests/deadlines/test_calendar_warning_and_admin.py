"""Warning ahead of time (from 1 November until next year's schedule is official) on /readyz,
/metrics, the admin index and the unit dashboard; administrators reach the deadline and case
pages of /admin/, officers do not."""

import datetime as dt
import time
import zoneinfo
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from deadlines.status import calendar_warnings
from tests.deploy.test_health_and_readiness import redis_db  # noqa: F401
from tests.factories import AdministratorFactory, OfficerFactory, UnitFactory

pytestmark = pytest.mark.django_db
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
HOLIDAYS_DIR = Path(__file__).resolve().parents[2] / "deploy" / "holidays"


def at(day: dt.date):
    return time_machine.travel(dt.datetime.combine(day, dt.time(10), tzinfo=BEIJING), tick=True)


def test_no_warning_before_1_november_when_this_year_is_official():
    assert calendar_warnings(dt.date(2026, 10, 31)) == []


def test_warning_from_1_november_names_next_year():
    warnings = calendar_warnings(dt.date(2026, 11, 1))
    assert [w.year for w in warnings] == [2027]
    assert "2027" in warnings[0].message


def test_warning_ends_once_next_year_is_published():
    call_command("holidays_publish", str(HOLIDAYS_DIR / "2026.json"))  # an official year, for the shape
    assert calendar_warnings(dt.date(2025, 11, 2)) == []  # 2026: the package and the published file
    assert [w.year for w in calendar_warnings(dt.date(2027, 3, 1))] == [2027]  # inside a provisional year


def test_readyz_warns_but_stays_ready(client, redis_db):  # noqa: F811
    with at(dt.date(2026, 11, 15)):
        redis_db.set(settings.OPS_HEARTBEAT_KEY, f"{time.time():.3f}")  # beat is alive
        response = client.get("/readyz", HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = response.json()
    assert response.status_code == 200, body
    assert body["warnings"][0]["code"] == "calendar_provisional" and body["warnings"][0]["year"] == 2027
    assert "2027年节假日安排尚未录入" in body["warnings"][0]["message"]
    assert body["checks"]["calendar"] == {"ok": True, "provisional_years": [2027]}


def test_metrics_expose_the_provisional_year(client):
    with at(dt.date(2026, 11, 15)):
        text = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
    assert 'credit_calendar_provisional_year{year="2027"} 1.0' in text


ADMIN_PAGES = [
    "/admin/deadlines/holidayyear/", "/admin/deadlines/holidayoverride/", "/admin/deadlines/procedurerule/",
    "/admin/deadlines/recomputerun/", "/admin/letters/letter/", "/admin/notifications/delivery/",
    "/admin/cases/repaircase/", "/admin/cases/importbatch/",
]


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_an_administrator_opens_every_deadline_and_case_admin_page(url):
    admin = AdministratorFactory(unit=UnitFactory())
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(admin)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_an_officer_is_refused_every_admin_page(url):
    officer = OfficerFactory(unit=UnitFactory())
    officer.is_staff = True  # even with the staff flag an officer is not an administrator
    officer.save()
    client = Client()
    client.force_login(officer)
    assert client.get(url).status_code == 403


def test_the_admin_index_shows_the_missing_schedule():
    admin = AdministratorFactory(unit=UnitFactory())
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(admin)
    with at(dt.date(2026, 11, 15)):
        page = client.get("/admin/").content.decode()
    assert "2027年节假日安排尚未录入，相关期限暂按法定节假日计算" in page
