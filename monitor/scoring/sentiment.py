"""Sentiment models on a transformer: the frozen encoder + trained head (the default), and a
sequence classifier (a fine-tuned folder, or a hub model with its own label map)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from monitor.models import SENTIMENTS
from monitor.scoring.encoder import (
    SENTENCE_POOLING,
    Encoder,
    ModelLoadError,
    ModelSource,
    autocast,
    load_pretrained,
    use_bf16,
)
from monitor.scoring.head import SentimentHead, label_index, softmax
from monitor.scoring.scorer import Progress


class HeadSentiment:
    """Encoder poolings → head probabilities; the sentence embedding comes out of the same pass."""

    def __init__(self, encoder: Encoder, head: SentimentHead) -> None:
        self.encoder = encoder
        self.head = head
        self.columns = label_index(head.labels, SENTIMENTS)
        self.poolings = list(dict.fromkeys([*head.poolings, SENTENCE_POOLING]))

    def predict(
        self, texts: Sequence[str], progress: Progress | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        pooled = self.encoder.encode(texts, self.poolings, progress)
        probs = self.head.predict_proba(pooled)[:, self.columns] if texts else np.zeros((0, 3))
        return probs, pooled[SENTENCE_POOLING]


class ClassifierSentiment:
    """A ``AutoModelForSequenceClassification`` folder or hub id. ``label_map`` maps the
    model's label names (``LABEL_0``, ``neg``, ...) to negative/neutral/positive; without
    one, the model's own names must already be those three."""

    def __init__(
        self,
        source: ModelSource,
        *,
        label_map: Mapping[str, str] | None = None,
        threads: int = 2,
        batch_size: int = 64,
        max_tokens: int = 128,
        quantize: bool = False,
        precision: str = "auto",
        allow_download: bool = False,
    ) -> None:
        self.source = source
        self.bf16 = use_bf16(precision, quantize)
        self.label_map = dict(label_map or {})
        self.threads = threads
        self.batch_size = batch_size
        self.max_tokens = max_tokens
        self.quantize = quantize
        self.allow_download = allow_download
        self._loaded: tuple[Any, Any, list[int]] | None = None

    def load(self) -> tuple[Any, Any, list[int]]:
        """Tokenizer, model and, per sentiment, the model's output column; loaded once."""
        if self._loaded is None:
            tokenizer, model = load_pretrained(
                self.source,
                "AutoModelForSequenceClassification",
                threads=self.threads,
                allow_download=self.allow_download,
                quantize=self.quantize,
            )
            self._loaded = (tokenizer, model, self._columns(model.config.id2label))
        return self._loaded

    def _columns(self, id2label: Mapping[int, str]) -> list[int]:
        names = {
            index: self.label_map.get(label, self.label_map.get(str(index), label)).lower()
            for index, label in id2label.items()
        }
        columns = []
        for sentiment in SENTIMENTS:
            found = [index for index, name in names.items() if name == sentiment]
            if len(found) != 1:
                raise ModelLoadError(
                    f"classifier {self.source.name!r} labels {dict(id2label)} do not map to "
                    f"negative/neutral/positive; set model.label_map, e.g. {{LABEL_0: negative, ...}}"
                )
            columns.append(int(found[0]))
        return columns

    def predict(self, texts: Sequence[str], progress: Progress | None = None) -> tuple[np.ndarray, None]:
        import torch

        tokenizer, model, columns = self.load()
        probs = np.zeros((len(texts), 3), dtype=np.float32)
        if not texts:
            return probs, None
        encoded = tokenizer(list(texts), truncation=True, max_length=self.max_tokens)["input_ids"]
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i]))
        with torch.inference_mode(), autocast(self.bf16):
            for start in range(0, len(order), self.batch_size):
                rows = order[start : start + self.batch_size]
                batch = tokenizer.pad({"input_ids": [encoded[i] for i in rows]}, return_tensors="pt")
                logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
                chosen = softmax(logits.float().numpy())[:, columns]
                probs[rows] = chosen / chosen.sum(axis=1, keepdims=True)
                if progress is not None:
                    progress(len(rows))
        return probs, None
