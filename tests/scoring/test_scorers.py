"""The other scorers behind the same interface: the VADER baseline and hub-style classifiers."""

from __future__ import annotations

import pytest

from monitor.config import Config, ModelConfig
from monitor.scoring import build_scorer, model_version
from monitor.scoring.encoder import ModelLoadError, ModelSource
from monitor.scoring.sentiment import ClassifierSentiment

from .conftest import TOPICS


def test_vader_baseline_scores_through_the_same_interface() -> None:
    config = Config(model=ModelConfig(name="vader", kind="vader"), topics=TOPICS)
    scorer = build_scorer(config)
    good, bad = scorer.score(["I love RedNote, it is wonderful", "This ban is terrible and sad"])
    assert (good.sentiment, bad.sentiment) == ("positive", "negative")
    assert good.model == model_version(config) and good.model.startswith("vader@")
    assert good.sentiment_score > 0 > bad.sentiment_score


def _classifier(label_map: dict[str, str] | None) -> ClassifierSentiment:
    return ClassifierSentiment(
        ModelSource("some/model", "some/model", True, "hub:some/model"), label_map=label_map
    )


def test_a_classifier_label_map_picks_the_output_columns() -> None:
    columns = _classifier({"LABEL_0": "negative", "LABEL_1": "neutral", "LABEL_2": "positive"})._columns(
        {0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"}
    )
    assert columns == [0, 1, 2]
    assert _classifier(None)._columns({0: "Positive", 1: "Negative", 2: "Neutral"}) == [1, 2, 0]


def test_a_classifier_whose_labels_do_not_map_is_refused() -> None:
    with pytest.raises(ModelLoadError, match="set model.label_map"):
        _classifier(None)._columns({0: "LABEL_0", 1: "LABEL_1"})
