"""The dashboard's callbacks, called through Dash's HTTP endpoint on the Flask test
client, against the store with known numbers."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from dashboard import shell
from dashboard.app import create_app
from dashboard.pages import overview, posts
from monitor.config import Config
from monitor.queries import Filters
from monitor.store import Store

PERIOD = Filters(start=date(2025, 1, 17), end=date(2025, 1, 20))
MODEL = "test-model@2"


def call(
    app: Any,
    outputs: list[tuple[str, str]],
    inputs: list[tuple[str, str, Any]],
    state: list[tuple[str, str, Any]] = (),
) -> dict[str, Any]:
    """Run one callback as the browser would and return its outputs by 'id.prop'."""
    joined = "...".join(f"{i}.{p}" for i, p in outputs)
    output = f"..{joined}.." if len(outputs) > 1 else joined
    payload = {
        "output": output,
        "outputs": [{"id": i, "property": p} for i, p in outputs]
        if len(outputs) > 1
        else {"id": outputs[0][0], "property": outputs[0][1]},
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "changedPropIds": [f"{inputs[0][0]}.{inputs[0][1]}"],
        "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
    }
    response = app.server.test_client().post("/_dash-update-component", json=payload)
    assert response.status_code == 200, response.data[:500]
    body = json.loads(response.data)["response"]
    return {f"{i}.{p}": value for i, props in body.items() for p, value in props.items()}


@pytest.fixture
def app(config: Config, known_store: Store) -> Any:
    return create_app(config, known_store)


def version() -> dict[str, Any]:
    return {"posts": 13, "scored": 12, "model": MODEL, "first_ts": None, "last_ts": None}


def test_create_app_twice_in_one_process(config: Config, known_store: Store) -> None:
    first, second = create_app(config, known_store), create_app(config, known_store)
    assert first is not second
    assert first.server.test_client().get("/").status_code == 200
    assert second.server.test_client().get("/posts").status_code == 200


def test_overview_cards_show_each_platform(app: Any) -> None:
    result = call(
        app,
        [
            (overview.CARDS, "children"),
            (overview.SENTIMENT_GRAPH, "figure"),
            (overview.VOLUME_GRAPH, "figure"),
        ],
        [(shell.FILTERS, "data", PERIOD.to_dict()), (shell.DATA_VERSION, "data", version())],
    )
    text = json.dumps(result[f"{overview.CARDS}.children"])
    assert "TikTok" in text and "RedNote" in text and "-0.25" in text
    assert result[f"{overview.SENTIMENT_GRAPH}.figure"]["layout"]["uirevision"] == PERIOD.to_query_string()


def test_choosing_a_platform_changes_the_charts(app: Any) -> None:
    only_x = PERIOD.replace(platforms=("x",))
    result = call(
        app,
        [
            (overview.CARDS, "children"),
            (overview.SENTIMENT_GRAPH, "figure"),
            (overview.VOLUME_GRAPH, "figure"),
        ],
        [(shell.FILTERS, "data", only_x.to_dict()), (shell.DATA_VERSION, "data", version())],
    )
    names = {trace.get("name") for trace in result[f"{overview.VOLUME_GRAPH}.figure"]["data"]}
    assert names == {"X"}


def test_url_sets_the_filter_controls(app: Any) -> None:
    search = PERIOD.replace(platforms=("rednote",), keyword="refugee").to_query_string()
    outputs = [
        (shell.DATE_RANGE, "start_date"),
        (shell.DATE_RANGE, "end_date"),
        (shell.PLATFORMS, "value"),
        (shell.TOPICS, "value"),
        (shell.LANGUAGES, "value"),
        (shell.SENTIMENT_CHOICE, "value"),
        (shell.KEYWORD, "value"),
        (shell.URL, "search"),
        (shell.FILTERS, "data"),
    ]
    inputs = [
        (shell.URL, "search", search),
        (shell.DATE_RANGE, "start_date", None),
        (shell.DATE_RANGE, "end_date", None),
        (shell.PLATFORMS, "value", None),
        (shell.TOPICS, "value", None),
        (shell.LANGUAGES, "value", None),
        (shell.SENTIMENT_CHOICE, "value", None),
        (shell.KEYWORD, "value", None),
    ]
    result = call(app, outputs, inputs, [(shell.FILTERS, "data", None)])
    assert result[f"{shell.PLATFORMS}.value"] == ["rednote"]
    assert result[f"{shell.KEYWORD}.value"] == "refugee"
    assert Filters.from_dict(result[f"{shell.FILTERS}.data"]).platforms == ("rednote",)


def test_grid_rows_come_paged_and_sorted(app: Any) -> None:
    request = {"startRow": 0, "endRow": 50, "sortModel": [{"colId": "engagement", "sort": "desc"}]}
    result = call(
        app,
        [(posts.GRID, "getRowsResponse")],
        [(posts.GRID, "getRowsRequest", request)],
        [(shell.FILTERS, "data", PERIOD.to_dict()), (shell.DATA_VERSION, "data", version())],
    )
    response = result[f"{posts.GRID}.getRowsResponse"]
    assert response["rowCount"] == 12
    assert response["rowData"][0]["id"] == "x:x1"
    assert response["rowData"][0]["created_at"] == "2025-01-17 12:00"


def test_post_text_stays_text_in_the_grid(app: Any) -> None:
    request = {"startRow": 0, "endRow": 50, "sortModel": []}
    result = call(
        app,
        [(posts.GRID, "getRowsResponse")],
        [(posts.GRID, "getRowsRequest", request)],
        [
            (shell.FILTERS, "data", PERIOD.replace(keyword="bold").to_dict()),
            (shell.DATA_VERSION, "data", version()),
        ],
    )
    row = result[f"{posts.GRID}.getRowsResponse"]["rowData"][0]
    assert row["text"].endswith("<b>bold</b>")  # passed as a string; the grid renders text
    assert not any(
        column.get("cellRenderer") in ("markdown", "html")
        for column in posts.COLUMNS
        if column["field"] == "text"
    )


def test_export_downloads_the_filtered_posts_as_csv(app: Any) -> None:
    result = call(
        app,
        [(posts.DOWNLOAD, "data")],
        [(posts.EXPORT, "n_clicks", 1)],
        [
            (shell.FILTERS, "data", PERIOD.replace(platforms=("rednote",)).to_dict()),
            (shell.DATA_VERSION, "data", version()),
        ],
    )
    download = result[f"{posts.DOWNLOAD}.data"]
    assert download["filename"].endswith(".csv")
    assert download["content"].count("rednote:r") == 4


def test_clicking_a_chart_point_opens_the_posts_of_that_platform_and_day() -> None:
    click = {"points": [{"customdata": ["tiktok", 1737158400, ""]}]}
    platform, bucket_ts, topic = shell.clicked_point(click)
    href = shell.drill_down_href("/posts", PERIOD.to_dict(), platform, bucket_ts, topic)
    assert href == "/posts?start=2025-01-18&end=2025-01-18&platform=tiktok"


def test_live_status_counts_posts_and_shows_scoring_progress(app: Any) -> None:
    result = call(
        app,
        [(shell.DATA_VERSION, "data"), (shell.BASELINE, "data"), (shell.STATUS, "children")],
        [(shell.TICK, "n_intervals", 1)],
        [(shell.DATA_VERSION, "data", None), (shell.BASELINE, "data", None)],
    )
    assert result[f"{shell.DATA_VERSION}.data"]["posts"] == 13
    status = json.dumps(result[f"{shell.STATUS}.children"])
    assert "scoring 12 / 13" in status and "last updated" in status
