"""Topics: each topic's share of every platform's posts over time, and a topic ×
platform heatmap of net sentiment. Clicking a cell or an area opens those posts."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, html
from dash.exceptions import PreventUpdate

from dashboard.shell import (
    DATA_VERSION,
    FILTERS,
    NAV,
    DashboardContext,
    View,
    clicked_point,
    drill_down_href,
    graph_panel,
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

        def build() -> tuple[Any, Any]:
            share = figures.topic_share_over_time(
                queries.topic_share(context.store, view.filters, view.model, max_lag=context.rollup_lag),
                context.events,
            )
            heatmap = figures.topic_heatmap(
                queries.topic_platform_sentiment(
                    context.store, view.filters, view.model, max_lag=context.rollup_lag
                )
            )
            for figure in (share, heatmap):
                figure.update_layout(uirevision=view.revision)
            return share, heatmap

        return context.cached(("topics", *view.key), version, build)

    @app.callback(
        Output(NAV, "href", allow_duplicate=True),
        Input(SHARE_GRAPH, "clickData"),
        Input(HEATMAP, "clickData"),
        State(FILTERS, "data"),
        prevent_initial_call=True,
    )
    def open_posts(
        share_click: dict[str, Any] | None,
        heatmap_click: dict[str, Any] | None,
        filters_data: dict[str, Any] | None,
    ) -> str:
        click = share_click if dash.ctx.triggered_id == SHARE_GRAPH else heatmap_click
        platform, bucket_ts, topic = clicked_point(click)
        if platform is None and topic is None:
            raise PreventUpdate
        return drill_down_href("/posts", filters_data, platform, bucket_ts, topic)
