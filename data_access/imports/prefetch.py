"""Reading ahead: an iterator run in a worker thread, a bounded number of items ahead of its
consumer, so that reading and parsing the next chunk of a file overlaps with the database
working on this one (the checks' queries, COPY or executemany: the driver waits without the
GIL, and polars parses without it).

The worker's exception is raised in the consumer where the item would have come; a consumer
that stops early (a refused chunk, an error of its own) stops the worker and waits for it, so the
file is never read after the consumer has left its `with` block.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator, Iterator
from typing import TypeVar

T = TypeVar("T")
_DONE = object()


class _Failed:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


def read_ahead(items: Iterator[T], depth: int = 1) -> Generator[T, None, None]:
    """Yield the items of `items`, produced in a worker thread at most `depth` items ahead."""
    ready: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(_DONE)
        except BaseException as exc:  # handed to the consumer, raised there
            put(_Failed(exc))

    worker = threading.Thread(target=work, name="import-read-ahead", daemon=True)
    worker.start()
    try:
        while True:
            item = ready.get()
            if item is _DONE:
                return
            if isinstance(item, _Failed):
                raise item.exc
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        while worker.is_alive():
            try:
                ready.get(timeout=0.1)
            except queue.Empty:
                pass
        worker.join()
