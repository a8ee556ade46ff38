"""Three ``monitor score --worker`` processes against a real PostgreSQL server, one of them
killed (SIGKILL) in the middle of a batch: its lease expires, the others take its batch
over, and every post ends scored exactly once under the model version."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from monitor.config import load_config
from monitor.scoring import model_version
from monitor.store import Store, runs, score_claims, scores

from .conftest import make_posts

ROOT = Path(__file__).parents[2]
POSTS = 1500  # enough that no worker can finish alone before the others start
BATCH = 24
LEASE = 6

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def write_config(tmp_path: Path, url: str) -> Path:
    path = tmp_path / "monitor.yaml"
    config = {
        "store": url,
        "model": {"threads": 1, "batch_size": 32},
        "topics": str(ROOT / "configs" / "topics.yaml"),
    }
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def start_worker(config_path: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "MONITOR_CONFIG": str(config_path),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    env.pop("MONITOR_DB_URL", None)
    command = [sys.executable, "-m", "monitor.cli", "score", "--worker", "--until-done"]
    command += ["--batch", str(BATCH), "--lease", str(LEASE)]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def committed_by(store: Store, pid: int) -> int:
    with store.engine.connect() as conn:
        return conn.execute(
            sa.select(sa.func.coalesce(sa.func.sum(runs.c.scored), 0)).where(runs.c.owner.like(f"%:{pid}"))
        ).scalar_one()


def claims_of(store: Store, pid: int) -> int:
    with store.engine.connect() as conn:
        return conn.execute(
            sa.select(sa.func.count()).where(score_claims.c.worker.like(f"%:{pid}:%"))
        ).scalar_one()


def test_three_workers_one_killed_mid_batch_score_every_post_exactly_once(
    postgres_url: str, tmp_path: Path
) -> None:
    from tests.postgres_server import reset_database

    reset_database(postgres_url)
    store = Store(postgres_url)
    store.write_batch(make_posts(POSTS))
    config_path = write_config(tmp_path, postgres_url)
    model = model_version(load_config(config_path, env={}))
    workers = [start_worker(config_path, tmp_path / f"worker{i}.log") for i in range(3)]
    victim = workers[0]
    try:
        # Kill the first worker while it holds a batch, once it and another worker have
        # both committed one (so the three really work side by side). The worker is frozen
        # (SIGSTOP) before its claims are counted, and let go again if it had just committed
        # them: otherwise it could commit between the count and the kill.
        deadline = time.monotonic() + 120
        held = 0
        while time.monotonic() < deadline:
            others = sum(committed_by(store, worker.pid) for worker in workers[1:])
            if others and committed_by(store, victim.pid) and claims_of(store, victim.pid):
                victim.send_signal(signal.SIGSTOP)
                time.sleep(0.3)  # a commit already sent to the server lands meanwhile
                held = claims_of(store, victim.pid)
                if held:
                    break
                victim.send_signal(signal.SIGCONT)
            assert victim.poll() is None, "the first worker ended: " + (tmp_path / "worker0.log").read_text()
            time.sleep(0.02)
        else:
            pytest.fail("the first worker never held a batch: " + (tmp_path / "worker0.log").read_text())
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
        assert held > 0
        for index, worker in enumerate(workers[1:], start=1):
            assert worker.wait(120) == 0, (tmp_path / f"worker{index}.log").read_text()
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait(10)

    with store.engine.connect() as conn:
        per_post = dict(
            conn.execute(
                sa.select(scores.c.post_id, sa.func.count())
                .where(scores.c.model == model)
                .group_by(scores.c.post_id)
            ).all()
        )
        left_claims = conn.execute(sa.select(sa.func.count()).select_from(score_claims)).scalar_one()
        score_runs = conn.execute(
            sa.select(runs.c.owner, runs.c.status, runs.c.scored).where(runs.c.kind == "score")
        ).all()
    assert set(per_post) == {post.id for post in make_posts(POSTS)}  # none lost
    assert set(per_post.values()) == {1}  # none twice
    # Every committed score is counted on the run of the worker that committed it, the
    # killed worker included: the counts add up to the posts, so no score was written twice.
    assert sum(scored for _, _, scored in score_runs) == POSTS
    assert sorted(status for _, status, _ in score_runs) == ["ok", "ok", "running"]
    assert left_claims == 0
    store.engine.dispose()
