"""How the dashboard holds up while analysts use it and collectors write.

Loads ``--rows`` scored posts (default 1,000,000) into a SQLite store with
``bench/dashboard.py``'s generator and refreshes the rollup, starts ``monitor serve`` on
127.0.0.1 in a subprocess, and starts a writer process that acts as a collector plus
scorer: every second it writes a batch of new posts through ``run_collector`` (one
``Store.write_batch``, the run recorded, the rollup refreshed), scores them with
``Store.save_scores`` and refreshes the rollup again, as ``monitor run`` does (on SQLite
the writes keep the rollups current, so both refreshes find nothing to do).

Meanwhile ``--analysts`` simulated analysts (default 20; asyncio + httpx, one request at a
time each, seeded think time) use the dashboard for ``--seconds`` (default 60). Each keeps
the component values the server gave it and POSTs ``/_dash-update-component`` bodies built
from ``/_dash-dependencies`` in the shape the browser sends (checked against what headless
Chromium sends): page loads (HTML, ``/_dash-layout``, ``/_dash-dependencies``, then the
page's initial callbacks), navigation between pages, filter changes (dates, platforms,
topics, languages, sentiment, keyword), the live-status tick and the redraws a new data
version causes, posts-grid pages and sorts, and choosing a spike.

Prints count, p50, p95, max and errors per callback (named by its first output; a 204,
Dash's "nothing to update", is a success, any other non-200 or a 200 without a Dash
response body is an error), the plain GETs, the writer's figures and the machine's load.
The last line is ``p95_max_ms=<float> errors=<int> requests=<int>``: the slowest
callback's p95, and the errors and requests of every kind.

    .venv/bin/python bench/load.py --rows 100000 --seconds 20
    .venv/bin/python bench/load.py --db /tmp/load-1m.db      # reuses the store when it fits
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import importlib.util
import json
import multiprocessing
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from multiprocessing.synchronize import Event as EventType
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import sqlalchemy as sa
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard import shell  # noqa: E402
from dashboard.pages import compare, overview, posts, sources, spikes, topics  # noqa: E402
from dashboard.pages import reports as reports_page  # noqa: E402
from monitor.models import Post, Score  # noqa: E402
from monitor.queries import Filters  # noqa: E402
from monitor.rollups import refresh_rollups, rollup_is_current  # noqa: E402
from monitor.sources import Batch, run_collector  # noqa: E402
from monitor.store import Store  # noqa: E402
from monitor.store import posts as posts_table  # noqa: E402

WRITER_SOURCE = "load-writer"
SEED = 20250119
THINK_SECONDS = (0.3, 1.5)
TIMEOUT_SECONDS = 60.0

# What analysts pick from; dates lie inside the generated data (the 60 days up to END).
KEYWORDS = ["rednote", "refugees", "ban", "小红书", "mandarin", "going dark"]
SENTIMENT_CHOICES = [["negative"], ["positive"], ["negative", "neutral"]]
SORTABLE = [c["field"] for c in posts.COLUMNS if c.get("sortable", True)]
PAGE_WEIGHTS = {"overview": 4, "topics": 2, "compare": 2, "spikes": 2, "posts": 4, "sources": 1, "reports": 1}
PAGE_PATHS = {name: path for name, path, _ in shell.PAGES}
NAV_LINKS = f"{shell.NAV_LINK}[ALL].href"  # the name read_callbacks gives the nav links callback


def load_bench_dashboard() -> ModuleType:
    """``bench/dashboard.py`` as a module (it is a script, not a package member)."""
    spec = importlib.util.spec_from_file_location("bench_dashboard", ROOT / "bench" / "dashboard.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------- the store


def prepare_store(path: Path, rows: int, bench: ModuleType) -> Store:
    """A store holding ``rows`` generated posts (plus what earlier load runs wrote) with a
    current rollup; generated when the file is new."""
    store = Store(f"sqlite:///{path}")
    with store.engine.connect() as conn:
        generated = conn.execute(
            sa.select(sa.func.count()).select_from(posts_table).where(posts_table.c.source != WRITER_SOURCE)
        ).scalar_one()
        earlier = conn.execute(
            sa.select(sa.func.count()).select_from(posts_table).where(posts_table.c.source == WRITER_SOURCE)
        ).scalar_one()
    if generated == 0:
        started = time.perf_counter()
        bench.generate(store, rows)
        print(f"generated {rows:,} posts in {time.perf_counter() - started:.1f} s", flush=True)
    elif generated != rows:
        raise SystemExit(f"{path} holds {generated:,} generated posts, not {rows:,}; use a new --db")
    else:
        print(f"reusing {path}: {generated:,} posts, {earlier:,} more from earlier load runs", flush=True)
    with store.engine.connect() as conn:
        current = rollup_is_current(conn, bench.MODEL)
    if not current:
        started = time.perf_counter()
        refresh_rollups(store, bench.MODEL)
        print(f"rollup refresh (full) {time.perf_counter() - started:.1f} s", flush=True)
    return store


class WriterCollector:
    """A collector that hands over one prepared batch, as a polling source does."""

    def __init__(self, batch: list[Post], cursor: dict[str, Any]) -> None:
        self.batch = batch
        self.cursor = cursor

    def collect(self, cursor: Any) -> Iterator[Batch]:
        yield Batch(posts=self.batch, cursor=self.cursor)


def write_posts(url: str, per_second: int, stop: EventType, results: Any) -> None:
    """The writer process: a batch of new posts every second, collected and scored through
    the public store API, until ``stop`` is set; then its figures go to ``results``."""
    bench = load_bench_dashboard()
    store = Store(url)
    rng = random.Random(SEED)
    run_tag = f"{os.getpid()}-{int(time.time())}"
    day_start = int(datetime.combine(bench.END, datetime.min.time(), UTC).timestamp())
    cycles: list[float] = []
    written = 0
    failures: list[str] = []
    while not stop.is_set():
        started = time.perf_counter()
        batch = []
        for _ in range(per_second):
            platform = rng.choices(bench.PLATFORMS, bench.PLATFORM_WEIGHTS)[0]
            likes = int(rng.paretovariate(1.2))
            batch.append(
                Post(
                    platform=platform,
                    native_id=f"load-{run_tag}-{written + len(batch)}",
                    # on the data's last day, so the default view keeps its range
                    created_at=datetime.fromtimestamp(day_start + rng.randrange(86_400), UTC),
                    text=f"{rng.choice(bench.PHRASES)}, {rng.choice(bench.PHRASES)}",
                    source=WRITER_SOURCE,
                    author=f"writer{rng.randrange(1000)}",
                    lang=rng.choices(bench.LANGS, bench.LANG_WEIGHTS)[0],
                    likes=likes,
                    reposts=likes // 10,
                    replies=likes // 20,
                )
            )
        try:
            collector = WriterCollector(batch, {"written": written + len(batch)})
            run_collector(store, collector, WRITER_SOURCE)
            store.save_scores(score_for(post, bench.MODEL, rng) for post in batch)
            refresh_rollups(store, bench.MODEL, since_ts=day_start)
            written += len(batch)
        except sa.exc.OperationalError as err:  # a locked store is a finding, not a crash
            failures.append(str(err.orig))
        elapsed = time.perf_counter() - started
        cycles.append(elapsed * 1000)
        stop.wait(max(0.0, 1.0 - elapsed))
    results.put({"written": written, "cycles_ms": cycles, "failures": failures})


def score_for(post: Post, model: str, rng: random.Random) -> Score:
    value = rng.uniform(-1, 1)
    sentiment = "positive" if value > 0.25 else "negative" if value < -0.25 else "neutral"
    return Score(
        post_id=post.id,
        model=model,
        sentiment=sentiment,
        sentiment_score=value,
        probs={"negative": 0.3, "neutral": 0.4, "positive": 0.3},
        topic=rng.choice(["ban", "migration", "culture", "privacy", "memes"]),
        topic_score=0.5,
        lang=post.lang,
        confidence=0.8,
    )


# ---------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def write_config(folder: Path, refresh_seconds: int) -> Path:
    """A small config: loopback dashboard, the writer as a source, the project's events."""
    events = yaml.safe_load((ROOT / "configs" / "monitor.yaml").read_text(encoding="utf-8")).get("events", [])
    config = {
        "dashboard": {"host": "127.0.0.1", "port": 8050, "refresh": f"{refresh_seconds}s"},
        "sources": [{"name": WRITER_SOURCE, "type": "sample", "every": "1d"}],
        "events": [{"date": str(event["date"]), "label": event["label"]} for event in events],
    }
    path = folder / "monitor.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def start_server(
    db: Path, config: Path, port: int, log: Path, serve_args: list[str]
) -> subprocess.Popen[bytes]:
    env = {**os.environ, "MONITOR_DB_URL": f"sqlite:///{db}", "MONITOR_CONFIG": str(config)}
    command = [
        *(sys.executable, "-m", "monitor.cli", "serve", "--host", "127.0.0.1", "--port", str(port)),
        *serve_args,
    ]
    with log.open("wb") as output:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)


