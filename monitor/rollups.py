"""Pre-aggregated daily rollups of posts and scores, so the dashboard and reports answer
over a million posts in milliseconds instead of scanning every row.

One row per (model, day, platform, topic, language, sentiment) with the post count, the
sum of sentiment scores and how many of those posts mention each platform. Posts without
a score under ``model`` are rolled up too (topic and sentiment ``""``), so volume counts
while scoring runs. ``rollup_state`` records the store generation the rollup reflects
(the store moves it forward on every new post or score); ``monitor.queries`` uses the
rollup only while the two match, and otherwise falls back to plain queries, so a stale
rollup is never shown. The tables themselves belong to the store's schema.
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
    now_ts,
    posts,
    rollup_daily,
    rollup_state,
    scores,
    store_changes,
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


def rollup_select(model: str, since_day: int | None) -> sa.Select[Any]:
    """The rollup rows for ``model`` as a SELECT over posts and scores (from ``since_day``)."""
    joined = posts.outerjoin(scores, sa.and_(scores.c.post_id == posts.c.id, scores.c.model == model))
    rows = sa.select(
        ((posts.c.created_at // DAY) * DAY).label("day"),
        posts.c.platform,
        sa.func.coalesce(scores.c.topic, "").label("topic"),
        sa.func.coalesce(scores.c.lang, posts.c.lang, "").label("lang"),
        sa.func.coalesce(scores.c.sentiment, "").label("sentiment"),
        scores.c.sentiment_score,
        _searchable_text().label("search"),
    ).select_from(joined)
    if since_day is not None:
        rows = rows.where(posts.c.created_at >= since_day)
    # OFFSET 0 keeps the database from folding this subquery into the outer one, which
    # would lower-case each post's text once per mention pattern (18 times) instead of once:
    # the refresh after every collected batch takes half the time.
    row = rows.offset(0).subquery("post_rows")
    return (
        sa.select(
            sa.literal(model).label("model"),
            row.c.day,
            row.c.platform,
            row.c.topic,
            row.c.lang,
            row.c.sentiment,
            sa.func.count().label("posts"),
            sa.func.coalesce(sa.func.sum(row.c.sentiment_score), 0.0).label("sentiment_sum"),
            *(
                sa.func.sum(sa.case((mention_condition(name, row.c.search), 1), else_=0)).label(
                    f"mention_{name}"
                )
                for name in MENTIONS
            ),
        )
        # By position: the grouped expressions carry bound parameters (see queries._ordinals).
        .group_by(*(sa.literal_column(str(position)) for position in range(2, 7)))
    )


def refresh_rollups(store: Store, model: str, since_ts: int | None = None) -> int:
    """Rebuild the rollup rows of ``model`` for days from ``since_ts`` on (all days when
    None) and record the counts the rollup now reflects. Call it after scoring (and after
    collecting) with the oldest ``created_at`` among the posts that changed; returns the
    number of rollup rows written."""
    columns = [column.name for column in rollup_daily.columns]
    with store.begin() as conn:
        generation = current_generation(conn)
        known = conn.execute(sa.select(rollup_state.c.model).where(rollup_state.c.model == model)).first()
        # A model without a rollup yet needs every day, not just the ones that changed.
        since_day = None if since_ts is None or known is None else (since_ts // DAY) * DAY
        delete = rollup_daily.delete().where(rollup_daily.c.model == model)
        if since_day is not None:
            delete = delete.where(rollup_daily.c.day >= since_day)
        conn.execute(delete)
        written = conn.execute(
            rollup_daily.insert().from_select(columns, rollup_select(model, since_day))
        ).rowcount
        conn.execute(rollup_state.delete().where(rollup_state.c.model == model))
        conn.execute(rollup_state.insert().values(model=model, generation=generation, refreshed_at=now_ts()))
        # The change log is only needed back to the oldest generation a rollup reflects.
        oldest = conn.execute(sa.select(sa.func.min(rollup_state.c.generation))).scalar()
        conn.execute(store_changes.delete().where(store_changes.c.generation <= (oldest or 0)))
    return int(written or 0)


def rollup_coverage(conn: Connection, model: str, max_lag: int = 0) -> int | None | bool:
    """How far the rollup of ``model`` can be trusted: ``True`` when it reflects every post
    and score, or when ``max_lag`` > 0 and it was refreshed at most ``max_lag`` seconds ago
    (a reader that accepts numbers that old: the dashboard, for its refresh period, while
    collectors write every second); a day (Unix seconds) when changes since its refresh
    only touched that day and later (the days before it are exact); ``False`` when it
    cannot be used."""
    state = conn.execute(
        sa.select(rollup_state.c.generation, rollup_state.c.refreshed_at).where(rollup_state.c.model == model)
    ).first()
    if state is None:
        return False
    reflected, refreshed_at = state
    if reflected == current_generation(conn):
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
