"""Figures draw what the queries return, mark events and spikes, and cope with no data."""

from __future__ import annotations

from datetime import date

import pandas as pd

from monitor import figures
from monitor.config import EventConfig


def timeline() -> pd.DataFrame:
    days = pd.date_range("2025-01-17", periods=4, freq="D", tz="UTC")
    rows = []
    for platform in ("tiktok", "rednote"):
        for day in days:
            rows.append(
                {
                    "platform": platform,
                    "bucket_ts": int(day.timestamp()),
                    "bucket_start": day,
                    "posts": 10,
                    "scored": 8,
                    "positive": 4,
                    "negative": 2,
                    "net_sentiment": 0.25,
                    "band_low": 0.0,
                    "band_high": 0.5,
                    "rolling_net": 0.25,
                }
            )
    return pd.DataFrame(rows)


EVENTS = [EventConfig(date=date(2025, 1, 19), label="TikTok goes dark in the US")]


def test_sentiment_chart_has_a_line_per_platform_and_the_event() -> None:
    figure = figures.sentiment_over_time(timeline(), EVENTS)
    names = {trace.name for trace in figure.data if trace.mode == "lines" and trace.showlegend is not False}
    assert {"TikTok", "RedNote"} <= names
    assert any(a.text == "TikTok goes dark in the US" for a in figure.layout.annotations)
    assert len(figure.layout.shapes) >= 1


def test_points_carry_platform_and_bucket_for_click_through() -> None:
    figure = figures.volume_over_time(timeline(), EVENTS)
    platform, bucket_ts, topic = figure.data[0].customdata[0]
    assert platform in {"tiktok", "rednote"} and bucket_ts > 0 and topic == ""


def test_platform_colours_are_stable() -> None:
    assert figures.platform_color("tiktok") == figures.PLATFORM_COLORS["tiktok"]
    assert figures.platform_color("newsite") == figures.platform_color("newsite")


def test_empty_frames_say_so() -> None:
    figure = figures.volume_over_time(timeline().iloc[0:0])
    assert "No posts" in figure.layout.annotations[0].text


def test_heatmap_puts_topics_on_rows_and_platforms_on_columns() -> None:
    cells = pd.DataFrame(
        {
            "topic": ["ban", "ban", "migration"],
            "platform": ["tiktok", "x", "tiktok"],
            "scored": [3, 3, 1],
            "net_sentiment": [-0.5, 0.0, 1.0],
        }
    )
    figure = figures.topic_heatmap(cells)
    assert list(figure.data[0].y) == ["ban", "migration"] and list(figure.data[0].x) == ["TikTok", "X"]


def test_spikes_are_ringed_on_the_volume_chart() -> None:
    spikes = pd.DataFrame(
        {
            "platform": ["tiktok"],
            "bucket_ts": [1737158400],
            "kind": ["volume"],
            "value": [10.0],
            "baseline": [2.0],
            "score": [5.0],
            "direction": ["up"],
            "bucket_start": [pd.Timestamp(1737158400, unit="s", tz="UTC")],
        }
    )
    figure = figures.volume_over_time(timeline(), spikes=spikes)
    assert any(trace.name == "spike" for trace in figure.data)
