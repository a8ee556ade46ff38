"""The per-process cache (``dashboard.cache``): results are shared within one data version
and never outlive it, concurrent requests compute once, and the store totals that make the
data version are re-read once per live refresh period."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime
from typing import Any

import pytest

from dashboard import shell
from dashboard.app import create_app
from dashboard.cache import TotalsSnapshot, ViewCache
from dashboard.pages import posts
from monitor.config import Config
from monitor.models import Post
from monitor.queries import StoreTotals
from monitor.store import Store
from tests.dashboard.test_callbacks import PERIOD, call, version


def count_text(app: Any, data_version: dict[str, Any]) -> str:
    result = call(
        app,
        [(posts.COUNT, "children")],
        [(shell.FILTERS, "data", PERIOD.to_dict()), (shell.DATA_VERSION, "data", data_version)],
    )
    return result[f"{posts.COUNT}.children"]


def test_a_new_data_version_shows_new_posts_the_old_one_is_reused(config: Config, known_store: Store) -> None:
    app = create_app(config, known_store)
    before = version()
    assert count_text(app, before).startswith("12 posts match")
    known_store.write_batch(
        [
            Post(
                platform="x",
                native_id="late",
                text="a late post",
                created_at=datetime(2025, 1, 18, tzinfo=UTC),
            )
        ]
    )
    assert count_text(app, before).startswith("12 posts match")  # same version: the cached answer
    assert count_text(app, {**before, "posts": before["posts"] + 1}).startswith("13 posts match")


def test_the_cache_computes_a_key_once_and_keeps_versions_apart() -> None:
    cache = ViewCache()
    calls: list[str] = []

    def compute(value: str) -> str:
        calls.append(value)
        return value

    assert cache.get(("view", 1), lambda: compute("first")) == "first"
    assert cache.get(("view", 1), lambda: compute("again")) == "first"
    assert cache.get(("view", 2), lambda: compute("second")) == "second"
    assert calls == ["first", "second"]
    assert (cache.hits, cache.misses) == (1, 2)


def test_the_cache_forgets_the_least_recently_used_entries() -> None:
    cache = ViewCache(max_entries=2)
    for key in ("a", "b", "c"):
        cache.get(key, lambda key=key: key.upper())
    assert len(cache) == 2
    assert cache.get("a", lambda: "recomputed") == "recomputed"


def test_concurrent_requests_for_one_view_compute_it_once() -> None:
    cache = ViewCache()
    computed = []
    gate = threading.Event()

    def slow() -> int:
        gate.wait(5)
        computed.append(1)
        return 42

    answers: list[int] = []
    threads = [threading.Thread(target=lambda: answers.append(cache.get("view", slow))) for _ in range(8)]
    for thread in threads:
        thread.start()
    time.sleep(0.1)
    gate.set()
    for thread in threads:
        thread.join(5)
    assert answers == [42] * 8 and len(computed) == 1


def test_a_failed_computation_is_not_cached() -> None:
    cache = ViewCache()

    def broken() -> int:
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        cache.get("view", broken)
    assert cache.get("view", lambda: 7) == 7


def test_store_totals_are_read_again_only_after_the_refresh_period() -> None:
    reads: list[int] = []

    def read() -> StoreTotals:
        reads.append(1)
        return StoreTotals(posts=len(reads), scored=0, model=None)

    snapshot = TotalsSnapshot(read, max_age=0.3)
    assert snapshot.get().posts == 1
    assert snapshot.get().posts == 1
    time.sleep(0.35)
    assert snapshot.get().posts == 2
    assert snapshot.read_at is not None


def test_a_warmed_up_app_answers_the_landing_views_from_its_cache(config: Config, known_store: Store) -> None:
    from dashboard.app import warm_up
    from dashboard.pages import compare, overview, spikes, topics
    from monitor.queries import Filters

    pages = {
        overview: [
            (overview.CARDS, "children"),
            (overview.SENTIMENT_GRAPH, "figure"),
            (overview.VOLUME_GRAPH, "figure"),
        ],
        topics: [(topics.SHARE_GRAPH, "figure"), (topics.HEATMAP, "figure")],
        compare: [(compare.DISTRIBUTION_GRAPH, "figure"), (compare.MENTIONS_GRAPH, "figure")],
        spikes: [
            (spikes.VOLUME_GRAPH, "figure"),
            (spikes.SENTIMENT_GRAPH, "figure"),
            (spikes.SPIKES, "data"),
        ],
    }
    warmed, cold = create_app(config, known_store), create_app(config, known_store)
    warm_up(warmed)
    context = warmed.server.config["BAN_MONITOR_CONTEXT"]
    misses = context.cache.misses
    held = shell.data_version(context.totals.get())  # what the browser's data version holds
    landing = [(shell.FILTERS, "data", Filters().to_dict()), (shell.DATA_VERSION, "data", held)]
    for page, outputs in pages.items():
        assert call(warmed, outputs, landing) == call(cold, outputs, landing)
        assert context.cache.misses == misses, page  # the page came from what warm_up drew


def test_warm_up_also_finds_what_drove_the_spike_the_spikes_page_opens_on(
    config: Config, tmp_path: Any
) -> None:
    from datetime import timedelta

    from dashboard.app import warm_up
    from dashboard.pages import spikes
    from monitor.queries import Filters

    store = Store(f"sqlite:///{tmp_path / 'spiky.db'}")
    start = datetime(2025, 1, 1, tzinfo=UTC)
    store.write_batch(
        Post(
            platform="x",
            native_id=f"{day}-{n}",
            text="moving to rednote tonight" if day == 12 else f"an ordinary day {n % 7}",
            created_at=start + timedelta(days=day, minutes=n),
        )
        for day in range(13)
        for n in range(300 if day == 12 else 30)
    )
    warmed, cold = create_app(config, store), create_app(config, store)
    warm_up(warmed)
    context = warmed.server.config["BAN_MONITOR_CONTEXT"]
    misses = context.cache.misses
    held = shell.data_version(context.totals.get())
    landing = [(shell.FILTERS, "data", Filters().to_dict()), (shell.DATA_VERSION, "data", held)]
    page = [(spikes.VOLUME_GRAPH, "figure"), (spikes.SENTIMENT_GRAPH, "figure"), (spikes.SPIKES, "data")]
    found = call(warmed, page, landing)[f"{spikes.SPIKES}.data"]
    assert found and found[0]["platform"] == "x"
    opened = [(spikes.SELECTED, "data", 0)]
    state = [(spikes.SPIKES, "data", found), *landing]
    shown = [(spikes.LIST, "children"), (spikes.DRIVERS, "children")]
    drivers = call(warmed, shown, opened, state)
    assert drivers == call(cold, shown, opened, state)
    assert "rednote" in json.dumps(drivers[f"{spikes.DRIVERS}.children"])
    assert context.cache.misses == misses  # the page and the spike's drivers came from warm_up


def test_a_page_is_drawn_again_only_when_posts_of_its_days_change(config: Config, tmp_path: Any) -> None:
    from datetime import date, timedelta

    from dashboard.pages import overview
    from monitor.models import Score
    from monitor.queries import Filters, store_totals
    from monitor.rollups import refresh_rollups

    store = Store(f"sqlite:///{tmp_path / 'days.db'}")
    start = datetime(2025, 1, 1, tzinfo=UTC)

    def post(name: str, day: int) -> Post:
        return Post(platform="x", native_id=name, text=f"post {name}", created_at=start + timedelta(days=day))

    written = [post(f"{day}-{n}", day) for day in range(20) for n in range(3)]
    store.write_batch(written)
    store.save_scores(Score(p.id, "m@1", "positive", 0.5, {}, "ban", 0.9) for p in written)
    refresh_rollups(store, "m@1")  # rollups current: the dashboard knows each range's version
    app = create_app(config, store)
    context = app.server.config["BAN_MONITOR_CONTEXT"]
    period = Filters(start=date(2025, 1, 10), end=date(2025, 1, 12))  # compared with Jan 7-9

    def cards() -> str:
        version = shell.data_version(store_totals(store))
        outputs = [
            (overview.CARDS, "children"),
            (overview.SENTIMENT_GRAPH, "figure"),
            (overview.VOLUME_GRAPH, "figure"),
        ]
        result = call(
            app, outputs, [(shell.FILTERS, "data", period.to_dict()), (shell.DATA_VERSION, "data", version)]
        )
        return json.dumps(result[f"{overview.CARDS}.children"])

    assert '"9"' in cards()  # 3 days of 3 posts
    misses = context.cache.misses
    store.write_batch([post("late", 17), post("early", 2)])  # a new data version, other days
    assert '"9"' in cards()
    assert context.cache.misses == misses  # the same page, not drawn again
    store.write_batch([post("inside", 11)])
    assert '"10"' in cards()
    assert context.cache.misses == misses + 1
    store.write_batch([post("compared", 8)])  # the period the cards compare with
    cards()
    assert context.cache.misses == misses + 2
