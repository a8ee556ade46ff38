"""The file collector: CSV, JSONL (optionally gzipped) and Parquet exports, streamed.

Rows are read in chunks so memory stays flat for files of any size. A column map says
which input column feeds which Post field (``text=title+content`` joins several columns
with a space; dotted names reach into nested JSON). A row that cannot be used becomes a
``Reject`` with the file, the line and the reason; the import goes on.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import itertools
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, field_validator

from monitor.models import ParseError, Post, Reject, normalise_text, parse_count, parse_timestamp, stable_id
from monitor.sources import Batch

# Fields a column map may fill.
FIELDS = (
    "id",
    "text",
    "title",
    "created_at",
    "author",
    "url",
    "likes",
    "reposts",
    "replies",
    "views",
    "parent_id",
    "lang",
)
COUNT_FIELDS = ("likes", "reposts", "replies", "views")

# Column names real exports use for each field, tried when the map does not name one.
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "post_id", "native_id", "note_id", "tweet_id", "status_id", "comment_id", "uri"),
    "text": ("text", "content", "body", "selftext", "desc", "description", "full_text", "message"),
    "title": ("title", "headline", "subject"),
    "created_at": (
        "created_at",
        "create_time",
        "created_utc",
        "created",
        "timestamp",
        "time",
        "date",
        "published",
        "published_at",
        "post_time",
    ),
    "author": ("author", "user_name", "username", "user", "nickname", "screen_name", "handle", "author_name"),
    "url": ("url", "link", "permalink", "post_url", "note_url"),
    "likes": (
        "likes",
        "like_count",
        "liked_count",
        "favorite_count",
        "score",
        "ups",
        "digg_count",
        "upvotes",
    ),
    "reposts": (
        "reposts",
        "repost_count",
        "retweet_count",
        "share_count",
        "shares",
        "shared_count",
        "reblogs_count",
    ),
    "replies": ("replies", "reply_count", "comment_count", "comments", "num_comments", "replies_count"),
    "views": ("views", "view_count", "play_count", "impressions", "impression_count"),
    "parent_id": ("parent_id", "in_reply_to_id", "reply_to", "parent"),
    "lang": ("lang", "language"),
}

PLATFORM_ALIASES = {
    "xiaohongshu": "rednote",
    "xhs": "rednote",
    "小红书": "rednote",
    "red": "rednote",
    "twitter": "x",
    "x.com": "x",
    "bsky": "bluesky",
    "hn": "hackernews",
    "hacker news": "hackernews",
    "douyin": "tiktok",
    "抖音": "tiktok",
}

CSV_FIELD_LIMIT = 256 * 1024 * 1024
TEXT_LIMIT = 100_000


class FileImportError(Exception):
    """The file as a whole cannot be imported (not a row problem); the message says why."""


def normalise_platform(value: Any) -> str:
    name = " ".join(str(value).strip().lower().split())
    return PLATFORM_ALIASES.get(name, name)


class FileOptions(BaseModel):
    """The options of a ``type: files`` source (and of ``monitor import``)."""

    model_config = ConfigDict(extra="forbid")

    path: Path
    format: Literal["auto", "csv", "jsonl", "json", "parquet", "xlsx"] = "auto"
    platform: str = Field(description="a platform name, or column:NAME to read it per row")
    map: dict[str, str] = Field(default_factory=dict)
    date_format: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    chunk_rows: int = Field(default=5000, ge=1, le=1_000_000)
    keep_raw: bool = True

    @field_validator("map")
    @classmethod
    def _known_fields(cls, value: dict[str, str]) -> dict[str, str]:
        for name, column in value.items():
            if name not in FIELDS:
                raise ValueError(f"unknown field {name!r} in map (fields: {', '.join(FIELDS)})")
            if not column.strip():
                raise ValueError(f"empty column for field {name!r}")
        return value

    @field_validator("platform")
    @classmethod
    def _platform(cls, value: str) -> str:
        if not value.strip() or value.strip() == "column:":
            raise ValueError("expected a platform name or column:NAME")
        return value.strip()

    def resolve_paths(self, resolve: Callable[[Path], Path]) -> FileOptions:
        return self.model_copy(update={"path": resolve(self.path)})


class Row(NamedTuple):
    line: int
    record: dict[str, Any] | None
    error: str | None = None
    raw: str | None = None


class RowConverter:
    """Turns one input record into a Post, or says why it cannot."""

    def __init__(self, options: FileOptions, source: str, columns: Iterable[str]) -> None:
        self.options = options
        self.source = source
        available = list(columns)
        self.plan = _plan_columns(options.map, available, options.path)
        self._getters = {name: _getter(columns) for name, columns in self.plan.items()}
        self._count_fields = tuple(name for name in COUNT_FIELDS if name in self.plan)
        platform = options.platform
        if platform.startswith("column:"):
            column = platform.removeprefix("column:")
            _check_column(column, available, options.path, "platform")
            self.platform_column: str | None = column
            self.fixed_platform = ""
        else:
            self.platform_column = None
            self.fixed_platform = normalise_platform(platform)
        if "text" not in self.plan:
            raise FileImportError(
                f"{options.path}: no column for the post text; name one with --map text=COLUMN "
                f"(available: {_listing(available)})"
            )
        if "created_at" not in self.plan:
            raise FileImportError(
                f"{options.path}: no column for the post time; name one with --map created_at=COLUMN "
                f"(available: {_listing(available)})"
            )

    def convert(self, record: dict[str, Any], collected_at: datetime) -> Post:
        values = {name: get(record) for name, get in self._getters.items()}
        text = normalise_text(values.get("text"))
        if not text:
            raise ParseError("no text")
        if len(text) > TEXT_LIMIT:
            text = text[:TEXT_LIMIT]
        created_at = parse_timestamp(values.get("created_at"), self.options.date_format)
        if self.platform_column is not None:
            platform_value = _extract(record, (self.platform_column,))
            if platform_value in (None, ""):
                raise ParseError(f"no platform in column {self.platform_column!r}")
            platform = normalise_platform(platform_value)
        else:
            platform = self.fixed_platform
        author = _optional_text(values.get("author"))
        native_id = _optional_text(values.get("id"))
        if native_id is None:
            native_id = stable_id(platform, created_at.isoformat(), author, text)
        counts = {}
        for name in self._count_fields:
            try:
                counts[name] = parse_count(values[name])
            except ParseError as err:
                raise ParseError(f"{name}: {err}") from None
        title = (normalise_text(values["title"]) or None) if "title" in values else None
        url = _optional_text(values.get("url"))
        return Post(
            platform=platform,
            native_id=native_id,
            text=text,
            created_at=created_at,
            source=self.source,
            author=author,
            title=title,
            lang=_optional_text(values.get("lang")),
            collected_at=collected_at,
            url=url if url and url.lower().startswith(("http://", "https://")) else None,
            parent_id=_optional_text(values.get("parent_id")),
            raw=_raw(record) if self.options.keep_raw else None,
            **counts,
        )


class FileCollector:
    """Reads one file; the cursor is how many rows of that exact file are stored, so a
    killed import resumes where it stopped and an unchanged file is not read again."""

    Options: ClassVar[type[BaseModel]] = FileOptions

    def __init__(self, name: str, options: FileOptions) -> None:
        self.name = name
        self.options = options

    def file_identity(self) -> dict[str, Any]:
        stat = self.options.path.stat()
        return {"path": str(self.options.path.resolve()), "size": stat.st_size, "mtime": int(stat.st_mtime)}

    def collect(self, cursor: Any) -> Iterator[Batch]:
        path = self.options.path
        if not path.exists():
            raise FileImportError(f"{path}: file not found")
        if path.is_dir():
            raise FileImportError(f"{path}: is a folder, not a file")
        identity = self.file_identity()
        skip = 0
        if isinstance(cursor, dict) and cursor.get("file") == identity:
            if cursor.get("complete"):
                return
            skip = int(cursor.get("rows", 0))
        rows = read_rows(path, self.options)
        # The columns come from the first readable row; broken rows before it are kept.
        leading: list[Row] = []
        for row in rows:
            leading.append(row)
            if row.record is not None or len(leading) >= 1000:
                break
        if not leading:
            yield Batch(cursor={"file": identity, "rows": 0, "complete": True}, progress=0)
            return
        columns = leading[-1].record.keys() if leading[-1].record is not None else ()
        converter = RowConverter(self.options, self.name, columns)
        collected_at = datetime.now(UTC)
        batch = Batch()
        count = 0
        location = str(path)
        for row in itertools.chain(leading, rows):
            count += 1
            if count <= skip:
                continue
            if row.record is None:
                batch.rejects.append(
                    Reject(self.name, f"{location}:{row.line}", row.error or "unreadable row", row.raw)
                )
            else:
                try:
                    batch.posts.append(converter.convert(row.record, collected_at))
                except (ParseError, ValueError, TypeError, OverflowError) as err:
                    batch.rejects.append(
                        Reject(
                            self.name,
                            f"{location}:{row.line}",
                            str(err) or type(err).__name__,
                            _raw(row.record),
                        )
                    )
            if len(batch.posts) + len(batch.rejects) >= self.options.chunk_rows:
                batch.cursor = {"file": identity, "rows": count, "complete": False}
                batch.progress = count
                yield batch
                batch = Batch()
        batch.cursor = {"file": identity, "rows": count, "complete": True}
        batch.progress = count
        yield batch


def read_rows(path: Path, options: FileOptions) -> Iterator[Row]:
    """Rows of a file as dicts, with their line (or row) numbers; broken rows come back
    with an error instead of a record."""
    kind = detect_format(path, options.format)
    if kind == "csv":
        return _read_csv(path, options)
    if kind == "jsonl":
        return _read_jsonl(path)
    if kind == "json":
        return _read_json_array(path)
    if kind == "xlsx":
        return _read_xlsx(path)
    return _read_parquet(path, options.chunk_rows)


def detect_format(path: Path, declared: str = "auto") -> str:
    if declared != "auto":
        return declared
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    last = suffixes[-1] if suffixes else ""
    if last in (".parquet", ".pq"):
        return "parquet"
    if last in (".xlsx", ".xlsm"):
        return "xlsx"
    if last in (".csv", ".tsv", ".txt"):
        return "csv"
    if last in (".jsonl", ".ndjson"):
        return "jsonl"
    with _open_binary(path) as handle:
        head = handle.read(1024)
    if head[:4] == b"PAR1":
        return "parquet"
    if head[:4] == b"PK\x03\x04":
        return "xlsx"
    # A JSON export is either one object per line or one array of objects.
    first = head.lstrip(codecs.BOM_UTF8 + b" \t\r\n")[:1]
    if first == b"[":
        return "json"
    if first == b"{" or last == ".json":
        return "jsonl"
    return "csv"


def _open_binary(path: Path) -> io.BufferedIOBase:
    with open(path, "rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def detect_encoding(sample: bytes) -> str:
    """The encoding of a text export from its first bytes: a BOM, else UTF-8 if it
    decodes, else Windows-1252 (the usual non-UTF-8 export, a superset of Latin-1's
    printable range)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as err:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        if err.start >= len(sample) - 3 and err.reason == "unexpected end of data":
            return "utf-8"
        return "cp1252"


