"""Overview: a card per platform (volume, net sentiment, change against the previous
period), net sentiment over time with its band and rolling mean, and volume over time,
with the configured events and detected spikes marked. Clicking a point opens its posts."""

from __future__ import annotations

from typing import Any

import dash
import pandas as pd
from dash import Input, Output, html

from dashboard.shell import (
    DATA_VERSION,
    FILTERS,
    DashboardContext,
    View,
    graph_panel,
    register_drill_down,
    timeline_charts,
)
from monitor import figures, queries

PATH = "/"
CARDS = "overview-cards"
SENTIMENT_GRAPH = "overview-sentiment"
VOLUME_GRAPH = "overview-volume"


def layout(**_query: Any) -> html.Div:
    return html.Div(
        [
            html.H2("Overview"),
            html.Div(id=CARDS, className="bm-cards"),
            graph_panel(SENTIMENT_GRAPH),
            graph_panel(VOLUME_GRAPH),
        ]
    )


def platform_cards(summary: pd.DataFrame) -> list[html.Div]:
    """One card per platform: posts with their change, net sentiment with its change."""
    if summary.empty:
        return [html.Div("No posts match these filters.", className="bm-muted")]
    cards = []
    for row in summary.itertuples(index=False):
        cards.append(
            html.Div(
                className="bm-card",
                id={"type": "overview-card", "platform": row.platform},
                style={"--platform": figures.platform_color(row.platform)},
                children=[
                    html.Div(figures.platform_label(row.platform), className="name"),
                    html.Div(f"{row.posts:,}", className="big"),
                    html.Div([html.Span("posts"), _change(row.volume_change, "{:+.0%}")], className="row"),
                    html.Div(
                        [
                            html.Span("net sentiment"),
                            html.Span("—" if pd.isna(row.net_sentiment) else f"{row.net_sentiment:+.2f}"),
                        ],
                        className="row",
                    ),
                    html.Div(
                        [html.Span("vs previous period"), _change(row.net_change, "{:+.2f}")], className="row"
                    ),
                ],
            )
        )
    return cards


def _change(value: float, template: str) -> html.Span:
    if value is None or pd.isna(value):
        return html.Span("n/a", className="bm-flat")
    css = "bm-up" if value > 0 else "bm-down" if value < 0 else "bm-flat"
    return html.Span(template.format(value), className=css)


CACHE_KEY = "overview"


def build(context: DashboardContext, view: View) -> tuple[Any, ...]:
    """The page for ``view``: platform cards, sentiment and volume charts."""
    summary = queries.platform_summary(context.store, view.filters, view.model, max_lag=context.rollup_lag)
    _, sentiment, volume = timeline_charts(context, view)
    return platform_cards(summary), sentiment, volume


def register(app: dash.Dash, context: DashboardContext) -> None:
    dash.register_page(__name__, path=PATH, name="Overview", order=0, layout=layout)

    @app.callback(
        Output(CARDS, "children"),
        Output(SENTIMENT_GRAPH, "figure"),
        Output(VOLUME_GRAPH, "figure"),
        Input(FILTERS, "data"),
        Input(DATA_VERSION, "data"),
    )
    def update(filters_data: dict[str, Any] | None, version: dict[str, Any] | None) -> tuple[Any, ...]:
        view = View.required(filters_data, version)
        return context.cached(
            (CACHE_KEY, *view.key), context.view_version(view, version), lambda: build(context, view)
        )

    register_drill_down(app, (SENTIMENT_GRAPH, VOLUME_GRAPH))
