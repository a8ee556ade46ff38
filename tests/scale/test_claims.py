"""Work claims on both backends: workers take disjoint batches, a dead worker's lease
expires and is taken over, and every post ends with exactly one score."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
import sqlalchemy as sa

from monitor.scoring.worker import ScoringWorker, WorkerSettings
from monitor.store import Store, score_claims, scores

from .conftest import InstantScorer, make_posts

MODEL = InstantScorer.version


def test_two_workers_claim_disjoint_batches(store: Store) -> None:
    store.write_batch(make_posts(10))
    first = store.claim_posts(MODEL, "a", 4, 60)
    second = store.claim_posts(MODEL, "b", 100, 60)
    assert len(first) == 4 and len(second) == 6
    assert not {p.id for p in first} & {p.id for p in second}
    assert store.claim_posts(MODEL, "c", 100, 60) == []


def test_a_claim_under_another_model_is_independent(store: Store) -> None:
    store.write_batch(make_posts(3))
    assert len(store.claim_posts(MODEL, "a", 10, 60)) == 3
    assert len(store.claim_posts("other@model", "b", 10, 60)) == 3


def test_an_expired_lease_is_taken_over(store: Store) -> None:
    store.write_batch(make_posts(3))
    assert len(store.claim_posts(MODEL, "dead", 10, lease_seconds=-1)) == 3  # already expired
    taken = store.claim_posts(MODEL, "alive", 10, 60)
    assert len(taken) == 3
    with store.engine.connect() as conn:
        owners = set(conn.execute(sa.select(score_claims.c.worker)).scalars())
    assert owners == {"alive"}


def test_a_late_score_from_an_expired_lease_does_not_replace_the_first(store: Store) -> None:
    store.write_batch(make_posts(2))
    scorer = InstantScorer()
    slow = store.claim_posts(MODEL, "slow", 10, lease_seconds=-1)
    fast = store.claim_posts(MODEL, "fast", 10, 60)
    assert store.save_claimed_scores(scorer.score([p.text for p in fast], [p.id for p in fast]), "fast") == 2
    assert store.save_claimed_scores(scorer.score([p.text for p in slow], [p.id for p in slow]), "slow") == 0
    assert store.count_scored(MODEL) == 2
    assert store.count_unscored(MODEL) == 0


def test_scored_posts_are_not_claimed_again(store: Store) -> None:
    store.write_batch(make_posts(5))
    worker = ScoringWorker(
        InstantScorer(), store, WorkerSettings(batch=2, until_done=True, idle_seconds=0.05)
    )
    assert worker.run() == 5
    assert store.claim_posts(MODEL, "again", 10, 60) == []
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(score_claims)).scalar_one() == 0
    run = store.last_runs(1)[0]
    assert (run["kind"], run["status"], run["scored"]) == ("score", "ok", 5)


def test_a_stopping_worker_gives_its_claims_back(store: Store) -> None:
    store.write_batch(make_posts(4))
    store.claim_posts(MODEL, "leaving", 2, 600)
    assert store.release_claims("leaving") == 2
    assert len(store.claim_posts(MODEL, "next", 10, 60)) == 4


def test_concurrent_workers_score_every_post_exactly_once(store: Store) -> None:
    count = 600
    store.write_batch(make_posts(count))
    scorer = InstantScorer()
    settings = WorkerSettings(batch=25, until_done=True, idle_seconds=0.05)
    workers = [ScoringWorker(scorer, store, settings, name=f"w{i}") for i in range(4)]
    threads = [threading.Thread(target=worker.run) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(worker.scored for worker in workers) == count
    assert Counter(scorer.seen).most_common(1)[0][1] == 1  # no post was even scored twice
    assert len(scorer.seen) == count
    with store.engine.connect() as conn:
        per_post = conn.execute(sa.select(scores.c.post_id, sa.func.count()).group_by(scores.c.post_id)).all()
    assert len(per_post) == count and {n for _, n in per_post} == {1}


def test_a_worker_picks_up_posts_that_arrive_while_it_runs(store: Store) -> None:
    stop = threading.Event()
    worker = ScoringWorker(InstantScorer(), store, WorkerSettings(batch=10, idle_seconds=0.05), stop=stop)
    thread = threading.Thread(target=worker.run)
    thread.start()
    try:
        for round_ in range(3):
            store.write_batch(make_posts(7, start=round_ * 7))
            deadline = time.monotonic() + 10
            while store.count_unscored(MODEL) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert store.count_unscored(MODEL) == 0
    finally:
        stop.set()
        thread.join(10)
    assert worker.scored == 21


def test_a_lease_is_held_by_one_process_at_a_time(store: Store, store_url: str) -> None:
    if store.engine.dialect.name != "postgresql":
        with store.try_lease("source:a") as first, store.try_lease("source:a") as second:
            assert first and second  # one machine: SQLite grants every lease
        return
    other = Store(store_url)
    try:
        with store.try_lease("source:a") as held:
            assert held
            with other.try_lease("source:a") as refused, other.try_lease("source:b") as different:
                assert not refused and different
        with other.try_lease("source:a") as released:
            assert released
    finally:
        other.engine.dispose()


@pytest.mark.parametrize("holders", [2])
def test_exclusive_blocks_run_one_at_a_time(store: Store, store_url: str, holders: int) -> None:
    inside: list[int] = []
    overlaps: list[int] = []
    stores = [Store(store_url) for _ in range(holders)]

    def hold(index: int) -> None:
        with stores[index].exclusive("rollups"):
            inside.append(index)
            if len(inside) > 1:
                overlaps.append(index)
            time.sleep(0.2)
            inside.remove(index)

    threads = [threading.Thread(target=hold, args=(i,)) for i in range(holders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    for other in stores:
        other.engine.dispose()
    if store.engine.dialect.name == "postgresql":
        assert overlaps == []
