from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.models import Post, Reject, Score
from monitor.store import MIGRATIONS, SCHEMA_VERSION, Store

WHEN = datetime(2025, 1, 17, 16, 0, tzinfo=UTC)


def make_post(native_id: str = "1", **changes: object) -> Post:
    post = Post(
        platform="x", native_id=native_id, text=f"post {native_id}", created_at=WHEN, source="test", likes=1
    )
    return replace(post, **changes)


def test_store_is_created_on_first_use_with_wal(tmp_path) -> None:
    path = tmp_path / "deep" / "folder" / "monitor.db"
    store = Store(f"sqlite:///{path}")
    assert path.exists()
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert store.version() == SCHEMA_VERSION


def test_reimport_changes_nothing_but_engagement(store: Store) -> None:
    first = store.write_batch([make_post("1"), make_post("2")])
    assert (first.new, first.updated) == (2, 0)
    second = store.write_batch([make_post("1", likes=50, text="edited text"), make_post("2")])
    assert (second.new, second.updated) == (0, 2)
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT id, text, likes FROM posts ORDER BY id").all()
    assert rows == [("x:1", "post 1", 50), ("x:2", "post 2", 1)]


def test_missing_engagement_does_not_erase_a_known_count(store: Store) -> None:
    store.write_batch([make_post("1", likes=10)])
    store.write_batch([make_post("1", likes=None)])
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT likes FROM posts").scalar() == 10


def test_duplicates_inside_one_batch_count_once(store: Store) -> None:
    result = store.write_batch([make_post("1"), make_post("1", likes=9)])
    assert (result.new, result.updated) == (1, 0)
    assert store.posts_per_platform() == {"x": 1}


def test_cursor_and_rejects_are_saved_with_the_posts(store: Store) -> None:
    store.write_batch(
        [make_post("1")], [Reject("src", "f.csv:3", "no text", "{}")], source="src", cursor={"rows": 3}
    )
    assert store.get_cursor("src") == {"rows": 3}
    assert store.count_rejects() == 1
    store.write_batch([], source="src", cursor={"rows": 9})
    assert store.get_cursor("src") == {"rows": 9}


def test_failed_transaction_keeps_neither_posts_nor_cursor(store: Store) -> None:
    bad = make_post("2", text=None)  # violates NOT NULL: the whole batch must roll back
    try:
        store.write_batch([make_post("1"), bad], source="src", cursor={"rows": 2})
    except sa.exc.IntegrityError:
        pass
    assert store.posts_per_platform() == {}
    assert store.get_cursor("src") is None


def test_scores_are_kept_per_model_version(store: Store) -> None:
    store.write_batch([make_post("1"), make_post("2")])
    assert [p.id for p in store.posts_to_score("m@1", 10)] == ["x:1", "x:2"]
    score = Score(
        "x:1", "m@1", "positive", 0.8, {"negative": 0.05, "neutral": 0.1, "positive": 0.85}, "migration", 0.6
    )
    store.save_scores([score])
    store.save_scores([score])
    assert [p.id for p in store.posts_to_score("m@1", 10)] == ["x:2"]
    assert [p.id for p in store.posts_to_score("m@2", 10)] == ["x:1", "x:2"]
    assert store.count_scored("m@1") == 1
    assert store.delete_scores("m@1") == 1


def test_runs_left_running_are_marked_interrupted(store: Store) -> None:
    from monitor.store import process_owner, runs

    run_id = store.start_run("collect", "src")
    assert store.close_stale_runs() == 0  # this process is alive
    dead = process_owner().rpartition(":")[0] + ":999999999"
    with store.begin() as conn:
        conn.execute(runs.update().values(owner=dead))
    assert store.close_stale_runs() == 1
    assert store.last_runs()[0]["id"] == run_id
    assert store.last_runs()[0]["status"] == "interrupted"


def test_migrations_apply_in_order_once(store_url: str, monkeypatch) -> None:
    applied = []

    def add_column(conn: sa.Connection) -> None:
        applied.append("v2")
        conn.exec_driver_sql("ALTER TABLE posts ADD COLUMN extra TEXT")

    Store(store_url)
    monkeypatch.setattr("monitor.store.MIGRATIONS", [*MIGRATIONS, add_column])
    monkeypatch.setattr("monitor.store.SCHEMA_VERSION", SCHEMA_VERSION + 1)
    upgraded = Store(store_url)
    assert upgraded.version() == SCHEMA_VERSION + 1
    Store(store_url)
    assert applied == ["v2"]
    with upgraded.engine.connect() as conn:
        assert "extra" in {c["name"] for c in sa.inspect(conn).get_columns("posts")}


