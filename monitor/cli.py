"""The ``monitor`` command: import, collect, score, status, serve.

Every command reads the config once (``MONITOR_CONFIG`` names it, ``MONITOR_DB_URL``
overrides its store), builds the store, and passes both down. Expected failures print
one clear line to stderr and exit with status 1; they never show a traceback.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import sqlalchemy.exc
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from monitor.config import Config, ConfigError, load_config
from monitor.reports.commands import report_app
from monitor.scoring.commands import model_app
from monitor.sources import Batch, installed_kinds, run_collector
from monitor.store import REJECT_KINDS_WINDOW, Store, WriteResult

if TYPE_CHECKING:
    from collectors.files import FileOptions
    from monitor.service import SourceOutcome

app = typer.Typer(
    help="ban-monitor: collect public posts about platform bans, score them, watch them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
errors = Console(stderr=True)


class CommandError(Exception):
    """An expected failure that ends a command with a message and exit status 1."""


@contextmanager
def _failures() -> Iterator[None]:
    """Turn expected failures into one line on stderr and exit status 1."""
    from collectors.files import FileImportError
    from collectors.http import CollectorError
    from monitor.scoring import ScoringError

    try:
        yield
    except (ConfigError, FileImportError, CollectorError, ScoringError, CommandError) as err:
        errors.print(f"[red]error:[/red] {err}", markup=True, highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    except sqlalchemy.exc.OperationalError as err:
        reason = str(err.orig) if err.orig is not None else str(err)
        errors.print(f"[red]error:[/red] the store failed: {reason}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None


def _open(config_path: Path | None = None) -> tuple[Config, Store]:
    config = load_config(config_path)
    store = Store(config.store)
    store.close_stale_runs()
    return config, store


def _progress(description: str) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,} rows"),
        TextColumn("{task.fields[summary]}"),
        TimeElapsedColumn(),
        console=errors,
        transient=False,
        disable=not errors.is_terminal,
    )


def _progress_callback(progress: Progress, task: Any) -> Callable[[Batch, WriteResult], None]:
    totals = {"new": 0, "updated": 0, "rejected": 0}

    def on_batch(batch: Batch, written: WriteResult) -> None:
        totals["new"] += written.new
        totals["updated"] += written.updated
        totals["rejected"] += written.rejected
        summary = f"{totals['new']:,} new, {totals['updated']:,} updated, {totals['rejected']:,} rejected"
        if batch.progress is not None:
            progress.update(task, completed=batch.progress, summary=summary)
        else:
            progress.update(task, advance=len(batch.posts) + len(batch.rejects), summary=summary)

    return on_batch


def _summary(label: str, result: WriteResult) -> str:
    return f"{label}: imported {result.new:,}, updated {result.updated:,}, rejected {result.rejected:,}"


def _index_for_search(store: Store) -> None:
    """Bring the keyword search index up to the posts just written. The writes leave it
    behind (search stays exact meanwhile, by scanning what it has not reached), so it is a
    step of its own; stopped midway, the next command goes on where it stopped."""
    backlog = store.search_backlog()
    if not backlog:
        return
    with _progress("search index") as progress:
        task = progress.add_task("search index", total=backlog, summary="")
        added = store.index_new_posts(on_progress=lambda count: progress.advance(task, count))
    console.print(f"search index: added {added:,} posts", highlight=False)


@app.command("import")
def import_file(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="export files: CSV, JSONL or JSON array (optionally .gz), Parquet or Excel; "
            "a folder stands for the export files in it",
            metavar="PATH",
            show_default=False,
        ),
    ],
    platform: Annotated[str, typer.Option(help="platform name, or column:NAME to read it per row")],
    map_: Annotated[
        list[str] | None,
        typer.Option("--map", help="FIELD=COLUMN, repeatable; COLUMN may be a+b to join columns"),
    ] = None,
    date_format: Annotated[str | None, typer.Option(help="strptime format of the time column")] = None,
    exported_at: Annotated[
        str | None,
        typer.Option(
            help="when the pages were saved (ISO time, with its offset), to place the times "
            "they show relative to it: 3小时前, 昨天 12:08, 01-14, 3h ago"
        ),
    ] = None,
    timezone: Annotated[
        str | None,
        typer.Option(
            help="zone of times written without an offset: Asia/Shanghai, +08:00 (default: UTC, or "
            "Beijing time for a time column named in Chinese)"
        ),
    ] = None,
    day_first: Annotated[
        bool | None,
        typer.Option(
            "--day-first/--month-first",
            help="dates like 03/01/2025 are 3 January / March 1 (default: told from the first rows)",
            show_default=False,
        ),
    ] = None,
    encoding: Annotated[str | None, typer.Option(help="text encoding (default: detected)")] = None,
    skip_rows: Annotated[
        int | None,
        typer.Option(
            help="lines before a CSV's header (default: found when the first line lacks the map's columns)"
        ),
    ] = None,
    format_: Annotated[
        str, typer.Option("--format", help="auto, csv, jsonl, json (an array), parquet, xlsx or xls")
    ] = "auto",
    keep_retweets: Annotated[
        bool,
        typer.Option(
            "--keep-retweets/--leave-out-retweets",
            help="X retweets (RT @name: …) are posts, as exports count them; or left out as rejects "
            "saying so, as the X source leaves them out, so each original is counted once",
        ),
    ] = True,
    source: Annotated[
        str | None, typer.Option(help="source name to record (default: import:FILENAME)")
    ] = None,
) -> None:
    """Import export files into the store, one run each; bad rows go to rejects. A file
    that cannot be read is named and skipped, and the others are still imported."""
    from collectors.files import FileImportError, FileOptions, export_files

    with _failures():
        mapping = _parse_map(map_ or [])
        files = export_files(paths)
        options = [
            _validated(
                FileOptions,
                {
                    "path": path,
                    "platform": platform,
                    "map": mapping,
                    "date_format": date_format,
                    "exported_at": exported_at,
                    "timezone": timezone,
                    "day_first": day_first,
                    "encoding": encoding,
                    "skip_rows": skip_rows,
                    "format": format_,
                    "keep_retweets": keep_retweets,
                },
                "import options",
            )
            for path in files
        ]
        _, store = _open()
        failed: list[Path] = []
        total = WriteResult()
        finish = "import again to finish: stored posts are updated, not doubled"
        with _stop_on_signals() as stop:
            for file_options in options:
                if stop.is_set():  # between two files: the rest are not started
                    _interrupted(finish)
                try:
                    result, stopped = _import_one(store, file_options, source, stop)
                except FileImportError as err:
                    if len(files) == 1:
                        raise
                    errors.print(f"[red]error:[/red] {err}", highlight=False, soft_wrap=True)
                    failed.append(file_options.path)
                    continue
                total += result
                if stopped:
                    _interrupted(finish)
        if len(files) > 1:
            label = f"{len(files) - len(failed)} of {len(files)} files"
            console.print(_summary(label, total), highlight=False)
        _index_for_search(store)
        if failed:
            listed = ", ".join(str(path) for path in failed)
            raise CommandError(f"{len(failed)} of {len(files)} files could not be imported: {listed}")


def _import_one(
    store: Store, options: FileOptions, source: str | None, stop: threading.Event
) -> tuple[WriteResult, bool]:
    """One file through its own run; prints its summary. Returns what was written and
    whether ``stop`` ended the run before the end of the file."""
    from collectors.files import FileCollector
    from monitor.service import StopBetweenBatches

    path = options.path
    name = source or f"import:{path.name}"

    def say(note: str) -> None:  # what it guessed about the file, from the rows it reads first
        console.print(f"{path}: {note}", highlight=False, soft_wrap=True)

    with _progress(f"import {path.name}") as progress:
        collector = StopBetweenBatches(FileCollector(name, options, on_notes=say), stop)
        task = progress.add_task(f"import {path.name}", total=None, summary="")
        result, run_id = run_collector(
            store, collector, name, use_saved_cursor=False, on_batch=_progress_callback(progress, task)
        )
    console.print(_summary(str(path), result), highlight=False)
    if result.rejected:
        for kind in store.reject_kinds(limit=3, run_id=run_id):
            console.print(f"  {kind['count']:,} × {kind['kind']}", highlight=False, soft_wrap=True)
        console.print(f"see the rejects with: monitor status (run {run_id})", highlight=False)
    return result, collector.stopped


@contextmanager
def _stop_on_signals() -> Iterator[threading.Event]:
    """Ctrl-C (or SIGTERM) sets the event: the command stops after the batch in hand, so no
    write is cut in two; a second one stops it at once."""
    from monitor.service import install_stop_handlers

    stop = threading.Event()
    restore = install_stop_handlers(stop)
    try:
        yield stop
    finally:
        restore()


def _interrupted(how_to_finish: str) -> NoReturn:
    errors.print(
        f"[yellow]interrupted:[/yellow] stopped after the batch in hand; {how_to_finish}",
        highlight=False,
        soft_wrap=True,
    )
    raise typer.Exit(130)


def _parse_map(pairs: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise CommandError(f"--map expects FIELD=COLUMN, got {pair!r}")
        mapping[field.strip()] = column.strip()
    return mapping


def _validated(model: Any, data: dict[str, Any], where: str) -> Any:
    from pydantic import ValidationError

    from monitor.config import format_validation_error

    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise CommandError(format_validation_error(where, err, data)) from None


@app.command()
def collect(
    source: Annotated[list[str] | None, typer.Option(help="only this source (repeatable)")] = None,
) -> None:
    """Run the configured sources once, each from its saved cursor; one source's failure
    is recorded and does not stop the others."""
    from monitor.service import collect_source

    with _failures():
        config, store = _open()
        chosen = (
            [config.source(name) for name in source] if source else [s for s in config.sources if s.enabled]
        )
        if not chosen:
            raise CommandError(f"no sources are configured in {config.path or 'the config'}")
        failed = []
        with _stop_on_signals() as stop:
            for entry in chosen:
                with _progress(entry.name) as progress:
                    task = progress.add_task(entry.name, total=None, summary="")
                    outcome = collect_source(
                        config, store, entry, stop, on_batch=_progress_callback(progress, task)
                    )
                _report_outcome(entry.name, outcome, failed)
                if stop.is_set():
                    break
        if stop.is_set():
            _interrupted("run it again to go on from each source's saved cursor")
        _index_for_search(store)
        if failed:
            raise CommandError(f"{len(failed)} source(s) failed: {', '.join(failed)}")


def _report_outcome(name: str, outcome: SourceOutcome, failed: list[str]) -> None:
    if outcome.status == "failed":
        errors.print(f"[red]{name} failed:[/red] {outcome.error}", highlight=False, soft_wrap=True)
        failed.append(name)
    else:
        console.print(_summary(name, outcome.result), highlight=False)


sources_app = typer.Typer(help="The configured sources and the installed source kinds.")
app.add_typer(sources_app, name="sources")


@sources_app.callback(invoke_without_command=True)
def sources(ctx: typer.Context) -> None:
    """List the configured sources and the installed source kinds."""
    if ctx.invoked_subcommand is not None:
        return
    with _failures():
        config = load_config()
        store = Store(config.store)
        table = Table(title=f"configured sources ({config.path or 'defaults'})")
        for column in ("name", "type", "enabled", "every", "cursor"):
            table.add_column(column)
        for source in config.sources:
            cursor = store.get_cursor(source.name)
            table.add_row(
                source.name,
                source.type,
                "yes" if source.enabled else "no",
                str(source.every),
                "-" if cursor is None else json.dumps(cursor)[:60],
            )
        console.print(table)
        kinds = Table(title="installed source kinds")
        kinds.add_column("type")
        kinds.add_column("class")
        for kind, target in sorted(installed_kinds().items()):
            kinds.add_row(kind, target)
        console.print(kinds)


@sources_app.command("test")
def sources_test(
    name: Annotated[str, typer.Argument(help="a configured source")],
    from_cursor: Annotated[bool, typer.Option(help="start from the saved cursor")] = False,
) -> None:
    """Fetch once from a source and show what would be stored, storing nothing."""
    from monitor.service import preview_source

    with _failures():
        config = load_config()
        store = Store(config.store) if from_cursor else None
        preview = preview_source(config, name, store=store)
        table = Table(
            title=f"{name}: {len(preview.posts)} posts, {len(preview.rejects)} rejects (not stored)"
        )
        for column in ("id", "created_at", "author", "text"):
            table.add_column(column, overflow="fold")
        for post in preview.posts[:20]:
            table.add_row(post.id, post.created_at.isoformat(), post.author or "", post.text[:120])
        console.print(table)
        for reject in preview.rejects[:10]:
            errors.print(f"reject {reject.location}: {reject.reason}", highlight=False, soft_wrap=True)
        console.print(f"next cursor: {json.dumps(preview.cursor, default=str)[:200]}", highlight=False)


@app.command()
def status(as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False) -> None:
    """Posts per platform, scores, rejects and the last runs."""
    with _failures():
        config = load_config()
        store = Store(config.store)
        per_platform = store.posts_per_platform()
        model = _current_model(config)
        report = {
            "store": store.safe_url,
            "posts": per_platform,
            "total": sum(per_platform.values()),
            "model": model,
            "scored": store.count_scored(model),
            "rejects": store.count_rejects(),
            "runs": _shown_runs(store.last_runs(10)),
            "reject_kinds": store.reject_kinds(),
            "recent_rejects": store.recent_rejects(5),
        }
        if as_json:
            print(json.dumps(report, default=str, ensure_ascii=False))
            return
        _print_status(report)


def _shown_runs(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The runs as they stand: one still "running" whose process on this machine is gone
    was interrupted (the next command that opens the store records it; status only reads,
    so that it never waits behind an import's write lock)."""
    import socket

    from monitor.store import owner_is_dead

    host = socket.gethostname()
    return [
        {**run, "status": "interrupted"}
        if run["status"] == "running" and owner_is_dead(run["owner"], host)
        else run
        for run in runs
    ]


