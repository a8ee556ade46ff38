"""Rollups of the posts that match a keyword, kept in a reader's memory.

The stored rollups (``monitor.rollups``) cannot answer a keyword: which posts match is only
known from their text. At a million posts one keyword aggregate reads every matching post
(0.2-0.5 s), and a dashboard page runs several, for every analyst, again after every new
batch. A ``KeywordRollups`` keeps, per (keyword, model), the same daily rows as
``rollup_daily`` but only for the matching posts; any keyword view by day (dates,
platforms, topics, languages, sentiments; by platform, topic, language or sentiment; with
mentions) is then a sum over those rows in memory. Hourly views cover 3 days or less and
read those days' posts instead (about 0.1 s; keeping hourly rows would take 0.8-1.9 s per
keyword to build and 16 MB).

The rows stay exact as the store changes, the way the stored rollups follow writes: each
use reads the store's generation in one read snapshot; when it moved, the posts above the
rows' posts rowid mark are added and posts whose score is above the scores rowid mark move
from "unscored" to their sentiment and topic (a few milliseconds: only the new rows are
read). A change that cannot be followed that way (a replaced score, deleted scores; the
store records its generation as ``unfollowed``) rebuilds the rows. SQLite only: elsewhere
``rows`` returns None and callers query the posts.

``ALL`` (the empty keyword) holds every post's daily rows the same way, starting from the
stored daily rollup instead of reading the posts, for the daily views without a keyword.

Per process, bounded (least recently used keywords are dropped; a keyword in a tenth of a
million posts holds about 32,000 rows, 5 MB, built in 0.45-0.7 s), thread-safe: concurrent
requests for the same keyword build it once.

Processes serving the same store (``monitor serve``'s workers) can share their builds through
``shared_dir``: a process that reads a keyword's posts leaves the rows there, with the
generation and rowid marks they are exact at, as an Arrow file; the others load that file
(a few milliseconds) and follow the writes since, instead of reading the same posts again.
A file lock per keyword makes a process wait for a build already running in another one.
A file older than an unfollowed write, or more than ``SHARED_MAX_BEHIND`` posts behind, is
read again from the posts and replaced. The directory is meant to live as long as the
server (``dashboard.app.serve_workers`` makes a private temporary one and removes it), so
it never outlives the store it describes.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from monitor.rollups import MEASURES, changes_since, rollup_select, rowid_marks
from monitor.store import (
    SearchPrefilter,
    posts,
    read_snapshot,
    rollup_daily,
    rollup_state,
    store_state,
)

KEYS = ("bucket", "platform", "topic", "lang", "sentiment")

log = logging.getLogger(__name__)

# The "keyword" of every post: its rows start as a copy of the stored daily rollup (58,000
# rows at a million posts, read in 60-80 ms, only while that rollup is current) and follow
# the writes the same way, so daily views are sums in memory (9-14 ms) instead of SQL over
# the rollup (30-90 ms).
ALL = ""

# A shared file this many posts behind the store is read again rather than followed:
# following reads the new posts one by one, a build reads the matching ones through the
# search index (at 0.5 s a build is worth about 50,000 followed posts).
SHARED_MAX_BEHIND = 50_000


@dataclass
class _Rows:
    frame: pd.DataFrame | None = None
    generation: int = -1
    posts_rowid: int = 0
    scores_rowid: int = 0
    appended: int = 0  # rows appended by following writes since the frame was last summed
    building: bool = False  # a build runs in the background
    ready: threading.Event = field(default_factory=threading.Event)  # set when it ends
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, frame: pd.DataFrame, generation: int, posts_rowid: int, scores_rowid: int) -> None:
        """Hold ``frame``, exact at ``generation`` and these rowid marks."""
        self.frame, self.appended = frame, 0
        self.generation, self.posts_rowid, self.scores_rowid = generation, posts_rowid, scores_rowid


def keyword_match(keyword: str) -> sa.ColumnElement[bool]:
    """Posts whose text or title contains ``keyword``, case-insensitively (ASCII), with
    ``%``, ``_`` and ``\\`` taken literally. Reads every post it is applied to: combine
    it with ``SearchPrefilter`` unless the posts are few (a rowid range)."""
    escaped = keyword.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    return sa.or_(
        posts.c.text.ilike(pattern, escape="\\"),
        sa.func.coalesce(posts.c.title, "").ilike(pattern, escape="\\"),
    )


class KeywordRollups:
    """Daily rollup rows of the posts matching a keyword, per (keyword, model)."""

    def __init__(
        self,
        max_keywords: int = 12,
        *,
        build_in_background: bool = False,
        wait_seconds: float = 1.0,
        shared_dir: Path | None = None,
        sum_after: float = 0.1,
    ) -> None:
        self.max_keywords = max_keywords
        self.sum_after = sum_after  # rows appended by following, as a share of the frame
        self.build_in_background = build_in_background
        self.wait_seconds = wait_seconds
        self.shared_dir = shared_dir
        self.builds = 0  # full reads of a keyword's posts (for tests and benchmarks)
        self.loads = 0  # keywords taken from another process's build in ``shared_dir``
        self._entries: OrderedDict[tuple[str, str], _Rows] = OrderedDict()
        self._lock = threading.Lock()

    def rows(self, conn: Connection, keyword: str, model: str, *, wait: bool = True) -> pd.DataFrame | None:
        """The current daily rollup rows (columns ``KEYS`` + ``MEASURES``) of the posts
        whose text or title contains ``keyword`` (case-insensitive; the same keys can come
        in several rows, to be summed, and keys can sum to no post), or None when the store
        is not SQLite. With ``build_in_background``, rows that must first be read in full (a
        new keyword, or after a write that could not be followed) are read in a background
        thread, and a caller waits at most ``wait_seconds`` for them (alone a build takes
        0.45-0.7 s at a million posts): past that it gets None and reads the posts for its
        one answer (0.2-1.2 s), instead of waiting for whole keywords (several seconds when
        many start at once, as when a dashboard starts); with ``wait=False`` it does not wait
        at all (for callers that only weigh plans with the rows). The frame is shared: do
        not change it."""
        wait_seconds = self.wait_seconds if wait else 0.0
        if conn.dialect.name != "sqlite":
            return None
        key = (keyword, model)
        for attempt in range(2):  # the second after waiting for a background build
            with self._lock:
                entry = self._entries.get(key)
                if entry is None:
                    entry = self._entries[key] = _Rows()
                self._entries.move_to_end(key)
                while len(self._entries) > self.max_keywords:
                    self._entries.popitem(last=False)
                building = entry.building
            if building:
                if attempt or not entry.ready.wait(wait_seconds):
                    return None
                continue
            with entry.lock:
                began = read_snapshot(conn)
                try:
                    generation, rebuild = self._state(conn, entry)
                    if not (rebuild and self.build_in_background and keyword != ALL):
                        if rebuild:
                            self._build(conn, entry, keyword, model, generation)
                        elif generation != entry.generation:
                            self._follow(conn, entry, keyword, model, generation)
                        return entry.frame
                    if attempt:  # built meanwhile, and already to be read again: do not wait twice
                        return None
                    entry.building = True
                    entry.ready.clear()
                    self._build_later(conn.engine, entry, keyword, model)
                finally:
                    if began:
                        conn.rollback()  # end the read snapshot (nothing was written)
            if not entry.ready.wait(wait_seconds):
                return None
        return None

    @staticmethod
    def _state(conn: Connection, entry: _Rows) -> tuple[int, bool]:
        """The store's generation, and whether ``entry`` must be read in full."""
        generation, unfollowed = store_generations(conn)
        return generation, entry.frame is None or (unfollowed or 0) > entry.generation

    def _build_later(self, engine: Engine, entry: _Rows, keyword: str, model: str) -> None:
        def build() -> None:
            try:
                with engine.connect() as conn, entry.lock:
                    read_snapshot(conn)
                    generation, _ = self._state(conn, entry)
                    self._build(conn, entry, keyword, model, generation)
                    conn.rollback()
            except Exception:  # the next use tries again; meanwhile callers read the posts
                log.exception("keyword rollup of %r failed", keyword)
            finally:
                entry.building = False
                entry.ready.set()

        threading.Thread(target=build, name=f"keyword rollup {keyword!r}", daemon=True).start()

    def _build(self, conn: Connection, entry: _Rows, keyword: str, model: str, generation: int) -> None:
        """Read every matching post (the search index, then the text); for ``ALL``, copy
        the stored daily rollup, when it is current, with its rowid marks."""
        if keyword == ALL:
            state = conn.execute(
                sa.select(
                    rollup_state.c.generation, rollup_state.c.posts_rowid, rollup_state.c.scores_rowid
                ).where(rollup_state.c.model == model)
            ).first()
            if state is None or state[0] != generation or state[1] is None:
                entry.frame = None  # no current rollup to start from: callers query the store
                return
            columns = [
                rollup_daily.c.day,
                *(rollup_daily.c[name] for name in KEYS[1:]),
                *(rollup_daily.c[m] for m in MEASURES),
            ]
            frame = _read(conn, sa.select(sa.literal(model), *columns).where(rollup_daily.c.model == model))
            entry.take(frame, generation, state[1], state[2])
            self.builds += 1
            return
        if self.shared_dir is None:
            self._read_posts(conn, entry, keyword, model, generation)
            return
        path = self.shared_dir / hashlib.sha256(json.dumps([keyword, model]).encode()).hexdigest()
        with _file_lock(path.with_suffix(".lock")):  # waits for another process building it
            if self._load_shared(conn, entry, path.with_suffix(".arrow")):
                self.loads += 1
                if entry.generation != generation:
                    self._follow(conn, entry, keyword, model, generation)
                return
            self._read_posts(conn, entry, keyword, model, generation)
            _write_shared(path.with_suffix(".arrow"), entry)

    def _read_posts(self, conn: Connection, entry: _Rows, keyword: str, model: str, generation: int) -> None:
        """Read every post matching ``keyword`` (the search index, then the text)."""
        searched = sa.and_(SearchPrefilter(keyword), keyword_match(keyword))
        marks = rowid_marks(conn)
        assert marks is not None
        entry.take(_read(conn, rollup_select(model, where=searched)), generation, *marks)
        self.builds += 1

    @staticmethod
    def _load_shared(conn: Connection, entry: _Rows, path: Path) -> bool:
        """Take the rows another process left at ``path`` when they can be followed from
        here: no unfollowed write since, not ahead of this snapshot, not far behind it."""
        try:
            with pa.OSFile(str(path)) as source:
                table = pa.ipc.open_file(source).read_all()
        except FileNotFoundError:
            return False
        marks = json.loads(table.schema.metadata[b"marks"])
        generation, unfollowed = store_generations(conn)
        now = rowid_marks(conn)
        assert now is not None
        if (
            (unfollowed or 0) > marks["generation"]
            or marks["generation"] > generation
            or marks["posts_rowid"] > now[0]
            or marks["scores_rowid"] > now[1]
            or now[0] - marks["posts_rowid"] > SHARED_MAX_BEHIND
        ):
            return False
        entry.take(table.to_pandas(), marks["generation"], marks["posts_rowid"], marks["scores_rowid"])
        return True

    def _follow(self, conn: Connection, entry: _Rows, keyword: str, model: str, generation: int) -> None:
        """Add the posts and scores written since ``entry`` was last brought up to date."""
        assert entry.frame is not None
        marks = rowid_marks(conn)
        assert marks is not None
        where = None if keyword == ALL else keyword_match(keyword)
        changes = changes_since(model, marks, entry.posts_rowid, entry.scores_rowid, where=where)
        added = [part for part in (_read(conn, change) for change in changes) if not part.empty]
        if added:
            # Appended as they come (the views sum rows anyway); summed by key once the
            # appended rows are ``sum_after`` of the frame: summing 58,000 rows after
            # every batch cost more than the views themselves.
            entry.frame = pd.concat([entry.frame, *added], ignore_index=True)
            entry.appended += sum(len(part) for part in added)
            if entry.appended > self.sum_after * len(entry.frame):
                entry.frame, entry.appended = _add_up([entry.frame]), 0
        entry.generation = generation
        entry.posts_rowid, entry.scores_rowid = marks


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` across processes (and threads: each opens the file);
    the system drops it when its holder dies."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def store_generations(conn: Connection) -> tuple[int, int | None]:
    """The store's generation, and the last one whose change rollups could not follow."""
    generation, unfollowed = conn.execute(
        sa.select(store_state.c.generation, store_state.c.unfollowed).where(store_state.c.id == 1)
    ).one()
    return generation, unfollowed


def _write_shared(path: Path, entry: _Rows) -> None:
    """Leave ``entry``'s rows and marks at ``path`` for other processes (whole or not at all)."""
    assert entry.frame is not None
    marks = {
        "generation": entry.generation,
        "posts_rowid": entry.posts_rowid,
        "scores_rowid": entry.scores_rowid,
    }
    table = pa.Table.from_pandas(entry.frame, preserve_index=False)
    table = table.replace_schema_metadata({"marks": json.dumps(marks)})
    part = path.with_suffix(".part")
    with pa.OSFile(str(part), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    os.replace(part, path)


def _read(conn: Connection, query: sa.Select[Any]) -> pd.DataFrame:
    """A rollup query's rows as a frame, built column by column (from row tuples, pandas
    takes 0.5 s for 100,000 rows)."""
    names = ("model", *KEYS, *MEASURES)
    rows = conn.execute(query).all()
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(names)
    return pd.DataFrame(
        {
            name: np.asarray(
                values, dtype=np.float64 if name == "sentiment_sum" else _DTYPES.get(name, object)
            )
            for name, values in zip(names, columns, strict=True)
            if name != "model"
        }
    )


_DTYPES: dict[str, Any] = {"bucket": np.int64, **{name: np.int64 for name in MEASURES}}


def _add_up(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Rows of the same keys summed (rows taken away carry negative measures); rows that
    end with no post are dropped."""
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    if frame.empty:
        return frame
    frame = frame.groupby(list(KEYS), as_index=False, sort=False)[list(MEASURES)].sum()
    return frame[frame["posts"] != 0].reset_index(drop=True)