def wait_until_up(base: str, server: subprocess.Popen[bytes], log: Path, limit: float = 180.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the dashboard exited ({server.returncode}):\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(base + "/", timeout=5.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"the dashboard did not answer within {limit:.0f} s:\n{log.read_text()[-3000:]}")


def stop_process(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def server_errors(log: Path) -> Counter[str]:
    """The exceptions the dashboard logged (the last line of each traceback)."""
    reasons: Counter[str] = Counter()
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines() if log.exists() else []
    for number, line in enumerate(lines):
        if line.startswith("Traceback"):
            end = number + 1
            while end < len(lines) and (lines[end].startswith((" ", "\t")) or not lines[end].strip()):
                end += 1
            if end < len(lines):
                reasons[lines[end][:300]] += 1
    return reasons


# ---------------------------------------------------------------- Dash requests


@dataclass(frozen=True)
class Callback:
    """One server callback from ``/_dash-dependencies``."""

    name: str
    output: str
    outputs: list[tuple[Any, str]]  # (id, property); a pattern id keeps its wildcards
    multi: bool
    inputs: list[dict[str, Any]]
    state: list[dict[str, Any]]


def split_output(output: str) -> tuple[list[tuple[Any, str]], bool]:
    """The (id, property) pairs of a dependency's ``output`` string and whether it is multi."""
    multi = output.startswith("..") and output.endswith("..")
    parts = output[2:-2].split("...") if multi else [output]
    pairs = []
    for part in parts:
        component, _, prop = part.rpartition(".")
        pairs.append((json.loads(component) if component.startswith("{") else component, prop))
    return pairs, multi


def id_text(component: Any) -> str:
    """A component id as Dash writes it in prop ids (pattern ids: sorted compact JSON)."""
    return (
        json.dumps(component, sort_keys=True, separators=(",", ":"))
        if isinstance(component, dict)
        else component
    )


def read_callbacks(dependencies: list[dict[str, Any]]) -> dict[str, Callback]:
    """Server callbacks by name: the first output ``id.property`` (``@hash`` dropped); a
    name several callbacks share gets its first input's id after an arrow."""
    found: list[Callback] = []
    for dependency in dependencies:
        if dependency.get("clientside_function"):
            continue
        outputs, multi = split_output(dependency["output"])
        component, prop = outputs[0]
        name = f"{id_text(component)}.{prop.partition('@')[0]}"
        if isinstance(component, dict):
            name = f"{component['type']}[ALL].{prop.partition('@')[0]}"
        found.append(
            Callback(name, dependency["output"], outputs, multi, dependency["inputs"], dependency["state"])
        )
    counts = defaultdict(int)
    for callback in found:
        counts[callback.name] += 1
    named = {}
    for callback in found:
        name = callback.name
        if counts[name] > 1:
            name = f"{name} <- {id_text(callback.inputs[0]['id'])}"
        named[name] = replace(callback, name=name)
    return named


def concrete(component: Any, expansions: dict[str, list[Any]]) -> list[Any]:
    """The concrete ids an ALL pattern id stands for (from what the page holds)."""
    return expansions.get(component["type"], []) if isinstance(component, dict) else [component]


def request_body(
    callback: Callback,
    values: dict[str, Any],
    changed: list[str],
    expansions: dict[str, list[Any]],
) -> dict[str, Any]:
    """The JSON the renderer POSTs for ``callback``: props the page holds carry a
    ``value``, props it does not hold have none (as the renderer sends them)."""

    def item(component: Any, prop: str) -> dict[str, Any]:
        entry: dict[str, Any] = {"id": component, "property": prop}
        key = f"{id_text(component)}.{prop}"
        if key in values:
            entry["value"] = values[key]
        return entry

    def dependency_list(items: list[dict[str, Any]]) -> list[Any]:
        result: list[Any] = []
        for dependency in items:
            component, prop = dependency["id"], dependency["property"]
            if component.startswith("{"):  # a pattern id, as JSON text
                component = json.loads(component)
            if isinstance(component, dict):
                result.append([item(c, prop) for c in concrete(component, expansions)])
            else:
                result.append(item(component, prop))
        return result

    outputs: list[Any] = []
    for component, prop in callback.outputs:
        if isinstance(component, dict):
            outputs.append([{"id": c, "property": prop} for c in concrete(component, expansions)])
        else:
            outputs.append({"id": component, "property": prop})
    body: dict[str, Any] = {
        "output": callback.output,
        "outputs": outputs if callback.multi else outputs[0],
        "inputs": dependency_list(callback.inputs),
        "changedPropIds": changed,
        "parsedChangedPropsIds": changed,
    }
    if callback.state:
        body["state"] = dependency_list(callback.state)
    return body


# ---------------------------------------------------------------- the analysts


@dataclass
class Results:
    """Latencies (ms) and errors per callback or GET, across all analysts."""

    samples: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    examples: dict[str, str] = field(default_factory=dict)
    # (ms, name, seconds since the start when sent, the filters it ran with): the slowest
    # requests, to tell one slow view from a stall that held every request.
    slowest: list[tuple[float, str, float, str]] = field(default_factory=list)
    every: list[tuple[float, str, float, str]] = field(default_factory=list)  # for --log
    started: float = field(default_factory=time.monotonic)

    def record(self, name: str, ms: float, error: str | None, detail: str = "") -> None:
        self.samples[name].append(ms)
        sent = time.monotonic() - self.started - ms / 1000
        self.every.append((ms, name, sent, detail))
        self.slowest = sorted([*self.slowest, (ms, name, sent, detail)], reverse=True)[:12]
        if error is not None:
            self.errors[name] += 1
            self.examples.setdefault(name, error)


class Analyst:
    """One browser tab: the component values the server gave it, a current page, and a
    seeded habit of what to do next."""

    def __init__(
        self,
        index: int,
        client: httpx.AsyncClient,
        callbacks: dict[str, Callback],
        results: Results,
        refresh_seconds: float,
        deadline: float,
        first_day: date,
        last_day: date,
    ) -> None:
        self.rng = random.Random(SEED + index)
        self.client = client
        self.callbacks = callbacks
        self.results = results
        self.refresh_seconds = refresh_seconds
        self.deadline = deadline
        self.first_day, self.last_day = first_day, last_day
        self.values: dict[str, Any] = {}
        self.expansions: dict[str, list[Any]] = {
            shell.NAV_LINK: [{"page": name, "type": shell.NAV_LINK} for name, _, _ in shell.PAGES],
            spikes.ITEM: [],
        }
        self.page = "overview"
        self.ticks = 0
        self.next_tick = 0.0

    # -- plumbing

    def running(self) -> bool:
        return time.monotonic() < self.deadline

    async def get(self, name: str, path: str) -> None:
        if not self.running():
            return
        started = time.perf_counter()
        error = None
        try:
            response = await self.client.get(path)
            if response.status_code != 200:
                error = f"HTTP {response.status_code}"
        except httpx.HTTPError as err:
            error = f"{type(err).__name__}: {err}"
        self.results.record(name, (time.perf_counter() - started) * 1000, error)

    async def call(self, name: str, changed: list[str], **values: Any) -> dict[str, Any] | None:
        """POST one callback with the page's values (``values`` override, keyed
        ``id.property``); the server's answer is applied to the page's values."""
        if not self.running():
            return None
        callback = self.callbacks[name]
        body = request_body(callback, {**self.values, **values}, changed, self.expansions)
        started = time.perf_counter()
        error = None
        answer: dict[str, Any] | None = None
        try:
            response = await self.client.post("/_dash-update-component", json=body)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code == 200:
                try:
                    answer = response.json().get("response")
                except ValueError:
                    answer = None
                if not isinstance(answer, dict):
                    error = "200 without a Dash response: " + response.text[:200]
            elif response.status_code != 204:  # 204: PreventUpdate / nothing to update
                error = f"HTTP {response.status_code}: {response.text[:200]}"
        except httpx.HTTPError as err:
            elapsed = (time.perf_counter() - started) * 1000
            error = f"{type(err).__name__}: {err}"
        filters = {**self.values, **values}.get(f"{shell.FILTERS}.data") or {}
        detail = ",".join(f"{key}={value}" for key, value in sorted(filters.items()) if value)
        self.results.record(name, elapsed, error, detail)
        self.values.update(values)
        for component, props in (answer or {}).items():
            for prop, value in props.items():
                self.values[f"{component}.{prop}"] = value
        return answer

    def filters(self) -> Any:
        return self.values.get(f"{shell.FILTERS}.data")

    def version(self) -> Any:
        return self.values.get(f"{shell.DATA_VERSION}.data")

    # -- what a page sends

    async def open_page(self, page: str, search: str = "") -> None:
        """A full page load: HTML, layout, dependencies, then the initial callbacks."""
        self.values = {}
        self.expansions[spikes.ITEM] = []
        self.page = page
        self.ticks = 0
        self.next_tick = time.monotonic() + self.refresh_seconds
        await self.get("GET page HTML", PAGE_PATHS[page] + search)
        await self.get("GET /_dash-layout", "/_dash-layout")
        await self.get("GET /_dash-dependencies", "/_dash-dependencies")
        url_search = f"{shell.URL}.search"
        await self.call(f"{shell.DATE_RANGE}.start_date", [url_search], **{url_search: search})
        await self.call(f"{shell.DATA_VERSION}.data", [])
        await self.show_page(page, search, first=True)

    async def show_page(self, page: str, search: str = "", first: bool = False) -> None:
        """The callbacks a page's content causes (after a load or a click on the nav)."""
        self.page = page
        pathname = PAGE_PATHS[page]
        await self.call(
            "_pages_content.children",
            ["_pages_location.pathname", "_pages_location.search"],
            **{"_pages_location.pathname": pathname, "_pages_location.search": search},
        )
        await self.click_data_callbacks(page)
        url_path = f"{shell.URL}.pathname"
        await self.call(
            NAV_LINKS,
            [url_path] + ([f"{shell.FILTERS}.data"] if first else []),
            **{url_path: pathname},
        )
        if page == "posts":  # the grid asks once as it mounts, before it has a request (204)
            await self.call(f"{posts.GRID}.getRowsResponse", [])
        if first:
            await self.call(f"{shell.PLATFORMS}.options", [f"{shell.DATA_VERSION}.data"])
        await self.redraw([f"{shell.FILTERS}.data", f"{shell.DATA_VERSION}.data"], fresh_grid=True)

    async def click_data_callbacks(self, page: str) -> None:
        # Every graph page's "open posts" callback fires once as its graphs mount (204).
        first_graph = {
            "overview": overview.SENTIMENT_GRAPH,
            "topics": topics.SHARE_GRAPH,
            "compare": compare.DISTRIBUTION_GRAPH,
            "spikes": spikes.VOLUME_GRAPH,
        }.get(page)
        if first_graph is not None:
            callback = self.callbacks[f"{shell.NAV}.href <- {first_graph}"]
            changed = [f"{item['id']}.clickData" for item in callback.inputs]
            await self.call(callback.name, changed)

    async def redraw(self, changed: list[str], fresh_grid: bool = False) -> None:
        """The page's own callbacks after new filters or a new data version."""
        page = self.page
        if page == "overview":
            await self.call(f"{overview.CARDS}.children", changed)
        elif page == "topics":
            await self.call(f"{topics.SHARE_GRAPH}.figure", changed)
        elif page == "compare":
            await self.call(f"{compare.DISTRIBUTION_GRAPH}.figure", changed)
        elif page == "spikes":
            await self.call(f"{spikes.VOLUME_GRAPH}.figure", changed)
            await self.spike_chosen(None)
        elif page == "posts":
            await self.call(f"{posts.COUNT}.children", changed)
            await self.grid_rows(0 if fresh_grid else self.grid_start(), self.grid_sort())
        elif page in ("sources", "reports") and f"{shell.DATA_VERSION}.data" in changed:
            table = sources.TABLE if page == "sources" else reports_page.TABLE
            await self.call(f"{table}.children", [f"{shell.DATA_VERSION}.data"])

    def grid_start(self) -> int:
        request = self.values.get(f"{posts.GRID}.getRowsRequest") or {}
        return int(request.get("startRow") or 0)

    def grid_sort(self) -> list[dict[str, Any]]:
        request = self.values.get(f"{posts.GRID}.getRowsRequest") or {}
        return request.get("sortModel") or [{"sort": "desc", "type": "default", "colId": "created_at"}]

    async def grid_rows(self, start: int, sort: list[dict[str, Any]]) -> None:
        request = {"startRow": start, "endRow": start + posts.PAGE_SIZE, "sortModel": sort, "filterModel": {}}
        key = f"{posts.GRID}.getRowsRequest"
        await self.call(f"{posts.GRID}.getRowsResponse", [key], **{key: {**request, "api": {}}})

    async def spike_chosen(self, index: int | None) -> None:
        """The spikes list: selection after new spikes (or a click), then its drivers."""
        found = self.values.get(f"{spikes.SPIKES}.data") or []
        items = f"{spikes.SELECTED}.data"
        if index is None:
            await self.call(items, [f"{spikes.SPIKES}.data"])
        else:
            item = {"index": index, "type": spikes.ITEM}
            clicks = {f"{id_text(c)}.n_clicks": int(c == item) for c in self.expansions[spikes.ITEM]}
            await self.call(items, [f"{id_text(item)}.n_clicks"], **clicks)
        await self.call(f"{spikes.LIST}.children", [items])
        self.expansions[spikes.ITEM] = [
            {"index": i, "type": spikes.ITEM} for i in range(min(len(found), spikes.MAX_LISTED))
        ]

    async def tick(self) -> None:
        """The live-status interval; a new data version redraws the page and the choices."""
        self.ticks += 1
        self.next_tick = time.monotonic() + self.refresh_seconds
        before = self.version()
        tick = f"{shell.TICK}.n_intervals"
        await self.call(f"{shell.DATA_VERSION}.data", [tick], **{tick: self.ticks})
        if self.page in ("sources", "reports"):
            table = sources.TABLE if self.page == "sources" else reports_page.TABLE
            await self.call(f"{table}.children", [tick])
        if self.version() != before:
            version = f"{shell.DATA_VERSION}.data"
            await self.call(f"{shell.PLATFORMS}.options", [version])
            await self.redraw([version])

    async def change_filter(self) -> None:
        """One filter control changed, as the analyst would: the shell turns it into new
        filters, and the page redraws with them."""
        days = (self.last_day - self.first_day).days
        control = self.rng.choice(
            ["dates", "dates", "platforms", "platforms", "topics", "languages", "sentiments", "keyword"]
        )
        values: dict[str, Any] = {}
        changed: list[str]
        if control == "dates":
            span = self.rng.choice([2, 7, 14, 28, days])
            end = self.last_day - timedelta(days=self.rng.randrange(0, max(1, days - span)))
            start = max(self.first_day, end - timedelta(days=span - 1))
            if self.rng.random() < 0.2:
                start = end = None  # cleared
            values[f"{shell.DATE_RANGE}.start_date"] = start.isoformat() if start else None
            values[f"{shell.DATE_RANGE}.end_date"] = end.isoformat() if end else None
            changed = [f"{shell.DATE_RANGE}.start_date", f"{shell.DATE_RANGE}.end_date"]
        else:
            key = {
                "platforms": f"{shell.PLATFORMS}.value",
                "topics": f"{shell.TOPICS}.value",
                "languages": f"{shell.LANGUAGES}.value",
                "sentiments": f"{shell.SENTIMENT_CHOICE}.value",
                "keyword": f"{shell.KEYWORD}.value",
            }[control]
            choice: Any
            if control == "platforms":
                pool = ["tiktok", "rednote", "x", "reddit", "bluesky", "youtube", "instagram", "lemon8"]
                choice = self.rng.sample(pool, self.rng.choice([0, 1, 1, 2, 3]))
            elif control == "topics":
                choice = self.rng.sample(
                    ["ban", "migration", "culture", "privacy"], self.rng.choice([0, 1, 2])
                )
            elif control == "languages":
                choice = self.rng.choice([[], ["en"], ["zh"], ["en", "zh"]])
            elif control == "sentiments":
                choice = self.rng.choice([[], *SENTIMENT_CHOICES])
            else:
                choice = self.rng.choice(["", "", *KEYWORDS])
            values[key] = choice
            changed = [key]
        before = self.filters()
        await self.call(f"{shell.DATE_RANGE}.start_date", changed, **values)
        if self.filters() != before:
            new = [f"{shell.FILTERS}.data"]
            await self.call(NAV_LINKS, new)
            await self.redraw(new, fresh_grid=True)

    async def page_action(self) -> None:
        """Something only the current page offers: grid paging and sorting, a spike."""
        if self.page == "posts":
            if self.rng.random() < 0.6:
                await self.grid_rows(self.grid_start() + posts.PAGE_SIZE, self.grid_sort())
            else:
                column = self.rng.choice(SORTABLE)
                sort = [{"sort": self.rng.choice(["asc", "desc"]), "type": "default", "colId": column}]
                await self.grid_rows(0, sort)
        elif self.page == "spikes" and self.expansions[spikes.ITEM]:
            await self.spike_chosen(self.rng.randrange(len(self.expansions[spikes.ITEM])))
        else:
            await self.change_filter()

    async def run(self) -> None:
        await asyncio.sleep(self.rng.uniform(0, 2))  # analysts do not arrive in lock step
        await self.open_page(self.rng.choices(list(PAGE_WEIGHTS), list(PAGE_WEIGHTS.values()))[0])
        while self.running():
            await asyncio.sleep(self.rng.uniform(*THINK_SECONDS))
            if not self.running():
                break
            if time.monotonic() >= self.next_tick:
                await self.tick()
                continue
            action = self.rng.choices(["filter", "navigate", "page", "reload"], [40, 25, 20, 15])[0]
            if action == "filter":
                await self.change_filter()
            elif action == "page":
                await self.page_action()
            else:
                page = self.rng.choices(list(PAGE_WEIGHTS), list(PAGE_WEIGHTS.values()))[0]
                if action == "navigate":
                    search = Filters.from_dict(self.filters()).to_query_string() if self.filters() else ""
                    await self.show_page(page, search)
                else:
                    await self.open_page(page, self.rng.choice(["", "", "?platform=tiktok,rednote"]))


async def run_analysts(
    base: str, analysts: int, seconds: float, refresh_seconds: float, first_day: date, last_day: date
) -> tuple[Results, float]:
    results = Results()
    limits = httpx.Limits(max_connections=analysts, max_keepalive_connections=analysts)
    headers = {"Accept": "application/json", "Referer": base + "/"}
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=TIMEOUT_SECONDS) as probe:
        dependencies = (await probe.get("/_dash-dependencies")).json()
    callbacks = read_callbacks(dependencies)
    started = time.monotonic()
    deadline = started + seconds
    clients = [
        httpx.AsyncClient(base_url=base, timeout=TIMEOUT_SECONDS, headers=headers) for _ in range(analysts)
    ]
    try:
        tasks = [
            Analyst(i, clients[i], callbacks, results, refresh_seconds, deadline, first_day, last_day).run()
            for i in range(analysts)
        ]
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=seconds + TIMEOUT_SECONDS + 10)
    finally:
        for client in clients:
            await client.aclose()
    return results, time.monotonic() - started


