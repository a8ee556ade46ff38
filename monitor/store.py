"""The store: posts, scores, cursors, rejects and runs, over any SQLAlchemy database URL.

SQLite (WAL mode) by default, PostgreSQL by URL. Times are stored as Unix seconds (UTC)
so per-day and per-hour buckets are plain integer arithmetic on every backend.
The schema is versioned; ``MIGRATIONS`` holds the ordered steps.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import operator
import os
import re
import socket
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.compiler import compiles

from monitor.models import POST_ROW_FIELDS, Post, PostRows, Reject, Score

if TYPE_CHECKING:
    from monitor.keyword_rollups import KeywordRollups

DEFAULT_URL = "sqlite:///data/monitor.db"

metadata = sa.MetaData()

schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("applied_at", sa.BigInteger, nullable=False),
)

posts = sa.Table(
    "posts",
    metadata,
    sa.Column("id", sa.String, primary_key=True),
    sa.Column("platform", sa.String, nullable=False),
    sa.Column("source", sa.String, nullable=False),
    sa.Column("native_id", sa.String, nullable=False),
    sa.Column("author", sa.String),
    sa.Column("title", sa.Text),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("lang", sa.String),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.Column("collected_at", sa.BigInteger, nullable=False),
    sa.Column("url", sa.Text),
    sa.Column("likes", sa.BigInteger),
    sa.Column("reposts", sa.BigInteger),
    sa.Column("replies", sa.BigInteger),
    sa.Column("views", sa.BigInteger),
    sa.Column("parent_id", sa.String),
    sa.Column("raw", sa.Text),
    # likes + reposts + replies, kept on write so "most engaged" is an index scan.
    sa.Column("engagement", sa.BigInteger, nullable=False, server_default="0"),
    sa.Index("ix_posts_platform_created", "platform", "created_at"),
    sa.Index("ix_posts_created", "created_at"),
    sa.Index("ix_posts_collected", "collected_at"),
    sa.Index("ix_posts_engagement", "engagement"),
    sa.Index("ix_posts_source", "source"),
)

scores = sa.Table(
    "scores",
    metadata,
    sa.Column("post_id", sa.String, primary_key=True),
    sa.Column("model", sa.String, primary_key=True),
    sa.Column("sentiment", sa.String, nullable=False),
    sa.Column("sentiment_score", sa.Float, nullable=False),
    sa.Column("prob_negative", sa.Float, nullable=False),
    sa.Column("prob_neutral", sa.Float, nullable=False),
    sa.Column("prob_positive", sa.Float, nullable=False),
    sa.Column("topic", sa.String, nullable=False),
    sa.Column("topic_score", sa.Float, nullable=False),
    sa.Column("topic_runner_up", sa.String),
    sa.Column("topic_runner_up_score", sa.Float),
    sa.Column("lang", sa.String),
    sa.Column("confidence", sa.Float),
    sa.Column("scored_at", sa.BigInteger, nullable=False),
    sa.Index("ix_scores_model_topic_post", "model", "topic", "post_id"),
)

# Posts a scoring worker has taken (``monitor score --worker``): another worker skips them
# until ``lease_until`` passes, so a worker that dies only delays its batch.
score_claims = sa.Table(
    "score_claims",
    metadata,
    sa.Column("post_id", sa.String, primary_key=True),
    sa.Column("model", sa.String, primary_key=True),
    sa.Column("worker", sa.String, nullable=False),
    sa.Column("lease_until", sa.BigInteger, nullable=False),
    sa.Index("ix_score_claims_worker", "worker"),
)

source_state = sa.Table(
    "source_state",
    metadata,
    sa.Column("source", sa.String, primary_key=True),
    sa.Column("cursor", sa.Text),
    sa.Column("updated_at", sa.BigInteger, nullable=False),
)

rejects = sa.Table(
    "rejects",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.Integer),
    sa.Column("source", sa.String, nullable=False),
    sa.Column("location", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("raw", sa.Text),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.Index("ix_rejects_source", "source"),
)

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String, nullable=False),
    sa.Column("source", sa.String),
    sa.Column("status", sa.String, nullable=False),
    sa.Column("started_at", sa.BigInteger, nullable=False),
    sa.Column("finished_at", sa.BigInteger),
    sa.Column("posts_new", sa.Integer, nullable=False, default=0),
    sa.Column("posts_updated", sa.Integer, nullable=False, default=0),
    sa.Column("rejects", sa.Integer, nullable=False, default=0),
    sa.Column("scored", sa.Integer, nullable=False, default=0),
    sa.Column("error", sa.Text),
    # host:pid of the process running it, so a restart only closes its own dead runs.
    sa.Column("owner", sa.String),
    sa.Index("ix_runs_source_started", "source", "started_at"),
)

# One row that every write which changes what the charts show moves forward, so a
# rollup can tell in one read whether it is still current.
store_state = sa.Table(
    "store_state",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("generation", sa.BigInteger, nullable=False),
    # The last generation whose change the rollups could not follow (schema version 2).
    sa.Column("unfollowed", sa.BigInteger),
    # The last posts.rowid in the SQLite search index (see _index_new_posts).
    sa.Column("search_rowid", sa.BigInteger, nullable=False, server_default="0"),
)

# Which day each generation's change starts at: a rollup that is a few generations behind
# stays exact for the days before the earliest change and the rest is read from posts.
store_changes = sa.Table(
    "store_changes",
    metadata,
    sa.Column("generation", sa.BigInteger, primary_key=True),
    sa.Column("first_ts", sa.BigInteger, nullable=False),
)

# Platforms whose mentions the rollup counts (the patterns live in monitor.rollups).
MENTIONED_PLATFORMS = ("tiktok", "rednote", "x", "instagram", "lemon8", "youtube")


# Pre-aggregated rows per model, time bucket (a UTC day or hour), platform, topic, language
# and sentiment, kept by monitor.rollups; unscored posts roll up with topic and sentiment "".
def _rollup_table(name: str, bucket: str) -> sa.Table:
    return sa.Table(
        name,
        metadata,
        sa.Column("model", sa.String, primary_key=True),
        sa.Column(bucket, sa.BigInteger, primary_key=True),
        sa.Column("platform", sa.String, primary_key=True),
        sa.Column("topic", sa.String, primary_key=True),
        sa.Column("lang", sa.String, primary_key=True),
        sa.Column("sentiment", sa.String, primary_key=True),
        sa.Column("posts", sa.BigInteger, nullable=False),
        sa.Column("sentiment_sum", sa.Float, nullable=False),
        *(sa.Column(f"mention_{name}", sa.BigInteger, nullable=False) for name in MENTIONED_PLATFORMS),
    )


rollup_daily = _rollup_table("rollup_daily", "day")
# The same per hour, for ranges of a few days (schema version 2).
rollup_hourly = _rollup_table("rollup_hourly", "hour")

# The store generation each model's rollup reflects and, on SQLite, the last posts and
# scores rowids it holds: rows above them are what a write adds to it (monitor.rollups).
rollup_state = sa.Table(
    "rollup_state",
    metadata,
    sa.Column("model", sa.String, primary_key=True),
    sa.Column("generation", sa.BigInteger, nullable=False),
    sa.Column("refreshed_at", sa.BigInteger, nullable=False),
    sa.Column("posts_rowid", sa.BigInteger),  # schema version 2
    sa.Column("scores_rowid", sa.BigInteger),  # schema version 2
)

# Every report run: its window, files and deliveries (see monitor.reports.runs).
report_runs = sa.Table(
    "report_runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("report", sa.String, nullable=False),
    sa.Column("trigger", sa.String, nullable=False),  # schedule, manual
    sa.Column("scheduled_for", sa.BigInteger),  # the cron fire time; NULL for manual runs
    sa.Column("window_start", sa.BigInteger, nullable=False),
    sa.Column("window_end", sa.BigInteger, nullable=False),
    sa.Column("started_at", sa.BigInteger, nullable=False),
    sa.Column("finished_at", sa.BigInteger),
    sa.Column("status", sa.String, nullable=False),  # running, ok, partial, failed, interrupted
    sa.Column("folder", sa.Text),
    sa.Column("files", sa.Text, nullable=False, default="[]"),  # JSON list of file names in folder
    sa.Column("deliveries", sa.Text, nullable=False, default="[]"),  # JSON list of DeliveryOutcome
    sa.Column("summary", sa.Text),  # JSON ReportSummary, so a delivery can be retried later
    sa.Column("error", sa.Text),
    sa.Column("owner", sa.String),  # host:pid of the process making it
    sa.UniqueConstraint("report", "scheduled_for", name="uq_report_runs_scheduled"),
    sa.Index("ix_report_runs_report_started", "report", "started_at"),
)

# Columns a re-collected post may change: engagement moves, the text does not.
ENGAGEMENT = ("likes", "reposts", "replies", "views")
ENGAGEMENT_SUM = ("likes", "reposts", "replies")


def _create_v1(conn: Connection) -> None:
    metadata.create_all(
        conn, tables=[table for table in metadata.sorted_tables if table is not rollup_hourly]
    )
    conn.execute(store_state.insert().values(id=1, generation=0))
    _create_search_index(conn)


# Keyword search: on SQLite an FTS5 trigram index over posts (substring matches in any
# script, Chinese included, for keywords of three characters or more); on PostgreSQL a
# pg_trgm GIN index that ILIKE uses by itself. The SQLite index is derived data, like the
# scores: it is built behind the writes, up to ``store_state.search_rowid`` (see
# ``Store.index_new_posts``), so an import does not tokenise as it writes. The triggers
# keep the rows already indexed in step with edits and leave the others to the builder:
# an FTS5 'delete' of a row that was never indexed would corrupt the index. Deleting the
# newest indexed row lowers the mark, as SQLite may hand its rowid to the next insert.
_SEARCH_INDEXED = "old.rowid <= (SELECT search_rowid FROM store_state WHERE id = 1)"
_SQLITE_SEARCH_TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS posts_search_delete AFTER DELETE ON posts "
    f"WHEN {_SEARCH_INDEXED} BEGIN "
    "INSERT INTO posts_search(posts_search, rowid, text, title) "
    "VALUES ('delete', old.rowid, old.text, old.title); "
    "UPDATE store_state SET search_rowid = min(search_rowid, coalesce((SELECT max(rowid) FROM posts), 0)) "
    "WHERE id = 1; END",
    "CREATE TRIGGER IF NOT EXISTS posts_search_update AFTER UPDATE OF text, title ON posts "
    f"WHEN {_SEARCH_INDEXED} BEGIN "
    "INSERT INTO posts_search(posts_search, rowid, text, title) "
    "VALUES ('delete', old.rowid, old.text, old.title); "
    "INSERT INTO posts_search(rowid, text, title) VALUES (new.rowid, new.text, new.title); END",
)
_SQLITE_SEARCH_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS posts_search USING fts5("
    "text, title, content='posts', content_rowid='rowid', tokenize='trigram')",
    *_SQLITE_SEARCH_TRIGGERS,
)
SEARCH_MIN_CHARS = 3
# Posts added to the search index per transaction by ``Store.index_new_posts``.
SEARCH_INDEX_CHUNK = 50_000


def _create_search_index(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        for statement in _SQLITE_SEARCH_DDL:
            conn.exec_driver_sql(statement)
    elif conn.dialect.name == "postgresql":
        available = conn.exec_driver_sql(
            "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'"
        ).scalar()
        if available:
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            conn.exec_driver_sql(
                "CREATE INDEX IF NOT EXISTS ix_posts_text_trgm ON posts USING gin (text gin_trgm_ops)"
            )


class SearchPrefilter(sa.sql.expression.ColumnElement[bool]):
    """A condition that narrows posts to those whose text or title may contain a keyword,
    using the store's search index; always combine it with the exact match. Compiles to
    an FTS5 lookup on SQLite (which lets through every post the index has not reached
    yet, so the result stays exact however far it lags) and to TRUE elsewhere
    (PostgreSQL's ILIKE uses its trigram index directly)."""

    inherit_cache = True
    type = sa.types.NullType()  # rendered as is: a Boolean would get "= 1" on SQLite

    def __init__(self, keyword: str) -> None:
        self.keyword = keyword


@compiles(SearchPrefilter)
def _search_prefilter_default(element: SearchPrefilter, compiler: Any, **kw: Any) -> str:
    return "1 = 1"


@compiles(SearchPrefilter, "sqlite")
def _search_prefilter_sqlite(element: SearchPrefilter, compiler: Any, **kw: Any) -> str:
    if len(element.keyword) < SEARCH_MIN_CHARS:
        return "1 = 1"  # trigrams need three characters: the exact match scans instead
    # Every trigram of the keyword (the index holds no positions to match it as a phrase):
    # a superset of the posts that contain it, which the exact match then narrows.
    keyword = element.keyword
    width = SEARCH_MIN_CHARS
    trigrams = dict.fromkeys(keyword[i : i + width] for i in range(len(keyword) - width + 1))
    query = " AND ".join('"' + trigram.replace('"', '""') + '"' for trigram in trigrams)
    bound = compiler.process(sa.bindparam("search_trigrams", query, unique=True), **kw)
    # Posts above the mark are not indexed yet: they pass, and the exact match decides.
    return (
        f"posts.rowid IN (SELECT rowid FROM posts_search WHERE posts_search MATCH {bound} "
        "UNION ALL SELECT rowid FROM posts WHERE rowid > (SELECT search_rowid FROM store_state WHERE id = 1))"
    )


# Ordered migration steps; step i brings the schema to version i + 1. Append, never edit.
def _add_hourly_rollup_v2(conn: Connection) -> None:
    """The hourly rollup and the rowid marks that let writes keep rollups current. The
    rollups built so far have neither: they are dropped and rebuilt by the next refresh."""
    rollup_hourly.create(conn, checkfirst=True)
    for table, names in ((rollup_state, ("posts_rowid", "scores_rowid")), (store_state, ("unfollowed",))):
        present = {column["name"] for column in sa.inspect(conn).get_columns(table.name)}
        for name in names:
            if name not in present:  # a store created at version 1 (today's v1 already has them)
                conn.exec_driver_sql(f"ALTER TABLE {table.name} ADD COLUMN {name} BIGINT")
    conn.execute(rollup_state.delete())
    conn.execute(rollup_daily.delete())


def _guard_search_triggers_v3(conn: Connection) -> None:
    """The search triggers of version 1 touched the index for every row; now that the index
    is built behind the writes they must leave alone the rows it has not reached."""
    if conn.dialect.name != "sqlite":
        return
    conn.exec_driver_sql("DROP TRIGGER IF EXISTS posts_search_delete")
    conn.exec_driver_sql("DROP TRIGGER IF EXISTS posts_search_update")
    for statement in _SQLITE_SEARCH_TRIGGERS:
        conn.exec_driver_sql(statement)


_SQLITE_SEARCH_TABLE_V4 = (
    "CREATE VIRTUAL TABLE posts_search USING fts5("
    "text, title, content='posts', content_rowid='rowid', tokenize='trigram', detail=none)"
)


def _search_without_positions_v4(conn: Connection) -> None:
    """The search index keeps which posts hold each trigram, not where: it only narrows
    the posts the exact match reads, so positions were cost without use (200,000 posts:
    built in 1.5 s instead of 3.0, 28 MB instead of 92). Dropped and rebuilt behind the
    writes from the first post; keyword search stays exact meanwhile, by scanning."""
    if conn.dialect.name != "sqlite":
        return
    conn.exec_driver_sql("DROP TABLE IF EXISTS posts_search")
    conn.exec_driver_sql(_SQLITE_SEARCH_TABLE_V4)
    conn.execute(store_state.update().where(store_state.c.id == 1).values(search_rowid=0))


MIGRATIONS: list[Callable[[Connection], None]] = [
    _create_v1,
    _add_hourly_rollup_v2,
    _guard_search_triggers_v3,
    _search_without_positions_v4,
]
SCHEMA_VERSION = len(MIGRATIONS)


def _version(conn: Connection) -> int:
    if not sa.inspect(conn).has_table("schema_version"):
        return 0
    return conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0


def process_owner() -> str:
    """``host:pid`` of this process, recorded on the runs it starts."""
    return f"{socket.gethostname()}:{os.getpid()}"


def owner_is_dead(owner: str | None, host: str) -> bool:
    if not owner:
        return True
    owner_host, _, pid = owner.rpartition(":")
    if owner_host != host or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def lease_key(name: str) -> int:
    """The PostgreSQL advisory lock key (a signed 64-bit integer) of a lease name, the same
    in every process (Python's ``hash`` of a string is not)."""
    digest = hashlib.blake2b(f"ban-monitor:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def now_ts() -> int:
    return int(datetime.now(UTC).timestamp())


def to_ts(moment: datetime) -> int:
    return int(moment.astimezone(UTC).timestamp())


# What varies between rejects of one kind: the quoted value and the numbers in a reason.
_REASON_VALUES = re.compile(r"'[^']*'|\"[^\"]*\"|\d+")
REJECT_KINDS_WINDOW = 100_000


@dataclass(frozen=True)
class WriteResult:
    """What one write did: posts that were new, posts already stored, rejects kept."""

    new: int = 0
    updated: int = 0
    rejected: int = 0

    def __add__(self, other: WriteResult) -> WriteResult:
        return WriteResult(self.new + other.new, self.updated + other.updated, self.rejected + other.rejected)


@dataclass(frozen=True)
class PostToScore:
    id: str
    text: str
    title: str | None
    lang: str | None
    created_at: int = 0
    collected_at: int = 0


class Store:
    """All reads and writes of the database; built once by the CLI or app factory."""

    def __init__(self, url: str = DEFAULT_URL, *, migrate: bool = True) -> None:
        self.url = url
        self.engine = _make_engine(url)
        # A long-running reader (the dashboard) sets a monitor.keyword_rollups.KeywordRollups
        # here, and keyword aggregates come from it instead of reading the matching posts.
        self.keywords: KeywordRollups | None = None
        if migrate:
            self.migrate()
            self.ensure_post_indexes()

    # -------------------------------------------------------------- schema

    def version(self) -> int:
        with self.engine.connect() as conn:
            return _version(conn)

    def migrate(self) -> int:
        """Apply the migrations this store lacks; returns the new version."""
        current = self.version()
        if current > SCHEMA_VERSION:
            raise RuntimeError(
                f"the store at {self.safe_url} has schema version {current}, newer than this "
                f"code ({SCHEMA_VERSION}); upgrade ban-monitor"
            )
        for attempt in range(20):
            try:
                self._apply_migrations(self.version())
                return SCHEMA_VERSION
            except (sa.exc.OperationalError, sa.exc.IntegrityError, sa.exc.ProgrammingError):
                # Another process is migrating the same store at this moment: wait for it.
                if self.version() >= SCHEMA_VERSION:
                    return SCHEMA_VERSION
                if attempt == 19:
                    raise
                time.sleep(0.1 * (attempt + 1))
        return SCHEMA_VERSION

    def _apply_migrations(self, current: int) -> None:
        for version in range(current, SCHEMA_VERSION):
            with self.engine.begin() as conn:
                if conn.dialect.name == "postgresql":  # one migrating process at a time
                    conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7401)")
                    if _version(conn) > version:
                        continue
                MIGRATIONS[version](conn)
                schema_version.create(conn, checkfirst=True)
                conn.execute(schema_version.insert().values(version=version + 1, applied_at=now_ts()))

    def ensure_post_indexes(self) -> None:
        """Create any of the posts table's indexes that is missing: an import into an empty
        store builds them after its rows (``deferred_post_indexes``), and one that was
        killed meanwhile left them out. Reads the schema only when all are there."""
        if self.engine.dialect.name != "sqlite":
            return
        listed = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'posts'"
        with self.engine.connect() as conn:
            present = set(conn.exec_driver_sql(listed).scalars())
        missing = [index for index in posts.indexes if index.name not in present]
        if missing:
            with self.engine.begin() as conn:
                write_lock(conn)
                for index in missing:
                    index.create(conn, checkfirst=True)

    @contextmanager
    def deferred_post_indexes(self) -> Iterator[None]:
        """Around a run that fills an empty store (SQLite): its posts go in without the
        five secondary indexes, which are built from all the rows at the end (an import of
        a million rows: 22 s → 16 s; each row had to be placed in five trees at random
        places). The primary key stays, so upserts are as before. Readers meanwhile scan
        the posts, which are all new. A run killed meanwhile leaves the indexes out until
        the next ``Store`` opens the file (``ensure_post_indexes``). Does nothing when the
        store holds posts or is not SQLite. After an interrupt (``KeyboardInterrupt``) the
        indexes are left to the next opening too: it may have landed inside a write, whose
        lock the driver keeps until the process ends (see ``run_collector``)."""
        deferred = False
        interrupted = False
        empty = "SELECT NOT EXISTS (SELECT 1 FROM posts)"
        if self.engine.dialect.name == "sqlite":
            with self.engine.connect() as conn:  # a read: most runs find posts and stop here
                maybe_empty = conn.exec_driver_sql(empty).scalar_one()
            if maybe_empty:
                with self.engine.begin() as conn:
                    write_lock(conn)
                    if conn.exec_driver_sql(empty).scalar_one():  # still, under the write lock
                        for index in posts.indexes:
                            index.drop(conn, checkfirst=True)
                        deferred = True
        try:
            yield
        except BaseException as err:
            interrupted = not isinstance(err, Exception)
            raise
        finally:
            if deferred and not interrupted:
                self.ensure_post_indexes()

    @property
    def safe_url(self) -> str:
        """The URL with any password hidden, for messages and logs."""
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    # -------------------------------------------------------------- writes

    def write_batch(
        self,
        batch: Sequence[Post],
        batch_rejects: Sequence[Reject] = (),
        *,
        source: str | None = None,
        cursor: Any = None,
        run_id: int | None = None,
    ) -> WriteResult:
        """Upsert posts, keep rejects and save the source's cursor in one transaction,
        so a crash loses nothing and duplicates nothing."""
        with self.engine.begin() as conn:
            result = self._upsert_posts(conn, batch)
            self._add_rejects(conn, batch_rejects, run_id)
            if source is not None and cursor is not None:
                self._save_cursor(conn, source, cursor)
        return WriteResult(result.new, result.updated, len(batch_rejects))

    def _upsert_posts(self, conn: Connection, batch: Sequence[Post]) -> WriteResult:
        if not batch:
            return WriteResult()
        if conn.dialect.name == "sqlite":
            return _upsert_posts_sqlite(conn, batch)
        rows: dict[str, dict[str, Any]] = {}
        collected = now_ts()
        for post in batch:  # the last copy of a post in a batch wins, as it would across batches
            rows[post.id] = _post_row(post, collected)
        ids = list(rows)
        existing: set[str] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            existing.update(conn.execute(sa.select(posts.c.id).where(posts.c.id.in_(chunk))).scalars())
        _executemany(conn, _post_upsert(conn.dialect.name), list(rows.values()))
        new = len(ids) - len(existing)
        if new:
            first = min(row["created_at"] for key, row in rows.items() if key not in existing)
            _advance_generation(conn, first)
        return WriteResult(new=new, updated=len(existing))

    def search_backlog(self) -> int:
        """Posts the SQLite search index has not reached yet (0 elsewhere): keyword search
        still finds them, by scanning them."""
        if self.engine.dialect.name != "sqlite":
            return 0
        with self.engine.connect() as conn:
            return conn.exec_driver_sql(
                "SELECT count(*) FROM posts WHERE rowid > (SELECT search_rowid FROM store_state WHERE id = 1)"
            ).scalar_one()

    def index_new_posts(
        self,
        on_progress: Callable[[int], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> int:
        """Bring the search index up to the newest post, a chunk per transaction (so writers
        get their turn between chunks); returns how many posts were added. ``on_progress``
        gets each chunk's count; ``should_stop`` is asked between chunks. The writes leave
        this to a later step (``monitor import`` and ``collect`` after their summary,
        ``monitor run`` after each collection)."""
        total = 0
        while should_stop is None or not should_stop():
            with self.engine.begin() as conn:
                write_lock(conn)
                added = _index_new_posts(conn, SEARCH_INDEX_CHUNK)
            if not added:
                return total
            total += added
            if on_progress is not None:
                on_progress(added)
        return total

    def generation(self) -> int:
        """A number that grows whenever posts are added or scores change."""
        with self.engine.connect() as conn:
            return current_generation(conn)

    def _add_rejects(self, conn: Connection, batch: Sequence[Reject], run_id: int | None) -> None:
        if batch:
            created = now_ts()
            conn.execute(
                rejects.insert(),
                [
                    {
                        "run_id": run_id,
                        "source": r.source,
                        "location": r.location,
                        "reason": r.reason,
                        "raw": None if r.raw is None else r.raw[:100_000],
                        "created_at": created,
                    }
                    for r in batch
                ],
            )

    def _save_cursor(self, conn: Connection, source: str, cursor: Any) -> None:
        insert = _dialect_insert(conn.dialect.name)(source_state)
        conn.execute(
            insert.on_conflict_do_update(
                index_elements=[source_state.c.source],
                set_={"cursor": insert.excluded.cursor, "updated_at": insert.excluded.updated_at},
            ),
            {"source": source, "cursor": json.dumps(cursor), "updated_at": now_ts()},
        )

    def get_cursor(self, source: str) -> Any:
        with self.engine.connect() as conn:
            value = conn.execute(
                sa.select(source_state.c.cursor).where(source_state.c.source == source)
            ).scalar()
        return None if value is None else json.loads(value)

    def clear_cursor(self, source: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(source_state.delete().where(source_state.c.source == source))

    # -------------------------------------------------------------- runs

    def start_run(self, kind: str, source: str | None = None) -> int:
        with self.engine.begin() as conn:
            return conn.execute(
                runs.insert()
                .values(
                    kind=kind, source=source, status="running", started_at=now_ts(), owner=process_owner()
                )
                .returning(runs.c.id)
            ).scalar_one()

    def finish_run(
        self,
        run_id: int,
        *,
        status: str,
        result: WriteResult = WriteResult(),
        scored: int = 0,
        error: str | None = None,
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                runs.update()
                .where(runs.c.id == run_id)
                .values(
                    status=status,
                    finished_at=now_ts(),
                    posts_new=result.new,
                    posts_updated=result.updated,
                    rejects=result.rejected,
                    scored=scored,
                    error=None if error is None else error[:4000],
                )
            )

    def close_stale_runs(self) -> int:
        """Mark as interrupted the runs left "running" by processes of this host that no
        longer exist (a run of a live process, here or elsewhere, is left alone)."""
        host = socket.gethostname()
        with self.engine.begin() as conn:
            running = conn.execute(sa.select(runs.c.id, runs.c.owner).where(runs.c.status == "running")).all()
            dead = [run_id for run_id, owner in running if owner_is_dead(owner, host)]
            if dead:
                conn.execute(
                    runs.update()
                    .where(runs.c.id.in_(dead))
                    .values(
                        status="interrupted",
                        finished_at=now_ts(),
                        error="process ended before the run finished",
                    )
                )
        return len(dead)

    def last_runs(self, limit: int = 20) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(runs).order_by(runs.c.id.desc()).limit(limit)).mappings()
            return [dict(row) for row in rows]

    # -------------------------------------------------------------- scores

    def posts_to_score(self, model: str, limit: int, after_id: str = "") -> list[PostToScore]:
        """Posts with no score under ``model``, in id order after ``after_id``."""
        scored = sa.select(scores.c.post_id).where(scores.c.post_id == posts.c.id, scores.c.model == model)
        query = (
            sa.select(posts.c.id, posts.c.text, posts.c.title, posts.c.lang, posts.c.created_at)
            .where(posts.c.id > after_id, ~sa.exists(scored))
            .order_by(posts.c.id)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [PostToScore(*row) for row in conn.execute(query)]

    def save_scores(self, batch: Iterable[Score]) -> int:
        rows = [_score_row(score) for score in batch]
        if not rows:
            return 0
        with self.engine.begin() as conn:
            write_lock(conn)
            mark = max_rowid(conn, scores)
            insert = _dialect_insert(conn.dialect.name)(scores)
            conn.execute(
                insert.on_conflict_do_update(
                    index_elements=[scores.c.post_id, scores.c.model],
                    set_={c.name: insert.excluded[c.name] for c in scores.columns if not c.primary_key},
                ),
                rows,
            )
            # A replaced score moves its post between rollup rows a write cannot follow.
            replaced = mark is None or _count_above(conn, scores, mark) < len(
                {(r["post_id"], r["model"]) for r in rows}
            )
            _advance_generation(
                conn, _oldest_post_ts(conn, [row["post_id"] for row in rows]), follow=not replaced
            )
        return len(rows)

    def claim_posts(
        self, model: str, worker: str, limit: int, lease_seconds: int, *, since: int | None = None
    ) -> list[PostToScore]:
        """Take up to ``limit`` posts that have no score under ``model`` and no live claim,
        oldest collected first (from ``collected_at >= since`` when given), for ``worker``
        until ``lease_seconds`` from now. One statement: on PostgreSQL the candidate posts
        are locked ``FOR UPDATE SKIP LOCKED`` so concurrent workers take different ones, and
        the claim upsert only replaces an expired lease, so no post is held by two workers."""
        now = now_ts()
        scored = sa.select(scores.c.post_id).where(scores.c.post_id == posts.c.id, scores.c.model == model)
        held = sa.select(score_claims.c.post_id).where(
            score_claims.c.post_id == posts.c.id,
            score_claims.c.model == model,
            score_claims.c.lease_until > now,
        )
        candidates = sa.select(
            posts.c.id,
            sa.literal(model, sa.String),
            sa.literal(worker, sa.String),
            sa.literal(now + lease_seconds, sa.BigInteger),
        ).where(~sa.exists(scored), ~sa.exists(held))
        if since is not None:
            candidates = candidates.where(posts.c.collected_at >= since)
        candidates = candidates.order_by(posts.c.collected_at, posts.c.id).limit(limit)
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                candidates = candidates.with_for_update(skip_locked=True, of=posts)
            insert = _dialect_insert(conn.dialect.name)(score_claims).from_select(
                ["post_id", "model", "worker", "lease_until"], candidates
            )
            claim = insert.on_conflict_do_update(
                index_elements=[score_claims.c.post_id, score_claims.c.model],
                set_={"worker": insert.excluded.worker, "lease_until": insert.excluded.lease_until},
                where=score_claims.c.lease_until <= now,
            ).returning(score_claims.c.post_id)
            ids = list(conn.execute(claim).scalars())
            if not ids:
                return []
            # A fresh statement sees scores committed while the claim ran (on PostgreSQL a
            # worker may have scored a candidate and dropped its claim meanwhile): skip those.
            claimed = [
                PostToScore(*row)
                for row in conn.execute(
                    sa.select(
                        posts.c.id,
                        posts.c.text,
                        posts.c.title,
                        posts.c.lang,
                        posts.c.created_at,
                        posts.c.collected_at,
                    )
                    .where(posts.c.id.in_(ids), ~sa.exists(scored))
                    .order_by(posts.c.collected_at, posts.c.id)
                )
            ]
            done = set(ids) - {post.id for post in claimed}
            if done:
                conn.execute(
                    score_claims.delete().where(
                        score_claims.c.worker == worker,
                        score_claims.c.model == model,
                        score_claims.c.post_id.in_(done),
                    )
                )
            return claimed

    def save_claimed_scores(self, batch: Iterable[Score], worker: str, run_id: int | None = None) -> int:
        """Store the scores of posts ``worker`` claimed and drop its claims, in one
        transaction (counted on run ``run_id`` in the same one). A score already stored (a
        lease that expired while this worker was slow, and another worker's score) is kept:
        returns how many scores were new."""
        rows = [_score_row(score) for score in batch]
        if not rows:
            return 0
        with self.engine.begin() as conn:
            insert = _dialect_insert(conn.dialect.name)(scores).on_conflict_do_nothing(
                index_elements=[scores.c.post_id, scores.c.model]
            )
            added = len(conn.execute(insert.returning(scores.c.post_id), rows).all())
            models = {row["model"] for row in rows}
            ids = [row["post_id"] for row in rows]
            for start in range(0, len(ids), 500):
                conn.execute(
                    score_claims.delete().where(
                        score_claims.c.worker == worker,
                        score_claims.c.model.in_(models),
                        score_claims.c.post_id.in_(ids[start : start + 500]),
                    )
                )
            if added:
                _advance_generation(conn, _oldest_post_ts(conn, ids))
            if run_id is not None and added:
                conn.execute(runs.update().where(runs.c.id == run_id).values(scored=runs.c.scored + added))
        return added

    def release_claims(self, worker: str) -> int:
        """Give back every post ``worker`` still holds (a worker stopping cleanly)."""
        with self.engine.begin() as conn:
            return conn.execute(score_claims.delete().where(score_claims.c.worker == worker)).rowcount

    def count_unscored(self, model: str) -> int:
        """Posts with no score under ``model`` (claimed or not)."""
        scored = sa.select(scores.c.post_id).where(scores.c.post_id == posts.c.id, scores.c.model == model)
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(sa.func.count()).select_from(posts).where(~sa.exists(scored))
            ).scalar_one()

    # -------------------------------------------------------------- leases

    @contextmanager
    def try_lease(self, name: str) -> Iterator[bool]:
        """Hold the cluster-wide lease ``name`` for the duration of the block, if no other
        process holds it: yields whether this one got it. On PostgreSQL a session advisory
        lock on a connection of its own, so it ends with the holder (a crash, a lost
        connection); on SQLite, one machine by definition, always granted."""
        if self.engine.dialect.name != "postgresql":
            yield True
            return
        with self.engine.connect() as conn:
            key = lease_key(name)
            got = bool(conn.execute(sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar())
            conn.commit()
            try:
                yield got
            finally:
                if got:
                    conn.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                    conn.commit()

    @contextmanager
    def exclusive(self, name: str) -> Iterator[None]:
        """Run the block while no other process of the cluster runs a block under the same
        ``name`` (waits for it); on SQLite the database's own write lock serialises."""
        if self.engine.dialect.name != "postgresql":
            yield
            return
        with self.engine.connect() as conn:
            key = lease_key(name)
            conn.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": key})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                conn.commit()

    def delete_scores(self, model: str) -> int:
        with self.engine.begin() as conn:
            _advance_generation(conn, 0, follow=False)
            return conn.execute(scores.delete().where(scores.c.model == model)).rowcount

    # -------------------------------------------------------------- status

    def posts_per_platform(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(posts.c.platform, sa.func.count())
                .group_by(posts.c.platform)
                .order_by(posts.c.platform)
            )
            return {platform: count for platform, count in rows}

    def count_scored(self, model: str | None = None) -> int:
        query = sa.select(sa.func.count()).select_from(scores)
        if model is not None:
            query = query.where(scores.c.model == model)
        with self.engine.connect() as conn:
            return conn.execute(query).scalar_one()

    def count_rejects(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(rejects)).scalar_one()

    def reject_kinds(
        self, limit: int = 10, window: int = REJECT_KINDS_WINDOW, *, run_id: int | None = None
    ) -> list[dict[str, Any]]:
        """The commonest kinds of reject among the last ``window`` (those of one run among
        them, with ``run_id``): reasons with their quoted values and numbers left out
        ("created_at: unrecognised timestamp '…'"), each with its count and one example
        (its reason and location), commonest first."""
        with self.engine.connect() as conn:
            last = conn.execute(sa.select(sa.func.max(rejects.c.id))).scalar() or 0
            which = rejects.c.id > last - window
            if run_id is not None:
                which &= rejects.c.run_id == run_id
            count = sa.func.count()
            rows = conn.execute(
                sa.select(rejects.c.reason, count, sa.func.max(rejects.c.location))
                .where(which)
                .group_by(rejects.c.reason)
            ).all()
        kinds: dict[str, dict[str, Any]] = {}
        for reason, number, location in rows:
            kind = _REASON_VALUES.sub(lambda value: "N" if value[0].isdigit() else "'…'", reason)
            entry = kinds.setdefault(kind, {"kind": kind, "count": 0, "reason": reason, "location": location})
            entry["count"] += number
        return sorted(kinds.values(), key=lambda entry: (-entry["count"], entry["kind"]))[:limit]

    def recent_rejects(self, limit: int = 10) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(rejects).order_by(rejects.c.id.desc()).limit(limit)).mappings()
            return [dict(row) for row in rows]


def _make_engine(url: str) -> Engine:
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True)
    pool: dict[str, int] = {}
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # A threaded dashboard serves many analysts at once: SQLite connections are cheap.
        pool = {"pool_size": 20, "max_overflow": 20}
    engine = sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS}, **pool)

    @sa.event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        _use_wal(cursor)
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


