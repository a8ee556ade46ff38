"""Posts explorer: a server-paged dash-ag-grid over the filtered posts (time, platform,
text, coloured sentiment, topic, language, engagement, link), sortable by the columns an
index serves (time, platform, engagement; ``queries.GRID_SORTS``), with a CSV export of
everything the filters select (formulas neutralised). Text is rendered as text; links
only for http(s)."""

from __future__ import annotations

import json
from typing import Any

import dash
import dash_ag_grid as dag
import pandas as pd
from dash import Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from dashboard.shell import DATA_VERSION, FILTERS, DashboardContext, View
from monitor import queries
from monitor.reports.csv_export import neutralise_formulas

PATH = "/posts"
GRID = "posts-grid"
COUNT = "posts-count"
EXPORT = "posts-export"
DOWNLOAD = "posts-download"
GRID_RESET = "posts-grid-reset"
PAGE_SIZE = 50

_SENTIMENT_STYLE = {
    "styleConditions": [
        {"condition": "params.value === 'positive'", "style": {"color": "#15803d", "fontWeight": 600}},
        {"condition": "params.value === 'negative'", "style": {"color": "#b91c1c", "fontWeight": 600}},
        {"condition": "params.value === 'neutral'", "style": {"color": "#6b7280"}},
    ]
}
_SCORE_STYLE = {
    "styleConditions": [
        {"condition": "params.value > 0.2", "style": {"backgroundColor": "#dcfce7"}},
        {"condition": "params.value < -0.2", "style": {"backgroundColor": "#fee2e2"}},
    ]
}
COLUMNS = [
    {"field": "created_at", "headerName": "Time (UTC)", "width": 150, "sort": "desc"},
    {"field": "platform", "headerName": "Platform", "width": 110},
    {
        "field": "text",
        "headerName": "Text",
        "flex": 1,
        "minWidth": 320,
        "sortable": False,
        "tooltipField": "text",
        "wrapText": False,
    },
    {
        "field": "sentiment",
        "headerName": "Sentiment",
        "width": 115,
        "sortable": False,
        "cellStyle": _SENTIMENT_STYLE,
    },
    {
        "field": "sentiment_score",
        "headerName": "Score",
        "width": 90,
        "sortable": False,
        "cellStyle": _SCORE_STYLE,
        "valueFormatter": {"function": "params.value == null ? '' : d3.format('+.2f')(params.value)"},
    },
    {"field": "topic", "headerName": "Topic", "width": 120, "sortable": False},
    {"field": "lang", "headerName": "Lang", "width": 80, "sortable": False},
    {
        "field": "engagement",
        "headerName": "Engagement",
        "width": 120,
        "type": "numericColumn",
        "valueFormatter": {"function": "params.value == null ? '' : d3.format(',')(params.value)"},
    },
    {"field": "author", "headerName": "Author", "width": 130, "sortable": False},
    {"field": "url", "headerName": "Link", "width": 90, "sortable": False, "cellRenderer": "PostLink"},
]


def layout(**_query: Any) -> html.Div:
    return html.Div(
        [
            html.H2("Posts"),
            html.Div(
                className="bm-toolbar",
                children=[
                    html.Span(id=COUNT, className="bm-muted"),
                    html.Button("Export CSV", id=EXPORT),
                    dcc.Download(id=DOWNLOAD),
                    dcc.Store(id=GRID_RESET),
                ],
            ),
            dag.AgGrid(
                id=GRID,
                rowModelType="infinite",
                columnDefs=COLUMNS,
                defaultColDef={"resizable": True, "sortable": True, "filter": False},
                dashGridOptions={
                    "pagination": True,
                    "paginationPageSize": PAGE_SIZE,
                    "cacheBlockSize": PAGE_SIZE,
                    "paginationPageSizeSelector": False,
                    "maxBlocksInCache": 20,
                    "rowBuffer": 0,
                    "tooltipShowDelay": 300,
                    "enableCellTextSelection": True,
                },
                getRowId="params.data.id",
                style={"height": "640px"},
                className="ag-theme-quartz",
            ),
        ]
    )


