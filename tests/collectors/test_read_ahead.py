from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from collectors.read_ahead import read_ahead


def test_items_come_in_order_and_the_next_is_made_while_one_is_used() -> None:
    made: list[int] = []
    second_made = threading.Event()

    def items() -> Iterator[int]:
        for i in range(5):
            made.append(i)
            if i == 1:
                second_made.set()
            yield i

    seen = []
    for item in read_ahead(items()):
        if item == 0:  # the reader goes on while the first item is still in use
            assert second_made.wait(10)
        seen.append(item)
    assert seen == made == [0, 1, 2, 3, 4]


def test_an_error_comes_after_the_items_before_it() -> None:
    def items() -> Iterator[int]:
        yield 1
        yield 2
        raise ValueError("line 3: broken")

    seen = []
    with pytest.raises(ValueError, match="line 3"):
        for item in read_ahead(items()):
            seen.append(item)
    assert seen == [1, 2]


def test_a_consumer_that_stops_early_closes_the_reader() -> None:
    closed = threading.Event()

    def items() -> Iterator[int]:
        try:
            yield from range(1000)
        finally:
            closed.set()

    ahead = read_ahead(items())
    assert next(ahead) == 0
    ahead.close()  # as when writing a batch fails
    assert closed.is_set()  # closed before close() returns: the file is shut
    assert not any(thread.name == "read-ahead" for thread in threading.enumerate())