SQLITE_BUSY_SECONDS = 30


def _use_wal(cursor: Any) -> None:
    """Switch a new SQLite store to WAL (the file keeps the mode, so an existing store is
    only asked). Processes creating the store at once can get "database is locked" from
    the switch without SQLite waiting its busy timeout, so the switch waits here."""
    import sqlite3

    deadline = time.monotonic() + SQLITE_BUSY_SECONDS
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _dialect_insert(dialect_name: str) -> Callable[..., Any]:
    if dialect_name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def _index_new_posts(conn: Connection, limit: int) -> int:
    """Add up to ``limit`` posts above the search mark to the SQLite search index and move
    the mark past them; returns how many were added. Posts are only ever appended (an
    upsert never changes text), so a rowid mark suffices, and running it again after a
    crash adds nothing twice: the rows and the mark are committed together."""
    if conn.dialect.name != "sqlite":
        return 0
    mark = conn.execute(sa.select(store_state.c.search_rowid).where(store_state.c.id == 1)).scalar() or 0
    upto = conn.exec_driver_sql(
        "SELECT max(rowid) FROM (SELECT rowid FROM posts WHERE rowid > ? ORDER BY rowid LIMIT ?)",
        (mark, limit),
    ).scalar()
    if upto is None:
        return 0
    added = conn.exec_driver_sql(
        "INSERT INTO posts_search(rowid, text, title) "
        "SELECT rowid, text, title FROM posts WHERE rowid > ? AND rowid <= ?",
        (mark, upto),
    ).rowcount
    conn.execute(store_state.update().where(store_state.c.id == 1).values(search_rowid=upto))
    return added


