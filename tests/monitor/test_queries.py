"""The dashboard's and reports' numbers, checked against a small store with known numbers
(see tests/fixtures/dashboard/known_store.py), with and without the daily rollup."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from monitor import queries
from monitor.queries import Filters
from monitor.rollups import refresh_rollups
from monitor.store import Store
from tests.support import load_module

known = load_module(Path(__file__).parents[1] / "fixtures" / "dashboard" / "known_store.py", "known_store")

PERIOD = Filters(start=known.PERIOD[0], end=known.PERIOD[1])


@pytest.fixture(params=["plain", "rollup"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    filled = known.fill_known_store(Store(f"sqlite:///{tmp_path / 'monitor.db'}"))
    if request.param == "rollup":
        refresh_rollups(filled, known.MODEL)
    return filled


def by_platform(frame: pd.DataFrame) -> dict[str, dict]:
    return frame.set_index("platform").to_dict("index")


def test_top_model_is_the_one_with_most_scores(store: Store) -> None:
    assert queries.top_model(store) == known.MODEL


def test_top_model_of_an_empty_store_is_none(tmp_path: Path) -> None:
    assert queries.top_model(Store(f"sqlite:///{tmp_path / 'empty.db'}")) is None


def test_platform_summary_counts_volume_and_net_sentiment(store: Store) -> None:
    rows = by_platform(queries.platform_summary(store, PERIOD, None))
    assert {p: r["posts"] for p, r in rows.items()} == {"tiktok": 5, "rednote": 4, "x": 3}
    assert rows["tiktok"]["scored"] == 4
    assert rows["tiktok"]["net_sentiment"] == pytest.approx(-0.25)
    assert rows["rednote"]["net_sentiment"] == pytest.approx(0.25)
    assert rows["x"]["net_sentiment"] == pytest.approx(0.0)


def test_platform_summary_compares_with_previous_period_of_same_length(store: Store) -> None:
    rows = by_platform(queries.platform_summary(store, PERIOD, None))
    assert rows["x"]["prev_posts"] == 1
    assert rows["x"]["volume_change"] == pytest.approx(2.0)
    assert rows["x"]["net_change"] == pytest.approx(1.0)
    assert pd.isna(rows["tiktok"]["volume_change"])


def test_unscored_posts_count_in_volume_but_not_in_sentiment(store: Store) -> None:
    rows = by_platform(queries.platform_summary(store, PERIOD.replace(platforms=("tiktok",)), None))
    assert rows["tiktok"]["posts"] == 5 and rows["tiktok"]["scored"] == 4


def test_an_older_model_gives_its_own_numbers(store: Store) -> None:
    rows = by_platform(queries.platform_summary(store, PERIOD, known.OLD_MODEL))
    assert rows["x"]["scored"] == 2 and rows["x"]["net_sentiment"] == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (PERIOD.replace(platforms=("rednote",)), 4),
        (PERIOD.replace(topics=("migration",)), 3),
        (PERIOD.replace(languages=("zh",)), 3),  # r4 has no post language but a scored one
        (PERIOD.replace(sentiments=("negative",)), 4),
        (PERIOD.replace(start=date(2025, 1, 19), end=date(2025, 1, 19)), 5),
        (PERIOD.replace(keyword="refugee"), 2),
        (PERIOD.replace(keyword="TIKTOK"), 6),
    ],
)
def test_count_posts_applies_each_filter(store: Store, filters: Filters, expected: int) -> None:
    assert queries.count_posts(store, filters, None) == expected


def test_keyword_search_treats_percent_and_underscore_literally(store: Store) -> None:
    assert list(queries.posts_page(store, PERIOD.replace(keyword="confused_about"), None)["id"]) == [
        "tiktok:t4"
    ]
    assert list(queries.posts_page(store, PERIOD.replace(keyword="100%"), None)["id"]) == ["tiktok:t4"]


def test_sentiment_timeline_has_every_day_and_a_band(store: Store) -> None:
    timeline = queries.sentiment_timeline(store, PERIOD, None, bucket="day")
    tiktok = timeline[timeline["platform"] == "tiktok"]
    tiktok = tiktok.set_index(tiktok["bucket_start"].dt.date)
    assert list(tiktok.index) == [date(2025, 1, d) for d in (17, 18, 19, 20)]
    assert list(tiktok["posts"]) == [0, 3, 2, 0]
    jan18 = tiktok.loc[date(2025, 1, 18)]
    assert jan18["net_sentiment"] == pytest.approx(-1 / 3)
    assert jan18["band_low"] < jan18["net_sentiment"] < jan18["band_high"]
    # rolling over 7 days: (1 pos - 2 neg) / 4 scored by Jan 19
    assert tiktok.loc[date(2025, 1, 19), "rolling_net"] == pytest.approx(-0.25)


def test_hourly_timeline_buckets_by_hour() -> None:
    assert queries.bucket_for(Filters(start=date(2025, 1, 18), end=date(2025, 1, 19))) == "hour"
    assert queries.bucket_for(PERIOD) == "day"


def test_topic_share_sums_to_one_per_platform_and_bucket(store: Store) -> None:
    shares = queries.topic_share(store, PERIOD, None, bucket="day")
    assert shares.groupby(["platform", "bucket_ts"])["share"].sum().round(9).eq(1).all()
    jan18_tiktok = shares[(shares["platform"] == "tiktok") & (shares["bucket_start"].dt.day == 18)]
    assert dict(zip(jan18_tiktok["topic"], jan18_tiktok["posts"], strict=True)) == {"ban": 2, "migration": 1}


def test_topic_platform_sentiment_gives_net_per_cell(store: Store) -> None:
    cells = queries.topic_platform_sentiment(store, PERIOD, None).set_index(["topic", "platform"])
    assert cells.loc[("ban", "tiktok"), "net_sentiment"] == pytest.approx(-2 / 3)
    assert cells.loc[("migration", "rednote"), "net_sentiment"] == pytest.approx(1.0)
    assert cells.loc[("culture", "rednote"), "scored"] == 2


def test_sentiment_distribution_shares(store: Store) -> None:
    frame = queries.sentiment_distribution(store, PERIOD, None).set_index(["platform", "sentiment"])
    assert frame.loc[("rednote", "positive"), "share"] == pytest.approx(0.5)
    assert frame.loc[("tiktok", "negative"), "posts"] == 2


def test_cross_mentions_count_posts_naming_each_platform(store: Store) -> None:
    mentions = queries.cross_mentions(store, PERIOD, None, bucket="day")
    totals = mentions.groupby(["platform", "mentioned"])["posts"].sum()
    assert totals[("tiktok", "rednote")] == 2  # "RedNote" and "Xiaohongshu"
    assert totals[("rednote", "tiktok")] == 2
    assert totals[("x", "lemon8")] == 1
    assert totals[("x", "youtube")] == 0


def test_posts_page_sorts_pages_and_blanks_unsafe_links(store: Store) -> None:
    page = queries.posts_page(store, PERIOD, None, sort_by="engagement", descending=True, limit=3)
    assert list(page["id"]) == ["x:x1", "rednote:r1", "rednote:r2"]
    second = queries.posts_page(store, PERIOD, None, offset=3, limit=3)
    assert len(second) == 3
    links = queries.posts_page(store, PERIOD.replace(platforms=("tiktok",)), None).set_index("id")["url"]
    assert links["tiktok:t1"].startswith("https://")
    assert pd.isna(links["tiktok:t3"])  # javascript: link


def test_posts_page_includes_unscored_posts_with_blank_sentiment(store: Store) -> None:
    page = queries.posts_page(store, PERIOD.replace(keyword="unscored"), None)
    assert list(page["id"]) == ["tiktok:t5"] and page["sentiment"].isna().all()


@pytest.mark.parametrize("sort_by", queries.GRID_SORTS)
@pytest.mark.parametrize("descending", [True, False])
@pytest.mark.parametrize("narrowed", [{}, {"sentiments": ("negative", "neutral")}, {"topics": ("ban",)}])
def test_grid_sorts_match_sorting_every_matching_post(
    store: Store, sort_by: str, descending: bool, narrowed: dict
) -> None:
    view = PERIOD.replace(**narrowed)
    everything = queries.posts_page(store, view, None, limit=1000)
    keys = [sort_by, *(["created_at"] if sort_by == "platform" else []), "id"]
    expected = everything.sort_values(keys, ascending=not descending)
    pages = [
        queries.posts_page(store, view, None, sort_by, descending, offset, 2) for offset in range(0, 14, 2)
    ]
    assert list(pd.concat(pages)["id"]) == list(expected["id"])
    assert len(expected) > 0


def test_posts_page_rejects_unknown_sort(store: Store) -> None:
    with pytest.raises(ValueError, match="cannot sort"):
        queries.posts_page(store, PERIOD, None, sort_by="text; drop table posts")


def test_detect_spikes_finds_a_volume_jump() -> None:
    days = pd.date_range("2025-01-01", periods=20, freq="D", tz="UTC")
    posts = [100, 104, 98, 101, 97, 103, 99, 100, 102, 98, 101, 99, 400, 100, 99, 101, 100, 98, 102, 100]
    timeline = pd.DataFrame(
        {
            "platform": "tiktok",
            "bucket_ts": [int(day.timestamp()) for day in days],
            "posts": posts,
            "scored": posts,
            "positive": [p // 2 for p in posts],
            "negative": [p // 4 for p in posts],
        }
    )
    found = queries.detect_spikes(timeline)
    volume = found[found["kind"] == "volume"]
    assert list(volume["bucket_start"].dt.day) == [13]


def test_rising_terms_finds_what_rose(store: Store) -> None:
    window = Filters(start=date(2025, 1, 18), end=date(2025, 1, 19))
    baseline = Filters(start=date(2025, 1, 10), end=date(2025, 1, 17))
    terms = queries.rising_terms(store, window, baseline, None)
    assert "tiktok" in set(terms["term"])


def test_source_status_lists_configured_sources_with_runs_and_rejects(store: Store) -> None:
    status = queries.source_status(store, ["tiktok-src", "x-src", "bluesky"]).set_index("source")
    assert status.loc["tiktok-src", "status"] == "ok"
    assert status.loc["tiktok-src", "rejects"] == 1
    assert status.loc["tiktok-src", "posts"] == 5
    assert status.loc["x-src", "last_error"] == "HTTP 503 from api"
    assert status.loc["bluesky", "status"] == "never run"


def test_filter_options_lists_values_with_counts(store: Store) -> None:
    options = queries.filter_options(store, None)
    platforms = options[options["dimension"] == "platform"].set_index("value")["posts"].to_dict()
    assert platforms == {"tiktok": 5, "rednote": 4, "x": 4}
    assert set(options[options["dimension"] == "lang"]["value"]) == {"en", "zh", "es"}


def test_store_totals(store: Store) -> None:
    totals = queries.store_totals(store)
    assert (totals.posts, totals.scored, totals.model) == (13, 12, known.MODEL)
    assert totals.first_day == date(2025, 1, 15) and totals.last_day == date(2025, 1, 20)


def test_filters_round_trip_through_the_query_string() -> None:
    filters = Filters(
        start=date(2025, 1, 1),
        end=date(2025, 1, 31),
        platforms=("tiktok", "rednote"),
        topics=("ban",),
        languages=("zh",),
        sentiments=("negative",),
        keyword="a&b=c 小红书",
    )
    assert Filters.from_query_string(filters.to_query_string()) == filters
    assert Filters.from_dict(filters.to_dict()) == filters
    assert Filters().to_query_string() == ""


def test_filters_ignore_garbage_in_the_url() -> None:
    assert Filters.from_query_string("?start=yesterday&platform=,,&evil=<script>") == Filters()


def test_default_window_is_last_60_days_or_the_data_range() -> None:
    today = date(2025, 6, 1)
    assert queries.default_window(date(2025, 1, 1), date(2025, 5, 30), today) == (date(2025, 4, 3), today)
    assert queries.default_window(date(2025, 1, 10), date(2025, 2, 20), today) == (
        date(2025, 1, 10),
        date(2025, 2, 20),
    )
    # Times a little ahead of UTC are shown; one post dated 2286 does not flatten the charts.
    assert queries.default_window(date(2025, 1, 1), date(2025, 6, 2), today) == (
        date(2025, 4, 3),
        date(2025, 6, 2),
    )
    assert queries.default_window(date(2025, 1, 1), date(2286, 1, 1), today) == (
        date(2025, 4, 3),
        date(2025, 6, 2),
    )


def test_stale_rollup_is_not_used(store: Store) -> None:
    refresh_rollups(store, known.MODEL)
    store.write_batch(
        [
            known.known_posts()[0].__class__(
                platform="x", native_id="late", text="late post", created_at=known.utc("2025-01-18T00:00")
            )
        ]
    )
    rows = by_platform(queries.platform_summary(store, PERIOD, None))
    assert rows["x"]["posts"] == 4


def test_sources_of_an_empty_store_are_an_empty_table() -> None:
    from monitor.store import Store

    frame = queries.source_status(Store("sqlite://"), [])
    assert frame.empty and "last_error" in frame.columns


def test_nul_characters_are_dropped_from_filters() -> None:
    filters = queries.Filters(keyword="tik\x00tok", platforms=("x\x00",))
    assert filters.keyword == "tiktok" and filters.platforms == ("x",)


def test_a_rollup_behind_the_store_answers_its_clean_days_and_reads_the_rest(store: Store) -> None:
    from dataclasses import replace

    import sqlalchemy as sa

    from monitor.rollups import rollup_coverage
    from monitor.store import rollup_state

    refresh_rollups(store, known.MODEL)
    first = known.known_posts()[0]
    late = replace(first, native_id="late", created_at=known.utc("2025-01-18T00:00"))
    store.write_batch([late])
    store.save_scores([replace(known.known_scores()[0], post_id=late.id, sentiment="negative")])
    # Scoring it again replaces a score: a change the rollup cannot follow, so it falls behind.
    store.save_scores([replace(known.known_scores()[0], post_id=late.id, sentiment="positive")])
    with store.engine.connect() as conn:
        coverage = rollup_coverage(conn, known.MODEL)
    assert coverage == int(known.utc("2025-01-18T00:00").timestamp())  # not True, not False
    views = [
        lambda: queries.platform_summary(store, PERIOD, None),
        lambda: queries.sentiment_timeline(store, PERIOD, None),
        lambda: queries.topic_share(store, PERIOD, None),
        lambda: queries.cross_mentions(store, PERIOD, None),
        lambda: queries.filter_options(store, None),
    ]
    partly_rolled_up = [view() for view in views]
    with store.begin() as conn:
        conn.execute(sa.delete(rollup_state))  # now every answer comes from the posts
    for view, expected in zip(views, partly_rolled_up, strict=True):
        pd.testing.assert_frame_equal(
            view().sort_values(list(view().columns[:3])).reset_index(drop=True),
            expected.sort_values(list(expected.columns[:3])).reset_index(drop=True),
            check_dtype=False,
        )


def test_a_rollup_may_lag_by_max_lag_seconds_and_no_longer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from monitor import rollups

    store = known.fill_known_store(Store(f"sqlite:///{tmp_path / 'monitor.db'}"))
    refresh_rollups(store, known.MODEL)
    positive = PERIOD.replace(sentiments=("positive",))
    before = queries.count_posts(store, positive, known.MODEL)
    # Every positive post scored negative instead: replaced scores, which leave the rollup behind.
    store.save_scores(
        dataclasses.replace(score, sentiment="negative")
        for score in known.known_scores()
        if score.sentiment == "positive" and score.model == known.MODEL
    )
    assert queries.count_posts(store, positive, known.MODEL) < before  # exact by default
    assert queries.count_posts(store, positive, known.MODEL, max_lag=30) == before  # the recent rollup
    later = rollups.now_ts() + 31
    monkeypatch.setattr(rollups, "now_ts", lambda: later)
    assert queries.count_posts(store, positive, known.MODEL, max_lag=30) < before  # too old: exact


def test_mentions_rollup_and_grid_sorts_agree_on_both_backends(store_url: str) -> None:
    filled = known.fill_known_store(Store(store_url))
    try:
        raw = queries.cross_mentions(filled, PERIOD, None)
        refresh_rollups(filled, known.MODEL)
        pd.testing.assert_frame_equal(queries.cross_mentions(filled, PERIOD, None), raw)
        negative = PERIOD.replace(sentiments=("negative",))
        everything = queries.posts_page(filled, negative, None, limit=1000)
        page = queries.posts_page(filled, negative, None, "platform", True, 0, 3)
        expected = everything.sort_values(["platform", "created_at", "id"], ascending=False).head(3)
        assert list(page["id"]) == list(expected["id"])
    finally:
        filled.engine.dispose()
