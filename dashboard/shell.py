"""The frame every page lives in: header and navigation, the shared filter bar (held in the
URL), the live status line with the scoring progress, and the stores pages listen to.

Pages read the filters from ``FILTERS`` and what the store holds from ``DATA_VERSION``;
both change only when the analyst changes a filter or new posts/scores arrive, so pages
redraw only then, and figures keep their zoom across live refreshes (``uirevision``).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

import dash
import pandas as pd
from dash import ALL, Input, Output, State, ctx, dcc, html, no_update
from dash.development.base_component import Component
from dash.exceptions import PreventUpdate
from plotly.basedatatypes import BaseFigure

from dashboard.cache import TotalsSnapshot, ViewCache, version_key
from monitor import figures, queries
from monitor.config import Config
from monitor.figures import platform_label
from monitor.keyword_rollups import KeywordRollups
from monitor.models import SENTIMENTS
from monitor.queries import Filters, StoreTotals
from monitor.store import Store

# Component ids shared across pages.
URL = "bm-url"
NAV = "bm-nav-location"
FILTERS = "bm-filters"
DATA_VERSION = "bm-data-version"
BASELINE = "bm-baseline"
TICK = "bm-tick"
STATUS = "bm-status"
DATE_RANGE = "bm-date-range"
PLATFORMS = "bm-platforms"
TOPICS = "bm-topics"
LANGUAGES = "bm-languages"
SENTIMENT_CHOICE = "bm-sentiments"
KEYWORD = "bm-keyword"
GRAPH_CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}}
NAV_LINK = "bm-nav-link"

PAGES = (
    ("overview", "/", "Overview"),
    ("topics", "/topics", "Topics"),
    ("compare", "/compare", "Compare platforms"),
    ("spikes", "/spikes", "Spikes"),
    ("posts", "/posts", "Posts"),
    ("sources", "/sources", "Sources"),
    ("reports", "/reports", "Reports"),
)


T = TypeVar("T")


@dataclass(frozen=True)
class DashboardContext:
    """What callbacks need, built once by ``create_app`` and handed to every page: the
    config, the store, and this process's cache of results (``dashboard.cache``)."""

    config: Config
    store: Store
    model: str | None = None  # a fixed model version; None: the one with the most scores
    cache: ViewCache = field(default_factory=ViewCache, compare=False, repr=False)
    ranges: ViewCache = field(default_factory=ViewCache, compare=False, repr=False)  # see view_version
    totals: TotalsSnapshot = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.store.keywords is None:  # keyword views from memory, kept current (see the module)
            self.store.keywords = KeywordRollups(build_in_background=True)
        # The live refresh period is the staleness analysts already accept for counts.
        snapshot = TotalsSnapshot(
            lambda: queries.store_totals(self.store, self.model), max_age=self.refresh_ms / 1000
        )
        object.__setattr__(self, "totals", snapshot)

    @property
    def events(self) -> list[Any]:
        return list(self.config.events)

    @property
    def refresh_ms(self) -> int:
        return max(1000, int(self.config.dashboard.refresh.total_seconds() * 1000))

    @property
    def rollup_lag(self) -> int:
        """How old (seconds) the daily rollup behind the charts may be while collectors
        write: the live refresh period, which analysts already wait for new posts."""
        return self.refresh_ms // 1000

    def range_version(
        self, filters: Filters, model: str | None, version: dict[str, Any] | None
    ) -> dict[str, Any] | None:
        """What work drawn from the posts of ``filters``' days and platforms (their text,
        their scores; not their engagement) is cached under: their range version
        (``queries.range_version``), so it is not done again for each new data version
        while no post of those days is added or scored (an analyst reading last month
        while today's posts arrive); the data version when that is not known. Read once
        per data version and range: every request of every page asks."""
        ranged = filters.range_only()
        held = self.ranges.get(
            (ranged, model, version_key(version)), lambda: queries.range_version(self.store, ranged, model)
        )
        return {"range": held} if held is not None else version

    def view_version(self, view: View, version: dict[str, Any] | None) -> dict[str, Any] | None:
        """``range_version`` of a page's view, widened to the period of equal length before
        it, which the Overview compares with."""
        filters = view.filters
        if filters.start is not None and filters.end is not None:
            filters = filters.replace(start=filters.start - timedelta(days=filters.days))
        return self.range_version(filters, view.model, version)

    def cached(
        self, key: tuple[Hashable, ...], version: dict[str, Any] | None, compute: Callable[[], T]
    ) -> T:
        """``compute()``, or its result from an earlier request with the same ``key`` at
        the same data ``version``. Figures in the result are kept as the plain dicts Dash
        sends (see ``plain_figures``)."""
        return self.cache.get((*key, version_key(version)), lambda: plain_figures(compute()))