def _current_model(config: Config) -> str | None:
    try:
        from monitor.scoring import model_version
    except ImportError:
        return None
    try:
        return model_version(config)
    except (OSError, ValueError):
        return None


def _print_status(report: dict[str, Any]) -> None:
    console.print(f"store: {report['store']}", highlight=False)
    table = Table(title="posts")
    table.add_column("platform")
    table.add_column("posts", justify="right")
    for platform, count in report["posts"].items():
        table.add_row(platform, f"{count:,}")
    table.add_row("[bold]total", f"[bold]{report['total']:,}")
    console.print(table)
    console.print(f"scored ({report['model']}): {report['scored']:,}    rejects: {report['rejects']:,}")
    runs = Table(title="last runs")
    for column in ("id", "kind", "source", "status", "new", "updated", "rejects", "scored", "error"):
        runs.add_column(column)
    for run in report["runs"]:
        runs.add_row(
            str(run["id"]),
            run["kind"],
            run["source"] or "",
            run["status"],
            f"{run['posts_new']:,}",
            f"{run['posts_updated']:,}",
            f"{run['rejects']:,}",
            f"{run['scored']:,}",
            (run["error"] or "")[:60],
        )
    console.print(runs)
    if report["reject_kinds"]:
        kinds = Table(title=f"rejects by kind (the last {REJECT_KINDS_WINDOW:,})")
        for column in ("count", "kind", "example"):
            kinds.add_column(column, overflow="fold", justify="right" if column == "count" else "left")
        for kind in report["reject_kinds"]:
            kinds.add_row(f"{kind['count']:,}", kind["kind"][:120], kind["location"])
        console.print(kinds)
    if report["recent_rejects"]:
        rejects = Table(title="recent rejects")
        for column in ("source", "location", "reason"):
            rejects.add_column(column, overflow="fold")
        for reject in report["recent_rejects"]:
            rejects.add_row(reject["source"], reject["location"], reject["reason"][:120])
        console.print(rejects)


