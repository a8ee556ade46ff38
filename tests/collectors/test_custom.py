"""The worked example of docs/collectors.md, run exactly as written there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from monitor.config import SourceConfig
from monitor.sources import build_collector
from monitor.store import Store

DOC = Path(__file__).parent.parent.parent / "docs" / "collectors.md"


@pytest.fixture
def example_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The doc's first Python block, saved as an importable module of its own."""
    code = re.search(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S).group(1)
    (tmp_path / "doc_jsonfeed.py").write_text(code, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    return "doc_jsonfeed:JsonFeedCollector"


@pytest.fixture
def make(example_module, fast):
    def build(base_url: str, **overrides):
        source = SourceConfig(
            name="policy-blog",
            type=example_module,
            base_url=base_url,
            query="tiktok AND ban",
            **fast,
            **overrides,
        )
        return build_collector(source)

    return build


@pytest.fixture
def spec(resilience, replay, make):
    return resilience.spec(
        make=make,
        page_path="/feed.json",
        page=replay.load("jsonfeed", "feed.json"),
        expected=1,
        empty={"version": "https://jsonfeed.org/version/1.1", "title": "empty", "items": []},
    )


def test_the_documented_collector_loads_from_module_and_class(replay, make, collect, store: Store) -> None:
    replay.queue("/feed.json", replay.load("jsonfeed", "feed.json"))
    result, run = collect(make(replay.url()), "policy-blog")
    assert (result.new, result.rejected, run["status"]) == (1, 1, "ok")
    (reject,) = store.recent_rejects()
    assert reject["location"].endswith("/feed.json#2") and "date_published" in reject["reason"]
    assert store.get_cursor("policy-blog") == "2025-01-19T04:00:00+00:00"


def test_the_documented_collector_stores_nothing_twice(replay, make, collect, store: Store) -> None:
    replay.queue("/feed.json", replay.load("jsonfeed", "feed.json"))
    collect(make(replay.url()), "policy-blog")
    again, _ = collect(make(replay.url()), "policy-blog")
    assert (again.new, again.updated) == (0, 0)


def test_retries_after_429(resilience, spec) -> None:
    resilience.retry_after_429(spec)


def test_malformed_json_becomes_a_reject(resilience, spec) -> None:
    resilience.malformed_json_becomes_a_reject(spec)


def test_empty_page_stores_nothing(resilience, spec) -> None:
    resilience.empty_page_stores_nothing(spec)