def _read_csv(path: Path, options: FileOptions) -> Iterator[Row]:
    csv.field_size_limit(min(CSV_FIELD_LIMIT, sys.maxsize))
    with _open_binary(path) as probe:
        sample = probe.read(1 << 16)
    encoding = options.encoding or detect_encoding(sample)
    try:
        codecs.lookup(encoding)
    except LookupError as err:
        raise FileImportError(f"{path}: unknown encoding {encoding!r}") from err
    if encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        encoding = "utf-8-sig"  # a BOM, if any, is not part of the first column's name
    delimiter = (options.delimiter or "").replace("\\t", "\t") or _sniff_delimiter(
        sample.decode(encoding, errors="replace"), path
    )
    # Bytes that do not decode become U+FFFD instead of stopping a long import.
    with io.TextIOWrapper(_open_binary(path), encoding=encoding, errors="replace", newline="") as text:
        reader = csv.reader(text, delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            raise FileImportError(f"{path}: cannot read the CSV header: {err}") from err
        header = [name.strip() for name in header]
        if not any(header):
            raise FileImportError(f"{path}: the first line is empty; expected a header row")
        width = len(header)
        line = reader.line_num
        while True:
            start = line + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as err:
                line = reader.line_num
                yield Row(start, None, f"malformed CSV: {err}")
                continue
            line = reader.line_num
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            if len(cells) != width:
                yield Row(
                    start,
                    None,
                    f"expected {width} columns, found {len(cells)}",
                    json.dumps(cells[:50], ensure_ascii=False)[:100_000],
                )
                continue
            yield Row(start, dict(zip(header, cells, strict=True)))


def _sniff_delimiter(sample: str, path: Path) -> str:
    if path.suffix.lower() == ".tsv":
        return "\t"
    first_line = sample.split("\n", 1)[0]
    counts = {d: first_line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _read_jsonl(path: Path) -> Iterator[Row]:
    with _open_binary(path) as handle:
        for number, line in enumerate(handle, start=1):
            stripped = line.strip()
            if not stripped:
                continue
            try:
                record = json.loads(stripped.decode("utf-8-sig" if number == 1 else "utf-8"))
            except UnicodeDecodeError:
                try:
                    record = json.loads(stripped.decode("cp1252"))
                except (json.JSONDecodeError, UnicodeDecodeError) as err:
                    yield Row(number, None, f"broken JSON line: {err}", _clip(stripped))
                    continue
            except json.JSONDecodeError as err:
                yield Row(number, None, f"broken JSON line: {err.msg} at column {err.colno}", _clip(stripped))
                continue
            except RecursionError:
                yield Row(number, None, "broken JSON line: nested too deeply", _clip(stripped))
                continue
            if not isinstance(record, dict):
                yield Row(
                    number, None, f"expected a JSON object, got {type(record).__name__}", _clip(stripped)
                )
                continue
            yield Row(number, record)


def _read_json_array(path: Path) -> Iterator[Row]:
    """A file holding one JSON array of objects (what many scrapers export), streamed
    item by item; the row number is the item's position in the array."""
    import ijson

    number = 0
    with _open_binary(path) as handle:
        try:
            for number, item in enumerate(ijson.items(handle, "item", use_float=True), start=1):
                if isinstance(item, dict):
                    yield Row(number, item)
                else:
                    yield Row(
                        number,
                        None,
                        f"expected a JSON object, got {type(item).__name__}",
                        _clip(str(item).encode()),
                    )
        except (ijson.JSONError, UnicodeDecodeError) as err:
            raise FileImportError(f"{path}: the JSON array breaks after item {number} ({err})") from err


def _read_xlsx(path: Path) -> Iterator[Row]:
    """The first sheet of an Excel workbook; the first row holds the column names."""
    from zipfile import BadZipFile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    # A handle, not the path: openpyxl refuses by name a workbook whose file name does
    # not end in .xlsx (a sniffed export named .dat, say).
    with _open_binary(path) as handle:
        try:
            workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        except (BadZipFile, OSError, KeyError, ValueError, InvalidFileException) as err:
            raise FileImportError(f"{path}: not a readable Excel workbook ({err})") from err
        try:
            rows = workbook.worksheets[0].iter_rows(values_only=True)
            header_cells = next(rows, None)
            if header_cells is None:
                return
            header = [str(cell).strip() if cell is not None else "" for cell in header_cells]
            if not any(header):
                raise FileImportError(f"{path}: the first row is empty; expected column names")
            for number, cells in enumerate(rows, start=2):
                if cells is None or all(cell is None or str(cell).strip() == "" for cell in cells):
                    continue
                record = {name: cell for name, cell in zip(header, cells, strict=False) if name}
                yield Row(number, record)
        finally:
            workbook.close()


def _read_parquet(path: Path, chunk_rows: int) -> Iterator[Row]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as err:
        raise FileImportError(f"{path}: not a readable Parquet file ({err})") from err
    number = 0
    try:
        for batch in parquet.iter_batches(batch_size=chunk_rows):
            for record in batch.to_pylist():
                number += 1
                yield Row(number, record)
    except (pa.ArrowException, OSError) as err:
        raise FileImportError(f"{path}: Parquet file is damaged after row {number} ({err})") from err


def _plan_columns(mapping: dict[str, str], available: list[str], path: Path) -> dict[str, tuple[str, ...]]:
    plan: dict[str, tuple[str, ...]] = {}
    lowered = {name.lower(): name for name in available}
    for name, expression in mapping.items():
        columns = tuple(part.strip() for part in expression.split("+") if part.strip())
        for column in columns:
            _check_column(column, available, path, name)
        plan[name] = columns
    for name in FIELDS:
        if name in plan:
            continue
        for alias in ALIASES.get(name, ()):
            if alias in lowered and lowered[alias] not in {c for cols in plan.values() for c in cols}:
                plan[name] = (lowered[alias],)
                break
    return plan


def _check_column(column: str, available: list[str], path: Path, field: str) -> None:
    top = column.split(".", 1)[0]
    if column not in available and top not in available:
        raise FileImportError(
            f"{path}: column {column!r} (for {field}) is not in the file; available: {_listing(available)}"
        )


def _listing(names: Iterable[str]) -> str:
    names = list(names)
    shown = ", ".join(repr(n) for n in names[:40])
    return shown + (f" and {len(names) - 40} more" if len(names) > 40 else "") if names else "none"


def _getter(columns: tuple[str, ...]) -> Callable[[dict[str, Any]], Any]:
    """``_extract`` for one planned field, with the common case (one column, present by
    that exact name, as in every CSV row) a single dict lookup."""
    if len(columns) != 1:
        return lambda record: _extract(record, columns)
    (column,) = columns

    def get(record: dict[str, Any]) -> Any:
        try:
            return record[column]
        except KeyError:
            return _lookup(record, column)

    return get


def _extract(record: dict[str, Any], columns: tuple[str, ...]) -> Any:
    if len(columns) == 1:
        return _lookup(record, columns[0])
    parts = []
    for column in columns:
        value = _lookup(record, column)
        if value is not None:
            text = str(value).strip()
            if text:
                parts.append(text)
    return " ".join(parts) if parts else None


def _lookup(record: dict[str, Any], column: str) -> Any:
    if column in record:
        return record[column]
    value: Any = record
    for key in column.split("."):
        if isinstance(value, dict) and key in value:
            value = value[key]
        elif isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        else:
            return None
    return value


def _optional_text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


# json.dumps with options builds an encoder per call; one shared encoder writes the same text.
# Records come from parsed files, so they cannot refer to themselves: no circularity check.
_RAW_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str, check_circular=False)


def _raw(record: dict[str, Any]) -> str:
    text = _RAW_ENCODER.encode(record)
    return text if len(text) <= 200_000 else text[:200_000]


def _clip(line: bytes) -> str:
    return line[:100_000].decode("utf-8", errors="replace")
