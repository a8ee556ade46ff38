"""Cron and window arithmetic, including daylight-saving changes (Europe/Berlin springs
forward on 2025-03-30 at 02:00 and falls back on 2025-10-26 at 03:00)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from monitor.config import ReportConfig, ReportWindowConfig
from monitor.reports.window import (
    Window,
    latest_fire_time,
    next_fire_time,
    previous_window,
    report_window,
)

BERLIN = ZoneInfo("Europe/Berlin")


def report(schedule: str = "0 7 * * *", window: str = "24h", timezone: str = "Europe/Berlin") -> ReportConfig:
    return ReportConfig(name="r", schedule=schedule, timezone=timezone, window=window)


def hours(window: Window) -> float:
    return (window.end_ts - window.start_ts) / 3600


def test_a_daily_window_keeps_local_time_across_spring_forward() -> None:
    spec = ReportWindowConfig.model_validate("1d")
    window = report_window(spec, datetime(2025, 3, 30, 7, tzinfo=BERLIN), BERLIN)
    assert window.start == datetime(2025, 3, 29, 7, tzinfo=BERLIN)
    assert hours(window) == 23


def test_a_daily_window_keeps_local_time_across_fall_back() -> None:
    spec = ReportWindowConfig.model_validate("1d")
    window = report_window(spec, datetime(2025, 10, 26, 7, tzinfo=BERLIN), BERLIN)
    assert (window.start.hour, window.start.day) == (7, 25)
    assert hours(window) == 25


def test_consecutive_daily_windows_tile_without_gap_or_overlap() -> None:
    spec = ReportWindowConfig.model_validate("24h" if False else "1d")
    schedule = report(window="1d")
    moment = datetime(2025, 3, 27, 7, tzinfo=BERLIN)
    windows = []
    for _ in range(6):
        windows.append(report_window(spec, moment, BERLIN))
        moment = next_fire_time(schedule, moment)
    for earlier, later in zip(windows, windows[1:], strict=False):
        assert earlier.end_ts == later.start_ts


def test_hours_windows_are_real_hours_across_a_clock_change() -> None:
    spec = ReportWindowConfig.model_validate("6h")
    end = datetime(2025, 3, 30, 5, tzinfo=BERLIN)  # 03:00 CEST; 6 h earlier is 22:00 CET
    window = report_window(spec, end, BERLIN)
    assert hours(window) == 6
    assert window.start.astimezone(UTC) == datetime(2025, 3, 29, 21, tzinfo=UTC)


def test_previous_week_runs_monday_to_sunday_in_local_midnights() -> None:
    spec = ReportWindowConfig.model_validate("previous week")
    window = report_window(spec, datetime(2025, 3, 31, 7, tzinfo=BERLIN), BERLIN)
    assert window.start == datetime(2025, 3, 24, tzinfo=BERLIN)
    assert window.end == datetime(2025, 3, 31, tzinfo=BERLIN)
    assert hours(window) == 7 * 24 - 1  # the week holds the spring-forward night
    assert window.label() == "Mon 24 Mar 2025 – Sun 30 Mar 2025 (CET)"


def test_previous_month_and_its_previous_period() -> None:
    spec = ReportWindowConfig.model_validate({"previous": "month"})
    window = report_window(spec, datetime(2025, 3, 1, 8, tzinfo=UTC), ZoneInfo("UTC"))
    assert (window.start.date().isoformat(), window.end.date().isoformat()) == ("2025-02-01", "2025-03-01")
    before = previous_window(spec, window, ZoneInfo("UTC"))
    assert (before.start.date().isoformat(), before.end.date().isoformat()) == ("2025-01-01", "2025-02-01")


def test_previous_period_of_a_last_window_has_the_same_length() -> None:
    spec = ReportWindowConfig.model_validate("7d")
    window = report_window(spec, datetime(2025, 1, 20, tzinfo=UTC), ZoneInfo("UTC"))
    before = previous_window(spec, window, ZoneInfo("UTC"))
    assert before.end == window.start
    assert hours(before) == hours(window) == 168


def test_cron_fires_at_local_time_on_both_sides_of_the_change() -> None:
    schedule = report("0 7 * * *")
    before = next_fire_time(schedule, datetime(2025, 3, 29, 0, tzinfo=UTC))
    after = next_fire_time(schedule, before)
    assert before.astimezone(UTC) == datetime(2025, 3, 29, 6, tzinfo=UTC)
    assert after.astimezone(UTC) == datetime(2025, 3, 30, 5, tzinfo=UTC)


def test_a_time_the_clocks_skip_fires_once() -> None:
    schedule = report("30 2 * * *")  # 02:30 does not exist on 2025-03-30 in Berlin
    fired = []
    moment = datetime(2025, 3, 28, 12, tzinfo=UTC)
    for _ in range(3):
        moment = next_fire_time(schedule, moment)
        fired.append(moment.astimezone(UTC))
    assert len(set(fired)) == 3
    assert all(b - a >= timedelta(hours=23) for a, b in zip(fired, fired[1:], strict=False))


def test_latest_fire_time_finds_the_last_run_at_or_before_now() -> None:
    schedule = report("0 7 * * 1", timezone="UTC")  # Mondays 07:00
    assert latest_fire_time(schedule, datetime(2025, 1, 22, 12, tzinfo=UTC)) == datetime(
        2025, 1, 20, 7, tzinfo=UTC
    )
    assert latest_fire_time(schedule, datetime(2025, 1, 20, 7, tzinfo=UTC)).day == 20
    seconds = report("*/10 * * * * *", timezone="UTC")
    assert latest_fire_time(seconds, datetime(2025, 1, 1, 0, 0, 25, tzinfo=UTC)).second == 20


def test_counting_uses_the_whole_hours_that_start_in_the_window() -> None:
    window = Window(datetime(2025, 1, 1, 6, 30, tzinfo=UTC), datetime(2025, 1, 2, 6, 30, tzinfo=UTC))
    low, high = window.count_range()
    assert (low, high) == (int(datetime(2025, 1, 1, 7, tzinfo=UTC).timestamp()), window.end_ts + 1800)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"schedule": "every morning"}, "cron expression"),
        ({"schedule": "0 25 * * *"}, "not a valid cron"),
        ({"timezone": "Mars/Olympus"}, "IANA time zone"),
        ({"window": "fortnight"}, "previous day|week|month"),
        ({"formats": ["docx"]}, "html"),
        (
            {"deliveries": [{"type": "email", "host": "h", "sender": "a@b.c", "to": ["nobody"]}]},
            "email address",
        ),
        ({"deliveries": [{"type": "webhook"}]}, "url_env"),
    ],
)
def test_bad_report_entries_are_explained(tmp_path, entry: dict, message: str) -> None:  # noqa: ANN001
    from monitor.config import ConfigError, load_config

    base = {"name": "brief", "schedule": "0 7 * * *", "window": "24h"}
    base.update(entry)
    import yaml

    path = tmp_path / "monitor.yaml"
    path.write_text(yaml.safe_dump({"reports": [base]}), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    assert message in str(err.value)
    assert "reports[0]" in str(err.value)


def test_report_names_must_be_unique() -> None:
    from pydantic import ValidationError

    from monitor.config import Config

    entry = {"name": "brief", "schedule": "0 7 * * *", "window": "24h"}
    with pytest.raises(ValidationError, match="used twice"):
        Config(reports=[entry, entry])


@pytest.mark.parametrize(
    ("field", "names"),
    [
        ("1-5", "mon,tue,wed,thu,fri"),
        ("0", "sun"),
        ("7", "sun"),
        ("5-7", "sun,fri,sat"),
        ("*/2", "sun,tue,thu,sat"),
    ],
)
def test_weekdays_count_as_in_crontab(field: str, names: str) -> None:
    from monitor.config import crontab_weekdays

    assert crontab_weekdays(field) == names