def _advance_generation(conn: Connection, first_ts: int, *, follow: bool = True) -> None:
    """Move the store's generation forward and log the earliest post time the change
    touched; with ``follow`` (the change only added posts or scores), the current rollups
    take the change in (``monitor.rollups.follow_write``), in the same transaction."""
    from monitor.rollups import follow_write  # rollups builds on this module's tables

    generation = conn.execute(
        store_state.update()
        .where(store_state.c.id == 1)
        .values(generation=store_state.c.generation + 1)
        .returning(store_state.c.generation)
    ).scalar_one()
    conn.execute(store_changes.insert().values(generation=generation, first_ts=int(first_ts)))
    if follow:
        follow_write(conn, generation)
    else:
        conn.execute(store_state.update().where(store_state.c.id == 1).values(unfollowed=generation))


def read_snapshot(conn: Connection) -> bool:
    """On SQLite, start a read transaction now, so every query until it ends sees the same
    data (the driver otherwise runs each SELECT on its own). Returns whether it started one
    (then end it with ``rollback``); inside a transaction already, that one is the snapshot."""
    if conn.dialect.name == "sqlite" and not conn.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
        conn.exec_driver_sql("BEGIN")
        return True
    return False


def write_lock(conn: Connection) -> None:
    """On SQLite, take the database's write lock now (``BEGIN IMMEDIATE``), so what the
    transaction reads before it writes cannot change under it."""
    if conn.dialect.name == "sqlite" and not conn.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def max_rowid(conn: Connection, table: sa.Table) -> int | None:
    """The largest rowid of ``table`` on SQLite (0 when empty); None elsewhere."""
    if conn.dialect.name != "sqlite":
        return None
    return conn.exec_driver_sql(f"SELECT coalesce(max(rowid), 0) FROM {table.name}").scalar_one()


