"""How fast the dashboard's callbacks are over a big store.

Generates ``--rows`` scored posts (default 1,000,000) into a fresh SQLite store, refreshes
the daily rollup, then times each page's main work (queries + figures, as its callback
does) for the default view and a filtered view, and a naive baseline measured in the same
run (load every post with its score into pandas and group in memory). Prints p50/p95 per
callback; the last line is ``p95_max_ms=<float> ratio_vs_naive=<float>``, where the ratio
is the naive baseline's median over the slowest callback's p95.

    .venv/bin/python bench/dashboard.py --rows 100000
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from monitor import figures, queries
from monitor.config import EventConfig
from monitor.queries import Filters
from monitor.rollups import refresh_rollups
from monitor.store import Store, posts, scores

MODEL = "bench-model@1"
PLATFORMS = ["tiktok", "rednote", "x", "reddit", "bluesky", "youtube", "instagram", "lemon8"]
PLATFORM_WEIGHTS = [0.25, 0.2, 0.18, 0.12, 0.08, 0.08, 0.05, 0.04]
TOPICS = ["ban", "migration", "culture", "privacy", "politics", "creators", "language", "memes", "other"]
LANGS = ["en", "zh", "es", "ja", "ko"]
LANG_WEIGHTS = [0.7, 0.2, 0.05, 0.03, 0.02]
PHRASES = [
    "tiktok is going dark tonight",
    "moving to rednote with everyone",
    "xiaohongshu is so welcoming",
    "小红书 欢迎 tiktok refugees",
    "the ban is unconstitutional",
    "lemon8 might be next",
    "posting this on youtube too",
    "instagram reels is not the same",
    "congress did this",
    "learning mandarin from my new friends",
    "my data was never safe anyway",
    "creators lost their income",
    "see you on x",
    "this app is fun",
    "so sad to say goodbye",
    "美国人来了",
    "学英语 互相帮助",
]
END = date(2025, 2, 28)
DAYS = 60
EVENTS = [EventConfig(date=date(2025, 1, 19), label="TikTok goes dark in the US")]


def generate(store: Store, rows: int, seed: int = 7, chunk: int = 50_000) -> None:
    """Bulk-insert ``rows`` posts, 97% of them scored, over the 60 days up to END."""
    rng = np.random.default_rng(seed)
    end_ts = int(pd.Timestamp(END + timedelta(days=1), tz="UTC").timestamp())
    start_ts = end_ts - DAYS * 86_400
    for offset in range(0, rows, chunk):
        n = min(chunk, rows - offset)
        created = rng.integers(start_ts, end_ts, n)
        # a surge around the ban date, so spikes exist
        surge = rng.random(n) < 0.08
        created[surge] = rng.integers(end_ts - 41 * 86_400, end_ts - 38 * 86_400, surge.sum())
        platform = rng.choice(PLATFORMS, n, p=PLATFORM_WEIGHTS)
        lang = rng.choice(LANGS, n, p=LANG_WEIGHTS)
        phrase_a = rng.integers(0, len(PHRASES), n)
        phrase_b = rng.integers(0, len(PHRASES), n)
        likes = rng.zipf(1.8, n).clip(max=5_000_000)
        post_rows = [
            {
                "id": f"{platform[i]}:{offset + i}",
                "platform": platform[i],
                "source": f"{platform[i]}-bench",
                "native_id": str(offset + i),
                "author": f"user{(offset + i) % 50_000}",
                "title": None,
                "text": f"{PHRASES[phrase_a[i]]}, {PHRASES[phrase_b[i]]} #{(offset + i) % 997}",
                "lang": lang[i],
                "created_at": int(created[i]),
                "collected_at": int(created[i]) + 60,
                "url": f"https://example.com/{platform[i]}/{offset + i}",
                "likes": int(likes[i]),
                "reposts": int(likes[i] // 10),
                "replies": int(likes[i] // 20),
                "views": int(likes[i] * 30),
                "parent_id": None,
                "raw": None,
                "engagement": int(likes[i]) + int(likes[i] // 10) + int(likes[i] // 20),
            }
            for i in range(n)
        ]
        value = rng.uniform(-1, 1, n)
        sentiment = np.where(value > 0.25, "positive", np.where(value < -0.25, "negative", "neutral"))
        topic = rng.choice(TOPICS, n)
        scored = rng.random(n) < 0.97
        score_rows = [
            {
                "post_id": post_rows[i]["id"],
                "model": MODEL,
                "sentiment": str(sentiment[i]),
                "sentiment_score": float(value[i]),
                "prob_negative": 0.3,
                "prob_neutral": 0.4,
                "prob_positive": 0.3,
                "topic": str(topic[i]),
                "topic_score": 0.5,
                "topic_runner_up": None,
                "topic_runner_up_score": None,
                "lang": str(lang[i]),
                "confidence": 0.8,
                "scored_at": int(created[i]) + 120,
            }
            for i in range(n)
            if scored[i]
        ]
        with store.begin() as conn:
            conn.execute(posts.insert(), post_rows)
            conn.execute(scores.insert(), score_rows)
    store.index_new_posts()


def callbacks(store: Store) -> dict[str, Callable[[Filters], Any]]:
    """Each page's main callback work: queries then figures, as the page does it."""

    def overview(view: Filters) -> Any:
        summary = queries.platform_summary(store, view, MODEL)
        timeline = queries.sentiment_timeline(store, view, MODEL)
        found = queries.detect_spikes(timeline)
        return (
            summary,
            figures.sentiment_over_time(timeline, EVENTS, found),
            figures.volume_over_time(timeline, EVENTS, found),
        )

    def topics(view: Filters) -> Any:
        return (
            figures.topic_share_over_time(queries.topic_share(store, view, MODEL), EVENTS),
            figures.topic_heatmap(queries.topic_platform_sentiment(store, view, MODEL)),
        )

    def compare(view: Filters) -> Any:
        return (
            figures.sentiment_distribution(queries.sentiment_distribution(store, view, MODEL)),
            figures.cross_mentions(queries.cross_mentions(store, view, MODEL), EVENTS),
        )

    def spikes(view: Filters) -> Any:
        timeline = queries.sentiment_timeline(store, view, MODEL)
        found = queries.detect_spikes(timeline)
        return figures.volume_over_time(timeline, EVENTS, found), figures.sentiment_over_time(
            timeline, EVENTS, found
        )

    def posts_grid(view: Filters) -> Any:
        return queries.posts_page(store, view, MODEL, limit=50), queries.count_posts(store, view, MODEL)

    def posts_sorted_by_engagement(view: Filters) -> Any:
        return queries.posts_page(store, view, MODEL, sort_by="engagement", limit=50)

    def sources(_view: Filters) -> Any:
        return queries.source_status(store, [f"{p}-bench" for p in PLATFORMS])

    def live_status(_view: Filters) -> Any:
        return queries.store_totals(store, MODEL)

    return {
        "overview": overview,
        "topics": topics,
        "compare": compare,
        "spikes": spikes,
        "posts": posts_grid,
        "posts_by_engagement": posts_sorted_by_engagement,
        "sources": sources,
        "live_status": live_status,
    }


