"""Fixtures for the scale-out tests: posts to score and a scorer that needs no model."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import UTC, datetime

from monitor.models import Post, Score

WHEN = datetime(2025, 1, 19, 12, tzinfo=UTC)


def make_posts(count: int, start: int = 0, source: str = "test") -> list[Post]:
    return [
        Post(
            platform="x",
            native_id=f"{i:06d}",
            text=f"TikTok ban day {i}: moving to RedNote",
            created_at=WHEN,
            source=source,
        )
        for i in range(start, start + count)
    ]


class InstantScorer:
    """A stand-in for the transformer scorer: neutral, topic "other", and a record of every
    post id it was asked to score (across threads)."""

    version = "instant@test"

    def __init__(self) -> None:
        self.seen: list[str] = []
        self._lock = threading.Lock()

    def score(
        self, texts: Sequence[str], ids: Sequence[str] | None = None, progress: object = None
    ) -> list[Score]:
        ids = list(ids or [str(i) for i in range(len(texts))])
        with self._lock:
            self.seen.extend(ids)
        return [
            Score(
                post_id=post_id,
                model=self.version,
                sentiment="neutral",
                sentiment_score=0.0,
                probs={"negative": 0.2, "neutral": 0.6, "positive": 0.2},
                topic="other",
                topic_score=0.1,
                lang="und",
            )
            for post_id in ids
        ]
