"""Checking a model on labelled posts: read a CSV or JSONL file with ``text`` and ``sentiment``
(and optionally ``topic``) columns, score it, and report accuracy, macro-F1 and the
confusion matrix. Rows that cannot be used are reported with their line and reason and
left out of every count.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from monitor.models import SENTIMENTS
from monitor.scoring.corpus import Example
from monitor.scoring.metrics import ClassMetrics, classification_metrics
from monitor.scoring.scorer import Progress, Scorer


class LabelledFileError(ValueError):
    """The labelled file cannot be evaluated at all (missing, wrong format, no usable column)."""


@dataclass(frozen=True)
class BadRow:
    location: str
    reason: str


@dataclass
class LabelledSet:
    """The usable rows of a labelled file, and the rows that were skipped and why."""

    path: Path
    examples: list[Example]
    bad_rows: list[BadRow] = field(default_factory=list)
    has_topics: bool = False


def read_labelled(path: Path, topic_ids: Sequence[str] = ()) -> LabelledSet:
    """Rows of a ``.csv`` or ``.jsonl`` file as examples. A row is skipped (and reported) when its
    text is missing or empty, its sentiment is not negative/neutral/positive, or its topic is
    not one of ``topic_ids`` (when given); an empty topic cell means "no topic label"."""
    if not path.is_file():
        raise LabelledFileError(f"{path}: file not found")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        records = _read_csv(path)
    elif suffix in {".jsonl", ".ndjson"}:
        records = _read_jsonl(path)
    else:
        raise LabelledFileError(f"{path}: expected a .csv or .jsonl file, got {suffix or 'no extension'!r}")
    result = LabelledSet(path, [])
    columns: set[str] = set()
    known_topics = set(topic_ids)
    for location, record in records:
        if isinstance(record, BadRow):
            result.bad_rows.append(record)
            continue
        columns.update(record)
        text = record.get("text")
        sentiment = record.get("sentiment")
        topic = record.get("topic")
        if not isinstance(text, str) or not text.strip():
            result.bad_rows.append(BadRow(location, "missing or empty text"))
            continue
        label = sentiment.strip().lower() if isinstance(sentiment, str) else None
        if label not in SENTIMENTS:
            result.bad_rows.append(
                BadRow(location, f"sentiment {sentiment!r} is not one of negative, neutral, positive")
            )
            continue
        topic = topic.strip() if isinstance(topic, str) and topic.strip() else None
        if topic is not None and known_topics and topic not in known_topics:
            result.bad_rows.append(BadRow(location, f"unknown topic {topic!r} (not in the topics file)"))
            continue
        result.examples.append(Example(text, label, topic=topic))
    missing = [name for name in ("text", "sentiment") if name not in columns]
    if missing and not result.examples:
        found = ", ".join(sorted(columns)) or "none"
        raise LabelledFileError(
            f"{path}: expected columns 'text' and 'sentiment', missing {missing} (found: {found})"
        )
    result.has_topics = any(example.topic is not None for example in result.examples)
    return result


def _read_csv(path: Path) -> list[tuple[str, dict[str, Any] | BadRow]]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            rows: list[tuple[str, dict[str, Any] | BadRow]] = []
            for row in reader:
                location = f"{path.name}:{reader.line_num}"
                if None in row:
                    rows.append((location, BadRow(location, "more cells than header columns")))
                else:
                    rows.append((location, dict(row)))
            return rows
    except UnicodeDecodeError as err:
        raise LabelledFileError(f"{path}: not UTF-8 text ({err})") from err
    except csv.Error as err:
        raise LabelledFileError(f"{path}: not valid CSV ({err})") from err


def _read_jsonl(path: Path) -> list[tuple[str, dict[str, Any] | BadRow]]:
    rows: list[tuple[str, dict[str, Any] | BadRow]] = []
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError as err:
        raise LabelledFileError(f"{path}: not UTF-8 text ({err})") from err
    for number, line in enumerate(lines, start=1):
        location = f"{path.name}:{number}"
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            rows.append((location, BadRow(location, f"not valid JSON: {err.msg}")))
            continue
        if not isinstance(record, dict):
            rows.append((location, BadRow(location, "expected a JSON object")))
            continue
        rows.append((location, record))
    return rows


@dataclass
class Evaluation:
    """Metrics of one scorer on one labelled set."""

    n: int
    sentiment: ClassMetrics
    topic: ClassMetrics | None
    bad_rows: list[BadRow]
    model: str

    def as_dict(self) -> dict[str, Any]:
        """The ``--json`` shape: ``{"n", "sentiment": {...}, "topic": {...} | null, ...}``."""
        return {
            "n": self.n,
            "model": self.model,
            "sentiment": self.sentiment.as_dict(),
            "topic": None if self.topic is None else self.topic.as_dict(),
            "skipped": [{"location": row.location, "reason": row.reason} for row in self.bad_rows],
        }


def evaluate(
    scorer: Scorer, labelled: LabelledSet, topic_ids: Sequence[str], progress: Progress | None = None
) -> Evaluation:
    """Score the usable rows and compare with their labels (topics only where labelled)."""
    if not labelled.examples:
        raise LabelledFileError(f"{labelled.path}: no usable rows ({len(labelled.bad_rows)} skipped)")
    scores = scorer.score([example.text for example in labelled.examples], progress=progress)
    sentiment = classification_metrics(
        [example.sentiment for example in labelled.examples],
        [score.sentiment for score in scores],
        SENTIMENTS,
    )
    topic = None
    if labelled.has_topics:
        pairs = [(ex.topic, sc.topic) for ex, sc in zip(labelled.examples, scores, strict=True) if ex.topic]
        labels = list(dict.fromkeys([*topic_ids, *(p for pair in pairs for p in pair)]))
        topic = classification_metrics([gold for gold, _ in pairs], [guess for _, guess in pairs], labels)
    return Evaluation(len(labelled.examples), sentiment, topic, labelled.bad_rows, scorer.version)
