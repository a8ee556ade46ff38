"""Scale-out figures against a real PostgreSQL server on this machine (a throwaway cluster
on loopback, as the tests make):

1. scoring throughput: N unscored posts, scored by 1 and then 2 ``monitor score --worker``
   processes (the machine's cores shared between them), timed from the first committed
   batch to the last (model loading excluded);
2. lag under a steady stream: a local replay server makes posts available at a fixed rate
   (200/s by default); one ``monitor run --no-serve --no-score`` collects them every second
   and 2 workers score them; lag is the time from a post's arrival at the replay server to
   its score being visible in the store.

The last line is machine-readable:
``workers_1_posts_per_s=… workers_2_posts_per_s=… lag_p50_s=… lag_p95_s=… stream_posts_per_s=…``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from monitor.models import Post  # noqa: E402
from monitor.store import Store, posts, scores  # noqa: E402

CORES = os.cpu_count() or 1

# The collector ``monitor run`` uses in the lag run: it reads the replay server's feed
# from its cursor (the index of the last post taken) until it is empty.
REPLAY_COLLECTOR = """
from __future__ import annotations

import json
import urllib.request
from datetime import UTC, datetime
from typing import ClassVar

from pydantic import BaseModel

from monitor.models import Post
from monitor.sources import Batch


class ReplayOptions(BaseModel):
    base_url: str


class ReplayCollector:
    Options: ClassVar[type[BaseModel]] = ReplayOptions

    def __init__(self, name, options):
        self.name = name
        self.options = options

    def collect(self, cursor):
        after = int(cursor or 0)
        while True:
            with urllib.request.urlopen(f"{self.options.base_url}/posts?after={after}") as response:
                items = json.load(response)
            if not items:
                return
            batch = [
                Post(platform="bluesky", native_id=f"s{item['index']}", text=item["text"],
                     created_at=datetime.now(UTC), source=self.name)
                for item in items
            ]
            after = items[-1]["index"]
            yield Batch(posts=batch, cursor=after)
"""


def sample_texts(count: int) -> list[str]:
    """Texts from the synthetic sample data set, numbered so that none repeats (the
    scorer scores identical texts once, which would flatter the figures)."""
    from collectors.sample.generate import generate_posts

    base = []
    for record in generate_posts(2025, 5000):
        title, text = (record.get("title") or "").strip(), record.get("text") or ""
        base.append(f"{title}\n{text}" if title and title not in text else text)
    return [f"{base[i % len(base)]} ({i})" for i in range(count)]


def write_config(folder: Path, url: str, threads: int, sources: list[dict] | None = None) -> Path:
    path = folder / f"monitor-{threads}-{len(sources or [])}.yaml"
    config = {
        "store": url,
        "model": {"threads": threads},
        "topics": str(ROOT / "configs" / "topics.yaml"),
        "sources": sources or [],
    }
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def monitor(config: Path, *args: str, log: Path, pythonpath: Path | None = None) -> subprocess.Popen[bytes]:
    env = {**os.environ, "MONITOR_CONFIG": str(config), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    env.pop("MONITOR_DB_URL", None)
    if pythonpath is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(pythonpath), str(ROOT)])
    return subprocess.Popen(
        [sys.executable, "-m", "monitor.cli", *args],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def stop_all(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


def count_scores(store: Store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(scores)).scalar_one()


def throughput(url: str, folder: Path, workers: int, count: int, texts: list[str]) -> float:
    """Posts per second that ``workers`` worker processes score together."""
    from tests.postgres_server import reset_database

    reset_database(url)
    store = Store(url)
    now = datetime.now(UTC)
    store.write_batch(
        [
            Post(platform="x", native_id=f"t{i}", text=text, created_at=now, source="bench")
            for i, text in enumerate(texts[:count])
        ]
    )
    config = write_config(folder, url, threads=max(1, CORES // workers))
    processes = [
        monitor(
            config, "score", "--worker", "--until-done", "--batch", "128", log=folder / f"w{workers}-{i}.log"
        )
        for i in range(workers)
    ]
    try:
        first_at, first_count = None, 0
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline:
            done = count_scores(store)
            if done and first_at is None:
                first_at, first_count = time.monotonic(), done
            if done >= count:
                break
            time.sleep(0.05)
        finished = time.monotonic()
    finally:
        stop_all(processes)
        store.engine.dispose()
    if first_at is None or finished <= first_at:
        raise RuntimeError(f"the workers scored nothing; see {folder}")
    return (count - first_count) / (finished - first_at)


class Feed:
    """Posts that "arrive" at ``rate`` per second from ``start``: the replay server's clock."""

    def __init__(self, texts: list[str], rate: float) -> None:
        self.texts = texts
        self.rate = rate
        self.start = 0.0

    def available(self) -> int:
        if not self.start:
            return 0
        return min(len(self.texts), int((time.time() - self.start) * self.rate))

    def arrival(self, index: int) -> float:
        return self.start + index / self.rate