def test_a_newer_store_is_refused(store_url: str, monkeypatch) -> None:
    Store(store_url)
    monkeypatch.setattr("monitor.store.SCHEMA_VERSION", 0)
    try:
        Store(store_url)
    except RuntimeError as err:
        assert "newer than this code" in str(err)
    else:
        raise AssertionError("a store newer than the code must be refused")


def test_copy_moves_every_row_and_can_be_repeated(tmp_path, store: Store) -> None:
    from monitor.store import copy_store

    source = Store(f"sqlite:///{tmp_path / 'source.db'}")
    source.write_batch(
        [make_post(str(i)) for i in range(25)], [Reject("s", "f:1", "no text")], source="s", cursor={"n": 1}
    )
    source.save_scores(
        [
            Score(
                "x:1", "m@1", "neutral", 0.0, {"negative": 0.2, "neutral": 0.6, "positive": 0.2}, "other", 0.1
            )
        ]
    )
    run_id = source.start_run("collect", "s")
    source.finish_run(run_id, status="ok")
    counts = copy_store(source, store, chunk=10)
    again = copy_store(source, store, chunk=10)
    assert counts == again
    assert all(copied == original for original, copied in counts.values())
    assert counts["posts"] == (25, 25) and counts["scores"] == (1, 1)
    assert store.get_cursor("s") == {"n": 1}
    assert store.start_run("collect", "t") > run_id  # ids continue after the copied ones


def test_runs_of_a_live_process_are_not_closed(store: Store) -> None:
    import subprocess
    import sys

    import sqlalchemy as sa

    from monitor.store import runs

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        live_id = store.start_run("collect", "live")
        dead_id = store.start_run("collect", "dead")
        with store.begin() as conn:
            host = (
                conn.execute(sa.select(runs.c.owner).where(runs.c.id == live_id)).scalar().rpartition(":")[0]
            )
            conn.execute(runs.update().where(runs.c.id == live_id).values(owner=f"{host}:{child.pid}"))
            conn.execute(runs.update().where(runs.c.id == dead_id).values(owner=f"{host}:999999999"))
        assert store.close_stale_runs() == 1
        statuses = {run["id"]: run["status"] for run in store.last_runs()}
        assert statuses == {live_id: "running", dead_id: "interrupted"}
    finally:
        child.kill()


def test_two_processes_can_create_the_same_store_at_once(tmp_path) -> None:
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'race.db'}"
    code = f"from monitor.store import Store; Store({url!r}); print('ok')"
    children = [
        subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) for _ in range(4)
    ]
    outputs = [child.communicate(timeout=60)[0].strip() for child in children]
    assert outputs == ["ok"] * 4
    assert Store(url).version() == SCHEMA_VERSION


def test_keyword_search_finds_substrings_in_any_script(store: Store) -> None:
    from monitor import queries

    texts = {
        "1": "欢迎美国朋友来小红书",
        "2": 'He said "TikTok refugees" 100% of the time',
        "3": "nothing to see",
        "4": "ab",
    }
    store.write_batch([make_post(key, text=text) for key, text in texts.items()])
    store.write_batch([make_post("1", text="changed text is ignored", likes=5)])

    def found(keyword: str) -> list[str]:
        page = queries.posts_page(store, queries.Filters(keyword=keyword), None)
        return sorted(page["id"])

    assert found("美国朋友") == ["x:1"]
    assert found("tiktok REFUGEES") == ["x:2"]
    assert found('"TikTok') == ["x:2"]
    assert found("100%") == ["x:2"]
    assert found("ab") == ["x:4"]  # shorter than a trigram: still found
    assert found("refugees' OR 1=1 --") == []


def test_a_copied_store_can_be_searched(tmp_path) -> None:
    from monitor import queries
    from monitor.store import copy_store

    source = Store(f"sqlite:///{tmp_path / 'source.db'}")
    source.write_batch([make_post("1", text="欢迎美国朋友"), make_post("2", text="other words")])
    target = Store(f"sqlite:///{tmp_path / 'target.db'}")
    copy_store(source, target)
    page = queries.posts_page(target, queries.Filters(keyword="美国朋友"), None)
    assert list(page["id"]) == ["x:1"]


