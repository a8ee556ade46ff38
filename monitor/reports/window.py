"""When a report runs and which period it covers: cron schedules and report windows in the
report's own time zone, safe across daylight-saving changes (``zoneinfo``).

A window is a half-open interval ``[start, end)`` of aware datetimes. Windows of whole
days (``7d``) and calendar windows (``previous week``) move in wall-clock days of the
report's time zone, so a daily 07:00 brief covers 07:00 to 07:00 even on the 23- or
25-hour day of a clock change, and consecutive reports tile without gaps or overlaps.
Counting happens in whole UTC hours (the queries' finest bucket): a post counts in the
window when the hour it falls in starts inside the window (``Window.count_range``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from monitor.config import ReportConfig, ReportWindowConfig, crontab_weekdays

HOUR = 3_600
_CRON_FIELDS = ("minute", "hour", "day", "month", "day_of_week")


@dataclass(frozen=True)
class Window:
    """The period a report covers, ``[start, end)``, in the report's time zone."""

    start: datetime
    end: datetime

    @property
    def start_ts(self) -> int:
        return int(self.start.timestamp())

    @property
    def end_ts(self) -> int:
        return int(self.end.timestamp())

    def count_range(self) -> tuple[int, int]:
        """``[low, high)`` in Unix seconds: the UTC hours that start inside the window.
        Equal to the window itself when it starts and ends on whole hours."""
        return _ceil_hour(self.start_ts), _ceil_hour(self.end_ts)

    def label(self) -> str:
        """``Mon 13 Jan 2025 07:00 – Tue 14 Jan 2025 07:00 CET`` (shortened for whole days)."""
        end_inclusive = self.end - timedelta(seconds=1)
        if _is_midnight(self.start) and _is_midnight(self.end):
            if self.start.date() == end_inclusive.date():
                return f"{self.start:%a %d %b %Y} ({self.start.tzname()})"
            return f"{self.start:%a %d %b %Y} – {end_inclusive:%a %d %b %Y} ({self.start.tzname()})"
        return f"{self.start:%a %d %b %Y %H:%M %Z} – {self.end:%a %d %b %Y %H:%M %Z}"


def _ceil_hour(ts: int) -> int:
    return -(-ts // HOUR) * HOUR


def _is_midnight(moment: datetime) -> bool:
    return (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0)


def zone(report: ReportConfig) -> ZoneInfo:
    return ZoneInfo(report.timezone)


def cron_trigger(report: ReportConfig) -> CronTrigger:
    """The report's schedule as an APScheduler trigger in its time zone. Five fields are
    ``minute hour day month weekday``; six put seconds first. Weekdays count as in
    crontab (0 or 7 = Sunday, 1 = Monday), not as in APScheduler (0 = Monday)."""
    fields = report.schedule.split()
    names = ("second", *_CRON_FIELDS) if len(fields) == 6 else _CRON_FIELDS
    values = dict(zip(names, fields, strict=True))
    values["day_of_week"] = crontab_weekdays(values["day_of_week"])
    return CronTrigger(**values, timezone=zone(report))


def next_fire_time(report: ReportConfig, after: datetime) -> datetime | None:
    """The first scheduled time strictly after ``after``."""
    trigger = cron_trigger(report)
    return trigger.get_next_fire_time(None, after.astimezone(zone(report)) + timedelta(microseconds=1))


def latest_fire_time(
    report: ReportConfig, at: datetime, lookback: timedelta = timedelta(days=400)
) -> datetime:
    """The last scheduled time at or before ``at`` (the run a late start catches up on).
    Raises ``ValueError`` when the schedule has not fired within ``lookback``."""
    trigger = cron_trigger(report)
    at = at.astimezone(zone(report))
    # Walk forward from a coarse start point, narrowing the look-back so this stays cheap
    # for every-second schedules as well as yearly ones.
    for span in (timedelta(minutes=2), timedelta(days=2), timedelta(days=40), lookback):
        moment = trigger.get_next_fire_time(None, at - span)
        latest = None
        while moment is not None and moment <= at:
            latest = moment
            moment = trigger.get_next_fire_time(moment, moment + timedelta(microseconds=1))
        if latest is not None:
            return latest
    raise ValueError(
        f"the schedule {report.schedule!r} has not fired in the {lookback.days} days before {at}"
    )


def report_window(spec: ReportWindowConfig, end: datetime, tz: ZoneInfo) -> Window:
    """The window that ``spec`` describes for a report made at ``end``.

    ``last: 6h`` is the six real hours before ``end``; ``last: 7d`` the seven wall-clock
    days before it (168 hours, or 167/169 across a clock change); ``previous: week`` the
    Monday-to-Sunday week before the one holding ``end``, in local midnights."""
    end = end.astimezone(tz)
    if spec.last is not None:
        if spec.last % timedelta(days=1) == timedelta(0):
            return Window(_shift_days(end, -spec.last.days, tz), end)
        # Real hours: aware arithmetic within one zone is wall-clock, so go through UTC.
        return Window((end.astimezone(UTC) - spec.last).astimezone(tz), end)
    unit = spec.previous
    if unit == "day":
        period_end = _local(end.year, end.month, end.day, tz)
        return Window(_shift_days(period_end, -1, tz), period_end)
    if unit == "week":
        monday = end.date() - timedelta(days=end.weekday())
        period_end = _local(monday.year, monday.month, monday.day, tz)
        return Window(_shift_days(period_end, -7, tz), period_end)
    period_end = _local(end.year, end.month, 1, tz)
    year, month = (end.year, end.month - 1) if end.month > 1 else (end.year - 1, 12)
    return Window(_local(year, month, 1, tz), period_end)


def previous_window(spec: ReportWindowConfig, window: Window, tz: ZoneInfo) -> Window:
    """The period before ``window`` that its changes are measured against: the same spec
    ending where ``window`` starts (the previous day, week or month for calendar windows)."""
    return report_window(spec, window.start, tz)


def _local(
    year: int, month: int, day: int, tz: ZoneInfo, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """A wall-clock time in ``tz``; a time that the clocks skip maps to the moment after."""
    naive = datetime(year, month, day, hour, minute, second)
    moment = naive.replace(tzinfo=tz)
    roundtrip = moment.astimezone(UTC).astimezone(tz)
    if roundtrip.replace(tzinfo=None) != naive:  # in a spring-forward gap
        return naive.replace(tzinfo=tz, fold=1).astimezone(UTC).astimezone(tz)
    return roundtrip


def _shift_days(moment: datetime, days: int, tz: ZoneInfo) -> datetime:
    """``moment`` moved by whole wall-clock days, keeping its local time of day."""
    day = moment.date() + timedelta(days=days)
    return _local(day.year, day.month, day.day, tz, moment.hour, moment.minute, moment.second)


def run_stamp(moment: datetime) -> str:
    """The folder name of one run's files: ``YYYYmmdd-HHMM`` of the window's end, in the
    report's time zone (as analysts read the schedule)."""
    return f"{moment:%Y%m%d-%H%M}"
