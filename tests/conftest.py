import pytest
from django.db import connection


def pytest_report_header(config):
    from django.conf import settings

    db = settings.DATABASES["default"]
    return f"database: {db['ENGINE'].rsplit('.', 1)[-1]} at {db.get('HOST') or db.get('NAME')}:{db.get('PORT', '')}"


@pytest.fixture(scope="session", autouse=True)
def _print_database_version(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with connection.cursor() as cur:
            cur.execute("select version()")
            print(f"\n[tests run on] {cur.fetchone()[0]}")
    yield
