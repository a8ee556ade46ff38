"""Sources: every configured source with its last run, status, posts collected, rejects
and last error, so an analyst can tell a quiet platform from a broken collector."""

from __future__ import annotations

from typing import Any

import dash
import pandas as pd
from dash import Input, Output, html
from dash.exceptions import PreventUpdate

from dashboard.shell import DATA_VERSION, TICK, DashboardContext
from monitor import queries

PATH = "/sources"
TABLE = "sources-table"


def layout(**_query: Any) -> html.Div:
    return html.Div(
        [
            html.H2("Sources"),
            html.P("Collection health. Filters do not apply here.", className="bm-muted"),
            html.Div(id=TABLE, className="bm-panel"),
        ]
    )


def _when(value: Any) -> str:
    return "—" if value is None or pd.isna(value) else value.strftime("%Y-%m-%d %H:%M UTC")


def sources_table(status: pd.DataFrame) -> html.Table:
    """The sources as an HTML table; errors shown as text."""
    header = html.Tr(
        [
            html.Th(name)
            for name in (
                "Source",
                "Status",
                "Last run",
                "Posts (last run)",
                "Posts (total)",
                "Rejects",
                "Last error",
            )
        ]
    )
    rows = []
    for row in status.itertuples(index=False):
        error = "" if row.last_error is None or pd.isna(row.last_error) else str(row.last_error)
        rows.append(
            html.Tr(
                [
                    html.Td(
                        [
                            row.source,
                            "" if row.configured else html.Span(" (not configured)", className="bm-muted"),
                        ]
                    ),
                    html.Td(html.Span(row.status, className=f"bm-pill {row.status}")),
                    html.Td(_when(row.started_at)),
                    html.Td(f"{row.posts_new:,}"),
                    html.Td(f"{row.posts:,}"),
                    html.Td(f"{row.rejects:,}"),
                    html.Td(error[:300], title=error[:2000]),
                ]
            )
        )
    return html.Table([html.Thead(header), html.Tbody(rows)], className="bm-table")


def register(app: dash.Dash, context: DashboardContext) -> None:
    dash.register_page(__name__, path=PATH, name="Sources", order=5, layout=layout)

    @app.callback(Output(TABLE, "children"), Input(DATA_VERSION, "data"), Input(TICK, "n_intervals"))
    def update(version: dict[str, Any] | None, _tick: int | None) -> Any:
        if version is None:
            raise PreventUpdate
        names = [source.name for source in context.config.sources]
        # Once per data version (the live refresh period), however many analysts tick.
        return context.cached(
            ("sources", *names), version, lambda: sources_table(queries.source_status(context.store, names))
        )
