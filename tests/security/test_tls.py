"""TLS certificates are checked on every outgoing connection unless a source turns it off
explicitly (``verify_tls: false``), which logs a warning. Checked against a real HTTPS
server on loopback with a self-signed certificate."""

from __future__ import annotations

import json
import logging
import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug import Request, Response

from collectors.hackernews import HackerNewsCollector, HackerNewsOptions
from collectors.http import FetchError, HttpOptions
from monitor.sources import load_collector_class, run_collector
from monitor.store import Store
from tests.support import serve_wsgi

HITS = {
    "hits": [
        {
            "objectID": "1",
            "title": "TikTok ban",
            "created_at": "2025-01-18T10:00:00Z",
            "created_at_i": 1737194400,
            "_tags": ["story"],
        }
    ],
    "nbHits": 1,
    "nbPages": 1,
}


@Request.application
def api(_request: Request) -> Response:
    return Response(json.dumps(HITS), content_type="application/json")


@pytest.fixture
def https_url(tmp_path: Path) -> Iterator[str]:
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a self-signed certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with serve_wsgi(api, ssl_context=context) as server:
        yield f"https://127.0.0.1:{server.server_port}"


def collector(url: str, **options: object) -> HackerNewsCollector:
    return HackerNewsCollector(
        "hn",
        HackerNewsOptions(
            base_url=url, since="2025-01-18", until="2025-01-19", window="1d", retries=0, timeout=5, **options
        ),
    )


def test_every_http_source_kind_verifies_certificates_by_default() -> None:
    kinds = ["bluesky", "jetstream", "mastodon", "reddit", "hackernews", "news", "youtube", "x"]
    for kind in kinds:
        options = load_collector_class(kind).Options
        assert issubclass(options, HttpOptions)
        assert options.model_fields["verify_tls"].default is True, kind


def test_a_self_signed_certificate_is_refused(https_url: str) -> None:
    store = Store("sqlite://")
    with pytest.raises(FetchError, match="connection failed"):
        run_collector(store, collector(https_url), "hn")
    assert store.last_runs(1)[0]["status"] == "failed"
    assert store.posts_per_platform() == {}


def test_turning_verification_off_for_one_source_works_and_warns(
    https_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    store = Store("sqlite://")
    with caplog.at_level(logging.WARNING, logger="collectors.http"):
        result, _ = run_collector(store, collector(https_url, verify_tls=False), "hn")
    assert result.new == 1
    assert any("TLS certificate verification is OFF" in r.getMessage() for r in caplog.records)


def test_report_webhooks_verify_certificates(https_url: str) -> None:
    from monitor.config import WebhookDeliveryConfig
    from monitor.reports.delivery import ReportSummary, post_webhook

    delivery = WebhookDeliveryConfig(type="webhook", url=f"{https_url}/hook", timeout=5)
    summary = ReportSummary(report="brief", title="Brief", period="a day", total_posts=0)
    with pytest.raises(Exception, match="CERTIFICATE_VERIFY_FAILED|certificate verify failed"):
        post_webhook(delivery, summary, env={})