def plain_figures(value: Any) -> Any:
    """``value`` with each plotly figure in it (in tuples, lists and components' ``figure``
    and ``children``) replaced by its dict. Dash validates and deep-copies a figure each
    time it sends it (3-4 ms for a timeline, again for every cached answer); the dict is
    made once and sent as it is."""
    if isinstance(value, BaseFigure):
        return value.to_plotly_json()
    if isinstance(value, tuple | list):
        return type(value)(plain_figures(item) for item in value)
    if isinstance(value, Component):
        for name in ("figure", "children"):
            if getattr(value, name, None) is not None:
                setattr(value, name, plain_figures(getattr(value, name)))
    return value


def data_version(totals: StoreTotals) -> dict[str, Any]:
    """The ``DATA_VERSION`` store's content: what pages key their redraws (and the cache) on."""
    return {
        "posts": totals.posts,
        "scored": totals.scored,
        "model": totals.model,
        "first_ts": totals.first_ts,
        "last_ts": totals.last_ts,
    }


@dataclass(frozen=True)
class View:
    """The filters a page should draw (defaults filled in) and the model to read."""

    filters: Filters
    model: str | None
    revision: str

    @property
    def key(self) -> tuple[Any, ...]:
        """What a page's result depends on besides the data version (for the cache)."""
        return (self.filters, self.model, self.revision)

    @classmethod
    def required(cls, filters_data: dict[str, Any] | None, version: dict[str, Any] | None) -> View:
        """The view of a page callback; until the filters and the data version have both
        arrived in the browser there is nothing to draw (``PreventUpdate``)."""
        if filters_data is None or version is None:
            raise PreventUpdate
        return cls.from_stores(filters_data, version)

    @classmethod
    def from_stores(cls, filters_data: dict[str, Any] | None, version: dict[str, Any] | None) -> View:
        version = version or {}
        totals = StoreTotals(
            posts=version.get("posts", 0),
            scored=version.get("scored", 0),
            model=version.get("model"),
            first_ts=version.get("first_ts"),
            last_ts=version.get("last_ts"),
        )
        chosen = Filters.from_dict(filters_data)
        return cls(
            queries.effective_filters(chosen, totals), totals.model, chosen.to_query_string() or "default"
        )


def timeline_charts(context: DashboardContext, view: View) -> tuple[pd.DataFrame, Any, Any]:
    """The view's spikes and its sentiment and volume charts (marking them), as the
    Overview and Spikes pages both draw them."""
    timeline = queries.sentiment_timeline(context.store, view.filters, view.model, max_lag=context.rollup_lag)
    found = queries.detect_spikes(timeline)
    sentiment = figures.sentiment_over_time(timeline, context.events, found)
    volume = figures.volume_over_time(timeline, context.events, found)
    for figure in (sentiment, volume):
        figure.update_layout(uirevision=view.revision)
    return found, sentiment, volume


def graph_panel(graph_id: str) -> html.Div:
    """A chart in its panel, with the mode bar every page uses (PNG export at 2x)."""
    return html.Div(className="bm-panel", children=dcc.Graph(id=graph_id, config=GRAPH_CONFIG))


