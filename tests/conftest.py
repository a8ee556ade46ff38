"""Shared fixtures: a temporary store and the test fixtures folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from monitor.store import Store

FIXTURES = Path(__file__).parent / "fixtures"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'monitor.db'}"


@pytest.fixture
def store(store_url: str) -> Store:
    return Store(store_url)
