from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
import yaml

from monitor.config import Config
from monitor.service import MonitorService, preview_source, run_service
from monitor.store import Store

pytestmark = pytest.mark.allow_hosts(["127.0.0.1", "::1"])

ROOT = Path(__file__).parent.parent

# A local collector, named in config as module:Class: it writes one post per batch,
# slowly and forever, so a signal always arrives while it is mid-run.
SLOW_COLLECTOR = """
from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import ClassVar

from pydantic import BaseModel

from monitor.models import Post
from monitor.sources import Batch


class SlowOptions(BaseModel):
    delay: float = 0.2


class SlowCollector:
    Options: ClassVar[type[BaseModel]] = SlowOptions

    def __init__(self, name, options):
        self.name = name
        self.options = options

    def collect(self, cursor):
        count = int(cursor or 0)
        while True:
            time.sleep(self.options.delay)
            count += 1
            post = Post(platform="x", native_id=f"slow{count}", text=f"post {count} about the TikTok ban",
                        created_at=datetime.now(UTC), source=self.name)
            yield Batch(posts=[post], cursor=count)
"""


def closed_port() -> int:
    """A loopback port nothing listens on: connections are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def two_sources(tmp_path: Path, fixtures: Path, store_url: str) -> Config:
    return Config.model_validate(
        {
            "store": store_url,
            "sources": [
                {
                    "name": "broken-api",
                    "type": "hackernews",
                    "base_url": f"http://127.0.0.1:{closed_port()}",
                    "query": "tiktok",
                    "retries": 0,
                    "every": "1s",
                },
                {
                    "name": "export",
                    "type": "files",
                    "path": str(fixtures / "files/posts_broken.jsonl"),
                    "platform": "column:platform",
                    "every": "1s",
                },
                {"name": "off", "type": "files", "path": "missing.csv", "platform": "x", "enabled": False},
            ],
        }
    )


def test_one_failing_source_does_not_stop_the_others(tmp_path, fixtures, store: Store, store_url) -> None:
    config = two_sources(tmp_path, fixtures, store_url)
    outcomes = run_service(config, store, once=True, score=False)
    assert [(o.source, o.status) for o in outcomes] == [("broken-api", "failed"), ("export", "ok")]
    assert store.posts_per_platform() == {"bluesky": 1, "x": 2}
    runs = {run["source"]: run for run in store.last_runs()}
    assert runs["broken-api"]["status"] == "failed" and "connection failed" in runs["broken-api"]["error"]
    assert runs["export"]["status"] == "ok" and runs["export"]["posts_new"] == 3
    assert "off" not in runs


def test_new_posts_are_scored_after_each_collect(tmp_path, fixtures, store: Store, store_url) -> None:
    calls = []
    service = MonitorService(
        two_sources(tmp_path, fixtures, store_url), store, scorer=lambda c, s: calls.append(1) or 3
    )
    service.run_once()
    assert calls == [1]


def test_a_missing_scorer_is_logged_once_and_collecting_goes_on(tmp_path, fixtures, store, store_url, caplog):
    def missing(config, store):
        raise ImportError("No module named 'monitor.scoring.commands'")

    service = MonitorService(two_sources(tmp_path, fixtures, store_url), store, scorer=missing)
    service.run_once()
    store.clear_cursor("export")
    service.run_once()
    assert sum("scoring is not available" in r.message for r in caplog.records) == 1


def test_the_scheduler_runs_sources_until_stopped(tmp_path, fixtures, store: Store, store_url) -> None:
    config = two_sources(tmp_path, fixtures, store_url)
    stop = threading.Event()
    thread = threading.Thread(
        target=run_service,
        args=(config, store),
        kwargs={"serve_dashboard": False, "stop_event": stop, "score": False},
    )
    thread.start()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len(store.last_runs()) < 4:
        time.sleep(0.1)
    stop.set()
    thread.join(10)
    assert not thread.is_alive()
    runs = store.last_runs(50)
    assert {r["source"] for r in runs} == {"broken-api", "export"}
    assert sum(r["source"] == "broken-api" for r in runs) >= 2  # it keeps being retried on its interval
    assert all(r["status"] != "running" for r in runs)


def test_preview_shows_one_fetch_without_storing(tmp_path, fixtures, store: Store, store_url) -> None:
    preview = preview_source(two_sources(tmp_path, fixtures, store_url), "export")
    assert len(preview.posts) == 3 and len(preview.rejects) == 3
    assert preview.cursor["complete"] is True
    assert store.posts_per_platform() == {} and store.last_runs() == []


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_finishes_the_batch_in_hand_and_exits_cleanly(tmp_path: Path, signum: int) -> None:
    (tmp_path / "slowsource.py").write_text(textwrap.dedent(SLOW_COLLECTOR))
    db = tmp_path / "monitor.db"
    config_path = tmp_path / "monitor.yaml"
    config_path.write_text(
        yaml.safe_dump(
            {
                "store": f"sqlite:///{db}",
                "sources": [
                    {"name": "slow", "type": "slowsource:SlowCollector", "delay": 0.2, "every": "1h"}
                ],
            }
        )
    )
    code = (
        "from monitor.config import load_config; from monitor.store import Store; "
        "from monitor.service import run_service; "
        f"c = load_config({str(config_path)!r}); "
        "run_service(c, Store(c.store), serve_dashboard=False, score=False)"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    store = Store(f"sqlite:///{db}")  # migrated before the service starts: two migrations at once race
    process = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=tmp_path, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and store.get_cursor("slow") is None:
            time.sleep(0.1)
        if store.get_cursor("slow") is None:
            process.kill()
            pytest.fail(f"the source never wrote a batch: {process.communicate()[1].decode()[-2000:]}")
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr.decode()
    (run,) = store.last_runs()
    assert run["status"] == "ok" and run["finished_at"] is not None
    # The cursor counts the posts written with it: none lost, none half-written.
    assert store.get_cursor("slow") == store.posts_per_platform()["x"] == run["posts_new"]
