"""Sources: the collector protocol, how collectors are found, and running one source.

A collector is configured from one YAML entry (validated by its own pydantic model),
yields ``Batch``es from the cursor it is handed, and each batch is written with its
cursor in one transaction. Kinds are found through the entry-point group
``ban_monitor.collectors`` or named as ``package.module:Class`` in the config.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, ClassVar, Protocol

from pydantic import BaseModel, ValidationError

from monitor.config import ConfigError, SourceConfig, format_validation_error
from monitor.models import Post, PostRows, Reject
from monitor.rollups import refresh_rollups, rolled_up_models
from monitor.store import Store, WriteResult, to_ts

ENTRY_POINT_GROUP = "ban_monitor.collectors"

# Built-in kinds, used when the package's entry points are not installed (a source checkout).
BUILTIN_KINDS = {
    "files": "collectors.files:FileCollector",
    "sample": "collectors.sample:SampleCollector",
    "zeeschuimer": "collectors.presets:PresetCollector",
    "bluesky": "collectors.bluesky:BlueskyCollector",
    "jetstream": "collectors.jetstream:JetstreamCollector",
    "mastodon": "collectors.mastodon:MastodonCollector",
    "reddit": "collectors.reddit:RedditCollector",
    "hackernews": "collectors.hackernews:HackerNewsCollector",
    "news": "collectors.news:NewsCollector",
    "youtube": "collectors.youtube:YouTubeCollector",
    "x": "collectors.x:XCollector",
}


@dataclass
class Batch:
    """Posts and rejects to write together, and the cursor to save with them."""

    posts: list[Post] | PostRows = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    cursor: Any = None
    # Rows read from the input so far (for progress bars); None when unknown.
    progress: int | None = None


class Collector(Protocol):
    """What every source kind implements."""

    Options: ClassVar[type[BaseModel]]

    def __init__(self, name: str, options: Any) -> None: ...

    def collect(self, cursor: Any) -> Iterator[Batch]: ...


def installed_kinds() -> dict[str, str]:
    """Every source kind this installation knows, as ``kind -> module:Class``."""
    kinds = dict(BUILTIN_KINDS)
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        kinds[entry.name] = entry.value
    return kinds


def load_collector_class(kind: str) -> type[Collector]:
    target = kind if ":" in kind else installed_kinds().get(kind)
    if target is None:
        known = ", ".join(sorted(installed_kinds()))
        raise ConfigError(f"unknown source type {kind!r} (installed: {known}; or use package.module:Class)")
    module_name, _, class_name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
        return getattr(module, class_name)
    except (ImportError, AttributeError) as err:
        raise ConfigError(f"cannot load source type {kind!r} from {target!r}: {err}") from err


def build_collector(
    source: SourceConfig, *, where: str = "sources", resolve: Callable[[Any], Any] | None = None
) -> Collector:
    """The collector for one configured source, its options validated.

    ``where`` prefixes error messages (for example ``configs/monitor.yaml: sources[2]``)."""
    cls = load_collector_class(source.type)
    options = source.options()
    try:
        parsed = cls.Options.model_validate(options)
    except ValidationError as err:
        raise ConfigError(format_validation_error(where, err, options)) from err
    if resolve is not None and hasattr(parsed, "resolve_paths"):
        parsed = parsed.resolve_paths(resolve)
    return cls(source.name, parsed)


ProgressCallback = Callable[[Batch, WriteResult], None]


def run_collector(
    store: Store,
    collector: Collector,
    source_name: str,
    *,
    cursor: Any = None,
    use_saved_cursor: bool = True,
    on_batch: ProgressCallback | None = None,
) -> tuple[WriteResult, int]:
    """Run one collector to the end, writing each batch with its cursor; the run is
    recorded. Returns what was written and the run id. Unexpected errors are recorded
    on the run and raised again. An interrupt (``KeyboardInterrupt``, ``SystemExit``) is raised at once, with
    nothing more written: it may have landed inside a write, whose transaction the
    driver then keeps open, with the write lock, until the process ends, so another write
    would wait out the lock. The run is left as a kill leaves it: the next start closes
    it and restores any index, and the rollups catch up by generation."""
    run_id = store.start_run("collect", source_name)
    total = WriteResult()
    if cursor is None and use_saved_cursor:
        cursor = store.get_cursor(source_name)
    oldest: int | None = None
    interrupted = False
    try:
        with store.deferred_post_indexes():  # into an empty store: indexes built at the end
            for batch in collector.collect(cursor):
                written = store.write_batch(
                    batch.posts, batch.rejects, source=source_name, cursor=batch.cursor, run_id=run_id
                )
                total += written
                if written.new and batch.posts:
                    first = (
                        batch.posts.oldest_ts()
                        if isinstance(batch.posts, PostRows)
                        else min(to_ts(post.created_at) for post in batch.posts)
                    )
                    oldest = first if oldest is None else min(oldest, first)
                if on_batch is not None:
                    on_batch(batch, written)
                del batch  # written: let it go before the collector builds the next one
    except Exception as err:
        store.finish_run(run_id, status="failed", result=total, error=f"{type(err).__name__}: {err}")
        raise
    except BaseException:
        interrupted = True
        raise
    finally:
        # What was committed shows in the rollups, even after a failure.
        if oldest is not None and not interrupted:
            for model in rolled_up_models(store):
                refresh_rollups(store, model, since_ts=oldest)
    store.finish_run(run_id, status="ok", result=total)
    return total, run_id
