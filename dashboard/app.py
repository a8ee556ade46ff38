"""The analysts' dashboard: a Plotly Dash app over the store, built by ``create_app``.

Pages live in ``dashboard/pages/`` (one module per page, each with a ``register(app,
context)`` that calls ``dash.register_page`` and attaches the page's callbacks to this
app). Callbacks are attached with ``app.callback`` and close over the context, so the
app holds no global state and ``create_app`` can run twice in one process (tests do).
Dash's page registry itself is process-wide; pages re-register the same entries on
every ``create_app``, which is harmless.

With ``dashboard.auth`` configured every request needs credentials (``dashboard.auth``);
without it the app refuses to listen anywhere but loopback.

``monitor serve`` runs the app under gunicorn (``serve_workers``): several processes, so
figures are built on every core instead of under one interpreter lock, each with a few
threads for requests that wait on the database. ``serve`` is Flask's threaded development
server, for ``--debug`` and for ``monitor run``, which serves from a thread of its own
process (gunicorn needs the main thread and forks).
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import dash
from gunicorn.app.base import BaseApplication

from dashboard import shell
from dashboard.auth import DashboardAuth, protect
from dashboard.pages import compare, overview, posts, reports, sources, spikes, topics
from monitor.config import Config
from monitor.keyword_rollups import KeywordRollups
from monitor.queries import Filters
from monitor.store import Store

PAGE_MODULES = (overview, topics, compare, spikes, posts, sources, reports)
CHART_PAGES = (overview, topics, compare, spikes)  # the pages ``warm_up`` draws
ASSETS = Path(__file__).parent / "assets"


def create_app(config: Config, store: Store, model: str | None = None) -> dash.Dash:
    """A Dash app showing ``store``; ``model`` pins a model version (default: the one
    with the most scores). Raises ``ConfigError`` when auth is needed but missing or broken."""
    config.dashboard.check_bind(config.dashboard.host)
    auth = DashboardAuth(config.dashboard.auth) if config.dashboard.auth is not None else None
    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder="",
        assets_folder=str(ASSETS),
        title="ban-monitor",
        update_title=None,
        suppress_callback_exceptions=True,
    )
    context = shell.DashboardContext(config=config, store=store, model=model)
    for page in PAGE_MODULES:
        page.register(app, context)
    app.layout = lambda: shell.layout(context)  # per page load: fresh filter choices
    shell.register(app, context)
    app.server.config["BAN_MONITOR_CONTEXT"] = context
    if auth is not None:
        protect(app.server, auth)
    return app


def warm_up(app: dash.Dash) -> None:
    """Draw the chart pages' landing view (no filters) once, in the process that forks the
    workers. They inherit what that read and loaded: the store's totals, the filter bar's
    choices, the rows of views without a keyword, the plotly modules a first chart imports
    (0.1-0.2 s) and the pages themselves in the cache (with the drivers of the spike the
    Spikes page opens on), for as long as the data version stands. Otherwise each worker
    pays 0.5-0.7 s of that on its first requests, just when every analyst opens a page
    after a restart."""
    context: shell.DashboardContext = app.server.config["BAN_MONITOR_CONTEXT"]
    shell.layout(context)  # with the filter bar's choices
    version = shell.data_version(context.totals.get())
    view = shell.View.from_stores(Filters().to_dict(), version)
    drawn = {
        page: context.cached(
            (page.CACHE_KEY, *view.key),
            context.view_version(view, version),
            lambda page=page: page.build(context, view),
        )
        for page in CHART_PAGES
    }
    found = json.loads(json.dumps(drawn[spikes][2]))  # the spikes list, as the browser sends it back
    if found:  # what drove the newest spike, which the Spikes page opens on
        spikes.cached_drivers(context, view, version, found[0])


# Young-generation size before the cycle collector runs (CPython's default: 700).
COLLECT_AFTER = 20_000


def quiet_collector() -> None:
    """Make the cycle collector's pauses rare, in the process that forks the workers. Each
    full collection stops every request thread of a worker while it walks all objects;
    under 20 analysts a worker ran one every 2-5 s, each 150-400 ms, which was most of the
    slowest requests. Objects made before forking (modules, the app, what ``warm_up``
    drew) are frozen out of the collector's walks (``gc.freeze``, as gunicorn advises for
    preloaded apps, which also keeps those pages shared between workers), and the young
    generation may grow to ``COLLECT_AFTER`` objects, so full walks come far less often."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(COLLECT_AFTER, middle, old)


