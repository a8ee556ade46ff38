"""Fixtures for the report tests: a store with known numbers, a config with one report,
an SMTP server on loopback (aiosmtpd) and a headless Chromium (Selenium)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest

from monitor.config import Config
from monitor.store import Store
from tests.browser import chromium
from tests.support import free_port, load_module

FIXTURES = Path(__file__).parents[1] / "fixtures" / "reports"
# The report day of the known store is 2025-01-18 (UTC); a daily 07:00 UTC report made on
# the 19th covers it.
WINDOW_END = datetime(2025, 1, 19, 7, tzinfo=UTC)
EVENTS = [{"date": "2025-01-18", "label": "TikTok goes dark in the US"}]


known = load_module(FIXTURES / "known_store.py", "report_known_store")


@pytest.fixture
def known_store(store_url: str) -> Iterator[Store]:
    """The known store on each backend (``store_url`` in tests/conftest.py: SQLite and PostgreSQL)."""
    store = known.fill_known_store(Store(store_url))
    yield store
    store.engine.dispose()


def make_config(store: Store, tmp_path: Path, **report: Any) -> Config:
    """A config with one report, ``brief`` (previous day, html + csv), writing under tmp_path."""
    entry = {
        "name": "brief",
        "title": "Morning brief",
        "schedule": "0 7 * * *",
        "timezone": "UTC",
        "window": "previous day",
        "formats": ["html", "csv"],
        "output_dir": str(tmp_path / "reports"),
    }
    entry.update(report)
    return Config(store=store.url, events=EVENTS, reports=[entry])


@pytest.fixture
def config(known_store: Store, tmp_path: Path) -> Config:
    return make_config(known_store, tmp_path)


@dataclass
class SmtpServer:
    host: str
    port: int
    messages: list[Message] = field(default_factory=list)
    envelopes: list[Any] = field(default_factory=list)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) on a free loopback port that keeps what it receives."""
    from aiosmtpd.controller import Controller

    server = SmtpServer("127.0.0.1", free_port())

    class Keep:
        async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # noqa: N802
            server.envelopes.append(envelope)
            server.messages.append(message_from_bytes(envelope.content))
            return "250 Message accepted for delivery"

    controller = Controller(Keep(), hostname=server.host, port=server.port)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


@pytest.fixture
def browser() -> Iterator[Any]:
    with chromium((390, 844), phone=True, page_load_timeout=60) as driver:
        yield driver
