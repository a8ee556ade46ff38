"""The HTML opens in headless Chromium without console errors and draws its charts; the
PDF printed from it has the expected pages, none of them blank."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from monitor.config import Config
from monitor.reports.produce import make_report
from monitor.store import Store
from tests.reports.conftest import WINDOW_END, make_config

pytestmark = [
    pytest.mark.browser,
    # SQLite only, on purpose: these tests check what Chromium makes of the HTML and the PDF, and
    # the store is only where the numbers come from. Reading them (gather_content) and recording
    # the run (make_report) run on both backends in test_content, test_files and test_delivery;
    # a second Chromium session per test would add seconds and test no store code.
    pytest.mark.parametrize("store_url", ["sqlite"], indirect=True),
]


@pytest.fixture
def made(known_store: Store, tmp_path: Path):  # noqa: ANN201
    if not shutil.which("chromium"):
        pytest.skip("needs Debian's chromium")
    config: Config = make_config(known_store, tmp_path, formats=["html", "pdf"])
    outcome = make_report(config, config.reports[0], known_store, WINDOW_END)
    assert outcome is not None and outcome.status == "ok", outcome
    return outcome


def test_the_html_opens_offline_without_console_errors_and_shows_its_charts(made, browser) -> None:  # noqa: ANN001
    html = next(path for path in made.files if path.suffix == ".html")
    browser.get(html.resolve().as_uri())
    drawn = browser.execute_script(
        "return Array.from(document.querySelectorAll('.chart .js-plotly-plot'))"
        ".filter(d => d.querySelector('svg.main-svg') && d.getBoundingClientRect().height > 100).length"
    )
    assert drawn == 4
    lines = browser.execute_script(
        "return document.querySelectorAll('#chart-sentiment .scatterlayer path.js-line').length"
    )
    assert lines >= 3  # one rolling line per platform
    severe = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert severe == []
    # Readable on a phone: the page is no wider than the 390 px viewport.
    assert browser.execute_script("return window.innerWidth") == 390
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
    assert browser.execute_script("return typeof window.Plotly.newPlot") == "function"


def _page_ink(pdf: Path, tmp_path: Path) -> list[float]:
    """The share of non-white pixels on each page (rendered to greyscale by pdftoppm)."""
    prefix = tmp_path / "page"
    subprocess.run(["pdftoppm", "-r", "30", "-gray", str(pdf), str(prefix)], check=True, timeout=60)
    shares = []
    for page in sorted(tmp_path.glob("page-*.pgm")):
        data = page.read_bytes()
        # Binary PGM: "P5\n<width> <height>\n<maxval>\n" then one byte per pixel.
        header = data.split(b"\n", 3)
        width, height = map(int, header[1].split())
        pixels = header[3][: width * height]
        shares.append(sum(1 for value in pixels if value < 200) / len(pixels))
    return shares


def test_the_pdf_has_its_pages_with_charts_and_no_blank_page(made, tmp_path: Path) -> None:  # noqa: ANN001
    if not shutil.which("pdftoppm"):
        pytest.skip("needs poppler-utils (pdftoppm)")
    pdf = next(path for path in made.files if path.suffix == ".pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert 3 <= pages <= 8
    assert "A4" in info
    ink = _page_ink(pdf, tmp_path)
    assert len(ink) == pages
    assert all(share > 0.002 for share in ink), ink
    assert max(ink) > 0.02  # a page with a chart holds far more ink than text alone
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Morning brief" in text and "Headline numbers" in text and "Net sentiment" in text
