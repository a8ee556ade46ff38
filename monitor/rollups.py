"""Pre-aggregated rollups of posts and scores, so the dashboard and reports answer over a
million posts in milliseconds instead of scanning every row.

Two tables, one row per (model, time bucket, platform, topic, language, sentiment): per UTC
day (``rollup_daily``) and per hour (``rollup_hourly``, for ranges of a few days), with the
post count, the sum of sentiment scores and how many of those posts mention each platform.
Posts without a score under ``model`` are rolled up too (topic and sentiment ``""``), so
volume counts while scoring runs.

``rollup_state`` records the store generation each model's rollup reflects (the store moves
it forward on every new post or score); ``monitor.queries`` uses the rollup only while the
two match (or, for the dashboard, within its refresh period), and otherwise reads the
posts, so a stale rollup is never shown. Two ways keep it current:

- ``refresh_rollups`` rebuilds the days from a given time on (hourly rows from the posts,
  daily rows from the hourly ones);
- on SQLite, ``follow_write``, called by the store inside every write transaction, adds what
  the write changed: posts above the rollup's posts rowid mark, and posts whose score is
  above its scores rowid mark moved from "unscored" to their topic and sentiment. It costs
  what the batch costs, where a refresh costs the whole day (1-2 s at a million posts, per
  batch). Writes it cannot follow (a score replaced, scores deleted) leave the rollup
  behind until the next refresh, as on PostgreSQL, where every write does.

The tables themselves belong to the store's schema.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from monitor.store import (
    MENTIONED_PLATFORMS,
    Store,
    changed_since,
    current_generation,
    max_rowid,
    now_ts,
    posts,
    rollup_daily,
    rollup_hourly,
    rollup_state,
    scores,
    store_changes,
    store_state,
    write_lock,
)

DAY = 86_400

# How a post names another platform. Matched case-insensitively (ASCII) in text and title.
MENTIONS: dict[str, tuple[str, ...]] = {
    "tiktok": ("tiktok", "tik tok", "抖音"),
    "rednote": ("rednote", "red note", "xiaohongshu", "小红书", "小紅書"),
    "x": ("twitter", "x.com", " on x ", " on x.", "推特"),
    "instagram": ("instagram", "insta ", "reels"),
    "lemon8": ("lemon8", "lemon 8"),
    "youtube": ("youtube", "youtu.be", "yt shorts", "油管"),
}

assert tuple(MENTIONS) == MENTIONED_PLATFORMS, "the rollup's mention columns follow MENTIONS"


def mention_condition(name: str, text: sa.ColumnElement[Any]) -> sa.ColumnElement[bool]:
    """True when ``text`` (already lower-cased) names platform ``name``."""
    return sa.or_(*(text.contains(pattern, autoescape=True) for pattern in MENTIONS[name]))


def _searchable_text() -> sa.ColumnElement[str]:
    # Padded with spaces so patterns such as " on x " also match at the edges.
    return sa.func.lower(" " + posts.c.text + " " + sa.func.coalesce(posts.c.title, "") + " ")


HOUR = 3_600
# Each rollup table with the name and size of its time bucket.
ROLLUPS: tuple[tuple[sa.Table, str, int], ...] = ((rollup_daily, "day", DAY), (rollup_hourly, "hour", HOUR))
MEASURES = ("posts", "sentiment_sum", *(f"mention_{name}" for name in MENTIONS))


def rollup_select(
    model: str,
    since_day: int | None = None,
    *,
    size: int = DAY,
    where: sa.ColumnElement[bool] | None = None,
    scored: bool = True,
    sign: int = 1,
) -> sa.Select[Any]:
    """Rollup rows for ``model`` in buckets of ``size`` seconds as a SELECT over posts and
    scores: of the posts created from ``since_day`` on, or matching ``where``. With
    ``scored=False`` the posts count as unscored whatever their score (what a newly scored
    post counted as before); ``sign=-1`` negates the measures (to take rows away)."""
    if scored:
        joined = posts.outerjoin(scores, sa.and_(scores.c.post_id == posts.c.id, scores.c.model == model))
        score = [
            sa.func.coalesce(scores.c.topic, "").label("topic"),
            sa.func.coalesce(scores.c.lang, posts.c.lang, "").label("lang"),
            sa.func.coalesce(scores.c.sentiment, "").label("sentiment"),
            scores.c.sentiment_score,
        ]
    else:
        joined = posts
        score = [
            sa.literal("").label("topic"),
            sa.func.coalesce(posts.c.lang, "").label("lang"),
            sa.literal("").label("sentiment"),
            sa.literal(None, sa.Float).label("sentiment_score"),
        ]
    rows = sa.select(
        ((posts.c.created_at // size) * size).label("bucket"),
        posts.c.platform,
        *score,
        _searchable_text().label("search"),
    ).select_from(joined)
    if since_day is not None:
        rows = rows.where(posts.c.created_at >= since_day)
    if where is not None:
        rows = rows.where(where)
    # OFFSET 0 keeps the database from folding this subquery into the outer one, which
    # would lower-case each post's text once per mention pattern (18 times) instead of once:
    # the refresh after every collected batch takes half the time.
    row = rows.offset(0).subquery("post_rows")
    return (
        sa.select(
            sa.literal(model).label("model"),
            row.c.bucket,
            row.c.platform,
            row.c.topic,
            row.c.lang,
            row.c.sentiment,
            (sign * sa.func.count()).label("posts"),
            (sign * sa.func.coalesce(sa.func.sum(row.c.sentiment_score), 0.0)).label("sentiment_sum"),
            *(
                (sign * sa.func.sum(sa.case((mention_condition(name, row.c.search), 1), else_=0))).label(
                    f"mention_{name}"
                )
                for name in MENTIONS
            ),
        )
        # By position: the grouped expressions carry bound parameters (see queries._ordinals).
        .group_by(*(sa.literal_column(str(position)) for position in range(2, 7)))
    )


def _daily_from_hourly(model: str, since_day: int | None) -> sa.Select[Any]:
    """The daily rows of ``model`` as sums of its hourly rows (from ``since_day``)."""
    day = ((rollup_hourly.c.hour // DAY) * DAY).label("day")
    dimensions = [rollup_hourly.c[name] for name in ("platform", "topic", "lang", "sentiment")]
    query = sa.select(
        rollup_hourly.c.model,
        day,
        *dimensions,
        *(sa.func.sum(rollup_hourly.c[name]).label(name) for name in MEASURES),
    ).where(rollup_hourly.c.model == model)
    if since_day is not None:
        query = query.where(rollup_hourly.c.hour >= since_day)
    return query.group_by(rollup_hourly.c.model, sa.literal_column("2"), *dimensions)


def refresh_rollups(store: Store, model: str, since_ts: int | None = None) -> int:
    """Rebuild the rollup rows of ``model`` for days from ``since_ts`` on (all days when
    None) and record what the rollup now reflects. Call it after scoring (and after
    collecting) with the oldest ``created_at`` among the posts that changed; a rollup the
    writes kept current (see ``follow_write``) is left as it is. Returns the number of
    rollup rows written (daily and hourly)."""
    with store.begin() as conn:
        write_lock(conn)  # the rowid marks must match the posts and scores read
        generation = current_generation(conn)
        known = conn.execute(
            sa.select(rollup_state.c.generation).where(rollup_state.c.model == model)
        ).scalar()
        if known == generation:
            return 0
        # A model without a rollup yet needs every day, not just the ones that changed.
        since_day = None if since_ts is None or known is None else (since_ts // DAY) * DAY
        written = 0
        for table, bucket, _ in (*ROLLUPS[1:], ROLLUPS[0]):  # hourly first: daily sums it
            delete = table.delete().where(table.c.model == model)
            if since_day is not None:
                delete = delete.where(table.c[bucket] >= since_day)
            conn.execute(delete)
            rows = (
                _daily_from_hourly(model, since_day)
                if table is rollup_daily
                else rollup_select(model, since_day, size=HOUR)
            )
            written += conn.execute(
                table.insert().from_select([column.name for column in table.columns], rows)
            ).rowcount
        marks = rowid_marks(conn)
        conn.execute(rollup_state.delete().where(rollup_state.c.model == model))
        conn.execute(
            rollup_state.insert().values(
                model=model,
                generation=generation,
                refreshed_at=now_ts(),
                posts_rowid=marks[0] if marks else None,
                scores_rowid=marks[1] if marks else None,
            )
        )
        _forget_changes(conn)
    return int(written or 0)


def rowid_marks(conn: Connection) -> tuple[int, int] | None:
    """The largest posts and scores rowids (SQLite only: other databases have none)."""
    posts_rowid, scores_rowid = max_rowid(conn, posts), max_rowid(conn, scores)
    return None if posts_rowid is None or scores_rowid is None else (posts_rowid, scores_rowid)


def newly_scored(model: str, posts_mark: int, scores_mark: int) -> sa.ColumnElement[bool]:
    """Posts up to ``posts_mark`` (so rolled up already, as unscored) whose score under
    ``model`` lies above ``scores_mark``."""
    return sa.and_(
        sa.literal_column("posts.rowid") <= posts_mark,
        posts.c.id.in_(
            # "+model": walk the new scores by rowid, not every score of the model by index
            sa.select(scores.c.post_id).where(
                sa.literal_column("scores.rowid") > scores_mark,
                sa.literal_column("+scores.model") == model,
            )
        ),
    )


def changes_since(
    model: str,
    marks: tuple[int, int],
    posts_mark: int,
    scores_mark: int,
    *,
    size: int = DAY,
    where: sa.ColumnElement[bool] | None = None,
) -> list[sa.Select[Any]]:
    """The rollup rows (of the posts matching ``where``) to add to rows that reflect posts
    and scores up to ``posts_mark`` / ``scores_mark`` to make them reflect ``marks``: newly
    scored posts taken away as unscored and added with their score, then the new posts with
    any score they already have."""
    match = sa.true() if where is None else where
    changes = []
    if marks[1] > scores_mark:
        moved = sa.and_(newly_scored(model, posts_mark, scores_mark), match)
        changes.append(rollup_select(model, size=size, where=moved, scored=False, sign=-1))
        changes.append(rollup_select(model, size=size, where=moved))
    if marks[0] > posts_mark:
        added = sa.and_(sa.literal_column("posts.rowid") > posts_mark, match)
        changes.append(rollup_select(model, size=size, where=added))
    return changes


def _forget_changes(conn: Connection) -> None:
    # The change log is only needed back to the oldest generation a rollup reflects.
    oldest = conn.execute(sa.select(sa.func.min(rollup_state.c.generation))).scalar()
    conn.execute(store_changes.delete().where(store_changes.c.generation <= (oldest or 0)))


def _add(conn: Connection, table: sa.Table, rows: sa.Select[Any]) -> None:
    """Add rollup ``rows`` (possibly negative) to ``table``, row by row on its key."""
    insert = sa.dialects.sqlite.insert(table).from_select([column.name for column in table.columns], rows)
    conn.execute(
        insert.on_conflict_do_update(
            index_elements=list(table.primary_key.columns),
            set_={name: table.c[name] + insert.excluded[name] for name in MEASURES},
        )
    )


def follow_write(conn: Connection, generation: int) -> None:
    """Inside a write transaction that just moved the store to ``generation`` by adding
    posts or scores (never replacing a score), add what it changed to every rollup that was
    current before it, and mark them current. SQLite only (elsewhere: no rowids)."""
    if conn.dialect.name != "sqlite":
        return
    states = conn.execute(
        sa.select(rollup_state.c.model, rollup_state.c.posts_rowid, rollup_state.c.scores_rowid).where(
            rollup_state.c.generation == generation - 1, rollup_state.c.posts_rowid.is_not(None)
        )
    ).all()
    if not states:
        return
    marks = rowid_marks(conn)
    assert marks is not None
    for model, posts_mark, scores_mark in states:
        oldest = None  # of the newly scored posts: rows they all left hold no post any more
        if marks[1] > scores_mark:
            moved = newly_scored(model, posts_mark, scores_mark)
            oldest = conn.execute(sa.select(sa.func.min(posts.c.created_at)).where(moved)).scalar()
        for table, bucket, size in ROLLUPS:
            for change in changes_since(model, marks, posts_mark, scores_mark, size=size):
                _add(conn, table, change)
            if oldest is not None:
                conn.execute(
                    table.delete().where(
                        table.c.model == model, table.c[bucket] >= oldest // size * size, table.c.posts == 0
                    )
                )
        conn.execute(
            rollup_state.update()
            .where(rollup_state.c.model == model)
            .values(generation=generation, posts_rowid=marks[0], scores_rowid=marks[1], refreshed_at=now_ts())
        )
    _forget_changes(conn)


def rollup_coverage(conn: Connection, model: str, max_lag: int = 0) -> int | None | bool:
    """How far the rollup of ``model`` can be trusted: ``True`` when it reflects every post
    and score, or when ``max_lag`` > 0 and it was refreshed at most ``max_lag`` seconds ago
    (a reader that accepts numbers that old: the dashboard, for its refresh period, while
    collectors write every second); a day (Unix seconds) when changes since its refresh
    only touched that day and later (the days before it are exact); ``False`` when it
    cannot be used."""
    # One statement, so one snapshot: read apart, a write committed in between (which moves
    # both) made a current rollup look behind, and its change already forgotten.
    store_generation = sa.select(store_state.c.generation).where(store_state.c.id == 1).scalar_subquery()
    state = conn.execute(
        sa.select(rollup_state.c.generation, rollup_state.c.refreshed_at, store_generation).where(
            rollup_state.c.model == model
        )
    ).first()
    if state is None:
        return False
    reflected, refreshed_at, generation = state
    if reflected == generation:
        return True
    if max_lag > 0 and now_ts() - int(refreshed_at) <= max_lag:
        return True
    first = changed_since(conn, reflected)
    if first is None:
        return False
    return (first // DAY) * DAY


def rollup_is_current(conn: Connection, model: str) -> bool:
    """Whether the rollup of ``model`` still reflects every post and score in the store."""
    return rollup_coverage(conn, model) is True


def rolled_up_models(store: Store) -> list[str]:
    """The models that have a rollup (to refresh after new posts arrive)."""
    with store.engine.connect() as conn:
        return list(conn.execute(sa.select(rollup_state.c.model)).scalars())
