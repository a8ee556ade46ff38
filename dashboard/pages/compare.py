"""Compare platforms: the sentiment split of each platform side by side, and how often
posts on one platform name another (TikTok, RedNote, X, Instagram, Lemon8, YouTube) over
time, to watch the migration talk move."""

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

PATH = "/compare"
DISTRIBUTION_GRAPH = "compare-distribution"
MENTIONS_GRAPH = "compare-mentions"


def layout(**_query: Any) -> html.Div:
    return html.Div(
        [
            html.H2("Compare platforms"),
            graph_panel(DISTRIBUTION_GRAPH),
            graph_panel(MENTIONS_GRAPH),
        ]
    )


def register(app: dash.Dash, context: DashboardContext) -> None:
    dash.register_page(__name__, path=PATH, name="Compare platforms", order=2, layout=layout)

    @app.callback(
        Output(DISTRIBUTION_GRAPH, "figure"),
        Output(MENTIONS_GRAPH, "figure"),
        Input(FILTERS, "data"),
        Input(DATA_VERSION, "data"),
    )
    def update(filters_data: dict[str, Any] | None, version: dict[str, Any] | None) -> tuple[Any, Any]:
        view = View.required(filters_data, version)

        def build() -> tuple[Any, Any]:
            distribution = figures.sentiment_distribution(
                queries.sentiment_distribution(
                    context.store, view.filters, view.model, max_lag=context.rollup_lag
                )
            )
            mentions = figures.cross_mentions(
                queries.cross_mentions(context.store, view.filters, view.model, max_lag=context.rollup_lag),
                context.events,
            )
            for figure in (distribution, mentions):
                figure.update_layout(uirevision=view.revision)
            return distribution, mentions

        return context.cached(("compare", *view.key), version, build)

    @app.callback(
        Output(NAV, "href", allow_duplicate=True),
        Input(DISTRIBUTION_GRAPH, "clickData"),
        Input(MENTIONS_GRAPH, "clickData"),
        State(FILTERS, "data"),
        prevent_initial_call=True,
    )
    def open_posts(
        distribution_click: dict[str, Any] | None,
        mentions_click: dict[str, Any] | None,
        filters_data: dict[str, Any] | None,
    ) -> str:
        click = distribution_click if dash.ctx.triggered_id == DISTRIBUTION_GRAPH else mentions_click
        platform, bucket_ts, topic = clicked_point(click)
        if platform is None:
            raise PreventUpdate
        return drill_down_href("/posts", filters_data, platform, bucket_ts, topic)
