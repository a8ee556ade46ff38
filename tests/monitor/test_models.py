from __future__ import annotations

import warnings
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.models import (
    MAX_COUNT,
    ParseError,
    normalise_lang,
    normalise_text,
    parse_count,
    parse_timestamp,
    stable_id,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7.6万", 76_000),
        ("1.2K", 1_200),
        ("12.5k", 12_500),
        ("3,829", 3_829),
        ("1.1M", 1_100_000),
        ("3.4w", 34_000),
        ("999+", 999),
        ("1.5亿", 150_000_000),
        ("２万", 20_000),  # full-width digits, as Chinese apps print them
        (" 42 ", 42),
        (17, 17),
        (3.0, 3),
        ("", None),
        (None, None),
        ("-", None),
        ("1,2K", 1_200),  # a decimal comma, as European exports write it
        ("12,5万", 125_000),
        ("1,234,567", 1_234_567),
        ("10万+", 100_000),
        ("1.234", 1_234),  # dots grouping thousands, as German exports write them
        ("2.500.000", 2_500_000),
        ("1.234万", 12_340),  # with a unit the dot is a decimal point
        ("1234.0", 1_234),  # an int column written as floats
        ("-3", -3),  # a Reddit score: votes for less votes against
        ("\u22123", -3),  # with a minus sign
        (-12, -12),
        ("--", None),  # "no data" marks
        ("暂无", None),
        ("赞", 0),  # the label RedNote or Weibo shows on the button while the count is 0
        ("评论", 0),
        ("1.23E+06", 1_230_000),  # Excel's notation for a wide number
        ("1.2M views", 1_200_000),  # as a scraped page writes it
        ("3.4万次播放", 34_000),
        ("12 comments", 12),
        ("1,2 Mio.", 1_200_000),  # a page saved in German, Korean or Russian
        ("3 Tsd.", 3_000),
        ("1.2만", 12_000),
        ("1,5 млн", 1_500_000),
    ],
)
def test_parse_count_reads_real_export_counts(text: object, expected: int | None) -> None:
    assert parse_count(text) == expected


@pytest.mark.parametrize(
    "text", ["abc", "1.2.3", "--5", "1e9x", "1.2345E+2", "赞赞", "12 apples", "100 likes 5", "3.4 mil"]
)
def test_parse_count_rejects_garbage(text: str) -> None:
    with pytest.raises(ParseError):
        parse_count(text)


UTC = UTC


def test_a_count_that_fails_fails_every_time() -> None:
    for _ in range(2):  # counts are parsed once and remembered: a failure must not be
        with pytest.raises(ParseError, match="not a count"):
            parse_count("12 apples")


def test_digit_timestamps_are_epochs_in_any_unit() -> None:
    expected = datetime(2025, 1, 14, 12, 8, tzinfo=UTC)
    for text in ("1736856480", "1736856480000", " 1736856480000000 ", "1736856480.0"):
        assert parse_timestamp(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-01-19T18:00:00Z", datetime(2025, 1, 19, 18, 0, tzinfo=UTC)),
        ("2025-02-05 19:11:03+00:00", datetime(2025, 2, 5, 19, 11, 3, tzinfo=UTC)),
        ("2025-01-18T22:30:00-05:00", datetime(2025, 1, 19, 3, 30, tzinfo=UTC)),
        ("1/14/2025 12:08", datetime(2025, 1, 14, 12, 8, tzinfo=UTC)),
        ("2025-01-14", datetime(2025, 1, 14, tzinfo=UTC)),
        (1737129600, datetime(2025, 1, 17, 16, 0, tzinfo=UTC)),
        ("1737129600", datetime(2025, 1, 17, 16, 0, tzinfo=UTC)),
        (1737129600123, datetime(2025, 1, 17, 16, 0, 0, 123000, tzinfo=UTC)),
        ("1737129600123", datetime(2025, 1, 17, 16, 0, 0, 123000, tzinfo=UTC)),
        ("Fri Jan 17 16:00:00 +0000 2025", datetime(2025, 1, 17, 16, 0, tzinfo=UTC)),
        ("2025年1月14日 09:30", datetime(2025, 1, 14, 9, 30, tzinfo=UTC)),
        ("2025-01-14T12:08:33.000+0800", datetime(2025, 1, 14, 4, 8, 33, tzinfo=UTC)),
        ("2025-01-14 12:08:33 UTC", datetime(2025, 1, 14, 12, 8, 33, tzinfo=UTC)),
        ("14 Jan 2025", datetime(2025, 1, 14, tzinfo=UTC)),
        ("January 14, 2025", datetime(2025, 1, 14, tzinfo=UTC)),
        ("1/14/25 12:08 PM", datetime(2025, 1, 14, 12, 8, tzinfo=UTC)),
        ("2025-01-14T12:08:33+08:00[Asia/Shanghai]", datetime(2025, 1, 14, 4, 8, 33, tzinfo=UTC)),
        # Spreadsheet serial days: a date column formatted as a number in Excel
        (45671.5, datetime(2025, 1, 14, 12, 0, tzinfo=UTC)),
        ("45671.50556", datetime(2025, 1, 14, 12, 8, tzinfo=UTC)),
        (45671, datetime(2025, 1, 14, tzinfo=UTC)),
        # One number, as some Chinese data services write a date (as an epoch: 1970)
        ("20250114", datetime(2025, 1, 14, tzinfo=UTC)),
        ("20250114120833", datetime(2025, 1, 14, 12, 8, 33, tzinfo=UTC)),
        # Chinese clock words
        ("2025年01月14日 12时08分", datetime(2025, 1, 14, 12, 8, tzinfo=UTC)),
        ("2025-01-14 下午 3:05", datetime(2025, 1, 14, 15, 5, tzinfo=UTC)),
        ("2025年1月14日 凌晨 12:30", datetime(2025, 1, 14, 0, 30, tzinfo=UTC)),
        # A zone name that means one offset; "CST" (China or US Central) is read as no offset
        ("2025-01-14 12:08 EST", datetime(2025, 1, 14, 17, 8, tzinfo=UTC)),
        ("Tue Jan 14 12:08:33 CST 2025", datetime(2025, 1, 14, 12, 8, 33, tzinfo=UTC)),
        # Dotted dates are day first wherever they are written (German, Russian exports)
        ("03.01.2025 10:00", datetime(2025, 1, 3, 10, 0, tzinfo=UTC)),
        ("03.01.25", datetime(2025, 1, 3, tzinfo=UTC)),
    ],
)
def test_parse_timestamp_gives_utc(value: object, expected: datetime) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing printed on the import's console
        parsed = parse_timestamp(value)
    assert parsed == expected
    assert parsed.utcoffset().total_seconds() == 0


