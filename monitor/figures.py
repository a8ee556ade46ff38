"""Plotly figures drawn from the DataFrames of ``monitor.queries``, shared by the dashboard
and the reports so both show the same picture.

Every figure takes a DataFrame (and the configured events where time is on the x axis),
uses one colour per platform everywhere, and copes with an empty frame by saying so.
Points carry ``customdata`` ``[platform, bucket_ts, topic]`` so a click can be turned
into filters by whoever shows the figure.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any, Protocol

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

PLATFORM_COLORS: dict[str, str] = {
    "tiktok": "#111111",
    "rednote": "#E5243B",
    "x": "#1D9BF0",
    "reddit": "#FF5700",
    "bluesky": "#0A7AFF",
    "mastodon": "#6364FF",
    "hackernews": "#CA8A04",
    "youtube": "#7F1D1D",  # darker than RedNote's red, so the two lines stay apart
    "news": "#6B7280",
    "instagram": "#C13584",
    "lemon8": "#65A30D",
}
_SPARE_COLORS = px.colors.qualitative.Safe
SENTIMENT_COLORS: dict[str, str] = {"negative": "#D7301F", "neutral": "#9CA3AF", "positive": "#1A9850"}
PLATFORM_LABELS: dict[str, str] = {
    "tiktok": "TikTok",
    "rednote": "RedNote",
    "x": "X",
    "reddit": "Reddit",
    "bluesky": "Bluesky",
    "mastodon": "Mastodon",
    "hackernews": "Hacker News",
    "youtube": "YouTube",
    "news": "News",
    "instagram": "Instagram",
    "lemon8": "Lemon8",
}
FONT = "Inter, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"


class Event(Protocol):
    """A dated annotation (``config.events`` entries have this shape)."""

    date: date
    label: str


WHITE_TEMPLATE = pio.templates["plotly_white"]


def platform_color(platform: str) -> str:
    """The platform's colour, the same in every chart (unknown platforms get a stable spare)."""
    if platform in PLATFORM_COLORS:
        return PLATFORM_COLORS[platform]
    return _SPARE_COLORS[sum(map(ord, platform)) % len(_SPARE_COLORS)]


def platform_label(platform: str) -> str:
    return PLATFORM_LABELS.get(platform, platform.title())


