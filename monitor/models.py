"""Typed records that cross every seam (Post, Score, Reject) and the parsers that
turn what real exports contain (``7.6万``, ``1/14/2025 12:08``, HTML) into them."""

from __future__ import annotations

import functools
import hashlib
import html
import json
import math
import re
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from html.parser import HTMLParser
from typing import Any, overload

from monitor.relative_times import RelativeTimeError, parse_relative

PLATFORMS = (
    "tiktok",
    "rednote",
    "x",
    "reddit",
    "bluesky",
    "mastodon",
    "hackernews",
    "youtube",
    "news",
    "instagram",
    "lemon8",
)

SENTIMENTS = ("negative", "neutral", "positive")

# Counts are 64-bit integers in the store, and the sum of three (engagement) must fit too.
MAX_COUNT = 2**61


class ParseError(ValueError):
    """A value in an input record could not be understood; the message says why."""


@dataclass(frozen=True)
class Post:
    """One public post, comment or article, normalised. ``id`` is ``platform:native_id``."""

    platform: str
    native_id: str
    text: str
    created_at: datetime
    source: str = ""
    author: str | None = None
    title: str | None = None
    lang: str | None = None
    collected_at: datetime | None = None
    url: str | None = None
    likes: int | None = None
    reposts: int | None = None
    replies: int | None = None
    views: int | None = None
    parent_id: str | None = None
    raw: str | None = None

    @property
    def id(self) -> str:
        return f"{self.platform}:{self.native_id}"


# A post as the store keeps it: these values in this order, times as Unix seconds (UTC),
# ``engagement`` the sum of likes, reposts and replies.
POST_ROW_FIELDS = (
    "id",
    "platform",
    "source",
    "native_id",
    "author",
    "title",
    "text",
    "lang",
    "created_at",
    "collected_at",
    "url",
    "likes",
    "reposts",
    "replies",
    "views",
    "parent_id",
    "raw",
    "engagement",
)


@dataclass(frozen=True, eq=False)
class PostRows(Sequence[Post]):
    """A batch of posts held as store rows (plain values in ``POST_ROW_FIELDS`` order), as
    a bulk reader makes them without building a ``Post`` per row. It reads as a sequence
    of Posts for code that wants them; the store writes the rows as they are."""

    rows: list[tuple[Any, ...]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, index: int) -> Post: ...

    @overload
    def __getitem__(self, index: slice) -> list[Post]: ...

    def __getitem__(self, index: int | slice) -> Post | list[Post]:
        if isinstance(index, slice):
            return [_post_of_row(row) for row in self.rows[index]]
        return _post_of_row(self.rows[index])

    def oldest_ts(self) -> int | None:
        """The earliest ``created_at`` of the batch (None when it is empty)."""
        return min(row[8] for row in self.rows) if self.rows else None

    @staticmethod
    def row_of(post: Post, collected_ts: int) -> tuple[Any, ...]:
        """``post`` as a row; ``collected_ts`` stands in when it has no ``collected_at``."""
        return (
            post.id,
            post.platform,
            post.source,
            post.native_id,
            post.author,
            post.title,
            post.text,
            post.lang,
            int(post.created_at.timestamp()),
            collected_ts if post.collected_at is None else int(post.collected_at.timestamp()),
            post.url,
            post.likes,
            post.reposts,
            post.replies,
            post.views,
            post.parent_id,
            post.raw,
            (post.likes or 0) + (post.reposts or 0) + (post.replies or 0),
        )


def _post_of_row(row: tuple[Any, ...]) -> Post:
    return Post(
        platform=row[1],
        native_id=row[3],
        text=row[6],
        created_at=datetime.fromtimestamp(row[8], UTC),
        source=row[2],
        author=row[4],
        title=row[5],
        lang=row[7],
        collected_at=datetime.fromtimestamp(row[9], UTC),
        url=row[10],
        likes=row[11],
        reposts=row[12],
        replies=row[13],
        views=row[14],
        parent_id=row[15],
        raw=row[16],
    )


