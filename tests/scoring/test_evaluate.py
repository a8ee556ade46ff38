"""`monitor model eval`: metrics on labelled files, and clear refusals of bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from monitor.scoring.commands import model_app
from monitor.scoring.evaluate import LabelledFileError, read_labelled
from monitor.scoring.metrics import classification_metrics

from .conftest import REPO, SCORING_FIXTURES

TOPIC_IDS = ["ban_politics", "migration", "other"]


def _env(tmp_path: Path) -> dict[str, str]:
    # `monitor model eval` reads a labelled file and never opens the store, so these tests are
    # not run per backend: the store URL is only here to keep the config self-contained.
    config = tmp_path / "monitor.yaml"
    config.write_text(f"topics: {REPO / 'configs' / 'topics.yaml'}\n", encoding="utf-8")
    return {"MONITOR_CONFIG": str(config), "MONITOR_DB_URL": f"sqlite:///{tmp_path}/t.db"}


def test_metrics_on_a_known_case() -> None:
    metrics = classification_metrics(
        ["negative", "negative", "neutral", "positive"],
        ["negative", "neutral", "neutral", "negative"],
        ["negative", "neutral", "positive"],
    )
    assert metrics.accuracy == 0.5
    assert metrics.confusion == [[1, 1, 0], [0, 1, 0], [1, 0, 0]]
    assert metrics.macro_f1 == pytest.approx((0.5 + 2 / 3 + 0.0) / 3)


def test_bad_rows_are_reported_and_skipped(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps({"text": "good one", "sentiment": "positive", "topic": "migration"}),
                json.dumps({"text": "", "sentiment": "negative"}),
                json.dumps({"text": "bad label", "sentiment": "angry"}),
                json.dumps({"text": "bad topic", "sentiment": "neutral", "topic": "weather"}),
                "{not json",
                json.dumps({"text": "no topic is fine", "sentiment": "Negative"}),
            ]
        ),
        encoding="utf-8",
    )
    labelled = read_labelled(path, TOPIC_IDS)
    assert [example.text for example in labelled.examples] == ["good one", "no topic is fine"]
    assert [row.location for row in labelled.bad_rows] == [
        "labels.jsonl:2",
        "labels.jsonl:3",
        "labels.jsonl:4",
        "labels.jsonl:5",
    ]
    assert "angry" in labelled.bad_rows[1].reason and "weather" in labelled.bad_rows[2].reason


def test_file_without_the_needed_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    path.write_text("body,label\nhello,positive\n", encoding="utf-8")
    with pytest.raises(LabelledFileError, match="expected columns 'text' and 'sentiment'"):
        read_labelled(path, TOPIC_IDS)


def test_eval_command_refuses_malformed_input_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "labels.txt"
    path.write_text("text\tsentiment\n", encoding="utf-8")
    result = CliRunner().invoke(model_app, ["eval", str(path)], env=_env(tmp_path))
    assert result.exit_code == 1
    assert "expected a .csv or .jsonl file" in result.output


@pytest.mark.slow
def test_eval_command_prints_json_metrics(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        model_app, ["eval", str(SCORING_FIXTURES / "topics_labelled.jsonl"), "--json"], env=_env(tmp_path)
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["n"] == 113
    assert 0.5 < report["sentiment"]["macro_f1"] <= 1.0
    assert 0.6 < report["topic"]["accuracy"] <= 1.0
    assert report["skipped"] == []