@app.command()
def score(
    rescore: Annotated[bool, typer.Option(help="score every post again under the current model")] = False,
    worker: Annotated[
        bool, typer.Option("--worker", help="claim batches and score until stopped; run as many as you like")
    ] = False,
    batch: Annotated[int, typer.Option(min=1, help="--worker: posts per claim")] = 256,
    lease: Annotated[
        int, typer.Option(min=5, help="--worker: seconds before a dead worker's batch is taken over")
    ] = 120,
    until_done: Annotated[
        bool, typer.Option("--until-done", help="--worker: exit once every post is scored")
    ] = False,
) -> None:
    """Score every post that has no score under the current model version; with
    ``--worker``, share that work with any number of other workers on the same store."""
    with _failures():
        from monitor.scoring.commands import run_score

        config, store = _open()
        if worker:
            from monitor.scoring.worker import WorkerSettings, run_worker_process

            if rescore:
                raise CommandError("--rescore and --worker do not combine: run `monitor score --rescore`")
            import logging

            logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
            settings = WorkerSettings(batch=batch, lease_seconds=lease, until_done=until_done)
            count = run_worker_process(config, store, settings)
        else:
            count = run_score(config, store, rescore=rescore, progress=errors.is_terminal)
        console.print(f"scored {count:,} posts", highlight=False)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="address to listen on (default from config)")] = None,
    port: Annotated[int | None, typer.Option(help="port (default from config)")] = None,
    debug: Annotated[bool, typer.Option(help="Dash debug mode (Flask's development server)")] = False,
    workers: Annotated[
        int | None, typer.Option(help="worker processes (default: one per core, at least 2)")
    ] = None,
    threads: Annotated[
        int | None, typer.Option(help="threads per worker (default: up to 4, within the store's pool)")
    ] = None,
) -> None:
    """Start the dashboard (under gunicorn; ``--debug`` uses Flask's development server)."""
    with _failures():
        from dashboard.app import serve as serve_dashboard
        from dashboard.app import serve_workers

        config, store = _open()
        host, port = host or config.dashboard.host, port or config.dashboard.port
        if debug:
            serve_dashboard(config, store, host, port, debug=True)
        else:
            serve_workers(config, store, host, port, workers=workers, threads=threads)


