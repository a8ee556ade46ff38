"""The file collector: CSV, JSONL, JSON, Parquet and Excel exports (gzip or zstd too), streamed.

Rows are read in chunks so memory stays flat for files of any size. A column map says
which input column feeds which Post field (``text=title+content`` joins several columns
with a space; dotted names reach into nested JSON). A row that cannot be used becomes a
``Reject`` with the file, the line and the reason; the import goes on.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import functools
import gzip
import io
import itertools
import json
import re
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any, ClassVar, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, field_validator

from collectors.read_ahead import read_ahead
from monitor.models import (
    NUMERIC_DATE_RE,
    ParseError,
    Post,
    PostRows,
    Reject,
    normalise_lang,
    normalise_text,
    parse_count,
    parse_timestamp,
    parse_timestamp_as_written,
    raw_json,
    stable_id,
    time_zone,
)
from monitor.sources import Batch

# Fields a column map may fill.
FIELDS = (
    "id",
    "text",
    "title",
    "created_at",
    "author",
    "url",
    "likes",
    "reposts",
    "replies",
    "views",
    "parent_id",
    "lang",
)
COUNT_FIELDS = ("likes", "reposts", "replies", "views")

# Column names real exports use for each field, tried when the map does not name one. A
# column matches in any case and spacing ("Full Text", "createTime", "Post-ID": see
# ``_column_key``); the Chinese ones are the headers of RedNote, Weibo and Douyin exports.
# The first present wins. Dotted names reach into a record's nested objects (an API's JSON
# saved as it came, or its columns as twarc-csv flattens them); a name with such inner names
# (Bluesky's ``author``) is an object, never taken for a value itself.
ALIASES: dict[str, tuple[str, ...]] = {
    "id": (
        "id",
        # In an export of comments, the comment's own id; the post's is its parent.
        "comment_id",
        "评论id",
        "post_id",
        "native_id",
        "note_id",
        "tweet_id",
        "status_id",
        "id_str",
        "aweme_id",
        "uri",
        "笔记id",
        "帖子id",
        "微博id",
        "视频id",
        # youtube-comment-downloader's comment id (Bluesky's is a hash of the post: uri first)
        "cid",
    ),
    "text": (
        "text",
        "content",
        "raw_content",
        "body",
        "selftext",
        "desc",
        "description",
        "video_description",
        "full_text",
        "message",
        "comment",
        "comment_text",
        "tweet",
        "tweet_text",
        "post_text",
        "caption",
        "hit_sentence",
        "opening_text",
        "内容",
        "正文",
        "笔记内容",
        "评论内容",
        "微博正文",
        "record.text",
        "legacy.full_text",
        "snippet.text_original",
        "snippet.top_level_comment.snippet.text_original",
    ),
    "title": ("title", "headline", "subject", "标题", "笔记标题", "snippet.title"),
    "created_at": (
        "created_at",
        "create_time",
        "created_utc",
        "created",
        "timestamp",
        "time_parsed",  # youtube-comment-downloader: "time" is "2 days ago"
        "time",
        "date",
        "published",
        "published_at",
        "post_time",
        "posted_at",
        "post_date",
        "publish_time",
        "created_time",
        "datetime",
        "date_time",
        "发布时间",
        "创建时间",
        "评论时间",
        "时间",
        "日期",
        "发布日期",
        "record.created_at",
        "legacy.created_at",
        "snippet.published_at",
        "snippet.top_level_comment.snippet.published_at",
    ),
    "author": (
        "author",
        "user_name",
        "username",
        "user",
        "nickname",
        "screen_name",
        "handle",
        "author_name",
        "author_display_name",
        "author_username",
        "owner_username",
        "channel_title",
        "creator",
        "influencer",
        "作者",
        "昵称",
        "用户名",
        "用户昵称",
        "博主",
        "author.username",
        "author.handle",
        "author.unique_id",
        "author.screen_name",
        "author.nickname",
        "author.name",
        "author_meta.name",
        "user.screen_name",
        "user.username",
        "user.unique_id",
        "user.nickname",
        "user.name",
        "account.acct",
        "legacy.screen_name",
        "snippet.author_display_name",
        "snippet.top_level_comment.snippet.author_display_name",
        "name_(click_to_view_profile)",  # ExportComments
        "name",  # last, as it may name something else
    ),
    "url": (
        "url",
        "link",
        "permalink",
        "post_url",
        "note_url",
        "web_video_url",
        "aweme_url",
        "tweet_url",
        "share_url",
        "链接",
        "笔记链接",
    ),
    "likes": (
        "likes",
        "like_count",
        "liked_count",
        "favorite_count",
        "favourites_count",
        "favorites_count",
        "attitudes_count",
        "favorites",
        "likes_count",
        "reactions_count",
        "reaction_count",
        "score",
        "ups",
        "digg_count",
        "upvotes",
        "votes",
        "点赞数",
        "点赞量",
        "点赞",
        "public_metrics.like_count",
        "stats.digg_count",
        "statistics.like_count",
        "interact_info.liked_count",
        "legacy.favorite_count",
        "snippet.like_count",
        "snippet.top_level_comment.snippet.like_count",
    ),
    "reposts": (
        "reposts",
        "repost_count",
        "reposts_count",
        "retweet_count",
        "retweets",
        "share_count",
        "shares",
        "shared_count",
        "reblogs_count",
        "转发数",
        "转发量",
        "分享数",
        "public_metrics.retweet_count",
        "stats.share_count",
        "interact_info.share_count",
        "legacy.retweet_count",
    ),
    "replies": (
        "replies",
        "reply_count",
        "comment_count",
        "comments",
        "comments_count",
        "num_comments",
        "replies_count",
        "number_of_replies",
        "评论数",
        "评论量",
        "public_metrics.reply_count",
        "stats.comment_count",
        "statistics.comment_count",
        "interact_info.comment_count",
        "legacy.reply_count",
        "snippet.total_reply_count",
    ),
    "views": (
        "views",
        "view_count",
        "play_count",
        "plays",
        "video_play_count",
        "video_view_count",
        "video_views",
        "impressions",
        "impression_count",
        "播放量",
        "播放数",
        "浏览量",
        "阅读数",
        "阅读量",
        "public_metrics.impression_count",
        "stats.play_count",
        "statistics.view_count",
    ),
    "parent_id": (
        "parent_id",
        "in_reply_to_id",
        "in_reply_to_status_id",
        "in_reply_to_tweet_id",
        "is_reply_to",  # YouTube Data Tools
        "reply_to",
        "parent",
        "referenced_tweets.replied_to.id",
        "record.reply.parent.uri",
        "legacy.in_reply_to_status_id_str",
    ),
    "lang": ("lang", "language", "语言", "record.langs", "legacy.lang"),
}
# Ids a platform's collector stores in place of the record's "id": a Mastodon status's id
# is its instance's own, its ActivityPub URI the same on every instance.
PLATFORM_IDS = {"mastodon": ("uri",)}
_TEXT_KEYS = frozenset(ALIASES["text"])


def _has_text(record: dict[str, Any]) -> bool:
    """Whether a record has a text of its own, under a name the aliases know."""
    return any(_column_key(key) in _TEXT_KEYS for key in record)


# The id a comment's row names its post by: the comment's parent, when the row's own id is
# a comment's (``comment_id`` beside ``note_id``, as MediaCrawler writes RedNote comments).
COMMENT_IDS = frozenset(("comment_id", "cid", "评论id"))
POST_IDS = (
    "note_id",
    "post_id",
    "aweme_id",
    "video_id",
    "tweet_id",
    "link_id",
    "笔记id",
    "帖子id",
    "微博id",
    "视频id",
)

PLATFORM_ALIASES = {
    "xiaohongshu": "rednote",
    "xhs": "rednote",
    "小红书": "rednote",
    "red": "rednote",
    "twitter": "x",
    "x.com": "x",
    "bsky": "bluesky",
    "hn": "hackernews",
    "hacker news": "hackernews",
    # Douyin is ByteDance's app for China, with its own users: a platform of its own, as
    # Weibo is, so Chinese reactions do not read as TikTok's.
    "抖音": "douyin",
    "x (twitter)": "x",
    "x (formerly twitter)": "x",
    "twitter/x": "x",
    "x/twitter": "x",
    "youtube comments": "youtube",
    "微博": "weibo",
}
# Social-listening exports (Brandwatch, Meltwater, Talkwalker) name the platform by its
# site: "twitter.com", "www.tiktok.com", a post's URL. Subdomains count as their site.
PLATFORM_SITES = {
    "twitter.com": "x",
    "x.com": "x",
    "t.co": "x",
    "tiktok.com": "tiktok",
    "douyin.com": "douyin",
    "iesdouyin.com": "douyin",
    "xiaohongshu.com": "rednote",
    "xhslink.com": "rednote",
    "youtube.com": "youtube",
    "youtu.be": "youtube",
    "reddit.com": "reddit",
    "redd.it": "reddit",
    "bsky.app": "bluesky",
    "news.ycombinator.com": "hackernews",
    "mastodon.social": "mastodon",
    "instagram.com": "instagram",
    "threads.net": "threads",
    "facebook.com": "facebook",
    "weibo.com": "weibo",
    "weibo.cn": "weibo",
    "lemon8-app.com": "lemon8",
}
_SITE_RE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?([a-z0-9.-]+\.[a-z]{2,})(?::\d+)?(?:[/?#].*)?$")

CSV_FIELD_LIMIT = 256 * 1024 * 1024
TEXT_LIMIT = 100_000


class FileImportError(Exception):
    """The file as a whole cannot be imported (not a row problem); the message says why."""


def normalise_platform(value: Any) -> str:
    """A platform's name as the store keeps it: lower case, aliases and sites mapped
    ("Xiaohongshu", "小红书" and "https://www.xiaohongshu.com/explore/…" are "rednote")."""
    name = " ".join(str(value).strip().lower().split())
    if name in PLATFORM_ALIASES:
        return PLATFORM_ALIASES[name]
    site = _SITE_RE.match(name)
    if site is not None:
        labels = site[1].split(".")
        for start in range(len(labels) - 1):  # m.youtube.com, then youtube.com
            platform = PLATFORM_SITES.get(".".join(labels[start:]))
            if platform is not None:
                return platform
    return name


class FileOptions(BaseModel):
    """The options of a ``type: files`` source (and of ``monitor import``)."""

    model_config = ConfigDict(extra="forbid")

    path: Path
    format: Literal["auto", "csv", "jsonl", "json", "parquet", "xlsx", "xls"] = "auto"
    platform: str = Field(description="a platform name, or column:NAME to read it per row")
    map: dict[str, str] = Field(default_factory=dict)
    date_format: str | None = None
    # When the pages in the export were saved: places times they show relative to it
    # ("3小时前", "昨天 12:08", "01-14"), whose clock times are read in its zone.
    exported_at: datetime | None = None
    # The zone of times written without an offset ("2025-01-14 08:00" in a Chinese export is
    # Beijing time): an IANA name (Asia/Shanghai) or an offset (+08:00). Unset: UTC.
    timezone: str | None = None
    # Whether dates written with numbers only are day first (14/01/2025, a UK or European
    # export) or month first (01/14/2025, a US one). Unset: told from the file's first rows.
    day_first: bool | None = None
    encoding: str | None = None
    delimiter: str | None = None
    # Lines before a CSV's header (the report details Brandwatch puts first). Left unset,
    # a header further down is found when the first line lacks the mapped columns.
    skip_rows: int | None = Field(default=None, ge=0, le=1000)
    # Rows per batch (one transaction). Left unset, a UTF-8 CSV's batches start at 5,000
    # rows and double up to 80,000 (or ``BULK_BATCH_BYTES`` of the file).
    chunk_rows: int = Field(default=5000, ge=1, le=1_000_000)
    keep_raw: bool = True
    # X retweets (a row that is only "RT @name: …") are posts, as exports and social-listening
    # tools count them. False leaves them out, as the X source does (-is:retweet): such a row
    # is a reject saying so, and an X v1.1 retweet that holds its original is read as it.
    keep_retweets: bool = True

    @field_validator("map")
    @classmethod
    def _known_fields(cls, value: dict[str, str]) -> dict[str, str]:
        for name, column in value.items():
            if name not in FIELDS:
                raise ValueError(f"unknown field {name!r} in map (fields: {', '.join(FIELDS)})")
            if not column.strip():
                raise ValueError(f"empty column for field {name!r}")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            time_zone(value)
        return value

    @field_validator("platform")
    @classmethod
    def _platform(cls, value: str) -> str:
        if not value.strip() or value.strip() == "column:":
            raise ValueError("expected a platform name or column:NAME")
        return value.strip()

    @property
    def platform_column(self) -> str | None:
        """The column a ``column:NAME`` platform is read from per row; None for a fixed one."""
        return self.platform.removeprefix("column:") if self.platform.startswith("column:") else None

    def local_zone(self) -> tuple[tzinfo | None, str | None]:
        """The zone of times without an offset and its name for pyarrow: ``timezone``, else
        the offset of ``exported_at`` (a saved page writes its older posts' dates on the
        clock of its "3小时前"), else None (UTC)."""
        if self.timezone:
            return time_zone(self.timezone)
        offset = self.exported_at.utcoffset() if self.exported_at is not None else None
        if offset is None:
            return None, None
        minutes = int(offset.total_seconds()) // 60
        return time_zone(f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}")

    def resolve_paths(self, resolve: Callable[[Path], Path]) -> FileOptions:
        return self.model_copy(update={"path": resolve(self.path)})


# Time columns named in simplified Chinese: an export made in mainland China (weibo-crawler,
# a RedNote data tool), whose clock times are Beijing time.
CHINESE_TIME_COLUMNS = frozenset(("发布时间", "创建时间", "评论时间", "时间", "日期", "发布日期"))
CHINA_ZONE = "Asia/Shanghai"


def _local_zone(options: FileOptions, plan: dict[str, tuple[str, ...]]) -> tuple[tzinfo | None, str | None]:
    """The zone of a file's times without an offset: the options' (``local_zone``), else
    Beijing time when the time columns are named in simplified Chinese, else None (UTC)."""
    zone = options.local_zone()
    if zone[0] is None and _named_in_chinese(plan):
        return time_zone(CHINA_ZONE)
    return zone


def _named_in_chinese(plan: dict[str, tuple[str, ...]]) -> bool:
    columns = plan.get("created_at", ())
    return bool(columns) and all(column.strip() in CHINESE_TIME_COLUMNS for column in columns)


class Row(NamedTuple):
    line: int
    record: dict[str, Any] | None
    error: str | None = None
    raw: str | None = None


# A post is not written after it was collected: a time later than the import by more than
# this (the year 2286 from a mangled epoch, a wrong century) is refused rather than stretching
# every chart to it. A day covers local times without a zone read as UTC (at most 14 h).
FUTURE_SLACK = timedelta(days=1)


class RowConverter:
    """Turns one input record into a Post, or says why it cannot."""

    def __init__(self, options: FileOptions, source: str, columns: Iterable[str]) -> None:
        self.options = options
        self.source = source
        available = list(columns)
        self.plan = _plan_columns(options, available)
        self.zone, self.arrow_zone = _local_zone(options, self.plan)
        self.exported_at = options.exported_at
        if self.exported_at is not None and self.exported_at.tzinfo is None and self.zone is not None:
            self.exported_at = self.exported_at.replace(tzinfo=self.zone)
        self._getters = {name: _getter(columns) for name, columns in self.plan.items()}
        self._count_fields = tuple(name for name in COUNT_FIELDS if name in self.plan)
        self.platform_column = options.platform_column
        self.fixed_platform = "" if self.platform_column else normalise_platform(options.platform)
        if self.platform_column is not None:
            _check_column(self.platform_column, available, options.path, "platform")
        if "text" not in self.plan:
            raise FileImportError(
                f"{options.path}: no column for the post text; name one with --map text=COLUMN "
                f"(available: {_listing(available)})"
            )
        if "created_at" not in self.plan:
            raise FileImportError(
                f"{options.path}: no column for the post time; name one with --map created_at=COLUMN "
                f"(available: {_listing(available)})"
            )

    def convert(self, record: dict[str, Any], collected_at: datetime) -> Post:
        record = _inner_post(record, self.options.keep_retweets)
        values = {name: get(record) for name, get in self._getters.items()}
        text = normalise_text(values.get("text"))
        title = (normalise_text(values["title"]) or None) if "title" in values else None
        if text.endswith("]") and _REMOVED_RE.search(text):
            text = _REMOVED_RE.sub("", text).strip()
            if not text and not title:
                raise ParseError("no text: the post was deleted or removed")
        if not text:
            # A post that is only its title (a Reddit link post, a video): the title is what
            # it says. A title beside a text is not joined to it: in an export of comments
            # it is often the thread's, not the comment's.
            text = title or ""
        if not text:
            raise ParseError("no text")
        if len(text) > TEXT_LIMIT:
            text = text[:TEXT_LIMIT]
        try:
            created_at = parse_timestamp(
                values.get("created_at"),
                self.options.date_format,
                self.exported_at,
                self.zone,
                bool(self.options.day_first),
            )
        except ParseError as err:
            raise ParseError(f"created_at: {err}") from None
        if created_at > collected_at + FUTURE_SLACK:
            raise ParseError(f"created_at: {created_at:%Y-%m-%d %H:%M} UTC is after the import")
        if self.platform_column is not None:
            platform_value = _extract(record, (self.platform_column,))
            if platform_value in (None, ""):
                raise ParseError(f"no platform in column {self.platform_column!r}")
            platform = normalise_platform(platform_value)
        else:
            platform = self.fixed_platform
        if platform == "x" and text.startswith(RETWEET_PREFIX) and not self.options.keep_retweets:
            raise ParseError(RETWEET_REASON)
        author = _optional_text(values.get("author"))
        native_id = _known_id(values.get("id"))
        if native_id is None:
            native_id = stable_id(platform, created_at.isoformat(), author, text)
        counts = {}
        for name in self._count_fields:
            try:
                counts[name] = parse_count(values[name])
            except ParseError as err:
                raise ParseError(f"{name}: {err}") from None
        url = _optional_text(values.get("url"))
        return Post(
            platform=platform,
            native_id=native_id,
            text=text,
            created_at=created_at,
            source=self.source,
            author=author,
            title=title,
            lang=normalise_lang(_first(values.get("lang"))),
            collected_at=collected_at,
            url=url if url and url.lower().startswith(("http://", "https://")) else None,
            parent_id=_parent_id(values.get("parent_id"), platform),
            raw=raw_json(record) if self.options.keep_raw else None,
            **counts,
        )


class FileCollector:
    """Reads one file; the cursor is how many rows of that exact file are stored, so a
    killed import resumes where it stopped and an unchanged file is not read again."""

    Options: ClassVar[type[BaseModel]] = FileOptions

    def __init__(
        self,
        name: str,
        options: FileOptions,
        *,
        bulk: bool = True,
        on_notes: Callable[[str], None] | None = None,
    ) -> None:
        self.name = name
        self.options = options
        # Whether a UTF-8 CSV takes the bulk path (pyarrow); the per-row path gives the same.
        self.bulk = bulk
        # Told what the import guessed about the file (``reading_notes``), before its rows.
        self.on_notes = on_notes

    def _read_leading(
        self, held: tuple[list[dict[str, Any]], dict[str, tuple[str, ...]]], *, say: bool = True
    ) -> None:
        """Say what the first rows show (``on_notes``), then decide the date order from them
        once for the file: the same rows on a resumed import."""
        if say and self.on_notes is not None:
            for note in reading_notes(self.options, held):
                self.on_notes(note)
        if self.options.day_first is None:
            self.options = self.options.model_copy(update={"day_first": _day_first(*held)})

    def file_identity(self) -> dict[str, Any]:
        stat = self.options.path.stat()
        return {"path": str(self.options.path.resolve()), "size": stat.st_size, "mtime": int(stat.st_mtime)}

    def collect(self, cursor: Any) -> Iterator[Batch]:
        path = self.options.path
        if not path.exists():
            raise FileImportError(f"{path}: file not found")
        if path.is_dir():
            raise FileImportError(f"{path}: is a folder, not a file")
        identity = self.file_identity()
        skip = 0
        if isinstance(cursor, dict) and cursor.get("file") == identity:
            if cursor.get("complete"):
                return
            skip = int(cursor.get("rows", 0))
        said = False
        if self.bulk and detect_format(path, self.options.format) == "csv":
            if self.options.day_first is None or self.on_notes is not None:
                self._read_leading(_leading_plan(self.options))  # a CSV's first rows: a few milliseconds
                said = True
            opened = CsvBlocks(path, self.options).open()
            if opened is not None:
                # Converting the next batch overlaps writing the last: 14.2 s → 11.5 s for
                # a million rows (see read_ahead).
                yield from read_ahead(self._collect_bulk(*opened, identity, skip))
                return
        rows = read_rows(path, self.options)
        leading, columns = _leading_columns(rows)
        if not leading:
            yield Batch(cursor={"file": identity, "rows": 0, "complete": True}, progress=0)
            return
        _refuse_unreadable(leading, path)
        # From the rows in hand: opening a workbook again costs seconds.
        records = [row.record for row in leading if row.record is not None]
        self._read_leading((records, _plan_columns(self.options, columns)), say=not said)
        converter = RowConverter(self.options, self.name, columns)
        collected_at = datetime.now(UTC)
        batch = Batch()
        count = 0
        location = str(path)
        for row in itertools.chain(leading, rows):
            count += 1
            if count <= skip:
                continue
            if row.record is None:
                batch.rejects.append(
                    Reject(self.name, f"{location}:{row.line}", row.error or "unreadable row", row.raw)
                )
            else:
                try:
                    batch.posts.append(converter.convert(row.record, collected_at))
                except (ParseError, ValueError, TypeError, OverflowError) as err:
                    batch.rejects.append(
                        Reject(
                            self.name,
                            f"{location}:{row.line}",
                            str(err) or type(err).__name__,
                            raw_json(row.record),
                        )
                    )
            if len(batch.posts) + len(batch.rejects) >= self.options.chunk_rows:
                batch.cursor = {"file": identity, "rows": count, "complete": False}
                batch.progress = count
                yield batch
                batch = Batch()
        batch.cursor = {"file": identity, "rows": count, "complete": True}
        batch.progress = count
        yield batch

    def _collect_bulk(
        self, header: list[str], items: Iterator[CsvBlock | Row], identity: dict[str, Any], skip: int
    ) -> Iterator[Batch]:
        """``collect`` over a CSV read in blocks: the same batches, cursors and rejects as the
        per-row path, the posts as ``PostRows``."""
        location = str(self.options.path)
        # As on the per-row path, a file none of whose first rows can be read is refused.
        leading: list[CsvBlock | Row] = []
        for item in items:
            leading.append(item)
            if not isinstance(item, Row) or item.record is not None or len(leading) >= LEADING_ROWS:
                break
        _refuse_unreadable(leading, self.options.path)
        collected_at = datetime.now(UTC)
        converter: BulkConverter | None = None
        batch = Batch(posts=PostRows())
        count = 0
        # Unless ``chunk_rows`` is set, batches start at its default and double: a large file
        # is written in few large transactions (each one rewrites the index pages it
        # touches), a small one as before.
        limit = self.options.chunk_rows
        growth = 1 if "chunk_rows" in self.options.model_fields_set else BULK_BATCH_GROWTH
        size = 0.0  # bytes of the file in the batch
        for item in itertools.chain(leading, items):
            if converter is None:
                converter = BulkConverter(RowConverter(self.options, self.name, header), header, collected_at)
            if isinstance(item, Row):
                if count < skip:
                    count += 1
                    continue
                if item.record is None:
                    result: tuple[Any, ...] | Reject = Reject(
                        self.name, f"{location}:{item.line}", item.error or "unreadable row", item.raw
                    )
                else:
                    result = converter.convert_record(item.record, item.line, location)
                results: list[tuple[Any, ...] | Reject] = [result]
            else:
                rows = item.table.num_rows
                if count + rows <= skip:
                    count += rows
                    continue
                if count < skip:
                    kept = rows - (skip - count)
                    item = CsvBlock(
                        item.table.slice(skip - count), item.lines[skip - count :], item.size * kept // rows
                    )
                    count = skip
                results = converter.convert(item, location)
            row_bytes = item.size / max(1, item.table.num_rows) if isinstance(item, CsvBlock) else 1024
            start = 0
            while start < len(results):
                room = min(limit - len(batch.posts) - len(batch.rejects), len(results) - start)
                for result in results[start : start + room]:
                    if isinstance(result, Reject):
                        batch.rejects.append(result)
                    else:
                        batch.posts.rows.append(result)  # type: ignore[union-attr]
                start += room
                count += room
                size += room * row_bytes
                if len(batch.posts) + len(batch.rejects) >= limit or size >= BULK_BATCH_BYTES:
                    yield Batch(
                        batch.posts,
                        batch.rejects,
                        {"file": identity, "rows": count, "complete": False},
                        count,
                    )
                    batch = Batch(posts=PostRows())
                    size = 0
                    limit = min(limit * 2, self.options.chunk_rows * growth)
        yield Batch(batch.posts, batch.rejects, {"file": identity, "rows": count, "complete": True}, count)


def read_rows(path: Path, options: FileOptions) -> Iterator[Row]:
    """Rows of a file as dicts, with their line (or row) numbers; broken rows come back
    with an error instead of a record."""
    kind = detect_format(path, options.format)
    if kind == "csv":
        return _read_csv(path, options)
    if kind == "jsonl":
        return _read_jsonl(path)
    if kind == "json":
        return _read_json_array(path)
    if kind == "xlsx":
        return _read_xlsx(path, options)
    if kind == "xls":
        return _read_xls(path, options)
    if kind == "html":
        raise FileImportError(
            f"{path}: an HTML page, not an export (some tools save their table so, as .xls): "
            "open it in Excel and save it as .xlsx or CSV"
        )
    return _read_parquet(path, options.chunk_rows)


EXPORT_SUFFIXES = frozenset(
    {".csv", ".tsv", ".txt", ".jsonl", ".ndjson", ".json", ".parquet", ".pq", ".xlsx", ".xlsm", ".xls"}
)


def export_files(paths: Iterable[Path]) -> list[Path]:
    """The files to import: each path named, a folder standing for the export files
    directly in it, by name (hidden files and Excel's ``~$`` lock files left out)."""
    found: list[Path] = []
    for path in paths:
        if not path.is_dir():
            found.append(path)
            continue
        inside = sorted(
            item
            for item in path.iterdir()
            if item.is_file()
            and not item.name.startswith((".", "~$"))
            and (
                _export_suffix(item) in EXPORT_SUFFIXES
                or (item.suffix.lower() in COMPRESSED_SUFFIXES and _export_suffix(item) == "")
            )
        )
        if not inside:
            raise FileImportError(
                f"{path}: a folder with no export files in it ({', '.join(sorted(EXPORT_SUFFIXES))}, "
                "or .gz, .zst)"
            )
        found.extend(inside)
    return found


def _export_suffix(path: Path) -> str:
    """The suffix that names the export's format, under any compression (".csv" for
    ``posts.csv.gz``); "" when there is none (Reddit's dumps are named ``RC_2025-01.zst``)."""
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes and suffixes[-1] in COMPRESSED_SUFFIXES:
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def detect_format(path: Path, declared: str = "auto") -> str:
    if declared != "auto":
        return declared
    last = _export_suffix(path)
    if last in (".parquet", ".pq"):
        return "parquet"
    if last in (".xlsx", ".xlsm"):
        return "xlsx"
    if last in (".csv", ".tsv", ".txt"):
        return "csv"
    if last in (".jsonl", ".ndjson"):
        return "jsonl"
    with _open_binary(path) as handle:
        head = handle.read(1024)
    if head[:4] == b"PAR1":
        return "parquet"
    if head[:4] == b"PK\x03\x04":
        return "xlsx"
    if head[:8] == _OLE2_MAGIC:  # the Excel 97-2003 workbook (.xls) some tools still export
        return "xls"
    # A JSON export is one object per line, one array of objects, or one saved API
    # response holding the array ({"data": [...]}, {"hits": [...]}).
    first = head.lstrip(codecs.BOM_UTF8 + b" \t\r\n")[:1]
    if first == b"<":  # an HTML page; some tools save their table so and name it .xls
        return "html"
    if first == b"[":
        return "json"
    if first == b"{" or last == ".json":
        return "json" if _is_one_document(_json_head(path)) else "jsonl"
    return "csv"


_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# How compressed exports start, and the names they end in.
_GZIP_MAGIC = b"\x1f\x8b"
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
COMPRESSED_SUFFIXES = (".gz", ".zst", ".zstd")


def _compression(path: Path) -> str | None:
    """How a file is compressed ("gzip", "zstd"), told from its first bytes; None if not."""
    with open(path, "rb") as probe:
        magic = probe.read(4)
    if magic.startswith(_GZIP_MAGIC):
        return "gzip"
    return "zstd" if magic == _ZSTD_MAGIC else None


def _open_binary(path: Path) -> io.BufferedIOBase:
    compression = _compression(path)
    if compression == "gzip":
        return _GzipFile(path, "rb")
    if compression == "zstd":
        return io.BufferedReader(_ZstdStream(path), buffer_size=1 << 20)
    return open(path, "rb")


class _ZstdStream(io.RawIOBase):
    """A zstd-compressed export (Reddit's public dumps are, with a 2 GB window), read as a
    stream of its frames; damaged or cut-off data is a ``FileImportError`` naming the file."""

    def __init__(self, path: Path) -> None:
        import zstandard

        self.name = str(path)
        self._file = open(path, "rb")  # noqa: SIM115 - closed with the stream
        self._decompressor = zstandard.ZstdDecompressor(max_window_size=2**31)
        self._frame = self._decompressor.decompressobj()
        self._errors = (zstandard.ZstdError,)
        self._pending = b""  # unpacked and not yet read, from ``_offset`` on
        self._offset = 0
        self._started = False  # whether the frame in hand has taken any input

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while self._offset >= len(self._pending):
            chunk = self._file.read(1 << 17)
            if not chunk:
                if self._started and not self._frame.eof:
                    raise FileImportError(f"{self.name}: the zstd data is cut off before its end")
                return 0
            self._pending, self._offset = self._decompress(chunk), 0
        size = min(len(buffer), len(self._pending) - self._offset)
        buffer[:size] = memoryview(self._pending)[self._offset : self._offset + size]
        self._offset += size
        return size

    def _decompress(self, chunk: bytes) -> bytes:
        out = []
        try:
            while chunk:
                if self._frame.eof:  # the next frame (dumps may join several)
                    self._frame = self._decompressor.decompressobj()
                self._started = True
                out.append(self._frame.decompress(chunk))
                chunk = self._frame.unused_data if self._frame.eof else b""
        except self._errors as err:
            raise FileImportError(f"{self.name}: the zstd data is damaged ({err})") from err
        return b"".join(out)

    def close(self) -> None:
        if not self.closed:
            self._file.close()
        super().close()


class _GzipFile(gzip.GzipFile):
    """A gzipped export whose damaged or cut-off stream is a ``FileImportError`` naming
    the file, like any other unreadable file, not a gzip, zlib or EOF error."""

    def _checked(self, method: Callable[..., Any], *args: Any) -> Any:
        try:
            return method(*args)
        except (gzip.BadGzipFile, EOFError, zlib.error) as err:
            raise FileImportError(f"{self.name}: the gzip data is damaged ({err})") from err

    def read(self, size: int | None = -1) -> bytes:
        return self._checked(super().read, size)

    def read1(self, size: int = -1) -> bytes:
        return self._checked(super().read1, size)

    def readinto(self, buffer: Any) -> int:
        return self._checked(super().readinto, buffer)

    def readline(self, size: int | None = -1) -> bytes:
        return self._checked(super().readline, size)

    def peek(self, n: int) -> bytes:
        return self._checked(super().peek, n)


def detect_encoding(sample: bytes) -> str:
    """The encoding of a text export from its first bytes: a BOM, else UTF-8 if it
    decodes, else a Chinese, Japanese or Korean code page if the bytes read as one (Excel
    on a Chinese Windows saves CSV as GBK), else Windows-1252 (the usual Western export,
    a superset of Latin-1's printable range)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if unmarked := _utf16_without_bom(sample[:UTF16_PROBE_BYTES]):
        return unmarked
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as err:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        if err.start >= len(sample) - 3 and err.reason == "unexpected end of data":
            return "utf-8"
    return _legacy_encoding(sample)


# Bytes at the head of a file looked at for UTF-16 without a BOM.
UTF16_PROBE_BYTES = 4096


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 written without its BOM (some exporters and Java tools do), told by the
    zero bytes that Latin letters, digits, delimiters and line ends have in every other
    place (a tenth of the characters is enough: a Chinese export's digits, dates and commas):
    ``utf-16-le`` or ``utf-16-be``, or None. The zero bytes would also decode as
    UTF-8 (as NUL characters), so this is asked first; a UTF-8 export with a stray NUL
    has too few of them to count."""
    pairs = len(head) // 2
    if pairs < 2:
        return None
    zeros_even, zeros_odd = head[0 : 2 * pairs : 2].count(0), head[1 : 2 * pairs : 2].count(0)
    if zeros_odd >= pairs * 0.1 and zeros_even * 5 <= zeros_odd:
        return "utf-16-le"
    if zeros_even >= pairs * 0.1 and zeros_odd * 5 <= zeros_even:
        return "utf-16-be"
    return None


# Windows of a file read beyond its first 64 KB to tell its encoding, when those are plain
# ASCII: an export sorted by time or by platform can hold English posts for its first
# thousand rows and Chinese ones (in GBK, say) after them.
ENCODING_WINDOWS = 16
ENCODING_WINDOW_BYTES = 1 << 14


def _later_text(path: Path, head: bytes) -> bytes:
    """Whole lines of non-ASCII text from windows spread over an uncompressed file whose
    head is ASCII (nothing otherwise: the head decides; a compressed file cannot be read
    at a place without the bytes before it). Lines cut by a window's edges are left out,
    so no character is cut in two."""
    size = path.stat().st_size
    if not head.isascii() or size <= len(head) or _compression(path) is not None:
        return b""
    found = []
    with open(path, "rb") as handle:
        for index in range(1, ENCODING_WINDOWS + 1):
            handle.seek(len(head) + (size - len(head)) * index // (ENCODING_WINDOWS + 1))
            window = handle.read(ENCODING_WINDOW_BYTES)
            lines = window[window.find(b"\n") + 1 : window.rfind(b"\n") + 1]
            if not lines.isascii():
                found.append(b"".join(line for line in lines.splitlines(keepends=True) if not line.isascii()))
    return b"".join(found)


# The code pages told apart when a file is not UTF-8. The multi-byte East Asian ones have
# byte patterns that charset-normalizer recognises; the single-byte Western ones do not
# (it would guess Baltic or Central European for French), so Windows-1252 stands for them.
_LEGACY_ENCODINGS = ("gb18030", "big5", "cp932", "cp949", "euc_jp", "cp1252")


def _legacy_encoding(sample: bytes) -> str:
    from charset_normalizer import from_bytes

    whole_lines = sample[: sample.rfind(b"\n") + 1]  # no character cut in two
    if whole_lines.isascii():
        whole_lines = sample
    matches = list(from_bytes(whole_lines, cp_isolation=list(_LEGACY_ENCODINGS)))
    if not matches:
        return "cp1252"

    # The fewest odd characters wins. A short sample reads cleanly as several code pages:
    # then simplified Chinese (GBK) goes first when all its characters are in GB2312, as
    # the common ones are (a Western name like "Müller" also reads as GBK, but as two rare
    # characters outside it); then the language fit; then the order above.
    def rank(match: Any) -> tuple[float, bool, float, int]:
        simplified = match.encoding == "gb18030" and _within_gb2312(str(match))
        return (match.chaos, not simplified, -match.coherence, _LEGACY_ENCODINGS.index(match.encoding))

    return min(matches, key=rank).encoding


def _within_gb2312(text: str) -> bool:
    try:
        "".join(char for char in text if not char.isascii()).encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True)
class CsvDialect:
    encoding: str
    delimiter: str
    header_line: int  # lines of the file before the header row
    directive: bool = False  # whether the first of them is Excel's "sep=;"


def _csv_dialect(path: Path, options: FileOptions) -> CsvDialect:
    """The encoding, the delimiter and the header's place of a CSV file, from the options
    or its first bytes."""
    with _open_binary(path) as probe:
        sample = probe.read(1 << 16)
    encoding = options.encoding or detect_encoding(sample + _later_text(path, sample))
    try:
        codecs.lookup(encoding)
    except LookupError as err:
        raise FileImportError(f"{path}: unknown encoding {encoding!r}") from err
    if encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        encoding = "utf-8-sig"  # a BOM, if any, is not part of the first column's name
    text = sample.decode(encoding, errors="replace")
    # Excel's own line naming the delimiter, which exports made for Excel put first.
    directive = _SEP_DIRECTIVE_RE.match(text.removeprefix("\ufeff"))
    told = (options.delimiter or "").replace("\\t", "\t") or (directive[1] if directive else "")
    if directive:
        text = text[directive.end() :]
    lines_before = 1 if directive else 0
    delimiter = told or _sniff_delimiter(text, path)
    if options.skip_rows is not None:
        return CsvDialect(encoding, delimiter, options.skip_rows, bool(directive))
    wanted = _wanted_columns(options)
    found = _header_below(text, wanted, [delimiter] if told else None, path)
    if found is not None:
        delimiter, header_line = found
        return CsvDialect(encoding, delimiter, lines_before + header_line, bool(directive))
    return CsvDialect(encoding, delimiter, lines_before, bool(directive))


_SEP_DIRECTIVE_RE = re.compile(r"^sep=(.)\r?\n", re.IGNORECASE)


HEADER_SEARCH_LINES = 100


def _cells(line: str, delimiter: str) -> set[str]:
    try:
        return {cell.strip() for cell in next(csv.reader([line], delimiter=delimiter), [])}
    except csv.Error:
        return set()


@dataclass(frozen=True)
class HeaderWants:
    """What a row must hold to be the header: the columns the options name, and a column
    under one of its ``ALIASES`` for each of text and time the map leaves out."""

    columns: frozenset[str]
    fields: tuple[str, ...]

    def fits(self, row: set[str]) -> bool:
        if not self.columns <= row:
            return False
        keys = {_column_key(cell) for cell in row}
        return all(keys.intersection(ALIASES[field]) for field in self.fields)


def _wanted_columns(options: FileOptions) -> HeaderWants:
    columns = {part.strip() for expression in options.map.values() for part in expression.split("+")}
    if options.platform_column is not None:
        columns.add(options.platform_column)
    fields = tuple(field for field in ("text", "created_at") if field not in options.map)
    return HeaderWants(frozenset(column for column in columns if column), fields)


def _header_below(
    text: str, wanted: HeaderWants, delimiters: list[str] | None, path: Path
) -> tuple[str, int] | None:
    """The delimiter and the line of the first row that holds what the header must, trying
    the sniffed delimiter first; None when no row of the first lines does."""
    lines = [line.rstrip("\r") for line in text.split("\n")[:HEADER_SEARCH_LINES]]
    for delimiter in delimiters or dict.fromkeys([_sniff_delimiter(text, path), ",", "\t", ";", "|"]):
        index = _header_index([_cells(line, delimiter) for line in lines], wanted)
        if index is not None:
            return delimiter, index
    return None


def _header_index(rows: list[set[str]], wanted: HeaderWants) -> int | None:
    """The index of the first row holding what the header must (0 for a file as usual;
    more when report details come first), or None when none does."""
    return next((index for index, row in enumerate(rows) if wanted.fits(row)), None)


def reading_notes(
    options: FileOptions, held: tuple[list[dict[str, Any]], dict[str, tuple[str, ...]]] | None = None
) -> list[str]:
    """What an import guessed about an export and says, so a wrong guess is seen: a code
    page other than UTF-8, lines skipped before a CSV's header, dates read day first or
    as UTC, ids a spreadsheet rounded, the columns fields were found in without the map.
    ``held``: the first rows' records and their plan when the caller has read them."""
    path = options.path
    if not path.is_file():
        return []
    notes = []
    if detect_format(path, options.format) == "csv":
        dialect = _csv_dialect(path, options)
        if dialect.encoding != "utf-8-sig" and not options.encoding:
            notes.append(f"not UTF-8, read as {dialect.encoding} (--encoding to choose)")
        skipped = dialect.header_line - dialect.directive
        if skipped and options.skip_rows is None:
            lines = (
                "the line before it is"
                if dialect.header_line == 1
                else f"the {dialect.header_line} lines before it are"
            )
            notes.append(
                f"the header is line {dialect.header_line + 1}: {lines} skipped (--skip-rows to choose)"
            )
    records, plan = held if held is not None else _leading_plan(options)
    if options.day_first is None and _day_first(records, plan):
        notes.append(
            "dates are read day first, as the first rows write them (14/01/2025 is 14 January; "
            "--month-first to choose)"
        )
    if options.local_zone()[0] is None and _a_local_time(records, plan, options):
        if _named_in_chinese(plan):
            notes.append(
                "times without an offset are taken as Beijing time (UTC+8), as the time column is "
                "named in Chinese (--timezone to give the export's zone)"
            )
        else:
            notes.append("times without an offset are taken as UTC (--timezone to give the export's zone)")
    rounded = _a_rounded_id(records, plan)
    if rounded:
        notes.append(
            f"ids such as {rounded} were rounded by a spreadsheet: those posts get ids from their "
            "content (save the id columns as text to keep the platform's ids)"
        )
    if options.keep_retweets and _a_retweet(records, plan, options):
        notes.append(
            "X retweets (RT @…) are imported as posts, as exports count them "
            "(--leave-out-retweets to count each original once)"
        )
    found = [
        f"{name} ← {' + '.join(columns)}"
        for name, columns in plan.items()
        if name not in options.map and [_column_key(column) for column in columns] != [name]
    ]
    if found:  # a column named as its field (Text, created_at) is no guess
        notes.append(f"columns found by their names: {', '.join(found)} (--map FIELD=COLUMN to choose)")
    return notes


def _a_retweet(records: list[dict[str, Any]], plan: dict[str, tuple[str, ...]], options: FileOptions) -> bool:
    """Whether one of the first records is an X retweet ("RT @name: …")."""
    texts = plan.get("text")
    column = options.platform_column
    fixed = None if column else normalise_platform(options.platform)
    for record in records if texts else ():
        platform = fixed or normalise_platform(_extract(record, (column,)) or "")
        text = _extract(record, texts)
        if platform == "x" and isinstance(text, str) and text.lstrip().startswith(RETWEET_PREFIX):
            return True
    return False


def _refuse_unreadable(leading: Sequence[Row | CsvBlock], path: Path) -> None:
    """Refuse a file none of whose first rows can be read, naming the first problem: its
    columns cannot be known (a quote left open in the first row swallows the rest)."""
    if leading and all(isinstance(item, Row) and item.record is None for item in leading):
        first = leading[0]
        assert isinstance(first, Row)
        rows = "its only row" if len(leading) == 1 else f"any of its first {len(leading):,} rows"
        raise FileImportError(
            f"{path}: cannot read {rows}; line {first.line}: {first.error or 'unreadable row'}"
        )


def _leading_plan(options: FileOptions) -> tuple[list[dict[str, Any]], dict[str, tuple[str, ...]]]:
    """The readable records among a file's first rows and the columns the map plans for
    them; nothing when the file cannot be read or the map does not fit it (the import
    itself then says why)."""
    try:
        with contextlib.closing(read_rows(options.path, options)) as rows:  # type: ignore[type-var]
            leading, columns = _leading_columns(rows)
        plan = _plan_columns(options, columns)
    except (FileImportError, OSError, ValueError):  # ValueError: pyarrow's, a decoding error
        return [], {}
    return [row.record for row in leading if row.record is not None], plan


def _day_first(records: list[dict[str, Any]], plan: dict[str, tuple[str, ...]]) -> bool:
    """Whether the times of the first records are dates written day first: one of them
    has a first number above 12 (14/01/2025) and none a second number above 12. A file
    that shows neither is read month first, as US exports write dates."""
    columns = plan.get("created_at")
    if not columns:
        return False
    day_first = month_first = False
    for record in records:
        value = _extract(record, columns)
        day_month = NUMERIC_DATE_RE.match(value.strip()) if isinstance(value, str) else None
        if day_month and day_month[2] != ".":
            day_first |= int(day_month[1]) > 12
            month_first |= int(day_month[3]) > 12
    return day_first and not month_first


def _a_local_time(
    records: list[dict[str, Any]], plan: dict[str, tuple[str, ...]], options: FileOptions
) -> bool:
    """Whether one of the first records has a clock time without an offset (a date alone
    or an epoch is the same in any zone, or UTC)."""
    columns = plan.get("created_at")
    for record in records if columns else ():
        value = _extract(record, columns)
        if isinstance(value, str | datetime):
            try:
                parsed = parse_timestamp_as_written(value, options.date_format, bool(options.day_first))
            except ParseError:
                continue
            if parsed.tzinfo is None and parsed.time() != time(0):
                return True
    return False


def _a_rounded_id(records: list[dict[str, Any]], plan: dict[str, tuple[str, ...]]) -> str | None:
    """An id or parent id among the first records that a spreadsheet rounded."""
    for record in records:
        for name in ("id", "parent_id"):
            columns = plan.get(name, ())
            value = _optional_text(_extract(record, columns)) if len(columns) == 1 else None
            if value is not None and _known_id(value) is None:
                return value
    return None


def _read_csv(path: Path, options: FileOptions) -> Iterator[Row]:
    csv.field_size_limit(min(CSV_FIELD_LIMIT, sys.maxsize))
    dialect = _csv_dialect(path, options)
    # Bytes that do not decode become U+FFFD instead of stopping a long import.
    with io.TextIOWrapper(
        _open_binary(path), encoding=dialect.encoding, errors="replace", newline=""
    ) as text:
        for _ in range(dialect.header_line):
            text.readline()
        reader = csv.reader(text, delimiter=dialect.delimiter)
        header = _csv_header(reader, path)
        if header is None:
            return
        yield from _csv_rows(reader, len(header), header, dialect.header_line)


def _csv_header(reader: Any, path: Path) -> list[str] | None:
    try:
        header = next(reader)
    except StopIteration:
        return None
    except csv.Error as err:
        raise FileImportError(f"{path}: cannot read the CSV header: {err}") from err
    header = [name.strip() for name in header]
    if not any(header):
        raise FileImportError(f"{path}: the first line is empty; expected a header row")
    return header


def _csv_rows(reader: Any, width: int, header: list[str], lines_before: int) -> Iterator[Row]:
    """The rows of a CSV reader as ``Row``s; ``lines_before`` is the number of lines of the
    file before the reader's first line."""
    line = lines_before + reader.line_num
    while True:
        start = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            line = lines_before + reader.line_num
            yield Row(start, None, f"malformed CSV: {err}")
            continue
        line = lines_before + reader.line_num
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue
        if len(cells) != width:
            yield Row(
                start,
                None,
                f"expected {width} columns, found {len(cells)}",
                json.dumps(cells[:50], ensure_ascii=False)[:100_000],
            )
            continue
        yield Row(start, dict(zip(header, cells, strict=True)))


def _sniff_delimiter(sample: str, path: Path) -> str:
    if path.suffix.lower() == ".tsv":
        return "\t"
    first_line = sample.split("\n", 1)[0]
    counts = {d: first_line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _read_jsonl(path: Path) -> Iterator[Row]:
    with _open_binary(path) as handle:
        for number, line in enumerate(handle, start=1):
            stripped = line.strip()
            if not stripped:
                continue
            try:
                # Every line may open with a BOM: files joined with `cat` carry one per part.
                record = json.loads(stripped.decode("utf-8-sig"))
            except UnicodeDecodeError:
                try:
                    record = json.loads(stripped.decode("cp1252"))
                except (json.JSONDecodeError, UnicodeDecodeError) as err:
                    yield Row(number, None, f"broken JSON line: {err}", _clip(stripped))
                    continue
            except json.JSONDecodeError as err:
                reason = f"broken JSON line: {err.msg.removesuffix(' at')} at column {err.colno}"
                yield Row(number, None, reason, _clip(stripped))
                continue
            except RecursionError:
                yield Row(number, None, "broken JSON line: nested too deeply", _clip(stripped))
                continue
            if not isinstance(record, dict):
                yield Row(
                    number, None, f"expected a JSON object, got {type(record).__name__}", _clip(stripped)
                )
                continue
            items = _page_items(record)
            if items is None:
                yield Row(number, record)
                continue
            for item in items:  # the posts of the page, each on its line
                if isinstance(item, dict):
                    yield Row(number, item)
                else:
                    yield Row(number, None, f"expected a JSON object in the page, got {type(item).__name__}")


def _page_items(record: dict[str, Any]) -> list[Any] | None:
    """The posts of a JSONL line that is a whole API response page (twarc2 saves X's pages
    so, one per line; scrapers save Reddit listings or TikTok pages so), or None for a
    line that is one post (it has a text of its own, or no array of posts). X's authors,
    which a page keeps apart (``includes.users``), are joined in as ``author``."""
    if record.keys().isdisjoint(_RECORD_ARRAY_KEYS):  # most lines: at C speed
        return None
    for path in _RECORD_ARRAY_PATHS:
        value: Any = record
        for part in path:
            value = value.get(part) if isinstance(value, dict) else None
        if not isinstance(value, list):
            continue
        if _has_text(record):
            return None
        items = [_unwrapped(item) for item in value]
        includes = record.get("includes")
        names = _user_names(includes.get("users") if isinstance(includes, dict) else None)
        return [_with_author(item, names) for item in items]
    return None


def _user_names(users: Any) -> dict[Any, str]:
    """X's ``includes.users`` as usernames by user id."""
    if not isinstance(users, list):
        return {}
    return {
        user.get("id"): user["username"] for user in users if isinstance(user, dict) and user.get("username")
    }


def _with_author(item: Any, names: dict[Any, str]) -> Any:
    """A tweet with its author's username (``author``) when the page names it."""
    if isinstance(item, dict) and "author" not in item and item.get("author_id") in names:
        item["author"] = names[item["author_id"]]
    return item


def _unwrapped(item: Any) -> Any:
    """A Reddit thing's data without its ``{"kind", "data"}`` wrapper; anything else as it is."""
    if isinstance(item, dict) and item.keys() == {"kind", "data"} and isinstance(item["data"], dict):
        return item["data"]
    return item


# Where saved API responses keep their posts: X v2 and TikTok "data", Reddit listings
# "data.children", YouTube "items", Hacker News (Algolia) "hits", Bluesky "posts" and
# "feed", Mastodon search "statuses", and the like.
RECORD_ARRAYS = (
    "data",
    "data.children",
    "data.items",
    "data.list",
    "data.videos",  # TikTok's Research API
    "data.comments",
    "data.cards",  # Weibo's mobile API (m.weibo.cn)
    "items",
    "hits",
    "posts",
    "feed",
    "statuses",
    "results",
    "entries",
    "records",
    "notes",
    "aweme_list",
    "itemList",
)
_RECORD_ARRAY_PATHS = tuple(tuple(path.split(".")) for path in RECORD_ARRAYS)
_RECORD_ARRAY_KEYS = frozenset(path[0] for path in _RECORD_ARRAY_PATHS)
DOCUMENT_PROBE_BYTES = 1 << 20


def _open_json(path: Path) -> io.BufferedIOBase:
    """A JSON file opened past its BOM, if it has one (Windows tools write one)."""
    handle = _open_binary(path)
    if handle.read(len(codecs.BOM_UTF8)) != codecs.BOM_UTF8:
        handle.close()
        handle = _open_binary(path)
    return handle


def _json_head(path: Path) -> bytes:
    """The first bytes of a JSON file past its BOM: what its layout is told from."""
    with _open_json(path) as handle:
        return handle.read(DOCUMENT_PROBE_BYTES)


def _records_array(head: bytes) -> str | None:
    """The path of the array of posts in a file holding one JSON object (a saved API
    response), from its first bytes; None when it has none of ``RECORD_ARRAYS``."""
    import ijson

    try:
        for prefix, event, _ in ijson.parse(io.BytesIO(head)):
            if event == "start_array" and prefix in RECORD_ARRAYS:
                return prefix
            if event == "end_map" and prefix == "":
                return None
    except (ijson.JSONError, UnicodeDecodeError):
        return None  # the probe ends inside the object, or it is not JSON
    return None


def _is_one_document(head: bytes) -> bool:
    """Whether a file opening with ``{`` is one JSON object holding the posts (a saved API
    response, on one line or pretty-printed), not one post per line."""
    lines = (line for line in io.BytesIO(head) if line.strip())
    first, second = next(lines, b""), next(lines, b"")
    if first.rstrip().endswith(b"}") and second.lstrip().startswith(b"{"):
        return False  # a record per line
    return _records_array(head) is not None


def _read_json_array(path: Path) -> Iterator[Row]:
    """A file holding one JSON array of objects (what many scrapers export), or one object
    holding it (a saved API response), streamed item by item; the row number is the
    item's position in the array. Reddit's {"kind", "data"} wrappers are opened."""
    import ijson

    head = _json_head(path)
    records = "" if head.lstrip(b" \t\r\n")[:1] == b"[" else _records_array(head)
    if records is None:
        raise FileImportError(
            f"{path}: one JSON object with no array of posts under any of {', '.join(RECORD_ARRAYS)}"
        )
    prefix = f"{records}.item" if records else "item"
    names = _x_user_names(path) if records == "data" else {}
    number = 0
    with _open_json(path) as handle:
        try:
            for number, item in enumerate(ijson.items(handle, prefix, use_float=True), start=1):
                item = _with_author(_unwrapped(item), names)
                if isinstance(item, dict):
                    yield Row(number, item)
                else:
                    yield Row(
                        number,
                        None,
                        f"expected a JSON object, got {type(item).__name__}",
                        _clip(str(item).encode()),
                    )
        except (ijson.JSONError, UnicodeDecodeError) as err:
            raise FileImportError(f"{path}: the JSON array breaks after item {number} ({err})") from err


# A saved X response up to this size is read twice: once for the authors it keeps apart
# (``includes.users``, after the tweets), once for the tweets.
X_USERS_PASS_BYTES = 256 * 1024 * 1024


def _x_user_names(path: Path) -> dict[Any, str]:
    """The usernames of a saved X API response by user id; none for a larger file or one
    with no ``includes.users``."""
    import ijson

    if path.stat().st_size > X_USERS_PASS_BYTES:
        return {}
    with _open_json(path) as handle:
        try:
            return _user_names(list(ijson.items(handle, "includes.users.item")))
        except (ijson.JSONError, UnicodeDecodeError):
            return {}  # the tweets' own pass says what is wrong


def _read_xlsx(path: Path, options: FileOptions) -> Iterator[Row]:
    """An Excel workbook's rows (see ``_workbook_rows``)."""
    from zipfile import BadZipFile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    # A handle, not the path: openpyxl refuses by name a workbook whose file name does
    # not end in .xlsx (a sniffed export named .dat, say).
    with _open_binary(path) as handle:
        try:
            workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        except (BadZipFile, OSError, KeyError, ValueError, InvalidFileException) as err:
            raise FileImportError(f"{path}: not a readable Excel workbook ({err})") from err
        try:
            sheets = [functools.partial(sheet.iter_rows, values_only=True) for sheet in workbook.worksheets]
            yield from _workbook_rows(path, options, sheets)
        finally:
            workbook.close()


def _read_xls(path: Path, options: FileOptions) -> Iterator[Row]:
    """An Excel 97-2003 workbook's rows (see ``_workbook_rows``): dates as datetimes and
    whole numbers as ints, as in a workbook of today. Read whole, as such a file is
    small (65,536 rows a sheet at most)."""
    import xlrd

    with _open_binary(path) as handle:
        contents = handle.read()
    try:  # every sheet parsed here: a damaged file fails now, with any of xlrd's many errors
        book = xlrd.open_workbook(file_contents=contents)
    except Exception as err:  # noqa: BLE001 - one message for a file xlrd cannot parse
        raise FileImportError(f"{path}: not a readable Excel 97-2003 workbook ({err})") from err

    def value(cell: Any) -> Any:
        if cell.ctype == xlrd.XL_CELL_DATE:
            try:
                return xlrd.xldate_as_datetime(cell.value, book.datemode)
            except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                return cell.value
        if cell.ctype == xlrd.XL_CELL_NUMBER and float(cell.value).is_integer():
            return int(cell.value)
        if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
            return None
        return cell.value

    def rows(index: int) -> Iterator[tuple[Any, ...]]:
        sheet = book.sheet_by_index(index)
        for number in range(sheet.nrows):
            yield tuple(map(value, sheet.row(number)))

    yield from _workbook_rows(path, options, [functools.partial(rows, i) for i in range(book.nsheets)])


def _workbook_rows(
    path: Path, options: FileOptions, sheets: Sequence[Callable[[], Iterator[Sequence[Any]]]]
) -> Iterator[Row]:
    """The rows of a workbook's first sheet that holds the columns (a report's summary or
    cover sheet can come first; with none, the first sheet). The first row holds the
    column names, unless it lacks the map's columns and a row below it holds them (report
    details above the header, as in a CSV), or ``skip_rows`` says how many rows come
    before them. ``sheets`` opens each sheet's rows (tuples of cell values)."""
    if not sheets:
        return
    wanted = _wanted_columns(options)
    for open_rows in (*sheets, sheets[0]):  # the first again when none holds the columns
        rows = open_rows()
        leading = list(itertools.islice(rows, HEADER_SEARCH_LINES))
        names = [[str(cell).strip() if cell is not None else "" for cell in cells or ()] for cells in leading]
        header_row = options.skip_rows
        if header_row is None:
            header_row = _header_index([set(row) for row in names], wanted)
        if header_row is not None:
            break
    if not leading:
        return
    header_row = header_row or 0
    if header_row >= len(names):
        return
    header = names[header_row]
    if not any(header):
        raise FileImportError(f"{path}: row {header_row + 1} is empty; expected column names")
    after = itertools.chain(leading[header_row + 1 :], rows)
    for number, cells in enumerate(after, start=header_row + 2):
        if cells is None or all(cell is None or str(cell).strip() == "" for cell in cells):
            continue
        record = {name: cell for name, cell in zip(header, cells, strict=False) if name}
        yield Row(number, record)


def _read_parquet(path: Path, chunk_rows: int) -> Iterator[Row]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as err:
        raise FileImportError(f"{path}: not a readable Parquet file ({err})") from err
    number = 0
    try:
        for batch in parquet.iter_batches(batch_size=chunk_rows):
            for record in batch.to_pylist():
                number += 1
                yield Row(number, record)
    except (pa.ArrowException, OSError) as err:
        raise FileImportError(f"{path}: Parquet file is damaged after row {number} ({err})") from err


# How far ahead the columns of a file are gathered: JSON records leave out the keys they
# have no value for (a tweet that is no reply has no "referenced_tweets"), so the first
# record alone would make a correct map look wrong.
LEADING_RECORDS = 200
LEADING_ROWS = 1000
LEADING_CHARS = 8 << 20


def _leading_columns(rows: Iterator[Row]) -> tuple[list[Row], list[str]]:
    """The first rows of a file, held back, and the columns seen in them, in order of
    first appearance: every key (and path into a nested object, see ``_paths``) of the
    first ``LEADING_RECORDS`` readable records, within
    ``LEADING_ROWS`` rows and about ``LEADING_CHARS`` of top-level text."""
    leading: list[Row] = []
    columns: dict[str, None] = {}
    records = chars = 0
    for row in rows:
        leading.append(row)
        if row.record is not None:
            inner = _inner_post(row.record, False)  # what a boost or feed item is read as: its names too
            for record in (row.record,) if inner is row.record else (row.record, inner):
                columns.update(dict.fromkeys(itertools.islice(_paths(record, NESTED_DEPTH), NESTED_NAMES)))
            records += 1
            chars += sum(len(value) for value in row.record.values() if isinstance(value, str))
        if records >= LEADING_RECORDS or len(leading) >= LEADING_ROWS or chars >= LEADING_CHARS:
            break
    return leading, list(columns)


# How deep into a record's nested objects, and how many names of one record, the columns
# seen in the first rows reach (YouTube's comment text is four levels down).
NESTED_DEPTH = 4
NESTED_NAMES = 1000


def _paths(record: dict[str, Any], depth: int) -> Iterator[str]:
    """A record's keys, each followed by the dotted paths into its value when that is an
    object: ``author``, ``author.handle``, ``author.did``."""
    for key, value in record.items():
        yield key
        if depth and isinstance(value, dict):
            for path in _paths(value, depth - 1):
                yield f"{key}.{path}"


def _column_key(name: str) -> str:
    """A column's name as aliases are written: lower case, words joined by ``_``
    ("Full Text", "createTime" and "Post-ID" are ``full_text``, ``create_time``, ``post_id``)."""
    return _COLUMN_SPACING_RE.sub("_", _CAMEL_CASE_RE.sub("_", name.strip())).lower()


_CAMEL_CASE_RE = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_COLUMN_SPACING_RE = re.compile(r"[\s\-_]+")


def _plan_columns(options: FileOptions, available: list[str]) -> dict[str, tuple[str, ...]]:
    """The columns each field is read from: the map's, else the first alias present."""
    mapping, path = options.map, options.path
    plan: dict[str, tuple[str, ...]] = {}
    lowered: dict[str, str] = {}
    for name in available:  # the first of the columns sharing a key
        lowered.setdefault(_column_key(name), name)
    for name, expression in mapping.items():
        columns = tuple(part.strip() for part in expression.split("+") if part.strip())
        for column in columns:
            _check_column(column, available, path, name)
        plan[name] = columns
    # Objects with inner names listed (a JSON record's "author": {"handle": …}): not values.
    objects = {name[:i] for name in available for i, char in enumerate(name) if char == "." and i}

    def found(aliases: Iterable[str]) -> str | None:
        used = {column for columns in plan.values() for column in columns}
        for alias in aliases:
            column = lowered.get(alias)
            if column is not None and column not in objects and column not in used:
                return column
        return None

    for name in FIELDS:
        if name in plan:
            continue
        aliases = ALIASES.get(name, ())
        if name == "id":
            aliases = PLATFORM_IDS.get(normalise_platform(options.platform), ()) + aliases
        column = found(aliases)
        if column is None:
            continue
        plan[name] = (column,)
        if _column_key(column) in ("date", "time") and "date" in lowered and "time" in lowered:
            # A day and its clock time in two columns, as some social-listening
            # tools export them ("Date" 14-Jan-2025, "Time" 01:08 PM): read together.
            plan[name] = (lowered["date"], lowered["time"])
    if "parent_id" not in plan and "id" in plan and _column_key(plan["id"][0]) in COMMENT_IDS:
        post = found(POST_IDS)
        if post is not None:
            plan["parent_id"] = (post,)
    return plan


def _check_column(column: str, available: list[str], path: Path, field: str) -> None:
    top = column.split(".", 1)[0]
    if column not in available and top not in available:
        raise FileImportError(
            f"{path}: column {column!r} (for {field}) is not in the file; available: {_listing(available)}"
        )


def _listing(names: Iterable[str]) -> str:
    names = list(names)
    shown = ", ".join(repr(n) for n in names[:40])
    return shown + (f" and {len(names) - 40} more" if len(names) > 40 else "") if names else "none"


def _getter(columns: tuple[str, ...]) -> Callable[[dict[str, Any]], Any]:
    """``_extract`` for one planned field, with the common case (one column, present by
    that exact name, as in every CSV row) a single dict lookup."""
    if len(columns) != 1:
        return lambda record: _extract(record, columns)
    (column,) = columns

    def get(record: dict[str, Any]) -> Any:
        try:
            return record[column]
        except KeyError:
            return _lookup(record, column)

    return get


def _extract(record: dict[str, Any], columns: tuple[str, ...]) -> Any:
    if len(columns) == 1:
        return _lookup(record, columns[0])
    parts = []
    for column in columns:
        value = _lookup(record, column)
        if value is not None:
            text = str(value).strip()
            if text:
                parts.append(text)
    return " ".join(parts) if parts else None


def _lookup(record: dict[str, Any], column: str) -> Any:
    if column in record:
        return record[column]
    value: Any = record
    for key in column.split("."):
        if isinstance(value, dict) and key in value:
            value = value[key]
        elif isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        else:
            return None
    return value


# X writes a retweet's text as "RT @name: " and the start of the original's.
RETWEET_PREFIX = "RT @"
RETWEET_REASON = (
    "a retweet: left out, as asked (--leave-out-retweets, keep_retweets: false); the "
    "original's reposts count it"
)
# Where a record holds the post it is about: a Bluesky feed item ({"post": …, "reason": …})
# and a Weibo card ({"card_type": 9, "mblog": …}), when it has no text of its own.
_VIEW_KEYS = ("post", "mblog")


def _inner_post(record: dict[str, Any], keep_retweets: bool) -> dict[str, Any]:
    """The post a record stands for: the status a Mastodon boost shares (a boost has no
    words of its own; the Mastodon source reads it so too), the post inside a feed item or
    card, and, when retweets are left out, the tweet an X v1.1 retweet holds (a Weibo
    repost keeps words of its own: it is itself). Else the record."""
    boosted = record.get("reblog")
    if isinstance(boosted, dict) and boosted:
        return boosted
    if not keep_retweets:
        retweeted = record.get("retweeted_status")
        if isinstance(retweeted, dict) and retweeted:
            own = record.get("full_text") or record.get("text")
            if isinstance(own, str) and own.startswith(RETWEET_PREFIX):
                return retweeted
    for key in _VIEW_KEYS:
        inner = record.get(key)
        if isinstance(inner, dict) and inner and not _has_text(record):
            return inner
    return record


def _first(value: Any) -> Any:
    """A list's first item (Bluesky's ``langs``: ["en"]), or the value."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _optional_text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


# An id a spreadsheet turned into a number and wrote back rounded: "1.88123E+18" (a tweet
# id), "1,88123E+18" (a German Excel). No platform writes an id with "E+" in it.
_ROUNDED_ID = r"^[0-9](?:[.,][0-9]+)?[eE]\+[0-9]+$"
_ROUNDED_ID_RE = re.compile(_ROUNDED_ID)


# What Reddit (and the dumps of it) leave in place of a deleted or removed post's text, as
# the whole of a column: after a title, it leaves the title.
_REMOVED = r"(?i)(?:^| )\[(?:deleted|removed|removed by reddit)\]$"  # Python's re and pyarrow's RE2
_REMOVED_RE = re.compile(_REMOVED)
# A Reddit "fullname": the kind of thing (t1_ a comment, t3_ a post) before its id.
_REDDIT_FULLNAME_RE = re.compile(r"^t[1-6]_")


def _parent_id(value: Any, platform: str) -> str | None:
    """A parent id as the platform's posts are stored: a Reddit dump's ``t3_1i3b001`` is
    the post ``1i3b001``, as the Reddit collector stores it."""
    parent = _known_id(value)
    if parent is not None and platform == "reddit":
        parent = _REDDIT_FULLNAME_RE.sub("", parent)
    return parent


def _known_id(value: Any) -> str | None:
    """An id as given, or None when it is missing or was rounded by a spreadsheet: posts
    sharing one rounded id would be taken for one post and all but the last lost, so such
    a row gets an id from its content, as a row without one does (its parent is unknown)."""
    text = _optional_text(value)
    if text is None or (text[0].isdigit() and _ROUNDED_ID_RE.match(text)):
        return None
    return text


def _clip(line: bytes) -> str:
    return line[:100_000].decode("utf-8", errors="replace")


# ---------------------------------------------------------------- the bulk CSV path
# A UTF-8 CSV is cut into blocks at row boundaries, each parsed by pyarrow and converted
# column by column; a row the columns cannot take as they are (HTML, entities, invisible or
# unusual characters, an odd count or date, no id, ...) goes through ``RowConverter`` as it
# would on the per-row path, so both give the same rows, rejects and line numbers
# (tests/collectors/test_files_bulk.py holds them to it). A block whose lines do not add
# up (a blank line) is read by the csv module instead; so is the rest of the file once a
# cut may be wrong (a stray quote can make one), a block does not parse, or no row ends
# within ``CSV_BLOCK_LIMIT``.

CSV_BLOCK_BYTES = 1 << 20
CSV_BLOCK_LIMIT = 32 << 20
# Batches of the bulk path grow up to this many times the default ``chunk_rows`` rows (when
# it is not set), or this many bytes of the file.
BULK_BATCH_GROWTH = 16
BULK_BATCH_BYTES = 4 << 20

# Characters a text may hold and still be normalised by collapsing its whitespace:
# no "<" or "&" (HTML), no invisible or control characters, and only non-ASCII ranges
# that NFC leaves as they are whatever follows them (CJK, kana, Hangul syllables, emoji, ...).
_BULK_TEXT_UNSAFE = (
    r"[^\t\n\x0b\x0c\r\x20-\x25\x27-\x3b\x3d-\x7e\x{a0}-\x{2ff}\x{2000}-\x{200a}\x{2010}-\x{2027}"
    r"\x{202f}-\x{205f}\x{3000}-\x{3029}\x{3030}-\x{303f}\x{3041}-\x{3096}\x{30a0}-\x{30ff}"
    r"\x{4e00}-\x{9fff}\x{ac00}-\x{d7a3}\x{fe00}-\x{fe0f}\x{ff01}-\x{ffef}\x{1f000}-\x{1faff}]"
)
# The whitespace among them (what ``str.split()`` splits on).
_BULK_SPACES = r"[\t\n\x0b\x0c\r \x{a0}\x{2000}-\x{200a}\x{202f}\x{205f}\x{3000}]+"
# Texts with whitespace other than single spaces between words.
_BULK_SPACING = r"[\t\n\x0b\x0c\r\x{a0}\x{2000}-\x{200a}\x{202f}\x{205f}\x{3000}]|  |^ | $"
# What ``str.strip()`` strips.
_PY_WHITESPACE = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
# Characters ``json`` writes as \\uXXXX (the others it escapes have short forms, below).
_JSON_UNSAFE = r"[\x00-\x07\x0b\x0e-\x1f]"
_JSON_ESCAPED = r"[\x00-\x1f\"\\]"
_JSON_ESCAPES = (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t"))
_JSON_ESCAPES += (("\x08", "\\b"), ("\x0c", "\\f"))
_PLAIN_COUNT = r"^[0-9]{1,18}$"  # what parse_count takes as it is
_EPOCH_DIGITS = r"^(?:[1-9][0-9]{9}|1[0-9]{12})$"
_ISO_SECONDS = r"^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}[ T](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$"


@dataclass
class CsvBlock:
    """Consecutive rows of a CSV file parsed by pyarrow (every column a string), with the
    line each row starts on."""

    table: Any  # pyarrow.Table
    lines: list[int]
    size: int  # bytes of the file it was parsed from


class CsvBlocks:
    """A UTF-8 CSV file as ``CsvBlock``s, with ``Row``s for what the csv module reads."""

    def __init__(self, path: Path, options: FileOptions) -> None:
        self.path = path
        self.options = options

    def open(self) -> tuple[list[str], Iterator[CsvBlock | Row]] | None:
        """The header and the blocks, or None when the file is not one this path takes
        (another encoding, one column, repeated column names)."""
        dialect = _csv_dialect(self.path, self.options)
        delimiter = dialect.delimiter
        if len(delimiter) != 1 or delimiter in '"\r\n':
            return None
        handle = _open_binary(self.path)
        if dialect.encoding != "utf-8-sig":
            handle = _Transcoded(handle, dialect.encoding)
        head = handle.read(CSV_BLOCK_BYTES)
        if head.startswith(codecs.BOM_UTF8):
            head = head[len(codecs.BOM_UTF8) :]
        for _ in range(dialect.header_line):  # the lines before the header
            head = head[head.find(b"\n") + 1 :] if b"\n" in head else b""
        header_end = head.find(b"\n")
        # A quoted header (R and some tools quote every field) is read here too, unless a
        # quote left open carries a column name over the line.
        if header_end < 0 or head[:header_end].count(b'"') % 2 or b"\r" in head[:header_end].rstrip(b"\r"):
            handle.close()
            return None
        try:
            header = _csv_header(
                csv.reader([head[:header_end].decode("utf-8")], delimiter=delimiter), self.path
            )
        except UnicodeDecodeError:
            header = None
        if header is None or len(header) < 2 or len(set(header)) != len(header):
            handle.close()
            return None
        first_row_line = dialect.header_line + 2
        return header, self._blocks(handle, head[header_end + 1 :], header, delimiter, first_row_line)

    def _blocks(
        self, handle: io.BufferedIOBase, pending: bytes, header: list[str], delimiter: str, line: int
    ) -> Iterator[CsvBlock | Row]:
        """The rows after the header as blocks; ``line`` is the line the first one starts on."""
        with handle:
            eof = False
            while True:
                if not eof and len(pending) < CSV_BLOCK_BYTES:
                    more = handle.read(CSV_BLOCK_BYTES)
                    eof = not more
                    pending += more
                if not pending:
                    return
                cut = len(pending) if eof else _row_boundary(pending)
                if cut is None:
                    if len(pending) <= CSV_BLOCK_LIMIT:
                        more = handle.read(CSV_BLOCK_BYTES)
                        eof = not more
                        pending += more
                        continue
                    yield from self._csv_module(pending, handle, header, delimiter, line)
                    return
                chunk, pending = pending[:cut], pending[cut:]
                block = _parse_block(chunk, header, delimiter, line)
                if block is None:  # a block whose lines do not add up: the csv module reads it
                    yield from self._csv_module(chunk, None, header, delimiter, line)
                    line += chunk.count(b"\n") + (0 if chunk.endswith(b"\n") else 1)
                elif block is _SUSPECT_CUT:
                    yield from self._csv_module(chunk + pending, handle, header, delimiter, line)
                    return
                else:
                    yield block
                    line = block.lines[-1] + _block_tail_lines(block)

    def _csv_module(
        self,
        start: bytes,
        rest: io.BufferedIOBase | None,
        header: list[str],
        delimiter: str,
        line: int,
    ) -> Iterator[Row]:
        csv.field_size_limit(min(CSV_FIELD_LIMIT, sys.maxsize))
        raw = io.BufferedReader(_Prepended(start, rest))  # type: ignore[arg-type]
        with io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="") as text:
            yield from _csv_rows(csv.reader(text, delimiter=delimiter), len(header), header, line - 1)


class _Transcoded(io.RawIOBase):
    """A file in another encoding (GBK, Windows-1252, UTF-16) read as UTF-8 bytes, so the
    bulk path takes it too; bytes that do not decode become U+FFFD, as on the per-row path."""

    def __init__(self, raw: io.BufferedIOBase, encoding: str) -> None:
        self._raw = raw
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        self._pending = b""
        self._eof = False

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        want = -1 if size is None or size < 0 else size
        while not self._eof and (want < 0 or len(self._pending) < want):
            data = self._raw.read(max(want, 1 << 16) if want >= 0 else 1 << 20)
            self._eof = not data
            self._pending += self._decoder.decode(data, final=self._eof).encode("utf-8")
        cut = len(self._pending) if want < 0 else want
        data, self._pending = self._pending[:cut], self._pending[cut:]
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._raw.close()
        super().close()


class _Prepended(io.RawIOBase):
    """Bytes in hand followed by the rest of a file, as one stream."""

    def __init__(self, start: bytes, rest: io.BufferedIOBase | None) -> None:
        self._start = memoryview(start)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._start:
            size = min(len(buffer), len(self._start))
            buffer[:size] = self._start[:size]
            self._start = self._start[size:]
            return size
        if self._rest is None:
            return 0
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


_SUSPECT_CUT: Any = object()


def _row_boundary(data: bytes) -> int | None:
    """The end of the last line of ``data`` that is outside quotes (an even number of quote
    characters before it), or None when there is none."""
    quotes = data.count(b'"')
    end = len(data)
    position = data.rfind(b"\n")
    while position != -1:
        quotes -= data.count(b'"', position, end)
        if quotes % 2 == 0:
            return position + 1
        end = position
        position = data.rfind(b"\n", 0, position)
    return None


def _block_tail_lines(block: CsvBlock) -> int:
    """Lines the last row of a block spans."""
    import pyarrow.compute as pc

    last = block.table.slice(block.table.num_rows - 1)
    return 1 + sum(pc.sum(pc.count_substring(column, "\n")).as_py() or 0 for column in last.columns)


def _parse_block(chunk: bytes, header: list[str], delimiter: str, line: int) -> CsvBlock | None:
    """``chunk`` (whole rows) parsed by pyarrow; None when its lines do not add up to its
    rows as the csv module counts them (a blank line) but its end is sure to end a row;
    ``_SUSPECT_CUT`` when that is not sure: pyarrow could not parse it (a ragged row, a
    broken quote, which the quote count behind the cut does not see) or its last row runs
    on (the cut fell inside a quoted field), or it holds what pyarrow and the csv module
    count differently (a NUL, a lone carriage return)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    if b"\x00" in chunk or chunk.count(b"\r") != chunk.count(b"\r\n"):
        return _SUSPECT_CUT
    try:
        table = pacsv.read_csv(
            io.BytesIO(chunk),
            read_options=pacsv.ReadOptions(column_names=header, block_size=max(1 << 20, len(chunk) + 1)),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        ).combine_chunks()
    except pa.ArrowInvalid:  # a ragged row, a broken quote, bytes that are not UTF-8
        return _SUSPECT_CUT
    rows = table.num_rows
    if not rows:
        return None
    if chunk.endswith(b"\n"):
        last = table.slice(rows - 1)
        if any(pc.any(pc.ends_with(column, "\n")).as_py() for column in last.columns):
            return _SUSPECT_CUT
    newlines = np.zeros(rows, dtype=np.int64)
    empty = np.ones(rows, dtype=bool)
    for column in table.columns:
        newlines += pc.count_substring(column, "\n").to_numpy(zero_copy_only=False)
        empty &= pc.equal(pc.utf8_length(column), 0).to_numpy(zero_copy_only=False)
    if empty.any():  # a blank line, which the csv module skips
        return None
    spans = newlines + 1
    if int(spans.sum()) != chunk.count(b"\n") + (0 if chunk.endswith(b"\n") else 1):
        return None
    starts = np.empty(rows, dtype=np.int64)
    starts[0] = line
    np.cumsum(spans[:-1], out=starts[1:])
    starts[1:] += line
    return CsvBlock(table, starts.tolist(), len(chunk))


class BulkConverter:
    """Turns a ``CsvBlock`` into store rows column by column; rows it cannot take as they
    are go to ``RowConverter``, one by one."""

    def __init__(self, rows: RowConverter, header: list[str], collected_at: datetime) -> None:
        self.rows = rows
        self.header = header
        self.collected_at = collected_at
        self.collected_ts = int(collected_at.timestamp())
        options = rows.options
        self.usable = (
            all(column in header for columns in rows.plan.values() for column in columns)
            and all(len(columns) == 1 for name, columns in rows.plan.items() if name not in ("text", "title"))
            and (rows.platform_column is None or rows.platform_column in header)
            and not options.date_format
        )
        self._raw_keys = [json.dumps(name, ensure_ascii=False) for name in header]

    def convert(self, block: CsvBlock, location: str) -> list[tuple[Any, ...] | Reject]:
        """Each row of the block as a store row or a reject, in order."""
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        table = block.table
        count = table.num_rows
        if not self.usable:
            return [self._one(table, i, block.lines[i], location) for i in range(count)]
        plan = self.rows.plan
        slow = np.zeros(count, dtype=bool)

        def flag(mask: Any) -> None:
            nonlocal slow
            slow |= mask.to_numpy(zero_copy_only=False)

        arrays = {name: table.column(name).combine_chunks() for name in self.header}

        def column(name: str) -> Any:
            return arrays[name]

        def trimmed(name: str) -> Any:
            values = pc.utf8_trim(column(name), _PY_WHITESPACE)
            return pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)

        def normalised(columns: tuple[str, ...]) -> Any:
            values = (
                column(columns[0])
                if len(columns) == 1
                else pc.binary_join_element_wise(*(column(c) for c in columns), " ")
            )
            flag(pc.match_substring_regex(values, _BULK_TEXT_UNSAFE))
            # Collapsing is slow, and most texts are single-spaced already: only the others.
            spaced = pc.match_substring_regex(values, _BULK_SPACING)
            if pc.any(spaced).as_py():
                collapsed = pc.replace_substring_regex(pc.filter(values, spaced), _BULK_SPACES, " ")
                values = pc.replace_with_mask(values, spaced, pc.utf8_trim(collapsed, " "))
            return values

        text = normalised(plan["text"])
        flag(pc.match_substring_regex(text, _REMOVED))
        if not self.rows.options.keep_retweets:
            flag(pc.starts_with(text, RETWEET_PREFIX))
        lengths = pc.utf8_length(text)
        flag(pc.or_(pc.equal(lengths, 0), pc.greater(lengths, TEXT_LIMIT)))
        title = None
        if "title" in plan:
            title = normalised(plan["title"])
            title = pc.if_else(pc.equal(title, ""), pa.scalar(None, pa.string()), title)

        created = self._timestamps(column(plan["created_at"][0]), flag, self.rows.arrow_zone)
        flag(pc.greater(created, self.collected_ts + int(FUTURE_SLACK.total_seconds())))
        if self.rows.platform_column is not None:
            platform = self._per_value(
                column(self.rows.platform_column), _platform_or_none, pa.string(), flag
            )
        else:
            platform = pa.scalar(self.rows.fixed_platform, pa.string())
        native = trimmed(plan["id"][0]) if "id" in plan else pa.nulls(count, pa.string())
        flag(native.is_null())
        if "id" in plan:
            flag(pc.fill_null(pc.match_substring_regex(native, _ROUNDED_ID), False))
        ident = pc.binary_join_element_wise(platform, native, ":")
        optional = {
            name: trimmed(plan[name][0]) if name in plan else pa.nulls(count, pa.string())
            for name in ("author", "lang", "parent_id", "url")
        }
        if "lang" in plan:  # anything but a plain code (en-US, English, und) goes row by row
            flag(pc.invert(pc.fill_null(pc.match_substring_regex(optional["lang"], "^[a-z][a-z]$"), True)))
        if "parent_id" in plan:
            parents = optional["parent_id"]
            flag(pc.fill_null(pc.match_substring_regex(parents, _ROUNDED_ID), False))
            flag(pc.fill_null(pc.match_substring_regex(parents, _REDDIT_FULLNAME_RE.pattern), False))
        url = optional["url"]
        url = pc.if_else(pc.match_substring_regex(url, "^[hH][tT][tT][pP][sS]?://"), url, None)
        counts = {
            name: self._counts(column(plan[name][0]), flag) if name in plan else pa.nulls(count, pa.int64())
            for name in COUNT_FIELDS
        }
        engagement = pc.add(
            pc.add(pc.fill_null(counts["likes"], 0), pc.fill_null(counts["reposts"], 0)),
            pc.fill_null(counts["replies"], 0),
        )
        raw = (
            self._raw(list(arrays.values()), flag)
            if self.rows.options.keep_raw
            else pa.nulls(count, pa.string())
        )

        def listed(values: Any) -> Iterable[Any]:
            """A column's values for the rows; one repeated value when they are all one."""
            if values is None:
                return itertools.repeat(None)
            if isinstance(values, pa.Scalar):
                return itertools.repeat(values.as_py())
            return itertools.repeat(None) if values.null_count == count else values.to_pylist()

        rows: list[Any] = list(
            zip(
                ident.to_pylist(),
                listed(platform),
                itertools.repeat(self.rows.source),
                native.to_pylist(),
                listed(optional["author"]),
                listed(title),
                text.to_pylist(),
                listed(optional["lang"]),
                created.to_pylist(),
                itertools.repeat(self.collected_ts),
                listed(url),
                listed(counts["likes"]),
                listed(counts["reposts"]),
                listed(counts["replies"]),
                listed(counts["views"]),
                listed(optional["parent_id"]),
                listed(raw),
                engagement.to_pylist(),
                strict=False,
            )
        )
        for i in np.flatnonzero(slow).tolist():
            rows[i] = self._one(table, i, block.lines[i], location)
        return rows

    def _one(self, table: Any, index: int, line: int, location: str) -> tuple[Any, ...] | Reject:
        return self.convert_record(table.slice(index, 1).to_pylist()[0], line, location)

    def convert_record(self, record: dict[str, Any], line: int, location: str) -> tuple[Any, ...] | Reject:
        """One record through ``RowConverter``, as the per-row path converts it."""
        try:
            post = self.rows.convert(record, self.collected_at)
        except (ParseError, ValueError, TypeError, OverflowError) as err:
            reason = str(err) or type(err).__name__
            return Reject(self.rows.source, f"{location}:{line}", reason, raw_json(record))
        return PostRows.row_of(post, self.collected_ts)

    @staticmethod
    def _timestamps(values: Any, flag: Callable[[Any], None], zone: str | None) -> Any:
        import pyarrow as pa
        import pyarrow.compute as pc

        epoch = pc.match_substring_regex(values, _EPOCH_DIGITS)
        iso = pc.match_substring_regex(values, _ISO_SECONDS)
        numbers = pc.cast(pc.if_else(epoch, values, "0"), pa.int64())
        seconds = pc.if_else(pc.greater(numbers, 9_999_999_999), pc.divide(numbers, 1000), numbers)
        spaced = pc.replace_substring(pc.if_else(iso, values, "2000-01-01 00:00:00"), "T", " ")
        parsed = pc.strptime(spaced, format="%Y-%m-%d %H:%M:%S", unit="s", error_is_null=True)
        iso = pc.and_(iso, pc.is_valid(parsed))
        # pyarrow rolls an impossible date (February 30) over into the next month: refuse it
        late = pc.and_(iso, pc.greater(pc.utf8_slice_codeunits(spaced, 8, 10), "28"))
        if pc.any(late).as_py():
            written = pc.strftime(pc.filter(parsed, late), format="%Y-%m-%d %H:%M:%S")
            exact = pc.equal(written, pc.filter(spaced, late))
            iso = pc.replace_with_mask(iso, late, exact)
        flag(pc.invert(pc.or_(epoch, iso)))
        parsed = pc.fill_null(parsed, 0)
        if zone is not None:
            # Local times: one a clock change makes ambiguous or skips goes to the per-row
            # path, which decides it as zoneinfo does.
            try:
                earliest, latest = (
                    pc.cast(
                        pc.assume_timezone(parsed, timezone=zone, ambiguous=way, nonexistent=way), pa.int64()
                    )
                    for way in ("earliest", "latest")
                )
            except pa.ArrowInvalid:  # no time zone database where pyarrow looks: per row
                flag(iso)
                return pc.if_else(epoch, seconds, 0)
            flag(pc.and_(iso, pc.not_equal(earliest, latest)))
            return pc.if_else(epoch, seconds, earliest)
        return pc.if_else(epoch, seconds, pc.cast(parsed, pa.int64()))

    @classmethod
    def _counts(cls, values: Any, flag: Callable[[Any], None]) -> Any:
        """Counts as ``parse_count`` reads them: plain digits cast at once, the other texts
        (``7.6万``, ``3,829``) parsed once per distinct value."""
        import pyarrow as pa
        import pyarrow.compute as pc

        digits = pc.match_substring_regex(values, _PLAIN_COUNT)
        plain = pc.cast(pc.if_else(digits, values, "0"), pa.int64())
        if pc.all(digits).as_py():
            return plain
        other = cls._per_value(pc.if_else(digits, "0", values), _count_or_flag, pa.int64(), flag)
        return pc.if_else(digits, plain, other)

    @staticmethod
    def _per_value(values: Any, parse: Callable[[str], Any], kind: Any, flag: Callable[[Any], None]) -> Any:
        """``parse`` applied once per distinct value (exports repeat counts and platforms);
        a value it refuses (``_REFUSED``) sends its rows to the per-row path."""
        import pyarrow as pa
        import pyarrow.compute as pc

        encoded = values.dictionary_encode()
        parsed = [parse(value) for value in encoded.dictionary.to_pylist()]
        refused = pa.array([value is _REFUSED for value in parsed], pa.bool_())
        dictionary = pa.array([None if value is _REFUSED else value for value in parsed], kind)
        flag(pc.take(refused, encoded.indices))
        return pc.take(dictionary, encoded.indices)

    def _raw(self, columns: list[Any], flag: Callable[[Any], None]) -> Any:
        """Each row as ``json`` writes the record: ``{"name": "value", ...}``."""
        import pyarrow.compute as pc

        parts = []
        for index, (key, values) in enumerate(zip(self._raw_keys, columns, strict=True)):
            if pc.any(pc.match_substring_regex(values, _JSON_ESCAPED)).as_py():
                flag(pc.match_substring_regex(values, _JSON_UNSAFE))
                for plain, escaped in _JSON_ESCAPES:
                    values = pc.replace_substring(values, plain, escaped)
            parts.append(("{" if index == 0 else ", ") + key + ': "')
            parts.append(values)
            parts.append('"')
        raw = pc.binary_join_element_wise(*parts, "")
        raw = pc.binary_join_element_wise(raw, "}", "")
        flag(pc.greater(pc.utf8_length(raw), 200_000))
        return raw


_REFUSED: Any = object()


def _count_or_flag(value: str) -> Any:
    try:
        return parse_count(value)
    except ParseError:
        return _REFUSED


def _platform_or_none(value: str) -> Any:
    return _REFUSED if value == "" else normalise_platform(value)
