"""Hostile post text is inert everywhere it is shown: ``<script>``, ``<img onerror>``,
``javascript:`` links, bidirectional overrides, zero-width characters and a 100 KB line
are stored as they came (the worst case: written past the collectors' normalisation)
and shown as text on every dashboard page and in the HTML report, in a real browser: no
script runs, no dialog opens. CSV exports (dashboard and reports) neutralise formulas."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from dashboard.app import create_app
from dashboard.pages import posts as posts_page
from dashboard.shell import DATA_VERSION, FILTERS
from monitor.config import Config
from monitor.models import Post, Score
from monitor.queries import Filters
from monitor.reports.produce import make_report
from monitor.store import Store
from tests.dashboard.conftest import browser  # noqa: F401 - the shared headless Chromium fixture
from tests.support import serve_wsgi

MODEL = "hostile-model@1"
SCRIPT = '<script>window.__xss = 1; alert("xss-script")</script> tiktok ban script'
IMG = "<img src=x onerror=\"window.__xss = 2; alert('xss-img')\"> tiktok ban img"
JS_LINK = '<a href="javascript:window.__xss=3;alert(3)">click me</a> javascript:alert(4) tiktok ban'
BIDI = "tiktok \u202egnab\u202c ban \u2066isolate\u2069 bidi"
ZERO_WIDTH = "tik\u200btok\u200d ban\ufeff zero width"
LONG = "tiktok ban long " + "A" * 100_000
FORMULAS = ['=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)"]
HOSTILE = [SCRIPT, IMG, JS_LINK, BIDI, ZERO_WIDTH, LONG, *FORMULAS]
PERIOD = Filters(start=datetime(2025, 1, 15).date(), end=datetime(2025, 1, 20).date())


def hostile_posts() -> list[Post]:
    return [
        Post(
            platform="tiktok" if index % 2 else "rednote",
            native_id=f"h{index}",
            text=text,
            created_at=datetime(2025, 1, 18, 10, index, tzinfo=UTC),
            source="hostile",
            author='<script>window.__xss = 5; alert("author")</script>',
            title="<img src=x onerror=\"window.__xss = 6; alert('title')\">" if index == 0 else None,
            url="javascript:window.__xss=7;alert('url')" if index % 3 == 0 else f"https://e.example/{index}",
            likes=1000 - index,
            reposts=index,
            replies=1,
        )
        for index, text in enumerate(HOSTILE)
    ]


@pytest.fixture
def hostile_store(tmp_path: Path) -> Store:
    store = Store(f"sqlite:///{tmp_path / 'monitor.db'}")
    store.write_batch(hostile_posts())
    store.save_scores(
        Score(
            post_id=post.id,
            model=MODEL,
            sentiment="negative",
            sentiment_score=-0.5,
            probs={"negative": 0.7, "neutral": 0.1, "positive": 0.2},
            topic="ban",
            topic_score=0.5,
            lang="en",
        )
        for post in hostile_posts()
    )
    return store


@pytest.fixture
def config(hostile_store: Store, tmp_path: Path) -> Config:
    report = {
        "name": "brief",
        "schedule": "0 7 * * *",
        "window": "7d",
        "formats": ["html", "csv"],
        "output_dir": str(tmp_path / "reports"),
        "top_posts": 20,
    }
    return Config(
        store=hostile_store.url,
        sources=[{"name": "hostile", "type": "sample"}],
        dashboard={"refresh": "60s"},
        reports=[report],
    )


@pytest.fixture
def report_files(config: Config, hostile_store: Store) -> list[Path]:
    outcome = make_report(config, config.reports[0], hostile_store, datetime(2025, 1, 20, 7, tzinfo=UTC))
    assert outcome is not None and outcome.status == "ok", outcome
    return outcome.files


def cells(rows: list[dict[str, str]]) -> list[str]:
    return [value for row in rows for value in row.values() if value]


def is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def assert_no_live_formula(values: list[str]) -> None:
    """No text cell starts like a formula (numbers such as -0.5 stay numbers)."""
    live = [
        value[:60]
        for value in values
        if value.startswith(("=", "+", "-", "@", "\t", "\r")) and not is_number(value)
    ]
    assert not live, live


def test_the_dashboard_csv_export_neutralises_formulas(config: Config, hostile_store: Store) -> None:
    app = create_app(config, hostile_store, model=MODEL)
    payload = {
        "output": f"{posts_page.DOWNLOAD}.data",
        "outputs": {"id": posts_page.DOWNLOAD, "property": "data"},
        "inputs": [{"id": posts_page.EXPORT, "property": "n_clicks", "value": 1}],
        "changedPropIds": [f"{posts_page.EXPORT}.n_clicks"],
        "state": [
            {"id": FILTERS, "property": "data", "value": PERIOD.to_dict()},
            {"id": DATA_VERSION, "property": "data", "value": {"posts": len(HOSTILE), "model": MODEL}},
        ],
    }
    response = app.server.test_client().post("/_dash-update-component", json=payload)
    assert response.status_code == 200
    download = response.get_json()["response"][posts_page.DOWNLOAD]["data"]
    rows = list(csv.DictReader(io.StringIO(download["content"])))
    assert len(rows) == len(HOSTILE)
    assert_no_live_formula(cells(rows))
    texts = {row["text"] for row in rows}
    assert {"'" + formula for formula in FORMULAS} <= texts
    assert SCRIPT in texts  # text is kept as it is, only formulas change


def test_report_csvs_neutralise_formulas(report_files: list[Path]) -> None:
    csvs = [path for path in report_files if path.suffix == ".csv"]
    posts_csv = next(path for path in csvs if path.name.endswith("posts.csv") and "top" not in path.name)
    rows = list(csv.DictReader(io.StringIO(posts_csv.read_text(encoding="utf-8-sig"))))
    assert {"'" + formula for formula in FORMULAS} <= {row["text"] for row in rows}
    for path in csvs:
        assert_no_live_formula(cells(list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))))


def test_the_html_report_escapes_post_text(report_files: list[Path]) -> None:
    html = next(path for path in report_files if path.suffix == ".html").read_text(encoding="utf-8")
    for needle in ("<script>window.__xss", "<img src=x onerror", 'href="javascript:', '<a href="javascript'):
        assert needle not in html
    assert "&lt;script&gt;window.__xss" in html


# ---------------------------------------------------------------- in a real browser


@pytest.fixture
def live_url(config: Config, hostile_store: Store) -> Iterator[str]:
    app = create_app(config, hostile_store, model=MODEL)
    with serve_wsgi(app.server, join_seconds=10) as server:
        yield f"http://127.0.0.1:{server.server_port}"


def assert_inert(driver: Any, where: str) -> None:
    """No dialog is open and none of the payloads ran."""
    from selenium.common.exceptions import NoAlertPresentException

    try:
        alert = driver.switch_to.alert
        text = alert.text
        alert.dismiss()
        pytest.fail(f"{where}: a dialog opened: {text!r}")
    except NoAlertPresentException:
        pass
    assert driver.execute_script("return window.__xss === undefined"), f"{where}: a payload ran"


def wait_for(condition: Any, timeout: float = 20.0, message: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {message}")


@pytest.mark.browser
@pytest.mark.slow
def test_hostile_text_is_inert_on_every_dashboard_page(live_url: str, browser: Any) -> None:  # noqa: F811
    query = PERIOD.to_query_string()
    browser.get(f"{live_url}/posts{query}")

    def grid_texts() -> list[str]:
        # One script call: the live refresh may redraw the grid between two WebDriver calls.
        return browser.execute_script(
            "return Array.from(document.querySelectorAll("
            "\"#posts-grid .ag-center-cols-container [col-id='text']\")).map(cell => cell.textContent)"
        )

    texts = wait_for(lambda: len(grid_texts()) == len(HOSTILE) and grid_texts(), message="the hostile rows")
    assert any(text.startswith("<script>window.__xss") for text in texts)  # shown as text
    assert any("onerror=" in text for text in texts)
    links = browser.find_elements("css selector", "#posts-grid a")
    assert links and all(link.get_attribute("href").startswith("https://") for link in links)
    assert not browser.find_elements("css selector", "#posts-grid img, #posts-grid script")
    assert_inert(browser, "/posts")
    for path in ("/", "/topics", "/compare", "/spikes", "/sources"):
        browser.get(f"{live_url}{path}{query}")
        wait_for(lambda: browser.find_elements("css selector", ".bm-page *"), message=path)
        time.sleep(1.5)  # let every callback render
        assert_inert(browser, path)


@pytest.mark.browser
@pytest.mark.slow
def test_hostile_text_is_inert_in_the_html_report(report_files: list[Path], browser: Any) -> None:  # noqa: F811
    html = next(path for path in report_files if path.suffix == ".html")
    browser.get(html.resolve().as_uri())
    wait_for(lambda: browser.execute_script("return document.readyState") == "complete", message="the report")
    time.sleep(1)
    assert_inert(browser, "report")
    body = browser.find_element("tag name", "body").text
    assert "<script>window.__xss" in body  # visible as text
    assert not browser.find_elements("css selector", "a[href^='javascript']")
