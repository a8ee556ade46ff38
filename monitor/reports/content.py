"""What a report says, gathered from ``monitor.queries`` into one typed ``ReportContent``.

Every number comes from the same query functions as the dashboard. The queries filter by
whole UTC days; a report window is exact to the hour, so the numbers are read in hourly
buckets over the days the window touches and kept where the hour starts inside the window
(``Window.count_range``). For a window of whole UTC days this is exactly what the
dashboard shows for the same dates.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd

from monitor import queries
from monitor.config import Config, EventConfig, ReportConfig
from monitor.queries import Bucket, Filters
from monitor.reports.window import Window, previous_window, report_window, zone
from monitor.rollups import MENTIONS
from monitor.store import Store

log = logging.getLogger(__name__)

DAY = 86_400
HOURLY_UP_TO = timedelta(days=3)
POSTS_LIMIT = 200_000
SPIKE_DRIVER_TERMS = 5


@dataclass(frozen=True)
class MethodNote:
    """How the numbers were made: the model, how much was scored, the sources' health."""

    model: str | None
    configured_model: str | None
    posts: int
    scored: int
    sources: pd.DataFrame
    rejects: int
    posts_truncated: bool = False


@dataclass(frozen=True)
class ReportContent:
    """Everything one report shows, as DataFrames (the HTML, PDF and CSV render this).

    ``headline``: one row per platform (posts, scored, positive, neutral, negative,
    net_sentiment, prev_posts, prev_net_sentiment, volume_change, net_change).
    ``timeline``/``topic_timeline``/``mentions_timeline``: the queries' time series,
    trimmed to the window. ``topics``: platform, topic, posts, share. ``spikes``: the
    queries' spikes in the window with ``terms`` and the top post that drove them.
    ``top_posts``: the most engaged positive and negative posts per platform (``side``,
    ``rank``). ``mentions``: platform, mentioned, posts, share. ``posts``: every post in
    the window."""

    name: str
    title: str
    window: Window
    previous: Window
    generated_at: datetime
    filters: Filters
    bucket: Bucket
    headline: pd.DataFrame
    timeline: pd.DataFrame
    topics: pd.DataFrame
    topic_timeline: pd.DataFrame
    spikes: pd.DataFrame
    top_posts: pd.DataFrame
    mentions: pd.DataFrame
    mentions_timeline: pd.DataFrame
    posts: pd.DataFrame
    method: MethodNote
    events: list[EventConfig] = field(default_factory=list)

    @property
    def total_posts(self) -> int:
        return int(self.headline["posts"].sum()) if not self.headline.empty else 0


def report_filters(report: ReportConfig) -> Filters:
    """The report's value filters (no dates) as the queries' ``Filters``."""
    chosen = report.filters
    return Filters(
        platforms=tuple(chosen.platforms),
        topics=tuple(chosen.topics),
        languages=tuple(chosen.languages),
        keyword=chosen.keywords[0] if chosen.keywords else "",
    )


def covering_filters(base: Filters, window: Window, extra_days_before: int = 0) -> Filters:
    """``base`` with the UTC dates that hold every hour counted in ``window``."""
    low, high = window.count_range()
    first = datetime.fromtimestamp(low, tz=UTC).date() - timedelta(days=extra_days_before)
    last = datetime.fromtimestamp(max(low, high - 1), tz=UTC).date()
    return base.replace(start=first, end=last)


def window_aggregate(
    store: Store,
    base: Filters,
    window: Window,
    model: str | None,
    by: tuple[str, ...] = ("platform",),
    mentions: bool = False,
) -> pd.DataFrame:
    """``queries.aggregate`` over exactly the hours counted in ``window``, grouped by ``by``.

    Interim: the queries' ``Filters`` take whole UTC days, so this reads hourly buckets and
    keeps those inside the window. When ``Filters`` gains second-precise bounds, this
    becomes one ``aggregate`` call."""
    low, high = window.count_range()
    hourly = queries.aggregate(
        store, covering_filters(base, window), model, by=by, bucket="hour", mentions=mentions
    )
    inside = hourly[(hourly["bucket_ts"] >= low) & (hourly["bucket_ts"] < high)]
    measures = [column for column in hourly.columns if column not in (*by, "bucket_ts")]
    if not by:
        return inside[measures].sum().to_frame().T.astype(hourly[measures].dtypes.to_dict())
    return inside.groupby(list(by), as_index=False, sort=True)[measures].sum()


