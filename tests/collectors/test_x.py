from __future__ import annotations

import os

import pytest

from collectors.http import MissingCredential
from collectors.x import XCollector, XOptions
from monitor.store import Store

QUERY = "tiktok AND (ban OR rednote OR xiaohongshu)"
SEARCH = "/2/tweets/search/recent"


@pytest.fixture(autouse=True)
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_X_BEARER", "x-bearer-secret")


@pytest.fixture
def make(fast):
    def build(base_url: str, **overrides) -> XCollector:
        options = {"base_url": base_url, "query": QUERY, "bearer_env": "TEST_X_BEARER", **fast, **overrides}
        return XCollector("x", XOptions.model_validate(options))

    return build


@pytest.fixture
def spec(resilience, replay, make):
    return resilience.spec(
        make=make,
        page_path=SEARCH,
        page=replay.load("x", "recent_page2.json"),
        expected=2,
        empty=replay.load("x", "recent_empty.json"),
        base_path="/2",
    )


def test_recent_search_pages_with_next_token(replay, make, collect, store: Store) -> None:
    replay.queue(SEARCH, replay.load("x", "recent_page1.json"), replay.load("x", "recent_page2.json"))
    result, run = collect(make(replay.url("/2")), "x")
    assert (result.new, result.rejected, run["status"]) == (3, 1, "ok")
    first, second = replay.calls(SEARCH)
    assert first.args["query"] == "tiktok (ban OR rednote OR xiaohongshu) -is:retweet"
    assert first.headers["Authorization"] == "Bearer x-bearer-secret"
    assert second.args["next_token"] == "b26v89c19zqg8o3fpzbkk"
    with store.engine.connect() as conn:
        row = conn.exec_driver_sql(
            "SELECT author, parent_id, views, url FROM posts WHERE native_id = '1880000000000000200'"
        ).one()
    assert tuple(row) == (
        "other",
        "1880000000000000100",
        300,
        "https://x.com/other/status/1880000000000000200",
    )
    assert store.get_cursor("x") == {"since_id": "1880000000000000300", "next_token": None, "newest": None}


def test_a_restart_resumes_the_sweep_then_asks_only_for_newer(replay, make, collect, store: Store) -> None:
    replay.queue(SEARCH, replay.load("x", "recent_page1.json"), replay.load("x", "recent_page2.json"))
    collect(make(replay.url("/2"), max_pages=1), "x")
    assert store.get_cursor("x")["next_token"] == "b26v89c19zqg8o3fpzbkk"
    collect(make(replay.url("/2")), "x")
    assert replay.calls(SEARCH)[1].args["next_token"] == "b26v89c19zqg8o3fpzbkk"
    replay.queue(SEARCH, replay.load("x", "recent_empty.json"))
    collect(make(replay.url("/2")), "x")
    assert replay.calls(SEARCH)[-1].args["since_id"] == "1880000000000000300"


def test_missing_token_names_the_variable(replay, make, collect, monkeypatch) -> None:
    monkeypatch.delenv("TEST_X_BEARER")
    with pytest.raises(MissingCredential, match="TEST_X_BEARER"):
        collect(make(replay.url("/2")), "x")


def test_resilience(resilience, spec, resilience_case: str) -> None:
    getattr(resilience, resilience_case)(spec)


@pytest.mark.skipif(
    not (os.environ.get("BAN_MONITOR_LIVE") and os.environ.get("X_BEARER_TOKEN")),
    reason="live smoke test: set BAN_MONITOR_LIVE=1 and X_BEARER_TOKEN (a paid API)",
)
def test_live_recent_search(collect) -> None:
    from pytest_socket import enable_socket

    enable_socket()
    _, run = collect(XCollector("live", XOptions(query="tiktok ban", max_pages=1, page_size=10)), "live")
    assert run["status"] == "ok"
