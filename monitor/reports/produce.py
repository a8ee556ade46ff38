"""One report run from start to end: record it, gather the content, write the files, deliver
them, and record how each step went.

Files are written into ``output_dir/<report>/<YYYYmmdd-HHMM>/`` before any delivery starts,
so a failed delivery can be retried later (``redeliver``) from the same files. A format
that fails (Chromium missing for the PDF) is recorded and the other formats still go out.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from monitor.config import Config, ConfigError, ReportConfig
from monitor.reports.content import ReportContent, gather_content
from monitor.reports.csv_export import write_csvs
from monitor.reports.delivery import PlatformLine, ReportFiles, ReportSummary, Sleep, deliver
from monitor.reports.html import write_html
from monitor.reports.pdf import PdfError, html_to_pdf
from monitor.reports.runs import (
    DeliveryOutcome,
    finish_report_run,
    get_report_run,
    start_report_run,
)
from monitor.reports.window import report_window, run_stamp, zone
from monitor.store import Store

log = logging.getLogger(__name__)


@dataclass
class ReportOutcome:
    """What one run produced: its record id, status, files and deliveries."""

    run_id: int
    status: str
    folder: Path
    files: list[Path] = field(default_factory=list)
    deliveries: list[DeliveryOutcome] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def find_report(config: Config, name: str) -> ReportConfig:
    for report in config.reports:
        if report.name == name:
            return report
    known = ", ".join(report.name for report in config.reports) or "none"
    raise ConfigError(f"no report named {name!r} in {config.path or 'the config'} (configured: {known})")


def report_folder(config: Config, report: ReportConfig, window_end: datetime) -> Path:
    """A new folder for one run's files; a second run for the same window gets ``-2``, ...
    so earlier files are never overwritten."""
    base = config.resolve(report.output_dir) / report.name
    stamp = run_stamp(window_end.astimezone(zone(report)))
    folder, counter = base / stamp, 1
    while folder.exists():
        counter += 1
        folder = base / f"{stamp}-{counter}"
    return folder


def _number(value: object) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)  # type: ignore[arg-type]


def summarise(content: ReportContent, files: ReportFiles, link_base: str | None) -> ReportSummary:
    """The short form of a report for emails and webhooks, with links to its files."""
    if link_base:
        prefix = f"{link_base.rstrip('/')}/{content.name}/{files.folder.name}/"
        links = {path.name: prefix + path.name for path in files.paths if path.suffix != ".csv"}
    else:
        links = {path.name: str(path.resolve()) for path in files.paths if path.suffix != ".csv"}
    lines = [
        PlatformLine(
            platform=row["platform"],
            posts=int(row["posts"]),
            volume_change=_number(row["volume_change"]),
            net_sentiment=_number(row["net_sentiment"]),
            net_change=_number(row["net_change"]),
        )
        for row in content.headline.to_dict("records")
    ]
    return ReportSummary(
        report=content.name,
        title=content.title,
        period=content.window.label(),
        total_posts=content.total_posts,
        platforms=lines,
        spikes=len(content.spikes),
        links=links,
    )


def write_files(content: ReportContent, formats: list[str], folder: Path) -> tuple[list[Path], list[str]]:
    """Write the chosen formats into ``folder``; returns the files and the errors of
    formats that could not be made."""
    folder.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    errors: list[str] = []
    stem = f"{content.name}-{folder.name}"
    if "html" in formats or "pdf" in formats:
        html_path = write_html(content, folder / f"{stem}.html")
        files.append(html_path)
        if "pdf" in formats:
            try:
                files.append(html_to_pdf(html_path, folder / f"{stem}.pdf"))
            except PdfError as err:
                errors.append(f"pdf: {err}")
    if "csv" in formats:
        files += write_csvs(content, folder / "csv")
    return files, errors


def make_report(
    config: Config,
    report: ReportConfig,
    store: Store,
    window_end: datetime | None = None,
    *,
    scheduled_for: datetime | None = None,
    env: Mapping[str, str] | None = None,
    sleep: Sleep = time.sleep,
) -> ReportOutcome | None:
    """Make, deliver and record one run of ``report`` for the window ending at
    ``window_end`` (default: ``scheduled_for``, else now). Returns None when this
    scheduled time already has a run. Delivery failures are recorded, not raised;
    an unexpected error is recorded on the run and raised."""
    window_end = window_end or scheduled_for or datetime.now(UTC)
    window = report_window(report.window, window_end, zone(report))
    run_id = start_report_run(store, report.name, window.start, window.end, scheduled_for=scheduled_for)
    if run_id is None:
        log.info("report %s for %s ran already; skipped", report.name, scheduled_for)
        return None
    folder = report_folder(config, report, window_end)
    try:
        content = gather_content(config, report, store, window_end)
        files, errors = write_files(content, list(report.formats), folder)
    except Exception as err:
        finish_report_run(
            store, run_id, status="failed", folder=str(folder), error=f"{type(err).__name__}: {err}"
        )
        raise
    report_files = ReportFiles(folder, files)
    summary = summarise(content, report_files, report.link_base)
    names = [str(path.relative_to(folder)) for path in files]
    # The files are on disk and recorded before anything is sent.
    finish_report_run(
        store, run_id, status="running", folder=str(folder), files=names, summary=summary.to_dict()
    )
    outcomes = [
        deliver(delivery, report_files, summary, index=index, env=env, sleep=sleep)
        for index, delivery in enumerate(report.deliveries)
    ]
    status = _status(files, errors, outcomes)
    error = "; ".join(errors + [f"{o.kind} {o.target}: {o.error}" for o in outcomes if o.status != "ok"])
    finish_report_run(store, run_id, status=status, deliveries=outcomes, error=error or None)
    log.info("report %s: %s, %d file(s) in %s", report.name, status, len(files), folder)
    return ReportOutcome(run_id, status, folder, files, outcomes, errors)


def _status(files: list[Path], errors: list[str], outcomes: list[DeliveryOutcome]) -> str:
    if not files:
        return "failed"
    if errors or any(outcome.status != "ok" for outcome in outcomes):
        return "partial"
    return "ok"


def redeliver(
    config: Config,
    store: Store,
    run_id: int,
    *,
    env: Mapping[str, str] | None = None,
    sleep: Sleep = time.sleep,
) -> list[DeliveryOutcome]:
    """Try again the deliveries of a run that failed, from the files it wrote."""
    run = get_report_run(store, run_id)
    if run is None:
        raise ConfigError(f"no report run with id {run_id}")
    report = find_report(config, run.report)
    if run.folder is None or run.summary is None:
        raise ConfigError(f"report run {run_id} wrote no files to deliver")
    folder = Path(run.folder)
    files = ReportFiles(folder, [folder / name for name in run.files])
    missing = [str(path) for path in files.paths if not path.exists()]
    if missing:
        raise ConfigError(f"report run {run_id}: files are gone: {', '.join(missing)}")
    summary = ReportSummary.from_dict(run.summary)
    outcomes = list(run.deliveries)
    for position, outcome in enumerate(outcomes):
        if outcome.status == "ok" or outcome.index >= len(report.deliveries):
            continue
        retried = deliver(
            report.deliveries[outcome.index], files, summary, index=outcome.index, env=env, sleep=sleep
        )
        retried.attempts += outcome.attempts
        outcomes[position] = retried
    errors = [f"{o.kind} {o.target}: {o.error}" for o in outcomes if o.status != "ok"]
    status = "partial" if errors else "ok"
    finish_report_run(store, run_id, status=status, deliveries=outcomes, error="; ".join(errors) or None)
    return outcomes