def layout(context: DashboardContext) -> html.Div:
    """The app's layout: header, filter bar, the page container and the shared stores."""
    return html.Div(
        [
            dcc.Location(id=URL, refresh=False),
            dcc.Location(id=NAV, refresh="callback-nav"),
            dcc.Store(id=FILTERS),
            dcc.Store(id=DATA_VERSION),
            dcc.Store(id=BASELINE),
            dcc.Interval(id=TICK, interval=context.refresh_ms),
            html.Header(
                className="bm-header",
                children=[
                    html.Div("ban-monitor", className="bm-brand"),
                    html.Nav(
                        className="bm-nav",
                        children=[
                            dcc.Link(title, href=path, id={"type": NAV_LINK, "page": name})
                            for name, path, title in PAGES
                        ],
                    ),
                    html.Div(id=STATUS, className="bm-status", children="loading…"),
                ],
            ),
            _filter_bar(filter_choices(context, None, None, None)),
            html.Main(dash.page_container, className="bm-page"),
        ]
    )


def filter_choices(
    context: DashboardContext,
    model: str | None,
    version: dict[str, Any] | None,
    chosen: list[list[str] | None] | None,
) -> list[list[dict[str, str]]]:
    """Dropdown options for platforms, topics and languages, with post counts, as of data
    ``version`` (None: the shared totals snapshot). Values the analyst chose stay
    selectable even when no post has them (Dash drops unknown values)."""
    if version is None:
        totals = context.totals.get()
        model, version = model or totals.model, data_version(totals)
    options = context.cached(
        ("filter_options", model),
        version,
        lambda: queries.filter_options(context.store, model, max_lag=context.rollup_lag),
    )
    choices = []
    for index, (dimension, label) in enumerate((("platform", platform_label), ("topic", str), ("lang", str))):
        rows = options[options["dimension"] == dimension]
        selected = (chosen or [None] * 3)[index] or []
        values = list(rows["value"]) + [v for v in selected if v not in set(rows["value"])]
        counts = dict(zip(rows["value"], rows["posts"], strict=True))
        choices.append([{"label": f"{label(v)} ({counts.get(v, 0):,})", "value": v} for v in values])
    return choices


def _filter_bar(choices: list[list[dict[str, str]]]) -> html.Div:
    def labelled(text: str, control: Any) -> html.Div:
        return html.Div([html.Label(text), control])

    return html.Div(
        className="bm-filters",
        children=[
            labelled(
                "Dates (UTC)",
                dcc.DatePickerRange(
                    id=DATE_RANGE,
                    display_format="YYYY-MM-DD",
                    clearable=True,
                    minimum_nights=0,
                    start_date_placeholder_text="start",
                    end_date_placeholder_text="end",
                ),
            ),
            labelled(
                "Platforms",
                dcc.Dropdown(id=PLATFORMS, options=choices[0], multi=True, placeholder="all platforms"),
            ),
            labelled(
                "Topics", dcc.Dropdown(id=TOPICS, options=choices[1], multi=True, placeholder="all topics")
            ),
            labelled(
                "Languages",
                dcc.Dropdown(id=LANGUAGES, options=choices[2], multi=True, placeholder="all languages"),
            ),
            labelled(
                "Sentiment",
                dcc.Dropdown(
                    id=SENTIMENT_CHOICE,
                    multi=True,
                    placeholder="any sentiment",
                    options=[{"label": s, "value": s} for s in SENTIMENTS],
                ),
            ),
            labelled(
                "Keyword",
                dcc.Input(
                    id=KEYWORD,
                    type="search",
                    debounce=True,
                    placeholder="search post text…",
                    maxLength=200,
                ),
            ),
        ],
    )


def _filters_from_controls(
    start: str | None,
    end: str | None,
    platforms: list[str] | None,
    topics: list[str] | None,
    languages: list[str] | None,
    sentiments: list[str] | None,
    keyword: str | None,
) -> Filters:
    return Filters(
        start=date.fromisoformat(start[:10]) if start else None,
        end=date.fromisoformat(end[:10]) if end else None,
        platforms=tuple(platforms or ()),
        topics=tuple(topics or ()),
        languages=tuple(languages or ()),
        sentiments=tuple(sentiments or ()),
        keyword=(keyword or "").strip(),
    )


