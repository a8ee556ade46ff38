"""Secrets never leak: known secret values are seeded in the environment (API keys, app
passwords, OAuth client secrets, bearer tokens, session tokens a server hands back, SMTP
and store passwords, a webhook URL), every source and delivery is made to fail in the
ways that produce messages (retries spent, 401/403, a body that is not JSON), and every
output is searched for them: the CLI's stdout and stderr (logs included), ``monitor
status`` (text and JSON), ``monitor sources``, every log record at DEBUG from every
logger, every text cell of the store (runs, rejects, report runs), the report files and
a dump of the validated config."""

from __future__ import annotations

import json
import logging
import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from werkzeug import Request, Response

from monitor.config import load_config
from monitor.reports.produce import make_report
from monitor.service import run_service
from monitor.store import Store
from tests.support import serve_wsgi

ROOT = Path(__file__).parents[2]

SECRETS = {
    "BLUESKY_HANDLE": "secret-handle.bsky.social",
    "BLUESKY_APP_PASSWORD": "bsky-app-pw-7f3a9c21",
    "REDDIT_CLIENT_ID": "reddit-client-id-5e1d",
    "REDDIT_CLIENT_SECRET": "reddit-client-secret-99b2",
    "YOUTUBE_API_KEY": "AIzaYouTubeKey-4c8e0d7b",
    "X_BEARER_TOKEN": "x-bearer-token-1a2b3c4d",
    "BM_MASTODON_TOKEN": "mastodon-token-6d6d6d6d",
    "BM_SMTP_PASSWORD": "smtp-password-3e3e3e3e",
    "BM_DASHBOARD_TOKEN": "dashboard-token-8f8f8f8f8f8f",
}
# Secrets that servers hand back or that live inside other values.
BLUESKY_SESSION = "bsky-session-jwt-0c0c0c0c"
REDDIT_ACCESS = "reddit-access-token-0d0d0d0d"
WEBHOOK_SECRET = "hook-path-secret-0e0e0e0e"
STORE_PASSWORD = "store-password-0f0f0f0f"
EVERY_SECRET = [*SECRETS.values(), BLUESKY_SESSION, REDDIT_ACCESS, WEBHOOK_SECRET, STORE_PASSWORD]

# The loggers of this test's own fake servers, which see the secrets by design.
TEST_SERVERS = {"werkzeug", "mail.log"}

STATUS = {
    "id": "109",
    "uri": "https://masto.example/users/a/statuses/109",
    "url": "https://masto.example/@a/109",
    "content": "<p>the tiktok ban is here</p>",
    "created_at": "2025-01-18T10:00:00Z",
    "account": {"acct": "a", "username": "a"},
    "favourites_count": 3,
}


@Request.application
def hostile_api(request: Request) -> Response:
    """Every API the sources call, failing in the ways that make error messages."""
    path = request.path

    def reply(body: Any, status: int = 200) -> Response:
        return Response(json.dumps(body), status=status, content_type="application/json")

    if path == "/bsky/com.atproto.server.createSession":
        return reply({"accessJwt": BLUESKY_SESSION, "did": "did:plc:x"})
    if path == "/bsky/app.bsky.feed.searchPosts":
        return reply({"error": "InternalServerError"}, 500)
    if path == "/reddit/token":
        return reply({"access_token": REDDIT_ACCESS, "token_type": "bearer"})
    if path == "/reddit/search":
        return Response("<html>upstream broke</html>", status=200, content_type="text/html")
    if path == "/yt/commentThreads":
        return reply({"error": {"message": "The video has disabled comments."}}, 403)
    if path == "/yt/search":
        return reply({"error": {"message": "backend error"}}, 503)
    if path == "/x/tweets/search/recent":
        return reply({"title": "Unauthorized", "detail": "Unauthorized", "status": 401}, 401)
    if path == "/masto/api/v1/timelines/tag/tiktok":
        return reply([STATUS])
    if path.startswith("/hook/"):
        return Response("internal error", status=500)
    return Response("not found", status=404)


@pytest.fixture
def api() -> Iterator[str]:
    with serve_wsgi(hostile_api) as server:
        yield f"http://127.0.0.1:{server.server_port}"


