"""Topics: each topic's share of every platform's posts over time, and a topic ×
platform heatmap of net sentiment. Clicking a cell or an area opens those posts."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, html

from dashboard.shell import (
    DATA_VERSION,
    FILTERS,
    DashboardContext,
    View,
    graph_panel,
    register_drill_down,
)
from monitor import figures, queries

PATH = "/topics"
SHARE_GRAPH = "topics-share"
HEATMAP = "topics-heatmap"


def layout(**_query: Any) -> html.Div:
    return html.Div(
        [
            html.H2("Topics"),
            graph_panel(HEATMAP),
            graph_panel(SHARE_GRAPH),
        ]
    )


CACHE_KEY = "topics"


def build(context: DashboardContext, view: View) -> tuple[Any, Any]:
    """The page for ``view``: topic shares over time and the topic-by-platform heatmap."""
    share = figures.topic_share_over_time(
        queries.topic_share(context.store, view.filters, view.model, max_lag=context.rollup_lag),
        context.events,
    )
    heatmap = figures.topic_heatmap(
        queries.topic_platform_sentiment(context.store, view.filters, view.model, max_lag=context.rollup_lag)
    )
    for figure in (share, heatmap):
        figure.update_layout(uirevision=view.revision)
    return share, heatmap


def register(app: dash.Dash, context: DashboardContext) -> None:
    dash.register_page(__name__, path=PATH, name="Topics", order=1, layout=layout)

    @app.callback(
        Output(SHARE_GRAPH, "figure"),
        Output(HEATMAP, "figure"),
        Input(FILTERS, "data"),
        Input(DATA_VERSION, "data"),
    )
    def update(filters_data: dict[str, Any] | None, version: dict[str, Any] | None) -> tuple[Any, Any]:
        view = View.required(filters_data, version)
        return context.cached(
            (CACHE_KEY, *view.key), context.view_version(view, version), lambda: build(context, view)
        )

    register_drill_down(app, (SHARE_GRAPH, HEATMAP), topic_alone=True)
