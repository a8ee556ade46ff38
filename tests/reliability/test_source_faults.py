"""Broken sources do not slow or stop the others: one that hangs, one that answers 500
forever, one that returns garbage and one that closes the connection mid-body run beside
a healthy source under ``monitor run``'s scheduler; the healthy one finishes in its usual
time, and each failure shows on the Sources page's data and in ``monitor status``."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from werkzeug import Request, Response
from werkzeug.serving import make_server

from monitor.config import Config
from monitor.queries import source_status
from monitor.service import run_service
from monitor.store import Store

HITS = {
    "hits": [
        {"objectID": str(i), "title": f"tiktok ban {i}", "created_at_i": 1737194400 + i, "_tags": ["story"]}
        for i in range(5)
    ],
    "nbHits": 5,
    "nbPages": 1,
}


@Request.application
def api(request: Request) -> Response:
    if request.path.startswith("/hang/"):
        time.sleep(30)
    if request.path.startswith("/error/"):
        return Response("oops", status=500)
    if request.path.startswith("/garbage/"):
        return Response(b"\x00\xff<html>not json", status=200, content_type="application/json")
    return Response(json.dumps(HITS), content_type="application/json")


@pytest.fixture
def servers() -> Iterator[tuple[str, str]]:
    http = make_server("127.0.0.1", 0, api, threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    cut = socket.socket()
    cut.bind(("127.0.0.1", 0))
    cut.listen(16)

    def close_mid_body() -> None:
        while True:
            try:
                conn, _ = cut.accept()
            except OSError:
                return
            conn.recv(65536)
            conn.sendall(
                b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"hits": ['
            )
            conn.close()

    threading.Thread(target=close_mid_body, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{http.server_port}", f"http://127.0.0.1:{cut.getsockname()[1]}"
    finally:
        http.shutdown()
        cut.close()


def finished_sources(store: Store) -> set[str]:
    return {run["source"] for run in store.last_runs(50) if run["finished_at"]}


def test_broken_sources_do_not_slow_or_stop_the_healthy_one(servers: tuple[str, str], tmp_path) -> None:  # noqa: ANN001
    api_url, cut_url = servers
    common = {"type": "hackernews", "since": "2025-01-18", "until": "2025-01-19", "every": "1h"}
    fast = {"timeout": 1, "retries": 1, "backoff": 0.05, "requests_per_minute": 60_000}
    config = Config.model_validate(
        {
            "store": f"sqlite:///{tmp_path / 'monitor.db'}",
            "sources": [
                {"name": "hangs", "base_url": f"{api_url}/hang", **common, **fast},
                {"name": "errors", "base_url": f"{api_url}/error", **common, **fast, "retries": 20},
                {"name": "garbage", "base_url": f"{api_url}/garbage", **common, **fast},
                {"name": "cut", "base_url": cut_url, **common, **fast},
                {"name": "healthy", "base_url": f"{api_url}/ok", **common, **fast},
            ],
        }
    )
    store = Store(config.store)
    stop = threading.Event()
    thread = threading.Thread(
        target=run_service,
        args=(config, store),
        kwargs={"serve_dashboard": False, "stop_event": stop, "score": False},
    )
    started = time.monotonic()
    thread.start()
    try:
        deadline = started + 20
        while time.monotonic() < deadline and store.posts_per_platform().get("hackernews", 0) < 5:
            time.sleep(0.1)
        healthy_after = time.monotonic() - started
        expected = {"healthy", "hangs", "garbage", "cut"}  # "errors" is still retrying: fine
        while time.monotonic() < deadline and not expected <= finished_sources(store):
            time.sleep(0.1)
        status = source_status(store, [s.name for s in config.sources]).set_index("source")
    finally:
        stop.set()
        thread.join(30)
    assert not thread.is_alive()
    assert store.posts_per_platform() == {"hackernews": 5}
    assert healthy_after < 5, f"the healthy source took {healthy_after:.1f}s"

    assert status.loc["healthy", "status"] == "ok"
    assert status.loc["hangs", "status"] == "failed" and "timed out" in status.loc["hangs", "last_error"]
    assert status.loc["cut", "status"] == "failed" and "connection failed" in status.loc["cut", "last_error"]
    assert status.loc["garbage", "rejects"] == 1  # the page is kept as a reject
    assert status.loc["errors", "status"] == "running"  # still retrying with backoff, on its own thread
