"""The analysts' dashboard: a Plotly Dash app over the store, built by ``create_app``.

Pages live in ``dashboard/pages/`` (one module per page, each with a ``register(app,
context)`` that calls ``dash.register_page`` and attaches the page's callbacks to this
app). Callbacks are attached with ``app.callback`` and close over the context, so the
app holds no global state and ``create_app`` can run twice in one process (tests do).
Dash's page registry itself is process-wide; pages re-register the same entries on
every ``create_app``, which is harmless.

With ``dashboard.auth`` configured every request needs credentials (``dashboard.auth``);
without it the app refuses to listen anywhere but loopback.
"""

from __future__ import annotations

from pathlib import Path

import dash

from dashboard import shell
from dashboard.auth import DashboardAuth, protect
from dashboard.pages import compare, overview, posts, reports, sources, spikes, topics
from monitor.config import Config
from monitor.store import Store

PAGE_MODULES = (overview, topics, compare, spikes, posts, sources, reports)
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


def serve(
    config: Config, store: Store, host: str | None = None, port: int | None = None, debug: bool = False
) -> None:
    """Run the dashboard until interrupted (``monitor serve``); refuses a non-loopback
    ``host`` unless ``dashboard.auth`` is configured."""
    host = host or config.dashboard.host
    config.dashboard.check_bind(host)
    app = create_app(config, store)
    app.run(host=host, port=port or config.dashboard.port, debug=debug)