@pytest.fixture
def smtp() -> Iterator[int]:
    """An SMTP server on loopback that asks for a login and refuses every one."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    class Refuse:
        async def handle_DATA(self, _server: Any, _session: Any, _envelope: Any) -> str:  # noqa: N802
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(
        Refuse(),
        hostname="127.0.0.1",
        port=port,
        authenticator=lambda *_args: AuthResult(success=False),
        auth_require_tls=False,
        auth_required=True,
    )
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def write_config(tmp_path: Path, api: str, smtp_port: int) -> Path:
    fast = {"retries": 1, "backoff": 0.01, "timeout": 5, "requests_per_minute": 60_000, "every": "1h"}
    config = {
        "store": f"sqlite:///{tmp_path / 'monitor.db'}",
        "topics": str(ROOT / "configs" / "topics.yaml"),
        "dashboard": {"auth": {"token_env": "BM_DASHBOARD_TOKEN"}},
        "sources": [
            {"name": "bsky", "type": "bluesky", "base_url": f"{api}/bsky", "query": "tiktok", **fast},
            {
                "name": "reddit",
                "type": "reddit",
                "base_url": f"{api}/reddit",
                "auth_url": f"{api}/reddit/token",
                "query": "tiktok",
                **fast,
            },
            {"name": "yt", "type": "youtube", "base_url": f"{api}/yt", "query": "tiktok ban", **fast},
            {"name": "yt-video", "type": "youtube", "base_url": f"{api}/yt", "videos": ["vid1"], **fast},
            {"name": "x", "type": "x", "base_url": f"{api}/x", "query": "tiktok", **fast},
            {
                "name": "masto",
                "type": "mastodon",
                "base_url": f"{api}/masto",
                "tag": "tiktok",
                "token_env": "BM_MASTODON_TOKEN",
                **fast,
            },
        ],
        "reports": [
            {
                "name": "brief",
                "schedule": "0 7 * * *",
                "window": "30d",
                "formats": ["html", "csv"],
                "output_dir": str(tmp_path / "reports"),
                "deliveries": [
                    {
                        "type": "email",
                        "host": "127.0.0.1",
                        "port": smtp_port,
                        "security": "none",
                        "user_env": "BM_SMTP_USER",
                        "password_env": "BM_SMTP_PASSWORD",
                        "sender": "monitor@example.org",
                        "to": ["analyst@example.org"],
                        "attempts": 1,
                        "timeout": 2,
                    },
                    {"type": "webhook", "url_env": "BM_HOOK_URL", "attempts": 1, "timeout": 5},
                ],
            }
        ],
    }
    path = tmp_path / "monitor.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def secret_env(api: str, config: Path) -> dict[str, str]:
    return {
        **SECRETS,
        "BM_SMTP_USER": "monitor-bot",
        "BM_HOOK_URL": f"{api}/hook/{WEBHOOK_SECRET}",
        "MONITOR_CONFIG": str(config),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }


def store_text(db: Path) -> str:
    """Every cell of every table, as text."""
    with sqlite3.connect(db) as conn:
        return "\n".join(conn.iterdump())


def files_text(folder: Path) -> str:
    return "\n".join(
        path.read_bytes().decode("utf-8", errors="replace")
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    )


def leaked(text: str) -> list[str]:
    return [secret for secret in EVERY_SECRET if secret in text]


def context(text: str) -> list[str]:
    """Each line that holds a secret (for the failure message)."""
    return [line[-300:] for line in text.splitlines() if leaked(line)]


@pytest.mark.slow
def test_no_secret_reaches_any_output_of_the_cli(tmp_path: Path, api: str, smtp: int) -> None:
    config = write_config(tmp_path, api, smtp)
    env = {**os.environ, **secret_env(api, config)}
    outputs: dict[str, str] = {}

    def monitor(*args: str, extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "monitor.cli", *args],
            cwd=tmp_path,
            env={**env, **(extra or {})},
            capture_output=True,
            text=True,
            timeout=240,
        )
        outputs[" ".join(args) + " (stdout)"] = result.stdout
        outputs[" ".join(args) + " (stderr)"] = result.stderr
        return result

    run = monitor("run", "--once", "--no-serve")
    assert run.returncode == 1 and "source(s) failed" in run.stderr  # the failures did happen
    monitor("status")
    status = monitor("status", "--json")
    monitor("sources")
    monitor("sources", "test", "yt")
    monitor("collect", "--source", "reddit")
    report = monitor("report", "run", "brief")
    assert "failed" in report.stdout + report.stderr
    broken_store = f"postgresql+psycopg://monitor:{STORE_PASSWORD}@127.0.0.1:1/monitor"
    assert monitor("status", extra={"MONITOR_DB_URL": broken_store}).returncode == 1
    assert monitor("db", "upgrade", extra={"MONITOR_DB_URL": broken_store}).returncode == 1

    report_json = json.loads(status.stdout)
    failed = {r["source"] for r in report_json["runs"] if r["status"] == "failed"}
    assert {"bsky", "yt", "x"} <= failed  # error messages were made, with URLs in them
    assert report_json["rejects"] >= 2
    outputs["store"] = store_text(tmp_path / "monitor.db")
    outputs["report files"] = files_text(tmp_path / "reports")
    outputs["config dump"] = load_config(config, env=env).model_dump_json()
    assert "youtube" in outputs["store"].lower() or "/yt/" in outputs["store"]
    found = {name: context(text) for name, text in outputs.items() if leaked(text)}
    assert not found, f"secrets leaked: {found}"


def test_no_secret_reaches_any_log_record(
    tmp_path: Path, api: str, smtp: int, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    config_path = write_config(tmp_path, api, smtp)
    for name, value in secret_env(api, config_path).items():
        monkeypatch.setenv(name, value)
    config = load_config(config_path)
    store = Store(config.store)
    caplog.set_level(logging.DEBUG)  # every logger, httpx and httpcore included
    outcomes = run_service(config, store, once=True, score=False)
    assert {o.source for o in outcomes if o.status == "failed"} >= {"bsky", "yt", "x"}
    # `monitor run` silences httpx's per-request lines: a webhook's URL is itself a secret.
    caplog.set_level(logging.WARNING, logger="httpx")
    outcome = make_report(config, config.reports[0], store, datetime(2025, 1, 20, 7, tzinfo=UTC))
    assert outcome is not None and {d.status for d in outcome.deliveries} == {"failed"}
    messages = "\n".join(
        f"{record.name} {record.getMessage()} {record.exc_text or ''}"
        for record in caplog.records
        if record.name not in TEST_SERVERS
    )
    assert "retrying" in messages and "delivery of brief failed" in messages
    assert "HTTP Request: GET" in messages and "key=***" in messages  # httpx's lines, redacted
    assert not leaked(messages), context(messages)
    errors = " ".join(f"{o.error} {[d.error for d in outcome.deliveries]}" for o in outcomes)
    assert not leaked(errors)