def _hex_to_rgba(color: str, alpha: float) -> str:
    color = color.lstrip("#")
    if len(color) != 6:
        return f"rgba(120,120,120,{alpha})"
    red, green, blue = (int(color[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({red},{green},{blue},{alpha})"


def _style_layout(title: str | None, height: int) -> dict[str, Any]:
    return {
        # The template itself, not its name: unvalidated figures do not resolve names, and
        # plotly.js only understands the expanded template.
        "template": WHITE_TEMPLATE,
        "title": {"text": title, "x": 0.01, "font": {"size": 15}} if title else None,
        "font": {"family": FONT, "size": 12, "color": "#1F2937"},
        "margin": {"l": 48, "r": 16, "t": 48 if title else 16, "b": 40},
        "height": height,
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "right", "x": 1},
        "hoverlabel": {"font": {"family": FONT}},
        "clickmode": "event",
    }


def _style(figure: go.Figure, title: str | None = None, height: int = 360) -> go.Figure:
    figure.update_layout(**_style_layout(title, height))
    return figure


def _assemble(
    traces: list[dict[str, Any]],
    layout: dict[str, Any],
    events: Iterable[Event],
    title: str | None,
    height: int,
) -> go.Figure:
    """A styled figure with event lines from plain trace and layout dicts, made a
    ``go.Figure`` in one step at the end: building it through plotly's objects (traces
    added one by one, ``update_*`` calls, ``make_subplots``) costs 5-10x more, which is
    most of a dashboard callback's time."""
    shapes, annotations = _event_marks(events)
    style = _style_layout(title, height)
    if style["title"] is None:
        del style["title"]
    merged = {name: {**layout[name], **value} if name in layout else value for name, value in style.items()}
    layout = {**layout, **merged}
    if shapes:
        layout["shapes"] = [*layout.get("shapes", []), *shapes]
        layout["annotations"] = [*layout.get("annotations", []), *annotations]
    return go.Figure({"data": traces, "layout": layout}, _validate=False)


def _update_axes(layout: dict[str, Any], letter: str, **properties: Any) -> None:
    """``update_xaxes`` / ``update_yaxes`` on a layout dict: every axis of that letter."""
    names = [name for name in layout if name.startswith(f"{letter}axis")] or [f"{letter}axis"]
    for name in names:
        layout[name] = {**layout.get(name, {}), **properties}


@functools.lru_cache(maxsize=64)
def _panel_layout(rows: int, cols: int, titles: tuple[str, ...], vertical_spacing: float) -> dict[str, Any]:
    panels = make_subplots(
        rows=rows, cols=cols, shared_xaxes=True, vertical_spacing=vertical_spacing, subplot_titles=titles
    )
    layout = panels.to_plotly_json()["layout"]
    layout.pop("template", None)
    return layout


def _panels(rows: int, cols: int, titles: Sequence[str], vertical_spacing: float) -> dict[str, Any]:
    """``make_subplots``' layout (panel axes with shared x, panel titles) as a plain dict,
    made once per shape and copied (it costs 60-90 ms to make)."""
    return copy.deepcopy(_panel_layout(rows, cols, tuple(titles), vertical_spacing))


def empty_figure(message: str = "No posts match these filters", height: int = 360) -> go.Figure:
    """A blank chart that says why it is blank."""
    figure = go.Figure(_validate=False)
    figure.add_annotation(
        text=message,
        showarrow=False,
        font={"size": 14, "color": "#6B7280"},
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
    )
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return _style(figure, height=height)


def add_events(figure: go.Figure, events: Iterable[Event]) -> go.Figure:
    """Draw each event as a labelled dashed vertical line across the whole plot area."""
    shapes, annotations = _event_marks(events)
    if shapes:
        # One assignment: add_shape / add_annotation re-check every earlier one each time.
        figure.update_layout(
            shapes=[*figure.layout.shapes, *shapes], annotations=[*figure.layout.annotations, *annotations]
        )
    return figure


def _event_marks(events: Iterable[Event]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each event's dashed line (shape) and label (annotation), as layout dicts."""
    shapes, annotations = [], []
    for index, event in enumerate(events):
        moment = datetime(event.date.year, event.date.month, event.date.day, tzinfo=UTC)
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": moment,
                "x1": moment,
                "y0": 0,
                "y1": 1,
                "line": {"color": "#6B7280", "width": 1, "dash": "dash"},
                "layer": "below",
            }
        )
        annotations.append(
            {
                "x": moment,
                "xref": "x",
                "yref": "paper",
                "y": 1 - 0.08 * (index % 3),
                "text": event.label,
                "showarrow": False,
                "xanchor": "left",
                "yanchor": "top",
                "font": {"size": 10, "color": "#374151"},
                "bgcolor": "rgba(255,255,255,0.8)",
            }
        )
    return shapes, annotations


def _customdata(frame: pd.DataFrame, topic: str | None = None) -> list[list[Any]]:
    topics = frame["topic"] if "topic" in frame else [topic or ""] * len(frame)
    return [[p, int(ts), t] for p, ts, t in zip(frame["platform"], frame["bucket_ts"], topics, strict=True)]


# ---------------------------------------------------------------- overview


def sentiment_over_time(
    timeline: pd.DataFrame, events: Sequence[Event] = (), spikes: pd.DataFrame | None = None
) -> go.Figure:
    """Net sentiment per platform: the rolling mean as a line, each bucket's value as a
    dot sized by its posts, and a shaded 95% band that widens where few posts stand
    behind a point. Spikes in sentiment are ringed."""
    if timeline.empty or timeline["scored"].sum() == 0:
        return empty_figure("No scored posts yet for these filters")
    traces: list[dict[str, Any]] = []
    for platform, group in timeline.groupby("platform", sort=True):
        color = platform_color(platform)
        scored = group[group["scored"] > 0]
        name = platform_label(platform)
        traces.append(
            {
                "type": "scatter",
                "x": pd.concat([scored["bucket_start"], scored["bucket_start"][::-1]]),
                "y": pd.concat([scored["band_high"], scored["band_low"][::-1]]),
                "mode": "lines",
                "fill": "toself",
                "fillcolor": _hex_to_rgba(color, 0.10),
                "line": {"width": 0},
                "hoverinfo": "skip",
                "showlegend": False,
                "legendgroup": platform,
                "name": f"{name} band",
            }
        )
        traces.append(
            {
                "type": "scatter",
                "x": group["bucket_start"],
                "y": group["rolling_net"],
                "mode": "lines",
                "name": name,
                "legendgroup": platform,
                "line": {"color": color, "width": 2.5},
                "customdata": _customdata(group),
                "hovertemplate": "%{x|%b %d %H:%M}<br>rolling net %{y:+.2f}<extra>" + name + "</extra>",
            }
        )
        sizes = (scored["scored"] / max(timeline["scored"].max(), 1)) ** 0.5 * 14 + 3
        traces.append(
            {
                "type": "scatter",
                "x": scored["bucket_start"],
                "y": scored["net_sentiment"],
                "mode": "markers",
                "showlegend": False,
                "legendgroup": platform,
                "name": name,
                "marker": {"color": color, "size": sizes, "opacity": 0.45},
                "customdata": _customdata(scored),
                "text": scored["scored"],
                "hovertemplate": "%{x|%b %d %H:%M}<br>net %{y:+.2f} from %{text} scored posts<extra>"
                + name
                + "</extra>",
            }
        )
    if spikes is not None:
        traces.extend(_spike_marks(spikes[spikes["kind"] == "sentiment"], "value"))
    layout = {
        "shapes": [
            {
                "type": "line",
                "xref": "x domain",
                "yref": "y",
                "x0": 0,
                "x1": 1,
                "y0": 0,
                "y1": 0,
                "line": {"color": "#D1D5DB", "width": 1},
            }
        ],
        "yaxis": {
            "title": {"text": "net sentiment"},
            "range": [-1.05, 1.05],
            "zeroline": False,
            "tickformat": "+.1f",
        },
        "xaxis": {"title": {}},
    }
    return _assemble(traces, layout, events, "Net sentiment (share positive − share negative)", 360)


def volume_over_time(
    timeline: pd.DataFrame, events: Sequence[Event] = (), spikes: pd.DataFrame | None = None
) -> go.Figure:
    """Posts per bucket per platform, with volume spikes ringed."""
    if timeline.empty or timeline["posts"].sum() == 0:
        return empty_figure()
    traces: list[dict[str, Any]] = []
    for platform, group in timeline.groupby("platform", sort=True):
        name = platform_label(platform)
        traces.append(
            {
                "type": "scatter",
                "x": group["bucket_start"],
                "y": group["posts"],
                "mode": "lines",
                "name": name,
                "line": {"color": platform_color(platform), "width": 2, "shape": "linear"},
                "customdata": _customdata(group),
                "hovertemplate": "%{x|%b %d %H:%M}<br>%{y:,} posts<extra>" + name + "</extra>",
            }
        )
    if spikes is not None:
        traces.extend(_spike_marks(spikes[spikes["kind"] == "volume"], "value"))
    layout = {
        "yaxis": {"title": {"text": "posts"}, "rangemode": "tozero", "tickformat": ","},
        "xaxis": {"title": {}},
    }
    return _assemble(traces, layout, events, "Volume", 360)


def _spike_marks(spikes: pd.DataFrame, column: str) -> list[dict[str, Any]]:
    if spikes.empty:
        return []
    return [
        {
            "type": "scatter",
            "x": spikes["bucket_start"],
            "y": spikes[column],
            "mode": "markers",
            "name": "spike",
            "marker": {"symbol": "circle-open", "size": 18, "line": {"width": 2.5, "color": "#F59E0B"}},
            "customdata": [
                [p, int(ts), ""] for p, ts in zip(spikes["platform"], spikes["bucket_ts"], strict=True)
            ],
            "text": [
                f"{platform_label(p)}: {k} {d}"
                for p, k, d in zip(spikes["platform"], spikes["kind"], spikes["direction"], strict=True)
            ],
            "hovertemplate": "%{text}<br>%{x|%b %d %H:%M}<extra>spike</extra>",
        }
    ]


# ---------------------------------------------------------------- topics


def _panel_axes(row: int, col: int, columns: int) -> dict[str, str]:
    """The axes make_subplots gives the panel at (row, col), for a trace to name itself."""
    index = (row - 1) * columns + col
    suffix = "" if index == 1 else str(index)
    return {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}"}


def topic_share_over_time(shares: pd.DataFrame, events: Sequence[Event] = ()) -> go.Figure:
    """Stacked share of each topic in each platform's scored posts over time, one panel
    per platform (built from plain traces: plotly express facets cost ~0.4 s here)."""
    if shares.empty:
        return empty_figure("No scored posts yet for these filters")
    platforms = sorted(shares["platform"].unique())
    topics = sorted(shares["topic"].unique())
    palette = px.colors.qualitative.Set2
    layout = _panels(len(platforms), 1, [platform_label(p) for p in platforms], 0.04)
    traces = []
    by_platform = dict(tuple(shares.groupby("platform", sort=False)))
    for row, platform in enumerate(platforms, start=1):
        by_topic = dict(tuple(by_platform[platform].groupby("topic", sort=False)))
        for index, topic in enumerate(topics):
            part = by_topic.get(topic, shares.iloc[0:0])
            traces.append(
                {
                    "type": "scatter",
                    **_panel_axes(row, 1, 1),
                    "x": part["bucket_start"],
                    "y": part["share"],
                    "mode": "lines",
                    "stackgroup": f"s{row}",
                    "name": topic,
                    "legendgroup": topic,
                    "showlegend": row == 1,
                    "line": {"width": 0.5, "color": palette[index % len(palette)]},
                    "customdata": _customdata(part),
                    "hovertemplate": "%{x|%b %d %H:%M}<br>" + topic + ": %{y:.0%}<extra></extra>",
                }
            )
    _update_axes(layout, "y", tickformat=".0%", range=[0, 1])
    return _assemble(traces, layout, events, "Topic share by platform", max(300, 160 * len(platforms)))


# Plotly's RdBu spelled out: plotly.js has its own, reversed, "RdBu" for the bare name.
_RDBU = [
    [index / (len(px.colors.diverging.RdBu) - 1), color]
    for index, color in enumerate(px.colors.diverging.RdBu)
]


def topic_heatmap(cells: pd.DataFrame) -> go.Figure:
    """Net sentiment per topic (rows) and platform (columns); the number of scored posts
    is written in each cell. Click a cell to open its posts."""
    if cells.empty:
        return empty_figure("No scored posts yet for these filters")
    net = cells.pivot(index="topic", columns="platform", values="net_sentiment")
    counts = cells.pivot(index="topic", columns="platform", values="scored").reindex_like(net)
    labels = [
        [
            f"{value:+.2f}<br>n={int(n)}" if pd.notna(value) else ""
            for value, n in zip(row_net, row_n, strict=True)
        ]
        for row_net, row_n in zip(net.to_numpy(), counts.fillna(0).to_numpy(), strict=True)
    ]
    customdata = [[[platform, 0, topic] for platform in net.columns] for topic in net.index]
    heatmap = {
        "type": "heatmap",
        "z": net.to_numpy(),
        "x": [platform_label(p) for p in net.columns],
        "y": list(net.index),
        "zmin": -1,
        "zmax": 1,
        "zmid": 0,
        "colorscale": _RDBU,
        "text": labels,
        "texttemplate": "%{text}",
        "customdata": customdata,
        "colorbar": {"title": {"text": "net"}, "tickformat": "+.1f"},
        "hovertemplate": "%{y} on %{x}<br>net %{z:+.2f}<extra></extra>",
        "xgap": 2,
        "ygap": 2,
    }
    layout = {"yaxis": {"autorange": "reversed"}}
    height = max(280, 48 * len(net.index) + 120)
    return _assemble([heatmap], layout, (), "Net sentiment by topic and platform", height)


# ---------------------------------------------------------------- compare platforms


def sentiment_distribution(distribution: pd.DataFrame) -> go.Figure:
    """Each platform's split into negative / neutral / positive, side by side as 100% bars
    (the traces ``px.bar`` would draw, built directly: px costs ~60 ms here)."""
    if distribution.empty:
        return empty_figure("No scored posts yet for these filters")
    present = list(dict.fromkeys(distribution["sentiment"]))
    order = [s for s in ("negative", "neutral", "positive") if s in present]
    order += [s for s in present if s not in order]
    traces = []
    for sentiment in order:
        part = distribution[distribution["sentiment"] == sentiment]
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": sentiment,
                "legendgroup": sentiment,
                "showlegend": True,
                "x": part["share"].to_numpy(dtype=float),
                "y": [platform_label(p) for p in part["platform"]],
                "xaxis": "x",
                "yaxis": "y",
                "marker": {"color": SENTIMENT_COLORS.get(sentiment, "#6B7280"), "pattern": {"shape": ""}},
                "customdata": [
                    [p, 0, "", int(n)] for p, n in zip(part["platform"], part["posts"], strict=True)
                ],
                "text": [f"{share:.0%}" for share in part["share"]],
                "textposition": "inside",
                "insidetextanchor": "middle",
                "hovertemplate": "%{y}: %{x:.1%} (%{customdata[3]:,} posts)<extra>%{fullData.name}</extra>",
            }
        )
    layout = {
        "xaxis": {"anchor": "y", "domain": [0.0, 1.0], "title": {}, "tickformat": ".0%", "range": [0, 1]},
        "yaxis": {"anchor": "x", "domain": [0.0, 1.0], "title": {}, "categoryorder": "category descending"},
        "legend": {"title": {}, "tracegroupgap": 0},
        "barmode": "stack",
    }
    height = max(260, 44 * distribution["platform"].nunique() + 120)
    return _assemble(traces, layout, (), "Sentiment split by platform", height)


