from __future__ import annotations

import os

import pytest

from collectors.mastodon import MastodonCollector, MastodonOptions
from monitor.store import Store

QUERY = "tiktok AND (ban OR rednote OR 小红书)"
TAG = "/api/v1/timelines/tag/TikTokBan"


@pytest.fixture
def make(fast):
    def build(*instances: str, **overrides) -> MastodonCollector:
        options = {
            "instances": list(instances),
            "tag": "#TikTokBan",
            "any": ["rednote", "xiaohongshu"],
            "none": ["nsfw"],
            "query": QUERY,
            "page_size": 2,
            **fast,
            **overrides,
        }
        return MastodonCollector("masto", MastodonOptions.model_validate(options))

    return build


@pytest.fixture
def spec(resilience, replay, make):
    return resilience.spec(
        make=lambda url: make(url, page_size=40),
        page_path=TAG,
        page=replay.load("mastodon", "tag_page1.json"),
        expected=2,
        empty=replay.load("mastodon", "tag_empty.json"),
    )


def pages(replay) -> None:
    replay.queue(
        TAG,
        replay.load("mastodon", "tag_page1.json"),
        replay.load("mastodon", "tag_page2.json"),
        replay.load("mastodon", "tag_empty.json"),
    )


def test_pages_back_with_max_id_and_turns_html_into_text(replay, make, collect, store: Store) -> None:
    pages(replay)
    result, run = collect(make(replay.url()), "masto")
    assert (result.new, result.rejected, run["status"]) == (3, 1, "ok")
    first, second, third = replay.calls(TAG)
    assert first.args.getlist("any[]") == ["rednote", "xiaohongshu"] and first.args["none[]"] == "nsfw"
    assert "max_id" not in first.args and "since_id" not in first.args
    assert second.args["max_id"] == "113844900000000200"
    assert third.args["max_id"] == "113843000000000010"
    with store.engine.connect() as conn:
        texts = dict(conn.exec_driver_sql("SELECT native_id, text FROM posts").fetchall())
    assert texts["https://mastodon.social/users/ana/statuses/113845000000000300"] == (
        "The #TikTokBan is live. TikTok went dark an hour ago & everyone is on RedNote now."
    )
    assert (
        "ban is about data, not speech. Change my mind."
        in texts["https://fosstodon.org/users/ben/statuses/113844900000000200"]
    )
    (reject,) = store.recent_rejects()
    assert reject["location"].endswith("#2") and "account" in reject["reason"]


def test_next_run_asks_only_for_newer_statuses(replay, make, collect, store: Store) -> None:
    pages(replay)
    collect(make(replay.url()), "masto")
    assert store.get_cursor("masto")[replay.url()]["since_id"] == "113845000000000300"
    replay.queue(TAG, replay.load("mastodon", "tag_empty.json"))
    collect(make(replay.url()), "masto")
    assert replay.calls(TAG)[-1].args["since_id"] == "113845000000000300"


def test_a_restart_resumes_the_sweep(replay, make, collect, store: Store) -> None:
    pages(replay)
    first, _ = collect(make(replay.url(), max_pages=1), "masto")
    assert first.new == 2
    assert store.get_cursor("masto")[replay.url()]["max_id"] == "113844900000000200"
    second, _ = collect(make(replay.url()), "masto")
    assert replay.calls(TAG)[1].args["max_id"] == "113844900000000200"
    assert (second.new, store.posts_per_platform()) == (1, {"mastodon": 3})


def test_two_instances_keep_their_own_cursors_and_share_posts(
    replay, httpserver, make, collect, store
) -> None:
    pages(replay)
    other = replay.url() + "/other"
    replay.queue(
        "/other" + TAG, replay.load("mastodon", "tag_page2.json"), replay.load("mastodon", "tag_empty.json")
    )
    collect(make(replay.url(), other), "masto")
    cursor = store.get_cursor("masto")
    assert set(cursor) == {replay.url(), other}
    assert store.posts_per_platform() == {"mastodon": 3}


def test_token_is_sent_when_configured(replay, make, collect, monkeypatch) -> None:
    monkeypatch.setenv("TEST_MASTODON_TOKEN", "secret-token")
    replay.queue(TAG, replay.load("mastodon", "tag_empty.json"))
    collect(make(replay.url(), token_env="TEST_MASTODON_TOKEN"), "masto")
    assert replay.calls(TAG)[0].headers["Authorization"] == "Bearer secret-token"


def test_resilience(resilience, spec, resilience_case: str) -> None:
    getattr(resilience, resilience_case)(spec)


@pytest.mark.skipif(not os.environ.get("BAN_MONITOR_LIVE"), reason="live smoke test: set BAN_MONITOR_LIVE=1")
def test_live_tag_timeline(collect) -> None:
    from pytest_socket import enable_socket

    enable_socket()
    collector = MastodonCollector("live", MastodonOptions(tag="TikTokBan", max_pages=1, page_size=5))
    _, run = collect(collector, "live")
    assert run["status"] == "ok"
