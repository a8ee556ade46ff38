"""The scheduler: jobs persisted in the store fire on time, a run missed while the
service was down runs once on start, and a restart never repeats a run."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from apscheduler.schedulers.background import BackgroundScheduler

from monitor.config import load_config
from monitor.reports.runs import report_run_list
from monitor.reports.scheduler import (
    JOB_TABLE,
    add_report_jobs,
    job_id,
    next_run_times,
    run_scheduled_report,
)
from monitor.store import Store


def write_config(tmp_path: Path, store: Store, schedule: str, **extra: object) -> Path:
    report = {
        "name": "brief",
        "schedule": schedule,
        "window": "24h",
        "formats": ["csv"],
        "output_dir": str(tmp_path / "reports"),
    }
    report.update(extra)
    path = tmp_path / "monitor.yaml"
    path.write_text(yaml.safe_dump({"store": store.url, "reports": [report]}), encoding="utf-8")
    return path


def scheduler() -> BackgroundScheduler:
    return BackgroundScheduler(timezone=UTC)


def wait_for(condition, timeout: float = 15.0) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_a_scheduled_run_is_made_for_its_fire_time_under_a_controlled_clock(
    known_store: Store, tmp_path: Path
) -> None:
    path = write_config(tmp_path, known_store, "0 7 * * *")
    clock = datetime(2025, 1, 19, 7, 0, 3, tzinfo=UTC)  # the job started 3 s after 07:00
    run_id = run_scheduled_report("brief", str(path), now=clock)
    assert run_id is not None
    (run,) = report_run_list(known_store)
    assert run.scheduled_for == datetime(2025, 1, 19, 7, tzinfo=UTC)
    assert (run.window_start, run.window_end) == (datetime(2025, 1, 18, 7, tzinfo=UTC), run.scheduled_for)
    # The same fire time again (a second scheduler, a replay after a crash): nothing new.
    assert run_scheduled_report("brief", str(path), now=clock + timedelta(minutes=5)) is None
    assert len(report_run_list(known_store)) == 1


@pytest.mark.slow
def test_the_scheduler_fires_reports_on_time(known_store: Store, tmp_path: Path) -> None:
    path = write_config(tmp_path, known_store, "*/2 * * * * *")  # every two seconds
    config = load_config(path, env={})
    running = scheduler()
    add_report_jobs(running, config, known_store)
    running.start()
    try:
        assert wait_for(lambda: len(report_run_list(known_store)) >= 2)
    finally:
        running.shutdown(wait=True)
    runs = report_run_list(known_store)
    for run in runs:
        assert run.trigger == "schedule" and run.status == "ok"
        assert run.scheduled_for.second % 2 == 0
        assert timedelta(0) <= run.started_at - run.scheduled_for < timedelta(seconds=2)
    assert len({run.scheduled_for for run in runs}) == len(runs)


def test_jobs_are_persisted_in_the_store(known_store: Store, tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, known_store, "0 7 * * *"), env={})
    running = scheduler()
    add_report_jobs(running, config, known_store)
    running.start(paused=True)
    running.shutdown()
    due = next_run_times(known_store)["brief"]
    assert due is not None and (due.hour, due.minute) == (7, 0)
    assert due > datetime.now(UTC)


def _set_next_run(store: Store, moment: datetime) -> None:
    with store.begin() as conn:
        table = sa.Table(JOB_TABLE, sa.MetaData(), autoload_with=conn)
        row = conn.execute(sa.select(table.c.job_state).where(table.c.id == "report:brief")).scalar_one()
    import pickle

    state = pickle.loads(row)
    state["next_run_time"] = moment
    with store.begin() as conn:
        conn.execute(
            table.update()
            .where(table.c.id == "report:brief")
            .values(next_run_time=moment.timestamp(), job_state=pickle.dumps(state))
        )


@pytest.mark.slow
def test_a_run_missed_while_down_runs_once_on_start_and_not_again_after_a_restart(
    known_store: Store, tmp_path: Path
) -> None:
    # Hourly, at the minute half an hour from now: no fire time falls during the test (on the
    # hour it failed when the test ran across one, firing the new hour's run too).
    now = datetime.now(UTC)
    minute = (now.minute + 30) % 60
    path = write_config(tmp_path, known_store, f"{minute} * * * *")
    config = load_config(path, env={})
    first = scheduler()
    add_report_jobs(first, config, known_store)
    first.start(paused=True)
    first.shutdown()
    # The service was down for the last three fire times.
    last_fire = now.replace(minute=minute, second=0, microsecond=0)
    if last_fire > now:
        last_fire -= timedelta(hours=1)
    _set_next_run(known_store, last_fire - timedelta(hours=2))

    second = scheduler()
    add_report_jobs(second, config, known_store)
    second.start()
    try:
        assert wait_for(lambda: len(report_run_list(known_store)) >= 1)
        time.sleep(1.0)
    finally:
        second.shutdown(wait=True)
    runs = report_run_list(known_store)
    assert len(runs) == 1
    assert runs[0].scheduled_for == last_fire

    third = scheduler()
    add_report_jobs(third, config, known_store)
    third.start()
    time.sleep(1.5)
    third.shutdown(wait=True)
    assert len(report_run_list(known_store)) == 1
    assert next_run_times(known_store)["brief"] == last_fire + timedelta(hours=1)


def test_a_changed_schedule_is_rescheduled_and_a_removed_report_unscheduled(
    known_store: Store, tmp_path: Path
) -> None:
    config = load_config(write_config(tmp_path, known_store, "0 7 * * *"), env={})
    for _ in range(2):  # adding twice keeps one job
        running = scheduler()
        add_report_jobs(running, config, known_store)
        running.start(paused=True)
        assert [job.id for job in running.get_jobs()] == [job_id(config.reports[0])]
        running.shutdown()
    changed = load_config(write_config(tmp_path, known_store, "30 9 * * *"), env={})
    running = scheduler()
    add_report_jobs(running, changed, known_store)
    running.start(paused=True)
    running.shutdown()
    assert next_run_times(known_store)["brief"].minute == 30
    removed = load_config(write_config(tmp_path, known_store, "0 7 * * *", enabled=False), env={})
    running = scheduler()
    add_report_jobs(running, removed, known_store)
    running.start(paused=True)
    assert running.get_jobs() == []
    running.shutdown()
    assert next_run_times(known_store) == {}
