"""A restart closes only the report runs of processes that died."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import sqlalchemy as sa

from monitor.reports.runs import close_stale_report_runs, start_report_run
from monitor.store import Store, process_owner, report_runs


def test_only_runs_of_dead_processes_are_closed(store: Store) -> None:
    window = (datetime(2025, 1, 17, tzinfo=UTC), datetime(2025, 1, 18, tzinfo=UTC))
    mine = start_report_run(store, "brief", *window)
    live = start_report_run(store, "weekly", *window)
    dead = start_report_run(store, "monthly", *window)
    host = process_owner().rpartition(":")[0]
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        with store.begin() as conn:
            conn.execute(
                report_runs.update().where(report_runs.c.id == live).values(owner=f"{host}:{child.pid}")
            )
            conn.execute(
                report_runs.update().where(report_runs.c.id == dead).values(owner=f"{host}:999999999")
            )
        assert close_stale_report_runs(store) == 1
        with store.begin() as conn:
            statuses = dict(conn.execute(sa.select(report_runs.c.id, report_runs.c.status)).all())
        assert statuses == {mine: "running", live: "running", dead: "interrupted"}
    finally:
        child.kill()