@app.command()
def run(
    no_serve: Annotated[bool, typer.Option("--no-serve", help="do not serve the dashboard")] = False,
    once: Annotated[bool, typer.Option(help="each enabled source once, score, exit")] = False,
    no_score: Annotated[
        bool, typer.Option("--no-score", help="leave scoring to `monitor score --worker` processes")
    ] = False,
    host: Annotated[str | None, typer.Option(help="dashboard address (default from config)")] = None,
    port: Annotated[int | None, typer.Option(help="dashboard port (default from config)")] = None,
) -> None:
    """Run every enabled source on its interval, score what is new, serve the dashboard."""
    import logging

    from monitor.service import run_service

    with _failures():
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        # httpx logs every request's URL; a report webhook's URL is itself a secret.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        config, store = _open()
        if not no_serve:  # refuse an open dashboard before collecting starts, not in its thread
            config.dashboard.check_bind(host or config.dashboard.host)
        outcomes = run_service(
            config, store, serve_dashboard=not no_serve, once=once, host=host, port=port, score=not no_score
        )
        for outcome in outcomes:
            result = outcome.result
            line = f"{outcome.source}: {outcome.status}, {result.new:,} new, {result.updated:,} updated"
            console.print(line + (f", error: {outcome.error}" if outcome.error else ""), highlight=False)
        failed = [o.source for o in outcomes if o.status == "failed"]
        if failed:
            raise CommandError(f"{len(failed)} source(s) failed: {', '.join(failed)}")