def drill_down_href(
    pathname: str,
    filters_data: dict[str, Any] | None,
    platform: str | None = None,
    bucket_ts: int | None = None,
    topic: str | None = None,
) -> str:
    """Where a click on a chart leads: the posts explorer, narrowed to that platform, day
    and topic, keeping the other filters."""
    filters = Filters.from_dict(filters_data)
    changes: dict[str, Any] = {}
    if platform:
        changes["platforms"] = (platform,)
    if bucket_ts:
        day = datetime.fromtimestamp(int(bucket_ts), tz=UTC).date()
        changes["start"] = changes["end"] = day
    if topic:
        changes["topics"] = (topic,)
    return pathname + filters.replace(**changes).to_query_string()


def clicked_point(click: dict[str, Any] | None) -> tuple[str | None, int | None, str | None]:
    """(platform, bucket_ts, topic) from a figure's clickData (see ``monitor.figures``)."""
    if not click or not click.get("points"):
        return None, None, None
    data = click["points"][0].get("customdata") or []
    if isinstance(data, dict):  # px may wrap custom data for some trace types
        data = list(data.values())
    platform = str(data[0]) if len(data) > 0 and data[0] else None
    bucket_ts = int(data[1]) if len(data) > 1 and data[1] else None
    topic = str(data[2]) if len(data) > 2 and data[2] else None
    return platform, bucket_ts, topic


def register_drill_down(app: dash.Dash, graphs: tuple[str, ...], *, topic_alone: bool = False) -> None:
    """Clicking a point on any of ``graphs`` opens the posts grid filtered to its platform,
    day and topic; ``topic_alone``: a point with a topic but no platform is enough."""

    @app.callback(
        Output(NAV, "href", allow_duplicate=True),
        *(Input(graph, "clickData") for graph in graphs),
        State(FILTERS, "data"),
        prevent_initial_call=True,
    )
    def open_posts(*values: Any) -> str:
        *clicks, filters_data = values
        index = graphs.index(ctx.triggered_id) if ctx.triggered_id in graphs else len(graphs) - 1
        platform, bucket_ts, topic = clicked_point(clicks[index])
        if platform is None and not (topic_alone and topic is not None):
            raise PreventUpdate
        return drill_down_href("/posts", filters_data, platform, bucket_ts, topic)


