"""``monitor serve``: the dashboard under gunicorn, several worker processes over one
store, answering pages and callbacks, and stopping cleanly on SIGTERM."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from monitor.store import Store
from tests.support import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_monitor_serve_runs_worker_processes_that_answer(known_store: Store, tmp_path: Path) -> None:
    config = tmp_path / "monitor.yaml"
    config.write_text("dashboard: {host: 127.0.0.1, refresh: 2s}\n", encoding="utf-8")
    port = free_port()
    scratch = tmp_path / "tmp"  # where the workers' shared keyword directory goes
    scratch.mkdir()
    env = {
        **os.environ,
        "MONITOR_DB_URL": known_store.url,
        "MONITOR_CONFIG": str(config),
        "TMPDIR": str(scratch),
    }
    command = [sys.executable, "-m", "monitor.cli", "serve", "--port", str(port), "--workers", "2"]
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.TransportError):  # not listening yet
                if httpx.get(base + "/", timeout=5).status_code == 200:
                    break
            assert server.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
        assert httpx.get(base + "/_dash-layout", timeout=10).status_code == 200
        with httpx.Client(base_url=base, timeout=10) as client:  # several requests, maybe both workers
            assert all(client.get("/posts").status_code == 200 for _ in range(6))
        assert log.read_text().count("Booting worker") == 2
        assert [path.name[:21] for path in scratch.iterdir()] == ["ban-monitor-keywords-"]
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0, log.read_text()
    assert list(scratch.iterdir()) == []  # removed with the server
