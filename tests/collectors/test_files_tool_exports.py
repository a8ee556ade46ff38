"""Files as the tools analysts use write them, imported without a map: API responses saved
as they came (nested objects), twarc-csv's dotted columns, scrapers' own names."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from collectors.files import FileCollector, FileImportError, FileOptions, export_files, reading_notes
from monitor.sources import run_collector
from monitor.store import Store

COLUMNS = "native_id, author, text, created_at, likes, reposts, replies, views, parent_id, lang"


class ContentId:
    """Stands for the id a post without one gets from its content."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and re.fullmatch(r"h[0-9a-f]{20}", other) is not None

    def __repr__(self) -> str:
        return "ContentId()"


CONTENT_ID = ContentId()

# file, platform, then (native_id, author, text, created_at, likes, reposts, replies, views,
# parent_id, lang) for each post, in native_id order.
EXPORTS = [
    (
        "twarc_tweets.csv",
        "x",
        [
            (
                "1879234567890123456",
                "alice",
                "The TikTok ban is wild",
                1736856513,
                120,
                40,
                14,
                9000,
                None,
                "en",
            ),
            (
                "1879234567890123457",
                "bob",
                "@alice agreed, see you on RedNote",
                1736860113,
                5,
                0,
                1,
                300,
                "1879234567890123456",
                "en",
            ),
        ],
    ),
    (
        "bluesky_search_posts.json",
        "bluesky",
        [
            (
                "at://did:plc:abc/app.bsky.feed.post/3lfxa",
                "dave.bsky.social",
                "RedNote is the new TikTok",
                1736856513,
                30,
                5,
                2,
                None,
                None,
                "en",
            ),
            (
                "at://did:plc:def/app.bsky.feed.post/3lfxb",
                "erin.bsky.social",
                "no it is not",
                1736857800,
                1,
                0,
                0,
                None,
                "at://did:plc:abc/app.bsky.feed.post/3lfxa",
                "en",
            ),
        ],
    ),
    (
        # getAuthorFeed: each item holds its post (a repost's reason beside it).
        "bluesky_author_feed.json",
        "bluesky",
        [
            ("at://did:plc:abc/app.bsky.feed.post/1", "dave.bsky.social", "RedNote is fun", 1736856000)
            + (3, 1, 0, None, None, "en"),
            ("at://did:plc:def/app.bsky.feed.post/2", "erin.bsky.social", "bye tiktok", 1736859600)
            + (1, 0, 0, None, None, None),
        ],
    ),
    (
        # m.weibo.cn: the posts are cards' mblog; a repost with its own words is itself.
        "weibo_mobile_cards.json",
        "weibo",
        [
            ("5124000000000001", "新闻君", "美国网友涌入小红书 #TikTok难民#", 1736856513)
            + (12000, 10, 20, None, None, None)
        ],
    ),
    (
        "mastodon_statuses.json",
        "mastodon",
        # Its ActivityPub uri is the id, as the Mastodon source stores it.
        [
            ("https://mastodon.social/users/frank/statuses/113812345", "frank", "The #TikTokBan & RedNote")
            + (1736856513, 7, 2, 1, None, None, "en")
        ],
    ),
    (
        "apify_tiktok.json",
        "tiktok",
        [
            (
                "7459876543210987654",
                "carol",
                "goodbye tiktok #tiktokban",
                1736856513,
                12000,
                300,
                450,
                1200000,
                None,
                None,
            )
        ],
    ),
    (
        "youtube_comment_threads.json",
        "youtube",
        [("UgzAbc", "@grace", "RIP TikTok, hello RedNote", 1737255600, 42, None, 3, None, None, None)],
    ),
    (
        "x_v1_statuses.jsonl",
        "x",
        [
            (
                "1879234567890123999",
                "heidi",
                "Selling TikTok to Musk? lol",
                1736856513,
                16,
                4,
                2,
                None,
                None,
                "en",
            )
        ],
    ),
    (
        # "time" is "2 days ago"; "time_parsed" is the epoch the tool worked out.
        "youtube_comment_downloader.json",
        "youtube",
        [("UgxDl1", "@judy", "RIP tiktok", 1736856513, 1200, None, 3, None, None, None)],
    ),
    (
        # TikTok's Research API: the videos are in data.videos.
        "tiktok_research_videos.json",
        "tiktok",
        [("7459000000000000001", "kate", "TikTok ban day", 1736856513, 10, 1, 2, 500, None, None)],
    ),
    (
        # weibo-crawler: Chinese headers, the time in 日期, Beijing time (08:00 is 00:00 UTC).
        "weibo_crawler.csv",
        "weibo",
        [
            ("5123456789", "央视新闻", "TikTok美国禁令生效 #TikTok#", 1737244800)
            + (12000, 789, 3456, None, None, None)
        ],
    ),
    (
        "mediacrawler_douyin.csv",
        "douyin",
        [
            ("7461", "抖音用户", "TikTok禁令 美国网友涌入小红书", 1736856513)
            + (23000, 500, 1000, None, None, None)
        ],
    ),
    (
        # The TikTok Comment Scraper extension: its "Comment Number (ID)" counts rows.
        "tiktok_comment_scraper.csv",
        "tiktok",
        [
            (CONTENT_ID, "Kate", "goodbye tiktok 😭", 1737238200, 1200, None, 15, None, None, None),
            (CONTENT_ID, "Leo", "see you on rednote", 1737238260, 30, None, 0, None, None, None),
        ],
    ),
    (
        "youtube_data_tools_comments.csv",
        "youtube",
        [
            ("Ugx1", "@mia", "RIP TikTok", 1737255600, 5, None, 1, None, None, None),
            ("Ugx1.r1", "@ned", "it's back already", 1737255900, 1, None, 0, None, "Ugx1", None),
        ],
    ),
    (
        "tweet_harvest.csv",
        "x",
        [("1879", "olga", "TikTok ban drama", 1736856513, 16, 4, 2, None, None, "en")],
    ),
    (
        "exportcomments.csv",
        "tiktok",
        [(CONTENT_ID, "Pat", "tiktok refugee checking in", 1736856513, 7, None, 1, None, None, None)],
    ),
    (
        "apify_instagram.json",
        "instagram",
        [
            ("3545", "quinn", "Moving to RedNote? 🤔 #tiktokban", 1736964000)
            + (340, None, 12, 9000, None, None)
        ],
    ),
    (
        # A data set's own names: tweet, date_time, favorites, retweets.
        "kaggle_tweets.csv",
        "x",
        [(CONTENT_ID, "rob", "Banning TikTok is a mistake", 1737126000, 42, 7, None, None, None, None)],
    ),
    (
        # MediaCrawler's RedNote comments: the comment's id is the post's, the note's its parent.
        "mediacrawler_xhs_comments.csv",
        "rednote",
        [
            ("6785c1", "Ivan", "hello from America! 你好", 1736856513, 15, None, None, None, "6784a1", None),
            ("6785c2", "小红", "欢迎欢迎", 1736856600, 12000, None, None, None, "6784a1", None),
        ],
    ),
]


