"""``monitor report``: make a report now, list the reports with their next and last runs,
show past runs, and retry failed deliveries (``report_app``, mounted by ``monitor.cli``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from monitor.config import Config, ConfigError, load_config
from monitor.models import ParseError, parse_timestamp
from monitor.reports.produce import find_report, make_report, redeliver
from monitor.reports.runs import close_stale_report_runs, last_report_run, report_run_list
from monitor.reports.scheduler import next_run_times
from monitor.reports.window import next_fire_time, zone
from monitor.store import Store

report_app = typer.Typer(
    help="Scheduled reports: make one now, list them, retry deliveries.", no_args_is_help=True
)
console = Console()
errors = Console(stderr=True)


@contextmanager
def _failures() -> Iterator[None]:
    """Expected failures end the command with one line on stderr and exit status 1."""
    try:
        yield
    except ConfigError as err:
        errors.print(f"[red]error:[/red] {err}", markup=True, highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None


def _open() -> tuple[Config, Store]:
    config = load_config()
    return config, Store(config.store)


def parse_window_end(text: str | None, timezone: str) -> datetime | None:
    """``--window-end``: ISO 8601 (``2025-01-20``, ``2025-01-20T07:00``, with or without an
    offset); a time without an offset is read in the report's time zone."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        try:
            return parse_timestamp(text)
        except ParseError as err:
            raise ConfigError(
                f"--window-end: expected a date/time like 2025-01-20T07:00, got {text!r}"
            ) from err
    if moment.tzinfo is None:
        from zoneinfo import ZoneInfo

        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    return moment


@report_app.command("run")
def run_command(
    name: Annotated[str, typer.Argument(help="the report's name in the config")],
    window_end: Annotated[
        str | None,
        typer.Option(help="end of the window, e.g. 2025-01-20T07:00 (report's time zone; default: now)"),
    ] = None,
) -> None:
    """Make one report now, deliver it and record the run."""
    with _failures():
        config, store = _open()
        report = find_report(config, name)
        close_stale_report_runs(store)
        outcome = make_report(config, report, store, parse_window_end(window_end, report.timezone))
        assert outcome is not None  # manual runs are never skipped
        console.print(f"report {name}: {outcome.status} (run {outcome.run_id})", highlight=False)
        for path in outcome.files:
            console.print(f"  {path}", highlight=False)
        for delivery in outcome.deliveries:
            detail = f" after {delivery.attempts} attempts: {delivery.error}" if delivery.error else ""
            console.print(f"  {delivery.kind} {delivery.target}: {delivery.status}{detail}", highlight=False)
        for problem in outcome.errors:
            errors.print(f"  {problem}", highlight=False)
        if outcome.status != "ok":
            raise typer.Exit(1)


@report_app.command("list")
def list_command(
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """Each configured report with its schedule, next run time and last result."""
    with _failures():
        config, store = _open()
        persisted = next_run_times(store)
        now = datetime.now(UTC)
        rows = []
        for report in config.reports:
            last = last_report_run(store, report.name)
            upcoming = persisted.get(report.name) or next_fire_time(report, now)
            rows.append(
                {
                    "name": report.name,
                    "schedule": f"{report.schedule} ({report.timezone})",
                    "enabled": report.enabled,
                    "next_run": None
                    if not report.enabled or upcoming is None
                    else upcoming.astimezone(zone(report)),
                    "last_run": None if last is None else last.started_at,
                    "last_status": None if last is None else last.status,
                    "last_error": None if last is None else last.error,
                }
            )
        if as_json:
            print(json.dumps(rows, default=str, ensure_ascii=False))
            return
        table = Table(title=f"reports ({config.path or 'defaults'})")
        for column in ("name", "schedule", "next run", "last run (UTC)", "last result"):
            table.add_column(column)
        for row in rows:
            result = row["last_status"] or "never run"
            if row["last_error"]:
                result += f": {row['last_error'][:60]}"
            table.add_row(
                row["name"],
                row["schedule"],
                f"{row['next_run']:%Y-%m-%d %H:%M %Z}" if row["next_run"] else "disabled",
                f"{row['last_run']:%Y-%m-%d %H:%M}" if row["last_run"] else "-",
                result,
            )
        console.print(table)


@report_app.command("runs")
def runs_command(
    name: Annotated[str | None, typer.Argument(help="only this report")] = None,
    limit: Annotated[int, typer.Option(help="how many runs")] = 20,
) -> None:
    """Past runs, newest first: window, status, files and deliveries."""
    with _failures():
        _, store = _open()
        table = Table(title="report runs")
        for column in ("id", "report", "window (UTC)", "status", "files", "deliveries", "error"):
            table.add_column(column, overflow="fold")
        for run in report_run_list(store, name, limit):
            deliveries = ", ".join(f"{d.kind}:{d.status}" for d in run.deliveries) or "-"
            table.add_row(
                str(run.id),
                run.report,
                f"{run.window_start:%Y-%m-%d %H:%M} – {run.window_end:%Y-%m-%d %H:%M}",
                run.status,
                f"{len(run.files)} in {run.folder}" if run.folder else "-",
                deliveries,
                (run.error or "")[:80],
            )
        console.print(table)


@report_app.command("deliver")
def deliver_command(
    run_id: Annotated[int, typer.Argument(help="the run's id (see `monitor report runs`)")],
) -> None:
    """Retry the failed deliveries of one run, from the files it wrote."""
    with _failures():
        config, store = _open()
        outcomes = redeliver(config, store, run_id)
        for outcome in outcomes:
            detail = f": {outcome.error}" if outcome.error else ""
            console.print(f"{outcome.kind} {outcome.target}: {outcome.status}{detail}", highlight=False)
        if any(outcome.status != "ok" for outcome in outcomes):
            raise typer.Exit(1)
