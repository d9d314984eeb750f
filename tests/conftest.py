import datetime as dt
import os
import zoneinfo

import pytest
from django.db import connection

# scripts/test --clock DATE (or CREDIT_TEST_CLOCK=DATE) runs the suite as if "now" were that day
# in Beijing: the clock is moved once for the whole session and keeps ticking from there.
CLOCK_ENV = "CREDIT_TEST_CLOCK"
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")


def _moved_clock() -> dt.datetime | None:
    text = os.environ.get(CLOCK_ENV, "").strip()
    if not text:
        return None
    moment = dt.datetime.fromisoformat(text if "T" in text or " " in text else f"{text}T10:00:00")
    return moment if moment.tzinfo else moment.replace(tzinfo=BEIJING)


def pytest_configure(config):
    moment = _moved_clock()
    if moment is not None:
        import time_machine

        traveller = time_machine.travel(moment, tick=True)
        traveller.start()
        config._credit_clock = traveller


def pytest_unconfigure(config):
    traveller = getattr(config, "_credit_clock", None)
    if traveller is not None:
        traveller.stop()


def pytest_report_header(config):
    from django.conf import settings

    db = settings.DATABASES["default"]
    clock = _moved_clock()
    moved = f"; clock moved to {clock.isoformat()} ({CLOCK_ENV})" if clock else ""
    return f"database: {db['ENGINE'].rsplit('.', 1)[-1]} at {db.get('HOST') or db.get('NAME')}:{db.get('PORT', '')}{moved}"


_SERVER_VERSION: list[str] = []


@pytest.fixture(scope="session", autouse=True)
def _record_database_version(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with connection.cursor() as cur:
            cur.execute("select version()")
            _SERVER_VERSION.append(cur.fetchone()[0])
    yield


def pytest_terminal_summary(terminalreporter):
    if _SERVER_VERSION:
        terminalreporter.write_line(f"tests ran on: {_SERVER_VERSION[0]}")


@pytest.fixture(scope="session", autouse=True)
def _allow_audit_truncate_for_flush(django_db_setup, django_db_blocker):
    """Transactional tests flush tables with TRUNCATE; the audit trigger lets that through only
    when the maintenance setting is on (UPDATE and DELETE stay refused)."""
    with django_db_blocker.unblock():
        with connection.cursor() as cur:
            cur.execute("SELECT current_database()")
            name = cur.fetchone()[0]
            cur.execute(f'ALTER DATABASE "{name}" SET credit.audit_maintenance = \'on\'')
            cur.execute("SET credit.audit_maintenance = 'on'")
    yield


pytest_plugins = ["tests.province"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters and cached calendars live in the cache (Redis): every test starts clean."""
    from django.core.cache import cache

    cache.clear()
    yield