# ---------------------------------------------------------------- the report


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(results: Results, elapsed: float) -> tuple[float, int, int]:
    """Print the per-callback table; returns (slowest callback p95, errors, requests)."""
    width = max(len(name) for name in results.samples) + 2
    columns = f"{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'errors':>8}"
    print(f"\n{'callback (first output)':<{width}}{columns}")
    p95_max = 0.0
    for group in ("callbacks", "GET"):
        for name in sorted(results.samples):
            if (group == "GET") != name.startswith("GET "):
                continue
            samples = results.samples[name]
            p95 = percentile(samples, 0.95)
            if group == "callbacks":
                p95_max = max(p95_max, p95)
            print(
                f"{name:<{width}}{len(samples):>7}{statistics.median(samples):>9.1f}{p95:>9.1f}"
                f"{max(samples):>9.1f}{results.errors.get(name, 0):>8}"
            )
    requests = sum(len(samples) for samples in results.samples.values())
    errors = sum(results.errors.values())
    everything = [ms for samples in results.samples.values() for ms in samples]
    print(
        f"{'all':<{width}}{requests:>7}{statistics.median(everything):>9.1f}"
        f"{percentile(everything, 0.95):>9.1f}{max(everything):>9.1f}{errors:>8}"
    )
    print(f"{requests / elapsed:.1f} requests/s over {elapsed:.1f} s")
    for name, example in results.examples.items():
        print(f"first error of {name}: {example}")
    print("slowest requests (ms, sent at s, callback, filters):")
    for ms, name, sent, detail in results.slowest:
        print(f"  {ms:8.0f} {sent:6.1f} {name} {detail[:150]}")
    return p95_max, errors, requests


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000, help="posts generated into the store")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the analysts work")
    parser.add_argument(
        "--analysts", type=int, default=20, help="simulated analysts, one request at a time each"
    )
    parser.add_argument("--db", type=Path, help="SQLite file to (re)use; default: a temporary file")
    parser.add_argument("--port", type=int, help="dashboard port (default: a free one)")
    parser.add_argument(
        "--write-rate", type=int, default=300, help="posts the writer adds per second; 0: no writer"
    )
    parser.add_argument("--refresh", type=int, default=10, help="the dashboard's live refresh, seconds")
    parser.add_argument(
        "--serve-args",
        default="",
        help="more options for `monitor serve`, e.g. '--workers 3 --threads 4' or '--debug' (Flask's server)",
    )
    parser.add_argument("--log", type=Path, help="a CSV of every request: ms, callback, sent at s, filters")
    arguments = parser.parse_args()

    bench = load_bench_dashboard()
    folder = tempfile.TemporaryDirectory(prefix="bm-load-")
    work = Path(folder.name)
    db = (arguments.db or work / "load.db").resolve()
    prepare_store(db, arguments.rows, bench)
    config = write_config(work, arguments.refresh)
    port = arguments.port or free_port()
    base = f"http://127.0.0.1:{port}"
    log = work / "serve.log"
    load_before = os.getloadavg()

    server = start_server(db, config, port, log, arguments.serve_args.split())
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    writer_results = context.Queue()
    writer = context.Process(
        target=write_posts, args=(f"sqlite:///{db}", arguments.write_rate, stop, writer_results), daemon=True
    )
    writer_figures: dict[str, Any] = {}
    try:
        started = time.perf_counter()
        wait_until_up(base, server, log)
        print(f"dashboard up on {base} in {time.perf_counter() - started:.1f} s", flush=True)
        if arguments.write_rate > 0:
            writer.start()
        first_day = bench.END - timedelta(days=bench.DAYS - 1)
        print(
            f"{arguments.analysts} analysts for {arguments.seconds:.0f} s, writer adding "
            f"{arguments.write_rate} posts/s, live refresh every {arguments.refresh} s, "
            f"`monitor serve {arguments.serve_args}`".rstrip(),
            flush=True,
        )
        results, elapsed = asyncio.run(
            run_analysts(base, arguments.analysts, arguments.seconds, arguments.refresh, first_day, bench.END)
        )
        load_during = os.getloadavg()
        stop.set()
        if arguments.write_rate > 0:
            writer_figures = writer_results.get(timeout=120)
    finally:
        stop.set()
        if writer.is_alive():
            writer.join(timeout=30)
        if writer.is_alive():
            writer.terminate()
            writer.join()
        stop_process(server)

    p95_max, errors, requests = report(results, elapsed)
    if arguments.log:
        with arguments.log.open("w", newline="", encoding="utf-8") as out:
            csv.writer(out).writerows([("ms", "callback", "sent_s", "filters"), *results.every])
    for reason, count in server_errors(log).most_common(5):
        print(f"server log: {count} x {reason}")
    cycles = writer_figures.get("cycles_ms") or [0.0]
    failures = writer_figures.get("failures") or []
    print(
        "writer: off"
        if arguments.write_rate == 0
        else f"writer: {writer_figures.get('written', 0):,} posts in {len(cycles)} batches "
        f"(collect + score + rollup refresh per batch: p50 {statistics.median(cycles):.0f} ms, "
        f"max {max(cycles):.0f} ms), {len(failures)} failed"
        + (f"; first failure: {failures[0]}" if failures else "")
    )
    before = " ".join(f"{value:.2f}" for value in load_before)
    during = " ".join(f"{value:.2f}" for value in load_during)
    print(f"load average (1/5/15 min) before: {before}; at the end: {during}; {os.cpu_count()} cores")
    print(f"p95_max_ms={p95_max:.1f} errors={errors + len(failures)} requests={requests}")


if __name__ == "__main__":
    main()
