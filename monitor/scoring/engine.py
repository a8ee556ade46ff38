"""Incremental scoring: score every stored post that has no score under the current model
version, chunk by chunk, saving each chunk as it is done (an interrupted run loses at most
one chunk and never scores a post twice)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from monitor.models import Score
from monitor.rollups import refresh_rollups
from monitor.scoring.language import UNDETERMINED
from monitor.scoring.scorer import Progress, Scorer
from monitor.store import PostToScore, Store

CHUNK = 2048


def post_text(post: PostToScore) -> str:
    """What is scored: the title and the text, when a post has a title."""
    title = (post.title or "").strip()
    text = post.text or ""
    return f"{title}\n{text}" if title and title not in text else text


def score_pending(
    scorer: Scorer,
    store: Store,
    *,
    rescore: bool = False,
    chunk: int = CHUNK,
    progress: Progress | None = None,
    on_total: Callable[[int], None] | None = None,
) -> int:
    """Score what has no score under ``scorer.version`` (with ``rescore``, delete that
    version's scores first); returns the number of posts scored."""
    if rescore:
        store.delete_scores(scorer.version)
    if on_total is not None:
        on_total(max(0, sum(store.posts_per_platform().values()) - store.count_scored(scorer.version)))
    scored, after = 0, ""
    oldest: int | None = None
    try:
        while True:
            batch = store.posts_to_score(scorer.version, chunk, after)
            if not batch:
                return scored
            scores = scorer.score([post_text(post) for post in batch], [post.id for post in batch], progress)
            store.save_scores(with_source_language(scores, batch))
            scored += len(scores)
            after = batch[-1].id
            first = min(post.created_at for post in batch)
            oldest = first if oldest is None else min(oldest, first)
    finally:
        if scored or rescore:  # what was saved shows in the dashboard's rollups
            refresh_rollups(store, scorer.version, since_ts=None if rescore else oldest)


def with_source_language(scores: Sequence[Score], batch: Sequence[PostToScore]) -> list[Score]:
    """Where the text has no letters to identify, keep the language the source declared."""
    return [
        replace(score, lang=post.lang) if score.lang == UNDETERMINED and post.lang else score
        for score, post in zip(scores, batch, strict=True)
    ]
