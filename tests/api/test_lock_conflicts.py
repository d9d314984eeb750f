"""When PostgreSQL cancels a transaction to break a lock conflict (a deadlock, say), the request
gets a 409 that says nothing was changed and to try again, never a 500."""

import threading

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import translation

from cases.api.errors import exception_handler
from cases.locking import is_lock_conflict
from cases.models import Region
from workflow.views.common import error_parts

pytestmark = pytest.mark.django_db(transaction=True)


def _real_deadlock() -> DatabaseError:
    """Two transactions lock two rows in opposite orders; PostgreSQL cancels one of them."""
    first, second = Region.objects.create(code="540101", name="甲"), Region.objects.create(code="540102", name="乙")
    both_hold = threading.Barrier(2)
    caught: list[DatabaseError] = []

    def lock(a, b):
        try:
            with transaction.atomic():
                Region.objects.filter(pk=a.pk).update(name=a.name)
                both_hold.wait(10)
                Region.objects.filter(pk=b.pk).update(name=b.name)
        except DatabaseError as exc:
            caught.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=lock, args=pair) for pair in ((first, second), (second, first))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(caught) == 1, caught
    return caught[0]


def test_a_deadlock_is_a_409_asking_to_try_again_in_chinese_and_english():
    deadlock = _real_deadlock()
    assert is_lock_conflict(deadlock)

    with translation.override("zh-hans"):
        response = exception_handler(deadlock, {})
        status, message, fields = error_parts(deadlock)  # the workspace pages answer the same
    assert response.status_code == 409
    assert response.data["code"] == "busy_retry"
    assert "未生效" in response.data["message"]
    with translation.override("en"):
        assert "nothing was changed" in exception_handler(deadlock, {}).data["message"]
    assert status == 409 and "未生效" in str(message) and fields == {}


def test_other_database_errors_are_not_taken_for_lock_conflicts():
    Region.objects.create(code="540103", name="丙")
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        Region.objects.create(code="540103", name="丙")
    assert not is_lock_conflict(caught.value)
    assert not is_lock_conflict(ValueError("not a database error"))
