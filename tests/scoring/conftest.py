"""Scoring fixtures: the default scorer, built once per session (loading MiniLM takes seconds)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.config import Config, ModelConfig
from monitor.store import Store

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[2]
TOPICS = REPO / "configs" / "topics.yaml"
SCORING_FIXTURES = REPO / "tests" / "fixtures" / "scoring"


@pytest.fixture(scope="session")
def scoring_config() -> Config:
    """The shipped default model with the repository's topics file."""
    return Config(model=ModelConfig(), topics=TOPICS)


@pytest.fixture(scope="session")
def scorer(scoring_config: Config):  # noqa: ANN201 - the type lives behind a lazy import
    from monitor.scoring import build_scorer

    return build_scorer(scoring_config)


@pytest.fixture
def temp_store(store_url: str) -> Iterator[Store]:
    """A fresh store on each backend (``store_url`` in tests/conftest.py: SQLite and PostgreSQL)."""
    store = Store(store_url)
    yield store
    store.engine.dispose()
