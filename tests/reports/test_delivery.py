"""Deliveries: email with attachments to a real SMTP server on loopback, a webhook to a
local HTTP server, a folder; failures retried with backoff, errors kept, files kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from monitor.reports.produce import make_report, redeliver
from monitor.reports.runs import get_report_run, past_report_runs
from monitor.store import Store
from tests.reports.conftest import WINDOW_END, SmtpServer, make_config
from tests.support import free_port


class Sleeps(list):
    """Records the backoff delays instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def email(server_port: int, **extra: object) -> dict:
    entry = {
        "type": "email",
        "host": "127.0.0.1",
        "port": server_port,
        "security": "none",
        "sender": "monitor@example.org",
        "to": ["team@example.org", "boss@example.org"],
        "attach": ["html", "csv"],
        "backoff": "2s",
    }
    entry.update(extra)
    return entry


def test_email_arrives_with_its_attachments(
    known_store: Store, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    config = make_config(known_store, tmp_path, deliveries=[email(smtp_server.port)])
    outcome = make_report(config, config.reports[0], known_store, WINDOW_END)
    assert outcome is not None and outcome.status == "ok", outcome
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["Subject"].startswith("Morning brief: Sat 18 Jan 2025")
    assert sorted(smtp_server.envelopes[0].rcpt_tos) == ["boss@example.org", "team@example.org"]
    names = [part.get_filename() for part in message.walk() if part.get_filename()]
    assert "brief-20250119-0700.html" in names
    assert "posts.csv" in names and "headline.csv" in names
    body = next(part for part in message.walk() if part.get_content_type() == "text/plain")
    assert "tiktok: 4 posts (+100% vs previous)" in body.get_payload(decode=True).decode()


def test_a_failed_email_is_retried_with_backoff_and_the_files_are_kept(
    known_store: Store, tmp_path: Path
) -> None:
    closed_port = free_port()
    config = make_config(known_store, tmp_path, deliveries=[email(closed_port, attempts=3)])
    sleeps = Sleeps()
    outcome = make_report(config, config.reports[0], known_store, WINDOW_END, sleep=sleeps)
    assert outcome is not None and outcome.status == "partial"
    assert sleeps == [2.0, 4.0]
    delivery = outcome.deliveries[0]
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert "Connection" in delivery.error or "refused" in delivery.error.lower()
    assert all(path.exists() for path in outcome.files)
    run = get_report_run(known_store, outcome.run_id)
    assert run is not None and run.status == "partial"
    assert run.deliveries[0].error == delivery.error
    assert len(run.files) == len(outcome.files)


def test_a_failed_delivery_can_be_retried_later_from_the_files(
    known_store: Store, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    down = make_config(known_store, tmp_path, deliveries=[email(free_port(), attempts=1)])
    outcome = make_report(down, down.reports[0], known_store, WINDOW_END, sleep=Sleeps())
    assert outcome is not None and outcome.status == "partial"
    up = make_config(known_store, tmp_path, deliveries=[email(smtp_server.port)])
    retried = redeliver(up, known_store, outcome.run_id)
    assert [(d.status, d.attempts) for d in retried] == [("ok", 2)]
    assert len(smtp_server.messages) == 1
    assert get_report_run(known_store, outcome.run_id).status == "ok"


def test_a_missing_password_variable_fails_at_once_and_says_which(known_store: Store, tmp_path: Path) -> None:
    entry = email(free_port(), user_env="BM_SMTP_USER", password_env="BM_SMTP_PASSWORD")
    config = make_config(known_store, tmp_path, deliveries=[entry])
    sleeps = Sleeps()
    outcome = make_report(config, config.reports[0], known_store, WINDOW_END, env={}, sleep=sleeps)
    assert outcome is not None
    assert outcome.deliveries[0].attempts == 1 and sleeps == []
    assert "BM_SMTP_USER" in outcome.deliveries[0].error


def test_the_webhook_receives_a_slack_compatible_summary(
    known_store: Store, tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_oneshot_request("/hook", method="POST").respond_with_data("ok")
    config = make_config(
        known_store,
        tmp_path,
        deliveries=[{"type": "webhook", "url": httpserver.url_for("/hook")}],
        link_base="https://monitor.example.org/reports",
    )
    outcome = make_report(config, config.reports[0], known_store, WINDOW_END)
    assert outcome is not None and outcome.status == "ok"
    ((request, _),) = httpserver.log
    payload = json.loads(request.get_data())
    assert payload["text"].startswith("Morning brief: Sat 18 Jan 2025")
    assert {block["type"] for block in payload["blocks"]} >= {"header", "section"}
    link = "https://monitor.example.org/reports/brief/20250119-0700/brief-20250119-0700.html"
    assert link in json.dumps(payload)
    assert payload["report"]["total_posts"] == 9
    assert outcome.deliveries[0].target.endswith("/…")  # the URL's path (often a secret) is not recorded


def test_a_webhook_error_is_retried_until_it_succeeds(
    known_store: Store, tmp_path: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    httpserver.expect_ordered_request("/hook").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/hook").respond_with_data("ok")
    monkeypatch.setenv("BM_HOOK", httpserver.url_for("/hook"))
    config = make_config(known_store, tmp_path, deliveries=[{"type": "webhook", "url_env": "BM_HOOK"}])
    sleeps = Sleeps()
    outcome = make_report(config, config.reports[0], known_store, WINDOW_END, sleep=sleeps)
    assert outcome is not None
    assert (outcome.deliveries[0].status, outcome.deliveries[0].attempts) == ("ok", 2)
    assert sleeps == [10.0]


def test_the_folder_delivery_copies_every_file(known_store: Store, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    config = make_config(known_store, tmp_path, deliveries=[{"type": "folder", "path": str(shared)}])
    outcome = make_report(config, config.reports[0], known_store, WINDOW_END)
    assert outcome is not None and outcome.status == "ok"
    copied = shared / "brief" / "20250119-0700"
    assert (copied / "brief-20250119-0700.html").exists()
    assert (copied / "csv" / "posts.csv").exists()


def test_every_run_is_recorded_and_listed_for_the_dashboard(known_store: Store, tmp_path: Path) -> None:
    config = make_config(known_store, tmp_path)
    first = make_report(config, config.reports[0], known_store, WINDOW_END)
    second = make_report(config, config.reports[0], known_store, WINDOW_END)
    assert first is not None and second is not None
    assert first.folder != second.folder  # a second run never overwrites the first one's files
    runs = past_report_runs(known_store)
    assert runs["id"].tolist() == [second.run_id, first.run_id]
    assert runs.loc[0, "status"] == "ok"
    assert str(runs.loc[0, "window_start"]) == "2025-01-18 00:00:00+00:00"
    assert any(name.endswith(".html") for name in runs.loc[0, "files"])