def test_day_first_reads_a_uk_date_and_leaves_other_forms_alone() -> None:
    assert parse_timestamp("03/01/2025 10:00") == datetime(2025, 3, 1, 10, tzinfo=UTC)
    assert parse_timestamp("03/01/2025 10:00", day_first=True) == datetime(2025, 1, 3, 10, tzinfo=UTC)
    assert parse_timestamp("03-01-2025", day_first=True) == datetime(2025, 1, 3, tzinfo=UTC)
    assert parse_timestamp("2025-01-03 10:00:00", day_first=True) == datetime(2025, 1, 3, 10, tzinfo=UTC)
    assert parse_timestamp("1736899200", day_first=True) == datetime(2025, 1, 15, tzinfo=UTC)


def test_parse_timestamp_uses_the_format_hint() -> None:
    assert parse_timestamp("14.01.2025 08:00", "%d.%m.%Y %H:%M") == datetime(2025, 1, 14, 8, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    # "01-14 12:08" and "Jan 14" have no year: filling in this year would be silently wrong.
    ["", "yesterday", "2025-13-45", None, float("nan"), 12, "01-14 12:08", "Jan 14", "12:08"],
)
def test_parse_timestamp_rejects_nonsense(value: object) -> None:
    with pytest.raises(ParseError):
        parse_timestamp(value)


def test_normalise_text_strips_html_and_keeps_words() -> None:
    assert normalise_text("<p>Hello&nbsp;<b>world</b></p><script>alert(1)</script>") == "Hello world"
    assert normalise_text("a &amp; b\n\n  c") == "a & b c"
    assert normalise_text("zero\u200bwidth \u202eevil") == "zerowidth evil"
    assert normalise_text("欢迎  美国朋友") == "欢迎 美国朋友"


def test_stable_id_depends_on_content_only() -> None:
    assert stable_id("x", "a") == stable_id("x", "a")
    assert stable_id("x", "a") != stable_id("x", "b")


@given(st.one_of(st.text(max_size=30), st.integers(), st.floats(), st.none(), st.booleans()))
def test_parse_count_never_raises_anything_but_parse_error(value: object) -> None:
    try:
        result = parse_count(value)
    except ParseError:
        return
    assert result is None or (isinstance(result, int) and abs(result) < MAX_COUNT)


@given(st.one_of(st.text(max_size=40), st.integers(), st.floats(), st.none()))
def test_parse_timestamp_never_raises_anything_but_parse_error(value: object) -> None:
    try:
        result = parse_timestamp(value)
    except ParseError:
        return
    assert result.tzinfo is not None


@given(st.text(max_size=200))
def test_normalise_text_gives_single_spaced_visible_text(value: str) -> None:
    text = normalise_text(value)
    assert text == text.strip()
    assert "  " not in text and "\n" not in text
    assert not any(ch in text for ch in "\u200b\u202e\ufeff\x00")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("en", "en"),
        ("en-US", "en"),
        ("en_GB", "en"),
        ("zh-Hans", "zh"),
        ("zh-CN", "zh"),
        ("ZH", "zh"),
        ("English", "en"),
        ("Chinese (Simplified)", "zh"),
        ("中文", "zh"),
        ("pt-BR", "pt"),
        ("fil", "fil"),
        ("eng", "en"),  # ISO 639-2
        ("cmn-Hans", "zh"),
        ("und", None),  # X: undetermined
        ("qme", None),  # X: media only
        ("zxx", None),
        ("", None),
        (None, None),
        ("Klingon", "klingon"),
    ],
)
def test_languages_are_read_as_codes(value: str | None, expected: str | None) -> None:
    """Exports write a language as a tag, a name or a code for none: unscored posts are
    filtered by it, and en-US beside en split one language in two."""
    assert normalise_lang(value) == expected