def serve(
    config: Config, store: Store, host: str | None = None, port: int | None = None, debug: bool = False
) -> None:
    """Run the dashboard until interrupted (``monitor serve``); refuses a non-loopback
    ``host`` unless ``dashboard.auth`` is configured."""
    host = host or config.dashboard.host
    config.dashboard.check_bind(host)
    app = create_app(config, store)
    app.run(host=host, port=port or config.dashboard.port, debug=debug)


def default_workers() -> int:
    """One worker process per core (at least two, so one slow figure never blocks all)."""
    return max(2, os.cpu_count() or 1)


def default_threads(store: Store) -> int:
    """Request threads per worker: four, but never more than the store's connection pool
    holds (SQLAlchemy's pool size plus overflow), so no request waits for a connection."""
    pool: Any = store.engine.pool
    size = pool.size() if hasattr(pool, "size") else 4
    overflow = max(0, getattr(pool, "_max_overflow", 0))
    return max(1, min(4, size + overflow))


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    """gunicorn run from code: the app is built once before forking (errors show at once);
    each worker drops the connections it inherited and opens its own."""

    def __init__(self, app: dash.Dash, store: Store, options: dict[str, Any]) -> None:
        self.application = app.server
        self.store = store
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)
        if "control_socket_disable" in self.cfg.settings:  # gunicorn 24+: no socket in $HOME
            self.cfg.set("control_socket_disable", True)
        store = self.store
        # SQLAlchemy's advice for forked processes: keep the parent's connections, use none.
        self.cfg.set("post_fork", lambda _server, _worker: store.engine.dispose(close=False))

    def load(self) -> Any:
        return self.application


def serve_workers(
    config: Config,
    store: Store,
    host: str | None = None,
    port: int | None = None,
    workers: int | None = None,
    threads: int | None = None,
) -> None:
    """Run the dashboard under gunicorn until SIGTERM/SIGINT (``monitor serve``):
    ``workers`` processes (default: one per core) of ``threads`` threads each (default:
    what the store's connection pool allows, at most 4). Same host rules as ``serve``.
    The workers share the keyword rollups they build through a private temporary directory
    that lives as long as the server (see ``monitor.keyword_rollups``)."""
    host = host or config.dashboard.host
    config.dashboard.check_bind(host)
    shared = Path(tempfile.mkdtemp(prefix="ban-monitor-keywords-"))  # mode 0700
    owner = os.getpid()
    try:
        store.keywords = KeywordRollups(build_in_background=True, shared_dir=shared)
        app = create_app(config, store)
        warm_up(app)
        quiet_collector()
        address = f"[{host}]" if ":" in host else host
        options = {
            "bind": f"{address}:{port or config.dashboard.port}",
            "workers": workers or default_workers(),
            "threads": threads or default_threads(store),
            "worker_class": "gthread",
            "preload_app": True,
            "timeout": 120,  # a worker silent this long is restarted; slow queries are not silence
            "graceful_timeout": 10,
            # Browsers and the load bench reuse connections after a second or two of thinking;
            # gunicorn's default (2 s) closes them just as a request goes out.
            "keepalive": 75,
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "info",
        }
        _Gunicorn(app, store, options).run()
    finally:  # workers leave through here too (a forked copy of this frame)
        if os.getpid() == owner:
            shutil.rmtree(shared, ignore_errors=True)
