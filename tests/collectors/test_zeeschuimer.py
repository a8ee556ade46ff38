from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from collectors.presets import PRESETS, PresetCollector, PresetOptions
from monitor.config import SourceConfig
from monitor.sources import build_collector
from monitor.store import Store

EXPORTS = Path(__file__).parent.parent / "fixtures" / "replay" / "zeeschuimer"


def make(preset: str, file: str, **options) -> PresetCollector:
    return PresetCollector("zs", PresetOptions(preset=preset, path=EXPORTS / file, **options))


def rows(store: Store, sql: str) -> list[tuple]:
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(sql).all()]


def test_tiktok_export_becomes_posts_with_stats_and_links(collect, store: Store) -> None:
    result, run = collect(
        make("zeeschuimer-tiktok", "tiktok.ndjson", query="tiktok AND (ban OR 小红书)"), "zs"
    )
    assert (result.new, result.rejected, run["status"]) == (2, 2, "ok")
    (row,) = rows(
        store,
        "SELECT author, likes, reposts, replies, views, lang, url, created_at FROM posts "
        "WHERE native_id = '7460000000000000001'",
    )
    assert row == (
        "creator_one",
        152000,
        3100,
        8800,
        1900000,
        "en",
        "https://www.tiktok.com/@creator_one/video/7460000000000000001",
        1737150000,
    )
    reasons = sorted(reason for _, reason in rows(store, "SELECT location, reason FROM rejects"))
    assert reasons[0].startswith("broken JSON line") and "timestamp" in reasons[1]


def test_xiaohongshu_export_reads_both_item_shapes_and_wan_counts(collect, store: Store) -> None:
    result, _ = collect(make("zeeschuimer-xiaohongshu", "xiaohongshu.ndjson"), "zs")
    assert (result.new, result.rejected) == (2, 1)
    got = {
        r[0]: r[1:]
        for r in rows(
            store, "SELECT native_id, platform, author, likes, replies, title, text, url FROM posts"
        )
    }
    first = got["678a0b1c000000001a01f001"]
    assert first[:4] == ("rednote", "上海小猫", 76000, 12000)
    assert first[4] == "欢迎TikTok难民" and first[5].startswith("欢迎TikTok难民 美国朋友们好！")
    assert first[6] == "https://www.xiaohongshu.com/explore/678a0b1c000000001a01f001"
    assert got["678a0b1c000000001a01f002"][1:4] == ("ohio_cat_mom", 25000, 980)
    (reason,) = [r for (r,) in rows(store, "SELECT reason FROM rejects")]
    assert reason.startswith("likes: not a count")


def test_an_unchanged_export_is_not_read_again(collect) -> None:
    collect(make("zeeschuimer-xiaohongshu", "xiaohongshu.ndjson"), "zs")
    again, _ = collect(make("zeeschuimer-xiaohongshu", "xiaohongshu.ndjson"), "zs")
    assert (again.new, again.updated, again.rejected) == (0, 0, 0)


def test_configured_as_a_source_kind() -> None:
    source = SourceConfig(
        name="tt", type="zeeschuimer", preset="zeeschuimer-tiktok", path="exports/tiktok.ndjson"
    )
    collector = build_collector(source, resolve=lambda p: EXPORTS / p.name)
    assert isinstance(collector, PresetCollector) and collector.options.path == EXPORTS / "tiktok.ndjson"


def test_an_unknown_preset_is_refused() -> None:
    with pytest.raises(ValidationError, match="preset"):
        PresetOptions(preset="zeeschuimer-myspace", path="x.ndjson")
    assert set(PRESETS) == {"zeeschuimer-tiktok", "zeeschuimer-xiaohongshu"}