def _count_above(conn: Connection, table: sa.Table, rowid: int) -> int:
    return conn.exec_driver_sql(f"SELECT count(*) FROM {table.name} WHERE rowid > ?", (rowid,)).scalar_one()


def _oldest_post_ts(conn: Connection, ids: list[str]) -> int:
    oldest: int | None = None
    for start in range(0, len(ids), 500):
        value = conn.execute(
            sa.select(sa.func.min(posts.c.created_at)).where(posts.c.id.in_(ids[start : start + 500]))
        ).scalar()
        if value is not None:
            oldest = value if oldest is None else min(oldest, value)
    return 0 if oldest is None else int(oldest)


def changed_since(conn: Connection, generation: int) -> int | None:
    """The earliest post time touched by changes after ``generation`` (None: none logged)."""
    return conn.execute(
        sa.select(sa.func.min(store_changes.c.first_ts)).where(store_changes.c.generation > generation)
    ).scalar()


def current_generation(conn: Connection) -> int:
    return conn.execute(sa.select(store_state.c.generation).where(store_state.c.id == 1)).scalar() or 0


def _executemany(conn: Connection, stmt: Any, rows: list[dict[str, Any]]) -> None:
    """Execute one statement for many rows at the driver level: SQLAlchemy's per-row
    parameter processing costs more than the insert itself on large imports."""
    compiled = stmt.compile(dialect=conn.dialect)
    if compiled.positional:
        names = compiled.positiontup
        conn.exec_driver_sql(str(compiled), [tuple(row[name] for name in names) for row in rows])
    else:
        conn.execute(stmt, rows)