@dataclass(frozen=True)
class Score:
    """What a scorer says about one post, under one model version."""

    post_id: str
    model: str
    sentiment: str
    sentiment_score: float
    probs: dict[str, float]
    topic: str
    topic_score: float
    topic_runner_up: str | None = None
    topic_runner_up_score: float | None = None
    lang: str | None = None
    confidence: float | None = None
    scored_at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(frozen=True)
class Reject:
    """Bad input kept in quarantine: where it came from, why it failed, and what it was."""

    source: str
    location: str
    reason: str
    raw: str | None = None


# ---------------------------------------------------------------- counts

_UNITS = {
    None: 1,
    "k": 1_000,
    "千": 1_000,
    "m": 1_000_000,
    "b": 1_000_000_000,
    "w": 10_000,
    "万": 10_000,
    "萬": 10_000,
    "亿": 100_000_000,
    "億": 100_000_000,
    # Korean, German and Russian pages (a YouTube or TikTok page saved in those languages)
    "천": 1_000,
    "만": 10_000,
    "억": 100_000_000,
    "tsd": 1_000,
    "mio": 1_000_000,
    "mrd": 1_000_000_000,
    "тыс": 1_000,
    "млн": 1_000_000,
    "млрд": 1_000_000_000,
}
# What a scraped page writes after a count: "1.2M views", "3.4万次播放", "12 comments".
_COUNT_LABELS = (
    "likes?|comments?|replies|reply|views?|plays?|shares?|reposts?|retweets?|upvotes?|points?"
    "|次播放|次观看|播放|观看|赞|评论|转发|分享|收藏"
)
_COUNT_RE = re.compile(
    r"^(?P<num>[+-]?(?:\d{1,3}(?:[,\s]\d{3})+|\d+)(?:\.\d+)?|\.\d+)\s*"
    r"(?P<unit>[kKmMbBwW]|万|萬|亿|億|千|천|만|억|(?i:tsd|mio|mrd)\.?|тыс\.?|млн\.?|млрд\.?)?\+?"
    rf"(?:\s*(?i:{_COUNT_LABELS}))?$"
)


