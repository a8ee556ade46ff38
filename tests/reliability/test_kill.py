"""The kill test: ``monitor run`` collects from local replay servers (Hacker News' windowed
search, a Mastodon hashtag timeline, a CSV export) and scores what it stores, and is killed
with SIGKILL at seeded random moments, at least 20 times, restarted each time; a last
clean ``monitor run`` follows,
stopped with SIGTERM once it has caught up. In the end every post the servers offered is stored
exactly once, every stored post is scored exactly once under the current model, the
cursors match what was stored, and no run is left "running"."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs

import pytest
import yaml
from werkzeug import Request, Response

from tests.support import serve_wsgi

ROOT = Path(__file__).parents[2]
SEED = int(os.environ.get("BM_KILL_SEED", "20250119"))
KILLS = int(os.environ.get("BM_KILLS", "20"))
START = int(datetime(2025, 1, 10, tzinfo=UTC).timestamp())
END = int(datetime(2025, 1, 14, tzinfo=UTC).timestamp())
HN_POSTS = 240
MASTODON_POSTS = 160
FILE_ROWS = 300
PAGE_DELAY = 0.15  # each page takes a moment, so collection spans several kills

# Kill results, for docs/reliability.md (printed with -s).
FIGURES: dict[str, int] = {}


def hn_hits() -> list[dict[str, object]]:
    step = (END - START) // HN_POSTS
    return [
        {
            "objectID": str(9000 + i),
            "title": f"Story {i}: the TikTok ban, day {i % 4}",
            "created_at_i": START + i * step,
            "points": i % 50,
            "num_comments": i % 7,
            "author": f"user{i % 13}",
            "_tags": ["story"],
        }
        for i in range(HN_POSTS)
    ]


def statuses() -> list[dict[str, object]]:
    return [
        {
            "id": str(1000 + i),
            "uri": f"https://masto.example/users/u{i % 5}/statuses/{1000 + i}",
            "url": f"https://masto.example/@u{i % 5}/{1000 + i}",
            "content": f"<p>status {i} about #TikTokBan and rednote</p>",
            "created_at": f"2025-01-1{i % 4}T0{i % 9}:00:00Z",
            "account": {"acct": f"u{i % 5}", "username": f"u{i % 5}"},
            "language": "en",
            "favourites_count": i % 11,
        }
        for i in range(MASTODON_POSTS)
    ]


HITS, STATUSES = hn_hits(), statuses()


@Request.application
def replay(request: Request) -> Response:
    time.sleep(PAGE_DELAY)
    args = parse_qs(request.query_string.decode())
    if request.path == "/hn/search_by_date":
        low, high = START, END
        for part in args["numericFilters"][0].split(","):
            if part.startswith("created_at_i>="):
                low = int(part.split(">=")[1])
            elif part.startswith("created_at_i<"):
                high = int(part.split("<")[1])
        chosen = [h for h in HITS if low <= h["created_at_i"] < high]  # type: ignore[operator]
        size, page = int(args["hitsPerPage"][0]), int(args["page"][0])
        body = {
            "hits": chosen[page * size : (page + 1) * size],
            "nbHits": len(chosen),
            "nbPages": (len(chosen) + size - 1) // size,
        }
    elif request.path == "/masto/api/v1/timelines/tag/tiktokban":
        newest_first = sorted(STATUSES, key=lambda s: int(s["id"]), reverse=True)  # type: ignore[arg-type]
        if "max_id" in args:
            newest_first = [s for s in newest_first if int(s["id"]) < int(args["max_id"][0])]  # type: ignore[arg-type]
        if "since_id" in args:
            newest_first = [s for s in newest_first if int(s["id"]) > int(args["since_id"][0])]  # type: ignore[arg-type]
        body = newest_first[: int(args["limit"][0])]
    else:
        return Response("not found", status=404)
    return Response(json.dumps(body), content_type="application/json")


@pytest.fixture
def api() -> Iterator[str]:
    with serve_wsgi(replay) as server:
        yield f"http://127.0.0.1:{server.server_port}"


def write_setup(tmp_path: Path, api: str) -> dict[str, str]:
    export = tmp_path / "export.csv"
    export.write_text(
        "id,text,created_at,likes\n"
        + "".join(
            f"f{i},exported post {i} on the ban,2025-01-12 10:{i % 60:02d},{i % 9}\n"
            for i in range(FILE_ROWS)
        ),
        encoding="utf-8",
    )
    fast = {"retries": 5, "backoff": 0.05, "timeout": 10, "requests_per_minute": 60_000, "every": "1h"}
    config = {
        "topics": str(ROOT / "configs" / "topics.yaml"),
        "sources": [
            {
                "name": "hn",
                "type": "hackernews",
                "base_url": f"{api}/hn",
                "since": datetime.fromtimestamp(START, UTC).isoformat(),
                "until": datetime.fromtimestamp(END, UTC).isoformat(),
                "window": "6h",
                "page_size": 5,
                "max_pages": 1000,
                **fast,
            },
            {
                "name": "masto",
                "type": "mastodon",
                "base_url": f"{api}/masto",
                "tag": "tiktokban",
                "page_size": 5,
                "max_pages": 1000,
                **fast,
            },
            {
                "name": "export",
                "type": "files",
                "path": str(export),
                "platform": "x",
                "chunk_rows": 20,
                "every": "1h",
            },
        ],
    }
    path = tmp_path / "monitor.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    db = tmp_path / "monitor.db"
    return {
        **os.environ,
        "MONITOR_CONFIG": str(path),
        "MONITOR_DB_URL": f"sqlite:///{db}",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }


def monitor(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "monitor.cli", *args],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def finished(db: Path) -> bool:
    """Every offered post stored and none left unscored (under any model)."""
    with sqlite3.connect(db) as conn:
        posts = conn.execute("SELECT COUNT(*) FROM posts").fetchone()[0]
        unscored = conn.execute(
            "SELECT COUNT(*) FROM posts WHERE id NOT IN (SELECT post_id FROM scores)"
        ).fetchone()[0]
    return posts == len(expected_ids()) and unscored == 0


def started_a_run(db: Path, pid: int) -> bool:
    """Whether process ``pid`` got as far as recording a run (its signal handlers are then
    installed: a SIGTERM during interpreter start-up would kill it before it could)."""
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT 1 FROM runs WHERE owner LIKE ?", (f"%:{pid}",)).fetchone() is not None


def expected_ids() -> set[str]:
    return (
        {f"hackernews:{h['objectID']}" for h in HITS}
        | {f"mastodon:{s['uri']}" for s in STATUSES}
        | {f"x:f{i}" for i in range(FILE_ROWS)}
    )


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_and_duplicates_nothing(tmp_path: Path, api: str) -> None:
    env = write_setup(tmp_path, api)
    db = tmp_path / "monitor.db"
    rng = random.Random(SEED)
    stored_at_kill = []
    for _ in range(KILLS):
        process = monitor(tmp_path, env, "run", "--no-serve")
        time.sleep(rng.uniform(0.5, 7.0))
        process.send_signal(signal.SIGKILL)
        process.wait()
        if db.exists():
            with sqlite3.connect(db) as conn:
                stored_at_kill.append(conn.execute("SELECT COUNT(*) FROM posts").fetchone()[0])
    # The clean restart: `monitor run` scores the backlog at start and collects every source;
    # once all is stored and scored it is stopped with SIGTERM and must exit cleanly.
    final = monitor(tmp_path, env, "run", "--no-serve")
    deadline = time.monotonic() + 240
    while (
        time.monotonic() < deadline
        and final.poll() is None
        and not (finished(db) and started_a_run(db, final.pid))
    ):
        time.sleep(0.5)
    final.send_signal(signal.SIGTERM)
    _, stderr = final.communicate(timeout=60)
    assert final.returncode == 0, stderr.decode()[-3000:]

    status = json.loads(
        subprocess.run(
            [sys.executable, "-m", "monitor.cli", "status", "--json"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    with sqlite3.connect(db) as conn:
        ids = [row[0] for row in conn.execute("SELECT id FROM posts")]
        scored = conn.execute(
            "SELECT COUNT(*), COUNT(DISTINCT post_id) FROM scores WHERE model = ?", (status["model"],)
        ).fetchone()
        unscored = conn.execute(
            "SELECT COUNT(*) FROM posts WHERE id NOT IN (SELECT post_id FROM scores WHERE model = ?)",
            (status["model"],),
        ).fetchone()[0]
        cursors = {s: json.loads(c) for s, c in conn.execute("SELECT source, cursor FROM source_state")}
        running = conn.execute("SELECT COUNT(*) FROM runs WHERE status = 'running'").fetchone()[0]
        interrupted = conn.execute("SELECT COUNT(*) FROM runs WHERE status = 'interrupted'").fetchone()[0]

    assert len(ids) == len(set(ids)) and set(ids) == expected_ids()  # exactly once
    assert scored == (len(ids), len(ids)) and unscored == 0  # scored exactly once, current model
    assert cursors["hn"]["since"] == END
    assert cursors["masto"][f"{api}/masto"]["since_id"] == str(1000 + MASTODON_POSTS - 1)
    assert cursors["export"]["rows"] == FILE_ROWS and cursors["export"].get("complete") is True
    assert running == 0
    partial_kills = sum(0 < n < len(expected_ids()) for n in stored_at_kill)
    FIGURES.update(
        kills=KILLS, kills_mid_collection=partial_kills, interrupted_runs=interrupted, posts=len(ids)
    )
    print(f"kill test: {FIGURES}")
    assert partial_kills >= 3  # the kills did land while posts were being collected
    assert interrupted >= KILLS // 2  # and while runs were open
