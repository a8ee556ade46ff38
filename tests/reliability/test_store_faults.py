"""When the store fails under a run (the disk fills up, another process holds the
database locked), the run fails cleanly: what was committed stays, with its cursor, no run
is left "running", and the next run continues to exactly the rows of the input."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from collectors.files import FileCollector, FileOptions
from monitor.sources import Batch, run_collector
from monitor.store import Store, WriteResult

ROOT = Path(__file__).parents[2]


def write_csv(path: Path, count: int, padding: int = 0) -> Path:
    filler = "x" * padding
    path.write_text(
        "id,text,created_at,likes\n"
        + "".join(
            f"{i},post {i} about the tiktok ban {filler},2025-01-14 10:00,{i % 9}\n" for i in range(count)
        ),
        encoding="utf-8",
    )
    return path


def posts_in(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT COUNT(*) FROM posts").fetchone()[0]


# ---------------------------------------------------------------- database locked


def short_busy_timeout(store: Store, milliseconds: int = 300) -> Store:
    """Make the store give up on a lock after ``milliseconds`` (the default waits 30 s)."""

    @sa.event.listens_for(store.engine, "connect")
    def _busy(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA busy_timeout = {milliseconds}")

    store.engine.dispose()
    return store


class LockAfter:
    """An on_batch callback that takes an exclusive lock from another connection after
    ``batches`` batches were written, as another process could."""

    def __init__(self, db: Path, batches: int) -> None:
        self.db = db
        self.batches = batches
        self.seen = 0
        self.holder: sqlite3.Connection | None = None

    def __call__(self, _batch: Batch, _written: WriteResult) -> None:
        self.seen += 1
        if self.seen == self.batches:
            self.holder = sqlite3.connect(self.db, isolation_level=None, timeout=0)
            self.holder.execute("BEGIN EXCLUSIVE")

    def release(self) -> None:
        if self.holder is not None:
            self.holder.execute("ROLLBACK")
            self.holder.close()
            self.holder = None


@pytest.fixture
def locked_run(tmp_path: Path) -> Iterator[tuple[Store, Path, LockAfter, BaseException]]:
    db = tmp_path / "monitor.db"
    store = short_busy_timeout(Store(f"sqlite:///{db}"))
    source = write_csv(tmp_path / "posts.csv", 1000)
    lock = LockAfter(db, batches=3)
    collector = FileCollector("export", FileOptions(path=source, platform="x", chunk_rows=100))
    with pytest.raises(sa.exc.OperationalError) as raised:
        run_collector(store, collector, "export", on_batch=lock)
    try:
        yield store, source, lock, raised.value
    finally:
        lock.release()


def test_a_locked_database_fails_the_run_with_a_clear_error(locked_run: Any) -> None:
    _store, _source, lock, error = locked_run
    assert "database is locked" in str(error)
    lock.release()


def test_a_locked_database_keeps_what_was_committed_with_its_cursor(locked_run: Any) -> None:
    store, _source, lock, _error = locked_run
    lock.release()
    assert store.posts_per_platform() == {"x": 300}
    assert store.get_cursor("export")["rows"] == 300


def test_a_locked_database_leaves_no_run_running_once_the_process_is_gone(locked_run: Any) -> None:
    store, _source, lock, _error = locked_run
    lock.release()
    # The failed run could not be recorded as failed while the lock held; the next start
    # closes it because its owner is gone (a finished process stands in for the dead one).
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    with store.engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE runs SET owner = :owner WHERE status = 'running'"),
            {"owner": f"{socket.gethostname()}:{gone.pid}"},
        )
    store.close_stale_runs()
    assert {run["status"] for run in store.last_runs()} <= {"failed", "interrupted"}


def test_the_run_after_a_lock_continues_to_exactly_the_rows_of_the_file(locked_run: Any) -> None:
    store, source, lock, _error = locked_run
    lock.release()
    collector = FileCollector("export", FileOptions(path=source, platform="x", chunk_rows=100))
    result, _ = run_collector(store, collector, "export")
    assert result.new == 700  # resumed from the cursor: only the rows not yet stored
    assert store.posts_per_platform() == {"x": 1000}


# ---------------------------------------------------------------- disk full


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 3 MB tmpfs (needs root, as in CI); unmounted afterwards."""
    mount = tmp_path / "small"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs to fill the disk needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def monitor(tmp_path: Path, db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "MONITOR_DB_URL": f"sqlite:///{db}",
        "MONITOR_CONFIG": str(ROOT / "configs/monitor.yaml"),
    }
    return subprocess.run(
        [sys.executable, "-m", "monitor.cli", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_a_full_disk_fails_the_import_cleanly_and_the_next_run_completes(
    tmp_path: Path, small_disk: Path
) -> None:
    db = small_disk / "monitor.db"
    rows = 40_000
    source = write_csv(tmp_path / "posts.csv", rows, padding=20)  # ~3 MB of text: more than fits

    full = monitor(tmp_path, db, "import", str(source), "--platform", "x")
    assert full.returncode == 1
    assert "error: the store failed: database or disk is full" in full.stderr
    assert "Traceback" not in full.stderr
    kept = posts_in(db)
    assert 0 < kept < rows  # the batches committed before the disk filled are kept

    subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)
    again = monitor(tmp_path, db, "import", str(source), "--platform", "x")
    assert again.returncode == 0, again.stderr
    status = json.loads(monitor(tmp_path, db, "status", "--json").stdout)
    assert status["total"] == rows  # every row exactly once
    statuses = [run["status"] for run in status["runs"]]
    assert "running" not in statuses and statuses[0] == "ok"
    assert set(statuses[1:]) <= {"failed", "interrupted"}


# ---------------------------------------------------------------- interrupted mid-write


def test_an_interrupt_inside_a_write_ends_the_run_at_once_and_the_next_run_completes(tmp_path: Path) -> None:
    """A second Ctrl-C can land inside the driver's executemany. SQLAlchemy then drops the
    connection, but the driver keeps its transaction, and the write lock, for as long as
    the traceback holds the cursor: a write on the way out (the indexes an empty store
    defers, the run's record, the rollups) would wait out the lock and end in "database
    is locked" instead of the interrupt. Nothing is written then; the next start restores
    the store as after a kill."""
    import gc

    from monitor.store import posts as posts_table

    path = write_csv(tmp_path / "posts.csv", 3000)
    options = FileOptions(path=path, platform="x", chunk_rows=1000)
    store = short_busy_timeout(Store(f"sqlite:///{tmp_path / 'monitor.db'}"), milliseconds=5000)
    inserts = 0

    @sa.event.listens_for(store.engine, "do_executemany")
    def _interrupt_second_insert(cursor: Any, statement: str, parameters: Any, _context: Any) -> bool:
        nonlocal inserts
        if not statement.startswith("INSERT INTO posts"):
            return False
        inserts += 1
        cursor.executemany(statement, parameters)
        if inserts == 2:
            raise KeyboardInterrupt
        return True

    with pytest.raises(KeyboardInterrupt) as raised:
        run_collector(store, FileCollector("src", options), "src")
    del raised  # the process ends: the traceback, the cursor and its transaction go
    gc.collect()
    store.engine.dispose()

    again = Store(store.url)  # opening it restores the posts indexes the run deferred
    with again.engine.connect() as conn:
        present = set(
            conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE tbl_name = 'posts'").scalars()
        )
    assert {index.name for index in posts_table.indexes} <= present
    assert posts_in(tmp_path / "monitor.db") == 1000  # the first batch; the second rolled back
    run_collector(again, FileCollector("src", options), "src")
    assert posts_in(tmp_path / "monitor.db") == 3000