def parse_count(value: Any) -> int | None:
    """An engagement count as an int: ``7.6万`` → 76000, ``1.2K`` → 1200, ``3,829`` → 3829.

    A count may be negative: a Reddit score is the votes for less the votes against, and a
    downvoted comment is as much a reaction as any (refusing it would leave out the posts
    a community disliked). Empty values and "no data" marks (``--``, ``暂无``) give
    ``None``; the label a Chinese app shows on a button whose count is zero (``赞``,
    ``评论``, ``转发``) gives 0; anything else that is not a count raises ``ParseError``.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ParseError(f"not a count: {value!r}")
    if isinstance(value, int):
        if not -MAX_COUNT < value < MAX_COUNT:
            raise ParseError(f"count out of range: {value}")
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if not -MAX_COUNT < value < MAX_COUNT:
            raise ParseError(f"not a count: {value!r}")
        return int(round(value))
    text = str(value).strip()
    if text.isdigit() and text.isascii() and len(text) < 19:
        return int(text)
    return _parse_count_text(text)


_EMPTY_COUNTS = frozenset(
    {"", "-", "--", "—", "——", "null", "None", "nan", "NaN", "N/A", "n/a", "暂无", "无"}
)
# What RedNote, Weibo, Douyin and Bilibili show on a button instead of a count of zero; a
# scraper that reads the page saves the label.
_ZERO_LABELS = frozenset(
    {"赞", "点赞", "评论", "转发", "分享", "收藏", "投币", "抢首评", "抢沙发", "喜欢", "讚", "評論", "轉發"}
)
# Excel's scientific notation, which it also writes into a CSV for a wide number: "1.2E+06".
_SCIENTIFIC_RE = re.compile(r"^[+-]?\d+(?:\.\d+)?[eE]\+?\d{1,2}$")
# A decimal comma before a unit, as European exports write it: "1,2K".
_DECIMAL_COMMA_RE = re.compile(r"^(\d+),(\d{1,2})(?=\s*[^\d\s,])")
_GROUPING_RE = re.compile(r"[,\s]")
# Dots grouping thousands, as German or Spanish exports write a count: "1.234", "2.500.000".
# A count has no fraction, so these are never read as 1.234 (a unit keeps the dot decimal).
_DOT_GROUPING_RE = re.compile(r"^[1-9]\d{0,2}(?:\.\d{3})+\+?$")


# Exports repeat the same few thousand count texts ("7.6万", "1,234"): parse each once.
@functools.lru_cache(maxsize=8192)
def _parse_count_text(text: str) -> int | None:
    text = unicodedata.normalize("NFKC", text).replace("\u2212", "-")  # a minus sign
    if text in _EMPTY_COUNTS:
        return None
    if text in _ZERO_LABELS:
        return 0
    if _SCIENTIFIC_RE.match(text):
        number = float(text)
        if not number.is_integer() or not -MAX_COUNT < number < MAX_COUNT:
            raise ParseError(f"not a count: {text!r}")
        return int(number)
    if _DOT_GROUPING_RE.match(text):
        text = text.replace(".", "")
    text = _DECIMAL_COMMA_RE.sub(r"\1.\2", text)
    match = _COUNT_RE.match(text)
    if not match:
        raise ParseError(f"not a count: {text[:40]!r}")
    number = float(_GROUPING_RE.sub("", match["num"]))
    unit = match["unit"]
    multiplier = _UNITS[unit.lower().rstrip(".") if unit else None]
    count = int(round(number * multiplier))
    if not -MAX_COUNT < count < MAX_COUNT:
        raise ParseError(f"count out of range: {text[:40]!r}")
    return count


# ---------------------------------------------------------------- timestamps

_US_FORMATS = (
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y",
    "%m/%d/%y %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %I:%M %p",
    "%Y年%m月%d日 %I:%M:%S %p",
    "%Y年%m月%d日",
    "%a %b %d %H:%M:%S %z %Y",  # Twitter v1 created_at
    "%a, %d %b %Y %H:%M:%S %z",  # RFC 822 (feeds)
    "%a, %d %b %Y %H:%M:%S %Z",
)

# Unix epochs between 2001 and 2286 in seconds; larger numbers are milliseconds or micro.
_EPOCH_S_MIN, _EPOCH_S_MAX = 1_000_000_000, 9_999_999_999


# Spreadsheet serial dates (days since 1899-12-30, as Excel and LibreOffice count them) of
# 1954 to 2173: a date column formatted as a number, in an .xlsx or a CSV saved from one.
# As Unix seconds these would be the first day of 1970, never a post's time.
_SERIAL_DAYS_MIN, _SERIAL_DAYS_MAX = 20_000, 100_000
_SERIAL_DAY_ZERO = datetime(1899, 12, 30)  # a spreadsheet's clock: local, like its other times


def _from_epoch(number: float) -> datetime:
    if _SERIAL_DAYS_MIN <= number < _SERIAL_DAYS_MAX:
        return _SERIAL_DAY_ZERO + timedelta(seconds=round(number * 86_400))
    magnitude = abs(number)
    if magnitude >= 1e17:
        number /= 1e9
    elif magnitude >= 1e14:
        number /= 1e6
    elif magnitude > _EPOCH_S_MAX:
        number /= 1e3
    if not (_EPOCH_S_MIN / 10 <= number <= _EPOCH_S_MAX):
        raise ParseError(f"epoch out of range: {number!r}")
    return datetime.fromtimestamp(number, tz=UTC)


def parse_timestamp(
    value: Any,
    fmt: str | None = None,
    exported_at: datetime | None = None,
    zone: tzinfo | None = None,
    day_first: bool = False,
) -> datetime:
    """A timestamp in any form real exports use, as an aware UTC datetime.

    ISO 8601 (with ``Z`` or an offset), ``1/14/2025 12:08``, Unix seconds, milliseconds
    or microseconds, spreadsheet serial days (``45671.5``). Times without an offset are
    read in ``zone`` (a Chinese export's ``2025-01-14 08:00`` is Beijing time), UTC when
    it is None; a local time a clock change makes ambiguous is taken as the earlier one.
    A date written with its numbers only is read month first (``03/01/2025`` is March 1,
    as US exports write it) unless ``day_first`` (a UK or European export); dotted ones
    (``03.01.2025``) are always day first, as the countries writing them read them.
    ``fmt`` (strptime syntax) is tried first when given. A time as a page shows it
    (``3小时前``, ``昨天 12:08``, ``01-14``) is placed against ``exported_at``, the time the
    page was saved (see ``relative_times``), and refused without it. Raises
    ``ParseError`` when nothing fits.
    """
    if value is None:
        raise ParseError("missing timestamp")
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, bool):
        raise ParseError(f"not a timestamp: {value!r}")
    elif isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise ParseError(f"not a timestamp: {value!r}")
        parsed = _from_epoch(float(value))
    else:
        parsed = _parse_timestamp_text(str(value).strip(), fmt, exported_at, day_first)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone or UTC)
    return parsed.astimezone(UTC)


_OFFSET_RE = re.compile(r"^(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)


def time_zone(name: str) -> tuple[tzinfo, str]:
    """A zone named as an analyst would (``Asia/Shanghai``, ``+08:00``, ``UTC+8``), with
    the name pyarrow takes for it. Raises ``ValueError`` saying what is expected."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    text = name.strip()
    offset = _OFFSET_RE.match(text)
    if offset:
        sign, hours, minutes = offset.groups()
        delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
        if delta > timedelta(hours=14):
            raise ValueError(f"offset {text!r} is more than 14 hours")
        arrow = f"{sign}{int(hours):02d}:{int(minutes or 0):02d}"
        return timezone(-delta if sign == "-" else delta), arrow
    if text.upper() in ("UTC", "Z", "GMT"):
        return UTC, "UTC"
    try:
        return ZoneInfo(text), text
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {text!r}: give an IANA name such as Asia/Shanghai or "
            "America/New_York, or an offset such as +08:00"
        ) from None


