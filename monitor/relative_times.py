"""Post times as a web page shows them, relative to when the page was seen: ``3小时前``,
``昨天 12:08``, ``01-14``, ``3h ago``, ``Jan 14``.

Exports scraped from RedNote, TikTok or X pages keep these texts. They can only be placed
against the time the page was saved (``exported_at``), which the file does not say, so an
import takes that time as an option. The clock times in them (``昨天 12:08``) are read in
the zone of ``exported_at``: give it with its offset (``2025-01-20T15:00+08:00`` for a page
seen in China) or it is taken as UTC. Months and years ago (``3个月前``) are too coarse to
place on a day and are refused.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime, timedelta

# What a page adds around the time: "编辑于 01-14 上海" is edited on 14 January, in Shanghai.
_PREFIX_RE = re.compile(r"^(?:编辑于|发布于|发表于|edited|posted)\s*", re.IGNORECASE)
_PLACE_RE = re.compile(r"\s+[\u4e00-\u9fff]{1,8}$")

_UNITS = {
    **dict.fromkeys(("秒", "s", "sec", "secs", "second", "seconds"), "seconds"),
    **dict.fromkeys(("分钟", "分", "m", "min", "mins", "minute", "minutes"), "minutes"),
    **dict.fromkeys(("小时", "时", "h", "hr", "hrs", "hour", "hours"), "hours"),
    **dict.fromkeys(("天", "日", "d", "day", "days"), "days"),
    **dict.fromkeys(("周", "星期", "w", "wk", "wks", "week", "weeks"), "weeks"),
}
_CJK_UNITS = "|".join(sorted((unit for unit in _UNITS if not unit.isascii()), key=len, reverse=True))
_AGO_ZH_RE = re.compile(rf"^(\d+)\s*({_CJK_UNITS})前$")
_AGO_EN_RE = re.compile(r"^(\d+)\s*([a-z]+)(?:\s+ago)?$", re.IGNORECASE)
_COARSE_RE = re.compile(r"^\d+\s*(?:个月|月|年|months?|mo|years?|y|yr|yrs)(?:前|\s+ago)?$", re.IGNORECASE)
_NOW = frozenset({"刚刚", "刚才", "just now", "now"})
_DAYS_BACK = {"今天": 0, "today": 0, "昨天": 1, "yesterday": 1, "前天": 2}
_DAY_WORD_RE = re.compile(
    r"^(今天|昨天|前天|today|yesterday)(?:\s*(?:at\s+)?(\d{1,2}):(\d{2})(?::(\d{2}))?)?$", re.IGNORECASE
)
_CLOCK = r"(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?"
# Month first with "-", "/" or 月 (01-14, 1/14, 1月14日); day first with "." (14.01.).
_MONTH_DAY_RE = re.compile(r"^(\d{1,2})(?:[-/]|月)(\d{1,2})日?" + _CLOCK + "$")
_DAY_MONTH_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.?" + _CLOCK + "$")
_MONTH_NAMES = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
_NAMED_MONTH_DAY_RE = re.compile(r"^([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?" + _CLOCK + "$")
_DAY_NAMED_MONTH_RE = re.compile(r"^(\d{1,2})\s+([A-Za-z]{3,9})\.?" + _CLOCK + "$")


class RelativeTimeError(ValueError):
    """A relative time that cannot be placed (months ago, a 30th of February)."""


def parse_relative(text: str, exported_at: datetime) -> datetime | None:
    """The time ``text`` stands for on a page saved at ``exported_at``, or None when it is
    not such a time. Raises ``RelativeTimeError`` for one that cannot be placed."""
    if exported_at.tzinfo is None:
        exported_at = exported_at.replace(tzinfo=UTC)
    text = _PREFIX_RE.sub("", text.strip())
    for candidate in (text, _PLACE_RE.sub("", text)):
        parsed = _placed(candidate, exported_at)
        if parsed is not None:
            return parsed
    return None


def _placed(text: str, anchor: datetime) -> datetime | None:
    lowered = text.lower()
    if lowered in _NOW:
        return anchor
    if _COARSE_RE.match(text):
        raise RelativeTimeError(f"{text!r} is too coarse to place on a day")
    ago = _AGO_ZH_RE.match(text) or _AGO_EN_RE.match(text)
    if ago and ago[2].lower() in _UNITS:
        return anchor - timedelta(**{_UNITS[ago[2].lower()]: int(ago[1])})
    day_word = _DAY_WORD_RE.match(text)
    if day_word:
        day = anchor.date() - timedelta(days=_DAYS_BACK[day_word[1].lower()])
        return _at(anchor, day.month, day.day, day_word.groups()[1:], year=day.year)
    for pattern, month_first, named in (
        (_MONTH_DAY_RE, True, False),
        (_DAY_MONTH_RE, False, False),
        (_NAMED_MONTH_DAY_RE, True, True),
        (_DAY_NAMED_MONTH_RE, False, True),
    ):
        match = pattern.match(text)
        if match is None:
            continue
        first, second, *clock = match.groups()
        month, day = (first, second) if month_first else (second, first)
        if named:
            if month.lower() not in _MONTH_NAMES:
                return None
            month_number = _MONTH_NAMES[month.lower()]
        else:
            month_number = int(month)
        return _at(anchor, month_number, int(day), clock)
    return None


def _at(
    anchor: datetime,
    month: int,
    day: int,
    clock: list[str | None] | tuple[str | None, ...],
    year: int | None = None,
) -> datetime:
    """That day and clock time in the zone of ``anchor``; without a year, the last such day
    not after the anchor (a page shows this year's dates without one)."""
    hour, minute, second = (int(part) if part else 0 for part in clock)
    try:
        if year is not None:
            return anchor.replace(
                year=year, month=month, day=day, hour=hour, minute=minute, second=second, microsecond=0
            )
        placed = anchor.replace(month=month, day=day, hour=hour, minute=minute, second=second, microsecond=0)
        if placed.date() > anchor.date():
            placed = placed.replace(year=anchor.year - 1)
    except ValueError as err:
        raise RelativeTimeError(f"not a day of the year: {month}-{day} {hour}:{minute:02d} ({err})") from None
    return placed
