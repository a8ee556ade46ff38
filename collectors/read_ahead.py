"""Reading ahead: a generator run in a background thread, one item ahead of its consumer.

A bulk import reads and converts the next batch (pyarrow, which releases the GIL) while
the store writes the last one (SQLite, which releases it too), so the two cores share the
work. Nothing is written by the reader, so a run killed meanwhile loses only a batch that
was never saved, and its cursor with it.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator, Iterator
from typing import Any, TypeVar

T = TypeVar("T")

_END: Any = object()


def read_ahead(items: Generator[T, None, None], depth: int = 1) -> Iterator[T]:
    """The items of ``items`` in order, produced in a thread up to ``depth`` ahead; an
    exception ``items`` raises is raised here in its place. When the consumer stops early
    (an error while writing, an interrupt), the thread stops after the item it is on and
    closes ``items``, so its files are closed before this returns."""
    handoff: queue.Queue[tuple[Any, BaseException | None]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def hand_over(entry: tuple[Any, BaseException | None]) -> bool:
        while not stop.is_set():
            try:
                handoff.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not hand_over((item, None)):
                    return
            hand_over((_END, None))
        except BaseException as err:  # handed to the consumer, which raises it
            hand_over((_END, err))
        finally:
            items.close()

    thread = threading.Thread(target=produce, name="read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item, error = handoff.get()
            if item is _END:
                if error is not None:
                    raise error
                return
            yield item
    finally:
        stop.set()
        thread.join()