_SOME_SAVE_TIME = datetime(2024, 12, 31, tzinfo=UTC)
_EPOCH_TEXT_RE = re.compile(r"[+-]?\d+(\.\d+)?")


def parse_timestamp_as_written(
    value: str | datetime, fmt: str | None = None, day_first: bool = False
) -> datetime:
    """A timestamp as the text gives it, without the conversions ``parse_timestamp``
    makes: naive when it has no offset. Times relative to a saved page are refused."""
    if isinstance(value, datetime):
        return value
    return _parse_timestamp_text(value.strip(), fmt, None, day_first)


# Dates and times written as one number (20250114, 20250114120833), as some Chinese data
# services export them; as epochs these would be 1970 or after 2286.
_COMPACT_FORMATS = {8: "%Y%m%d", 14: "%Y%m%d%H%M%S"}


def _compact_date(text: str) -> datetime | None:
    try:
        parsed = datetime.strptime(text, _COMPACT_FORMATS[len(text)])
    except ValueError:
        return None
    return parsed if 1990 <= parsed.year <= 2100 else None


# "12时08分33秒" is 12:08:33; "下午 3:05" is 15:05.
_CHINESE_CLOCK_RE = re.compile(r"(\d{1,2})[时時点點](\d{1,2})分(?:(\d{1,2})秒)?")
_HALF_DAY_RE = re.compile(r"(上午|早上|凌晨|中午|下午|晚上)\s*(\d{1,2}:\d{2}(?::\d{2})?)")


def _clock(match: re.Match[str]) -> str:
    return f"{match[1]}:{match[2]}" + (f":{match[3]}" if match[3] else "")


def _half_day(match: re.Match[str]) -> str:
    """A time of the morning or afternoon on the 24-hour clock, as the other forms write it."""
    hour, rest = match[2].split(":", 1)
    morning = match[1] in ("上午", "早上", "凌晨")
    return f"{int(hour) % 12 + (0 if morning else 12):02d}:{rest}"


# A date written with numbers only ("14/01/2025", "03.01.25"): its first two numbers are the
# day and the month, in an order the text does not say.
NUMERIC_DATE_RE = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(?=\d{2,4}\b)")