def cross_mentions(mentions: pd.DataFrame, events: Sequence[Event] = ()) -> go.Figure:
    """Share of each platform's posts that name another platform, over time: one panel
    per posting platform, one line per platform named."""
    frame = mentions[mentions["platform"] != mentions["mentioned"]]
    if frame.empty or frame["posts"].sum() == 0:
        return empty_figure("No cross-platform mentions in these posts")
    platforms = sorted(frame["platform"].unique())
    columns = 3 if len(platforms) > 1 else 1
    rows = (len(platforms) + columns - 1) // columns
    layout = _panels(
        rows, columns, [f"posts on {platform_label(p)}" for p in platforms], 0.14 if rows > 1 else 0.1
    )
    traces = []
    shown: set[str] = set()
    for index, platform in enumerate(platforms):
        part = frame[frame["platform"] == platform]
        for mentioned, line in part.groupby("mentioned", sort=True):
            name = platform_label(mentioned)
            traces.append(
                {
                    "type": "scatter",
                    **_panel_axes(index // columns + 1, index % columns + 1, columns),
                    "x": line["bucket_start"],
                    "y": line["share"],
                    "mode": "lines",
                    "name": name,
                    "legendgroup": mentioned,
                    "showlegend": mentioned not in shown,
                    "line": {"color": platform_color(mentioned), "width": 2},
                    "customdata": [
                        [p, int(ts), "", int(n)]
                        for p, ts, n in zip(line["platform"], line["bucket_ts"], line["posts"], strict=True)
                    ],
                    "hovertemplate": "%{x|%b %d}<br>%{y:.1%} of posts (%{customdata[3]:,}) name "
                    + name
                    + "<extra></extra>",
                }
            )
            shown.add(mentioned)
    _update_axes(layout, "y", tickformat=".0%", rangemode="tozero")
    _update_axes(layout, "x", matches="x")
    height = max(320, 240 * rows) + 40
    figure = _assemble(traces, layout, events, "Cross-platform mentions", height)
    figure.update_layout(legend_title_text="names", margin_t=100, legend={"y": 1.0 + 60 / height})
    return figure


# ---------------------------------------------------------------- spikes


def rising_terms(terms: pd.DataFrame, title: str = "Terms that rose") -> go.Figure:
    """The terms that rose most in a spike's window against its baseline, by lift."""
    if terms.empty:
        return empty_figure("No term stands out in this window", height=280)
    frame = terms.sort_values("lift")
    figure = go.Figure(
        go.Bar(
            _validate=False,
            x=frame["lift"],
            y=frame["term"],
            orientation="h",
            marker_color="#F59E0B",
            text=[f"{n:,} of {of:,} posts" for n, of in zip(frame["posts"], frame["sampled"], strict=True)],
            textposition="auto",
            hovertemplate="%{y}: ×%{x:.1f} vs baseline<extra></extra>",
        )
    )
    figure.update_xaxes(title="lift vs baseline")
    return _style(figure, title, height=max(280, 26 * len(frame) + 100))
