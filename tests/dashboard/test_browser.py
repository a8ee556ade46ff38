"""End to end in a real headless Chromium: the app loads with data, filters change the
charts and live in the URL, a chart click filters the grid, keyword search finds a known
post, and a live refresh shows a new post without losing the filters. Screenshots of
every page go to tests/output/screenshots/."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest

from monitor.models import Post

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PERIOD_QUERY = "?start=2025-01-15&end=2025-01-20"


def wait_for(condition: Any, timeout: float = 20.0, message: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition()
        except Exception:  # noqa: BLE001 - the page is still rendering; try again
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {message}")


def grid_texts(driver: Any) -> list[str]:
    cells = driver.find_elements("css selector", "#posts-grid .ag-center-cols-container [col-id='text']")
    return [cell.text for cell in cells]


def legend_names(driver: Any, graph_id: str) -> set[str]:
    return set(
        driver.execute_script(
            "const g = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');"
            "if (!g) { return []; }"
            "return g.data.filter(t => t.showlegend !== false && t.mode === 'lines').map(t => t.name);",
            graph_id,
        )
    )


def test_every_page_loads_with_data_and_is_captured(live_server: Any, browser: Any, screenshot: Any) -> None:
    for path, marker in [
        ("/", "#overview-cards .bm-card"),
        ("/topics", "#topics-heatmap .main-svg"),
        ("/compare", "#compare-distribution .main-svg"),
        ("/spikes", "#spikes-volume .main-svg"),
        ("/posts", "#posts-grid .ag-row"),
        ("/sources", "#sources-table table"),
    ]:
        browser.get(live_server.url + path + PERIOD_QUERY)
        wait_for(
            lambda marker=marker: browser.find_elements("css selector", marker), message=f"{path} to render"
        )
        time.sleep(1.0)
        shot = screenshot(browser, (path.strip("/") or "overview"))
        if path == "/":
            assert "TikTok" in browser.find_element("id", "overview-cards").text
        assert shot.stat().st_size > 10_000  # a real render, not a blank page


def test_choosing_a_platform_changes_the_charts_and_the_url(live_server: Any, browser: Any) -> None:
    browser.get(live_server.url + "/" + PERIOD_QUERY)
    wait_for(
        lambda: legend_names(browser, "overview-volume") == {"TikTok", "RedNote", "X"}, message="three lines"
    )
    browser.find_element("id", "bm-platforms").click()
    option = "[role=option]:has(input[value=rednote])"
    wait_for(lambda: browser.find_elements("css selector", option), message="platform options")
    browser.find_element("css selector", option).click()
    wait_for(lambda: legend_names(browser, "overview-volume") == {"RedNote"}, message="only RedNote charted")
    assert "platform=rednote" in browser.current_url
    browser.get(browser.current_url)  # the bookmarked URL restores the view
    wait_for(
        lambda: legend_names(browser, "overview-volume") == {"RedNote"}, message="view restored from URL"
    )


def test_clicking_a_chart_point_filters_the_grid(live_server: Any, browser: Any) -> None:
    browser.get(live_server.url + "/" + PERIOD_QUERY + "&platform=tiktok")
    wait_for(lambda: legend_names(browser, "overview-volume") == {"TikTok"}, message="tiktok chart")
    # Click the Jan 18 point of the volume line through Plotly's own event path.
    browser.execute_script(
        "const g = document.querySelector('#overview-volume .js-plotly-plot');"
        "const t = g.data.findIndex(t => t.name === 'TikTok');"
        "const i = g.data[t].customdata.findIndex(c => c[1] === 1737158400);"
        "g.emit('plotly_click', {points: [{curveNumber: t, pointNumber: i, pointIndex: i,"
        " customdata: g.data[t].customdata[i], x: g.data[t].x[i], y: g.data[t].y[i], data: g.data[t]}]});"
    )
    wait_for(lambda: "/posts" in browser.current_url, message="navigation to posts")
    texts = wait_for(
        lambda: grid_texts(browser) if len(grid_texts(browser)) == 3 else None,
        message="the three tiktok posts of Jan 18",
    )
    assert "Goodbye TikTok, I will miss you" in texts
    assert "start=2025-01-18" in browser.current_url and "platform=tiktok" in browser.current_url


def test_keyword_search_finds_a_known_post(live_server: Any, browser: Any) -> None:
    browser.get(live_server.url + "/posts" + PERIOD_QUERY)
    wait_for(lambda: len(grid_texts(browser)) >= 10, message="grid rows")
    search = browser.find_element("id", "bm-keyword")
    search.send_keys("refugee\n")
    wait_for(lambda: len(grid_texts(browser)) == 2, message="two refugee posts")
    assert any("tiktok refugee" in text for text in grid_texts(browser))
    assert "q=refugee" in browser.current_url


def test_live_refresh_adds_a_new_post_without_losing_filters(live_server: Any, browser: Any) -> None:
    browser.get(live_server.url + "/posts" + PERIOD_QUERY + "&platform=rednote")
    wait_for(lambda: len(grid_texts(browser)) == 4, message="four rednote posts")
    live_server.store.write_batch(
        [
            Post(
                platform="rednote",
                native_id="fresh",
                text="a brand new rednote post",
                created_at=datetime(2025, 1, 20, 12, tzinfo=UTC),
            )
        ]
    )
    wait_for(lambda: "a brand new rednote post" in grid_texts(browser), timeout=15, message="the new post")
    assert len(grid_texts(browser)) == 5
    assert "platform=rednote" in browser.current_url
    assert "1 new since" in browser.find_element("id", "bm-status").text