def test_a_version_1_store_gets_the_hourly_rollup_and_rebuilds_its_rollups(tmp_path) -> None:
    from monitor.rollups import refresh_rollups, rollup_coverage

    url = f"sqlite:///{tmp_path / 'v1.db'}"
    store = Store(url)
    store.write_batch([make_post(str(i)) for i in range(5)])
    refresh_rollups(store, "m@1")
    with store.begin() as conn:  # what version 1 had: no hourly table, no rowid marks
        conn.exec_driver_sql("DROP TABLE rollup_hourly")
        conn.exec_driver_sql("ALTER TABLE rollup_state DROP COLUMN posts_rowid")
        conn.exec_driver_sql("ALTER TABLE rollup_state DROP COLUMN scores_rowid")
        conn.exec_driver_sql("DELETE FROM schema_version WHERE version > 1")
    upgraded = Store(url)
    assert upgraded.version() == SCHEMA_VERSION
    with upgraded.engine.connect() as conn:
        assert rollup_coverage(conn, "m@1") is False  # its rollup predates the hourly rows
    refresh_rollups(upgraded, "m@1")
    upgraded.write_batch([make_post("new")])
    with upgraded.engine.connect() as conn:
        assert rollup_coverage(conn, "m@1") is True
        assert conn.exec_driver_sql("SELECT sum(posts) FROM rollup_hourly").scalar() == 6


def _search(store: Store, keyword: str) -> list[str]:
    from monitor import queries

    return sorted(queries.posts_page(store, queries.Filters(keyword=keyword), None)["id"])


def test_keyword_search_is_exact_before_and_after_the_index_catches_up(store: Store) -> None:
    store.write_batch([make_post("1", text="欢迎美国朋友"), make_post("2", text="TikTok refugees")])
    store.index_new_posts()
    store.write_batch([make_post("3", text="more tiktok REFUGEES"), make_post("4", text="美国朋友 again")])
    lagging = store.engine.dialect.name == "sqlite"
    assert store.search_backlog() == (2 if lagging else 0)
    before = {keyword: _search(store, keyword) for keyword in ("美国朋友", "refugees", "nothing")}
    assert before == {"美国朋友": ["x:1", "x:4"], "refugees": ["x:2", "x:3"], "nothing": []}
    assert store.index_new_posts() == (2 if lagging else 0)
    assert store.search_backlog() == 0
    assert {keyword: _search(store, keyword) for keyword in before} == before
    assert store.index_new_posts() == 0


def test_the_search_index_is_built_a_chunk_at_a_time_and_can_stop(tmp_path, monkeypatch) -> None:
    store = Store(f"sqlite:///{tmp_path / 'monitor.db'}")
    store.write_batch([make_post(str(i), text=f"words {i}") for i in range(7)])
    monkeypatch.setattr("monitor.store.SEARCH_INDEX_CHUNK", 3)
    chunks: list[int] = []
    assert store.index_new_posts(on_progress=chunks.append, should_stop=lambda: len(chunks) == 2) == 6
    assert store.search_backlog() == 1
    assert store.index_new_posts(on_progress=chunks.append) == 1
    assert chunks == [3, 3, 1]
    assert _search(store, "words 6") == ["x:6"]


def test_editing_and_deleting_posts_keeps_the_search_index_sound(tmp_path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'monitor.db'}")
    store.write_batch([make_post(str(i), text=f"indexed {i}") for i in range(3)])
    store.index_new_posts()
    store.write_batch([make_post(str(i), text=f"pending {i}") for i in range(3, 6)])
    with store.begin() as conn:  # an FTS5 'delete' of a row never indexed would corrupt it
        conn.exec_driver_sql("UPDATE posts SET text = 'renamed zebra' WHERE id IN ('x:1', 'x:4')")
        conn.exec_driver_sql("DELETE FROM posts WHERE id IN ('x:0', 'x:3')")
    assert _search(store, "zebra") == ["x:1", "x:4"]
    assert _search(store, "indexed") == ["x:2"]
    store.index_new_posts()
    assert _search(store, "zebra") == ["x:1", "x:4"]
    assert _search(store, "pending") == ["x:5"]
    with store.begin() as conn:
        conn.exec_driver_sql("INSERT INTO posts_search(posts_search) VALUES ('integrity-check')")


