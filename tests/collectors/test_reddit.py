from __future__ import annotations

import base64
import os

import pytest

from collectors.http import MissingCredential
from collectors.reddit import RedditCollector, RedditOptions
from monitor.store import Store

QUERY = "tiktok AND (ban OR rednote OR xiaohongshu OR 小红书)"
TOKEN = "/api/v1/access_token"
SEARCH = "/search"


@pytest.fixture(autouse=True)
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_REDDIT_ID", "app-id")
    monkeypatch.setenv("TEST_REDDIT_SECRET", "app-secret-value")


@pytest.fixture
def make(fast, replay):
    def build(base_url: str, **overrides) -> RedditCollector:
        options = {
            "base_url": base_url,
            "auth_url": replay.url(TOKEN),
            "client_id_env": "TEST_REDDIT_ID",
            "client_secret_env": "TEST_REDDIT_SECRET",
            "query": QUERY,
            **fast,
            **overrides,
        }
        return RedditCollector("reddit", RedditOptions.model_validate(options))

    return build


def prepare(replay) -> None:
    replay.queue(TOKEN, replay.load("reddit", "token.json"), method="POST")


@pytest.fixture
def spec(resilience, replay, make):
    return resilience.spec(
        make=make,
        page_path=SEARCH,
        page=replay.load("reddit", "search_page2.json"),
        expected=2,
        empty=replay.load("reddit", "empty.json"),
        prepare=prepare,
    )


def pages(replay) -> None:
    prepare(replay)
    replay.queue(
        SEARCH, replay.load("reddit", "search_page1.json"), replay.load("reddit", "search_page2.json")
    )


def test_search_pages_with_after_and_an_app_token(replay, make, collect, store: Store) -> None:
    pages(replay)
    result, run = collect(make(replay.url()), "reddit")
    assert (result.new, result.rejected, run["status"]) == (3, 1, "ok")
    (token_request,) = replay.calls(TOKEN)
    assert token_request.form["grant_type"] == "client_credentials"
    assert (
        token_request.headers["Authorization"]
        == "Basic " + base64.b64encode(b"app-id:app-secret-value").decode()
    )
    first, second = replay.calls(SEARCH)
    assert first.args["q"] == QUERY and first.args["sort"] == "new" and "after" not in first.args
    assert second.args["after"] == "t3_1i3b002"
    assert first.headers["Authorization"] == "bearer test-reddit-token-not-real"
    assert first.headers["User-Agent"].startswith("python:ban-monitor:")
    with store.engine.connect() as conn:
        (text, url) = conn.exec_driver_sql(
            "SELECT text, url FROM posts WHERE native_id = '1i3b001'"
        ).fetchone()
    assert text == (
        "TikTok ban upheld: what happens on Sunday? "
        "If the ban takes effect, does the app stop working & right away?"
    )
    assert url == "https://www.reddit.com/r/technology/comments/1i3b001/tiktok_ban_upheld/"


def test_comments_of_matched_posts_with_their_parents(replay, make, collect, store: Store) -> None:
    pages(replay)
    replay.queue("/comments/1i3b001", replay.load("reddit", "comments_1i3b001.json"))
    empty = replay.load("reddit", "empty.json")
    replay.queue("/comments/1i3b002", [empty, empty])
    replay.queue("/comments/1i3a999", replay.Reply(raw="not json", content_type="text/plain"))
    result, _ = collect(make(replay.url(), comments=True), "reddit")
    assert (result.new, result.rejected) == (5, 2)
    with store.engine.connect() as conn:
        parents = dict(
            conn.exec_driver_sql("SELECT native_id, parent_id FROM posts WHERE parent_id IS NOT NULL").all()
        )
    assert parents == {"m7c0001": "1i3b001", "m7c0002": "m7c0001"}
    # A downvoted reply is kept with its score: refusing it would leave out the reactions
    # a community disliked.
    with store.engine.connect() as conn:
        likes = dict(
            conn.exec_driver_sql("SELECT native_id, likes FROM posts WHERE parent_id IS NOT NULL").all()
        )
    assert likes == {"m7c0001": 301, "m7c0002": -4}


def test_next_run_stops_at_the_previous_newest_post(replay, make, collect, store: Store) -> None:
    pages(replay)
    collect(make(replay.url()), "reddit")
    assert store.get_cursor("reddit")["search"]["newest"] == 1737130000.0
    replay.queue(SEARCH, replay.load("reddit", "search_page1.json"))
    collect(make(replay.url()), "reddit")
    assert "after" not in replay.calls(SEARCH)[-1].args  # the first page reached old posts: done
    assert len(replay.calls(SEARCH)) == 3


def test_a_restart_resumes_from_the_saved_after(replay, make, collect, store: Store) -> None:
    pages(replay)
    collect(make(replay.url(), max_pages=1), "reddit")
    assert store.get_cursor("reddit")["search"]["after"] == "t3_1i3b002"
    collect(make(replay.url()), "reddit")
    assert replay.calls(SEARCH)[-1].args["after"] == "t3_1i3b002"
    assert store.posts_per_platform() == {"reddit": 3}


def test_subreddit_listings_filter_locally(replay, make, collect, store: Store) -> None:
    prepare(replay)
    replay.queue("/r/technology/new", replay.load("reddit", "search_page2.json"))
    result, _ = collect(make(replay.url(), mode="new", subreddits=["technology"]), "reddit")
    assert result.new == 2 and "q" not in replay.calls("/r/technology/new")[0].args


def test_missing_secret_names_the_variable(replay, make, collect, monkeypatch) -> None:
    monkeypatch.delenv("TEST_REDDIT_SECRET")
    with pytest.raises(MissingCredential, match="TEST_REDDIT_SECRET"):
        collect(make(replay.url()), "reddit")


def test_resilience(resilience, spec, resilience_case: str) -> None:
    getattr(resilience, resilience_case)(spec)


@pytest.mark.skipif(
    not (os.environ.get("BAN_MONITOR_LIVE") and os.environ.get("REDDIT_CLIENT_SECRET")),
    reason="live smoke test: set BAN_MONITOR_LIVE=1, REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET",
)
def test_live_search(collect) -> None:
    from pytest_socket import enable_socket

    enable_socket()
    _, run = collect(
        RedditCollector("live", RedditOptions(query="tiktok ban", max_pages=1, page_size=5)), "live"
    )
    assert run["status"] == "ok"
