"""Compare platforms: the sentiment split of each platform side by side, and how often
posts on one platform name another (TikTok, RedNote, X, Instagram, Lemon8, YouTube) over
time, to watch the migration talk move."""

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


CACHE_KEY = "compare"


def build(context: DashboardContext, view: View) -> tuple[Any, Any]:
    """The page for ``view``: sentiment distribution per platform and cross-mentions."""
    distribution = figures.sentiment_distribution(
        queries.sentiment_distribution(context.store, view.filters, view.model, max_lag=context.rollup_lag)
    )
    mentions = figures.cross_mentions(
        queries.cross_mentions(context.store, view.filters, view.model, max_lag=context.rollup_lag),
        context.events,
    )
    for figure in (distribution, mentions):
        figure.update_layout(uirevision=view.revision)
    return distribution, mentions


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
        return context.cached(
            (CACHE_KEY, *view.key), context.view_version(view, version), lambda: build(context, view)
        )

    register_drill_down(app, (DISTRIBUTION_GRAPH, MENTIONS_GRAPH))