def window_platform_summary(
    store: Store, base: Filters, window: Window, previous: Window, model: str | None
) -> pd.DataFrame:
    """``queries.platform_summary``'s columns for an hour-exact window and its previous
    period (equal to it for whole UTC days; the previous calendar unit for calendar windows)."""
    current = _with_net(window_aggregate(store, base, window, model))
    before = _with_net(window_aggregate(store, base, previous, model))
    frame = current[["platform", "posts", "scored", "positive", "neutral", "negative", "net_sentiment"]]
    before = before[["platform", "posts", "net_sentiment"]].rename(
        columns={"posts": "prev_posts", "net_sentiment": "prev_net_sentiment"}
    )
    frame = frame.merge(before, on="platform", how="outer")
    for column in ("posts", "scored", "positive", "neutral", "negative", "prev_posts"):
        frame[column] = frame[column].fillna(0).astype("int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["volume_change"] = (frame["posts"] / frame["prev_posts"] - 1).where(frame["prev_posts"] > 0)
    frame["net_change"] = frame["net_sentiment"] - frame["prev_net_sentiment"]
    frame = frame[frame["posts"] > 0]
    return frame.sort_values(["posts", "platform"], ascending=[False, True], ignore_index=True)


def _with_net(frame: pd.DataFrame) -> pd.DataFrame:
    """Net sentiment as the queries define it: share positive minus share negative."""
    frame = frame.copy()
    scored = frame["scored"].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["net_sentiment"] = ((frame["positive"] - frame["negative"]) / scored).where(scored > 0)
    return frame


def _trim(frame: pd.DataFrame, window: Window, bucket: Bucket) -> pd.DataFrame:
    """Rows whose time bucket overlaps the window."""
    if frame.empty:
        return frame
    low, high = window.count_range()
    size = queries.BUCKET_SECONDS[bucket]
    keep = (frame["bucket_ts"] >= (low // size) * size) & (frame["bucket_ts"] < high)
    return frame[keep].reset_index(drop=True)


def _posts_in_window(frame: pd.DataFrame, window: Window) -> pd.DataFrame:
    if frame.empty:
        return frame
    low, high = window.count_range()
    seconds = frame["created_at"].map(lambda moment: int(moment.timestamp()))
    return frame[(seconds >= low) & (seconds < high)].reset_index(drop=True)


def top_posts_in_window(
    store: Store, base: Filters, window: Window, model: str | None, per_side: int
) -> pd.DataFrame:
    """The ``per_side`` most engaged positive and negative posts per platform in the window,
    with ``side`` and ``rank`` columns, from ``queries.posts_page`` sorted by engagement."""
    covering = covering_filters(base, window)
    platforms = queries.aggregate(store, covering, model, by=("platform",))["platform"].tolist()
    frames = []
    for platform in sorted(platforms):
        for side in ("positive", "negative"):
            chosen = covering.replace(platforms=(platform,), sentiments=(side,))
            found = pd.DataFrame()
            offset, page = 0, max(50, per_side * 4)
            while len(found) < per_side:
                batch = queries.posts_page(
                    store, chosen, model, sort_by="engagement", offset=offset, limit=page
                )
                found = pd.concat([found, _posts_in_window(batch, window)], ignore_index=True)
                if len(batch) < page:
                    break
                offset += page
            found = found.head(per_side)
            if not found.empty:
                frames.append(found.assign(side=side, rank=range(1, len(found) + 1)))
    if not frames:
        empty = queries.posts_page(store, Filters(platforms=("\x00",)), model, limit=0)
        return empty.assign(side=pd.Series(dtype=object), rank=pd.Series(dtype="int64"))
    return pd.concat(frames, ignore_index=True)


def mention_shares(store: Store, base: Filters, window: Window, model: str | None) -> pd.DataFrame:
    """How many of each platform's posts in the window name another platform: platform,
    mentioned, posts (that name it), platform_posts and share."""
    counts = window_aggregate(store, base, window, model, mentions=True)
    rows = []
    for record in counts.to_dict("records"):
        for mentioned in MENTIONS:
            if mentioned == record["platform"]:
                continue
            named = int(record[f"mention_{mentioned}"])
            if named:
                total = int(record["posts"])
                rows.append((record["platform"], mentioned, named, total, named / total if total else np.nan))
    frame = pd.DataFrame(rows, columns=["platform", "mentioned", "posts", "platform_posts", "share"])
    return frame.sort_values(["platform", "posts"], ascending=[True, False], ignore_index=True)


def topic_mix(store: Store, base: Filters, window: Window, model: str | None) -> pd.DataFrame:
    """Each platform's scored posts in the window by topic: platform, topic, posts, share."""
    counts = window_aggregate(store, base, window, model, by=("platform", "topic"))
    counts = counts[counts["topic"] != ""][["platform", "topic", "posts"]].copy()
    counts["share"] = counts["posts"] / counts.groupby("platform")["posts"].transform("sum")
    return counts.sort_values(["platform", "posts"], ascending=[True, False], ignore_index=True)


def spikes_in_window(
    store: Store, base: Filters, window: Window, model: str | None, bucket: Bucket
) -> pd.DataFrame:
    """``queries.spikes`` whose bucket lies in the window (read with a baseline before it),
    each with the terms that rose and the most engaged post of that day and platform."""
    baseline_days = 8 if bucket == "day" else 2
    found = queries.spikes(store, covering_filters(base, window, baseline_days), model, bucket)
    found = _trim(found, window, bucket)
    terms, texts, links = [], [], []
    for record in found.to_dict("records"):
        spike_window, baseline = queries.spike_filters(
            base, record["platform"], int(record["bucket_ts"]), bucket
        )
        rising = queries.rising_terms(store, spike_window, baseline, model, limit=SPIKE_DRIVER_TERMS)
        terms.append(", ".join(rising["term"]))
        top = queries.top_posts(store, spike_window, model, limit=1)
        texts.append(_post_text(top.iloc[0]) if not top.empty else "")
        links.append(top.iloc[0]["url"] if not top.empty else None)
    return found.assign(terms=terms, top_post=texts, top_post_url=links)


def _post_text(row: pd.Series) -> str:
    title = row.get("title") or ""
    text = row.get("text") or ""
    return f"{title}: {text}" if title and not text.startswith(title) else text


def events_in(events: list[EventConfig], window: Window) -> list[EventConfig]:
    """Configured events dated on a day the window touches."""
    low, high = window.count_range()
    first = datetime.fromtimestamp(low, tz=UTC).date()
    last = datetime.fromtimestamp(max(low, high - 1), tz=UTC).date()
    return [event for event in events if first <= event.date <= last]


def configured_model(config: Config) -> str | None:
    """The model version the config names (None when scoring is not installed here)."""
    try:
        from monitor.scoring import model_version
    except ImportError:
        return None
    try:
        return model_version(config)
    except (OSError, ValueError, RuntimeError) as err:
        log.info("configured model unknown: %s", err)
        return None


def gather_content(
    config: Config,
    report: ReportConfig,
    store: Store,
    window_end: datetime,
    *,
    generated_at: datetime | None = None,
) -> ReportContent:
    """Read everything ``report`` shows for the window that ends at ``window_end``."""
    tz = zone(report)
    window = report_window(report.window, window_end, tz)
    previous = previous_window(report.window, window, tz)
    base = report_filters(report)
    model = queries.top_model(store)
    covering = covering_filters(base, window)
    bucket: Bucket = "hour" if window.end - window.start <= HOURLY_UP_TO else "day"
    headline = window_platform_summary(store, base, window, previous, model)
    all_posts = _posts_in_window(queries.export_posts(store, covering, model, limit=POSTS_LIMIT), window)
    scored = int(headline["scored"].sum()) if not headline.empty else 0
    method = MethodNote(
        model=model,
        configured_model=configured_model(config),
        posts=int(headline["posts"].sum()) if not headline.empty else 0,
        scored=scored,
        sources=queries.source_status(store, [source.name for source in config.sources]),
        rejects=store.count_rejects(),
        posts_truncated=len(all_posts) >= POSTS_LIMIT,
    )
    return ReportContent(
        name=report.name,
        title=report.title or report.name.replace("-", " ").replace("_", " ").capitalize(),
        window=window,
        previous=previous,
        generated_at=generated_at or datetime.now(UTC),
        filters=covering,
        bucket=bucket,
        headline=headline,
        timeline=_trim(queries.sentiment_timeline(store, covering, model, bucket), window, bucket),
        topics=topic_mix(store, base, window, model),
        topic_timeline=_trim(queries.topic_share(store, covering, model, bucket), window, bucket),
        spikes=spikes_in_window(store, base, window, model, bucket),
        top_posts=top_posts_in_window(store, base, window, model, report.top_posts),
        mentions=mention_shares(store, base, window, model),
        mentions_timeline=_trim(queries.cross_mentions(store, covering, model, bucket), window, bucket),
        posts=all_posts,
        method=method,
        events=events_in(list(config.events), window),
    )
