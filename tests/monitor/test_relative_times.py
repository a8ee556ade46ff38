"""Times as pages show them, placed against the time the page was saved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from monitor.models import ParseError, parse_timestamp
from monitor.relative_times import RelativeTimeError, parse_relative

CHINA = timezone(timedelta(hours=8))
SAVED = datetime(2025, 1, 20, 15, 0, tzinfo=CHINA)  # 07:00 UTC


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("刚刚", datetime(2025, 1, 20, 15, 0, tzinfo=CHINA)),
        ("3小时前", datetime(2025, 1, 20, 12, 0, tzinfo=CHINA)),
        ("45分钟前", datetime(2025, 1, 20, 14, 15, tzinfo=CHINA)),
        ("2天前", datetime(2025, 1, 18, 15, 0, tzinfo=CHINA)),
        ("1周前", datetime(2025, 1, 13, 15, 0, tzinfo=CHINA)),
        ("昨天 12:08", datetime(2025, 1, 19, 12, 8, tzinfo=CHINA)),
        ("前天 23:59", datetime(2025, 1, 18, 23, 59, tzinfo=CHINA)),
        ("今天", datetime(2025, 1, 20, tzinfo=CHINA)),
        ("01-14", datetime(2025, 1, 14, tzinfo=CHINA)),
        ("01-14 09:30", datetime(2025, 1, 14, 9, 30, tzinfo=CHINA)),
        ("1月14日", datetime(2025, 1, 14, tzinfo=CHINA)),
        ("12-30", datetime(2024, 12, 30, tzinfo=CHINA)),  # a later day than the save: last year
        ("编辑于 01-14 上海", datetime(2025, 1, 14, tzinfo=CHINA)),  # RedNote: edited, and where
        ("3天前 广东", datetime(2025, 1, 17, 15, 0, tzinfo=CHINA)),
        ("3h ago", datetime(2025, 1, 20, 12, 0, tzinfo=CHINA)),
        ("5m", datetime(2025, 1, 20, 14, 55, tzinfo=CHINA)),  # X and TikTok: minutes
        ("2 days ago", datetime(2025, 1, 18, 15, 0, tzinfo=CHINA)),
        ("Yesterday at 8:05", datetime(2025, 1, 19, 8, 5, tzinfo=CHINA)),
        ("Jan 14", datetime(2025, 1, 14, tzinfo=CHINA)),
        ("Dec 30, 10:00", datetime(2024, 12, 30, 10, 0, tzinfo=CHINA)),
        ("14 Jan", datetime(2025, 1, 14, tzinfo=CHINA)),
        ("14.01.", datetime(2025, 1, 14, tzinfo=CHINA)),
    ],
)
def test_page_times_are_placed_against_the_save_time(text: str, expected: datetime) -> None:
    assert parse_relative(text, SAVED) == expected
    assert parse_timestamp(text, exported_at=SAVED) == expected.astimezone(UTC)


def test_a_save_time_without_a_zone_is_utc() -> None:
    saved = datetime(2025, 1, 20, 15, 0)
    assert parse_timestamp("昨天 12:08", exported_at=saved) == datetime(2025, 1, 19, 12, 8, tzinfo=UTC)


@pytest.mark.parametrize("text", ["3个月前", "2 months ago", "1年前", "02-30", "Foo 14"])
def test_what_cannot_be_placed_on_a_day_is_refused(text: str) -> None:
    with pytest.raises(ParseError):
        parse_timestamp(text, exported_at=SAVED)


def test_months_ago_say_why() -> None:
    with pytest.raises(RelativeTimeError, match="too coarse"):
        parse_relative("3个月前", SAVED)


@pytest.mark.parametrize("text", ["3小时前", "昨天 12:08", "01-14 12:08", "Jan 14", "3h ago"])
def test_without_the_save_time_the_reason_says_what_to_give(text: str) -> None:
    with pytest.raises(ParseError, match="--exported-at"):
        parse_timestamp(text)


@pytest.mark.parametrize("text", ["soon", "12:08", "2025-13-45", "abc ago", "3 apples"])
def test_other_texts_are_not_taken_for_page_times(text: str) -> None:
    assert parse_relative(text, SAVED) is None
