"""The report's tables as CSV files: the aggregated tables and the posts behind them.

Cells that a spreadsheet would run as a formula (text starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) get a leading ``'`` so they open as plain text; numbers
stay numbers. Files are UTF-8 with a byte-order mark, so Excel reads Chinese text right.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from monitor.reports.content import ReportContent

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` in which text cells cannot run as spreadsheet formulas."""
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].map(_neutralise)
    return frame


def _neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def report_tables(content: ReportContent) -> dict[str, pd.DataFrame]:
    """The tables written as CSV, by file stem."""
    spikes = content.spikes.drop(columns=["bucket_ts"], errors="ignore")
    timeline = content.timeline.drop(columns=["bucket_ts"], errors="ignore")
    return {
        "headline": content.headline,
        "timeline": timeline,
        "topics": content.topics,
        "spikes": spikes,
        "top_posts": content.top_posts,
        "mentions": content.mentions,
        "posts": content.posts,
        "sources": content.method.sources,
    }


def write_csvs(content: ReportContent, folder: Path) -> list[Path]:
    """Write every table to ``folder/<name>.csv``; returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, frame in report_tables(content).items():
        path = folder / f"{stem}.csv"
        neutralise_formulas(frame).to_csv(
            path, index=False, encoding="utf-8-sig", date_format="%Y-%m-%dT%H:%M:%SZ"
        )
        written.append(path)
    return written
