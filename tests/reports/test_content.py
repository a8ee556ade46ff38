"""A report built from a small store with known numbers contains them, and they are the
numbers the dashboard's queries give for the same day."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import pytest

from monitor import queries
from monitor.config import Config
from monitor.reports.content import gather_content
from monitor.store import Store
from tests.reports.conftest import WINDOW_END, known


@pytest.fixture
def content(config: Config, known_store: Store):  # noqa: ANN201
    return gather_content(config, config.reports[0], known_store, WINDOW_END)


def test_the_window_is_the_previous_day(content) -> None:  # noqa: ANN001
    assert content.window.start == datetime(2025, 1, 18, tzinfo=UTC)
    assert content.window.end == datetime(2025, 1, 19, tzinfo=UTC)
    assert content.bucket == "hour"


def test_headline_numbers_are_the_known_ones(content) -> None:  # noqa: ANN001
    headline = content.headline.set_index("platform")
    for platform, expected in known.HEADLINE.items():
        row = headline.loc[platform]
        assert row["posts"] == expected["posts"]
        assert row["scored"] == expected["scored"]
        assert row["net_sentiment"] == pytest.approx(expected["net"])
        assert row["prev_posts"] == expected["prev_posts"]
        if expected["prev_net"] is None:
            assert math.isnan(row["prev_net_sentiment"])
    assert headline.loc["tiktok", "volume_change"] == pytest.approx(1.0)
    assert headline.loc["tiktok", "net_change"] == pytest.approx(-1 / 3 + 1)


def test_headline_matches_the_dashboards_platform_summary(content, known_store: Store) -> None:  # noqa: ANN001
    day = date(2025, 1, 18)
    dashboard = queries.platform_summary(known_store, queries.Filters(start=day, end=day), None)
    columns = ["platform", "posts", "scored", "net_sentiment", "prev_posts", "prev_net_sentiment"]
    ours = content.headline[columns].sort_values("platform", ignore_index=True)
    theirs = dashboard[columns].sort_values("platform", ignore_index=True)
    assert ours["posts"].tolist() == theirs["posts"].tolist()
    assert ours["net_sentiment"].tolist() == pytest.approx(theirs["net_sentiment"].tolist())


def test_a_post_after_the_window_does_not_count(content) -> None:  # noqa: ANN001
    assert "tiktok:t9" not in set(content.posts["id"])
    assert len(content.posts) == 9
    assert content.total_posts == 9


def test_top_posts_are_the_most_engaged_per_side(content) -> None:  # noqa: ANN001
    top = content.top_posts
    tiktok_negative = top[(top["platform"] == "tiktok") & (top["side"] == "negative")]
    assert tiktok_negative["id"].tolist() == ["tiktok:t1", "tiktok:t2"]
    rednote_positive = top[(top["platform"] == "rednote") & (top["side"] == "positive")]
    assert rednote_positive["id"].tolist()[0] == "rednote:r1"


def test_topic_mix_and_mentions(content) -> None:  # noqa: ANN001
    topics = content.topics.set_index(["platform", "topic"])
    assert topics.loc[("tiktok", "ban"), "posts"] == 2
    assert topics.loc[("rednote", "migration"), "share"] == pytest.approx(2 / 3)
    mentions = content.mentions.set_index(["platform", "mentioned"])
    assert mentions.loc[("rednote", "tiktok"), "posts"] == 2


def test_method_note_names_model_and_sources(content) -> None:  # noqa: ANN001
    assert content.method.model == known.MODEL
    assert content.method.scored == 8
    assert content.method.rejects == 1
    assert set(content.method.sources["source"]) >= {"tiktok-src", "rednote-src", "x-src"}


def test_events_in_the_window_are_kept(content) -> None:  # noqa: ANN001
    assert [event.label for event in content.events] == ["TikTok goes dark in the US"]
