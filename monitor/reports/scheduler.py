"""Reports on their cron schedules inside ``monitor run`` (APScheduler 3).

Jobs live in the store (table ``report_jobs``, APScheduler's ``SQLAlchemyJobStore``), so a
restart remembers when each report is next due. A run missed while the service was down
runs once on start (``coalesce``, no misfire limit), for the latest missed time. Every
scheduled run is recorded under its fire time, unique per report, so nothing runs twice
for the same time, even across restarts or with two schedulers on one store.
"""

from __future__ import annotations

import contextlib
import logging
import pickle
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler

from monitor.config import Config, ConfigError, ReportConfig, load_config
from monitor.reports.produce import find_report, make_report
from monitor.reports.window import cron_trigger, latest_fire_time
from monitor.store import Store

log = logging.getLogger(__name__)

JOBSTORE = "reports"
EXECUTOR = "reports"
JOB_TABLE = "report_jobs"
JOB_PREFIX = "report:"
JOB_FUNCTION = "monitor.reports.scheduler:run_scheduled_report"


def job_id(report: ReportConfig) -> str:
    return JOB_PREFIX + report.name


def schedule_signature(report: ReportConfig) -> str:
    """What the persisted job's timing depends on; when it changes, the job is rescheduled."""
    return f"{report.schedule}|{report.timezone}"


def report_jobstore(store: Store) -> SQLAlchemyJobStore:
    """APScheduler's job store on the monitor's own database (its own table and metadata).
    Its table is created here, one process at a time: two schedulers starting together on
    PostgreSQL would otherwise both try to create it."""
    jobstore = SQLAlchemyJobStore(engine=store.engine, tablename=JOB_TABLE, metadata=sa.MetaData())
    with store.exclusive("report-jobstore"):
        jobstore.jobs_t.create(store.engine, checkfirst=True)
    return jobstore


def _persisted_jobs(store: Store) -> dict[str, dict[str, Any]]:
    """The report jobs already in the store: id -> APScheduler job state."""
    with store.engine.connect() as conn:
        if not sa.inspect(conn).has_table(JOB_TABLE):
            return {}
        table = sa.Table(JOB_TABLE, sa.MetaData(), autoload_with=conn)
        rows = conn.execute(sa.select(table.c.id, table.c.job_state)).all()
    jobs = {}
    for identifier, state in rows:
        if identifier.startswith(JOB_PREFIX):
            try:
                jobs[identifier] = pickle.loads(state)
            except (pickle.UnpicklingError, AttributeError, ImportError, EOFError) as err:
                log.warning("dropping unreadable scheduled job %s: %s", identifier, err)
                jobs[identifier] = {}
    return jobs


def add_report_jobs(
    scheduler: BaseScheduler, config: Config, store: Store, *, config_path: str | None = None
) -> list[str]:
    """Schedule every enabled report of ``config`` (``monitor run`` calls this before or
    after starting its scheduler). Jobs already persisted keep their next run time, so a
    run missed while the service was down happens once on start; changed schedules are
    rescheduled; reports no longer configured are unscheduled. Returns the job ids."""
    path = config_path or (str(config.path) if config.path else None)
    persisted = _persisted_jobs(store)
    # An earlier call may have added them already (APScheduler then raises ValueError).
    with contextlib.suppress(ValueError):
        scheduler.add_jobstore(report_jobstore(store), alias=JOBSTORE)
    with contextlib.suppress(ValueError):
        # Its own worker, so a report (a PDF takes seconds) never delays the collectors.
        scheduler.add_executor(ThreadPoolExecutor(1), alias=EXECUTOR)
    wanted = {job_id(report): report for report in config.reports if report.enabled}
    stale = [identifier for identifier in persisted if identifier not in wanted]
    if stale:
        _remove_persisted(store, stale)
    for identifier, report in wanted.items():
        kwargs = {"report_name": report.name, "config_path": path, "signature": schedule_signature(report)}
        previous = persisted.get(identifier) or {}
        keep_time = (previous.get("kwargs") or {}).get("signature") == kwargs["signature"]
        options: dict[str, Any] = {}
        if keep_time and previous.get("next_run_time") is not None:
            options["next_run_time"] = previous["next_run_time"]
        scheduler.add_job(
            JOB_FUNCTION,
            trigger=cron_trigger(report),
            kwargs=kwargs,
            id=identifier,
            name=f"report {report.name}",
            jobstore=JOBSTORE,
            executor=EXECUTOR,
            replace_existing=True,
            coalesce=True,
            misfire_grace_time=None,
            max_instances=1,
            **options,
        )
    return list(wanted)


def _remove_persisted(store: Store, identifiers: list[str]) -> None:
    with store.begin() as conn:
        table = sa.Table(JOB_TABLE, sa.MetaData(), autoload_with=conn)
        conn.execute(table.delete().where(table.c.id.in_(identifiers)))


def next_run_times(store: Store) -> dict[str, datetime | None]:
    """When each scheduled report runs next, as the store remembers it (report name ->
    UTC time; None when paused). Reports never scheduled by ``monitor run`` are absent."""
    result: dict[str, datetime | None] = {}
    for identifier, state in _persisted_jobs(store).items():
        moment = state.get("next_run_time")
        result[identifier.removeprefix(JOB_PREFIX)] = None if moment is None else moment.astimezone(UTC)
    return result


def run_scheduled_report(
    report_name: str, config_path: str | None, signature: str = "", now: datetime | None = None
) -> int | None:
    """The scheduled job: make the report for its latest fire time at or before now.
    Loads the config and the store afresh, so a job outlives the process that made it.
    Returns the run id, or None when that time has a run already."""
    config = load_config(config_path)
    try:
        report = find_report(config, report_name)
    except ConfigError as err:  # removed from the config since it was scheduled
        log.warning("scheduled report %s is no longer configured: %s", report_name, err)
        return None
    store = Store(config.store)
    try:
        scheduled_for = latest_fire_time(report, now or datetime.now(UTC))
        outcome = make_report(config, report, store, scheduled_for=scheduled_for)
    finally:
        store.engine.dispose()
    return None if outcome is None else outcome.run_id