def imported(store: Store, path: Path, platform: str, *, bulk: bool = True) -> list[tuple]:
    collector = FileCollector(path.stem, FileOptions(path=path, platform=platform), bulk=bulk)
    result, _ = run_collector(store, collector, path.stem, use_saved_cursor=False)
    assert result.rejected == 0
    with store.engine.connect() as conn:
        return [tuple(row) for row in conn.exec_driver_sql(f"SELECT {COLUMNS} FROM posts ORDER BY native_id")]


@pytest.mark.parametrize("bulk", [True, False])
@pytest.mark.parametrize(("name", "platform", "expected"), EXPORTS, ids=[export[0] for export in EXPORTS])
def test_a_tools_export_imports_without_a_map(
    store: Store, fixtures: Path, name: str, platform: str, expected: list[tuple], bulk: bool
) -> None:
    """Before, these stopped with "no column for the post text" (Bluesky's record.text) or
    came in without their authors and counts (nested, or named favourites_count, votes),
    and every comment on a RedNote note was taken for the note (its note_id read as the
    comment's id), all but the last lost."""
    assert imported(store, fixtures / "files/tools" / name, platform, bulk=bulk) == expected


def test_an_object_is_not_taken_for_a_value(store: Store, tmp_path: Path) -> None:
    """An "author" object without a name the aliases know leaves the author empty, rather
    than storing the object's text."""
    path = tmp_path / "posts.json"
    path.write_text(
        json.dumps([{"id": "1", "text": "hello", "created_at": "2025-01-14", "author": {"did": "did:plc:x"}}])
    )
    assert imported(store, path, "bluesky") == [
        ("1", None, "hello", 1736812800, None, None, None, None, None, None)
    ]


def test_a_map_reaches_into_an_object_by_its_path(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "posts.jsonl"
    record = {"id": "1", "text": "hi", "created_at": "2025-01-14", "meta": {"who": {"login": "kim"}}}
    path.write_text(json.dumps(record) + "\n")
    options = FileOptions(path=path, platform="x", map={"author": "meta.who.login"})
    run_collector(store, FileCollector("posts", options), "posts", use_saved_cursor=False)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT author FROM posts").scalar_one() == "kim"


@pytest.mark.parametrize("bulk", [True, False])
def test_x_retweets_are_posts_as_exports_count_them(store: Store, fixtures: Path, bulk: bool) -> None:
    path = fixtures / "files/tools/twarc_retweets.csv"
    options = FileOptions(path=path, platform="x")
    result, _ = run_collector(store, FileCollector("rt", options, bulk=bulk), "rt", use_saved_cursor=False)
    assert (result.new, result.rejected) == (3, 0)
    assert reading_notes(options)[0] == (
        "X retweets (RT @…) are imported as posts, as exports count them "
        "(--leave-out-retweets to count each original once)"
    )


@pytest.mark.parametrize("bulk", [True, False])
def test_x_retweets_are_left_out_when_asked(store: Store, fixtures: Path, bulk: bool) -> None:
    """A retweet repeats its original's words: a viral post's retweets count its
    sentiment over and over, where the X source (-is:retweet) counts it once."""
    path = fixtures / "files/tools/twarc_retweets.csv"
    options = FileOptions(path=path, platform="x", keep_retweets=False)
    result, _ = run_collector(store, FileCollector("rt", options, bulk=bulk), "rt", use_saved_cursor=False)
    assert (result.new, result.rejected) == (2, 1)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT native_id FROM posts ORDER BY 1").scalars().all() == ["1", "3"]
        location, reason = conn.exec_driver_sql("SELECT location, reason FROM rejects").one()
    assert location.endswith("twarc_retweets.csv:3")
    assert reason.startswith("a retweet: left out") and "--leave-out-retweets" in reason
    assert not any(note.startswith("X retweets") for note in reading_notes(options))


def test_rt_on_another_platform_is_a_post(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "bsky.csv"
    path.write_text("id,text,created_at\n1,RT @dave: people still write this here,2025-01-14\n")
    assert [row[2] for row in imported(store, path, "bluesky")] == ["RT @dave: people still write this here"]


@pytest.mark.parametrize(
    ("name", "platform", "kept", "expected"),
    [
        # X v1.1: the retweet holds its original (with the later counts) in retweeted_status,
        # which stands for it when retweets are left out.
        ("x_v1_retweet.jsonl", "x", False, [("10", "heidi", 16, 5)]),
        ("x_v1_retweet.jsonl", "x", True, [("10", "heidi", 16, 4), ("11", "ivan", 0, 5)]),
        # A Mastodon boost has no text of its own: it is read as the status it boosts.
        (
            "mastodon_boost.json",
            "mastodon",
            True,
            [("https://mastodon.social/users/alice/statuses/1", "alice", 3, 1)],
        ),
        (
            "mastodon_boost.json",
            "mastodon",
            False,
            [("https://mastodon.social/users/alice/statuses/1", "alice", 3, 1)],
        ),
    ],
)
def test_a_shared_post_is_read_as_its_original(
    store: Store, fixtures: Path, name: str, platform: str, kept: bool, expected: list[tuple]
) -> None:
    options = FileOptions(path=fixtures / "files/tools" / name, platform=platform, keep_retweets=kept)
    result, _ = run_collector(store, FileCollector("shared", options), "shared", use_saved_cursor=False)
    assert result.rejected == 0
    with store.engine.connect() as conn:
        got = conn.exec_driver_sql("SELECT native_id, author, likes, reposts FROM posts ORDER BY native_id")
        assert [tuple(row) for row in got] == expected


@pytest.mark.parametrize("bulk", [True, False])
def test_a_meltwater_export(store: Store, fixtures: Path, bulk: bool) -> None:
    """Meltwater Explore: UTF-16 with tabs, the text in "Hit Sentence", the author in
    "Influencer", the site in "Source", a Date with a Time column beside it."""
    path = fixtures / "files/tools/meltwater_explore.csv"
    options = FileOptions(path=path, platform="column:Source", keep_retweets=False)
    result, _ = run_collector(store, FileCollector("mw", options, bulk=bulk), "mw", use_saved_cursor=False)
    assert (result.new, result.rejected) == (1, 1)  # the other row is a retweet
    with store.engine.connect() as conn:
        got = conn.exec_driver_sql("SELECT platform, author, text, title, created_at, url FROM posts").one()
    assert tuple(got) == (
        "reddit",
        "u/tom",
        "Why everyone moved to RedNote today",
        "Why everyone moved to RedNote",
        1736863200,
        "https://www.reddit.com/r/x/comments/abc",
    )


def test_an_import_says_which_columns_it_found_by_their_names(fixtures: Path) -> None:
    """A guess the analyst can see and correct: the fields found without a map, except
    where the column is named as its field."""
    options = FileOptions(
        path=fixtures / "files/tools/meltwater_explore.csv", platform="column:Source", map={"url": "URL"}
    )
    assert reading_notes(options)[-1] == (
        "columns found by their names: id ← Tweet Id, text ← Hit Sentence, title ← Headline, "
        "created_at ← Date + Time, author ← Influencer, lang ← Language (--map FIELD=COLUMN to choose)"
    )


@pytest.mark.parametrize("bulk", [True, False])
@pytest.mark.parametrize(
    ("zone", "expected"), [(None, 1737244800), ("UTC", 1737273600), ("+09:00", 1737241200)]
)
def test_a_time_column_named_in_chinese_is_beijing_time(
    store: Store, fixtures: Path, bulk: bool, zone: str | None, expected: int
) -> None:
    """weibo-crawler writes 2025-01-19 08:00 on a Beijing clock: read as UTC it sat eight
    hours late, and a post from before 08:00 fell on the next day. --timezone decides."""
    path = fixtures / "files/tools/weibo_crawler.csv"
    options = FileOptions(path=path, platform="weibo", timezone=zone)
    run_collector(store, FileCollector("weibo", options, bulk=bulk), "weibo", use_saved_cursor=False)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT created_at FROM posts").scalar_one() == expected
    said = [note for note in reading_notes(options) if note.startswith("times")]
    assert said == ([] if zone else [
        "times without an offset are taken as Beijing time (UTC+8), as the time column is named in "
        "Chinese (--timezone to give the export's zone)"
    ])  # fmt: skip


@pytest.mark.parametrize("bulk", [True, False])
def test_languages_are_stored_as_codes(store: Store, tmp_path: Path, bulk: bool) -> None:
    path = tmp_path / "langs.csv"
    path.write_text(
        "id,text,created_at,language\n1,a,2025-01-14,en\n2,b,2025-01-14,en-US\n"
        "3,c,2025-01-14,English\n4,d,2025-01-14,und\n5,e,2025-01-14,zh\n6,f,2025-01-14,\n"
    )
    collector = FileCollector("langs", FileOptions(path=path, platform="x"), bulk=bulk)
    run_collector(store, collector, "langs", use_saved_cursor=False)
    with store.engine.connect() as conn:
        got = conn.exec_driver_sql("SELECT lang FROM posts ORDER BY native_id").scalars().all()
    assert got == ["en", "en", "en", None, "zh", None]


def test_an_excel_97_workbook_is_read(store: Store, fixtures: Path) -> None:
    """A .xls report from a Chinese monitoring tool: a cover sheet first, date cells, 万
    counts; read as a workbook of today is (it used to be taken for a CSV of binary)."""
    path = fixtures / "files/tools/weibo_report.xls"
    collector = FileCollector("xls", FileOptions(path=path, platform="weibo"))
    result, _ = run_collector(store, collector, "xls", use_saved_cursor=False)
    assert (result.new, result.rejected) == (2, 1)
    with store.engine.connect() as conn:
        got = conn.exec_driver_sql("SELECT native_id, author, created_at, likes FROM posts ORDER BY 1").all()
        location, reason = conn.exec_driver_sql("SELECT location, reason FROM rejects").one()
    # Beijing time (the columns are named in Chinese): 08:00 and 20:08 are 00:00 and 12:08 UTC.
    assert [tuple(row) for row in got] == [
        ("5123456789012345", "央视新闻", 1737244800, 12000),
        ("5123456789012346", "小红", 1736856480, 12000),
    ]
    assert (location.endswith("weibo_report.xls:4"), reason) == (True, "no text")
    assert export_files([path.parent]).count(path) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "not a readable Excel 97-2003 workbook"),
        (b"<html><body><table><tr><td>id</td></tr></table></body></html>", "an HTML page, not an export"),
    ],
)
def test_a_broken_or_html_xls_is_a_clear_error(
    store: Store, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "report.xls"
    path.write_bytes(content)
    with pytest.raises(FileImportError, match=message):
        run_collector(store, FileCollector("xls", FileOptions(path=path, platform="weibo")), "xls")
