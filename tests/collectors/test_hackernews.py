from __future__ import annotations

import os
import re

import pytest

from collectors.hackernews import HackerNewsCollector, HackerNewsOptions
from monitor.store import Store

QUERY = "tiktok AND (ban OR rednote OR xiaohongshu)"
SEARCH = "/search_by_date"
START = 1737158400  # 2025-01-18 00:00 UTC
END = START + 86400


@pytest.fixture
def make(fast):
    def build(base_url: str, **overrides) -> HackerNewsCollector:
        options = {
            "base_url": base_url,
            "query": QUERY,
            "since": "2025-01-18T00:00:00Z",
            "window": "1d",
            "lag": "1s",
            **fast,
            **overrides,
        }
        return HackerNewsCollector("hn", HackerNewsOptions.model_validate(options))

    return build


@pytest.fixture
def spec(resilience, replay, make):
    return resilience.spec(
        make=lambda url: make(url, since=_now_minus(3600)),
        page_path=SEARCH,
        page=replay.load("hackernews", "page.json"),
        expected=2,
        empty=replay.load("hackernews", "empty.json"),
    )


def _now_minus(seconds: int) -> str:
    import time

    return str(int(time.time()) - seconds)


class FakeIndex:
    """An Algolia index of many comments that, like the real one, never pages past the cap."""

    def __init__(self, count: int, cap: int) -> None:
        step = 86400 // count
        self.hits = [
            {
                "_tags": ["comment"],
                "objectID": str(50_000_000 + i),
                "author": f"user{i}",
                "comment_text": f"Comment {i}: the TikTok ban sent me to RedNote",
                "created_at_i": START + i * step,
                "parent_id": 42700001,
            }
            for i in range(count)
        ]
        self.cap = cap
        self.windows: list[tuple[int, int]] = []

    def __call__(self, request) -> dict:
        low, high = map(int, re.findall(r"\d+", request.args["numericFilters"]))
        per_page, page = int(request.args["hitsPerPage"]), int(request.args["page"])
        matching = sorted(
            (h for h in self.hits if low <= h["created_at_i"] < high), key=lambda h: -h["created_at_i"]
        )
        self.windows.append((low, high))
        reachable = matching[: self.cap]
        return {
            "hits": reachable[page * per_page : (page + 1) * per_page],
            "nbHits": len(matching),
            "page": page,
            "nbPages": -(-len(reachable) // per_page),
            "hitsPerPage": per_page,
        }


def test_stories_and_comments_are_converted_and_filtered(replay, make, collect, store: Store) -> None:
    replay.queue(SEARCH, replay.load("hackernews", "page.json"), replay.load("hackernews", "empty.json"))
    result, run = collect(make(replay.url()), "hn")
    assert (result.new, result.rejected, run["status"]) == (2, 1, "ok")
    first = replay.calls(SEARCH)[0]
    assert first.args["query"] == "tiktok" and first.args["tags"] == "(story,comment)"
    assert first.args["numericFilters"] == f"created_at_i>={START},created_at_i<{END}"
    with store.engine.connect() as conn:
        rows = {
            r[0]: r[1:]
            for r in conn.exec_driver_sql("SELECT native_id, title, text, parent_id, likes FROM posts")
        }
    assert rows["42700001"][:2] == ("Supreme Court upholds TikTok ban", "Supreme Court upholds TikTok ban")
    assert rows["42700050"][2] == "42700001" and "which is also Chinese" in rows["42700050"][1]


def test_windows_split_until_no_hit_is_lost_to_the_cap(replay, make, collect, store: Store) -> None:
    index = FakeIndex(count=50, cap=10)
    replay.queue(SEARCH, index)
    collector = make(replay.url(), hit_cap=10, page_size=4, max_pages=500, until=END)
    result, run = collect(collector, "hn")
    assert (result.new, run["status"]) == (50, "ok")
    assert store.get_cursor("hn") == {"since": END}
    assert any(high - low < 86400 // 4 for low, high in index.windows)


def test_a_restart_resumes_from_the_first_unfinished_window(replay, make, collect, store: Store) -> None:
    index = FakeIndex(count=20, cap=1000)
    replay.queue(SEARCH, index)
    collect(make(replay.url(), window="6h", max_pages=2, until=END), "hn")
    assert store.get_cursor("hn") == {"since": START + 2 * 6 * 3600}
    collect(make(replay.url(), window="6h", until=END), "hn")
    assert index.windows[2][0] == START + 2 * 6 * 3600
    assert store.posts_per_platform() == {"hackernews": 20}


def test_duplicates_across_pages_are_stored_once(replay, make, collect, store: Store) -> None:
    page = replay.load("hackernews", "page.json")
    second = dict(page, page=1)
    replay.queue(SEARCH, dict(page, nbPages=2), second)
    result, _ = collect(make(replay.url(), until=END), "hn")
    assert result.new == 2 and store.posts_per_platform() == {"hackernews": 2}


def test_resilience(resilience, spec, resilience_case: str) -> None:
    getattr(resilience, resilience_case)(spec)


@pytest.mark.skipif(not os.environ.get("BAN_MONITOR_LIVE"), reason="live smoke test: set BAN_MONITOR_LIVE=1")
def test_live_search(collect) -> None:
    from pytest_socket import enable_socket

    enable_socket()
    collector = HackerNewsCollector("live", HackerNewsOptions(query="tiktok", lookback="6h", max_pages=1))
    _, run = collect(collector, "live")
    assert run["status"] == "ok"