def _post_upsert(dialect_name: str) -> Any:
    """Insert a post, or update only the engagement counts of one already stored (a
    missing count never erases a known one)."""
    insert = _dialect_insert(dialect_name)(posts)
    counts = {name: sa.func.coalesce(insert.excluded[name], posts.c[name]) for name in ENGAGEMENT}
    # literal_column, not a bound 0: the driver-level executemany binds row values only.
    engagement = sum(
        (sa.func.coalesce(counts[name], sa.literal_column("0")) for name in ENGAGEMENT_SUM),
        sa.literal_column("0"),
    )
    return insert.on_conflict_do_update(
        index_elements=[posts.c.id], set_={**counts, "engagement": engagement}
    )


POST_COLUMNS = tuple(column.name for column in posts.columns)
assert POST_COLUMNS == POST_ROW_FIELDS, "PostRows must hold the posts table's columns in order"
# Page cache of the connection that writes a batch (SQLite's default is 2 MB): the posts
# indexes and the search index of a large import stay in memory instead of re-reading pages.
SQLITE_WRITE_CACHE_KIB = 64 * 1024
# WAL pages before the writing connection checkpoints (SQLite's default is 1,000, 4 MB):
# fewer checkpoints copy each hot index page back once instead of many times, and fsync
# less (16% faster at 300,000 rows); the WAL file stays near 40-50 MB.
SQLITE_WRITE_CHECKPOINT_PAGES = 10_000