def test_a_post_taking_the_rowid_of_a_deleted_indexed_post_is_found(tmp_path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'monitor.db'}")
    store.write_batch([make_post("1", text="first words"), make_post("2", text="second words")])
    store.index_new_posts()
    with store.begin() as conn:
        conn.exec_driver_sql("DELETE FROM posts WHERE id = 'x:2'")
    store.write_batch([make_post("3", text="third words")])  # SQLite gives it x:2's rowid
    assert _search(store, "third") == ["x:3"]
    store.index_new_posts()
    assert _search(store, "third") == ["x:3"]
    assert _search(store, "second") == []


def test_a_version_2_store_gets_search_triggers_that_skip_unindexed_posts(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'v2.db'}"
    store = Store(url)
    with store.begin() as conn:  # what version 2 had: triggers that touch the index for every row
        conn.exec_driver_sql("DROP TRIGGER posts_search_delete")
        conn.exec_driver_sql(
            "CREATE TRIGGER posts_search_delete AFTER DELETE ON posts BEGIN "
            "INSERT INTO posts_search(posts_search, rowid, text, title) "
            "VALUES ('delete', old.rowid, old.text, old.title); END"
        )
        conn.exec_driver_sql("DELETE FROM schema_version WHERE version > 2")
    upgraded = Store(url)
    assert upgraded.version() == SCHEMA_VERSION
    upgraded.write_batch([make_post("1", text="never indexed")])
    with upgraded.begin() as conn:
        conn.exec_driver_sql("DELETE FROM posts WHERE id = 'x:1'")
        conn.exec_driver_sql("INSERT INTO posts_search(posts_search) VALUES ('integrity-check')")


def test_a_version_3_store_gets_a_search_index_without_positions(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'v3.db'}"
    store = Store(url)
    store.write_batch([make_post("1", text="欢迎美国朋友"), make_post("2", text="TikTok refugees")])
    with store.begin() as conn:  # what version 3 had: an index with every trigram's positions
        conn.exec_driver_sql("DROP TABLE posts_search")
        conn.exec_driver_sql(
            "CREATE VIRTUAL TABLE posts_search USING fts5("
            "text, title, content='posts', content_rowid='rowid', tokenize='trigram')"
        )
        conn.exec_driver_sql("DELETE FROM schema_version WHERE version > 3")
    store.index_new_posts()
    upgraded = Store(url)
    assert upgraded.version() == SCHEMA_VERSION
    with upgraded.engine.connect() as conn:
        sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'posts_search'").scalar()
    assert "detail=none" in sql
    assert upgraded.search_backlog() == 2  # rebuilt behind the writes; found by a scan meanwhile
    assert _search(upgraded, "美国朋友") == ["x:1"]
    assert upgraded.index_new_posts() == 2
    assert _search(upgraded, "美国朋友") == ["x:1"] and _search(upgraded, "tiktok refugee") == ["x:2"]
    with upgraded.begin() as conn:
        conn.exec_driver_sql("INSERT INTO posts_search(posts_search) VALUES ('integrity-check')")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    texts=st.lists(
        st.text(alphabet="ab c\"'%_美国朋友Aé\u0301", min_size=1, max_size=12), min_size=1, max_size=8
    ),
    pick=st.integers(min_value=0),
    start=st.integers(min_value=0, max_value=11),
    size=st.integers(min_value=3, max_value=6),
)
def test_the_search_index_never_hides_a_match(tmp_path_factory, texts, pick, start, size) -> None:
    """Keywords cut from the posts find the same posts through the index as by a scan."""
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('search') / 'monitor.db'}")
    store.write_batch([make_post(str(i), text=text) for i, text in enumerate(texts)])
    text = texts[pick % len(texts)]
    keyword = text[start : start + size] if len(text) >= 3 else text
    keywords = (keyword, keyword.upper())
    scanned = {key: _search(store, key) for key in keywords}  # nothing indexed yet: all read
    assert scanned[keyword]  # the post it was cut from
    store.index_new_posts()
    assert {key: _search(store, key) for key in keywords} == scanned
    store.engine.dispose()