def naive(store: Store, view: Filters) -> Any:
    """The baseline: every post with its score into pandas, then the overview in memory."""
    query = sa.select(posts.c.platform, posts.c.created_at, scores.c.sentiment, scores.c.topic).select_from(
        posts.outerjoin(scores, sa.and_(scores.c.post_id == posts.c.id, scores.c.model == MODEL))
    )
    with store.engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    start_ts, end_ts = view.ts_range()
    frame = frame[(frame["created_at"] >= start_ts) & (frame["created_at"] < end_ts)]
    frame["day"] = frame["created_at"] // 86_400
    frame["positive"] = frame["sentiment"] == "positive"
    frame["negative"] = frame["sentiment"] == "negative"
    return frame.groupby(["platform", "day"]).agg(
        posts=("created_at", "size"), positive=("positive", "sum"), negative=("negative", "sum")
    )


def timed(function: Callable[[], Any], repeat: int) -> list[float]:
    function()  # warm caches, as a running dashboard has them
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--db", type=Path, help="SQLite file to (re)use; default: a temporary file")
    arguments = parser.parse_args()
    folder = tempfile.TemporaryDirectory(prefix="bm-bench-")
    path = arguments.db or Path(folder.name) / "bench.db"
    store = Store(f"sqlite:///{path}")
    existing = store.posts_per_platform()
    if sum(existing.values()) != arguments.rows:
        if existing:
            raise SystemExit(
                f"{path} holds {sum(existing.values())} posts, not {arguments.rows}; use a new --db"
            )
        started = time.perf_counter()
        generate(store, arguments.rows)
        print(f"generated {arguments.rows:,} posts in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    refresh_rollups(store, MODEL)
    print(f"rollup refresh (full) {time.perf_counter() - started:.2f} s")

    views = {
        "default": Filters(start=END - timedelta(days=DAYS - 1), end=END),
        "filtered": Filters(
            start=END - timedelta(days=27),
            end=END,
            platforms=("tiktok", "rednote"),
            topics=("ban", "migration"),
            languages=("en", "zh"),
        ),
    }
    results: list[tuple[str, str, float, float]] = []
    for name, callback in callbacks(store).items():
        for view_name, view in views.items():
            samples = timed(lambda callback=callback, view=view: callback(view), arguments.repeat)
            results.append((name, view_name, statistics.median(samples), percentile(samples, 0.95)))
    print(f"{'callback':<22}{'view':<10}{'p50 ms':>10}{'p95 ms':>10}")
    for name, view_name, p50, p95 in results:
        print(f"{name:<22}{view_name:<10}{p50:>10.1f}{p95:>10.1f}")

    keyword = views["default"].replace(keyword="refugees")
    keyword_samples = timed(lambda: queries.posts_page(store, keyword, MODEL, limit=50), 5)
    count_samples = timed(lambda: queries.count_posts(store, keyword, MODEL), 3)
    print(
        f"(keyword search, first grid page: p50 {statistics.median(keyword_samples):.1f} ms; "
        f"its exact count: p50 {statistics.median(count_samples):.1f} ms)"
    )

    naive_samples = timed(lambda: naive(store, views["default"]), 2)
    naive_ms = statistics.median(naive_samples)
    p95_max = max(p95 for *_, p95 in results)
    print(f"naive baseline (load all into pandas, group): p50 {naive_ms:.1f} ms")
    print(f"p95_max_ms={p95_max:.1f} ratio_vs_naive={naive_ms / p95_max:.1f}")


if __name__ == "__main__":
    main()
