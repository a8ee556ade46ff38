"""Classification metrics (accuracy, macro-F1, confusion matrix), the same numbers for
training records, ``monitor model eval`` and the docs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ClassMetrics:
    """How well predictions match gold labels; ``confusion[i][j]`` counts gold ``labels[i]``
    predicted as ``labels[j]``."""

    n: int
    accuracy: float
    macro_f1: float
    labels: list[str]
    confusion: list[list[int]]
    f1: dict[str, float]

    def as_dict(self) -> dict[str, object]:
        return {
            "n": self.n,
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "f1": {label: round(value, 4) for label, value in self.f1.items()},
            "labels": self.labels,
            "confusion": self.confusion,
        }


def classification_metrics(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> ClassMetrics:
    """Accuracy, macro-F1 over the ``labels`` present in gold or predictions, confusion matrix."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predictions")
    labels = list(labels)
    position = {label: i for i, label in enumerate(labels)}
    confusion = [[0] * len(labels) for _ in labels]
    for truth, guess in zip(gold, predicted, strict=True):
        confusion[position[truth]][position[guess]] += 1
    f1: dict[str, float] = {}
    for i, label in enumerate(labels):
        true_positive = confusion[i][i]
        gold_count = sum(confusion[i])
        predicted_count = sum(row[i] for row in confusion)
        if gold_count == 0 and predicted_count == 0:
            continue
        f1[label] = 2 * true_positive / (gold_count + predicted_count)
    n = len(gold)
    accuracy = sum(confusion[i][i] for i in range(len(labels))) / n if n else 0.0
    macro_f1 = sum(f1.values()) / len(f1) if f1 else 0.0
    return ClassMetrics(n, accuracy, macro_f1, labels, confusion, f1)