def test_rejects_are_counted_by_kind(store: Store) -> None:
    """Thousands of rejects read as a few kinds: the values in the reasons are left out."""
    reasons = [
        "created_at: unrecognised timestamp 'soon'",
        "created_at: unrecognised timestamp 'later'",
        'created_at: unrecognised timestamp "it\'s late"',
        "expected 7 columns, found 3",
        "expected 7 columns, found 5",
        "no text",
        "likes: not a count: '1.2.3'",
        "created_at: unrecognised timestamp 'never'",
    ]
    batch = [Reject("src", f"f.csv:{line}", reason) for line, reason in enumerate(reasons, start=2)]
    store.write_batch([], batch, source="src")
    kinds = store.reject_kinds(limit=3)
    assert [(kind["kind"], kind["count"]) for kind in kinds] == [
        ("created_at: unrecognised timestamp '…'", 4),
        ("expected N columns, found N", 2),
        ("likes: not a count: '…'", 1),
    ]
    assert kinds[0]["location"].startswith("f.csv:") and kinds[0]["reason"] in reasons
    assert store.reject_kinds(window=1) == [
        {
            "kind": "created_at: unrecognised timestamp '…'",
            "count": 1,
            "reason": reasons[-1],
            "location": "f.csv:9",
        }
    ]


def _post_indexes(store: Store) -> set[str]:
    with store.engine.connect() as conn:
        listed = (
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'posts' AND sql IS NOT NULL"
        )
        return set(conn.exec_driver_sql(listed).scalars())


def test_a_run_into_an_empty_store_builds_the_post_indexes_at_its_end(tmp_path) -> None:
    from monitor.store import posts

    store = Store(f"sqlite:///{tmp_path / 'monitor.db'}")
    every = {index.name for index in posts.indexes}
    assert _post_indexes(store) == every
    with store.deferred_post_indexes():
        assert _post_indexes(store) == set()  # rows go in without them
        store.write_batch([make_post("1"), make_post("2")])
    assert _post_indexes(store) == every
    with store.deferred_post_indexes():  # the store holds posts now: nothing is deferred
        assert _post_indexes(store) == every
    # A run killed meanwhile leaves them out; the next opening of the store builds them.
    killed = Store(f"sqlite:///{tmp_path / 'killed.db'}")
    run = killed.deferred_post_indexes()
    run.__enter__()  # and never left, as when the process is killed
    killed.write_batch([make_post("1")])
    assert _post_indexes(killed) == set()
    assert _post_indexes(Store(killed.url)) == every
    del run


def test_a_large_batch_with_common_values_is_stored_as_a_small_one(tmp_path) -> None:
    """A large batch binds only the values that differ between its rows; what it stores,
    and how a second copy updates the counts, must be what small batches store."""
    from monitor.store import SQLITE_COMMON_VALUES_MIN_ROWS

    size = SQLITE_COMMON_VALUES_MIN_ROWS + 7

    def batch(likes: int | None, replies: int | None) -> list[Post]:
        return [
            make_post(
                str(i),
                platform="red'note",  # a quote in a value written into the statement
                source="o'brien; DROP TABLE posts --",
                author="same author",
                likes=likes,
                replies=replies,
                text=f"post {i}",
                created_at=datetime(2025, 1, 1 + i % 28, tzinfo=UTC),
            )
            for i in range(size)
        ]

    def rows(store: Store) -> list[tuple[object, ...]]:
        with store.engine.connect() as conn:
            return conn.exec_driver_sql(
                "SELECT id, platform, source, author, title, text, created_at, likes, replies, engagement "
                "FROM posts ORDER BY id"
            ).all()

    large, small = Store(f"sqlite:///{tmp_path / 'large.db'}"), Store(f"sqlite:///{tmp_path / 'small.db'}")
    for likes, replies in ((5, None), (None, 3), (None, None)):  # counts known, then missing
        written = large.write_batch(batch(likes, replies))
        for start in range(0, size, 100):
            small.write_batch(batch(likes, replies)[start : start + 100])
        assert written.new + written.updated == size
    assert rows(large) == rows(small)
    assert rows(large)[0][1:4] == ("red'note", "o'brien; DROP TABLE posts --", "same author")
    assert {row[7:] for row in rows(large)} == {(5, 3, 8)}