def _parse_timestamp_text(
    text: str, fmt: str | None, exported_at: datetime | None = None, day_first: bool = False
) -> datetime:
    if not text:
        raise ParseError("missing timestamp")
    if fmt:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            pass
    day_month = NUMERIC_DATE_RE.match(text)
    if day_month and (day_first or day_month[2] == "."):
        text = f"{day_month[3]}/{day_month[1]}/{text[day_month.end() :]}"
    if text.isdigit() and text.isascii() and len(text) in _COMPACT_FORMATS:
        compact = _compact_date(text)
        if compact is not None:
            return compact
    if (text.isdigit() and text.isascii()) or _EPOCH_TEXT_RE.fullmatch(text):
        return _from_epoch(float(text))
    if not text.isascii():  # Chinese clock words: 12时08分, 下午 3:05
        text = _CHINESE_CLOCK_RE.sub(_clock, _HALF_DAY_RE.sub(_half_day, text))
    iso = text.replace("Z", "+00:00").replace("z", "+00:00")
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        pass
    for candidate in _US_FORMATS:
        try:
            return datetime.strptime(text, candidate)
        except ValueError:
            continue
    parsed = _parse_free_form(text)
    if parsed is not None:
        return parsed
    try:
        # Without the time the page was saved, any day of a leap year tells what fits.
        parsed = parse_relative(text, exported_at or _SOME_SAVE_TIME)
    except RelativeTimeError as err:
        raise ParseError(str(err)) from None
    if parsed is not None:
        if exported_at is not None:
            return parsed
        raise ParseError(
            f"{text[:40]!r} is relative to when the page was saved: give that time with "
            "--exported-at (exported_at: in a source)"
        )
    hint = f" (format {fmt!r} did not match either)" if fmt else ""
    raise ParseError(f"unrecognised timestamp {text[:40]!r}{hint}")


_ZONE_SUFFIX = re.compile(r"\[[A-Za-z_/+-]+\]$")
_FREE_FORM_DEFAULTS = (datetime(1904, 2, 3, 4, 5, 6), datetime(1908, 3, 5, 6, 7, 8))


# Zone names that mean one offset wherever they are written, in seconds. "CST" (China or
# US Central) and "IST" (India, Israel, Ireland) do not: such a time is read as one without
# an offset, in the export's zone (--timezone).
_ZONE_NAMES = {
    "UTC": 0,
    "GMT": 0,
    "BJT": 8 * 3600,
    "HKT": 8 * 3600,
    "SGT": 8 * 3600,
    "JST": 9 * 3600,
    "KST": 9 * 3600,
    "EST": -5 * 3600,
    "EDT": -4 * 3600,
    "CDT": -5 * 3600,
    "MST": -7 * 3600,
    "MDT": -6 * 3600,
    "PST": -8 * 3600,
    "PDT": -7 * 3600,
    "CET": 3600,
    "CEST": 2 * 3600,
    "BST": 3600,
    "AEST": 10 * 3600,
    "AEDT": 11 * 3600,
}


def _parse_free_form(text: str) -> datetime | None:
    """Written-out dates (``14 Jan 2025``, ``January 14, 2025 3:05 PM UTC``) through
    dateutil, but only when the text names a full date: a missing year or day would be
    filled in silently, so the text is parsed against two different defaults and refused
    if they disagree on the date."""
    from dateutil import parser as date_parser

    cleaned = _ZONE_SUFFIX.sub("", text).strip()
    if len(cleaned) > 64:
        return None
    try:
        with warnings.catch_warnings():  # a zone name it does not know: a time without an offset
            warnings.simplefilter("ignore", date_parser.UnknownTimezoneWarning)
            first, second = (
                date_parser.parse(cleaned, default=d, tzinfos=_ZONE_NAMES) for d in _FREE_FORM_DEFAULTS
            )
    except (ValueError, OverflowError, date_parser.ParserError):
        return None
    if first.date() != second.date():
        return None
    if (first.hour, first.minute) != (second.hour, second.minute):
        first = first.replace(hour=0, minute=0, second=0)  # a date without a time: midnight
    elif first.second != second.second:
        first = first.replace(second=0)
    return first


# ---------------------------------------------------------------- text

_BLOCK_TAGS = {"p", "br", "div", "li", "ul", "ol", "tr", "h1", "h2", "h3", "h4", "blockquote"}
# Zero-width, direction-override and control characters: invisible, or able to disguise text.
_INVISIBLE_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


_TAG_HINT = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")


