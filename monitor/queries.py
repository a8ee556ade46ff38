"""Every number the dashboard and the reports show, as pure functions
``(store, filters, model, ...) -> pandas.DataFrame`` over SQLAlchemy Core.

Nothing else in the project writes SQL for reading posts and scores, so the dashboard and
the reports cannot disagree. Times are Unix seconds (UTC) bucketed with integer
arithmetic, so the same SQL runs on SQLite and PostgreSQL. Aggregates read the daily
rollup (``monitor.rollups``) when it is current and the view allows it (no keyword,
day buckets); otherwise they scan posts and scores, with the same results.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal
from urllib.parse import parse_qs, urlencode

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from monitor.keyword_rollups import ALL, keyword_match, store_generations
from monitor.models import SENTIMENTS
from monitor.rollups import DAY, MENTIONS, mention_condition, rollup_coverage, rollup_daily, rollup_hourly
from monitor.store import SearchPrefilter, Store, max_rowid, posts, rejects, runs, scores

HOUR = 3_600
Bucket = Literal["day", "hour"]
BUCKET_SECONDS = {"day": DAY, "hour": HOUR}
DEFAULT_WINDOW_DAYS = 60
# Ranges this short are drawn per hour; longer ones per day.
HOURLY_UP_TO_DAYS = 3
MENTION_TARGETS = tuple(MENTIONS)
ENGAGEMENT_COLUMNS = ("likes", "reposts", "replies", "views")
# Sorts the store has an index for (besides time), so the grid walks it instead of sorting:
# engagement on its own index, platform (then time) on the (platform, created_at) index.
INDEXED_SORTS = ("engagement", "platform")
POST_SORTS = ("created_at", "platform", "sentiment_score", "engagement", "likes", "views", "topic", "lang")
# What the posts grid offers: the sorts an index serves. The others sort every matching
# row (4-7 s at a million posts) and stay available to callers that accept that.
GRID_SORTS = ("created_at", *INDEXED_SORTS)


# ---------------------------------------------------------------- filters


@dataclass(frozen=True)
class Filters:
    """What the analyst is looking at: an inclusive UTC date range and value filters.
    Empty tuples mean "all"; ``start``/``end`` of None mean "the default window"."""

    start: date | None = None
    end: date | None = None
    platforms: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    sentiments: tuple[str, ...] = ()
    keyword: str = ""

    _LIST_KEYS = {"platforms": "platform", "topics": "topic", "languages": "lang", "sentiments": "sentiment"}

    def __post_init__(self) -> None:
        # NUL cannot appear in stored text, and PostgreSQL refuses it in a query parameter.
        object.__setattr__(self, "keyword", self.keyword.replace("\x00", ""))
        for name in self._LIST_KEYS:
            values = tuple(value.replace("\x00", "") for value in getattr(self, name))
            object.__setattr__(self, name, values)

    def to_query_string(self) -> str:
        """The filters as a URL query string (``?start=...&platform=tiktok,rednote``), ``""``
        when nothing is set, so a view can be bookmarked."""
        params: list[tuple[str, str]] = []
        if self.start:
            params.append(("start", self.start.isoformat()))
        if self.end:
            params.append(("end", self.end.isoformat()))
        for name, key in self._LIST_KEYS.items():
            values = getattr(self, name)
            if values:
                params.append((key, ",".join(values)))
        if self.keyword:
            params.append(("q", self.keyword))
        return "?" + urlencode(params) if params else ""

    @classmethod
    def from_query_string(cls, query: str | None) -> Filters:
        """Filters from a URL query string; unknown keys and unreadable dates are ignored."""
        parsed = parse_qs((query or "").lstrip("?"), keep_blank_values=False)

        def first(key: str) -> str:
            return parsed.get(key, [""])[0].strip()

        def as_date(key: str) -> date | None:
            try:
                return date.fromisoformat(first(key)) if first(key) else None
            except ValueError:
                return None

        lists = {
            name: tuple(dict.fromkeys(v for v in first(key).split(",") if v.strip()))
            for name, key in cls._LIST_KEYS.items()
        }
        return cls(start=as_date("start"), end=as_date("end"), keyword=first("q")[:200], **lists)

    def replace(self, **changes: Any) -> Filters:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form, for ``dcc.Store``."""
        return {
            f.name: (
                getattr(self, f.name).isoformat()
                if isinstance(getattr(self, f.name), date)
                else list(getattr(self, f.name))
                if isinstance(getattr(self, f.name), tuple)
                else getattr(self, f.name)
            )
            for f in fields(self)
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Filters:
        data = data or {}

        def as_date(value: Any) -> date | None:
            return date.fromisoformat(str(value)[:10]) if value else None

        return cls(
            start=as_date(data.get("start")),
            end=as_date(data.get("end")),
            platforms=tuple(data.get("platforms") or ()),
            topics=tuple(data.get("topics") or ()),
            languages=tuple(data.get("languages") or ()),
            sentiments=tuple(data.get("sentiments") or ()),
            keyword=str(data.get("keyword") or ""),
        )

    def range_only(self) -> Filters:
        """Only the dates and platforms of these filters: the posts they range over."""
        return Filters(start=self.start, end=self.end, platforms=self.platforms)

    @property
    def days(self) -> int:
        if self.start is None or self.end is None:
            return 0
        return (self.end - self.start).days + 1

    def ts_range(self) -> tuple[int | None, int | None]:
        """``[start, end + 1 day)`` in Unix seconds."""
        return (
            None if self.start is None else _day_ts(self.start),
            None if self.end is None else _day_ts(self.end) + DAY,
        )


@dataclass(frozen=True)
class StoreTotals:
    """How much the store holds, for the live status line and the scoring progress bar."""

    posts: int
    scored: int
    model: str | None
    first_ts: int | None = None
    last_ts: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def first_day(self) -> date | None:
        return None if self.first_ts is None else _ts_day(self.first_ts)

    @property
    def last_day(self) -> date | None:
        return None if self.last_ts is None else _ts_day(self.last_ts)


def _day_ts(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def _ts_day(ts: int) -> date:
    return datetime.fromtimestamp(ts, tz=UTC).date()


def _engine(store: Store | Engine) -> Engine:
    return store.engine if isinstance(store, Store) else store


# ---------------------------------------------------------------- store-wide facts


def top_model(store: Store | Engine) -> str | None:
    """The model version with the most scores in the store (None when nothing is scored)."""
    query = (
        sa.select(scores.c.model, sa.func.count().label("n"))
        .group_by(scores.c.model)
        .order_by(sa.desc("n"), scores.c.model)
        .limit(1)
    )
    with _engine(store).connect() as conn:
        row = conn.execute(query).first()
    return None if row is None else row[0]


def store_totals(store: Store | Engine, model: str | None = None) -> StoreTotals:
    """Posts, posts scored under ``model`` (the top model when None) and the time span."""
    with _engine(store).connect() as conn:
        model = model if model is not None else _top_model(conn)
        post_count, first_ts, last_ts = conn.execute(
            sa.select(sa.func.count(), sa.func.min(posts.c.created_at), sa.func.max(posts.c.created_at))
        ).one()
        scored = 0
        if model is not None:
            scored = conn.execute(
                sa.select(sa.func.count()).select_from(scores).where(scores.c.model == model)
            ).scalar_one()
    return StoreTotals(int(post_count), int(scored), model, first_ts, last_ts)


def _top_model(conn: Connection) -> str | None:
    row = conn.execute(
        sa.select(scores.c.model).group_by(scores.c.model).order_by(sa.func.count().desc()).limit(1)
    ).first()
    return None if row is None else row[0]


def default_window(first: date | None, last: date | None, today: date | None = None) -> tuple[date, date]:
    """The default date range: the last 60 days up to today, or, when the data ended
    before that window, the data's own range (its last 60 days at most). A post dated
    far ahead (bad data a live source let through) does not stretch it past tomorrow."""
    today = today or datetime.now(UTC).date()
    window = timedelta(days=DEFAULT_WINDOW_DAYS - 1)
    if last is None or first is None:
        return today - window, today
    if last >= today - window:
        return today - window, max(today, min(last, today + timedelta(days=1)))
    return max(first, last - window), last


def effective_filters(filters: Filters, totals: StoreTotals, today: date | None = None) -> Filters:
    """``filters`` with a missing start or end filled from the default window."""
    if filters.start is not None and filters.end is not None:
        return filters
    start, end = default_window(totals.first_day, totals.last_day, today)
    return filters.replace(start=filters.start or start, end=filters.end or end)


def bucket_for(filters: Filters) -> Bucket:
    """Hourly points for ranges of a few days, daily points otherwise."""
    return "hour" if 0 < filters.days <= HOURLY_UP_TO_DAYS else "day"


def filter_options(store: Store | Engine, model: str | None, max_lag: int = 0) -> pd.DataFrame:
    """The values each filter can take, with post counts: columns ``dimension``
    (platform / topic / lang), ``value``, ``posts``."""
    frames = []
    for dimension in ("platform", "topic", "lang"):
        counts = aggregate(store, Filters(), model, by=(dimension,), max_lag=max_lag)
        counts = counts[counts[dimension] != ""]
        frames.append(
            pd.DataFrame({"dimension": dimension, "value": counts[dimension], "posts": counts["posts"]})
        )
    result = pd.concat(frames, ignore_index=True)
    return result.sort_values(["dimension", "posts"], ascending=[True, False], ignore_index=True)


# ---------------------------------------------------------------- the one aggregate


def _keyword_condition(keyword: str) -> sa.ColumnElement[bool]:
    return sa.and_(SearchPrefilter(keyword), keyword_match(keyword))


def _raw_conditions(
    filters: Filters,
    *,
    time_index: bool = True,
    platform_index: bool = True,
    posts_first: bool = False,
    search_index: bool = True,
) -> list[sa.ColumnElement[bool]]:
    """The filters as WHERE terms. ``time_index=False`` / ``platform_index=False`` write the
    time range / platform list so that no index can serve them (``created_at + 0``,
    ``platform || ''``). A grid page wants the database to walk the sort column's index and
    check the filters row by row until the page is full, instead of collecting every match
    and sorting it: 2 ms instead of 1.2 s at a million posts on SQLite. ``posts_first``
    writes the topic and sentiment terms with ``coalesce`` so they do not turn the outer
    join into an inner one, which would let the database read scores first and sort every
    match (0.5-2 s instead of a few ms at a million posts)."""
    start_ts, end_ts = filters.ts_range()
    created = posts.c.created_at if time_index else posts.c.created_at + sa.literal_column("0")
    platform = posts.c.platform if platform_index else posts.c.platform.concat(sa.literal_column("''"))
    conditions: list[sa.ColumnElement[bool]] = []
    if start_ts is not None:
        conditions.append(created >= start_ts)
    if end_ts is not None:
        conditions.append(created < end_ts)
    if filters.platforms:
        conditions.append(platform.in_(filters.platforms))
    topic = sa.func.coalesce(scores.c.topic, "") if posts_first else scores.c.topic
    sentiment = sa.func.coalesce(scores.c.sentiment, "") if posts_first else scores.c.sentiment
    if filters.topics:
        conditions.append(topic.in_(filters.topics))
    if filters.languages:
        conditions.append(sa.func.coalesce(scores.c.lang, posts.c.lang, "").in_(filters.languages))
    if filters.sentiments:
        conditions.append(sentiment.in_(filters.sentiments))
    if filters.keyword:
        keyword = filters.keyword
        conditions.append(_keyword_condition(keyword) if search_index else keyword_match(keyword))
    return conditions


def _rollup_table(bucket: Bucket | None) -> tuple[sa.Table, sa.ColumnElement[int]]:
    """The rollup table for ``bucket`` (daily unless hourly points are wanted) and its time column."""
    return (rollup_hourly, rollup_hourly.c.hour) if bucket == "hour" else (rollup_daily, rollup_daily.c.day)


def _rollup_conditions(filters: Filters, model: str, bucket: Bucket | None) -> list[sa.ColumnElement[bool]]:
    start_ts, end_ts = filters.ts_range()
    table, time = _rollup_table(bucket)
    conditions: list[sa.ColumnElement[bool]] = [table.c.model == model]
    if start_ts is not None:
        conditions.append(time >= start_ts)
    if end_ts is not None:
        conditions.append(time < end_ts)
    for name, column in (
        ("platforms", table.c.platform),
        ("topics", table.c.topic),
        ("languages", table.c.lang),
        ("sentiments", table.c.sentiment),
    ):
        if getattr(filters, name):
            conditions.append(column.in_(getattr(filters, name)))
    return conditions


def _joined(model: str | None) -> sa.FromClause:
    return posts.outerjoin(scores, sa.and_(scores.c.post_id == posts.c.id, scores.c.model == (model or "")))


def _rollup_coverage(
    conn: Connection, filters: Filters, model: str | None, bucket: Bucket | None, max_lag: int
) -> int | None | bool:
    # Rollup rows are whole UTC days or hours, as are the filters' dates; keywords need the text.
    if model is None or filters.keyword:
        return False
    return rollup_coverage(conn, model, max_lag)


def aggregate(
    store: Store | Engine,
    filters: Filters,
    model: str | None,
    by: tuple[str, ...] = ("platform",),
    bucket: Bucket | None = None,
    mentions: bool = False,
    max_lag: int = 0,
) -> pd.DataFrame:
    """Counts grouped by ``by`` (platform / topic / lang / sentiment) and, with ``bucket``,
    by time: ``bucket_ts`` (Unix seconds of the bucket start). Columns: posts, scored,
    positive, neutral, negative, sentiment_sum, and with ``mentions`` one
    ``mention_<platform>`` column per platform that posts can name. Unscored posts count
    in ``posts`` with topic and sentiment ``""``.

    ``max_lag`` (seconds, default 0: exact) lets the answer come from a rollup refreshed
    that recently even though posts or scores arrived since (see
    ``monitor.rollups.rollup_coverage``); every query below passes it through."""
    keywords = store.keywords if isinstance(store, Store) else None
    with _engine(store).connect() as conn:
        model = model if model is not None else _top_model(conn)
        coverage = _rollup_coverage(conn, filters, model, bucket, max_lag)
        rows = None
        # Hours come from a range of 3 days or less: its posts or hourly rollup are read.
        if keywords is not None and model is not None and bucket != "hour":
            if filters.keyword:
                rows = keywords.rows(conn, filters.keyword, model)
            elif coverage is True:
                rows = keywords.rows(conn, ALL, model)
        if rows is not None:
            frame = _keyword_aggregate(rows, filters, by, bucket, mentions)
        elif coverage is True:
            frame = pd.DataFrame(
                conn.execute(_rollup_query(filters, model or "", by, bucket, mentions)).mappings().all()
            )
        elif coverage is False:
            counts = _keyword_counts(conn, store, filters, model, wait=False) if bucket == "hour" else None
            by_range = counts is not None and counts.by_range
            query = _raw_query(filters, model, by, bucket, mentions, search_index=not by_range)
            frame = pd.DataFrame(conn.execute(query).mappings().all())
        else:
            # Writes since the last refresh touched only recent days: the rollup answers
            # for the days before them, the posts themselves for the rest.
            parts = [
                pd.DataFrame(conn.execute(query).mappings().all())
                for query in (
                    _rollup_query(filters, model or "", by, bucket, mentions, before=coverage),
                    _raw_query(filters, model, by, bucket, mentions, since=coverage),
                )
            ]
            frame = _sum_parts(parts, [*(["bucket_ts"] if bucket else []), *by])
    columns = [
        *(["bucket_ts"] if bucket else []),
        *by,
        "posts",
        "scored",
        "positive",
        "neutral",
        "negative",
        "sentiment_sum",
    ]
    if mentions:
        columns += [f"mention_{name}" for name in MENTION_TARGETS]
    if frame.empty:
        return pd.DataFrame(
            {column: pd.Series(dtype="int64" if column not in by else "object") for column in columns}
        )
    frame = frame[columns]
    for column in columns:
        if column in by:
            frame[column] = frame[column].fillna("").astype(str)
        elif column == "sentiment_sum":
            frame[column] = frame[column].astype(float)
        else:
            frame[column] = frame[column].astype("int64")
    return frame


def _keyword_aggregate(
    rows: pd.DataFrame, filters: Filters, by: tuple[str, ...], bucket: Bucket | None, mentions: bool
) -> pd.DataFrame:
    """``aggregate``'s rows from a keyword's daily rows (``monitor.keyword_rollups``)."""
    start_ts, end_ts = filters.ts_range()
    keep = np.ones(len(rows), dtype=bool)
    if start_ts is not None:
        keep &= rows["bucket"].to_numpy() >= start_ts
    if end_ts is not None:
        keep &= rows["bucket"].to_numpy() < end_ts
    for name, column in (
        ("platforms", "platform"),
        ("topics", "topic"),
        ("languages", "lang"),
        ("sentiments", "sentiment"),
    ):
        if getattr(filters, name):
            keep &= rows[column].isin(getattr(filters, name)).to_numpy()
    mention_columns = [f"mention_{name}" for name in MENTION_TARGETS] if mentions else []
    # Only the columns this view reads, taken once (the rows have 13).
    wanted = [*(["bucket"] if bucket else []), *by, "sentiment", "posts", "sentiment_sum", *mention_columns]
    chosen = rows.loc[keep, list(dict.fromkeys(wanted))]
    posts_column = chosen["posts"].to_numpy()
    sentiment = chosen["sentiment"]
    frame = pd.DataFrame(
        {
            **({"bucket_ts": chosen["bucket"]} if bucket else {}),
            **{name: chosen[name] for name in by},
            "posts": posts_column,
            "scored": np.where((sentiment != "").to_numpy(), posts_column, 0),
            **{name: np.where((sentiment == name).to_numpy(), posts_column, 0) for name in SENTIMENTS},
            "sentiment_sum": chosen["sentiment_sum"].to_numpy(),
            **{name: chosen[name].to_numpy() for name in mention_columns},
        },
        index=chosen.index,
    )
    groups = [*(["bucket_ts"] if bucket else []), *by]
    if not frame["posts"].any():
        return pd.DataFrame()
    if not groups:
        return frame.sum(numeric_only=True).to_frame().T
    summed = frame.groupby(groups, as_index=False, sort=False).sum()
    return summed[summed["posts"] != 0].reset_index(drop=True)  # keys whose posts all moved away


def _measures(
    count: sa.ColumnElement[Any],
    sentiment: sa.ColumnElement[Any],
    score_sum: sa.ColumnElement[Any],
) -> list[sa.ColumnElement[Any]]:
    def when(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[Any]:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, count), else_=0)), 0)

    return [
        sa.func.coalesce(sa.func.sum(count), 0).label("posts"),
        when(sentiment != "").label("scored"),
        when(sentiment == "positive").label("positive"),
        when(sentiment == "neutral").label("neutral"),
        when(sentiment == "negative").label("negative"),
        sa.func.coalesce(sa.func.sum(score_sum), 0.0).label("sentiment_sum"),
    ]


