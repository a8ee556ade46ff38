"""Topics: the analysts' taxonomy (``configs/topics.yaml``) and matching posts to it by
sentence-embedding similarity, so a topic is changed by editing YAML, never by retraining.

Every topic's description (prefixed by its name) and each example phrase is embedded once.
A post's similarity to a topic is the mean of its two best cosine similarities among that
topic's phrases (more robust than the single best, sharper than the centroid: see
docs/model.md). The most similar topic wins, unless its similarity is below the threshold,
in which case the post is ``other``; the runner-up is kept either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from monitor.config import ConfigError, format_validation_error
from monitor.scoring.encoder import SENTENCE_POOLING, Encoder, normalise

OTHER = "other"
TOP_K = 2


class TopicSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    description: str = ""
    examples: list[str] = Field(default_factory=list)
    examples_zh: list[str] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not value.replace("_", "").isalnum() or not value.isascii():
            raise ValueError(f"expected an id of letters, digits and '_', got {value!r}")
        return value

    def phrases(self) -> list[str]:
        """What represents this topic: ``name: description`` and every example."""
        head = f"{self.name}: {self.description}" if self.description else self.name
        return [head, *self.examples, *self.examples_zh]


class Taxonomy(BaseModel):
    """The validated contents of topics.yaml."""

    model_config = ConfigDict(extra="forbid")

    threshold: float = Field(default=0.275, ge=-1, le=1)
    # multilingual-e5's cosines sit higher and closer together than MiniLM's (0.7-0.9), so the
    # multilingual path needs its own threshold.
    multilingual_threshold: float = Field(default=0.85, ge=-1, le=1)
    topics: list[TopicSpec]

    @field_validator("topics")
    @classmethod
    def _unique(cls, value: list[TopicSpec]) -> list[TopicSpec]:
        ids = [topic.id for topic in value]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"topic ids must be unique, repeated: {', '.join(duplicates)}")
        if len([i for i in ids if i != OTHER]) < 1:
            raise ValueError("expected at least one topic besides 'other'")
        return value

    @property
    def ids(self) -> list[str]:
        ids = [topic.id for topic in self.topics]
        return ids if OTHER in ids else [*ids, OTHER]


def load_taxonomy(path: Path) -> Taxonomy:
    """Read and validate topics.yaml; errors name the file and the key."""
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise ConfigError(f"{path}: topics file not found") from err
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: not valid YAML: {err}") from err
    try:
        return Taxonomy.model_validate(data)
    except ValidationError as err:
        raise ConfigError(format_validation_error(path, err, data)) from err


@dataclass(frozen=True)
class TopicMatch:
    topic: str
    score: float
    runner_up: str | None
    runner_up_score: float | None


class TopicMatcher:
    """Assigns topics to sentence embeddings; built once per scorer from the taxonomy."""

    def __init__(self, taxonomy: Taxonomy, phrase_embeddings: np.ndarray, threshold: float | None = None):
        self.taxonomy = taxonomy
        self.threshold = taxonomy.threshold if threshold is None else threshold
        self.topic_ids = [topic.id for topic in taxonomy.topics]
        owners: list[int] = []
        for index, topic in enumerate(taxonomy.topics):
            owners.extend([index] * len(topic.phrases()))
        self._owners = np.array(owners)
        self._phrases = normalise(phrase_embeddings)

    @classmethod
    def build(cls, taxonomy: Taxonomy, encoder: Encoder, threshold: float | None = None) -> TopicMatcher:
        """Embed every topic's phrases with ``encoder``."""
        phrases = [phrase for topic in taxonomy.topics for phrase in topic.phrases()]
        embeddings = encoder.encode(phrases, (SENTENCE_POOLING,))[SENTENCE_POOLING]
        return cls(taxonomy, embeddings, threshold)

    def similarities(self, sentence_embeddings: np.ndarray) -> np.ndarray:
        """Similarity of each post (row) to each topic (column, taxonomy order)."""
        phrase_sims = normalise(sentence_embeddings) @ self._phrases.T
        out = np.empty((phrase_sims.shape[0], len(self.topic_ids)), dtype=np.float32)
        for index in range(len(self.topic_ids)):
            sims = phrase_sims[:, self._owners == index]
            k = min(TOP_K, sims.shape[1])
            out[:, index] = np.sort(sims, axis=1)[:, -k:].mean(axis=1)
        return out

    def assign(self, sentence_embeddings: np.ndarray) -> list[TopicMatch]:
        """The best topic per post (``other`` below the threshold) and the runner-up."""
        return self.assign_from(self.similarities(sentence_embeddings))

    def assign_from(self, similarities: np.ndarray, threshold: float | None = None) -> list[TopicMatch]:
        """``assign`` on precomputed similarities, optionally with another threshold (tuning)."""
        limit = self.threshold if threshold is None else threshold
        order = np.argsort(-similarities, axis=1, kind="stable")
        matches = []
        for row, ranked in zip(similarities, order, strict=True):
            best, second = ranked[0], ranked[1] if len(ranked) > 1 else None
            topic, score = self.topic_ids[best], float(row[best])
            runner = (self.topic_ids[second], float(row[second])) if second is not None else (None, None)
            if score < limit and topic != OTHER:
                runner, topic = (topic, score), OTHER
                score = float(row[self.topic_ids.index(OTHER)]) if OTHER in self.topic_ids else 0.0
            matches.append(TopicMatch(topic, score, runner[0], runner[1]))
        return matches


def topic_texts(taxonomy: Taxonomy) -> Sequence[str]:
    """Every phrase that represents a topic, in matcher order (for hashing and inspection)."""
    return [phrase for topic in taxonomy.topics for phrase in topic.phrases()]