# A batch at least this large binds only the columns whose values differ between its rows;
# the others are written into the statement (see ``_common_values``).
SQLITE_COMMON_VALUES_MIN_ROWS = 1000


@functools.lru_cache(maxsize=32)
def _compiled_upsert(dialect: Any, common: tuple[tuple[str, Any], ...] = ()) -> tuple[str, tuple[int, ...]]:
    """The post upsert compiled once per dialect and set of common values: its SQL text and
    the positions in ``POST_COLUMNS`` of the values it binds per row. ``common`` columns are
    written into the statement as literals (NULL for None)."""
    statement = _post_upsert(dialect.name)
    if common:
        given = dict(common)
        statement = statement.values(
            {
                column.name: _sql_literal(column, given[column.name], dialect)
                if column.name in given
                else sa.bindparam(column.name)
                for column in posts.columns
            }
        )
    compiled = statement.compile(dialect=dialect)
    return str(compiled), tuple(POST_COLUMNS.index(name) for name in compiled.positiontup or ())


def _sql_literal(column: sa.Column[Any], value: Any, dialect: Any) -> Any:
    if value is None:
        return sa.null()
    return sa.literal_column(column.type.literal_processor(dialect)(value))


def _common_values(rows: Sequence[tuple[Any, ...]]) -> tuple[tuple[str, Any], ...]:
    """The columns (after the id) whose value is the same in every row: NULL where a
    source has no such field, its platform, source and collection time. Binding a value
    costs more than storing it; on a large import half the values are these."""
    first = rows[0]
    return tuple(
        (POST_COLUMNS[position], value)
        for position, value in enumerate(first)
        if position > 0
        and _fits_a_literal(value)
        and not any(map(operator.ne, map(operator.itemgetter(position), rows), itertools.repeat(value)))
    )


