"""The topic taxonomy file and its validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.config import ConfigError
from monitor.scoring.topics import load_taxonomy

from .conftest import TOPICS

REQUIRED = {
    "ban_politics",
    "security_privacy",
    "free_speech",
    "migration",
    "cultural_exchange",
    "creators_business",
    "ownership_deal",
    "other",
}


def test_default_taxonomy_has_the_agreed_topics_with_examples_in_both_languages() -> None:
    taxonomy = load_taxonomy(TOPICS)
    assert {topic.id for topic in taxonomy.topics} == REQUIRED
    for topic in taxonomy.topics:
        assert topic.description
        assert 6 <= len(topic.examples) <= 12, topic.id
        assert 3 <= len(topic.examples_zh) <= 6, topic.id


def test_duplicate_topic_ids_are_refused_with_the_file_named(tmp_path: Path) -> None:
    path = tmp_path / "topics.yaml"
    path.write_text("topics:\n  - {id: a, name: A}\n  - {id: a, name: B}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"topics.yaml: topics: .*repeated: a"):
        load_taxonomy(path)


def test_unknown_keys_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "topics.yaml"
    path.write_text("topics:\n  - {id: a, name: A, exmaples: [x]}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"topics\[0\]\.exmaples: unknown key"):
        load_taxonomy(path)