db_app = typer.Typer(help="Store maintenance: migrate, copy between backends.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the store's schema up to this version of ban-monitor."""
    with _failures():
        config = load_config()
        store = Store(config.store, migrate=False)
        before = store.version()
        after = store.migrate()
        console.print(f"{store.safe_url}: schema version {before} -> {after}", highlight=False)


@db_app.command("copy")
def db_copy(
    source_url: Annotated[str, typer.Argument(help="store to copy from, e.g. sqlite:///data/monitor.db")],
    target_url: Annotated[str, typer.Argument(help="store to copy into, e.g. postgresql+psycopg://host/db")],
) -> None:
    """Copy a whole store into another (SQLite into PostgreSQL) and verify the counts."""
    from monitor.store import copy_store

    with _failures():
        source = Store(source_url, migrate=False)
        if source.version() == 0:
            raise CommandError(f"{source.safe_url} holds no ban-monitor store")
        source.migrate()
        target = Store(target_url)
        with _progress("copy") as progress:
            task = progress.add_task("copy", total=None, summary="")

            def on_rows(table: str, count: int) -> None:
                progress.update(task, advance=count, summary=table)

            counts = copy_store(source, target, on_rows=on_rows)
        table = Table(title=f"{source.safe_url} -> {target.safe_url}")
        for column in ("table", "source rows", "target rows"):
            table.add_column(column)
        for name, (source_rows, target_rows) in counts.items():
            table.add_row(name, f"{source_rows:,}", f"{target_rows:,}")
        console.print(table)
        short = [name for name, (a, b) in counts.items() if b < a]
        if short:
            raise CommandError(f"the copy is missing rows in: {', '.join(short)}")


app.add_typer(model_app, name="model", help="Train and evaluate the sentiment model.")
app.add_typer(report_app, name="report", help="Make, list and deliver reports.")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
