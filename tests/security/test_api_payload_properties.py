"""Whatever an API sends, each item ends as a Post, a reject with a reason, or "not
wanted" (filtered out), never an unhandled exception. Items start from a real
payload of each API (the replay fixtures) and hypothesis deletes keys and replaces values
with any JSON at any depth; Jetstream gets whole messages, including ones that are not
JSON. Counts and dates in any form have their own properties in tests/monitor/test_models.py,
file rows in tests/collectors/test_files_properties.py."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collectors.bluesky import BlueskyCollector, BlueskyOptions
from collectors.hackernews import HackerNewsCollector, HackerNewsOptions
from collectors.jetstream import JetstreamCollector, JetstreamOptions
from collectors.mastodon import MastodonCollector, MastodonOptions
from collectors.news import NewsCollector, NewsOptions
from collectors.reddit import RedditCollector, RedditOptions
from collectors.x import XCollector, XOptions
from collectors.youtube import YouTubeCollector, YouTubeOptions
from monitor.models import MAX_COUNT, Post
from monitor.sources import Batch
from monitor.store import Store

REPLAY = Path(__file__).parents[1] / "fixtures" / "replay"
URL = "http://127.0.0.1:9/api"
EXAMPLES = 150


def replay(kind: str, name: str) -> Any:
    return json.loads((REPLAY / kind / name).read_text(encoding="utf-8"))


YOUTUBE_THREAD = {
    "id": "t1",
    "snippet": {
        "videoId": "v1",
        "totalReplyCount": 2,
        "topLevelComment": {
            "id": "c1",
            "snippet": {
                "videoId": "v1",
                "textOriginal": "the tiktok ban is wild",
                "authorDisplayName": "someone",
                "likeCount": 4,
                "publishedAt": "2025-01-18T10:00:00Z",
            },
        },
    },
}
NEWS_ENTRY = {
    "title": "TikTok ban upheld",
    "summary": "<p>The court upheld the tiktok ban.</p>",
    "link": "https://news.example/a",
    "id": "urn:a",
    "published": "Fri, 17 Jan 2025 15:00:00 GMT",
    "author": "Reporter",
    "content": [{"value": "body"}],
}

json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([2**63, 2**64 + 1, -(2**63) - 1, "99999999999999999999999"]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["", "7.6万", "1.2K", "2025-01-18T10:00:00Z", "1737129600", "-1", "\u202e", "<b>x</b>"]),
)
any_json = st.recursive(
    json_leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def mutated(draw: st.DrawFn, value: Any) -> Any:
    """``value`` with keys dropped and values replaced by any JSON, at every depth."""
    choice = draw(st.integers(0, 9))
    if choice == 0:
        return draw(any_json)
    if isinstance(value, dict):
        result = {}
        for key, inner in value.items():
            if draw(st.integers(0, 7)) == 0:
                continue
            result[key] = draw(mutated(inner))
        return result
    if isinstance(value, list):
        return [draw(mutated(inner)) for inner in value]
    return value


def collectors() -> dict[str, tuple[Callable[[Any], Post | None], Any, Any]]:
    """name -> (convert, template item, a collector for convert_all)."""
    bluesky = BlueskyCollector("p", BlueskyOptions(query="tiktok OR ban OR rednote"))
    mastodon = MastodonCollector("p", MastodonOptions(tag="tiktok"))
    reddit = RedditCollector("p", RedditOptions(query="tiktok"))
    hackernews = HackerNewsCollector("p", HackerNewsOptions())
    youtube = YouTubeCollector("p", YouTubeOptions(videos=["v1"]))
    x = XCollector("p", XOptions(query="tiktok"))
    news = NewsCollector("p", NewsOptions())
    return {
        "bluesky": (bluesky.convert, replay("bluesky", "search_page1.json")["posts"][0], bluesky),
        "mastodon": (mastodon.convert, replay("mastodon", "tag_page1.json")[0], mastodon),
        "reddit-post": (
            reddit.convert_post,
            replay("reddit", "search_page1.json")["data"]["children"][0]["data"],
            reddit,
        ),
        "reddit-comment": (
            reddit.convert_comment,
            replay("reddit", "comments_1i3b001.json")[1]["data"]["children"][0]["data"],
            reddit,
        ),
        "hackernews": (hackernews.convert, replay("hackernews", "page.json")["hits"][0], hackernews),
        "youtube": (youtube.convert_all_comments, YOUTUBE_THREAD, youtube),
        "x": (
            partial(x.convert, users={"1": "someone"}),
            replay("x", "recent_page1.json")["data"][0],
            x,
        ),
        "news": (partial(news.convert, language="en"), NEWS_ENTRY, news),
    }


COLLECTORS = collectors()


def assert_sound(post: Post) -> None:
    assert isinstance(post.text, str) and post.text
    assert isinstance(post.native_id, str) and post.native_id
    assert isinstance(post.created_at, datetime) and post.created_at.utcoffset() is not None
    for name in ("author", "title", "lang", "url", "parent_id"):
        assert getattr(post, name) is None or isinstance(getattr(post, name), str), name
    for count in (post.likes, post.reposts, post.replies, post.views):
        # Signed (a Reddit score can be below zero), and three of them sum into an int64.
        assert count is None or (isinstance(count, int) and abs(count) < MAX_COUNT)
    json.dumps(post.raw)  # storable


@pytest.mark.parametrize("name", list(COLLECTORS))
def test_the_real_payload_converts(name: str) -> None:
    convert, template, _ = COLLECTORS[name]
    post = convert(template)
    assert post is not None
    assert_sound(post)


@pytest.mark.parametrize("name", list(COLLECTORS))
def test_any_item_becomes_a_post_a_reject_or_nothing(name: str) -> None:
    convert, template, collector = COLLECTORS[name]
    store = Store("sqlite://")  # what converts must also store: one bad item must not fail a batch

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(mutated(template), min_size=1, max_size=4))
    def check(items: list[Any]) -> None:
        posts, rejects = collector.convert_all(items, URL, convert)
        assert len(posts) + len(rejects) <= len(items)
        for reject in rejects:
            assert reject.reason and reject.location.startswith(URL)
        for post in posts:
            assert_sound(post)
        store.write_batch(posts, rejects, source="p", cursor={"page": 1})

    check()


def test_a_count_too_large_for_the_store_is_a_reject_not_a_failed_batch() -> None:
    collector = MastodonCollector("p", MastodonOptions(tag="tiktok"))
    status = {**replay("mastodon", "tag_page1.json")[0], "favourites_count": "99999999999999999999999"}
    posts, rejects = collector.convert_all([status], URL, collector.convert)
    assert posts == [] and ("out of range" in rejects[0].reason or "too large" in rejects[0].reason)
    Store("sqlite://").write_batch(posts, rejects)


@pytest.mark.parametrize("name", list(COLLECTORS))
def test_a_page_that_is_not_a_list_is_one_reject(name: str) -> None:
    convert, _, collector = COLLECTORS[name]

    @settings(max_examples=30, deadline=None)
    @given(any_json.filter(lambda value: not isinstance(value, list)))
    def check(page: Any) -> None:
        posts, rejects = collector.convert_all(page, URL, convert)
        assert posts == [] and len(rejects) == 1 and rejects[0].reason

    check()


JETSTREAM_EVENT = json.loads(
    (REPLAY / "jetstream" / "events.ndjson").read_text(encoding="utf-8").splitlines()[0]
)


def test_a_jetstream_event_with_a_did_that_is_not_text_is_a_reject() -> None:
    batch = Batch()
    JetstreamCollector("p", JetstreamOptions())._take(
        json.dumps({**JETSTREAM_EVENT, "did": []}), URL, batch, None
    )
    assert batch.posts == [] and len(batch.rejects) == 1


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    st.one_of(
        mutated(JETSTREAM_EVENT).map(json.dumps),
        any_json.map(json.dumps),
        st.text(max_size=50),
        st.binary(max_size=50),
    )
)
def test_any_jetstream_message_becomes_a_post_a_reject_or_nothing(message: str | bytes) -> None:
    collector = JetstreamCollector("p", JetstreamOptions())
    batch = Batch()
    collector._take(message, URL, batch, None)
    assert len(batch.posts) + len(batch.rejects) <= 1
    for post in batch.posts:
        assert_sound(post)
    for reject in batch.rejects:
        assert reject.reason


def test_a_file_row_with_a_count_too_large_for_the_store_is_a_reject(tmp_path: Path) -> None:
    from collectors.files import FileCollector, FileOptions
    from monitor.sources import run_collector

    path = tmp_path / "big.csv"
    path.write_text(
        "id,text,created_at,likes\n1,tiktok ban,2025-01-14 10:00,99999999999999999999999\n2,ok,2025-01-14,5\n"
    )
    store = Store("sqlite://")
    result, _ = run_collector(store, FileCollector("f", FileOptions(path=path, platform="x")), "f")
    assert (result.new, result.rejected) == (1, 1)
