"""The bulk CSV path (pyarrow, column by column) gives exactly what the per-row path gives:
the same posts, rejects, line numbers, batches and cursors, whatever the rows hold."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collectors import files
from collectors.files import FileCollector, FileImportError, FileOptions
from monitor.models import PostRows

clean = st.text(alphabet="abc XYZ 09 ,.!?'\"-小红书 美国 🐱 é", max_size=30)
texts = st.one_of(
    clean,
    clean,
    clean,
    st.text(max_size=30),
    st.text(alphabet="ab 小红书 🐱\t\n\r\u3000\xa0&<>\"',;é\u0301\u200b\x0b\x1f\\", max_size=30),
    st.sampled_from(["", " ", "<b>bold</b> text", "cat &amp; dog", "  spaced   out  ", "行\r\n二", "x" * 60]),
)
counts = st.one_of(
    st.sampled_from(
        [
            "",
            "7.6万",
            "1.2K",
            "3,829",
            "12.5k",
            "1.1M",
            "999+",
            "-5",
            "lots",
            " 42 ",
            "N/A",
            "０",
            "赞",
            "--",
            "−3",
            "1.2E+06",
        ]
    ),
    st.integers(min_value=0, max_value=10**20).map(str),
)
times = st.one_of(
    st.sampled_from(
        [
            "2025-01-14 12:08:00",
            "2025-01-14T12:08:00",
            "2025-02-30 10:00:00",
            "2024-02-29 23:59:59",
            "2025-11-02 01:30:00",  # New York's repeated hour
            "2025-03-09 02:30:00",  # and its skipped one
            "20250114",
            "2025-01-14 下午 3:05",
            "03/01/2025 10:00",
            "1/14/2025 12:08",
            "2025-01-14 24:00:00",
            "1737129600",
            "1737129600123",
            "9999999999999",
            "0737129600",
            " 1737129600",
            "",
            "soon",
        ]
    ),
    st.integers(min_value=0, max_value=10**14).map(str),
)
ids = st.one_of(st.sampled_from(["", " ", "a1", "a1", "n 2 ", "\u3000x", "1.88123E+18"]), st.text(max_size=8))
# Mostly what the columns take as it is, so both halves of the bulk path are exercised.
usual_ids = st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True)
usual_times = st.sampled_from(["2025-01-14 12:08:00", "2025-01-31T23:59:59", "1737129600", "1737129600123"])
usual_counts = st.sampled_from(["", "7.6万", "1.2K", "3,829", "12", "0"])
ids = st.one_of(usual_ids, usual_ids, usual_ids, ids)
times = st.one_of(usual_times, usual_times, usual_times, times)
counts = st.one_of(usual_counts, usual_counts, counts)
texts = st.one_of(clean, clean, texts)
rows = st.tuples(
    ids,
    texts,
    texts,
    times,
    texts,
    counts,
    counts,
    st.sampled_from(["", "https://x.y/1", "HTTP://A", "ftp://z"]),
)
# Lines written as they are, between the rows: what breaks a CSV.
odd_lines = st.sampled_from(
    ["", "   ", "a,b", 'x,"unclosed,1,2,3,4,5,6', 'q,5",t,2025-01-14 12:08:00,u,1,2,', "\r"]
)
HEADER = ["id", "title", "content", "created_at", "author", "likes", "replies", "url"]
MAP = {"text": "title+content", "created_at": "created_at", "id": "id", "likes": "likes", "author": "author"}


def write(
    path: Path,
    body: list[Any],
    bom: bool,
    crlf: bool,
    quote_all: bool = False,
    encoding: str = "utf-8",
    preamble: tuple[str, ...] = (),
) -> None:
    """A CSV as exports write it; ``quote_all`` quotes every field, the header too (R does);
    in another ``encoding`` what it cannot hold becomes ``?``; ``preamble`` lines come
    before the header (report details, as Brandwatch writes them)."""
    buffer = io.StringIO(newline="")
    quoting = csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
    writer = csv.writer(buffer, lineterminator="\r\n" if crlf else "\n", quoting=quoting)
    for line in preamble:
        buffer.write(line + ("\r\n" if crlf else "\n"))
    writer.writerow(HEADER)
    for item in body:
        if isinstance(item, str):
            buffer.write(item + ("\r\n" if crlf else "\n"))
        else:
            writer.writerow(item)
    if encoding != "utf-8":
        path.write_bytes(buffer.getvalue().encode(encoding, errors="replace"))
        return
    data = buffer.getvalue().encode("utf-8", errors="surrogatepass")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


def collect(path: Path, bulk: bool, cursor: Any, **options: Any) -> tuple[Any, ...] | str:
    """The posts, rejects and last cursor of a collect (the bulk path makes bigger batches
    as it goes), or the message of the error that refuses the file."""
    collector = FileCollector("eq", FileOptions(path=path, platform="rednote", map=MAP, **options), bulk=bulk)
    try:
        batches = list(_batches(collector, cursor))
    except FileImportError as err:
        return str(err)
    for _posts, _rejects, batch_cursor, progress in batches:
        assert progress == batch_cursor["rows"] and batch_cursor["complete"] == (
            batch_cursor is batches[-1][2]
        )
    posts = [row for batch in batches for row in batch[0]]
    rejects = [reject for batch in batches for reject in batch[1]]
    return posts, rejects, batches[-1][2]


def _batches(collector: FileCollector, cursor: Any) -> Any:
    for batch in collector.collect(cursor):
        posts = (
            batch.posts.rows
            if isinstance(batch.posts, PostRows)
            else [PostRows.row_of(post, 0) for post in batch.posts]
        )
        posts = [row[:9] + (0,) + row[10:] for row in posts]  # when it was collected differs
        rejects = [(r.source, r.location, r.reason, r.raw) for r in batch.rejects]
        yield posts, rejects, batch.cursor, batch.progress


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.one_of(
        st.lists(rows, max_size=25),
        st.lists(st.one_of(rows, rows, rows, rows, rows, odd_lines), max_size=25),
    ),
    bom=st.booleans(),
    crlf=st.booleans(),
    quote_all=st.booleans(),
    encoding=st.sampled_from(["utf-8", "utf-8", "gb18030", "utf-16", "cp1252"]),
    preamble=st.sampled_from([(), (), ("Report:,Mentions", "", "Query Id,2001234", "id;title"), ("sep=,",)]),
    block=st.sampled_from([64, 256, 1 << 20]),
    chunk_rows=st.integers(min_value=1, max_value=8),
    skip=st.integers(min_value=0, max_value=10),
    keep_raw=st.booleans(),
    zone=st.sampled_from([None, None, "Asia/Shanghai", "America/New_York", "-05:00"]),
)
def test_bulk_and_per_row_paths_give_the_same(
    tmp_path: Path, body, bom, crlf, quote_all, encoding, preamble, block, chunk_rows, skip, keep_raw, zone
) -> None:
    path = tmp_path / "export.csv"
    write(path, body, bom, crlf, quote_all, encoding, preamble)
    options = {"chunk_rows": chunk_rows, "keep_raw": keep_raw, "encoding": encoding, "timezone": zone}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(files, "CSV_BLOCK_BYTES", block)
        patch.setattr(files, "CSV_BLOCK_LIMIT", block * 4)
        identity = FileCollector("eq", FileOptions(path=path, platform="x")).file_identity()
        cursor = {"file": identity, "rows": skip, "complete": False} if skip else None
        assert collect(path, True, cursor, **options) == collect(path, False, cursor, **options)


@pytest.mark.parametrize("quote_all", [False, True])
def test_a_plain_export_takes_no_row_through_the_per_row_path(
    tmp_path: Path, monkeypatch, quote_all: bool
) -> None:
    path = tmp_path / "export.csv"
    write(
        path,
        [
            [f"n{i}", "标题 title", f"content {i} 小红书 🐱", "2025-01-14 12:08:00", "u", "7.6万", "3", ""]
            for i in range(50)
        ],
        True,
        quote_all,
        quote_all,
    )
    monkeypatch.setattr(files.RowConverter, "convert", None)  # any row sent there would fail
    (batch,) = list(FileCollector("eq", FileOptions(path=path, platform="rednote", map=MAP)).collect(None))
    assert len(batch.posts) == 50 and not batch.rejects
    assert batch.posts[0].likes == 76_000 and batch.posts[0].text == "标题 title content 0 小红书 🐱"


def test_bulk_batches_double_unless_chunk_rows_is_set(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    write(path, [[f"n{i}", "t", "c", "1737129600", "u", "1", "2", ""] for i in range(20_000)], False, False)
    grown = list(FileCollector("eq", FileOptions(path=path, platform="rednote", map=MAP)).collect(None))
    assert [len(batch.posts) for batch in grown] == [5000, 10_000, 5000]
    assert [batch.cursor["rows"] for batch in grown] == [5000, 15_000, 20_000]
    options = FileOptions(path=path, platform="rednote", map=MAP, chunk_rows=5000)
    assert [len(batch.posts) for batch in FileCollector("eq", options).collect(None)] == [5000] * 4 + [0]


def test_local_times_go_row_by_row_where_pyarrow_has_no_time_zones() -> None:
    """Without a time zone database where pyarrow looks, the bulk path leaves local times
    to the per-row path (zoneinfo) instead of failing the import."""
    import numpy as np
    import pyarrow as pa

    slow = np.zeros(3, dtype=bool)

    def flag(mask) -> None:
        nonlocal slow
        slow |= mask.to_numpy(zero_copy_only=False)

    values = pa.array(["2025-01-14 08:00:00", "1737129600", "2025-01-14T09:00:00"])
    created = files.BulkConverter._timestamps(values, flag, "Nowhere/City")
    assert slow.tolist() == [True, False, True]
    assert created.to_pylist()[1] == 1737129600
