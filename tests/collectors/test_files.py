from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from collectors.files import (
    FileCollector,
    FileImportError,
    FileOptions,
    detect_encoding,
    export_files,
    normalise_platform,
    reading_notes,
)
from monitor.sources import run_collector
from monitor.store import Store

REDNOTE_MAP = {
    "text": "title+content",
    "created_at": "create_time",
    "id": "note_id",
    "likes": "liked_count",
    "author": "user_name",
}


def import_file(store: Store, path: Path, platform: str, mapping: dict[str, str] | None = None, **options):
    collector = FileCollector("test", FileOptions(path=path, platform=platform, map=mapping or {}, **options))
    result, _ = run_collector(store, collector, "test", use_saved_cursor=False)
    return result


def rows(store: Store, sql: str) -> list[tuple]:
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(sql)]


def test_rednote_export_with_bom_and_wan_counts(store: Store, fixtures: Path) -> None:
    result = import_file(store, fixtures / "files/rednote_export.csv", "rednote", REDNOTE_MAP)
    assert (result.new, result.rejected) == (4, 2)
    got = dict(rows(store, "SELECT native_id, likes FROM posts"))
    assert got["64f1a0c2000000001e03a1b1"] == 76_000
    assert got["64f1a0c2000000001e03a1b6"] == 25_000
    texts = [t for (t,) in rows(store, "SELECT text FROM posts ORDER BY native_id")]
    assert texts[0] == "欢迎美国朋友 欢迎来到小红书！猫税奉上🐱 welcome TikTok refugees"
    assert "Paying my cat tax & saying hi" in texts[-1]
    reasons = rows(store, "SELECT location, reason FROM rejects ORDER BY location")
    assert reasons[0][0].endswith("rednote_export.csv:5") and reasons[0][1] == "no text"
    assert reasons[1][0].endswith("rednote_export.csv:6") and reasons[1][1].startswith("created_at: ")
    assert "timestamp" in reasons[1][1]


def test_raw_keeps_the_original_record(store: Store, fixtures: Path) -> None:
    import_file(store, fixtures / "files/rednote_export.csv", "rednote", REDNOTE_MAP)
    (raw,) = rows(store, "SELECT raw FROM posts WHERE native_id='64f1a0c2000000001e03a1b6'")[0]
    assert json.loads(raw)["content"] == "Paying my <b>cat tax</b> &amp; saying hi 👋"


def test_reddit_export_in_latin1_with_posts_and_comments(store: Store, fixtures: Path) -> None:
    result = import_file(
        store,
        fixtures / "files/reddit_export.csv",
        "reddit",
        {"text": "title+selftext+body", "url": "permalink"},
    )
    assert (result.new, result.rejected) == (3, 1)
    got = {
        r[0]: r[1:] for r in rows(store, "SELECT native_id, text, parent_id, likes, created_at FROM posts")
    }
    assert "Café owners" in got["1i0abcd"][0]
    assert got["m6x1"][1] == "1i0abcd"
    assert (
        got["m6x1"][0] == "Honestly the data privacy argument never convinced me. Second line of the comment."
    )
    assert got["m6x2"][2] == 1_100_000
    assert got["m6x2"][3] == 1737130500  # milliseconds became seconds


def test_jsonl_with_broken_lines_keeps_the_good_ones(store: Store, fixtures: Path) -> None:
    result = import_file(store, fixtures / "files/posts_broken.jsonl", "column:platform")
    assert (result.new, result.rejected) == (3, 3)
    assert store.posts_per_platform() == {"bluesky": 1, "x": 2}
    reasons = dict(rows(store, "SELECT location, reason FROM rejects"))
    broken = [r for loc, r in reasons.items() if loc.endswith(":2")]
    assert broken and broken[0].startswith("broken JSON line")


def test_reimport_is_idempotent(store: Store, fixtures: Path) -> None:
    import_file(store, fixtures / "files/rednote_export.csv", "rednote", REDNOTE_MAP)
    again = import_file(store, fixtures / "files/rednote_export.csv", "rednote", REDNOTE_MAP)
    assert (again.new, again.updated) == (0, 4)
    assert store.posts_per_platform() == {"rednote": 4}


