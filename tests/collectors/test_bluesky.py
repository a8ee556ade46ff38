from __future__ import annotations

import os

import pytest

from collectors.bluesky import BlueskyCollector, BlueskyOptions
from collectors.http import MissingCredential
from monitor.store import Store

QUERY = "tiktok AND (ban OR rednote OR xiaohongshu)"
SEARCH = "/xrpc/app.bsky.feed.searchPosts"
SESSION = "/xrpc/com.atproto.server.createSession"


@pytest.fixture(autouse=True)
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_BSKY_HANDLE", "analyst.bsky.social")
    monkeypatch.setenv("TEST_BSKY_PASSWORD", "abcd-efgh-ijkl-mnop")


@pytest.fixture
def make(fast):
    def build(base_url: str, **overrides) -> BlueskyCollector:
        options = {
            "base_url": base_url,
            "query": QUERY,
            "handle_env": "TEST_BSKY_HANDLE",
            "password_env": "TEST_BSKY_PASSWORD",
            **fast,
            **overrides,
        }
        return BlueskyCollector("bsky", BlueskyOptions.model_validate(options))

    return build


def prepare(replay) -> None:
    replay.queue(SESSION, replay.load("bluesky", "session.json"), method="POST")


@pytest.fixture
def spec(resilience, replay, make):
    return resilience.spec(
        make=make,
        page_path=SEARCH,
        page=replay.load("bluesky", "search_page2.json"),
        expected=2,
        empty=replay.load("bluesky", "search_empty.json"),
        base_path="/xrpc",
        prepare=prepare,
    )


def test_pages_are_collected_filtered_and_converted(replay, make, collect, store: Store) -> None:
    prepare(replay)
    replay.queue(
        SEARCH, replay.load("bluesky", "search_page1.json"), replay.load("bluesky", "search_page2.json")
    )
    result, run = collect(make(replay.url("/xrpc")), "bsky")
    assert (result.new, result.rejected, run["status"]) == (3, 1, "ok")
    first, second = replay.calls(SEARCH)
    assert first.args["q"] == QUERY and first.args["sort"] == "latest" and "cursor" not in first.args
    assert second.args["cursor"] == "25"
    assert first.headers["Authorization"] == "Bearer test-access-jwt-not-a-real-token"
    assert "ban-monitor" in first.headers["User-Agent"]
    with store.engine.connect() as conn:
        rows = {
            r[0]: r[1:]
            for r in conn.exec_driver_sql(
                "SELECT id, author, likes, parent_id, lang, url FROM posts"
            ).fetchall()
        }
    reply = rows["bluesky:at://did:plc:bbbb2222/app.bsky.feed.post/3lfoo1xyzzq2b"]
    assert reply[0] == "policy.bsky.social" and reply[1] == 9  # a repeat in a later page is skipped
    assert reply[2] == "at://did:plc:cccc3333/app.bsky.feed.post/3lfonroot0001"
    assert rows["bluesky:at://did:plc:aaaa1111/app.bsky.feed.post/3lfoo2bnmqk2a"][4] == (
        "https://bsky.app/profile/refugee.bsky.social/post/3lfoo2bnmqk2a"
    )
    (reject,) = store.recent_rejects()
    assert reject["location"].endswith("#3") and SEARCH in reject["location"] and "record" in reject["reason"]


def test_duplicates_across_pages_are_stored_once(replay, make, collect, store: Store) -> None:
    prepare(replay)
    replay.queue(
        SEARCH, replay.load("bluesky", "search_page1.json"), replay.load("bluesky", "search_page2.json")
    )
    collect(make(replay.url("/xrpc")), "bsky")
    assert store.posts_per_platform() == {"bluesky": 3}


def test_a_restart_resumes_from_the_saved_page_cursor(replay, make, collect, store: Store) -> None:
    prepare(replay)
    replay.queue(
        SEARCH, replay.load("bluesky", "search_page1.json"), replay.load("bluesky", "search_page2.json")
    )
    first, _ = collect(make(replay.url("/xrpc"), max_pages=1), "bsky")
    assert first.new == 2
    assert store.get_cursor("bsky")["page"] == "25"
    collect(make(replay.url("/xrpc"), max_pages=1), "bsky")  # a new process, same store
    assert replay.calls(SEARCH)[-1].args["cursor"] == "25"
    cursor = store.get_cursor("bsky")
    assert cursor == {"since": "2025-01-17T15:02:11Z", "page": None, "newest": None}
    replay.queue(SEARCH, replay.load("bluesky", "search_empty.json"))
    collect(make(replay.url("/xrpc")), "bsky")
    assert replay.calls(SEARCH)[-1].args["since"] == "2025-01-17T15:02:11Z"


def test_missing_password_names_the_variable(replay, make, collect, monkeypatch) -> None:
    monkeypatch.delenv("TEST_BSKY_PASSWORD")
    with pytest.raises(MissingCredential, match="TEST_BSKY_PASSWORD"):
        collect(make(replay.url("/xrpc")), "bsky")


def test_bad_login_fails_without_showing_the_password(replay, make, collect, store: Store) -> None:
    replay.queue(
        SESSION,
        replay.Reply({"error": "AuthenticationRequired", "message": "Invalid identifier or password"}, 401),
        method="POST",
    )
    with pytest.raises(Exception, match="401") as caught:
        collect(make(replay.url("/xrpc")), "bsky")
    assert "abcd-efgh" not in str(caught.value)
    assert "abcd-efgh" not in (store.last_runs(1)[0]["error"] or "")


def test_resilience(resilience, spec, resilience_case: str) -> None:
    getattr(resilience, resilience_case)(spec)


@pytest.mark.skipif(
    not (os.environ.get("BAN_MONITOR_LIVE") and os.environ.get("BLUESKY_APP_PASSWORD")),
    reason="live smoke test: set BAN_MONITOR_LIVE=1, BLUESKY_HANDLE and BLUESKY_APP_PASSWORD",
)
def test_live_search(collect) -> None:
    from pytest_socket import enable_socket

    enable_socket()
    collector = BlueskyCollector("live", BlueskyOptions(query="tiktok ban", max_pages=1, page_size=10))
    _, run = collect(collector, "live")
    assert run["status"] == "ok"