def _fits_a_literal(value: Any) -> bool:
    """Whether ``value`` can be written into a statement: NULL, an int SQLite holds, or a
    short string (the sqlite3 module refuses a statement with a NUL in it)."""
    if value is None:
        return True
    if isinstance(value, int):
        return -(2**63) <= value < 2**63
    return isinstance(value, str) and len(value) <= 200 and "\x00" not in value


def _upsert_posts_sqlite(conn: Connection, batch: Sequence[Post]) -> WriteResult:
    """The SQLite write path of ``write_batch``: one driver-level executemany of plain
    tuples, holding only the values that differ between rows. New posts are told from
    updated ones by rowid (a new row always gets a rowid above the largest one), so no
    lookup per post is needed; the write lock is taken first so no other writer's rows can
    fall in between."""
    rows: dict[str, tuple[Any, ...]] = {}
    # The last copy of a post in a batch wins, as it would across batches.
    if isinstance(batch, PostRows):  # rows already: a bulk reader's batch
        rows = {row[0]: row for row in batch.rows}
    else:
        collected = now_ts()
        for post in batch:
            row = PostRows.row_of(post, collected)
            rows[row[0]] = row
    values: Any = list(rows.values())
    common = _common_values(values) if len(values) >= SQLITE_COMMON_VALUES_MIN_ROWS else ()
    sql, positions = _compiled_upsert(conn.dialect, common)
    if len(positions) == 1:  # only the id differs
        values = [(row[0],) for row in values]
    elif positions != tuple(range(len(POST_COLUMNS))):
        values = list(map(operator.itemgetter(*positions), values))
    write_lock(conn)
    conn.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_WRITE_CACHE_KIB}")
    conn.exec_driver_sql(f"PRAGMA wal_autocheckpoint = {SQLITE_WRITE_CHECKPOINT_PAGES}")
    mark = max_rowid(conn, posts)
    conn.exec_driver_sql(sql, values)
    # New rows take the rowids above the mark, one each and in turn (we hold the lock).
    new = max_rowid(conn, posts) - mark
    if new == len(rows):  # all new: no need to read them back for the oldest
        first = min(map(operator.itemgetter(POST_COLUMNS.index("created_at")), rows.values()))
    elif new:
        first = conn.exec_driver_sql("SELECT min(created_at) FROM posts WHERE rowid > ?", (mark,)).scalar()
    if new:
        _advance_generation(conn, first)
    return WriteResult(new=new, updated=len(rows) - new)


