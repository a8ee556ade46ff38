"""The always-on monitor (``monitor run``): every enabled source on its own interval,
scoring of what is new after each collect, and the dashboard in the same process.

Each source is one APScheduler interval job (one instance at a time; missed runs
coalesce). Several monitors may share one PostgreSQL store: a source is collected by one
of them at a time (a lease per source, ``Store.try_lease``), scoring claims its batches
(``monitor.scoring.worker``) and a report fires once (unique per fire time).
One failing source never stops the others: its error is recorded on its run, where
``monitor status`` and the dashboard's Sources page show it. SIGTERM or Ctrl-C sets a
stop flag that collectors see between batches, so the batch in hand is written with its
cursor and the process exits cleanly. ``preview_source`` runs one fetch
of one source without storing anything (``monitor sources test NAME``).
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import FrameType
from typing import Any

from monitor.config import Config, ConfigError, SourceConfig
from monitor.models import Post, Reject
from monitor.sources import Batch, Collector, build_collector, run_collector
from monitor.store import Store, WriteResult

log = logging.getLogger(__name__)

MAX_WORKERS = 4


@dataclass
class SourceOutcome:
    """What one collect of one source did."""

    source: str
    status: str  # ok, stopped, failed, busy (another monitor is collecting it)
    result: WriteResult = field(default_factory=WriteResult)
    error: str | None = None
    run_id: int | None = None


@dataclass
class SourcePreview:
    """What one fetch of a source would store (``monitor sources test NAME``)."""

    source: str
    posts: list[Post]
    rejects: list[Reject]
    cursor: Any


class StopBetweenBatches:
    """Wraps a collector so that it ends after the batch in hand once ``stop`` is set.

    ``run_collector`` writes each batch (with its cursor) before asking for the next, so
    the check happens after the write: nothing in hand is lost, nothing is half-done."""

    def __init__(self, collector: Collector, stop: threading.Event) -> None:
        self.collector = collector
        self.stop = stop
        self.stopped = False

    def collect(self, cursor: Any) -> Iterator[Batch]:
        batches = self.collector.collect(cursor)
        try:
            for batch in batches:
                yield batch
                if self.stop.is_set():
                    self.stopped = True
                    return
        finally:
            close = getattr(batches, "close", None)
            if close is not None:
                close()


def collector_for(config: Config, source: SourceConfig, stop: threading.Event | None = None) -> Collector:
    """The collector of one configured source; it shares ``stop`` when it can wait (HTTP
    backoff, rate limits, a stream) so those waits end at once on shutdown."""
    index = config.sources.index(source) if source in config.sources else 0
    collector = build_collector(
        source, where=f"{config.path or 'config'}: sources[{index}]", resolve=config.resolve
    )
    bind = getattr(collector, "bind_stop", None)
    if stop is not None and callable(bind):
        bind(stop)
    return collector


def collect_source(
    config: Config,
    store: Store,
    source: SourceConfig,
    stop: threading.Event,
    on_batch: Callable[[Batch, WriteResult], None] | None = None,
) -> SourceOutcome:
    """Run one source from its saved cursor. Every failure is recorded on the source's run
    and returned, never raised, so the other sources go on."""
    try:
        collector = collector_for(config, source, stop)
    except ConfigError as err:
        run_id = store.start_run("collect", source.name)
        store.finish_run(run_id, status="failed", error=f"ConfigError: {err}")
        log.error("%s: cannot start: %s", source.name, err)
        return SourceOutcome(source.name, "failed", error=str(err), run_id=run_id)
    wrapped = StopBetweenBatches(collector, stop)
    try:
        result, run_id = run_collector(store, wrapped, source.name, on_batch=on_batch)
    except Exception as err:  # noqa: BLE001 - recorded on the run by run_collector; the others go on
        log.error("%s: collect failed: %s: %s", source.name, type(err).__name__, err)
        return SourceOutcome(source.name, "failed", error=f"{type(err).__name__}: {err}")
    status = "stopped" if wrapped.stopped else "ok"
    log.info(
        "%s: %s new, %s updated, %s rejected%s",
        source.name,
        result.new,
        result.updated,
        result.rejected,
        " (stopped early)" if wrapped.stopped else "",
    )
    return SourceOutcome(source.name, status, result, run_id=run_id)


def default_scorer(config: Config, store: Store) -> int:
    """Score every post not yet scored under the current model."""
    from monitor.scoring.commands import run_score

    return run_score(config, store, rescore=False, progress=False)


class ClaimingScorer:
    """Scoring for a ``monitor run`` that shares its store with other processes
    (PostgreSQL): it claims batches like ``monitor score --worker`` does, so two monitors,
    or a monitor and dedicated workers, never score the same post. The model is loaded
    once and loaded again only when its version changes (topics edited, new head)."""

    def __init__(self) -> None:
        self._worker: Any = None

    def __call__(self, config: Config, store: Store) -> int:
        from monitor.scoring import build_scorer, model_version
        from monitor.scoring.worker import ScoringWorker

        version = model_version(config)
        if self._worker is None or self._worker.scorer.version != version or self._worker.store is not store:
            self._worker = ScoringWorker(build_scorer(config), store)
        run_id = store.start_run("score")
        try:
            scored = self._worker.drain(run_id)
        except BaseException as err:
            store.release_claims(self._worker.name)
            store.finish_run(run_id, status="failed", error=f"{type(err).__name__}: {err}")
            raise
        store.finish_run(run_id, status="ok", scored=scored)
        return scored


def scorer_for(store: Store) -> Callable[[Config, Store], int]:
    """How ``monitor run`` scores on this store: by claims where several processes may
    share it (PostgreSQL), in one pass otherwise (SQLite, one machine)."""
    return ClaimingScorer() if store.engine.dialect.name == "postgresql" else default_scorer


def source_lease(source: str) -> str:
    """The cluster-wide lease a monitor holds while it collects ``source``."""
    return f"source:{source}"


class MonitorService:
    """The sources, the scorer and the stop flag of one running monitor."""

    def __init__(
        self,
        config: Config,
        store: Store,
        *,
        stop_event: threading.Event | None = None,
        scorer: Callable[[Config, Store], int] | None = default_scorer,
    ) -> None:
        self.config = config
        self.store = store
        self.stop = stop_event or threading.Event()
        self.scorer = scorer
        self._score_lock = threading.Lock()
        self._scoring_missing = False

    @property
    def sources(self) -> list[SourceConfig]:
        return [source for source in self.config.sources if source.enabled]

    def collect_and_score(self, source: SourceConfig) -> SourceOutcome | None:
        """One scheduled job: collect one source, then score what is new."""
        if self.stop.is_set():
            return None
        outcome = self.collect(source)
        if outcome.result.new and not self.stop.is_set():
            self.index_new()
            self.score_new()
        return outcome

    def index_new(self) -> int:
        """Add what was collected to the keyword search index (built behind the writes;
        search is exact meanwhile); it stops between chunks when the monitor stops."""
        added = self.store.index_new_posts(should_stop=self.stop.is_set)
        if added:
            log.info("search index: added %s posts", added)
        return added

    def collect(self, source: SourceConfig) -> SourceOutcome:
        """Collect one source if no other monitor on the same store is collecting it now
        (status ``busy`` otherwise): one collector per source across the cluster."""
        with self.store.try_lease(source_lease(source.name)) as held:
            if not held:
                log.debug("%s: another monitor is collecting it", source.name)
                return SourceOutcome(source.name, "busy")
            return collect_source(self.config, self.store, source, self.stop)

    def score_new(self) -> int:
        """Score unscored posts; one scorer at a time, and a failure is logged, not raised."""
        if self.scorer is None:
            return 0
        with self._score_lock:
            try:
                scored = self.scorer(self.config, self.store)
            except ImportError as err:
                if not self._scoring_missing:
                    log.warning(
                        "scoring is not available (%s); posts stay unscored until `monitor score`", err
                    )
                    self._scoring_missing = True
                return 0
            except Exception as err:  # noqa: BLE001 - a scoring failure must not stop collecting
                log.error("scoring failed: %s: %s", type(err).__name__, err)
                return 0
        if scored:
            log.info("scored %s posts", scored)
        return scored

    def run_once(self) -> list[SourceOutcome]:
        """Every enabled source once, one after another, then scoring."""
        outcomes = []
        for source in self.sources:
            if self.stop.is_set():
                break
            outcomes.append(self.collect(source))
        if any(o.result.new for o in outcomes) and not self.stop.is_set():
            self.index_new()
            self.score_new()
        return outcomes

    def run_forever(self) -> None:
        """Schedule every enabled source and block until the stop flag is set."""
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.schedulers.background import BackgroundScheduler

        sources = self.sources
        workers = max(1, min(MAX_WORKERS, len(sources)))
        scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(workers)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
            timezone=UTC,
        )
        now = datetime.now(UTC)
        for source in sources:
            scheduler.add_job(
                self.collect_and_score,
                "interval",
                seconds=max(1.0, source.every.total_seconds()),
                args=[source],
                id=source.name,
                name=f"collect {source.name}",
                next_run_time=now,
            )
        # Posts left unscored (a new model, a crash mid-scoring) are scored at once, and
        # posts the search index has not reached (an import stopped before it) indexed.
        scheduler.add_job(self.score_new, id="score-backlog", name="score backlog", next_run_time=now)
        scheduler.add_job(self.index_new, id="search-backlog", name="search backlog", next_run_time=now)
        if self.config.reports:
            from monitor.reports.runs import close_stale_report_runs
            from monitor.reports.scheduler import add_report_jobs

            close_stale_report_runs(self.store)
            add_report_jobs(scheduler, self.config, self.store)
        scheduler.start()
        log.info(
            "monitor running: %d source(s), %d report(s), %d worker(s)",
            len(sources),
            len(self.config.reports),
            workers,
        )
        try:
            self.stop.wait()  # a signal handler or the caller sets it
        finally:
            log.info("stopping: finishing the batches in hand")
            scheduler.shutdown(wait=True)
            log.info("stopped")


def run_service(
    config: Config,
    store: Store,
    *,
    serve_dashboard: bool = True,
    once: bool = False,
    stop_event: threading.Event | None = None,
    score: bool = True,
    host: str | None = None,
    port: int | None = None,
) -> list[SourceOutcome]:
    """``monitor run``: collect every enabled source on its interval, score, serve the
    dashboard (unless ``serve_dashboard`` is false), until SIGTERM/SIGINT or
    ``stop_event``. With ``once``, every source runs once and the outcomes are returned."""
    stop = stop_event or threading.Event()
    service = MonitorService(config, store, stop_event=stop, scorer=scorer_for(store) if score else None)
    if not service.sources and not (config.reports and not once):
        raise ConfigError(f"no enabled sources or reports in {config.path or 'the config'}")
    restore = install_stop_handlers(stop)
    try:
        if once:
            return service.run_once()
        if serve_dashboard:
            _start_dashboard(config, store, host or config.dashboard.host, port or config.dashboard.port)
        service.run_forever()
        return []
    finally:
        restore()


def preview_source(config: Config, name: str, store: Store | None = None) -> SourcePreview:
    """One fetch (the first batch) of the named source, enabled or not, without storing
    anything. With a store, the fetch starts from the source's saved cursor."""
    source = config.source(name)
    stop = threading.Event()
    collector = collector_for(config, source, stop)
    cursor = store.get_cursor(name) if store is not None else None
    batches = collector.collect(cursor)
    try:
        batch = next(iter(batches), None)
    finally:
        stop.set()
        close = getattr(batches, "close", None)
        if close is not None:
            close()
    if batch is None:
        return SourcePreview(name, [], [], cursor)
    return SourcePreview(name, list(batch.posts), list(batch.rejects), batch.cursor)


def _start_dashboard(config: Config, store: Store, host: str, port: int) -> threading.Thread | None:
    try:
        from dashboard.app import serve
    except ImportError as err:
        log.error("the dashboard cannot start (%s); collecting without it", err)
        return None

    def run() -> None:
        try:
            serve(config, store, host, port, debug=False)
        except Exception as err:  # noqa: BLE001 - the monitor keeps collecting without a dashboard
            log.error("the dashboard stopped: %s: %s", type(err).__name__, err)

    thread = threading.Thread(target=run, name="dashboard", daemon=True)
    thread.start()
    log.info("dashboard on http://%s:%s/", host, port)
    return thread


def install_stop_handlers(stop: threading.Event) -> Callable[[], None]:
    """SIGTERM and SIGINT set the stop flag (a second one ends the process at once).
    Only the main thread may install handlers; elsewhere the caller's event is the way."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}

    def handle(signum: int, _frame: FrameType | None) -> None:
        log.info("%s received: stopping after the batches in hand", signal.Signals(signum).name)
        stop.set()
        for sig in previous:
            signal.signal(sig, signal.SIG_DFL if sig == signal.SIGTERM else signal.default_int_handler)

    for sig in previous:
        signal.signal(sig, handle)

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return restore