def test_rows_without_id_get_a_stable_one(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "noid.csv"
    path.write_text("content,date\nhello there,2025-01-14\nsecond post,2025-01-15\n", encoding="utf-8")
    import_file(store, path, "tiktok", {"text": "content", "created_at": "date"})
    again = import_file(store, path, "tiktok", {"text": "content", "created_at": "date"})
    assert (again.new, again.updated) == (0, 2)


def test_a_wrong_column_names_it_and_lists_the_available_ones(store: Store, fixtures: Path) -> None:
    with pytest.raises(FileImportError) as err:
        import_file(store, fixtures / "files/rednote_export.csv", "rednote", {"text": "contnt"})
    assert "'contnt'" in str(err.value) and "'content'" in str(err.value)


def test_empty_file_imports_nothing(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    result = import_file(store, path, "x")
    assert (result.new, result.rejected) == (0, 0)


def test_a_single_50mb_line_is_handled(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("text,created_at\n")
        handle.write('"' + "x" * 50_000_000 + '",2025-01-14\n')
        handle.write("small,2025-01-15\n")
    result = import_file(store, path, "x")
    assert result.new == 2
    assert max(length for (length,) in rows(store, "SELECT length(text) FROM posts")) == 100_000


def test_non_utf8_bytes_do_not_stop_the_import(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        "text,created_at\nfine ünïcode,2025-01-14\n".encode() + b"bad \xff\xfe bytes,2025-01-15\n"
    )
    result = import_file(store, path, "x", encoding="utf-8")
    assert result.new == 2


def test_encoding_is_detected() -> None:
    assert detect_encoding("\ufeffa,b".encode("utf-8")) == "utf-8-sig"
    assert detect_encoding("naïve".encode()) == "utf-8"
    assert detect_encoding("naïve".encode("latin-1")) == "cp1252"
    assert detect_encoding("欢迎".encode()[:-1]) == "utf-8"


@pytest.mark.parametrize(
    ("text", "codec", "expected"),
    [
        ("id,author\n1,你好\n", "gbk", "gb18030"),  # short enough to read as Big5 too
        ("id,text\n1,TikTok refugees 来了 hello\n", "gbk", "gb18030"),
        ("id,likes\n1,7.6万\n" * 30, "gbk", "gb18030"),
        ("id,text\n1,歡迎美國朋友來到小紅書，這裡有很多好玩的東西\n" * 20, "big5", "big5"),
        ("id,text\n1,ティックトック禁止 日本語のテキスト\n", "shift_jis", "cp932"),
        ("id,author\n1,Müller\n", "cp1252", "cp1252"),  # also reads as two rare GBK characters
        ("id,text\n1,Les réfugiés arrivent, c'est déjà la fête. Très étonnant!\n", "cp1252", "cp1252"),
        ("id,text\n1,Über die Sperre: Müller äußert sich. Schöne Grüße\n", "cp1252", "cp1252"),
        ("id,text\n1,“TikTok” is gone — they’re all on RedNote… €5\n", "cp1252", "cp1252"),
    ],
)
def test_legacy_code_pages_are_told_apart(text: str, codec: str, expected: str) -> None:
    assert detect_encoding(text.encode(codec)) == expected
    assert detect_encoding((text * 3).encode(codec)[:-2]) == expected  # cut in its last line


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize(
    "text",
    [
        "id,text,likes\n1,TikTok refugees are here,12\n",
        "笔记ID,内容,点赞数\n1,欢迎美国朋友来到小红书这里有很多好玩的东西猫税奉上,1.2万\n" * 3,
    ],
)
def test_utf16_without_a_bom_is_told_by_its_zero_bytes(text: str, codec: str) -> None:
    assert detect_encoding(text.encode(codec)) == codec
    assert detect_encoding(text.encode(codec)[:-1]) == codec  # cut in a character


def test_a_few_nul_bytes_do_not_make_utf8_utf16() -> None:
    assert detect_encoding(b"id,text\n1,Hel\x00lo\n2,wor\x00ld\n") == "utf-8"


@pytest.mark.parametrize("bulk", [True, False])
@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_a_utf16_export_without_a_bom_imports(store: Store, tmp_path: Path, codec: str, bulk: bool) -> None:
    """Excel's "Unicode Text" is UTF-16 with tabs; some tools leave out its BOM. Read as
    Windows-1252, its columns were names like 'i\\x00d\\x00' and nothing imported."""
    path = tmp_path / "unicode.txt"
    text = (
        "id\ttext\tcreated_at\tlikes\r\n1\tHello 你好\t2025-01-14 12:00\t1.2万\r\n2\t再见\t2025-01-15\t12\r\n"
    )
    path.write_bytes(text.encode(codec))
    collector = FileCollector("unicode", FileOptions(path=path, platform="x"), bulk=bulk)
    result, _ = run_collector(store, collector, "unicode", use_saved_cursor=False)
    assert (result.new, result.rejected) == (2, 0)
    assert rows(store, "SELECT native_id, text, likes FROM posts ORDER BY native_id") == [
        ("1", "Hello 你好", 12_000),
        ("2", "再见", 12),
    ]


@pytest.mark.parametrize("codec", ["gbk", "utf-8"])
def test_the_encoding_is_told_from_text_past_an_english_head(
    store: Store, tmp_path: Path, codec: str
) -> None:
    """An export sorted by platform: 3,000 English rows (well past the first 64 KB), then
    Chinese ones. Read as UTF-8 from its head alone, a GBK file's Chinese became U+FFFD."""
    path = tmp_path / "sorted.csv"
    english = "".join(
        f"e{i},TikTok goes dark tonight and everyone is moving,2025-01-18,x\n" for i in range(3000)
    )
    chinese = "".join(f"c{i},欢迎美国朋友来到小红书 第{i}条,2025-01-14,小红书\n" for i in range(40))
    path.write_bytes(("id,text,created_at,platform\n" + english + chinese).encode(codec))
    assert path.stat().st_size > 3 * (1 << 16)
    options = FileOptions(path=path, platform="column:platform")
    assert reading_notes(options) == (
        [] if codec == "utf-8" else ["not UTF-8, read as gb18030 (--encoding to choose)"]
    )
    for bulk in (True, False):
        result, _ = run_collector(
            store, FileCollector("sorted", options, bulk=bulk), "sorted", use_saved_cursor=False
        )
        assert result.new + result.updated == 3040 and result.rejected == 0
    texts = [
        text
        for (text,) in rows(store, "SELECT text FROM posts WHERE platform = 'rednote' ORDER BY created_at")
    ]
    assert len(texts) == 40 and all(text.startswith("欢迎美国朋友来到小红书 第") for text in texts)


def test_a_gzipped_export_is_not_judged_by_its_compressed_bytes(store: Store, tmp_path: Path) -> None:
    """Windows past an ASCII head are read from an uncompressed file only: in a gzipped
    one they are compressed bytes, which once made a UTF-8 export read as Windows-1252."""
    import random

    rng = random.Random(7)
    words = ["tiktok", "ban", "court", "rednote", "app", "music", "dance", "news"]
    english = "".join(
        f"e{i},"
        + " ".join(f"{rng.choice(words)}{rng.randint(0, 10**6)}" for _ in range(12))
        + ",2025-01-18\n"
        for i in range(20_000)
    )
    path = tmp_path / "sorted.csv.gz"
    path.write_bytes(
        gzip.compress(("id,text,created_at\n" + english + "c1,欢迎美国朋友,2025-01-14\n").encode())
    )
    assert path.stat().st_size > 4 * (1 << 16)
    options = FileOptions(path=path, platform="rednote")
    assert reading_notes(options) == []
    assert import_file(store, path, "rednote").new == 20_001
    assert rows(store, "SELECT text FROM posts WHERE native_id = 'c1'") == [("欢迎美国朋友",)]


def test_gbk_export_with_chinese_column_names(store: Store, fixtures: Path) -> None:
    """A CSV as Excel on a Chinese Windows saves it: GBK, CRLF, Chinese column names."""
    mapping = {
        "id": "笔记ID",
        "text": "标题+内容",
        "created_at": "发布时间",
        "author": "作者",
        "likes": "点赞数",
        "replies": "评论数",
    }
    result = import_file(store, fixtures / "files/rednote_export_gbk.csv", "rednote", mapping)
    assert (result.new, result.rejected) == (3, 1)
    got = {
        native: (text, author, likes, replies)
        for native, text, author, likes, replies in rows(
            store, "SELECT native_id, text, author, likes, replies FROM posts"
        )
    }
    assert got["65a1b2c3000000001e04b2c1"] == (
        "美国难民报到 TikTok要被禁了，我们来小红书学中文！大家好",
        "加州小王",
        34_000,
        1_203,
    )
    assert got["65a1b2c3000000001e04b2c3"][2:] == (11_000, 2_300)
    ((location, reason),) = rows(store, "SELECT location, reason FROM rejects")
    assert location.endswith("rednote_export_gbk.csv:5") and reason.startswith("created_at: ")


def test_parquet_and_truncated_parquet(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "posts.parquet"
    table = pa.table(
        {
            "id": ["a", "b"],
            "text": ["one", "two"],
            "created_at": ["2025-01-14", "2025-01-15"],
            "likes": [1, 2],
        }
    )
    pq.write_table(table, path)
    assert import_file(store, path, "youtube").new == 2
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    with pytest.raises(FileImportError, match="Parquet"):
        import_file(store, broken, "youtube")


def test_raw_is_strict_json_when_a_float_column_has_missing_values(store: Store, tmp_path: Path) -> None:
    """pandas writes a count column with gaps as floats, its gaps NaN; Python's json
    writes them as NaN too, which PostgreSQL's json and JavaScript refuse."""
    parquet = tmp_path / "gaps.parquet"
    pq.write_table(
        pa.table(
            {
                "id": ["a", "b"],
                "text": ["one", "two"],
                "created_at": ["2025-01-14", "2025-01-15"],
                "likes": [1.0, float("nan")],
                "score": [float("inf"), 2.5],
            }
        ),
        parquet,
    )
    jsonl = tmp_path / "gaps.jsonl"
    jsonl.write_text(
        '{"id": "c", "text": "three", "created_at": "2025-01-16", "likes": NaN, "meta": {"w": [Infinity]}}\n'
    )
    assert import_file(store, parquet, "youtube").new == 2
    assert import_file(store, jsonl, "youtube").new == 1

    def strict(constant: str) -> None:
        raise AssertionError(f"{constant} in raw")

    got = {
        native: (likes, json.loads(raw, parse_constant=strict))
        for native, likes, raw in rows(store, "SELECT native_id, likes, raw FROM posts")
    }
    assert got["a"] == (
        1,
        {"id": "a", "text": "one", "created_at": "2025-01-14", "likes": 1.0, "score": None},
    )
    assert got["b"][0] is None and got["b"][1]["likes"] is None
    assert got["c"] == (
        None,
        {"id": "c", "text": "three", "created_at": "2025-01-16", "likes": None, "meta": {"w": [None]}},
    )


def test_gzipped_jsonl_with_nested_fields(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "nested.jsonl.gz"
    record = {
        "id": "n1",
        "desc": "nested",
        "createTime": 1737129600,
        "author": {"uniqueId": "creator"},
        "stats": {"diggCount": "1.2万"},
    }
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")
    mapping = {
        "text": "desc",
        "created_at": "createTime",
        "author": "author.uniqueId",
        "likes": "stats.diggCount",
    }
    assert import_file(store, path, "tiktok", mapping).new == 1
    assert rows(store, "SELECT author, likes FROM posts") == [("creator", 12_000)]


def test_json_keys_left_out_of_the_first_records_can_be_mapped(store: Store, tmp_path: Path) -> None:
    """API dumps leave out the keys a record has no value for (a tweet that is no reply has
    no ``referenced_tweets``); joined files carry a BOM on each part's first line."""
    path = tmp_path / "tweets.jsonl"
    tweets = [{"id": f"t{i}", "text": f"tweet {i}", "created_at": "2025-01-14T10:00:00Z"} for i in range(5)]
    tweets[3]["referenced_tweets"] = [{"type": "replied_to", "id": "t0"}]
    lines = [json.dumps(tweet) for tweet in tweets]
    lines[4] = "\ufeff" + lines[4]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = import_file(store, path, "x", {"parent_id": "referenced_tweets.0.id"})
    assert (result.new, result.rejected) == (5, 0)
    assert rows(store, "SELECT native_id, parent_id FROM posts WHERE parent_id IS NOT NULL") == [("t3", "t0")]
    with pytest.raises(FileImportError, match="'referenced_tweet.0.id' .*'referenced_tweets'"):
        import_file(store, path, "x", {"parent_id": "referenced_tweet.0.id"})


def test_page_times_are_placed_with_the_export_time(store: Store, tmp_path: Path) -> None:
    """A scraped RedNote page keeps its times as it shows them; with the time the pages were
    saved they are placed (clock times in its zone), without it they are rejects saying so."""
    path = tmp_path / "scraped.csv"
    path.write_text(
        "id,text,time\na,one,3小时前\nb,two,昨天 12:08\nc,three,编辑于 01-14 上海\nd,four,3个月前\n"
        "e,an older note shows its date,2024-12-31 23:30\n",
        encoding="utf-8",
    )
    result = import_file(store, path, "rednote", {"created_at": "time"})
    assert (result.new, result.rejected) == (1, 4)
    reasons = [reason for _, reason in rows(store, "SELECT location, reason FROM rejects ORDER BY id")]
    assert all("--exported-at" in reason for reason in reasons[:3]) and "too coarse" in reasons[3]
    saved = "2025-01-20T15:00:00+08:00"
    with store.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM posts")
    result = import_file(store, path, "rednote", {"created_at": "time"}, exported_at=saved)
    assert (result.new, result.rejected) == (4, 1)
    got = dict(rows(store, "SELECT native_id, created_at FROM posts"))
    assert got == {
        "a": int(datetime(2025, 1, 20, 4, tzinfo=UTC).timestamp()),
        "b": int(datetime(2025, 1, 19, 4, 8, tzinfo=UTC).timestamp()),
        "c": int(datetime(2025, 1, 13, 16, tzinfo=UTC).timestamp()),
        # The full date of an older post is on the same screen's clock.
        "e": int(datetime(2024, 12, 31, 15, 30, tzinfo=UTC).timestamp()),
    }


@pytest.mark.parametrize("bulk", [True, False])
def test_times_without_an_offset_are_read_in_the_export_zone(
    store: Store, tmp_path: Path, bulk: bool
) -> None:
    """A Chinese export writes Beijing time without saying so; a US one, New York time
    across a clock change. Epochs and times with an offset are already UTC."""

    def times(platform: str, zone: str, lines: str) -> dict[str, int]:
        path = tmp_path / f"{platform}.csv"
        path.write_text("id,text,created_at\n" + lines, encoding="utf-8")
        options = FileOptions(path=path, platform=platform, timezone=zone)
        run_collector(store, FileCollector(platform, options, bulk=bulk), platform, use_saved_cursor=False)
        return dict(rows(store, f"SELECT native_id, created_at FROM posts WHERE platform = '{platform}'"))

    got = times(
        "rednote",
        "Asia/Shanghai",
        "a,Beijing morning,2025-01-14 08:00:00\n"
        "b,an epoch,1736812800\n"
        "c,with its offset,2025-01-14T08:00:00+00:00\n"
        "d,Chinese format,2025年1月14日 08:00\n"
        "e,a spreadsheet serial day,45671.5\n",
    )
    utc = int(datetime(2025, 1, 14, 0, 0, tzinfo=UTC).timestamp())
    assert got == {"a": utc, "b": utc, "c": utc + 8 * 3600, "d": utc, "e": utc + 4 * 3600}
    got = times(
        "x",
        "America/New_York",
        "f,winter,2025-01-14 08:00:00\n"
        "g,summer,2025-07-14 08:00:00\n"
        "h,the repeated hour,2025-11-02 01:30:00\n"
        "i,the skipped hour,2025-03-09 02:30:00\n",
    )
    assert got == {
        "f": int(datetime(2025, 1, 14, 13, 0, tzinfo=UTC).timestamp()),
        "g": int(datetime(2025, 7, 14, 12, 0, tzinfo=UTC).timestamp()),
        "h": int(datetime(2025, 11, 2, 5, 30, tzinfo=UTC).timestamp()),  # the first 01:30 (EDT)
        "i": int(datetime(2025, 3, 9, 7, 30, tzinfo=UTC).timestamp()),  # as zoneinfo reads it
    }


@pytest.mark.parametrize("bulk", [True, False])
def test_the_date_order_is_told_from_the_first_rows(store: Store, tmp_path: Path, bulk: bool) -> None:
    """A UK export writes 03/01/2025 for 3 January; read month first, as a US export
    means it, it was March 1 (and 14/01/2025 alone gave the order away)."""
    uk = tmp_path / "uk.csv"
    uk.write_text(
        "id,text,created_at\na,third of January,03/01/2025 10:00\nb,fourteenth,14/01/2025 10:00\n",
        encoding="utf-8",
    )
    us = tmp_path / "us.csv"
    us.write_text(
        "id,text,created_at\nc,March first,03/01/2025 10:00\nd,fourteenth,01/14/2025 10:00\n"
        "e,dotted is day first anywhere,03.01.2025 10:00\n",
        encoding="utf-8",
    )
    for path in (uk, us):
        options = FileOptions(path=path, platform="x")
        run_collector(store, FileCollector(path.stem, options, bulk=bulk), path.stem, use_saved_cursor=False)
    got = {
        native: datetime.fromtimestamp(ts, UTC).date().isoformat()
        for native, ts in rows(store, "SELECT native_id, created_at FROM posts")
    }
    assert got == {
        "a": "2025-01-03",
        "b": "2025-01-14",
        "c": "2025-03-01",
        "d": "2025-01-14",
        "e": "2025-01-03",
    }
    utc = "times without an offset are taken as UTC (--timezone to give the export's zone)"
    assert reading_notes(FileOptions(path=uk, platform="x")) == [
        "dates are read day first, as the first rows write them (14/01/2025 is 14 January; "
        "--month-first to choose)",
        utc,
    ]
    assert reading_notes(FileOptions(path=us, platform="x")) == [utc]
    assert reading_notes(FileOptions(path=uk, platform="x", day_first=False, timezone="UTC")) == []
    # Told explicitly, the order holds whatever the rows show.
    explicit = FileOptions(path=uk, platform="x", day_first=False)
    with store.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM posts")
    run_collector(store, FileCollector("explicit", explicit, bulk=bulk), "explicit", use_saved_cursor=False)
    got = {
        native: datetime.fromtimestamp(ts, UTC).date().isoformat()
        for native, ts in rows(store, "SELECT native_id, created_at FROM posts")
    }
    assert got == {"a": "2025-03-01", "b": "2025-01-14"}


@pytest.mark.parametrize(("name", "offset"), [("+08:00", 8), ("UTC+8", 8), ("-0530", -5.5), ("utc", 0)])
def test_a_zone_may_be_an_offset(name: str, offset: float) -> None:
    from monitor.models import time_zone

    zone, _ = time_zone(name)
    assert zone.utcoffset(None).total_seconds() == offset * 3600


def test_an_unknown_zone_is_a_clear_error(tmp_path: Path) -> None:
    from pydantic import ValidationError

    with pytest.raises(
        ValidationError, match="unknown time zone 'Beijing': give an IANA name such as Asia/Shanghai"
    ):
        FileOptions(path=tmp_path / "a.csv", platform="x", timezone="Beijing")


@pytest.mark.parametrize("bulk", [True, False])
def test_a_time_after_the_import_is_a_reject(store: Store, tmp_path: Path, bulk: bool) -> None:
    """A post cannot be written after it was collected: the year 2286 (a mangled epoch) is
    refused instead of stretching every chart; a local time a few hours ahead of UTC is not."""
    from datetime import timedelta

    soon = datetime.now(UTC) + timedelta(hours=10)
    path = tmp_path / "future.csv"
    path.write_text(
        f"id,text,created_at\na,ok,2025-01-14 10:00:00\nb,ahead,{soon:%Y-%m-%d %H:%M:%S}\n"
        "c,cut epoch,9999999999\nd,next year,2099-01-14 10:00:00\n",
        encoding="utf-8",
    )
    collector = FileCollector("future", FileOptions(path=path, platform="x"), bulk=bulk)
    result, _ = run_collector(store, collector, "future", use_saved_cursor=False)
    assert (result.new, result.rejected) == (2, 2)
    reasons = rows(store, "SELECT location, reason FROM rejects ORDER BY location")
    assert [location.rsplit(":", 1)[1] for location, _ in reasons] == ["4", "5"]
    assert all("is after the import" in reason for _, reason in reasons)


@pytest.mark.parametrize("bulk", [True, False])
def test_counts_as_pages_and_dumps_write_them(store: Store, tmp_path: Path, bulk: bool) -> None:
    """A downvoted Reddit comment keeps its score below zero instead of being refused; a
    button label standing for zero is 0; a "no data" mark is unknown, not a reject."""
    path = tmp_path / "counts.csv"
    path.write_text(
        "id,text,created_at,score,comments\n"
        "a,downvoted,2025-01-14 10:00:00,-7,--\n"
        "b,with a minus sign,2025-01-14 10:00:00,\u221212,3\n"
        "c,no likes yet,2025-01-14 10:00:00,赞,评论\n"
        "d,a wide number from Excel,2025-01-14 10:00:00,1.2E+06,暂无\n"
        "e,not a count,2025-01-14 10:00:00,lots,1\n",
        encoding="utf-8",
    )
    options = FileOptions(path=path, platform="reddit", map={"likes": "score", "replies": "comments"})
    result, _ = run_collector(
        store, FileCollector("counts", options, bulk=bulk), "counts", use_saved_cursor=False
    )
    assert (result.new, result.rejected) == (4, 1)
    got = {r[0]: r[1:] for r in rows(store, "SELECT native_id, likes, replies, engagement FROM posts")}
    assert got == {"a": (-7, None, -7), "b": (-12, 3, -9), "c": (0, 0, 0), "d": (1_200_000, None, 1_200_000)}
    ((reason,),) = rows(store, "SELECT reason FROM rejects")
    assert reason == "likes: not a count: 'lots'"


@pytest.mark.parametrize("bulk", [True, False])
def test_ids_a_spreadsheet_rounded_do_not_merge_posts(store: Store, tmp_path: Path, bulk: bool) -> None:
    """Tweet ids saved through Excel come back as 1.88123E+18: distinct posts sharing one
    rounded id would be taken for one post and all but the last lost. They get ids from
    their content instead, the same on a second import, and the import says so."""
    path = tmp_path / "x_excel.csv"
    path.write_text(
        "tweet_id,text,created_at,in_reply_to\n"
        "1.88123E+18,first post,2025-01-14 10:00:00,\n"
        "1.88123E+18,second post,2025-01-14 10:05:00,1.88123E+18\n"
        '"1,88123E+18",third post,2025-01-14 10:06:00,\n'
        "1881230000000000001,kept as given,2025-01-14 10:07:00,1881230000000000000\n",
        encoding="utf-8",
    )
    options = FileOptions(path=path, platform="x", map={"parent_id": "in_reply_to"})
    for _ in range(2):
        collector = FileCollector("excel", options, bulk=bulk)
        result, _ = run_collector(store, collector, "excel", use_saved_cursor=False)
    assert (result.new, result.updated, result.rejected) == (0, 4, 0)
    got = rows(store, "SELECT native_id, parent_id, text FROM posts ORDER BY created_at")
    assert [text for _, _, text in got] == ["first post", "second post", "third post", "kept as given"]
    assert len({native for native, _, _ in got}) == 4
    assert not any("E+" in native for native, _, _ in got)
    assert got[1][1] is None and got[3][:2] == ("1881230000000000001", "1881230000000000000")
    assert reading_notes(options) == [
        "times without an offset are taken as UTC (--timezone to give the export's zone)",
        "ids such as 1.88123E+18 were rounded by a spreadsheet: those posts get ids from their "
        "content (save the id columns as text to keep the platform's ids)",
        "columns found by their names: id ← tweet_id (--map FIELD=COLUMN to choose)",
    ]


@pytest.mark.parametrize(
    ("value", "platform"),
    [
        ("Xiaohongshu", "rednote"),
        ("抖音", "douyin"),  # ByteDance's app for China: not TikTok
        ("Douyin", "douyin"),
        ("https://www.douyin.com/video/7460000000000000000", "douyin"),
        ("小红书", "rednote"),
        ("X (Twitter)", "x"),
        ("twitter.com", "x"),  # social-listening exports name the site
        ("mobile.twitter.com", "x"),
        ("www.tiktok.com", "tiktok"),
        ("https://www.xiaohongshu.com/explore/64f1a0c2", "rednote"),
        ("m.youtube.com", "youtube"),
        ("old.reddit.com", "reddit"),
        ("bsky.app", "bluesky"),
        ("news.ycombinator.com", "hackernews"),
        ("nytimes.com", "nytimes.com"),  # an unknown site stays as it is
        ("Lemon8", "lemon8"),
    ],
)
def test_platform_names_sites_and_urls_are_normalised(value: str, platform: str) -> None:
    assert normalise_platform(value) == platform


BRANDWATCH_LIKE = (
    "Brandwatch\nReport:,Mentions\nQuery Id,2001234\nDate Range:,2025-01-01 - 2025-02-28\n\n"
    "Query Id,Date,Title,Url,Domain,Full Text,Author\n"
    '1,2025-01-14 10:00:00,,https://twitter.com/a/status/1,twitter.com,"refugees, welcome",alice\n'
    "1,2025-01-14 11:00:00,,https://www.xiaohongshu.com/explore/2,xiaohongshu.com,欢迎美国朋友,bob\n"
    "1,bad date,,https://reddit.com/r/x/3,reddit.com,broken row,carol\n"
)
BRANDWATCH_MAP = {"text": "Title+Full Text", "created_at": "Date", "author": "Author"}


@pytest.mark.parametrize("bulk", [True, False])
def test_a_header_below_report_details_is_found(store: Store, tmp_path: Path, bulk: bool) -> None:
    """Social-listening exports put report details above the header: the first row holding
    the mapped columns is the header, and the line numbers of the rows stay the file's."""
    path = tmp_path / "mentions.csv"
    path.write_text(BRANDWATCH_LIKE, encoding="utf-8")
    options = FileOptions(path=path, platform="column:Domain", map=BRANDWATCH_MAP)
    result, _ = run_collector(store, FileCollector("bw", options, bulk=bulk), "bw", use_saved_cursor=False)
    assert (result.new, result.rejected) == (2, 1)
    assert sorted(rows(store, "SELECT platform, author FROM posts")) == [("rednote", "bob"), ("x", "alice")]
    ((location, reason),) = rows(store, "SELECT location, reason FROM rejects")
    assert location.endswith("mentions.csv:9") and reason.startswith("created_at: ")
    assert reading_notes(options) == [
        "the header is line 6: the 5 lines before it are skipped (--skip-rows to choose)",
        "times without an offset are taken as UTC (--timezone to give the export's zone)",
    ]


@pytest.mark.parametrize("bulk", [True, False])
def test_a_header_below_report_details_is_found_without_a_map(
    store: Store, tmp_path: Path, bulk: bool
) -> None:
    """Without a map, the header is the first row with columns named as exports name the
    text and the time ("Full Text", "Date")."""
    path = tmp_path / "mentions.csv"
    path.write_text(BRANDWATCH_LIKE, encoding="utf-8")
    options = FileOptions(path=path, platform="x")
    result, _ = run_collector(store, FileCollector("bw", options, bulk=bulk), "bw", use_saved_cursor=False)
    assert (result.new, result.rejected) == (2, 1)
    assert sorted(rows(store, "SELECT author, text FROM posts")) == [
        ("alice", "refugees, welcome"),
        ("bob", "欢迎美国朋友"),
    ]
    ((location,),) = rows(store, "SELECT location FROM rejects")
    assert location.endswith("mentions.csv:9")


@pytest.mark.parametrize("bulk", [True, False])
def test_excel_sep_line_names_the_delimiter(store: Store, tmp_path: Path, bulk: bool) -> None:
    """A CSV made for a European Excel opens with "sep=;", which Excel reads and hides."""
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "\ufeffsep=;\r\nid;text;created_at;likes\r\na;hallo, RedNote;2025-01-14T10:00:00Z;1,2K\r\n"
        "b;;2025-01-14T10:00:00Z;3\r\n".encode()
    )
    options = FileOptions(path=path, platform="x")
    result, _ = run_collector(store, FileCollector("sep", options, bulk=bulk), "sep", use_saved_cursor=False)
    assert (result.new, result.rejected) == (1, 1)
    assert rows(store, "SELECT native_id, text, likes FROM posts") == [("a", "hallo, RedNote", 1200)]
    ((location,),) = rows(store, "SELECT location FROM rejects")
    assert location.endswith("excel.csv:4")  # the file's own line
    assert reading_notes(options) == []


def test_skip_rows_names_the_header_line(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "mentions.csv"
    path.write_text(BRANDWATCH_LIKE, encoding="utf-8")
    assert import_file(store, path, "column:Domain", BRANDWATCH_MAP, skip_rows=5).new == 2
    # Line 4 taken as the header: the rows below it have more columns than it names.
    with pytest.raises(
        FileImportError, match="cannot read any of its first 4 rows; line 6: expected 2 columns"
    ):
        import_file(store, path, "column:Domain", BRANDWATCH_MAP, skip_rows=3)
    plain = tmp_path / "plain.csv"  # a first line with the columns is the header, as always
    plain.write_text(
        "Date,Full Text,Title,Author,Domain\n2025-01-14,Date Full Text Title,,a,x\n", encoding="utf-8"
    )
    assert import_file(store, plain, "column:Domain", BRANDWATCH_MAP).new == 1


def test_killed_import_resumes_from_its_cursor_without_duplicates(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_text(
        "id,text,created_at\n" + "".join(f"{i},post {i},2025-01-14\n" for i in range(1000)), encoding="utf-8"
    )
    collector = FileCollector("many", FileOptions(path=path, platform="x", chunk_rows=100))
    batches = collector.collect(None)
    for _ in range(3):  # the process dies after three committed batches
        batch = next(batches)
        store.write_batch(batch.posts, batch.rejects, source="many", cursor=batch.cursor)
    assert store.get_cursor("many")["rows"] == 300
    result, _ = run_collector(store, FileCollector("many", collector.options), "many")
    assert (result.new, result.updated) == (700, 0)
    assert store.posts_per_platform() == {"x": 1000}
    # Unchanged file, complete cursor: nothing to read.
    result, _ = run_collector(store, FileCollector("many", collector.options), "many")
    assert (result.new, result.updated) == (0, 0)


def test_no_time_column_is_a_clear_error(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "notime.csv"
    path.write_text("text\nhello\n", encoding="utf-8")
    with pytest.raises(FileImportError, match="created_at"):
        import_file(store, path, "x")


@pytest.mark.parametrize("bulk", [True, False])
def test_a_file_whose_first_rows_cannot_be_read_says_why(store: Store, tmp_path: Path, bulk: bool) -> None:
    """A quote left open in the first row swallows the rest: the error names that line,
    not "no column for the post text (available: none)"."""
    path = tmp_path / "open_quote.csv"
    path.write_text('id,text,created_at\n"a,unterminated,2025-01-14\nb,ok,2025-01-14\n', encoding="utf-8")
    collector = FileCollector("q", FileOptions(path=path, platform="x"), bulk=bulk)
    with pytest.raises(FileImportError, match=r"open_quote.csv: cannot read its only row; line 2: "):
        run_collector(store, collector, "q", use_saved_cursor=False)
    jsonl = tmp_path / "broken.jsonl"
    jsonl.write_text('{"broken\n{also broken\n', encoding="utf-8")
    with pytest.raises(
        FileImportError,
        match=r"cannot read any of its first 2 rows; line 1: broken JSON line: Unterminated string starting "
        "at column 2",
    ):
        import_file(store, jsonl, "x")


def test_failed_run_is_recorded(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "notime.csv"
    path.write_text("text\nhello\n", encoding="utf-8")
    with pytest.raises(FileImportError):
        import_file(store, path, "x")
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT status FROM runs")).scalar() == "failed"


def test_a_json_array_export_is_streamed(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "scraper.json"
    items = [
        {"id": "a1", "text": "TikTok ban day", "createTimeISO": "2025-01-19T03:00:00.000Z", "diggCount": 12},
        "not an object",
        {"id": "a2", "text": "RedNote time", "createTimeISO": "2025-01-19T04:00:00.000Z", "diggCount": 3.0},
    ]
    path.write_text(json.dumps(items, indent=2), encoding="utf-8")
    result = import_file(store, path, "tiktok", {"created_at": "createTimeISO", "likes": "diggCount"})
    assert (result.new, result.rejected) == (2, 1)
    assert rows(store, "SELECT native_id, likes FROM posts ORDER BY native_id") == [("a1", 12), ("a2", 3)]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(items)[:-20], encoding="utf-8")
    with pytest.raises(FileImportError, match="JSON array breaks after item"):
        import_file(store, broken, "tiktok", {"created_at": "createTimeISO"})


X_PAGE = {
    "data": [
        {
            "id": "1",
            "text": "tiktok ban 你好",
            "author_id": "u1",
            "created_at": "2025-01-14T10:00:00.000Z",
            "public_metrics": {"like_count": 5},
        },
        {
            "id": "2",
            "text": "second",
            "created_at": "2025-01-14T11:00:00.000Z",
            "public_metrics": {"like_count": 1},
        },
    ],
    "includes": {"users": [{"id": "u1", "username": "a"}]},
    "meta": {"result_count": 2},
}


@pytest.mark.parametrize("layout", ["compact", "pretty", "pretty with a BOM"])
def test_a_saved_api_response_is_read_from_its_array_of_posts(
    store: Store, tmp_path: Path, layout: str
) -> None:
    """Analysts save API pages as they come ({"data": [...]}): the posts are in the array,
    on one line or pretty-printed, with or without a BOM; X's authors, kept apart in the
    page's includes after the tweets, are joined in."""
    path = tmp_path / "x_page.json"
    text = json.dumps(X_PAGE, ensure_ascii=False, indent=None if layout == "compact" else 2)
    path.write_text(text, encoding="utf-8-sig" if "BOM" in layout else "utf-8")
    result = import_file(store, path, "x", {"likes": "public_metrics.like_count"})
    assert (result.new, result.rejected) == (2, 0)
    got = rows(store, "SELECT native_id, likes, author FROM posts ORDER BY native_id")
    assert got == [("1", 5, "a"), ("2", 1, None)]


def test_a_reddit_listing_opens_its_things(store: Store, tmp_path: Path) -> None:
    listing = {
        "kind": "Listing",
        "data": {
            "after": None,
            "children": [
                {
                    "kind": "t3",
                    "data": {
                        "id": "abc",
                        "title": "TikTok ban",
                        "selftext": "to rednote",
                        "created_utc": 1736857680.0,
                    },
                }
            ],
        },
    }
    path = tmp_path / "listing.json"
    path.write_text(json.dumps(listing, indent=1), encoding="utf-8")
    assert (
        import_file(store, path, "reddit", {"text": "title+selftext", "created_at": "created_utc"}).new == 1
    )
    assert rows(store, "SELECT native_id, text FROM posts") == [("abc", "TikTok ban to rednote")]


def test_json_lines_holding_a_data_array_stay_one_post_per_line(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "posts.json"
    lines = [
        json.dumps({"id": str(i), "text": "t", "created_at": "2025-01-14", "data": [1, 2]}) for i in range(3)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert import_file(store, path, "x").new == 3
    with pytest.raises(FileImportError, match="breaks"):  # told it is one document, it is not
        import_file(store, path, "x", format="json")


def test_json_lines_that_are_whole_api_pages_give_their_posts(store: Store, tmp_path: Path) -> None:
    """twarc2 saves each X API response as one line: its tweets are the posts, their
    authors joined in from the page's includes. Reddit listings saved a page per line too."""

    def page(first: int, *, next_token: str | None) -> dict:
        return {
            "data": [
                {
                    "id": str(i),
                    "text": f"tweet {i} about the ban",
                    "author_id": str(100 + i % 2),
                    "created_at": "2025-01-19T03:00:00.000Z",
                    "public_metrics": {"like_count": i},
                }
                for i in range(first, first + 2)
            ],
            "includes": {"users": [{"id": "100", "username": "ana"}, {"id": "101", "username": "bo"}]},
            "meta": {"result_count": 2, **({"next_token": next_token} if next_token else {})},
        }

    path = tmp_path / "tweets.jsonl"
    path.write_text(json.dumps(page(1, next_token="b")) + "\n" + json.dumps(page(3, next_token=None)) + "\n")
    result = import_file(store, path, "x", {"likes": "public_metrics.like_count"})
    assert (result.new, result.rejected) == (4, 0)
    got = {r[0]: r[1:] for r in rows(store, "SELECT native_id, author, likes FROM posts")}
    assert got == {"1": ("bo", 1), "2": ("ana", 2), "3": ("bo", 3), "4": ("ana", 4)}

    listings = tmp_path / "listings.jsonl"
    listing = {
        "kind": "Listing",
        "data": {"children": [{"kind": "t1", "data": DUMP[1]}, {"kind": "t1", "data": DUMP[3]}]},
    }
    listings.write_text(json.dumps(listing) + "\n")
    assert import_file(store, listings, "reddit").new == 2


def test_one_json_object_without_posts_is_a_clear_error(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "meta.json"
    path.write_text(json.dumps({"meta": {"count": 0}, "next": None}, indent=2), encoding="utf-8")
    with pytest.raises(FileImportError, match="no array of posts under any of data, data.children"):
        import_file(store, path, "x", format="json")


def test_an_excel_export_is_read(store: Store, tmp_path: Path) -> None:
    from datetime import datetime

    import openpyxl

    path = tmp_path / "export.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["笔记ID", "标题", "内容", "发布时间", "点赞数"])
    sheet.append(["n1", "欢迎", "欢迎美国朋友", datetime(2025, 1, 14, 9, 0), "1.2万"])
    sheet.append([None, None, None, None, None])
    sheet.append(["n2", "Hi", "", "2025-01-15 10:00", 5])
    workbook.save(path)
    mapping = {"id": "笔记ID", "text": "标题+内容", "created_at": "发布时间", "likes": "点赞数"}
    result = import_file(store, path, "rednote", mapping)
    assert (result.new, result.rejected) == (2, 0)
    assert rows(store, "SELECT native_id, text, likes FROM posts ORDER BY native_id") == [
        ("n1", "欢迎 欢迎美国朋友", 12_000),
        ("n2", "Hi", 5),
    ]


def test_an_excel_export_is_read_from_the_sheet_that_holds_the_posts(store: Store, tmp_path: Path) -> None:
    """A report's summary or cover sheet can come first: the posts' sheet is found by its
    columns. Read from the first sheet alone, the import stopped with "no column"."""
    import openpyxl

    path = tmp_path / "report.xlsx"
    workbook = openpyxl.Workbook()
    summary = workbook.active
    summary.title = "Summary"
    for line in (["Mentions of TikTok ban"], ["Total", 2], ["Sentiment", "mixed"]):
        summary.append(line)
    mentions = workbook.create_sheet("Mentions")
    mentions.append(["Date", "Full Text", "Author"])
    mentions.append(["2025-01-14 10:00", "refugees welcome", "alice"])
    mentions.append(["2025-01-15 11:00", "bye tiktok", "bob"])
    workbook.save(path)
    result = import_file(store, path, "x")
    assert (result.new, result.rejected) == (2, 0)
    assert rows(store, "SELECT author, text FROM posts ORDER BY author") == [
        ("alice", "refugees welcome"),
        ("bob", "bye tiktok"),
    ]
    with pytest.raises(FileImportError, match="'Body' .* not in the file; available: 'Mentions of"):
        import_file(store, path, "x", {"text": "Body"})  # no sheet has it: the first is named


def test_an_excel_report_with_details_above_the_header_is_read(store: Store, tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "report.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for line in (["Brandwatch"], ["Report:", "Mentions"], [], ["Date", "Full Text", "Author", "Domain"]):
        sheet.append(line)
    sheet.append(["2025-01-14 10:00", "refugees welcome", "alice", "twitter.com"])
    sheet.append(["soon", "a bad date", "bob", "reddit.com"])
    workbook.save(path)
    mapping = {"created_at": "Date", "text": "Full Text", "author": "Author"}
    result = import_file(store, path, "column:Domain", mapping)
    assert (result.new, result.rejected) == (1, 1)
    assert rows(store, "SELECT platform, author FROM posts") == [("x", "alice")]
    assert rows(store, "SELECT location FROM rejects")[0][0].endswith("report.xlsx:6")
    assert import_file(store, path, "column:Domain", mapping, skip_rows=3).updated == 1
    with pytest.raises(FileImportError, match="row 3 is empty"):
        import_file(store, path, "column:Domain", mapping, skip_rows=2)


def test_columns_are_found_without_a_map_in_any_case_spacing_or_chinese(store: Store, tmp_path: Path) -> None:
    """The headers of a Chinese RedNote export, a TikTok scraper's camelCase keys and a
    social-listening report's "Full Text" need no --map."""
    chinese = tmp_path / "rednote.csv"
    chinese.write_text(
        "笔记ID,标题,内容,发布时间,作者,点赞数,评论数,转发数,播放量\n"
        "65a1,美国难民报到,TikTok要被禁了 来小红书学中文,2025-01-14 08:00:00,加州小王,3.4万,1203,12,\n",
        encoding="utf-8",
    )
    tiktok = tmp_path / "tiktok.jsonl"
    tiktok.write_text(
        json.dumps(
            {
                "id": "7460000000000000001",
                "text": "goodbye tiktok, see you on rednote",
                "createTime": 1737244800,
                "diggCount": 5400,
                "shareCount": 120,
                "commentCount": 88,
                "playCount": 100000,
                "webVideoUrl": "https://www.tiktok.com/@a/video/7460000000000000001",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    report = tmp_path / "report.csv"
    report.write_text(
        "Post ID,Full Text,Created At,Author,Like Count\n"
        "r1,the ban is back in court,2025-01-10 15:00:00,ana,7\n",
        encoding="utf-8",
    )
    for path, platform in ((chinese, "rednote"), (tiktok, "tiktok"), (report, "x")):
        assert import_file(store, path, platform).new == 1
    got = {
        r[0]: r[1:]
        for r in rows(
            store, "SELECT native_id, title, text, author, likes, replies, reposts, views, url FROM posts"
        )
    }
    assert got["65a1"] == (
        "美国难民报到",
        "TikTok要被禁了 来小红书学中文",
        "加州小王",
        34_000,
        1_203,
        12,
        None,
        None,
    )
    assert got["7460000000000000001"] == (
        None,
        "goodbye tiktok, see you on rednote",
        None,
        5400,
        88,
        120,
        100_000,
        "https://www.tiktok.com/@a/video/7460000000000000001",
    )
    assert got["r1"] == (None, "the ban is back in court", "ana", 7, None, None, None, None)


@pytest.mark.parametrize("bulk", [True, False])
def test_a_date_and_a_time_column_are_read_together(store: Store, tmp_path: Path, bulk: bool) -> None:
    path = tmp_path / "split.csv"
    path.write_text(
        "Date,Time,Hit Sentence,Source\n14-Jan-2025,01:08 PM,RedNote is the new TikTok,x\n"
        "2025-01-15,09:30,welcome refugees,x\n",
        encoding="utf-8",
    )
    options = FileOptions(path=path, platform="x", map={"text": "Hit Sentence"})
    result, _ = run_collector(
        store, FileCollector("split", options, bulk=bulk), "split", use_saved_cursor=False
    )
    assert (result.new, result.rejected) == (2, 0)
    got = sorted(ts for (ts,) in rows(store, "SELECT created_at FROM posts"))
    assert got == [
        int(datetime(2025, 1, 14, 13, 8, tzinfo=UTC).timestamp()),
        int(datetime(2025, 1, 15, 9, 30, tzinfo=UTC).timestamp()),
    ]


def reddit_dump(path: Path, records: list[dict], *, frames: int = 1) -> None:
    """A zstd-compressed JSONL file as Reddit's public dumps are: several frames, a long window."""
    import zstandard

    lines = [json.dumps(record) + "\n" for record in records]
    compressor = zstandard.ZstdCompressor(level=3, write_content_size=False)
    step = -(-len(lines) // frames)
    path.write_bytes(
        b"".join(
            compressor.compress("".join(lines[i : i + step]).encode()) for i in range(0, len(lines), step)
        )
    )


DUMP = [
    {
        "id": "p1",
        "title": "TikTok ban upheld",
        "selftext": "",
        "author": "u2",
        "created_utc": 1737129000,
        "score": 1520,
        "num_comments": 412,
        "subreddit": "technology",
    },
    {
        "id": "c1",
        "body": "Good riddance, honestly",
        "author": "u1",
        "created_utc": 1737129600,
        "score": -5,
        "parent_id": "t3_p1",
        "link_id": "t3_p1",
    },
    {
        "id": "c2",
        "body": "[deleted]",
        "author": "[deleted]",
        "created_utc": "1737129700",
        "score": 3,
        "parent_id": "t1_c1",
    },
    {
        "id": "c3",
        "body": "see you on rednote",
        "author": "u3",
        "created_utc": 1737129800.0,
        "score": 7,
        "parent_id": "t1_c1",
    },
]


def test_a_reddit_dump_is_read_as_the_reddit_collector_stores_it(store: Store, tmp_path: Path) -> None:
    """Pushshift or Arctic Shift dumps: zstd frames, fullname parents, net scores, deleted
    comments, link posts whose whole text is their title."""
    path = tmp_path / "RC_2025-01.zst"
    reddit_dump(path, DUMP, frames=3)
    result = import_file(store, path, "reddit")
    assert (result.new, result.rejected) == (3, 1)
    got = {r[0]: r[1:] for r in rows(store, "SELECT native_id, text, parent_id, likes FROM posts")}
    assert got == {
        "p1": ("TikTok ban upheld", None, 1520),
        "c1": ("Good riddance, honestly", "p1", -5),
        "c3": ("see you on rednote", "c1", 7),
    }
    ((location, reason),) = rows(store, "SELECT location, reason FROM rejects")
    assert location.endswith("RC_2025-01.zst:3") and reason == "no text: the post was deleted or removed"
    assert export_files([tmp_path]) == [path]  # a folder of dumps is a folder of exports

    cut = tmp_path / "RS_2025-01.zst"
    cut.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(FileImportError, match="RS_2025-01.zst: the zstd data is cut off before its end"):
        import_file(store, cut, "reddit")
    damaged = tmp_path / "RS_2025-02.zst"
    damaged.write_bytes(path.read_bytes()[:8] + b"\xff" * 64)
    with pytest.raises(FileImportError, match="RS_2025-02.zst: the zstd data is damaged"):
        import_file(store, damaged, "reddit")


@pytest.mark.parametrize("bulk", [True, False])
def test_a_reddit_csv_export_keeps_parents_and_leaves_removed_posts_out(
    store: Store, tmp_path: Path, bulk: bool
) -> None:
    path = tmp_path / "reddit.csv"
    path.write_text(
        "id,title,body,created_utc,parent_id\n"
        "p1,TikTok ban upheld,[removed],1737129000,\n"
        "c1,,Good riddance,1737129600,t3_p1\n"
        "c2,,[deleted],1737129700,t1_c1\n",
        encoding="utf-8",
    )
    collector = FileCollector("reddit", FileOptions(path=path, platform="reddit"), bulk=bulk)
    result, _ = run_collector(store, collector, "reddit", use_saved_cursor=False)
    assert (result.new, result.rejected) == (2, 1)
    got = {r[0]: r[1:] for r in rows(store, "SELECT native_id, text, title, parent_id FROM posts")}
    assert got == {
        "p1": ("TikTok ban upheld", "TikTok ban upheld", None),
        "c1": ("Good riddance", None, "p1"),
    }


def test_the_name_decides_json_and_sniffing_finds_a_renamed_workbook(store: Store, tmp_path: Path) -> None:
    import openpyxl

    # A .jsonl file whose first line happens to start with a ZIP signature is still JSONL.
    lines = tmp_path / "odd.jsonl"
    lines.write_bytes(b'PK\x03\x04 garbage\n{"text": "ok", "created_at": "2025-01-19T10:00:00Z"}\n')
    result = import_file(store, lines, "tiktok")
    assert (result.new, result.rejected) == (1, 1)

    # A workbook saved under a name without .xlsx is found by its signature and read.
    renamed = tmp_path / "export.dat"
    workbook = openpyxl.Workbook()
    workbook.active.append(["text", "created_at"])
    workbook.active.append(["hello", "2025-01-19 10:00"])
    workbook.save(renamed)
    result = import_file(store, renamed, "tiktok")
    assert (result.new, result.rejected) == (1, 0)

    # A ZIP signature on something that is not a workbook is a clear whole-file error.
    fake = tmp_path / "export.bin"
    fake.write_bytes(b"PK\x03\x04 not a zip at all")
    with pytest.raises(FileImportError, match="not a readable Excel workbook"):
        import_file(store, fake, "tiktok")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("bad-method.jsonl", b"\x1f\x8b\x00\x00 not deflate data"),
        ("cut.jsonl", gzip.compress(b'{"text": "a post", "t": "2025-01-19"}\n' * 400)[:60]),
        ("cut.csv", gzip.compress(b"text,t\na post,2025-01-19\n" * 400)[:60]),
    ],
)
def test_a_damaged_gzip_export_is_a_clear_error(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    options = FileOptions(path=path, platform="x", map={"text": "text", "created_at": "t"})
    with pytest.raises(FileImportError, match=name):
        list(FileCollector("t", options).collect(None))
