"""The HTML is self-contained and keeps post text inert; the CSVs hold the tables and the
posts, with spreadsheet formulas neutralised."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

from monitor.config import Config
from monitor.reports.content import gather_content
from monitor.reports.csv_export import neutralise_formulas, write_csvs
from monitor.reports.html import render_html
from monitor.store import Store
from tests.reports.conftest import WINDOW_END

FAKE_PLOTLY = "/* plotly.js stand-in */ window.Plotly = window.Plotly || {};"


@pytest.fixture
def content(config: Config, known_store: Store):  # noqa: ANN201
    return gather_content(config, config.reports[0], known_store, WINDOW_END)


@pytest.fixture
def page(content) -> str:  # noqa: ANN001
    return render_html(content, plotly_js=FAKE_PLOTLY)


def test_the_html_shows_title_period_and_numbers(page: str) -> None:
    assert "<h1>Morning brief</h1>" in page
    assert "Sat 18 Jan 2025 (UTC)" in page
    row = re.search(r'<tr data-platform="tiktok">(.*?)</tr>', page, re.S)
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    assert cells[:4] == ["TikTok", "4", "2", "+100%"]
    assert "-0.33" in cells[8] or "−0.33" in cells[8]


def test_post_text_is_inert(page: str) -> None:
    assert "<script>alert('owned')" not in page
    assert "&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt;" in page
    assert "<b>sad</b>" not in page
    assert 'href="javascript:' not in page


def test_the_html_needs_nothing_from_the_network(page: str) -> None:
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r"<link[^>]+href=", page)
    assert page.count(FAKE_PLOTLY) == 1
    assert page.count("Plotly.newPlot") == 4  # sentiment, volume, topics, mentions


def test_the_real_plotly_bundle_is_inlined_once(content) -> None:  # noqa: ANN001
    page = render_html(content)
    assert len(page) > 3_000_000
    assert page.count("<script>") >= 1 and page.lower().count("plotly.js v") >= 1


def test_csv_files_hold_the_tables_and_the_posts(content, tmp_path: Path) -> None:  # noqa: ANN001
    paths = {path.name: path for path in write_csvs(content, tmp_path)}
    assert {"headline.csv", "posts.csv", "topics.csv", "top_posts.csv", "mentions.csv"} <= set(paths)
    headline = pd.read_csv(paths["headline.csv"], encoding="utf-8-sig").set_index("platform")
    assert headline.loc["tiktok", "posts"] == 4
    posts = pd.read_csv(paths["posts.csv"], encoding="utf-8-sig")
    assert len(posts) == 9
    assert "小红书" in paths["posts.csv"].read_text(encoding="utf-8-sig")


def test_csv_cells_cannot_run_as_formulas(content, tmp_path: Path) -> None:  # noqa: ANN001
    path = next(p for p in write_csvs(content, tmp_path) if p.name == "posts.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    texts = [row["text"] for row in rows]
    assert any(text.startswith("'=HYPERLINK") for text in texts)
    assert not any(text.startswith(("=", "+", "-", "@")) for text in texts)
    scores = [row["sentiment_score"] for row in rows if row["sentiment_score"]]
    assert any(score.startswith("-") for score in scores)  # numbers stay numbers


def test_neutralise_formulas_leaves_numbers_and_plain_text() -> None:
    frame = pd.DataFrame({"text": ["=1+1", "+x", "-y", "@z", "plain", None], "n": [-1, 2, 3, 4, 5, 6]})
    result = neutralise_formulas(frame)
    assert result["text"].tolist()[:5] == ["'=1+1", "'+x", "'-y", "'@z", "plain"]
    assert result["n"].tolist() == [-1, 2, 3, 4, 5, 6]