# Language codes that name no language: undetermined, no linguistic content, and X's codes
# for a post of only media, hashtags, mentions or too little text.
_NO_LANGUAGE = frozenset(("und", "zxx", "mis", "mul", "qme", "qht", "qam", "qst", "unknown", "none", "n/a"))
# Languages as exports name them (Meltwater, Brandwatch, Chinese tools), and the
# three-letter codes of the common ones, each with its two-letter code.
_LANGUAGE_NAMES = {
    "english": "en",
    "chinese": "zh",
    "japanese": "ja",
    "korean": "ko",
    "spanish": "es",
    "french": "fr",
    "german": "de",
    "portuguese": "pt",
    "russian": "ru",
    "arabic": "ar",
    "italian": "it",
    "vietnamese": "vi",
    "thai": "th",
    "indonesian": "id",
    "hindi": "hi",
    "turkish": "tr",
    "dutch": "nl",
    "polish": "pl",
    "tagalog": "tl",
    "malay": "ms",
    "eng": "en",  # ISO 639-2/3, as some language detectors write them
    "zho": "zh",
    "chi": "zh",
    "cmn": "zh",
    "jpn": "ja",
    "kor": "ko",
    "spa": "es",
    "fra": "fr",
    "fre": "fr",
    "deu": "de",
    "ger": "de",
    "por": "pt",
    "rus": "ru",
    "中文": "zh",
    "汉语": "zh",
    "简体中文": "zh",
    "繁体中文": "zh",
    "英文": "en",
    "英语": "en",
    "日语": "ja",
    "韩语": "ko",
}
_LANGUAGE_REMARK_RE = re.compile(r"\s*\(.*\)$")
_LANGUAGE_TAG_RE = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9]+)*$")


def normalise_lang(value: Any) -> str | None:
    """A post's language as the scores write it, an ISO 639 code: ``en-US`` and ``en_GB``
    are ``en``, ``zh-Hans`` and ``zh-CN`` are ``zh``, ``English`` and ``中文`` name theirs;
    ``und``, ``zxx`` and X's ``qme`` (media only) are no language (None). Anything else is
    kept, lower case."""
    if value is None:
        return None
    text = " ".join(str(value).split()).lower()
    text = _LANGUAGE_REMARK_RE.sub("", text)  # "Chinese (Simplified)"
    if not text or text in _NO_LANGUAGE:
        return None
    if text in _LANGUAGE_NAMES:
        return _LANGUAGE_NAMES[text]
    tag = _LANGUAGE_TAG_RE.match(text)
    if tag is not None:
        return None if tag[1] in _NO_LANGUAGE else _LANGUAGE_NAMES.get(tag[1], tag[1])
    return text


def normalise_text(value: Any) -> str:
    """Plain text for scoring and display: HTML turned into text, entities decoded,
    zero-width and direction-override characters removed, whitespace collapsed."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    text = str(value)
    if _TAG_HINT.search(text):
        extractor = _TextExtractor()
        extractor.feed(text)
        extractor.close()
        text = "".join(extractor.parts)
    else:
        text = html.unescape(text)
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return " ".join(_INVISIBLE_RE.sub("", text).split())


def stable_id(*parts: Any) -> str:
    """A short id derived from content, for rows that carry none, so re-imports match."""
    digest = hashlib.sha1("\x1f".join("" if p is None else str(p) for p in parts).encode())
    return "h" + digest.hexdigest()[:20]


# json.dumps with options builds an encoder per call; one shared encoder writes the same text.
# Records come from parsed files and responses, so they cannot refer to themselves: no
# circularity check.
_RAW_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str, check_circular=False, allow_nan=False)


def raw_json(record: Any, limit: int = 200_000) -> str:
    """The original record as JSON text (bounded, so one giant row cannot bloat the store)."""
    try:
        text = _RAW_ENCODER.encode(record)
    except ValueError:  # a NaN or an infinity, which JSON has no number for
        text = _RAW_ENCODER.encode(_finite(record))
    return text if len(text) <= limit else text[:limit]


def _finite(value: Any) -> Any:
    """``value`` with NaN and infinities (a float column's missing values in a Parquet or
    pandas export) as None: JSON has no such numbers, and the ``NaN`` Python would write in
    their place makes strict parsers (PostgreSQL's json, JavaScript) refuse the text."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(inner) for key, inner in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(inner) for inner in value]
    return value
