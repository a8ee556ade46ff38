"""Spikes: unusual volume or sentiment shifts per platform against a rolling baseline,
marked on the charts and listed; choosing one shows what drove it (the terms that rose in
its window and its most engaged posts)."""

from __future__ import annotations

from typing import Any

import dash
import pandas as pd
from dash import ALL, Input, Output, State, ctx, dcc, html

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

PATH = "/spikes"
VOLUME_GRAPH = "spikes-volume"
SENTIMENT_GRAPH = "spikes-sentiment"
LIST = "spikes-list"
SPIKES = "spikes-found"
SELECTED = "spikes-selected"
DRIVERS = "spikes-drivers"
ITEM = "spikes-item"
MAX_LISTED = 30


def layout(**_query: Any) -> html.Div:
    return html.Div(
        [
            html.H2("Spikes"),
            dcc.Store(id=SPIKES),
            dcc.Store(id=SELECTED),
            graph_panel(VOLUME_GRAPH),
            graph_panel(SENTIMENT_GRAPH),
            html.Div(
                className="bm-grid-2",
                children=[
                    html.Div([html.H3("Detected"), html.Div(id=LIST)]),
                    html.Div([html.H3("What drove it"), html.Div(id=DRIVERS, className="bm-panel")]),
                ],
            ),
        ]
    )


def _describe(spike: dict[str, Any]) -> str:
    when = pd.Timestamp(spike["bucket_ts"], unit="s", tz="UTC").strftime("%Y-%m-%d %H:%M")
    name = figures.platform_label(spike["platform"])
    if spike["kind"] == "volume":
        return f"{when} · {name}: {spike['value']:,.0f} posts vs ~{spike['baseline']:,.0f} usual"
    return (
        f"{when} · {name}: net sentiment {spike['value']:+.2f} vs {spike['baseline']:+.2f} "
        f"({spike['direction']})"
    )


def spike_list(found: list[dict[str, Any]], selected: int | None) -> list[Any]:
    if not found:
        return [html.Div("No spikes in this view.", className="bm-muted")]
    return [
        html.Div(
            _describe(spike),
            id={"type": ITEM, "index": index},
            n_clicks=0,
            className="bm-spike selected" if index == selected else "bm-spike",
        )
        for index, spike in enumerate(found[:MAX_LISTED])
    ]


def drivers(
    context: DashboardContext, view: View, version: dict[str, Any] | None, spike: dict[str, Any]
) -> list[Any]:
    """Rising terms and the most engaged posts of one spike's window."""
    bucket = queries.bucket_for(view.filters)
    window, baseline = queries.spike_filters(view.filters, spike["platform"], int(spike["bucket_ts"]), bucket)

    def term_counts(filters: queries.Filters, sample: int) -> queries.TermCounts:
        # Kept while no post of those days changes: the baseline's past days rarely do.
        return context.cached(
            ("terms", filters, view.model, sample),
            context.range_version(filters, view.model, version),
            lambda: queries.term_counts(context.store, filters, view.model, sample),
        )

    rising = queries.rising(
        term_counts(window, queries.WINDOW_SAMPLE), term_counts(baseline, queries.BASELINE_SAMPLE)
    )
    top = queries.top_posts(context.store, window, view.model, limit=5)
    posts = [
        html.Div(
            className="bm-post",
            children=[
                html.Div(
                    f"{row.created_at:%Y-%m-%d %H:%M} · {row.engagement:,} engagement · "
                    f"{row.sentiment or 'unscored'}",
                    className="bm-muted",
                ),
                html.Div(row.text),
            ],
        )
        for row in top.itertuples(index=False)
    ]
    return [
        html.Div(_describe(spike), style={"fontWeight": 600}),
        dcc.Graph(figure=figures.rising_terms(rising), config={"displaylogo": False}),
        html.H4("Most engaged posts"),
        *posts,
    ]


CACHE_KEY = "spikes"


def build(context: DashboardContext, view: View) -> tuple[Any, ...]:
    """The page for ``view``: volume and sentiment charts and the spikes, newest first."""
    found, sentiment, volume = timeline_charts(context, view)
    strength = found["score"].abs()
    ranked = found.assign(strength=strength).sort_values(["bucket_ts", "strength"], ascending=False)
    records = ranked[["platform", "bucket_ts", "kind", "value", "baseline", "score", "direction"]]
    return volume, sentiment, records.to_dict("records")


def cached_drivers(
    context: DashboardContext, view: View, version: dict[str, Any] | None, spike: dict[str, Any]
) -> list[Any]:
    """``drivers``, cached per view, spike (a record of ``build``'s list) and data version."""
    spike_key = tuple(sorted((name, str(value)) for name, value in spike.items()))
    return context.cached(
        ("spike-drivers", *view.key, spike_key), version, lambda: drivers(context, view, version, spike)
    )


def register(app: dash.Dash, context: DashboardContext) -> None:
    dash.register_page(__name__, path=PATH, name="Spikes", order=3, layout=layout)

    @app.callback(
        Output(VOLUME_GRAPH, "figure"),
        Output(SENTIMENT_GRAPH, "figure"),
        Output(SPIKES, "data"),
        Input(FILTERS, "data"),
        Input(DATA_VERSION, "data"),
    )
    def update(filters_data: dict[str, Any] | None, version: dict[str, Any] | None) -> tuple[Any, ...]:
        view = View.required(filters_data, version)
        return context.cached(
            (CACHE_KEY, *view.key), context.view_version(view, version), lambda: build(context, view)
        )

    @app.callback(
        Output(SELECTED, "data"),
        Input({"type": ITEM, "index": ALL}, "n_clicks"),
        Input(SPIKES, "data"),
        prevent_initial_call=True,
    )
    def select(_clicks: list[int], found: list[dict[str, Any]] | None) -> int | None:
        if isinstance(ctx.triggered_id, dict) and any(_clicks):
            return int(ctx.triggered_id["index"])
        return 0 if found else None

    @app.callback(
        Output(LIST, "children"),
        Output(DRIVERS, "children"),
        Input(SELECTED, "data"),
        State(SPIKES, "data"),
        State(FILTERS, "data"),
        State(DATA_VERSION, "data"),
    )
    def show(
        selected: int | None,
        found: list[dict[str, Any]] | None,
        filters_data: dict[str, Any] | None,
        version: dict[str, Any] | None,
    ) -> tuple[Any, Any]:
        found = found or []
        if selected is None or selected >= len(found):
            return spike_list(found, None), html.Div(
                "Choose a spike to see what drove it.", className="bm-muted"
            )
        view = View.from_stores(filters_data, version)
        return spike_list(found, selected), cached_drivers(context, view, version, found[selected])

    register_drill_down(app, (VOLUME_GRAPH, SENTIMENT_GRAPH))
