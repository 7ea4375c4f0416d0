"""read_ahead: the items in order, the worker's error raised where its item would have come, and
a consumer that leaves early stops the worker before it goes on."""

from __future__ import annotations

import threading
import time

import pytest

from data_access.imports.prefetch import read_ahead


def test_items_come_in_order_and_all_of_them():
    assert list(read_ahead(iter(range(1000)), depth=2)) == list(range(1000))


def test_the_workers_error_is_raised_where_its_item_would_have_come():
    def items():
        yield 1
        yield 2
        raise ValueError("line 3: broken")

    got = []
    with pytest.raises(ValueError, match="line 3"):
        for item in read_ahead(items()):
            got.append(item)
    assert got == [1, 2]


def test_leaving_early_stops_the_worker_before_the_loop_is_left():
    produced = []
    lock = threading.Lock()

    def items():
        for i in range(100):
            with lock:
                produced.append(i)
            yield i

    for item in read_ahead(items(), depth=1):
        if item == 3:
            break
    with lock:
        count = len(produced)
    time.sleep(0.3)
    assert len(produced) == count  # nothing read after the consumer left
    assert count <= 3 + 1 + 2  # at most the queue's depth and the one in hand ahead
    assert not any(t.name == "import-read-ahead" for t in threading.enumerate())


def test_the_next_item_is_made_while_the_consumer_works_on_this_one():
    making_the_next = threading.Event()

    def items():
        yield 0
        making_the_next.set()
        yield 1

    for item in read_ahead(items()):
        if item == 0:  # one after the other, the event would never come while we hold item 0
            assert making_the_next.wait(timeout=10)
