"""What one dashboard process remembers between requests, so 20 analysts looking at
similar views do not each redo the same aggregates and figures.

- ``TotalsSnapshot``: the store's counts (the data version every page keys on), re-read at
  most once per ``max_age`` seconds (the live refresh period). While collectors write, the
  counts move every second; a shared snapshot means analysts whose live ticks fall in the
  same period hold the same data version, so their redraws share cached results. The
  price: the status line and new posts can lag by up to one more refresh period.
- ``ViewCache``: a bounded LRU of callback results keyed by what they were computed from
  (page, effective filters, model, data version, ...). A new data version is a new key,
  so a cached result is never served for a version it was not computed at (or after);
  concurrent requests for the same missing key compute it once and share it.

Both are per process and hold no connections; values must not be mutated by callers.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import UTC, datetime
from typing import Any, TypeVar

from monitor.queries import StoreTotals

T = TypeVar("T")


def version_key(version: dict[str, Any] | None) -> tuple[Any, ...]:
    """A hashable form of a ``DATA_VERSION`` store's content."""
    return tuple(sorted((version or {}).items()))


class ViewCache:
    """A thread-safe LRU of computed results with single-flight computation."""

    def __init__(self, max_entries: int = 512) -> None:
        self.max_entries = max_entries
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[Hashable, threading.Lock] = {}

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value cached under ``key``, computing it (once, even when several threads
        ask at the same time) when missing. An exception is not cached."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                self.hits += 1
                return self._entries[key]
            key_lock = self._computing.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._entries:  # another thread computed it while we waited
                    self._entries.move_to_end(key)
                    self.hits += 1
                    return self._entries[key]
            try:
                value = compute()
            except BaseException:
                with self._lock:
                    self._computing.pop(key, None)
                raise
            with self._lock:
                self.misses += 1
                self._entries[key] = value
                self._computing.pop(key, None)
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._entries)


class TotalsSnapshot:
    """The store's totals, read again only when the last read is ``max_age`` seconds old
    (one reader at a time; the others get the snapshot in hand)."""

    def __init__(self, read: Callable[[], StoreTotals], max_age: float) -> None:
        self.read = read
        self.max_age = max_age
        self.read_at: datetime | None = None  # wall-clock time of the snapshot in hand
        self._value: StoreTotals | None = None
        self._read_monotonic = float("-inf")
        self._lock = threading.Lock()

    def get(self) -> StoreTotals:
        with self._lock:
            if self._value is None or time.monotonic() - self._read_monotonic >= self.max_age:
                self._value = self.read()
                self._read_monotonic = time.monotonic()
                self.read_at = datetime.now(UTC)
            return self._value
