"""Fixtures for the dashboard tests: a store with known numbers, the app served on a
free loopback port in a background thread, and a headless Chromium driven by Selenium."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from werkzeug.serving import BaseWSGIServer

from dashboard.app import create_app
from monitor.config import Config
from monitor.store import Store
from tests.browser import chromium
from tests.support import load_module, serve_wsgi

FIXTURES = Path(__file__).parents[1] / "fixtures" / "dashboard"
SCREENSHOTS = Path(__file__).parents[1] / "output" / "screenshots"
EVENTS = [{"date": "2025-01-19", "label": "TikTok goes dark in the US"}]


known = load_module(FIXTURES / "known_store.py", "known_store")


@pytest.fixture
def known_store(tmp_path: Path) -> Store:
    return known.fill_known_store(Store(f"sqlite:///{tmp_path / 'monitor.db'}"))


@pytest.fixture
def config(known_store: Store) -> Config:
    return Config(store=known_store.url, events=EVENTS, dashboard={"refresh": "2s"})


@dataclass
class LiveServer:
    url: str
    store: Store
    server: BaseWSGIServer


@pytest.fixture
def live_server(known_store: Store, config: Config) -> Iterator[LiveServer]:
    app = create_app(config, known_store)
    with serve_wsgi(app.server, join_seconds=10) as server:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", known_store, server)


@pytest.fixture
def browser() -> Iterator[object]:
    with chromium((1440, 1000)) as driver:
        yield driver


@pytest.fixture
def screenshot() -> object:
    """``screenshot(driver, name)`` saves a full-height PNG under tests/output/screenshots/."""
    return save_screenshot


def save_screenshot(driver: object, name: str) -> Path:
    """A full-height screenshot under tests/output/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.body.scrollHeight")  # type: ignore[attr-defined]
    driver.set_window_size(1440, max(1000, min(int(height) + 40, 4000)))  # type: ignore[attr-defined]
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))  # type: ignore[attr-defined]
    return path
