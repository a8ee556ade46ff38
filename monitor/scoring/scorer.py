"""The scoring pipeline shared by every scorer: identical texts are scored once, the language
identifier gives each a language, which routes it to a path (the English encoder and head,
or the multilingual ones: see ``routing``); on each path a sentiment model gives class
probabilities and the topic matcher a topic, assembled into ``Score`` records.

A sentiment model may hand back the sentence embeddings it computed on the way (the frozen
head does: sentiment and topic then cost one encoder pass); otherwise the topic encoder
embeds the texts itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from monitor.models import SENTIMENTS, Score
from monitor.scoring.encoder import SENTENCE_POOLING, Encoder
from monitor.scoring.language import LanguageIdentifier
from monitor.scoring.routing import ENGLISH, MULTILINGUAL, UNKNOWN_LANGUAGE_FACTOR, route
from monitor.scoring.topics import TopicMatch, TopicMatcher

Progress = Callable[[int], None]


class SentimentModel(Protocol):
    """Class probabilities (columns negative, neutral, positive) for texts, and optionally
    the sentence embeddings computed along the way."""

    def predict(
        self, texts: Sequence[str], progress: Progress | None = None
    ) -> tuple[np.ndarray, np.ndarray | None]: ...


class Scorer(Protocol):
    """What every scorer offers: ``score(texts)``, under a model version id."""

    version: str

    def score(
        self, texts: Sequence[str], ids: Sequence[str] | None = None, progress: Progress | None = None
    ) -> list[Score]: ...


@dataclass
class ScoringPath:
    """One way through the pipeline: a sentiment model, the encoder that embeds posts for
    topics when the sentiment model does not hand embeddings back, and the topic matcher
    built on that encoder's embeddings."""

    sentiment: SentimentModel
    topic_encoder: Encoder
    matcher: TopicMatcher

    def run(self, texts: Sequence[str], progress: Progress | None) -> tuple[np.ndarray, list[TopicMatch]]:
        """Class probabilities and topics for ``texts``."""
        probs, embeddings = self.sentiment.predict(texts, progress)
        if embeddings is None:
            embeddings = self.topic_encoder.encode(texts, (SENTENCE_POOLING,))[SENTENCE_POOLING]
        return probs, self.matcher.assign(embeddings) if texts else []


class PipelineScorer:
    """Sentiment + topic + language for a batch of texts, each text scored on the path its
    language routes it to. ``sentiment``, ``topic_encoder`` and ``matcher`` are the English
    path; ``multilingual`` the other one (None: every post takes the English path)."""

    def __init__(
        self,
        version: str,
        sentiment: SentimentModel,
        topic_encoder: Encoder,
        matcher: TopicMatcher,
        languages: LanguageIdentifier,
        multilingual: ScoringPath | None = None,
    ) -> None:
        self.version = version
        self.sentiment = sentiment
        self.topic_encoder = topic_encoder
        self.matcher = matcher
        self.languages = languages
        self.multilingual = multilingual

    @property
    def paths(self) -> dict[str, ScoringPath]:
        """The configured paths by name."""
        paths = {ENGLISH: ScoringPath(self.sentiment, self.topic_encoder, self.matcher)}
        if self.multilingual is not None:
            paths[MULTILINGUAL] = self.multilingual
        return paths

    def score(
        self, texts: Sequence[str], ids: Sequence[str] | None = None, progress: Progress | None = None
    ) -> list[Score]:
        """One ``Score`` per text (``post_id`` from ``ids``, else the position); ``progress``
        gets the number of input texts done, repeated texts counted with their first copy."""
        ids = [str(i) for i in range(len(texts))] if ids is None else list(ids)
        if len(ids) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(ids)} ids")
        unique: dict[str, int] = {}
        slot = [unique.setdefault(text, len(unique)) for text in texts]
        unique_texts = list(unique)
        copies = np.bincount(np.array(slot, dtype=np.int64), minlength=len(unique_texts)) if texts else []
        counter = _CopyCounter(progress, [int(c) for c in copies]) if progress is not None else None

        langs = [self.languages.identify(text) for text in unique_texts]
        routes = [route(guess, self.multilingual is not None) for guess in langs]
        probs = np.zeros((len(unique_texts), len(SENTIMENTS)), dtype=np.float64)
        topics: list[TopicMatch | None] = [None] * len(unique_texts)
        for name, path in self.paths.items():
            rows = [i for i, chosen in enumerate(routes) if chosen.path == name]
            if not rows:
                continue
            path_probs, path_topics = path.run([unique_texts[i] for i in rows], counter)
            probs[rows] = path_probs
            for row, topic in zip(rows, path_topics, strict=True):
                topics[row] = topic

        scores = []
        for post_id, index in zip(ids, slot, strict=True):
            row = probs[index]
            label = SENTIMENTS[int(np.argmax(row))]
            probabilities = {name: round(float(p), 6) for name, p in zip(SENTIMENTS, row, strict=True)}
            topic = topics[index]
            assert topic is not None
            confidence = float(row.max()) * (1.0 if routes[index].known_language else UNKNOWN_LANGUAGE_FACTOR)
            scores.append(
                Score(
                    post_id=post_id,
                    model=self.version,
                    sentiment=label,
                    sentiment_score=round(float(row[2] - row[0]), 6),
                    probs=probabilities,
                    topic=topic.topic,
                    topic_score=round(topic.score, 6),
                    topic_runner_up=topic.runner_up,
                    topic_runner_up_score=None
                    if topic.runner_up_score is None
                    else round(topic.runner_up_score, 6),
                    lang=langs[index].lang,
                    confidence=round(confidence, 6),
                )
            )
        return scores


class _CopyCounter:
    """Turns the sentiment model's progress over unique texts into progress over input texts.

    Unique texts are scored in length order, not in input order, so the count of copies
    behind each unique text is not known per batch; the average is a fair approximation
    and the total is exact."""

    def __init__(self, progress: Progress, copies: list[int]) -> None:
        self.progress = progress
        self.ratio = (sum(copies) / len(copies)) if copies else 1.0
        self.remaining = sum(copies)
        self.done_unique = 0
        self.total_unique = len(copies)

    def __call__(self, done: int) -> None:
        self.done_unique += done
        step = (
            self.remaining
            if self.done_unique >= self.total_unique
            else min(self.remaining, round(done * self.ratio))
        )
        self.remaining -= step
        self.progress(step)