def register(app: dash.Dash, context: DashboardContext) -> None:
    """The shell's callbacks: URL ⇄ filter controls, live status, filter choices."""
    controls = [
        Output(DATE_RANGE, "start_date"),
        Output(DATE_RANGE, "end_date"),
        Output(PLATFORMS, "value"),
        Output(TOPICS, "value"),
        Output(LANGUAGES, "value"),
        Output(SENTIMENT_CHOICE, "value"),
        Output(KEYWORD, "value"),
    ]

    @app.callback(
        *controls,
        Output(URL, "search"),
        Output(FILTERS, "data"),
        Input(URL, "search"),
        Input(DATE_RANGE, "start_date"),
        Input(DATE_RANGE, "end_date"),
        Input(PLATFORMS, "value"),
        Input(TOPICS, "value"),
        Input(LANGUAGES, "value"),
        Input(SENTIMENT_CHOICE, "value"),
        Input(KEYWORD, "value"),
        State(FILTERS, "data"),
    )
    def sync_filters(
        search: str | None,
        start: str | None,
        end: str | None,
        platforms: list[str] | None,
        topics: list[str] | None,
        languages: list[str] | None,
        sentiments: list[str] | None,
        keyword: str | None,
        current: dict[str, Any] | None,
    ) -> tuple[Any, ...]:
        if ctx.triggered_id in (None, URL):
            filters = Filters.from_query_string(search)
            if current is not None and Filters.from_dict(current) == filters:
                return (*[no_update] * 8, no_update)
            return (
                filters.start.isoformat() if filters.start else None,
                filters.end.isoformat() if filters.end else None,
                list(filters.platforms),
                list(filters.topics),
                list(filters.languages),
                list(filters.sentiments),
                filters.keyword,
                no_update,
                filters.to_dict(),
            )
        filters = _filters_from_controls(start, end, platforms, topics, languages, sentiments, keyword)
        if current is not None and Filters.from_dict(current) == filters:
            return (*[no_update] * 9,)
        return (*[no_update] * 7, filters.to_query_string(), filters.to_dict())

    @app.callback(
        Output({"type": NAV_LINK, "page": ALL}, "href"),
        Output({"type": NAV_LINK, "page": ALL}, "className"),
        Input(FILTERS, "data"),
        Input(URL, "pathname"),
    )
    def nav_links(filters_data: dict[str, Any] | None, pathname: str | None) -> tuple[list[str], list[str]]:
        search = Filters.from_dict(filters_data).to_query_string()
        hrefs = [path + search for _, path, _ in PAGES]
        classes = ["active" if path == (pathname or "/") else "" for _, path, _ in PAGES]
        return hrefs, classes

    @app.callback(
        Output(DATA_VERSION, "data"),
        Output(BASELINE, "data"),
        Output(STATUS, "children"),
        Input(TICK, "n_intervals"),
        State(DATA_VERSION, "data"),
        State(BASELINE, "data"),
    )
    def live_status(
        _tick: int | None, version: dict[str, Any] | None, baseline: dict[str, Any] | None
    ) -> tuple[Any, Any, Any]:
        totals = context.totals.get()
        new_version = data_version(totals)
        baseline_out: Any = no_update
        if baseline is None:
            baseline = {"posts": totals.posts}
            baseline_out = baseline
        new_posts = totals.posts - int(baseline.get("posts", totals.posts))
        status = status_line(totals, new_posts, as_of=context.totals.read_at)
        return (no_update if version == new_version else new_version), baseline_out, status

    @app.callback(
        Output(PLATFORMS, "options"),
        Output(TOPICS, "options"),
        Output(LANGUAGES, "options"),
        Output(DATE_RANGE, "min_date_allowed"),
        Output(DATE_RANGE, "max_date_allowed"),
        Output(DATE_RANGE, "start_date_placeholder_text"),
        Output(DATE_RANGE, "end_date_placeholder_text"),
        Input(DATA_VERSION, "data"),
        State(PLATFORMS, "value"),
        State(TOPICS, "value"),
        State(LANGUAGES, "value"),
    )
    def update_choices(version: dict[str, Any] | None, *chosen: list[str] | None) -> tuple[Any, ...]:
        view = View.from_stores(None, version)
        choices = filter_choices(context, view.model, version, list(chosen))
        version = version or {}
        first = version.get("first_ts")
        last = version.get("last_ts")
        return (
            *choices,
            _iso_day(first) if first else None,
            _iso_day(last) if last else None,
            view.filters.start.isoformat() if view.filters.start else "start",
            view.filters.end.isoformat() if view.filters.end else "end",
        )


def _iso_day(ts: int) -> str:
    return datetime.fromtimestamp(int(ts), tz=UTC).date().isoformat()


def status_line(totals: StoreTotals, new_posts: int, as_of: datetime | None = None) -> list[Any]:
    """ "Last updated" time (when ``totals`` were read; default now), new posts since the
    page loaded, and scoring progress while scoring runs in the background."""
    now = (as_of or datetime.now(UTC)).strftime("%H:%M:%S UTC")
    parts: list[Any] = [
        html.Div(
            [
                html.Span(f"{totals.posts:,} posts · "),
                html.Span(f"{new_posts:,} new since you opened this page", id="bm-new-posts"),
                html.Span(f" · last updated {now}", id="bm-last-updated"),
            ]
        )
    ]
    if totals.posts and totals.scored < totals.posts:
        share = totals.scored / totals.posts
        parts.append(
            html.Div(
                id="bm-scoring",
                children=[
                    html.Span(f"scoring {totals.scored:,} / {totals.posts:,} ({share:.0%})"),
                    html.Progress(value=str(totals.scored), max=str(totals.posts)),
                ],
            )
        )
    return parts
