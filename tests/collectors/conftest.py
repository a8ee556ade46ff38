"""Shared replay helpers for the collector tests.

Every collector is tested against a real HTTP server on loopback (pytest-httpserver)
that replays responses hand-written from each API's documentation
(``tests/fixtures/replay/<kind>/``). Sockets may only connect to loopback here, so a
collector that forgot its base URL fails instead of reaching the internet.

Test modules reach the helpers through fixtures (conftest modules are not importable
by name): ``replay`` queues responses per path (the last one repeats) and loads fixture
bodies, ``fast`` gives options with short timeouts and waits, ``collect`` runs a collector
against the test store, and ``resilience`` runs the cases every HTTP collector must
survive (429 with Retry-After, 500 then success, a timeout, a body that is not JSON, an
empty page, retries spent) against a collector described by ``resilience.spec(...)``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from pytest_socket import enable_socket, socket_allow_hosts
from werkzeug import Request, Response

from monitor.sources import run_collector
from monitor.store import Store, WriteResult

REPLAY = Path(__file__).parent.parent / "fixtures" / "replay"
LOOPBACK = ["127.0.0.1", "::1", "localhost"]

# Options that keep retries and waits short enough for tests.
FAST = {"timeout": 0.5, "backoff": 0.01, "retries": 3, "requests_per_minute": 60_000, "max_wait": 5}


@pytest.fixture(autouse=True)
def _loopback_only() -> Any:
    socket_allow_hosts(LOOPBACK, allow_unix_socket=True)
    yield
    enable_socket()


def load(kind: str, name: str) -> Any:
    """A hand-written replay body from ``tests/fixtures/replay/<kind>/<name>``."""
    path = REPLAY / kind / name
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if path.suffix == ".json" else text


@dataclass
class Reply:
    """One queued response: a JSON body (or raw text), a status, headers, an optional delay."""

    body: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    raw: str | bytes | None = None
    content_type: str = "application/json"

    def response(self) -> Response:
        if self.delay:
            time.sleep(self.delay)
        data = self.raw if self.raw is not None else json.dumps(self.body)
        return Response(data, status=self.status, headers=self.headers, content_type=self.content_type)


class Replay:
    """Queues of replies per path on a local HTTP server; the last reply of a queue repeats."""

    Reply = Reply

    @staticmethod
    def load(kind: str, name: str) -> Any:
        return load(kind, name)

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.queues: dict[str, list[Any]] = {}
        self.requests: list[Request] = []

    def url(self, path: str = "") -> str:
        return self.server.url_for(path).rstrip("/")

    def queue(self, path: str, *replies: Reply | Callable[[Request], Any] | Any, method: str = "GET") -> None:
        """Replies for ``path`` in order; a callable is asked for the reply to each request."""
        wrapped = [r if isinstance(r, Reply) or callable(r) else Reply(r) for r in replies]
        if path not in self.queues:
            self.server.expect_request(path, method=method).respond_with_handler(self._handler(path))
        self.queues.setdefault(path, []).extend(wrapped)

    def _handler(self, path: str) -> Callable[[Request], Response]:
        def handle(request: Request) -> Response:
            self.requests.append(request)
            queue = self.queues[path]
            reply = queue.pop(0) if len(queue) > 1 else queue[0]
            if callable(reply):
                reply = reply(request)
            return (reply if isinstance(reply, Reply) else Reply(reply)).response()

        return handle

    def calls(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]


@pytest.fixture
def replay(httpserver: HTTPServer) -> Replay:
    return Replay(httpserver)


@pytest.fixture
def fast() -> dict[str, Any]:
    return dict(FAST)


@dataclass
class ReplaySpec:
    """What the resilience cases need to know about one collector."""

    make: Callable[[str], Any]  # base URL -> collector with FAST options
    page_path: str  # the path of the first content request
    page: Any  # a body that ends the run with ``expected`` posts
    expected: int
    empty: Any  # a body with no items
    base_path: str = ""
    prepare: Callable[[Replay], None] | None = None  # login or token endpoints
    malformed_reason: str = "not JSON"


def run_to_end(store: Store, collector: Any, name: str = "test") -> tuple[WriteResult, dict[str, Any]]:
    """Run a collector to the end against the store; returns what was written and the run."""
    result, run_id = run_collector(store, collector, name)
    run = next(r for r in store.last_runs(50) if r["id"] == run_id)
    return result, run


@pytest.fixture
def collect(store: Store) -> Callable[..., tuple[WriteResult, dict[str, Any]]]:
    """``collect(collector, name="test")`` runs it against the test store."""

    def run(collector: Any, name: str = "test") -> tuple[WriteResult, dict[str, Any]]:
        return run_to_end(store, collector, name)

    return run


class Resilience:
    """The failure cases every HTTP collector must survive, run against a spec."""

    def __init__(self, replay: Replay, store: Store) -> None:
        self.replay = replay
        self.store = store

    @staticmethod
    def spec(**fields: Any) -> ReplaySpec:
        return ReplaySpec(**fields)

    def _start(self, spec: ReplaySpec, *replies: Reply | Any) -> Any:
        if spec.prepare is not None:
            spec.prepare(self.replay)
        self.replay.queue(spec.page_path, *replies)
        return spec.make(self.replay.url(spec.base_path))

    # Every HTTP collector's test module runs all of these against its own ``spec``
    # (``pytest_generate_tests`` below).
    CASES = (
        "retry_after_429",
        "server_error_then_success",
        "timeout_then_success",
        "malformed_json_becomes_a_reject",
        "empty_page_stores_nothing",
        "gives_up_and_records_the_error",
    )

    def retry_after_429(self, spec: ReplaySpec) -> None:
        collector = self._start(
            spec, Reply({"error": "RateLimitExceeded"}, 429, {"Retry-After": "1"}), spec.page
        )
        started = time.monotonic()
        result, run = run_to_end(self.store, collector)
        assert time.monotonic() - started >= 0.9
        assert (result.new, run["status"]) == (spec.expected, "ok")
        assert len(self.replay.calls(spec.page_path)) == 2

    def server_error_then_success(self, spec: ReplaySpec) -> None:
        collector = self._start(
            spec, Reply({"error": "InternalServerError"}, 500), Reply(None, 503), spec.page
        )
        result, run = run_to_end(self.store, collector)
        assert (result.new, run["status"]) == (spec.expected, "ok")
        assert len(self.replay.calls(spec.page_path)) == 3

    def timeout_then_success(self, spec: ReplaySpec) -> None:
        slow = replace(spec.page, delay=0.8) if isinstance(spec.page, Reply) else Reply(spec.page, delay=0.8)
        collector = self._start(spec, slow, spec.page)
        result, run = run_to_end(self.store, collector)
        assert (result.new, run["status"]) == (spec.expected, "ok")

    def malformed_json_becomes_a_reject(self, spec: ReplaySpec) -> None:
        collector = self._start(spec, Reply(raw="<html>upstream error</html>", content_type="text/html"))
        result, run = run_to_end(self.store, collector)
        assert (result.new, result.rejected, run["status"]) == (0, 1, "ok")
        (reject,) = self.store.recent_rejects(5)
        assert spec.page_path in reject["location"] and spec.malformed_reason in reject["reason"]
        assert "upstream error" in reject["raw"]

    def empty_page_stores_nothing(self, spec: ReplaySpec) -> None:
        collector = self._start(spec, spec.empty)
        result, run = run_to_end(self.store, collector)
        assert (result.new, result.rejected, run["status"]) == (0, 0, "ok")

    def gives_up_and_records_the_error(self, spec: ReplaySpec) -> None:
        collector = self._start(spec, Reply({"error": "down"}, 502))
        with pytest.raises(Exception, match="502"):
            run_to_end(self.store, collector)
        run = self.store.last_runs(1)[0]
        assert run["status"] == "failed" and "502" in run["error"]
        assert len(self.replay.calls(spec.page_path)) == FAST["retries"] + 1


@pytest.fixture
def resilience(replay: Replay, store: Store) -> Resilience:
    return Resilience(replay, store)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test asking for ``resilience_case`` runs once per ``Resilience.CASES``."""
    if "resilience_case" in metafunc.fixturenames:
        metafunc.parametrize("resilience_case", Resilience.CASES)