def _post_row(post: Post, collected: int) -> dict[str, Any]:
    return dict(zip(POST_COLUMNS, PostRows.row_of(post, collected), strict=True))


def _score_row(score: Score) -> dict[str, Any]:
    return {
        "post_id": score.post_id,
        "model": score.model,
        "sentiment": score.sentiment,
        "sentiment_score": score.sentiment_score,
        "prob_negative": score.probs.get("negative", 0.0),
        "prob_neutral": score.probs.get("neutral", 0.0),
        "prob_positive": score.probs.get("positive", 0.0),
        "topic": score.topic,
        "topic_score": score.topic_score,
        "topic_runner_up": score.topic_runner_up,
        "topic_runner_up_score": score.topic_runner_up_score,
        "lang": score.lang,
        "confidence": score.confidence,
        "scored_at": to_ts(score.scored_at),
    }


def copy_store(
    source: Store, target: Store, *, chunk: int = 5000, on_rows: Callable[[str, int], None] | None = None
) -> dict[str, tuple[int, int]]:
    """Copy every table from one store into another (for example SQLite into PostgreSQL),
    upserting so a copy that was interrupted can simply be run again. Returns, per table,
    the row counts in the source and in the target afterwards."""
    counts: dict[str, tuple[int, int]] = {}
    for table in metadata.sorted_tables:
        if table in (
            schema_version,
            store_state,
            store_changes,
            score_claims,
        ):  # the target keeps its own state
            continue
        keys = [column.name for column in table.primary_key.columns]
        with source.engine.connect() as reader:
            result = reader.execution_options(stream_results=True, yield_per=chunk).execute(
                sa.select(table).order_by(*table.primary_key.columns)
            )
            for rows in result.mappings().partitions(chunk):
                with target.engine.begin() as writer:
                    insert = _dialect_insert(writer.dialect.name)(table)
                    update = {c.name: insert.excluded[c.name] for c in table.columns if c.name not in keys}
                    statement = (
                        insert.on_conflict_do_update(index_elements=keys, set_=update)
                        if update
                        else insert.on_conflict_do_nothing(index_elements=keys)
                    )
                    _executemany(writer, statement, [dict(row) for row in rows])
                if on_rows is not None:
                    on_rows(table.name, len(rows))
        counts[table.name] = (_count(source, table), _count(target, table))
    _advance_sequences(target)
    target.index_new_posts()
    return counts


def _count(store: Store, table: sa.Table) -> int:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def _advance_sequences(store: Store) -> None:
    """After copying explicit ids into PostgreSQL, move its id sequences past them."""
    if store.engine.dialect.name != "postgresql":
        return
    with store.engine.begin() as conn:
        for table in (rejects, runs):
            conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
            )