def serve_feed(feed: Feed) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server interface
            after = int(parse_qs(urlparse(self.path).query).get("after", ["0"])[0])
            upto = min(feed.available(), after + 1000)
            body = json.dumps(
                [{"index": i, "text": feed.texts[i - 1]} for i in range(after + 1, upto + 1)]
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def stream_lag(url: str, folder: Path, rate: float, seconds: float, texts: list[str]) -> dict[str, float]:
    """Lag from arrival at the replay server to a visible score, for a steady stream."""
    from tests.postgres_server import reset_database

    reset_database(url)
    store = Store(url)
    (folder / "replaysource.py").write_text(textwrap.dedent(REPLAY_COLLECTOR), encoding="utf-8")
    total = int(rate * seconds)
    feed = Feed(texts[:total], rate)
    server = serve_feed(feed)
    source = {"name": "replay", "type": "replaysource:ReplayCollector", "every": "1s"}
    source["base_url"] = f"http://127.0.0.1:{server.server_address[1]}"
    collector_config = write_config(folder, url, threads=1, sources=[source])
    worker_config = write_config(folder, url, threads=1)
    processes = [
        monitor(
            collector_config, "run", "--no-serve", "--no-score", log=folder / "run.log", pythonpath=folder
        )
    ]
    processes += [
        monitor(worker_config, "score", "--worker", "--batch", "64", log=folder / f"lag-w{i}.log")
        for i in range(2)
    ]
    visible: dict[int, float] = {}
    try:
        # Warm up: one post scored means the collector and both models are ready.
        store.write_batch(
            [Post(platform="x", native_id="warm", text="warm up", created_at=datetime.now(UTC))]
        )
        deadline = time.monotonic() + 120
        while count_scores(store) == 0 and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(5)  # both workers loaded
        feed.start = time.time()
        deadline = time.monotonic() + seconds + 90
        while time.monotonic() < deadline and len(visible) < total:
            moment = time.time()
            with store.engine.connect() as conn:
                rows = conn.execute(
                    sa.select(posts.c.native_id)
                    .join(scores, scores.c.post_id == posts.c.id)
                    .where(posts.c.source == "replay", scores.c.scored_at >= int(moment) - 3)
                ).scalars()
                for native_id in rows:
                    index = int(native_id[1:])
                    visible.setdefault(index, moment)
            time.sleep(0.2)
    finally:
        stop_all(processes)
        server.shutdown()
        store.engine.dispose()
    lags = sorted(visible[i] - feed.arrival(i) for i in visible)
    if not lags:
        raise RuntimeError(f"no streamed post was scored; see {folder}")
    span = max(visible.values()) - feed.start
    return {
        "posts": float(total),
        "scored": float(len(lags)),
        "p50": lags[len(lags) // 2],
        "p95": lags[min(len(lags) - 1, int(len(lags) * 0.95))],
        "max": lags[-1],
        "throughput": len(lags) / span if span > 0 else 0.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=3000, help="posts for the throughput runs")
    parser.add_argument("--rate", type=float, default=200.0, help="stream rate, posts/s")
    parser.add_argument("--seconds", type=float, default=60.0, help="stream duration")
    parser.add_argument("--keep", action="store_true", help="keep the logs folder")
    args = parser.parse_args()

    from tests.postgres_server import postgres_cluster

    texts = sample_texts(max(args.posts, int(args.rate * args.seconds)))
    folder = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    print(f"PostgreSQL on loopback, {CORES} cores; logs in {folder}")
    with postgres_cluster() as url:
        rates = {}
        for workers in (1, 2):
            rates[workers] = throughput(url, folder, workers, args.posts, texts)
            threads = max(1, CORES // workers)
            print(
                f"scoring with {workers} worker(s) x {threads} thread(s): {rates[workers]:,.0f} posts/s "
                f"({rates[workers] / CORES:,.0f} posts/s per core)"
            )
        print(f"2 workers vs 1: {rates[2] / rates[1]:.2f}x")
        lag = stream_lag(url, folder, args.rate, args.seconds, texts)
        print(
            f"stream {args.rate:.0f} posts/s for {args.seconds:.0f} s, 1 collector + 2 workers x 1 thread: "
            f"{lag['scored']:,.0f} of {lag['posts']:,.0f} scored; lag p50 {lag['p50']:.1f} s, "
            f"p95 {lag['p95']:.1f} s, max {lag['max']:.1f} s; sustained {lag['throughput']:,.0f} posts/s"
        )
    print(
        f"workers_1_posts_per_s={rates[1]:.1f} workers_2_posts_per_s={rates[2]:.1f} "
        f"lag_p50_s={lag['p50']:.2f} lag_p95_s={lag['p95']:.2f} stream_posts_per_s={lag['throughput']:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
