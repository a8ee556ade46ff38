"""Rollups that writes keep current: after any mix of new posts and new scores the daily
and hourly rollups hold exactly what a rebuild from the posts would."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from monitor.models import Post, Score
from monitor.rollups import refresh_rollups, rollup_coverage
from monitor.store import Store, rollup_daily, rollup_hourly, rollup_state

MODEL = "m@1"
OTHER = "other@1"
START = datetime(2025, 1, 10, tzinfo=UTC)
TEXTS = [
    "moving to RedNote tonight",
    "小红书 is fun, 欢迎 tiktok refugees",
    "posting this on X. before the ban",
    "YouTube shorts will win",
    "lemon8 or instagram reels?",
    "plain post",
]


def rollup_rows(store: Store) -> dict[str, pd.DataFrame]:
    frames = {}
    with store.engine.connect() as conn:
        for table in (rollup_daily, rollup_hourly):
            frame = pd.DataFrame(conn.execute(sa.select(table)).mappings().all())
            keys = [column.name for column in table.primary_key.columns]
            frames[table.name] = frame.sort_values(keys).reset_index(drop=True)
    return frames


def assert_same_frames(ours: list[pd.DataFrame], expected: list[pd.DataFrame]) -> None:
    """Frame by frame the same values (sums of floats may differ in the last digits)."""
    assert len(ours) == len(expected)
    for mine, theirs in zip(ours, expected, strict=True):
        pd.testing.assert_frame_equal(mine, theirs, check_dtype=False, check_exact=False)


def random_post(rng: random.Random, number: int) -> Post:
    return Post(
        platform=rng.choice(["x", "rednote", "tiktok"]),
        native_id=str(number),
        text=rng.choice(TEXTS),
        title=rng.choice([None, "TikTok", "title"]),
        lang=rng.choice([None, "en", "zh"]),
        created_at=START + timedelta(minutes=rng.randrange(5 * 24 * 60)),
        likes=rng.randrange(100),
    )


def random_score(rng: random.Random, post_id: str, model: str) -> Score:
    value = rng.uniform(-1, 1)
    sentiment = "positive" if value > 0.3 else "negative" if value < -0.3 else "neutral"
    probs = {"negative": 0.2, "neutral": 0.6, "positive": 0.2}
    topic = rng.choice(["ban", "migration", "other"])
    return Score(post_id, model, sentiment, value, probs, topic, 0.5, lang=rng.choice([None, "en"]))


def scored_store(
    tmp_path: Path, rng: random.Random, count: int, scored: int | None = None, refresh: bool = True
) -> tuple[Store, list[Post]]:
    """A store of ``count`` random posts, the first ``scored`` of them (all by default)
    scored under ``MODEL``, with current rollups unless ``refresh`` is False."""
    store = Store(f"sqlite:///{tmp_path / 'monitor.db'}")
    written = [random_post(rng, n) for n in range(count)]
    store.write_batch(written)
    store.save_scores(random_score(rng, post.id, MODEL) for post in written[:scored])
    if refresh:
        refresh_rollups(store, MODEL)
    return store, written


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_writes_keep_rollups_equal_to_a_rebuild(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    store = Store(f"sqlite:///{tmp_path / 'monitor.db'}")
    written: list[Post] = [random_post(rng, n) for n in range(30)]
    store.write_batch(written)
    store.save_scores(random_score(rng, post.id, MODEL) for post in written[:10])
    refresh_rollups(store, MODEL)
    refresh_rollups(store, OTHER)  # a rollup of a model nobody scores with: all unscored
    scored = {post.id for post in written[:10]}
    number = 30
    for _ in range(25):
        action = rng.choice(["posts", "posts", "scores", "early-scores", "again"])
        if action == "posts":  # new posts, one of them twice in the batch
            batch = [random_post(rng, number + i) for i in range(rng.randrange(1, 12))]
            number += len(batch)
            written += batch
            store.write_batch([*batch, batch[0]])
        elif action == "scores":  # scores for posts written earlier
            todo = [post.id for post in written if post.id not in scored]
            chosen = rng.sample(todo, min(len(todo), rng.randrange(1, 8)))
            store.save_scores(random_score(rng, post_id, MODEL) for post_id in chosen)
            scored.update(chosen)
        elif action == "early-scores":  # a score saved before its post arrives
            post = random_post(rng, number)
            number += 1
            store.save_scores([random_score(rng, post.id, MODEL)])
            store.write_batch([post])
            written.append(post)
            scored.add(post.id)
        else:  # the same posts collected again: only engagement moves
            store.write_batch(rng.sample(written, 5))
        with store.engine.connect() as conn:
            assert rollup_coverage(conn, MODEL) is True, action
            assert rollup_coverage(conn, OTHER) is True, action
    followed = rollup_rows(store)
    with store.begin() as conn:
        conn.execute(sa.delete(rollup_state))
    refresh_rollups(store, MODEL)
    refresh_rollups(store, OTHER)
    rebuilt = rollup_rows(store)
    assert_same_frames(list(followed.values()), [rebuilt[name] for name in followed])
    assert followed["rollup_daily"]["posts"].sum() == 2 * len(written)


def test_a_replaced_score_leaves_the_rollup_behind_until_the_next_refresh(tmp_path: Path) -> None:
    rng = random.Random(5)
    store, posts = scored_store(tmp_path, rng, 10)
    store.save_scores([random_score(rng, posts[0].id, MODEL)])
    with store.engine.connect() as conn:
        assert rollup_coverage(conn, MODEL) == int(posts[0].created_at.timestamp()) // 86_400 * 86_400
    assert refresh_rollups(store, MODEL) > 0
    with store.engine.connect() as conn:
        assert rollup_coverage(conn, MODEL) is True
    assert refresh_rollups(store, MODEL) == 0  # current: nothing to rebuild


def keyword_views(store: Store, keyword: str) -> list[pd.DataFrame]:
    from monitor import queries
    from monitor.queries import Filters

    base = Filters(start=START.date(), end=(START + timedelta(days=6)).date(), keyword=keyword)
    narrowed = base.replace(platforms=("x", "rednote"), sentiments=("positive", "negative"))
    frames = [
        queries.aggregate(store, base, MODEL, by=("platform", "sentiment")),
        queries.aggregate(store, base, MODEL, by=("topic",), bucket="day", mentions=True),
        queries.aggregate(store, narrowed, MODEL, by=("lang",)),
        queries.aggregate(store, base.replace(start=(START + timedelta(days=2)).date()), MODEL, by=()),
        queries.aggregate(store, base.replace(end=(START + timedelta(days=1)).date()), MODEL, bucket="hour"),
    ]
    frames = [frame.sort_values(list(frame.columns[:2])).reset_index(drop=True) for frame in frames]
    # The grid walks the sort order, sorts the matches or finds none, by what the keyword's
    # rows tell: whichever way, the same page as without them.
    # A day of one platform: few posts next to the keyword's matches, read by their range.
    day = base.replace(start=START.date(), end=START.date(), platforms=("x",))
    pages = [
        queries.posts_page(store, filters, MODEL, sort_by=by, limit=limit)
        for filters in (base, narrowed, base.replace(platforms=("nowhere",)), day)
        for by in ("created_at", "engagement", "platform")
        for limit in (1, 5)
    ]
    hourly = queries.aggregate(store, day, MODEL, by=("sentiment",), bucket="hour")
    terms = queries.rising_terms(store, day, base.replace(platforms=("x",)), MODEL, limit=50)
    return [*frames, *pages, hourly.sort_values(list(hourly.columns[:2])).reset_index(drop=True), terms]


@pytest.mark.parametrize("seed", [4, 5])
@pytest.mark.parametrize("sum_after", [0.1, float("inf")])  # followed rows summed by key, or never
def test_keyword_rollups_answer_as_the_posts_do_while_writes_go_on(
    tmp_path: Path, seed: int, sum_after: float
) -> None:
    from monitor.keyword_rollups import KeywordRollups

    rng = random.Random(seed)
    store = Store(f"sqlite:///{tmp_path / 'monitor.db'}")
    plain = Store(store.url)  # the same database read without keyword rollups
    store.keywords = KeywordRollups(sum_after=sum_after)
    written = [random_post(rng, n) for n in range(40)]
    store.write_batch(written)
    number, scored, rescores = len(written), set(), 0
    for _ in range(12):
        action = rng.choice(["posts", "scores", "scores", "rescore"])
        if action == "posts":
            batch = [random_post(rng, number + i) for i in range(rng.randrange(1, 10))]
            number += len(batch)
            written += batch
            store.write_batch(batch)
        elif action == "scores" or not scored:  # new scores: followed
            chosen = rng.sample([post.id for post in written if post.id not in scored], 6)
            store.save_scores(random_score(rng, post_id, MODEL) for post_id in chosen)
            scored.update(chosen)
        else:  # replaced scores: a change the rows cannot follow, so they are rebuilt
            store.save_scores(random_score(rng, post_id, MODEL) for post_id in rng.sample(sorted(scored), 3))
            rescores += 1
        for keyword in ("rednote", "TikTok", "小红书", "on x."):
            assert_same_frames(keyword_views(store, keyword), keyword_views(plain, keyword))
    # Followed, not rebuilt: one build per keyword, and again after each replaced-score step.
    assert store.keywords.builds == 4 * (1 + rescores)


def test_a_keyword_read_in_the_background_answers_from_the_posts_meanwhile(tmp_path: Path) -> None:
    import time

    from monitor.keyword_rollups import KeywordRollups

    store, _ = scored_store(tmp_path, random.Random(6), 60, scored=30, refresh=False)
    plain = Store(store.url)
    store.keywords = KeywordRollups(build_in_background=True, wait_seconds=0)
    expected = keyword_views(plain, "rednote")
    with store.engine.connect() as conn:
        assert store.keywords.rows(conn, "rednote", MODEL) is None  # being read: not waited for
    assert_same_frames(keyword_views(store, "rednote"), expected)
    deadline = time.monotonic() + 30
    with store.engine.connect() as conn:
        while store.keywords.rows(conn, "rednote", MODEL) is None:
            assert time.monotonic() < deadline, "the background read never finished"
            time.sleep(0.05)
    assert store.keywords.builds == 1
    assert_same_frames(keyword_views(store, "rednote"), expected)


def test_a_caller_waits_a_moment_for_a_keyword_read_in_the_background(tmp_path: Path) -> None:
    from monitor.keyword_rollups import KeywordRollups

    rng = random.Random(7)
    store = Store(f"sqlite:///{tmp_path / 'monitor.db'}")
    store.write_batch([random_post(rng, n) for n in range(40)])
    store.keywords = KeywordRollups(build_in_background=True, wait_seconds=30)
    with store.engine.connect() as conn:
        rows = store.keywords.rows(conn, "tiktok", MODEL)
    assert rows is not None and store.keywords.builds == 1
    assert rows["posts"].sum() == queries_count(store, "tiktok")


def queries_count(store: Store, keyword: str) -> int:
    from monitor import queries
    from monitor.queries import Filters

    return queries.count_posts(Store(store.url), Filters(keyword=keyword), MODEL)


def test_views_without_a_keyword_answer_from_memory_as_the_rollup_does(tmp_path: Path) -> None:
    from monitor.keyword_rollups import KeywordRollups

    rng = random.Random(8)
    store, written = scored_store(tmp_path, rng, 50, scored=20)
    plain = Store(store.url)
    store.keywords = KeywordRollups()
    for step in range(8):
        if step == 5:  # replaced scores: the rollup falls behind, the views read the store
            store.save_scores(random_score(rng, post.id, MODEL) for post in written[:3])
        elif step == 7:
            refresh_rollups(store, MODEL)
        else:
            batch = [random_post(rng, 100 + 10 * step + i) for i in range(6)]
            written += batch
            store.write_batch(batch)
            store.save_scores(random_score(rng, post.id, MODEL) for post in batch[:3])
        assert_same_frames(keyword_views(store, ""), keyword_views(plain, ""))
    assert store.keywords.builds == 2  # from the stored rollup at the start and after the refresh


def test_processes_sharing_a_directory_read_each_keyword_once(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from monitor.keyword_rollups import KeywordRollups

    rng = random.Random(9)
    shared = tmp_path / "keywords"
    shared.mkdir()
    url = f"sqlite:///{tmp_path / 'monitor.db'}"
    plain, first, second = Store(url), Store(url), Store(url)  # three "processes"
    first.keywords, second.keywords = KeywordRollups(shared_dir=shared), KeywordRollups(shared_dir=shared)
    written = [random_post(rng, n) for n in range(60)]
    plain.write_batch(written)
    plain.save_scores(random_score(rng, post.id, MODEL) for post in written[:20])

    def views(store: Store) -> list[pd.DataFrame]:
        return keyword_views(store, "rednote")

    # Both start on the same keyword at once: one reads the posts, the other waits and loads.
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(views, [first, second]))
    assert first.keywords.builds + second.keywords.builds == 1
    assert first.keywords.loads + second.keywords.loads == 1
    for answer in answers:
        assert_same_frames(answer, views(plain))

    # Writes since the shared file: a process loading it follows them.
    batch = [random_post(rng, 100 + n) for n in range(8)]
    plain.write_batch(batch)
    plain.save_scores(random_score(rng, post.id, MODEL) for post in written[20:30] + batch[:2])
    third = Store(url)
    third.keywords = KeywordRollups(shared_dir=shared)
    assert_same_frames(views(third), views(plain))
    assert (third.keywords.builds, third.keywords.loads) == (0, 1)

    # A replaced score cannot be followed: the file is stale and read again, then shared.
    plain.save_scores([random_score(rng, written[0].id, MODEL)])
    assert_same_frames(views(third), views(plain))
    assert (third.keywords.builds, third.keywords.loads) == (1, 1)
    fourth = Store(url)
    fourth.keywords = KeywordRollups(shared_dir=shared)
    assert_same_frames(views(fourth), views(plain))
    assert (fourth.keywords.builds, fourth.keywords.loads) == (0, 1)


def test_grid_plans_follow_what_the_keyword_rows_tell(tmp_path: Path) -> None:
    from monitor import queries
    from monitor.keyword_rollups import KeywordRollups
    from monitor.queries import Filters

    store, _ = scored_store(tmp_path, random.Random(10), 300)
    store.keywords = KeywordRollups()
    every_day = Filters(keyword="tiktok")  # in most posts (titles too): walk the sort order
    one_hour = Filters(keyword="tiktok", start=START.date(), end=START.date(), platforms=("x",))
    rare = Filters(keyword="lemon8", platforms=("x",), sentiments=("negative",))
    nowhere = Filters(keyword="tiktok", platforms=("nowhere",))
    with store.engine.connect() as conn:
        plans = [
            queries._grid_plan(conn, store, filters, MODEL, 10) for filters in (every_day, one_hour, rare)
        ]
        assert plans == ["walk", "range", "matches"]
        assert queries._grid_plan(conn, store, nowhere, MODEL, 10) == "empty"


def test_a_range_version_moves_with_the_posts_of_its_range_alone(tmp_path: Path) -> None:
    from monitor.keyword_rollups import KeywordRollups
    from monitor.queries import Filters, range_version

    rng = random.Random(11)
    store, written = scored_store(tmp_path, rng, 80, scored=0)
    store.keywords = KeywordRollups()
    first_day = Filters(start=START.date(), end=START.date(), platforms=("x",))
    inside = [post for post in written if post.platform == "x" and post.created_at.date() == START.date()]
    assert inside

    def moved_post(number: int, platform: str, days: int) -> Post:
        return replace(random_post(rng, number), platform=platform, created_at=START + timedelta(days=days))

    held = range_version(store, first_day, MODEL)
    assert held is not None
    store.write_batch([moved_post(100, "tiktok", 0), moved_post(101, "x", 2)])  # outside the range
    assert range_version(store, first_day, MODEL) == held
    store.write_batch([moved_post(102, "x", 0)])  # a new post inside
    assert range_version(store, first_day, MODEL) not in (held, None)
    held = range_version(store, first_day, MODEL)
    store.save_scores([random_score(rng, inside[0].id, MODEL)])  # scored
    assert range_version(store, first_day, MODEL) not in (held, None)
    held = range_version(store, first_day, MODEL)
    store.save_scores([random_score(rng, inside[0].id, MODEL)])  # scored again: not known until a refresh
    assert range_version(store, first_day, MODEL) is None
    refresh_rollups(store, MODEL)
    assert range_version(store, first_day, MODEL) not in (held, None)
