"""Scoring workers (``monitor score --worker``): any number of processes, on any machines,
share the scoring of one store. Each claims a batch of unscored posts with a lease
(``Store.claim_posts``), scores it and commits the scores with the claims released in
one transaction; a worker that dies leaves its claims to expire, and another takes them.
Scores are keyed (post, model), so each post ends with exactly one score per model version.

A worker reads new posts from a cursor on ``collected_at`` (with some slack for
transactions that commit late) instead of scanning the whole store on every claim, and
rescans from the start now and then for expired claims and late arrivals.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType

from monitor.config import Config
from monitor.rollups import refresh_rollups
from monitor.scoring.engine import post_text, with_source_language
from monitor.scoring.scorer import Scorer
from monitor.store import Store, process_owner

log = logging.getLogger(__name__)

# How far behind its newest post a worker's cursor stays: a collector's transaction may
# commit a little after posts collected later were already visible.
CURSOR_SLACK_SECONDS = 30
ROLLUP_LEASE = "rollups"


@dataclass(frozen=True)
class WorkerSettings:
    """How a worker claims and waits."""

    batch: int = 256  # posts per claim: one scorer call, one commit
    lease_seconds: int = 120  # a claim older than this is taken by another worker
    idle_seconds: float = 2.0  # wait between claims when there is nothing to score
    rescan_seconds: float = 60.0  # how often to look at the whole store again
    rollup_seconds: float = 30.0  # refresh the dashboard rollups at most this often while busy
    until_done: bool = False  # exit once every post has a score (tests, benchmarks, cron)


def worker_name() -> str:
    """``host:pid:random``, unique even when a pid is reused on another machine."""
    return f"{process_owner()}:{uuid.uuid4().hex[:6]}"


class ScoringWorker:
    """One worker's loop over claims; ``run`` until ``stop`` is set (or, with
    ``until_done``, until nothing is left unscored)."""

    def __init__(
        self,
        scorer: Scorer,
        store: Store,
        settings: WorkerSettings = WorkerSettings(),
        *,
        name: str | None = None,
        stop: threading.Event | None = None,
        on_scored: Callable[[int], None] | None = None,
    ) -> None:
        self.scorer = scorer
        self.store = store
        self.settings = settings
        self.name = name or worker_name()
        self.stop = stop or threading.Event()
        self.on_scored = on_scored
        self.scored = 0
        self._since: int | None = None  # None: the next claim looks at the whole store
        self._last_rescan = time.monotonic()
        self._last_rollup = time.monotonic()
        self._oldest_unrolled: int | None = None

    def claim_and_score(self, run_id: int | None = None) -> int:
        """One claim: score what it got and commit; returns the number of posts claimed
        (0: nothing claimable right now)."""
        if self._since is not None and time.monotonic() - self._last_rescan >= self.settings.rescan_seconds:
            self._since = None
        full_scan = self._since is None
        settings = self.settings
        batch = self.store.claim_posts(
            self.scorer.version, self.name, settings.batch, settings.lease_seconds, since=self._since
        )
        if full_scan:
            self._last_rescan = time.monotonic()
        if not batch:
            return 0
        scores = self.scorer.score([post_text(post) for post in batch], [post.id for post in batch])
        added = self.store.save_claimed_scores(with_source_language(scores, batch), self.name, run_id)
        self.scored += added
        newest = max(post.collected_at for post in batch)
        self._since = max(self._since or 0, newest - CURSOR_SLACK_SECONDS)
        oldest = min(post.created_at for post in batch)
        if self._oldest_unrolled is not None:
            oldest = min(self._oldest_unrolled, oldest)
        self._oldest_unrolled = oldest
        if self.on_scored is not None:
            self.on_scored(added)
        return len(batch)

    def refresh_rollups(self, force: bool = False) -> None:
        """Bring the dashboard's rollups up to date with what this worker scored, one
        process at a time across the cluster (concurrent rebuilds of the same days clash)."""
        if self._oldest_unrolled is None:
            return
        if not force and time.monotonic() - self._last_rollup < self.settings.rollup_seconds:
            return
        with self.store.exclusive(ROLLUP_LEASE):
            refresh_rollups(self.store, self.scorer.version, since_ts=self._oldest_unrolled)
        self._oldest_unrolled = None
        self._last_rollup = time.monotonic()

    def drain(self, run_id: int | None = None) -> int:
        """Claim and score until nothing is claimable; returns the posts scored (new scores)."""
        before = self.scored
        while not self.stop.is_set() and self.claim_and_score(run_id):
            self.refresh_rollups()
        self.refresh_rollups(force=True)
        return self.scored - before

    def run(self) -> int:
        """The worker loop, recorded as a ``score`` run; returns the posts it scored."""
        run_id = self.store.start_run("score")
        status, error = "ok", None
        log.info("worker %s scoring under %s", self.name, self.scorer.version)
        try:
            while not self.stop.is_set():
                if self.claim_and_score(run_id):
                    self.refresh_rollups()
                    continue
                self.refresh_rollups(force=True)
                if self.settings.until_done:
                    if self._since is not None:  # look behind the cursor before deciding
                        self._since = None
                        continue
                    if self.store.count_unscored(self.scorer.version) == 0:
                        break
                self.stop.wait(self.settings.idle_seconds)
        except BaseException as err:
            status = "interrupted" if isinstance(err, KeyboardInterrupt) else "failed"
            error = f"{type(err).__name__}: {err}"
            raise
        finally:
            self.store.release_claims(self.name)
            # scored was counted on the run with each commit; finish_run writes the total again.
            self.store.finish_run(run_id, status=status, scored=self.scored, error=error)
            log.info("worker %s stopped: %s posts scored", self.name, self.scored)
        return self.scored


def run_worker_process(
    config: Config, store: Store, settings: WorkerSettings, *, on_scored: Callable[[int], None] | None = None
) -> int:
    """``monitor score --worker``: build the scorer once, then claim and score until
    SIGTERM/SIGINT (the batch in hand is committed first) or, with ``until_done``, until
    every post is scored. Returns the posts this worker scored."""
    from monitor.scoring import build_scorer

    scorer = build_scorer(config)
    stop = threading.Event()
    worker = ScoringWorker(scorer, store, settings, stop=stop, on_scored=on_scored)
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}

    def handle(signum: int, _frame: FrameType | None) -> None:
        log.info("%s received: stopping after the batch in hand", signal.Signals(signum).name)
        stop.set()

    if threading.current_thread() is threading.main_thread():
        for sig in previous:
            signal.signal(sig, handle)
    try:
        return worker.run()
    finally:
        if threading.current_thread() is threading.main_thread():
            for sig, handler in previous.items():
                signal.signal(sig, handler)
