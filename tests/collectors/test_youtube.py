from __future__ import annotations

import os

import pytest

from collectors.youtube import YouTubeCollector, YouTubeOptions
from monitor.store import Store

QUERY = "tiktok OR rednote"
THREADS = "/youtube/v3/commentThreads"
SEARCH = "/youtube/v3/search"
KEY = "AIzaSy-test-key-secret"


@pytest.fixture(autouse=True)
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_YT_KEY", KEY)


@pytest.fixture
def make(fast):
    def build(base_url: str, **overrides) -> YouTubeCollector:
        options = {"base_url": base_url, "query": QUERY, "key_env": "TEST_YT_KEY", **fast, **overrides}
        return YouTubeCollector("yt", YouTubeOptions.model_validate(options))

    return build


@pytest.fixture
def spec(resilience, replay, make):
    return resilience.spec(
        make=lambda url: make(url, videos=["vid00000001"]),
        page_path=THREADS,
        page=replay.load("youtube", "threads_page1.json") | {"nextPageToken": None},
        expected=2,
        empty=replay.load("youtube", "threads_empty.json"),
        base_path="/youtube/v3",
    )


def test_comments_of_configured_videos_page_and_filter(replay, make, collect, store: Store) -> None:
    replay.queue(
        THREADS, replay.load("youtube", "threads_page1.json"), replay.load("youtube", "threads_page2.json")
    )
    result, run = collect(make(replay.url("/youtube/v3"), videos=["vid00000001"]), "yt")
    assert (result.new, result.rejected, run["status"]) == (2, 1, "ok")  # the cooking comment is filtered
    first, second = replay.calls(THREADS)
    assert (
        first.args["videoId"] == "vid00000001" and first.args["order"] == "time" and first.args["key"] == KEY
    )
    assert second.args["pageToken"] == "QURTSl9pMnRok1"
    (reject,) = store.recent_rejects()
    assert KEY not in reject["location"] and "key=***" in reject["location"]
    with store.engine.connect() as conn:
        row = conn.exec_driver_sql(
            "SELECT likes, replies, url FROM posts WHERE native_id='UgxAAA0000000000000001'"
        ).one()
    assert tuple(row) == (420, 12, "https://www.youtube.com/watch?v=vid00000001&lc=UgxAAA0000000000000001")


def test_search_finds_videos_and_keeps_all_their_comments(replay, make, collect, store: Store) -> None:
    replay.queue(SEARCH, replay.load("youtube", "search.json"))
    replay.queue(THREADS, replay.load("youtube", "threads_page2.json"))
    result, _ = collect(make(replay.url("/youtube/v3")), "yt")
    assert result.new == 2
    assert replay.calls(SEARCH)[0].args["q"] == "tiktok|rednote"


def test_a_restart_resumes_then_stops_at_the_newest_comment(replay, make, collect, store: Store) -> None:
    replay.queue(
        THREADS, replay.load("youtube", "threads_page1.json"), replay.load("youtube", "threads_page2.json")
    )
    collect(make(replay.url("/youtube/v3"), videos=["vid00000001"], max_pages=1), "yt")
    assert store.get_cursor("yt")["vid00000001"]["page"] == "QURTSl9pMnRok1"
    collect(make(replay.url("/youtube/v3"), videos=["vid00000001"]), "yt")
    assert replay.calls(THREADS)[1].args["pageToken"] == "QURTSl9pMnRok1"
    assert store.get_cursor("yt")["vid00000001"]["newest"] == "2025-01-18T12:00:00+00:00"
    replay.queue(THREADS, replay.load("youtube", "threads_page1.json"))
    collect(make(replay.url("/youtube/v3"), videos=["vid00000001"]), "yt")
    assert "pageToken" not in replay.calls(THREADS)[-1].args and len(replay.calls(THREADS)) == 3


def test_a_video_with_comments_disabled_is_a_reject(replay, make, collect, store: Store) -> None:
    replay.queue(THREADS, replay.Reply(replay.load("youtube", "comments_disabled.json"), 403))
    result, run = collect(make(replay.url("/youtube/v3"), videos=["vid00000001"]), "yt")
    assert (result.rejected, run["status"]) == (1, "ok")
    (reject,) = store.recent_rejects()
    assert "403" in reject["reason"] and KEY not in reject["reason"] + reject["location"]


def test_resilience(resilience, spec, resilience_case: str) -> None:
    getattr(resilience, resilience_case)(spec)


@pytest.mark.skipif(
    not (os.environ.get("BAN_MONITOR_LIVE") and os.environ.get("YOUTUBE_API_KEY")),
    reason="live smoke test: set BAN_MONITOR_LIVE=1 and YOUTUBE_API_KEY",
)
def test_live_search(collect) -> None:
    from pytest_socket import enable_socket

    enable_socket()
    options = YouTubeOptions(query="tiktok ban", search_videos=1, max_pages=1, page_size=10)
    _, run = collect(YouTubeCollector("live", options), "live")
    assert run["status"] == "ok"
