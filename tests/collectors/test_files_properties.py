"""Whatever a file holds, each row ends as a Post or a reject with a reason."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collectors.files import FileCollector, FileOptions

cells = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ["7.6万", "1.2K", "", "2025-01-14", "1737129600", "<b>x</b>", "=cmd()", "\u202e", "null"]
    ),
)
rows = st.lists(st.tuples(cells, cells, cells), max_size=12)


def collect_all(path: Path, **options) -> tuple[int, int]:
    collector = FileCollector("prop", FileOptions(path=path, platform="x", **options))
    posts = rejects = 0
    for batch in collector.collect(None):
        posts += len(batch.posts)
        rejects += len(batch.rejects)
        assert all(r.reason for r in batch.rejects)
    return posts, rejects


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows)
def test_any_csv_row_becomes_a_post_or_a_reject(tmp_path: Path, data: list[tuple[str, str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["text", "created_at", "likes"])
    writer.writerows(data)
    path = tmp_path / "prop.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8", errors="surrogatepass")
    posts, rejects = collect_all(path)
    assert posts + rejects == len(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.one_of(
            st.binary(max_size=60),
            st.dictionaries(st.sampled_from(["text", "created_at", "likes"]), cells).map(
                lambda d: json.dumps(d).encode()
            ),
        ),
        max_size=10,
    )
)
def test_any_jsonl_line_becomes_a_post_or_a_reject(tmp_path: Path, lines: list[bytes]) -> None:
    path = tmp_path / "prop.jsonl"
    path.write_bytes(b"\n".join(line.replace(b"\n", b" ") for line in lines))
    try:
        collect_all(path, map={"text": "text", "created_at": "created_at"})
    except Exception as err:  # only the documented whole-file error is allowed
        from collectors.files import FileImportError

        assert isinstance(err, FileImportError), repr(err)
