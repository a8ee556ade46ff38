"""Two ``monitor run`` processes on one PostgreSQL store: each source is collected by one
of them at a time (a lease per source), and a report schedule fires once per fire time
across both."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from monitor.reports.runs import report_run_list
from monitor.store import Store, runs

ROOT = Path(__file__).parents[2]

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

# A source that writes two small batches per collect, slowly, and logs when each collect
# starts and ends (pid, source, time) to a shared file, so overlaps can be checked.
RELAY_COLLECTOR = """
from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from typing import ClassVar

from pydantic import BaseModel

from monitor.models import Post
from monitor.sources import Batch


class RelayOptions(BaseModel):
    log: str
    delay: float = 0.3


class RelayCollector:
    Options: ClassVar[type[BaseModel]] = RelayOptions

    def __init__(self, name, options):
        self.name = name
        self.options = options

    def _log(self, event):
        with open(self.options.log, "a") as out:
            out.write(f"{os.getpid()} {self.name} {event} {time.time():.6f}\\n")

    def collect(self, cursor):
        self._log("start")
        try:
            count = int(cursor or 0)
            for _ in range(2):
                time.sleep(self.options.delay)
                posts = [
                    Post(platform="x", native_id=f"{self.name}-{count + i}", text=f"post {count + i}",
                         created_at=datetime.now(UTC), source=self.name)
                    for i in range(3)
                ]
                count += 3
                yield Batch(posts=posts, cursor=count)
        finally:
            self._log("end")
"""


def overlaps(log: Path) -> list[tuple[str, float]]:
    """Moments at which two processes were inside a collect of the same source."""
    inside: dict[str, set[str]] = {}
    found = []
    events = sorted(
        (float(moment), pid, source, event)
        for pid, source, event, moment in (line.split() for line in log.read_text().splitlines())
    )
    for moment, pid, source, event in events:
        holders = inside.setdefault(source, set())
        if event == "start":
            if holders:
                found.append((source, moment))
            holders.add(pid)
        else:
            holders.discard(pid)
    return found


def test_two_monitors_collect_each_source_one_at_a_time_and_fire_reports_once(
    postgres_url: str, tmp_path: Path
) -> None:
    from tests.postgres_server import reset_database

    reset_database(postgres_url)
    (tmp_path / "relaysource.py").write_text(textwrap.dedent(RELAY_COLLECTOR))
    log = tmp_path / "collects.log"
    config = {
        "store": postgres_url,
        "sources": [
            {"name": name, "type": "relaysource:RelayCollector", "log": str(log), "every": "1s"}
            for name in ("alpha", "beta")
        ],
        "reports": [
            {
                "name": "pulse",
                "schedule": "*/3 * * * * *",  # every three seconds
                "window": "24h",
                "formats": ["csv"],
                "output_dir": str(tmp_path / "reports"),
            }
        ],
    }
    config_path = tmp_path / "monitor.yaml"
    config_path.write_text(yaml.safe_dump(config), encoding="utf-8")
    store = Store(postgres_url)  # migrated once before both start
    env = {
        **os.environ,
        "MONITOR_CONFIG": str(config_path),
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]),
    }
    env.pop("MONITOR_DB_URL", None)
    command = [sys.executable, "-m", "monitor.cli", "run", "--no-serve", "--no-score"]
    monitors = [
        subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in range(2)
    ]
    try:
        time.sleep(14)
    finally:
        for monitor in monitors:
            monitor.send_signal(signal.SIGTERM)
        outputs = [monitor.communicate(timeout=30)[0].decode() for monitor in monitors]
    for monitor, output in zip(monitors, outputs, strict=True):
        assert monitor.returncode == 0, output[-3000:]

    assert overlaps(log) == []
    collectors = {line.split()[0] for line in log.read_text().splitlines()}
    with store.engine.connect() as conn:
        collect_runs = conn.execute(
            sa.select(runs.c.source, runs.c.posts_new, runs.c.posts_updated, runs.c.status).where(
                runs.c.kind == "collect"
            )
        ).all()
    assert len(collect_runs) >= 8
    # Taking turns from the shared cursor, nobody ever fetched a post twice.
    assert sum(run.posts_updated for run in collect_runs) == 0
    assert sum(run.posts_new for run in collect_runs) == sum(store.posts_per_platform().values())
    assert all(run.status == "ok" for run in collect_runs)
    assert len(collectors) >= 1

    report_runs = report_run_list(store, "pulse")
    fire_times = [run.scheduled_for for run in report_runs]
    assert len(fire_times) >= 3
    assert len(set(fire_times)) == len(fire_times)  # one run per fire time across both monitors
    assert all(run.status == "ok" for run in report_runs)
    store.engine.dispose()
