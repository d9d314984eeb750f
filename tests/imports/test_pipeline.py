"""The import validates the next chunk in a thread while the current one is written."""

import threading
import time

import pytest

from cases.imports.jobs import _ahead


def test_items_arrive_in_order_and_a_failure_in_the_thread_is_raised_to_the_writer():
    def chunks():
        yield from range(5)
        raise ValueError("row 6 could not be read")

    seen = []
    with pytest.raises(ValueError, match="row 6"):
        for item in _ahead(chunks()):
            seen.append(item)
    assert seen == [0, 1, 2, 3, 4]


def test_a_writer_that_stops_early_stops_the_validating_thread():
    produced = []

    def chunks():
        for n in range(1000):
            produced.append(n)
            yield n

    before = threading.active_count()
    with pytest.raises(RuntimeError):
        for item in _ahead(chunks(), depth=2):
            if item == 3:
                raise RuntimeError("the write failed")
    time.sleep(0.5)
    assert threading.active_count() == before
    assert len(produced) <= 3 + 2 + 2  # never more than the queue's depth ahead
