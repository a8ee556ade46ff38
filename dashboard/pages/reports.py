"""Reports: every past report run (scheduled or made by hand) with its window, status,
deliveries and links to open or download its files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dash
import flask
import pandas as pd
from dash import Input, Output, html
from dash.exceptions import PreventUpdate

from dashboard.shell import DATA_VERSION, TICK, DashboardContext
from monitor.reports.runs import get_report_run, past_report_runs

PATH = "/reports"
TABLE = "reports-table"
FILES_ROUTE = "/report-files/<int:run_id>/<path:name>"


def layout(**_query: Any) -> html.Div:
    return html.Div(
        [
            html.H2("Reports"),
            html.P(
                "Past report runs, newest first. Filters do not apply here; "
                "each report has its own in configs/monitor.yaml.",
                className="bm-muted",
            ),
            html.Div(id=TABLE, className="bm-panel"),
        ]
    )


def _when(value: Any) -> str:
    return "—" if value is None or pd.isna(value) else value.strftime("%Y-%m-%d %H:%M UTC")


def file_href(run_id: int, name: str, download: bool = False) -> str:
    return f"/report-files/{run_id}/{name}" + ("?download=1" if download else "")


def _files_cell(run_id: int, files: list[str]) -> list[Any]:
    links: list[Any] = []
    for name in files:
        links.append(
            html.Span(
                [
                    html.A(name, href=file_href(run_id, name), target="_blank", rel="noopener"),
                    " ",
                    html.A("↓", href=file_href(run_id, name, download=True), title=f"download {name}"),
                ],
                className="bm-file",
            )
        )
        links.append(html.Br())
    return links or ["—"]


def _deliveries_cell(deliveries: list[dict[str, Any]]) -> list[Any]:
    cells: list[Any] = []
    for delivery in deliveries:
        status = str(delivery.get("status", ""))
        label = f"{delivery.get('kind', '')} {status}"
        error = str(delivery.get("error") or "")
        cells.append(html.Span(label, className=f"bm-pill {status}", title=error[:2000]))
        cells.append(" ")
    return cells or ["—"]


def reports_table(runs: pd.DataFrame) -> html.Table | html.P:
    """The report runs as an HTML table; errors are shown as text."""
    if runs.empty:
        return html.P(
            "No reports have run yet. Make one with `monitor report run NAME`.", className="bm-muted"
        )
    header = html.Tr(
        [html.Th(name) for name in ("Report", "Window", "Made", "Status", "Files", "Deliveries", "Error")]
    )
    rows = []
    for run in runs.itertuples(index=False):
        error = "" if run.error is None or pd.isna(run.error) else str(run.error)
        rows.append(
            html.Tr(
                [
                    html.Td([run.report, html.Span(f" ({run.trigger})", className="bm-muted")]),
                    html.Td(f"{_when(run.window_start)} → {_when(run.window_end)}"),
                    html.Td(_when(run.finished_at if not pd.isna(run.finished_at) else run.started_at)),
                    html.Td(html.Span(run.status, className=f"bm-pill {run.status}")),
                    html.Td(_files_cell(int(run.id), list(run.files))),
                    html.Td(_deliveries_cell(list(run.deliveries))),
                    html.Td(error[:300], title=error[:2000]),
                ]
            )
        )
    return html.Table([html.Thead(header), html.Tbody(rows)], className="bm-table")


def register(app: dash.Dash, context: DashboardContext) -> None:
    dash.register_page(__name__, path=PATH, name="Reports", order=6, layout=layout)

    @app.callback(Output(TABLE, "children"), Input(DATA_VERSION, "data"), Input(TICK, "n_intervals"))
    def update(version: dict[str, Any] | None, _tick: int | None) -> Any:
        if version is None:
            raise PreventUpdate
        return reports_table(past_report_runs(context.store))

    def report_file(run_id: int, name: str) -> flask.Response:
        # Only a file the run recorded, from the run's own folder: no path from the request
        # ever reaches the file system.
        run = get_report_run(context.store, run_id)
        if run is None or run.folder is None or name not in run.files:
            flask.abort(404)
        path = Path(run.folder) / name
        if not path.is_file():
            flask.abort(404)
        download = flask.request.args.get("download") == "1"
        return flask.send_file(path, as_attachment=download, download_name=name)

    if "report_file" not in app.server.view_functions:
        app.server.add_url_rule(FILES_ROUTE, "report_file", report_file)
