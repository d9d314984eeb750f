import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_suite_runs_on_postgresql():
    assert connection.vendor == "postgresql"
    assert connection.pg_version >= 150000