def _ordinals(count: int) -> list[sa.ColumnElement[Any]]:
    # GROUP BY 1, 2, ...: the grouped expressions carry bound parameters, which PostgreSQL
    # would not recognise as the same expressions as in the select list.
    return [sa.literal_column(str(position)) for position in range(1, count + 1)]


def _sum_parts(parts: list[pd.DataFrame], groups: list[str]) -> pd.DataFrame:
    """Rollup rows and raw rows of the same aggregate, added up group by group."""
    parts = [part for part in parts if not part.empty]
    if not parts:
        return pd.DataFrame()
    frame = pd.concat(parts, ignore_index=True)
    if not groups:
        return frame.sum(numeric_only=True).to_frame().T
    for column in groups:
        if column != "bucket_ts":
            frame[column] = frame[column].fillna("").astype(str)
    return frame.groupby(groups, as_index=False, sort=False).sum(numeric_only=True)


def _raw_query(
    filters: Filters,
    model: str | None,
    by: tuple[str, ...],
    bucket: Bucket | None,
    mentions: bool,
    since: int | None = None,
    search_index: bool = True,
) -> sa.Select[Any]:
    dimension = {
        "platform": posts.c.platform,
        "topic": sa.func.coalesce(scores.c.topic, ""),
        "lang": sa.func.coalesce(scores.c.lang, posts.c.lang, ""),
        "sentiment": sa.func.coalesce(scores.c.sentiment, ""),
    }
    groups: list[sa.ColumnElement[Any]] = []
    if bucket:
        size = BUCKET_SECONDS[bucket]
        groups.append(((posts.c.created_at // size) * size).label("bucket_ts"))
    groups += [dimension[name].label(name) for name in by]
    conditions = _raw_conditions(filters, search_index=search_index)
    if since is not None:
        conditions.append(posts.c.created_at >= since)
    if not mentions:
        columns = [*groups, *_measures(sa.literal(1), dimension["sentiment"], scores.c.sentiment_score)]
        return (
            sa.select(*columns)
            .select_from(_joined(model))
            .where(*conditions)
            .group_by(*_ordinals(len(groups)))
        )
    # Mentions: each post's lower-cased text once, in a subquery that OFFSET 0 keeps the
    # database from folding into the aggregate (which would lower-case it per pattern).
    text = sa.func.lower(" " + posts.c.text + " " + sa.func.coalesce(posts.c.title, "") + " ")
    rows = (
        sa.select(
            *groups,
            dimension["sentiment"].label("sentiment_value"),
            scores.c.sentiment_score.label("score_value"),
            text.label("search_text"),
        )
        .select_from(_joined(model))
        .where(*conditions)
        .offset(0)
        .subquery("post_rows")
    )
    outer_groups = [rows.c[group.name] for group in groups]
    columns = [
        *outer_groups,
        *_measures(sa.literal(1), rows.c.sentiment_value, rows.c.score_value),
        *(
            sa.func.coalesce(
                sa.func.sum(sa.case((mention_condition(name, rows.c.search_text), 1), else_=0)), 0
            ).label(f"mention_{name}")
            for name in MENTION_TARGETS
        ),
    ]
    return sa.select(*columns).group_by(*_ordinals(len(outer_groups)))


def _rollup_query(
    filters: Filters,
    model: str,
    by: tuple[str, ...],
    bucket: Bucket | None,
    mentions: bool,
    before: int | None = None,
) -> sa.Select[Any]:
    table, time = _rollup_table(bucket)
    groups: list[sa.ColumnElement[Any]] = []
    if bucket:
        groups.append(time.label("bucket_ts"))
    groups += [table.c[name].label(name) for name in by]
    columns = [*groups, *_measures(table.c.posts, table.c.sentiment, table.c.sentiment_sum)]
    if mentions:
        columns += [
            sa.func.coalesce(sa.func.sum(table.c[f"mention_{name}"]), 0).label(f"mention_{name}")
            for name in MENTION_TARGETS
        ]
    conditions = _rollup_conditions(filters, model, bucket)
    if before is not None:
        conditions.append(time < before)
    return sa.select(*columns).where(*conditions).group_by(*_ordinals(len(groups)))


# ---------------------------------------------------------------- sentiment arithmetic


def _with_net_sentiment(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``net_sentiment`` (share positive minus share negative among scored posts),
    ``mean_score`` and a 95% band (``band_low``/``band_high``) whose width shows how many
    posts stand behind the number."""
    frame = frame.copy()
    scored = frame["scored"].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        pos = frame["positive"] / scored
        neg = frame["negative"] / scored
        net = pos - neg
        variance = (pos + neg - net**2).clip(lower=0) / scored
        half_width = 1.96 * np.sqrt(variance)
        frame["net_sentiment"] = net.where(scored > 0)
        frame["mean_score"] = (frame["sentiment_sum"] / scored).where(scored > 0)
    frame["band_low"] = (frame["net_sentiment"] - half_width).clip(lower=-1)
    frame["band_high"] = (frame["net_sentiment"] + half_width).clip(upper=1)
    return frame


def _bucket_times(frame: pd.DataFrame) -> pd.DataFrame:
    frame["bucket_start"] = pd.to_datetime(frame["bucket_ts"], unit="s", utc=True)
    return frame


def _complete_buckets(frame: pd.DataFrame, filters: Filters, bucket: Bucket, by: str) -> pd.DataFrame:
    """One row per group and bucket across the whole range (zeros where nothing was
    posted), so rolling windows span real time rather than only the busy buckets."""
    start_ts, end_ts = filters.ts_range()
    size = BUCKET_SECONDS[bucket]
    if frame.empty:
        return frame
    low = start_ts if start_ts is not None else int(frame["bucket_ts"].min())
    high = end_ts if end_ts is not None else int(frame["bucket_ts"].max()) + size
    low = (low // size) * size
    buckets = np.arange(low, high, size, dtype="int64")
    groups = sorted(frame[by].unique())
    full = pd.MultiIndex.from_product([groups, buckets], names=[by, "bucket_ts"])
    return frame.set_index([by, "bucket_ts"]).reindex(full, fill_value=0).reset_index()


# ---------------------------------------------------------------- overview


def platform_summary(
    store: Store | Engine, filters: Filters, model: str | None, max_lag: int = 0
) -> pd.DataFrame:
    """One row per platform for the overview cards: posts, scored, net_sentiment, and the
    same for the previous period of equal length (``prev_posts``, ``prev_net_sentiment``),
    with ``volume_change`` (ratio - 1) and ``net_change`` (difference in points)."""
    current = _with_net_sentiment(aggregate(store, filters, model, by=("platform",), max_lag=max_lag))
    frame = current[["platform", "posts", "scored", "positive", "negative", "net_sentiment"]]
    if filters.start is not None and filters.end is not None:
        length = timedelta(days=filters.days)
        previous_filters = filters.replace(
            start=filters.start - length, end=filters.start - timedelta(days=1)
        )
        previous = _with_net_sentiment(
            aggregate(store, previous_filters, model, by=("platform",), max_lag=max_lag)
        )
        previous = previous[["platform", "posts", "net_sentiment"]].rename(
            columns={"posts": "prev_posts", "net_sentiment": "prev_net_sentiment"}
        )
        frame = frame.merge(previous, on="platform", how="left")
    else:
        frame = frame.assign(prev_posts=np.nan, prev_net_sentiment=np.nan)
    frame["prev_posts"] = frame["prev_posts"].fillna(0).astype("int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["volume_change"] = (frame["posts"] / frame["prev_posts"] - 1).where(frame["prev_posts"] > 0)
    frame["net_change"] = frame["net_sentiment"] - frame["prev_net_sentiment"]
    return frame.sort_values("posts", ascending=False, ignore_index=True)


def sentiment_timeline(
    store: Store | Engine,
    filters: Filters,
    model: str | None,
    bucket: Bucket | None = None,
    rolling: int | None = None,
    max_lag: int = 0,
) -> pd.DataFrame:
    """Per platform and time bucket: posts, scored, net_sentiment with its 95% band
    (``band_low``/``band_high``), and ``rolling_net`` (net sentiment over the last
    ``rolling`` buckets, 7 days or 24 hours by default, weighted by posts). Serves both
    the sentiment and the volume charts."""
    bucket = bucket or bucket_for(filters)
    rolling = rolling or (7 if bucket == "day" else 24)
    frame = aggregate(store, filters, model, by=("platform",), bucket=bucket, max_lag=max_lag)
    frame = _complete_buckets(frame, filters, bucket, "platform")
    if frame.empty:
        frame = _with_net_sentiment(frame)
        frame["rolling_net"] = pd.Series(dtype=float)
        return _bucket_times(frame)
    frame = frame.sort_values(["platform", "bucket_ts"], ignore_index=True)
    grouped = frame.groupby("platform", sort=False)
    balance = (
        (frame["positive"] - frame["negative"])
        .groupby(frame["platform"])
        .transform(lambda s: s.rolling(rolling, min_periods=1).sum())
    )
    scored_sum = grouped["scored"].transform(lambda s: s.rolling(rolling, min_periods=1).sum())
    frame = _with_net_sentiment(frame)
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["rolling_net"] = (balance / scored_sum).where(scored_sum > 0)
    return _bucket_times(frame)


# ---------------------------------------------------------------- topics


def topic_share(
    store: Store | Engine, filters: Filters, model: str | None, bucket: Bucket | None = None, max_lag: int = 0
) -> pd.DataFrame:
    """Per platform, time bucket and topic: posts and ``share`` of the platform's scored
    posts in that bucket (unscored posts have no topic and are left out)."""
    bucket = bucket or bucket_for(filters)
    frame = aggregate(store, filters, model, by=("platform", "topic"), bucket=bucket, max_lag=max_lag)
    frame = frame[frame["topic"] != ""].copy()
    totals = frame.groupby(["platform", "bucket_ts"])["posts"].transform("sum")
    frame["share"] = frame["posts"] / totals
    return _bucket_times(frame.sort_values(["platform", "bucket_ts", "topic"], ignore_index=True))


def topic_platform_sentiment(
    store: Store | Engine, filters: Filters, model: str | None, max_lag: int = 0
) -> pd.DataFrame:
    """Net sentiment per topic and platform (the heatmap): topic, platform, scored,
    net_sentiment with its band."""
    frame = aggregate(store, filters, model, by=("topic", "platform"), max_lag=max_lag)
    frame = _with_net_sentiment(frame[frame["topic"] != ""])
    return frame.sort_values(["topic", "platform"], ignore_index=True)


# ---------------------------------------------------------------- compare platforms


def sentiment_distribution(
    store: Store | Engine, filters: Filters, model: str | None, max_lag: int = 0
) -> pd.DataFrame:
    """Per platform and sentiment: posts and ``share`` of the platform's scored posts."""
    frame = aggregate(store, filters, model, by=("platform", "sentiment"), max_lag=max_lag)
    frame = frame[frame["sentiment"] != ""][["platform", "sentiment", "posts"]].copy()
    frame["share"] = frame["posts"] / frame.groupby("platform")["posts"].transform("sum")
    order = {name: index for index, name in enumerate(SENTIMENTS)}
    frame["order"] = frame["sentiment"].map(order)
    return frame.sort_values(["platform", "order"], ignore_index=True).drop(columns="order")


def cross_mentions(
    store: Store | Engine, filters: Filters, model: str | None, bucket: Bucket | None = None, max_lag: int = 0
) -> pd.DataFrame:
    """How often posts on one platform name another, over time: platform, bucket_start,
    mentioned, posts (that name it) and ``share`` of the platform's posts in the bucket."""
    bucket = bucket or bucket_for(filters)
    frame = aggregate(store, filters, model, by=("platform",), bucket=bucket, mentions=True, max_lag=max_lag)
    mention_columns = [f"mention_{name}" for name in MENTION_TARGETS]
    long = frame.melt(
        id_vars=["bucket_ts", "platform", "posts"],
        value_vars=mention_columns,
        var_name="mentioned",
        value_name="mentions",
    )
    long["mentioned"] = long["mentioned"].str.removeprefix("mention_")
    with np.errstate(divide="ignore", invalid="ignore"):
        long["share"] = (long["mentions"] / long["posts"]).where(long["posts"] > 0)
    long = long.rename(columns={"posts": "platform_posts", "mentions": "posts"})
    return _bucket_times(long.sort_values(["platform", "mentioned", "bucket_ts"], ignore_index=True))


# ---------------------------------------------------------------- spikes


def detect_spikes(
    timeline: pd.DataFrame, window: int = 7, threshold: float = 3.0, min_posts: int = 20
) -> pd.DataFrame:
    """Buckets where a platform's volume or net sentiment moved far from its rolling
    baseline (the previous ``window`` buckets). Volume: a robust z-score on posts against
    the baseline median and spread. Sentiment: the change in net sentiment divided by its
    standard error, so thin buckets need a bigger move. Columns: platform, bucket_ts,
    bucket_start, kind (volume / sentiment), value, baseline, score, direction (up / down)."""
    found: list[dict[str, Any]] = []
    for platform, group in timeline.sort_values("bucket_ts").groupby("platform", sort=True):
        posts_series = group["posts"].astype(float).reset_index(drop=True)
        previous = posts_series.shift(1).rolling(window, min_periods=max(3, window // 2))
        median = previous.median()
        spread = previous.std().fillna(0)
        spread = np.maximum(spread, np.sqrt(median.clip(lower=1)))  # Poisson floor for quiet series
        volume_score = (posts_series - median) / spread
        pos = group["positive"].astype(float).reset_index(drop=True)
        neg = group["negative"].astype(float).reset_index(drop=True)
        scored = group["scored"].astype(float).reset_index(drop=True)
        base_scored = scored.shift(1).rolling(window, min_periods=max(3, window // 2)).sum()
        base_net = (pos - neg).shift(1).rolling(window, min_periods=max(3, window // 2)).sum() / base_scored
        with np.errstate(divide="ignore", invalid="ignore"):
            net = (pos - neg) / scored
            variance = ((pos + neg) / scored - net**2).clip(lower=0.05) / scored
            sentiment_score = (net - base_net) / np.sqrt(variance)
        volume_hit = ((posts_series >= min_posts) & (volume_score >= threshold)).to_numpy()
        sentiment_hit = (
            (scored >= min_posts) & (sentiment_score.abs() >= threshold) & base_net.notna()
        ).to_numpy()
        bucket_ts = group["bucket_ts"].to_numpy()
        for index in np.flatnonzero(volume_hit | sentiment_hit):  # few: look at those alone
            ts = int(bucket_ts[index])
            if volume_hit[index]:
                found.append(
                    _spike(platform, ts, "volume", posts_series[index], median[index], volume_score[index])
                )
            if sentiment_hit[index]:
                found.append(
                    _spike(platform, ts, "sentiment", net[index], base_net[index], sentiment_score[index])
                )
    columns = ["platform", "bucket_ts", "kind", "value", "baseline", "score", "direction"]
    frame = pd.DataFrame(found, columns=columns)
    frame["bucket_ts"] = frame["bucket_ts"].astype("int64")
    frame = _bucket_times(frame)
    return frame.sort_values(["bucket_ts", "platform"], ascending=[False, True], ignore_index=True)


def _spike(platform: str, ts: int, kind: str, value: float, baseline: float, score: float) -> dict[str, Any]:
    return {
        "platform": platform,
        "bucket_ts": ts,
        "kind": kind,
        "value": float(value),
        "baseline": float(baseline),
        "score": float(score),
        "direction": "up" if score > 0 else "down",
    }


def spikes(
    store: Store | Engine,
    filters: Filters,
    model: str | None,
    bucket: Bucket | None = None,
    window: int | None = None,
    threshold: float = 3.0,
) -> pd.DataFrame:
    """Spikes in the filtered view (see ``detect_spikes``)."""
    bucket = bucket or bucket_for(filters)
    timeline = sentiment_timeline(store, filters, model, bucket)
    return detect_spikes(timeline, window or (7 if bucket == "day" else 24), threshold)


_WORD_RE = re.compile(r"[a-z][a-z0-9'#@_-]{2,}|[\u4e00-\u9fff]+")
_STOPWORDS = frozenset(
    "the and for that this with you are was but not have has had they their them what when will "
    "just from your all can get got its it's our out who how why about would there been were than "
    "then more some very like one also into only over https http www com amp".split()
)


def terms(texts: list[str]) -> Counter[str]:
    """Words (latin, 3+ letters, no stop words) and Chinese character pairs, counted once
    per post."""
    counts: Counter[str] = Counter()
    for text in texts:
        found: set[str] = set()
        for token in _WORD_RE.findall((text or "").lower()):
            if token[0] >= "\u4e00":
                found.update(token[i : i + 2] for i in range(len(token) - 1))
            elif token not in _STOPWORDS:
                found.add(token)
        counts.update(found)
    return counts


def _texts(
    conn: Connection, store: Store | Engine, filters: Filters, model: str | None, limit: int
) -> list[str]:
    counts = _keyword_counts(conn, store, filters, model, wait=False)
    by_range = counts is not None and counts.by_range
    query = (
        sa.select(posts.c.text)
        .select_from(_joined(model))
        .where(*_raw_conditions(filters, search_index=not by_range))
        .order_by(posts.c.created_at.desc())
        .limit(limit)
    )
    return list(conn.execute(query).scalars())


# Posts read for a spike's terms: the newest of its window, and of the baseline days before
# it. A rate from 5,000 posts is within 1.4 points (95%). With a selective filter (one
# language, one topic) reaching 5,000 baseline posts means reading 30,000-60,000 (0.1 s at
# a million posts), once per view while those days stand (``range_version``).
WINDOW_SAMPLE = 5_000
BASELINE_SAMPLE = 5_000


@dataclass(frozen=True)
class TermCounts:
    """How many of ``posts`` read posts use each term (``terms``)."""

    counts: Counter[str]
    posts: int


def term_counts(
    store: Store | Engine, filters: Filters, model: str | None, sample: int = WINDOW_SAMPLE
) -> TermCounts:
    """The terms of the newest ``sample`` posts passing ``filters`` (reading and
    tokenising cost about 15 ms per 1,000 posts at a million stored)."""
    with _engine(store).connect() as conn:
        model = model if model is not None else _top_model(conn)
        texts = _texts(conn, store, filters, model, sample)
    return TermCounts(terms(texts), len(texts))


def rising_terms(
    store: Store | Engine,
    window: Filters,
    baseline: Filters,
    model: str | None,
    limit: int = 15,
    sample: int = WINDOW_SAMPLE,
    baseline_sample: int = BASELINE_SAMPLE,
) -> pd.DataFrame:
    """Terms that rose in ``window`` against ``baseline`` (see ``rising``), from the newest
    ``sample`` window posts and ``baseline_sample`` baseline posts (see ``term_counts``)."""
    return rising(
        term_counts(store, window, model, sample), term_counts(store, baseline, model, baseline_sample), limit
    )


def rising(window: TermCounts, baseline: TermCounts, limit: int = 15) -> pd.DataFrame:
    """The terms used more in ``window`` than in ``baseline``, most risen first: term,
    posts (of the ``sampled`` window posts that use it), window_rate, baseline_rate
    (shares of posts using it) and lift (smoothed ratio, above 1.5)."""
    n_window, n_baseline = max(window.posts, 1), max(baseline.posts, 1)
    rows = []
    for term, count in window.counts.items():
        if count < 3:
            continue
        window_rate = count / n_window
        baseline_rate = baseline.counts.get(term, 0) / n_baseline
        lift = window_rate / ((baseline.counts.get(term, 0) + 0.5) / (n_baseline + 1))
        rows.append((term, count, window_rate, baseline_rate, lift))
    frame = pd.DataFrame(rows, columns=["term", "posts", "window_rate", "baseline_rate", "lift"])
    frame["sampled"] = window.posts
    frame = frame[frame["lift"] > 1.5]
    return frame.sort_values(["lift", "posts"], ascending=False, ignore_index=True).head(limit)


def range_version(store: Store | Engine, filters: Filters, model: str | None) -> tuple[int, ...] | None:
    """What changes whenever a post of the filters' platforms and dates is added, scored
    or scored again: its posts, its scored posts, and the store's last change that
    rollups could not follow (a replaced or deleted score). Work derived from those posts
    alone (their text, their scores) can be kept while it stands, across data versions;
    their engagement is not covered. None when the daily rows are not kept in memory
    (``monitor.keyword_rollups``) or not current."""
    keywords = store.keywords if isinstance(store, Store) else None
    if keywords is None or model is None:
        return None
    with _engine(store).connect() as conn:
        rows = keywords.rows(conn, ALL, model, wait=False)
        if rows is None:
            return None
        _, unfollowed = store_generations(conn)
    counts = _keyword_aggregate(rows, filters.range_only(), by=(), bucket=None, mentions=False)
    if counts.empty:
        return 0, 0, unfollowed or 0
    return int(counts["posts"].sum()), int(counts["scored"].sum()), unfollowed or 0


def spike_filters(
    filters: Filters, platform: str, bucket_ts: int, bucket: Bucket, window: int = 7
) -> tuple[Filters, Filters]:
    """The filters of a spike's window and of the baseline before it (same platform).
    Day buckets map onto date filters; hour buckets use the day that holds them."""
    day = _ts_day(bucket_ts)
    days_back = window if bucket == "day" else 1
    window_filters = filters.replace(start=day, end=day, platforms=(platform,))
    baseline_filters = filters.replace(
        start=day - timedelta(days=days_back), end=day - timedelta(days=1), platforms=(platform,)
    )
    return window_filters, baseline_filters


# ---------------------------------------------------------------- posts


def _post_columns() -> list[sa.ColumnElement[Any]]:
    return [
        posts.c.id,
        posts.c.created_at,
        posts.c.platform,
        posts.c.source,
        posts.c.author,
        posts.c.title,
        posts.c.text,
        scores.c.sentiment,
        scores.c.sentiment_score,
        scores.c.topic,
        sa.func.coalesce(scores.c.lang, posts.c.lang).label("lang"),
        posts.c.likes,
        posts.c.reposts,
        posts.c.replies,
        posts.c.views,
        posts.c.engagement,
        posts.c.url,
    ]


def posts_page(
    store: Store | Engine,
    filters: Filters,
    model: str | None,
    sort_by: str = "created_at",
    descending: bool = True,
    offset: int = 0,
    limit: int = 100,
) -> pd.DataFrame:
    """One page of posts for the explorer grid, newest first by default. Unscored posts are
    included with blank sentiment and topic. Columns: id, created_at (UTC datetime),
    platform, source, author, title, text, sentiment, sentiment_score, topic, lang, likes,
    reposts, replies, views, engagement, url (only http(s) links; others are blanked)."""
    if sort_by not in POST_SORTS:
        raise ValueError(f"cannot sort posts by {sort_by!r}; choose one of {', '.join(POST_SORTS)}")
    with _engine(store).connect() as conn:
        model = model if model is not None else _top_model(conn)
        plan = _grid_plan(conn, store, filters, model, max(0, offset) + limit)
        if plan == "empty":
            return _tidy_posts(pd.DataFrame())
        walk = plan in ("index", "walk")  # else sort the posts found
        columns = _post_columns()
        sort_column = {column.key: column for column in columns}[sort_by]
        # Ties in platform go by time, in the same direction, so (platform, created_at) is walked.
        # Last ties go by the row's place on SQLite, which every index holds after its own
        # columns: with the id the walk had to sort each run of equal values, and the
        # lowest engagement is shared by a third of the posts (0.2-0.5 s at a million).
        tie = sa.literal_column("posts.rowid") if conn.dialect.name == "sqlite" else posts.c.id
        order_columns = [sort_column, *([posts.c.created_at] if sort_by == "platform" else []), tie]
        if not walk:  # sort the keyword's posts instead of walking a sort index
            order_columns = [_unindexed(column) for column in order_columns]
        by_range = plan == "range"
        query = (
            sa.select(*columns)
            .select_from(_joined(model))
            .where(
                *_raw_conditions(
                    filters,
                    time_index=by_range or (walk and sort_by not in INDEXED_SORTS),
                    platform_index=by_range or (walk and sort_by not in ("created_at", "engagement")),
                    posts_first=sort_by in ("created_at", *INDEXED_SORTS),
                    search_index=plan in ("index", "matches"),
                )
            )
            .order_by(*(column.desc() if descending else column.asc() for column in order_columns))
            .offset(max(0, offset))
            .limit(max(0, min(limit, 10_000)))
        )
        frame = pd.DataFrame(conn.execute(query).mappings().all())
    return _tidy_posts(frame)


GridPlan = Literal["index", "walk", "matches", "range", "empty"]

# Reading a post of a time and platform range with its text costs about three times as much
# as taking one of a keyword's matches from the search index (at a million posts: 64,000
# posts of 3 days read in 92 ms; a keyword's 114,000 matches listed in 35-80 ms).
RANGE_COST = 3


@dataclass(frozen=True)
class _KeywordCounts:
    """What a keyword's rollup rows (``monitor.keyword_rollups``) tell about a view of it."""

    matches: int  # posts that match the keyword
    passing: int  # of those, the ones passing every filter
    in_range: int | None  # posts in the filters' time and platform range (None: not known)

    @property
    def by_range(self) -> bool:
        """Whether reading the range's posts finds the keyword's posts cheaper than the
        search index does (a spike's day on one platform: 4-5 ms instead of 10-40 ms)."""
        return self.in_range is not None and RANGE_COST * self.in_range < self.matches


def _keyword_counts(
    conn: Connection, store: Store | Engine, filters: Filters, model: str | None, wait: bool = True
) -> _KeywordCounts | None:
    """The counts for a keyword view, or None without a keyword or its rows (``wait``: see
    ``KeywordRollups.rows``)."""
    keywords = store.keywords if isinstance(store, Store) else None
    if not filters.keyword or keywords is None or model is None:
        return None
    rows = keywords.rows(conn, filters.keyword, model, wait=wait)
    if rows is None:
        return None
    in_range = None
    if filters.start is not None or filters.end is not None or filters.platforms:
        everything = keywords.rows(conn, ALL, model, wait=wait)
        if everything is not None:
            in_range = _posts_in(everything, filters.range_only())
    return _KeywordCounts(int(rows["posts"].sum()), _posts_in(rows, filters), in_range)


def _posts_in(rows: pd.DataFrame, filters: Filters) -> int:
    """How many posts of rollup ``rows`` pass ``filters`` (its keyword aside)."""
    passing = _keyword_aggregate(rows, filters, by=(), bucket=None, mentions=False)
    return int(passing["posts"].sum()) if not passing.empty else 0


def _grid_plan(
    conn: Connection, store: Store | Engine, filters: Filters, model: str | None, wanted: int
) -> GridPlan:
    """How the posts grid finds a page of a keyword's posts, from what the keyword's rollup
    tells (``_keyword_counts``): the cheapest of

    - ``walk``: walk the sort order and check each post's text (a keyword in a tenth of
      all posts fills a page after a few hundred posts: 7 ms at a million posts, where
      the search index lists every match: 150 ms);
    - ``matches``: sort the keyword's matches (found through the search index) when so
      few of them pass the filters that walking would read most posts (2 s at a million);
    - ``range``: sort the posts of the filters' time and platform range whose text has
      the keyword, when that range is small next to the matches;

    or ``empty`` when none pass the filters, and ``index`` when nothing is known: walk the
    sort order checking the search index's list."""
    counts = _keyword_counts(conn, store, filters, model)
    if counts is None:
        return "index"
    if counts.passing == 0:
        return "empty"
    total = max_rowid(conn, posts) or 0  # about the number of posts: they are never deleted
    # Walking reads about wanted * total / passing posts; the matches cost about their number.
    costs: dict[GridPlan, float] = {"walk": wanted * total / counts.passing, "matches": counts.matches}
    if counts.in_range is not None:
        costs["range"] = RANGE_COST * counts.in_range
    return min(costs, key=costs.__getitem__)


def _unindexed(column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """``column`` written so that no index serves it (for ORDER BY: sort, do not walk)."""
    if isinstance(column.type, sa.String | sa.Text):
        return column.concat(sa.literal_column("''"))
    return column + sa.literal_column("0")


def _tidy_posts(frame: pd.DataFrame) -> pd.DataFrame:
    names = [
        "id",
        "created_at",
        "platform",
        "source",
        "author",
        "title",
        "text",
        "sentiment",
        "sentiment_score",
        "topic",
        "lang",
        *ENGAGEMENT_COLUMNS,
        "engagement",
        "url",
    ]
    if frame.empty:
        return pd.DataFrame({name: pd.Series(dtype="object") for name in names})
    frame = frame[names].copy()
    frame["created_at"] = pd.to_datetime(frame["created_at"], unit="s", utc=True)
    safe_link = frame["url"].fillna("").astype(str).str.match(r"(?i)^https?://")
    frame["url"] = frame["url"].astype(object).where(safe_link, None)
    return frame


def count_posts(store: Store | Engine, filters: Filters, model: str | None, max_lag: int = 0) -> int:
    """How many posts match the filters (for the grid's pager)."""
    counts = aggregate(store, filters, model, by=(), max_lag=max_lag)
    return int(counts["posts"].sum()) if not counts.empty else 0


def top_posts(store: Store | Engine, filters: Filters, model: str | None, limit: int = 5) -> pd.DataFrame:
    """The most engaged posts (likes + reposts + replies) matching the filters."""
    return posts_page(store, filters, model, sort_by="engagement", descending=True, limit=limit)


def export_posts(
    store: Store | Engine, filters: Filters, model: str | None, limit: int = 200_000
) -> pd.DataFrame:
    """The filtered posts for a CSV download, newest first, up to ``limit`` rows."""
    return posts_page(store, filters, model, limit=limit)


def new_posts_count(store: Store | Engine, since_collected_ts: int) -> int:
    """Posts collected after ``since_collected_ts`` (Unix seconds)."""
    with _engine(store).connect() as conn:
        return int(
            conn.execute(
                sa.select(sa.func.count()).select_from(posts).where(posts.c.collected_at > since_collected_ts)
            ).scalar_one()
        )


# ---------------------------------------------------------------- sources


def source_status(store: Store | Engine, source_names: list[str] | tuple[str, ...] = ()) -> pd.DataFrame:
    """One row per source (the configured ones plus any seen in runs or posts): last run
    start/finish, status, posts collected in the last run and in total, rejects in total
    and the last error."""
    with _engine(store).connect() as conn:
        latest_ids = (
            sa.select(sa.func.max(runs.c.id).label("id"))
            .where(runs.c.source.is_not(None))
            .group_by(runs.c.source)
            .subquery()
        )
        last_runs = pd.DataFrame(
            conn.execute(
                sa.select(
                    runs.c.source,
                    runs.c.status,
                    runs.c.started_at,
                    runs.c.finished_at,
                    runs.c.posts_new,
                    runs.c.error,
                ).where(runs.c.id.in_(sa.select(latest_ids.c.id)))
            )
            .mappings()
            .all(),
            columns=["source", "status", "started_at", "finished_at", "posts_new", "error"],
        )
        errors = pd.DataFrame(
            conn.execute(
                sa.select(runs.c.source, runs.c.error, runs.c.finished_at)
                .where(runs.c.error.is_not(None), runs.c.source.is_not(None))
                .order_by(runs.c.id.desc())
                .limit(500)
            )
            .mappings()
            .all(),
            columns=["source", "error", "finished_at"],
        ).drop_duplicates("source")
        post_counts = pd.DataFrame(
            conn.execute(
                sa.select(posts.c.source, sa.func.count().label("posts")).group_by(posts.c.source)
            ).all(),
            columns=["source", "posts"],
        )
        reject_counts = pd.DataFrame(
            conn.execute(
                sa.select(rejects.c.source, sa.func.count().label("rejects")).group_by(rejects.c.source)
            ).all(),
            columns=["source", "rejects"],
        )
    names = list(dict.fromkeys([*source_names, *last_runs["source"], *post_counts["source"]]))
    frame = pd.DataFrame({"source": pd.Series(names, dtype="object")})
    frame["configured"] = frame["source"].isin(source_names)
    frame = frame.merge(last_runs.drop(columns="error"), on="source", how="left")
    frame = frame.merge(
        errors.rename(columns={"error": "last_error", "finished_at": "last_error_at"}),
        on="source",
        how="left",
    )
    frame = frame.merge(post_counts, on="source", how="left").merge(reject_counts, on="source", how="left")
    for column in ("posts", "rejects", "posts_new"):
        frame[column] = frame[column].fillna(0).astype("int64")
    frame["status"] = frame["status"].fillna("never run")
    for column in ("started_at", "finished_at", "last_error_at"):
        frame[column] = pd.to_datetime(frame[column], unit="s", utc=True)
    return frame
