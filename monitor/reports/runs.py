"""The record of every report run: when, which window, which files, and each delivery's
status, attempts and last error. The ``report_runs`` table is part of the
store's schema (``monitor.store.report_runs``).

A scheduled run is unique per (report, scheduled time): a second process, or a restart that
replays the same fire time, finds the row already there and does not run the report again.
"""

from __future__ import annotations

import json
import socket
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa

from monitor.store import Store, now_ts, owner_is_dead, process_owner, report_runs

RUN_STATUSES = ("running", "ok", "partial", "failed", "interrupted")


@dataclass
class DeliveryOutcome:
    """How one delivery of one run went: ``status`` is ok or failed; ``error`` is the
    last attempt's error."""

    kind: str
    target: str
    status: str
    attempts: int
    error: str | None = None
    delivered_at: int | None = None
    index: int = 0  # position of the delivery in the report's config

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DeliveryOutcome:
        return cls(**{key: data.get(key) for key in cls.__dataclass_fields__ if key in data})


@dataclass
class ReportRun:
    """One row of ``report_runs``, decoded."""

    id: int
    report: str
    trigger: str
    scheduled_for: datetime | None
    window_start: datetime
    window_end: datetime
    started_at: datetime
    finished_at: datetime | None
    status: str
    folder: str | None
    files: list[str]
    deliveries: list[DeliveryOutcome]
    summary: dict[str, Any] | None
    error: str | None


def _moment(ts: int | None) -> datetime | None:
    return None if ts is None else datetime.fromtimestamp(ts, tz=UTC)


def _decode(row: Any) -> ReportRun:
    return ReportRun(
        id=row["id"],
        report=row["report"],
        trigger=row["trigger"],
        scheduled_for=_moment(row["scheduled_for"]),
        window_start=_moment(row["window_start"]),  # type: ignore[arg-type]
        window_end=_moment(row["window_end"]),  # type: ignore[arg-type]
        started_at=_moment(row["started_at"]),  # type: ignore[arg-type]
        finished_at=_moment(row["finished_at"]),
        status=row["status"],
        folder=row["folder"],
        files=json.loads(row["files"] or "[]"),
        deliveries=[DeliveryOutcome.from_dict(item) for item in json.loads(row["deliveries"] or "[]")],
        summary=json.loads(row["summary"]) if row["summary"] else None,
        error=row["error"],
    )


def start_report_run(
    store: Store,
    report: str,
    window_start: datetime,
    window_end: datetime,
    *,
    scheduled_for: datetime | None = None,
) -> int | None:
    """Record a run as started; returns its id, or None when this scheduled time of this
    report has a run already (so it must not run again)."""
    values = {
        "report": report,
        "trigger": "manual" if scheduled_for is None else "schedule",
        "scheduled_for": None if scheduled_for is None else int(scheduled_for.timestamp()),
        "window_start": int(window_start.timestamp()),
        "window_end": int(window_end.timestamp()),
        "started_at": now_ts(),
        "status": "running",
        "files": "[]",
        "deliveries": "[]",
        "owner": process_owner(),
    }
    try:
        with store.begin() as conn:
            return conn.execute(
                report_runs.insert().values(**values).returning(report_runs.c.id)
            ).scalar_one()
    except sa.exc.IntegrityError:
        return None


def finish_report_run(
    store: Store,
    run_id: int,
    *,
    status: str,
    folder: str | None = None,
    files: list[str] | None = None,
    deliveries: list[DeliveryOutcome] | None = None,
    summary: dict[str, Any] | None = None,
    error: str | None = None,
) -> None:
    values: dict[str, Any] = {"status": status, "finished_at": now_ts(), "error": error and error[:4000]}
    if folder is not None:
        values["folder"] = folder
    if files is not None:
        values["files"] = json.dumps(files)
    if deliveries is not None:
        values["deliveries"] = json.dumps([asdict(outcome) for outcome in deliveries])
    if summary is not None:
        values["summary"] = json.dumps(summary, ensure_ascii=False, default=str)
    with store.begin() as conn:
        conn.execute(report_runs.update().where(report_runs.c.id == run_id).values(**values))


def get_report_run(store: Store, run_id: int) -> ReportRun | None:
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(report_runs).where(report_runs.c.id == run_id)).mappings().first()
    return None if row is None else _decode(row)


def report_run_list(store: Store, report: str | None = None, limit: int = 100) -> list[ReportRun]:
    """Runs newest first, of one report or of all."""
    query = sa.select(report_runs).order_by(report_runs.c.id.desc()).limit(limit)
    if report is not None:
        query = query.where(report_runs.c.report == report)
    with store.engine.connect() as conn:
        return [_decode(row) for row in conn.execute(query).mappings()]


def last_report_run(store: Store, report: str) -> ReportRun | None:
    runs = report_run_list(store, report, limit=1)
    return runs[0] if runs else None


def close_stale_report_runs(store: Store) -> int:
    """Mark as interrupted the runs left "running" by processes of this host that no
    longer exist; a run another live scheduler is making, here or elsewhere, is left alone."""
    host = socket.gethostname()
    with store.begin() as conn:
        running = conn.execute(
            sa.select(report_runs.c.id, report_runs.c.owner).where(report_runs.c.status == "running")
        ).all()
        dead = [run_id for run_id, owner in running if owner_is_dead(owner, host)]
        if dead:
            conn.execute(
                report_runs.update()
                .where(report_runs.c.id.in_(dead))
                .values(
                    status="interrupted", finished_at=now_ts(), error="process ended before the run finished"
                )
            )
    return len(dead)


def past_report_runs(store: Store, report: str | None = None, limit: int = 200) -> pd.DataFrame:
    """Past runs for the dashboard's Reports page, newest first. Columns: id, report,
    trigger, scheduled_for, window_start, window_end, started_at, finished_at (UTC
    datetimes), status, folder, files (list of file names in ``folder``), deliveries
    (list of dicts: kind, target, status, attempts, error), deliveries_ok,
    deliveries_failed, error. Open or download a file at ``Path(folder) / name``."""
    runs = report_run_list(store, report, limit)
    columns = [
        "id",
        "report",
        "trigger",
        "scheduled_for",
        "window_start",
        "window_end",
        "started_at",
        "finished_at",
        "status",
        "folder",
        "files",
        "deliveries",
        "deliveries_ok",
        "deliveries_failed",
        "error",
    ]
    rows = [
        {
            "id": run.id,
            "report": run.report,
            "trigger": run.trigger,
            "scheduled_for": run.scheduled_for,
            "window_start": run.window_start,
            "window_end": run.window_end,
            "started_at": run.started_at,
            "finished_at": run.finished_at,
            "status": run.status,
            "folder": run.folder,
            "files": run.files,
            "deliveries": [asdict(outcome) for outcome in run.deliveries],
            "deliveries_ok": sum(outcome.status == "ok" for outcome in run.deliveries),
            "deliveries_failed": sum(outcome.status != "ok" for outcome in run.deliveries),
            "error": run.error,
        }
        for run in runs
    ]
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("scheduled_for", "window_start", "window_end", "started_at", "finished_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame
