from __future__ import annotations

import os

import pytest

from collectors.news import NewsCollector, NewsOptions
from monitor.store import Store

QUERY = "tiktok AND (ban OR rednote OR xiaohongshu)"
SEARCH = "/search"
ATOM = "/policy.atom"
RSS = "application/rss+xml"


@pytest.fixture
def make(fast):
    def build(base_url: str, **overrides) -> NewsCollector:
        options = {"base_url": base_url, "query": QUERY, **fast, **overrides}
        return NewsCollector("news", NewsOptions.model_validate(options))

    return build


def feed(replay, name: str, **headers):
    return replay.Reply(raw=replay.load("news", name), content_type=RSS, headers=headers)


@pytest.fixture
def spec(resilience, replay, make):
    return resilience.spec(
        make=make,
        page_path=SEARCH,
        page=feed(replay, "google_news_search.xml"),
        expected=2,
        empty=feed(replay, "empty.xml"),
        malformed_reason="not an RSS or Atom feed",
    )


def test_a_query_built_search_feed_is_read_and_filtered(replay, make, collect, store: Store) -> None:
    replay.queue(SEARCH, feed(replay, "google_news_search.xml"))
    result, run = collect(make(replay.url()), "news")
    assert (result.new, result.rejected, run["status"]) == (2, 1, "ok")
    (request,) = replay.calls(SEARCH)
    assert request.args["q"] == "tiktok (ban OR rednote OR xiaohongshu)" and request.args["hl"] == "en-US"
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT title, text, author, lang, url, created_at FROM posts ORDER BY created_at"
        ).fetchall()
    assert rows[0][0] == "'TikTok refugees' flock to Chinese app RedNote - Daily Example"
    assert rows[0][2:5] == ("Daily Example", "en", "https://daily.example.org/tech/rednote-refugees")
    assert rows[1][1] == "Supreme Court upholds law that could ban TikTok Example Times"
    (reject,) = store.recent_rejects()
    assert reject["location"].endswith("#3") and reject["reason"] == "entry has no date"


def test_atom_and_rss_feeds_share_articles_once(replay, make, collect, store: Store) -> None:
    replay.queue(SEARCH, feed(replay, "google_news_search.xml"))
    replay.queue(ATOM, replay.Reply(raw=replay.load("news", "atom.xml"), content_type="application/atom+xml"))
    collector = make(replay.url(), feeds=["/search?q={query}", replay.url(ATOM)])
    result, _ = collect(collector, "news")
    assert result.new == 3
    with store.engine.connect() as conn:
        (text,) = conn.exec_driver_sql("SELECT text FROM posts WHERE author = 'Jo Reporter'").fetchone()
    assert text == "The order tells the Justice Department not to enforce the TikTok ban for 75 days."


def test_unchanged_feeds_are_not_read_again(replay, make, collect, store: Store) -> None:
    replay.queue(
        SEARCH,
        feed(
            replay,
            "google_news_search.xml",
            ETag='"v1"',
            **{"Last-Modified": "Sat, 18 Jan 2025 12:00:00 GMT"},
        ),
        replay.Reply(raw="", status=304),
    )
    collect(make(replay.url()), "news")
    second, run = collect(make(replay.url()), "news")
    assert (second.new, run["status"]) == (0, "ok")
    request = replay.calls(SEARCH)[-1]
    assert request.headers["If-None-Match"] == '"v1"'
    assert request.headers["If-Modified-Since"] == "Sat, 18 Jan 2025 12:00:00 GMT"


def test_resilience(resilience, spec, resilience_case: str) -> None:
    getattr(resilience, resilience_case)(spec)


@pytest.mark.skipif(not os.environ.get("BAN_MONITOR_LIVE"), reason="live smoke test: set BAN_MONITOR_LIVE=1")
def test_live_google_news_search(collect) -> None:
    from pytest_socket import enable_socket

    enable_socket()
    _, run = collect(NewsCollector("live", NewsOptions(query="tiktok ban")), "live")
    assert run["status"] == "ok"
