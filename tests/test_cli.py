"""The ``monitor`` command end to end, in a temporary folder, as a user runs it."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from monitor.store import SCHEMA_VERSION, posts

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests/fixtures/files"


def monitor(tmp_path: Path, *args: str, config: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "MONITOR_DB_URL": f"sqlite:///{tmp_path / 'monitor.db'}",
        "MONITOR_CONFIG": str(config or REPO / "configs/monitor.yaml"),
        "HF_HUB_OFFLINE": "1",
    }
    return subprocess.run(
        [sys.executable, "-m", "monitor.cli", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def status(tmp_path: Path) -> dict:
    result = monitor(tmp_path, "status", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_import_with_the_documented_syntax(tmp_path: Path) -> None:
    args = [
        "import", str(FIXTURES / "rednote_export.csv"), "--platform", "rednote",
        "--map", "text=title+content", "--map", "created_at=create_time", "--map", "id=note_id",
        "--map", "likes=liked_count", "--map", "author=user_name",
    ]  # fmt: skip
    result = monitor(tmp_path, *args)
    assert result.returncode == 0, result.stderr
    assert "imported 4, updated 0, rejected 2" in " ".join(result.stdout.split())
    again = monitor(tmp_path, *args)
    assert "imported 0, updated 4, rejected 2" in " ".join(again.stdout.split())
    report = status(tmp_path)
    assert report["posts"] == {"rednote": 4}
    assert report["rejects"] == 4
    assert report["scored"] == 0


def test_an_import_says_what_its_rejects_are_and_leaves_out_retweets_when_asked(tmp_path: Path) -> None:
    path = FIXTURES / "tools/twarc_retweets.csv"
    result = monitor(tmp_path, "import", str(path), "--platform", "x", "--leave-out-retweets")
    assert result.returncode == 0, result.stderr
    said = " ".join(result.stdout.split())
    assert "imported 2, updated 0, rejected 1" in said
    assert "1 × a retweet: left out" in said
    kept = monitor(tmp_path, "import", str(path), "--platform", "x")
    said = " ".join(kept.stdout.split())
    assert "X retweets (RT @…) are imported as posts" in said
    assert "imported 1, updated 2, rejected 0" in said
    assert status(tmp_path)["posts"] == {"x": 3}


def test_platform_from_a_column_and_date_format(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "site,body,when\nTwitter,hello,14.01.2025 08:00\nxiaohongshu,你好,15.01.2025 09:00\n",
        encoding="utf-8",
    )
    result = monitor(
        tmp_path, "import", str(path), "--platform", "column:site", "--map", "text=body",
        "--map", "created_at=when", "--date-format", "%d.%m.%Y %H:%M",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert status(tmp_path)["posts"] == {"rednote": 1, "x": 1}


def test_a_wrong_column_is_a_clear_error_without_traceback(tmp_path: Path) -> None:
    result = monitor(
        tmp_path,
        "import",
        str(FIXTURES / "rednote_export.csv"),
        "--platform",
        "rednote",
        "--map",
        "text=contnt",
    )
    assert result.returncode == 1
    assert "'contnt'" in result.stderr and "available" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--map", "text"], "FIELD=COLUMN"),
        (["--map", "colour=content"], "unknown field"),
    ],
)
def test_bad_options_are_clear_errors(tmp_path: Path, args: list[str], message: str) -> None:
    result = monitor(tmp_path, "import", str(FIXTURES / "rednote_export.csv"), "--platform", "rednote", *args)
    assert result.returncode == 1
    assert message in result.stderr and "Traceback" not in result.stderr


def test_a_folder_of_exports_imports_every_file_and_names_the_one_that_fails(tmp_path: Path) -> None:
    """Scrapers write one file per day or query: a folder (or several paths) imports them
    all, each as its own run; a file that cannot be read is named and the rest go on."""
    exports = tmp_path / "exports"
    exports.mkdir()
    header = "note_id,title,content,create_time\n"
    (exports / "day1.csv").write_text(header + "a1,t,第一天 day one,2025-01-14 10:00\n", encoding="utf-8")
    (exports / "day2.csv.gz").write_bytes(b"\x1f\x8b damaged")  # a cut-off download
    (exports / "day3.jsonl").write_text(
        json.dumps({"note_id": "a3", "title": "t", "content": "day three", "create_time": 1736850000}) + "\n",
        encoding="utf-8",
    )
    (exports / "~$day1.xlsx").write_bytes(b"lock")  # Excel's lock file, and a note: not exports
    (exports / "README.md").write_text("notes", encoding="utf-8")
    mapping = ["--map", "text=title+content", "--map", "created_at=create_time"]
    result = monitor(tmp_path, "import", str(exports), "--platform", "rednote", *mapping)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "day2.csv.gz" in result.stderr and "1 of 3 files could not be imported" in result.stderr
    assert "2 of 3 files: imported 2, updated 0, rejected 0" in " ".join(result.stdout.split())
    report = status(tmp_path)
    assert report["posts"] == {"rednote": 2}
    sources = {run["source"] for run in report["runs"] if run["kind"] == "collect"}
    assert {"import:day1.csv", "import:day3.jsonl"} <= sources
    # Several paths, as a shell glob gives them: both files again, only updates.
    again = monitor(
        tmp_path,
        "import",
        str(exports / "day1.csv"),
        str(exports / "day3.jsonl"),
        "--platform",
        "rednote",
        *mapping,
    )
    assert again.returncode == 0, again.stderr
    assert "2 of 2 files: imported 0, updated 2, rejected 0" in " ".join(again.stdout.split())
    empty = tmp_path / "empty"
    empty.mkdir()
    result = monitor(tmp_path, "import", str(empty), "--platform", "rednote")
    assert result.returncode == 1 and "no export files in it" in result.stderr


def test_an_import_says_which_encoding_it_guessed(tmp_path: Path) -> None:
    """A wrong guess is seen: the import names the code page it read a non-UTF-8 file in."""
    path = tmp_path / "gbk.csv"
    path.write_bytes("id,text,created_at\n1,欢迎美国朋友,2025-01-14 10:00\n".encode("gbk"))
    result = monitor(tmp_path, "import", str(path), "--platform", "rednote")
    assert result.returncode == 0, result.stderr
    assert "not UTF-8, read as gb18030" in " ".join(result.stdout.split())
    mapping = ["--map", "text=title+content", "--map", "created_at=create_time"]
    export = str(FIXTURES / "rednote_export.csv")
    utf8 = monitor(tmp_path, "import", export, "--platform", "rednote", *mapping)
    assert utf8.returncode == 0 and "imported 4" in utf8.stdout and "read as" not in utf8.stdout


def test_status_counts_rejects_by_kind_and_shows_a_dead_run_as_interrupted(tmp_path: Path) -> None:
    path = tmp_path / "scraped.csv"
    path.write_text("id,text,created_at\n1,a,3小时前\n2,b,昨天 12:08\n3,,2025-01-14\n", encoding="utf-8")
    assert monitor(tmp_path, "import", str(path), "--platform", "rednote").returncode == 0
    with sqlite3.connect(tmp_path / "monitor.db") as conn:  # a run whose process was killed
        conn.execute(
            "INSERT INTO runs (kind, source, status, started_at, posts_new, posts_updated, rejects, "
            "scored, owner) VALUES ('collect', 'gone', 'running', 0, 0, 0, 0, 0, ?)",
            (f"{socket.gethostname()}:999999999",),
        )
    report = status(tmp_path)
    assert [(kind["count"], kind["kind"].split(" is ")[0]) for kind in report["reject_kinds"]] == [
        (2, "created_at: '…'"),
        (1, "no text"),
    ]
    assert [run["status"] for run in report["runs"] if run["source"] == "gone"] == ["interrupted"]
    with sqlite3.connect(tmp_path / "monitor.db") as conn:  # status only reads
        assert conn.execute("SELECT status FROM runs WHERE source = 'gone'").fetchone() == ("running",)
    shown = monitor(tmp_path, "status")
    assert shown.returncode == 0 and "rejects by kind" in shown.stdout


def test_missing_file_and_invalid_config_fail_cleanly(tmp_path: Path) -> None:
    result = monitor(tmp_path, "import", str(tmp_path / "nope.csv"), "--platform", "x")
    assert result.returncode == 1 and "not found" in result.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources:\n  - {name: s, type: sample, every: often}\n", encoding="utf-8")
    result = monitor(tmp_path, "status", config=bad)
    assert result.returncode == 1
    assert "sources[0].every" in result.stderr and "Traceback" not in result.stderr


def test_collect_runs_a_configured_file_source(tmp_path: Path) -> None:
    config = tmp_path / "monitor.yaml"
    config.write_text(
        "sources:\n"
        f"  - {{name: broken, type: files, path: {FIXTURES / 'posts_broken.jsonl'}, "
        "platform: 'column:platform'}\n"
        "  - {name: missing, type: files, path: nowhere.csv, platform: x}\n",
        encoding="utf-8",
    )
    result = monitor(tmp_path, "collect", config=config)
    assert result.returncode == 1  # one source failed ...
    assert "missing" in result.stderr
    assert status(tmp_path)["posts"] == {"bluesky": 1, "x": 2}  # ... and the other still ran
    listing = monitor(tmp_path, "sources", config=config)
    assert listing.returncode == 0 and "broken" in listing.stdout and "files" in listing.stdout


@pytest.mark.slow
def test_collect_the_bundled_sample(tmp_path: Path) -> None:
    result = monitor(tmp_path, "collect", "--source", "sample")
    assert result.returncode == 0, result.stderr
    report = status(tmp_path)
    assert report["total"] >= 20_000
    assert len(report["posts"]) >= 7


BIG_IMPORT_ROWS = 60_000


def start_big_import(tmp_path: Path) -> tuple[subprocess.Popen[str], Path]:
    """``monitor import`` of a 60,000-row CSV, returned once some, but not all, of its rows
    are stored."""
    import time

    path = tmp_path / "big.csv"
    path.write_text(
        "id,text,created_at,likes\n"
        + "".join(f"{i},post number {i},2025-01-14 10:00,{i % 7}万\n" for i in range(BIG_IMPORT_ROWS)),
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "MONITOR_DB_URL": f"sqlite:///{tmp_path / 'monitor.db'}",
        "MONITOR_CONFIG": str(REPO / "configs/monitor.yaml"),
    }
    command = [sys.executable, "-m", "monitor.cli", "import", str(path), "--platform", "x"]
    process = subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 120
    # Read the store directly: a `monitor status` process takes longer than the import.
    while time.monotonic() < deadline and not 0 < committed_posts(tmp_path / "monitor.db") < BIG_IMPORT_ROWS:
        time.sleep(0.02)
    return process, path


@pytest.mark.slow
def test_killed_import_rerun_ends_with_exactly_the_rows_of_the_file(tmp_path: Path) -> None:
    import signal

    process, path = start_big_import(tmp_path)
    process.send_signal(signal.SIGKILL)
    process.communicate()
    partial = status(tmp_path)["total"]
    assert 0 < partial < BIG_IMPORT_ROWS
    result = monitor(tmp_path, "import", str(path), "--platform", "x")
    assert result.returncode == 0, result.stderr
    report = status(tmp_path)
    assert report["total"] == BIG_IMPORT_ROWS
    statuses = [run["status"] for run in report["runs"]]
    assert "running" not in statuses and "interrupted" in statuses


@pytest.mark.slow
def test_ctrl_c_stops_an_import_after_the_batch_in_hand(tmp_path: Path) -> None:
    """Ctrl-C ends the import between two writes (no write cut in two), as a signal ends
    ``monitor run``: the posts so far are kept with their indexes and the run is closed
    with their counts; the command says it was interrupted and exits with 130; importing
    again ends with exactly the rows of the file."""
    import signal

    process, path = start_big_import(tmp_path)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "interrupted: stopped after the batch in hand" in stderr
    assert "Traceback" not in stderr
    report = status(tmp_path)
    assert 0 < report["total"] < BIG_IMPORT_ROWS
    assert [(run["status"], run["posts_new"]) for run in report["runs"]] == [("ok", report["total"])]
    with contextlib.closing(sqlite3.connect(tmp_path / "monitor.db")) as conn:
        listed = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'posts'"
        indexes = {row[0] for row in conn.execute(listed)}
    assert {index.name for index in posts.indexes} <= indexes  # built at the end of the run
    result = monitor(tmp_path, "import", str(path), "--platform", "x")
    assert result.returncode == 0, result.stderr
    assert status(tmp_path)["total"] == BIG_IMPORT_ROWS


def committed_posts(path: Path) -> int:
    if not path.exists():
        return 0
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as conn:
            return conn.execute("SELECT count(*) FROM posts").fetchone()[0]
    except sqlite3.OperationalError:  # the schema is not there yet
        return 0


def test_db_copy_and_upgrade(tmp_path: Path) -> None:
    monitor(tmp_path, "import", str(FIXTURES / "posts_broken.jsonl"), "--platform", "column:platform")
    target = f"sqlite:///{tmp_path / 'copy.db'}"
    result = monitor(tmp_path, "db", "copy", f"sqlite:///{tmp_path / 'monitor.db'}", target)
    assert result.returncode == 0, result.stderr
    assert "posts" in result.stdout
    upgrade = monitor(tmp_path, "db", "upgrade")
    assert upgrade.returncode == 0
    assert f"schema version {SCHEMA_VERSION} -> {SCHEMA_VERSION}" in upgrade.stdout
    empty = monitor(tmp_path, "db", "copy", f"sqlite:///{tmp_path / 'nothing.db'}", target)
    assert empty.returncode == 1 and "no ban-monitor store" in empty.stderr