def grid_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Grid rows from ``queries.posts_page`` output (times as text, blanks as None)."""
    if frame.empty:
        return []
    frame = frame.copy()
    frame["created_at"] = frame["created_at"].dt.strftime("%Y-%m-%d %H:%M")
    frame = frame.astype(object).where(frame.notna(), None)
    return frame.to_dict("records")


def register(app: dash.Dash, context: DashboardContext) -> None:
    dash.register_page(__name__, path=PATH, name="Posts", order=4, layout=layout)

    @app.callback(
        Output(GRID, "getRowsResponse"),
        Input(GRID, "getRowsRequest"),
        State(FILTERS, "data"),
        State(DATA_VERSION, "data"),
    )
    def rows(
        request: dict[str, Any] | None, filters_data: dict[str, Any] | None, version: dict[str, Any] | None
    ) -> dict[str, Any]:
        if not request:
            raise PreventUpdate
        view = View.from_stores(filters_data, version)
        sort_by, descending = "created_at", True
        for sort in request.get("sortModel") or []:
            if sort.get("colId") in queries.GRID_SORTS:
                sort_by, descending = sort["colId"], sort.get("sort") != "asc"
                break
        start = int(request.get("startRow") or 0)
        end = int(request.get("endRow") or start + PAGE_SIZE)

        def build() -> dict[str, Any]:
            page = queries.posts_page(
                context.store, view.filters, view.model, sort_by, descending, start, end - start
            )
            row_count = start + len(page) if len(page) < end - start else None
            return {"rowData": grid_rows(page), "rowCount": row_count}

        return context.cached(("grid", *view.key, sort_by, descending, start, end), version, build)

    @app.callback(Output(COUNT, "children"), Input(FILTERS, "data"), Input(DATA_VERSION, "data"))
    def count(filters_data: dict[str, Any] | None, version: dict[str, Any] | None) -> str:
        view = View.required(filters_data, version)
        total = context.cached(
            ("count", *view.key),
            context.view_version(view, version),
            lambda: queries.count_posts(context.store, view.filters, view.model, max_lag=context.rollup_lag),
        )
        return f"{total:,} posts match · {view.filters.start} to {view.filters.end}"

    # New filters: start again from the first page; new data: reload the pages in view.
    app.clientside_callback(
        """
        function(filters, version) {
            const trigger = (dash_clientside.callback_context.triggered[0] || {}).prop_id || "";
            let api = null;
            try {
                api = dash_ag_grid.getApi(GRID_ID);
            } catch (notReadyYet) {
                return Date.now();  // a grid that is not up yet will ask for its rows anyway
            }
            if (api) {
                if (trigger.startsWith(FILTERS_ID)) {
                    api.purgeInfiniteCache();
                } else {
                    api.refreshInfiniteCache();
                }
            }
            return Date.now();
        }
        """.replace("GRID_ID", json.dumps(GRID)).replace("FILTERS_ID", json.dumps(FILTERS)),
        Output(GRID_RESET, "data"),
        Input(FILTERS, "data"),
        Input(DATA_VERSION, "data"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(DOWNLOAD, "data"),
        Input(EXPORT, "n_clicks"),
        State(FILTERS, "data"),
        State(DATA_VERSION, "data"),
        prevent_initial_call=True,
    )
    def export(
        _clicks: int | None, filters_data: dict[str, Any] | None, version: dict[str, Any] | None
    ) -> dict[str, Any]:
        view = View.from_stores(filters_data, version)
        frame = queries.export_posts(context.store, view.filters, view.model)
        name = f"posts_{view.filters.start}_{view.filters.end}.csv"
        # Cells a spreadsheet would run as formulas open as text, as in the reports' CSVs.
        return dcc.send_data_frame(neutralise_formulas(frame).to_csv, name, index=False)
