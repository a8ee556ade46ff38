"""Filters and keyword search with SQL metacharacters and injection strings: the results
are what a plain substring match gives, on SQLite and PostgreSQL, every value travels as
a bound parameter (the statement text never holds it), and the store is unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor import queries
from monitor.models import Post, Score
from monitor.queries import Filters
from monitor.store import Store

MODEL = "inj-model@1"
INJECTIONS = [
    "' OR '1'='1",
    "'; DROP TABLE posts; --",
    '" OR ""="',
    "%",
    "_",
    "\\",
    "\\%",
    "100%",
    "a_b",
    "') UNION SELECT id, id, id FROM runs --",
    "1; DELETE FROM scores",
    "/* comment */",
    "$1",
    ":keyword",
    "%(text)s",
    "?",
    "\x00",
]
TEXTS = [
    "plain tiktok ban post",
    "100% sure the ban is coming",
    "snake_case a_b and abc",
    "quote ' OR '1'='1 in a post",
    "back\\slash \\% here",
    "'; DROP TABLE posts; -- said bobby",
    "nothing special",
    "$1 and :keyword and %(text)s and ?",
]
PERIOD = Filters(start=date(2025, 1, 1), end=date(2025, 1, 31))


@pytest.fixture
def filled(store: Store) -> Store:
    posts = [
        Post(
            platform="x",
            native_id=f"p{index}",
            text=text,
            created_at=datetime(2025, 1, 10, index, tzinfo=UTC),
            source="inj",
            title="title with 100% and a_b" if index == 6 else None,
        )
        for index, text in enumerate(TEXTS)
    ]
    store.write_batch(posts)
    store.save_scores(
        Score(post.id, MODEL, "neutral", 0.0, {"neutral": 1.0}, "ban", 0.5, lang="en") for post in posts
    )
    return store


@pytest.fixture
def statements(filled: Store) -> Iterator[list[str]]:
    """The SQL text of every statement the store runs while the test does."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    sa.event.listen(filled.engine, "before_cursor_execute", record)
    yield seen
    sa.event.remove(filled.engine, "before_cursor_execute", record)


def expected_ids(keyword: str) -> set[str]:
    needle = keyword.lower()
    found = set()
    for index, text in enumerate(TEXTS):
        title = "title with 100% and a_b" if index == 6 else ""
        if needle in text.lower() or needle in title.lower():
            found.add(f"x:p{index}")
    return found


def matched(store: Store, filters: Filters) -> set[str]:
    return set(queries.posts_page(store, filters, MODEL, limit=1000)["id"])


def counts(store: Store) -> tuple[int, int, int]:
    with store.engine.connect() as conn:
        return tuple(  # type: ignore[return-value]
            conn.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
            for table in ("posts", "scores", "runs")
        )


@pytest.mark.parametrize("keyword", [k for k in INJECTIONS if k != "\x00"])
def test_keyword_search_with_metacharacters_matches_literally(
    filled: Store, statements: list[str], keyword: str
) -> None:
    before = counts(filled)
    filters = PERIOD.replace(keyword=keyword)
    assert matched(filled, filters) == expected_ids(keyword)
    assert queries.count_posts(filled, filters, MODEL) == len(expected_ids(keyword))
    assert not [s for s in statements if keyword in s and keyword not in ("%", "_", "?", "\\")]
    assert counts(filled) == before


@pytest.mark.parametrize("value", [v for v in INJECTIONS if v != "\x00"])
def test_list_filters_with_injection_strings_match_nothing_and_change_nothing(
    filled: Store, statements: list[str], value: str
) -> None:
    before = counts(filled)
    for name in ("platforms", "topics", "languages", "sentiments"):
        filters = PERIOD.replace(**{name: (value,)})
        assert matched(filled, filters) == set()
        assert queries.aggregate(filled, filters, MODEL, by=("platform",))["posts"].sum() == 0
    long_values = [s for s in statements if len(value) > 2 and value in s]
    assert not long_values
    assert counts(filled) == before


@pytest.mark.parametrize("name", ["keyword", "platforms"])
def test_a_nul_byte_in_a_filter_is_dropped(filled: Store, name: str) -> None:
    # Stored text never holds NUL (normalise_text drops it) and PostgreSQL refuses it.
    value: Any = "ban\x00" if name == "keyword" else ("x\x00",)
    clean: Any = "ban" if name == "keyword" else ("x",)
    assert matched(filled, PERIOD.replace(**{name: value})) == matched(
        filled, PERIOD.replace(**{name: clean})
    )


def test_filters_from_a_hostile_url_stay_values(filled: Store) -> None:
    query = "?start=2025-01-01'--&end=2025-01-31&platform=x','y&q=' OR 1=1 --&topic=ban) OR (1=1"
    filters = Filters.from_query_string(query)
    assert filters.start is None  # an unreadable date is ignored, not passed on
    assert filters.platforms == ("x'", "'y") and filters.topics == ("ban) OR (1=1",)
    assert filters.keyword == "' OR 1=1 --"
    assert matched(filled, filters.replace(start=PERIOD.start)) == set()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(keyword=st.text(alphabet=st.sampled_from("ab%_\\'\"; -=()*?$:tikoTKO1 "), min_size=1, max_size=8))
def test_any_keyword_matches_exactly_what_a_substring_search_finds(filled: Store, keyword: str) -> None:
    assert matched(filled, PERIOD.replace(keyword=keyword)) == expected_ids(keyword)
