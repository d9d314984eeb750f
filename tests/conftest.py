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
    config.pluginmanager.register(_SlowestFirst(), "credit-slowest-first")
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


@pytest.fixture(scope="session", autouse=True)
def _seeded_catalogue(django_db_setup, django_db_blocker):
    """The measures catalogue and the procedure rules, committed once per test database, as every
    deployment has them (migrate, then seed_catalogue). The provinces' ``catalogue_seed(
    update_existing=False)`` then only reads them instead of creating and auditing ~60 rows per
    test. A transactional test empties every table when it ends; the next province seeds again,
    inside its own test — unless it is seeded again before that test starts (below)."""
    from django.db import connection

    from cases.services.registry import catalogue_seed

    if not connection.settings_dict["NAME"].startswith("test_"):
        # No collected test uses the database (tests/architecture alone): pytest-django made no test
        # database, and the configured one is not for tests to write.
        yield
        return
    with django_db_blocker.unblock():
        catalogue_seed(update_existing=False)
    yield


@pytest.fixture
def pristine_database(db):
    """For the few tests that count every row of a table the session's seed fills (the audit trail's
    totals and chains, the rules' own audit): the seeded catalogue and its audit trail are emptied
    inside this test's transaction (TRUNCATE is transactional) and are back when it rolls back."""
    from cases.audit.models import AuditAnchor, AuditChainHead, AuditEvent
    from cases.models import Measure, ProcedureRule

    tables = ", ".join(m._meta.db_table for m in (Measure, ProcedureRule, AuditEvent, AuditChainHead, AuditAnchor))
    with connection.cursor() as cur:
        cur.execute(f"TRUNCATE {tables} CASCADE")


_FLUSHED_BY_LAST_TEST = [False]


def _flushes_tables(item) -> bool:
    """pytest-django's rule for a transactional test, which TRUNCATEs every table when it ends."""
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    return bool({"transactional_db", "live_server", "django_db_reset_sequences"} & set(item.fixturenames))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """After a transactional test emptied the tables, the catalogue is committed again before the
    next test's fixtures run (outside any test transaction)."""
    if _FLUSHED_BY_LAST_TEST[0]:
        from pytest_django.plugin import blocking_manager_key

        from cases.services.registry import catalogue_seed

        with item.config.stash[blocking_manager_key].unblock():
            catalogue_seed(update_existing=False)
    _FLUSHED_BY_LAST_TEST[0] = _flushes_tables(item)


pytest_plugins = ["tests.province"]


# --- the suite on several workers (pytest-xdist; scripts/test runs it with -n) -------------------------
# Units of work go to workers whole, so that a costly fixture is built once: each test file is a unit
# (its module-scoped fixtures: the embedded default, a browser), and every file on the production-
# shaped stack (the package-scoped ``stack`` of tests/deploy) is one unit together. Units are queued
# slowest first: the stack, the other tests marked slow, then the rest, so no worker ends on a long
# tail. (xdist's own --dist loadgroup marks no longer reach its scheduler under pytest 9, which keeps
# the node id elsewhere: this scheduler decides from the node id alone.)
STACK_FILES = frozenset({
    "tests/deploy/test_audit_roles_in_the_stack.py", "tests/deploy/test_limits_through_nginx.py",
    "tests/deploy/test_redis_down_in_the_stack.py", "tests/deploy/test_stack.py",
    "tests/deploy/test_worker_recycling.py",
})


def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class SharedFixtureScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return "the stack" if path in STACK_FILES else path

    return SharedFixtureScheduling(config, log)


def _queue_rank(item) -> int:
    if "stack" in item.fixturenames:
        return 0
    return 1 if item.get_closest_marker("slow") else 2


class _SlowestFirst:
    @pytest.hookimpl(trylast=True)  # after pytest-django's, which orders tests by kind of database access
    def pytest_collection_modifyitems(self, items):
        items.sort(key=_queue_rank)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters and cached calendars live in the cache (Redis): every test starts clean."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's default language (zh-hans), whatever a test before it on the
    same worker activated: a message read outside a request is worded in the active language."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()
