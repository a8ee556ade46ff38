"""Bluesky's Jetstream: the public JSON firehose over WebSocket, filtered locally.

The collector subscribes with ``wantedCollections=app.bsky.feed.post``, keeps the new
posts that match the source's query, and writes a batch every ``batch_events`` events or
``batch_seconds`` seconds, each with the ``time_us`` of the last event it covers, so the
cursor moves even when nothing matched. After a dropped connection (or in the next run)
it reconnects with ``cursor=`` that time, rewound a few seconds so no event falls in the
gap (replayed posts are upserts, so nothing doubles). A run listens for ``duration``.
Post ids are ``at://`` URIs, the same as the search collector's.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any, ClassVar
from urllib.parse import urlencode

from pydantic import Field
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
from websockets.sync.client import connect

from collectors.http import CollectorError, Duration, HttpCollector, HttpOptions, post_problem
from monitor.models import Post, Reject, normalise_lang, normalise_text, parse_timestamp, raw_json
from monitor.sources import Batch

log = logging.getLogger(__name__)

POST_COLLECTION = "app.bsky.feed.post"


class JetstreamOptions(HttpOptions):
    """A ``type: jetstream`` source."""

    base_url: str = "wss://jetstream2.us-east.bsky.network/subscribe"
    duration: Duration = Field(default=timedelta(seconds=60), description="how long one run listens")
    max_events: int | None = Field(default=None, ge=1, description="end the run after this many events")
    batch_events: int = Field(default=2000, ge=1)
    batch_seconds: float = Field(default=5.0, gt=0)
    rewind: Duration = Field(
        default=timedelta(seconds=5), description="replay before the cursor on reconnect"
    )
    langs: list[str] = Field(default_factory=list, description="keep only posts in these languages")


class JetstreamCollector(HttpCollector):
    """New Bluesky posts from the firehose that match the query."""

    Options: ClassVar[type[JetstreamOptions]] = JetstreamOptions
    platform: ClassVar[str] = "bluesky"
    options: JetstreamOptions

    def subscribe_url(self, cursor_us: int | None) -> str:
        params: dict[str, Any] = {"wantedCollections": POST_COLLECTION}
        if cursor_us is not None:
            params["cursor"] = max(0, cursor_us - int(self.options.rewind.total_seconds() * 1_000_000))
        return f"{self.options.base_url}?{urlencode(params)}"

    def fetch(self, cursor: Any) -> Iterator[Batch]:
        options = self.options
        cursor_us = int(cursor) if isinstance(cursor, (int, float, str)) and str(cursor).isdigit() else None
        deadline = time.monotonic() + options.duration.total_seconds()
        events = 0
        failures = 0
        pending = Batch(cursor=cursor_us)
        pending_events = 0
        flushed_at = time.monotonic()
        while not self.stop.is_set() and time.monotonic() < deadline:
            if options.max_events is not None and events >= options.max_events:
                break
            url = self.subscribe_url(cursor_us)
            try:
                with connect(
                    url, open_timeout=options.timeout, user_agent_header=options.user_agent
                ) as socket:
                    failures = 0
                    while not self.stop.is_set():
                        remaining = deadline - time.monotonic()
                        if remaining <= 0 or (
                            options.max_events is not None and events >= options.max_events
                        ):
                            break
                        try:
                            message = socket.recv(timeout=min(remaining, options.batch_seconds))
                        except TimeoutError:
                            message = None
                        if message is not None:
                            events += 1
                            pending_events += 1
                            cursor_us = self._take(message, url, pending, cursor_us)
                            pending.cursor = cursor_us
                        due = time.monotonic() - flushed_at >= options.batch_seconds
                        if pending_events >= options.batch_events or (due and pending.cursor is not None):
                            yield pending
                            pending, pending_events, flushed_at = Batch(cursor=cursor_us), 0, time.monotonic()
            except (ConnectionClosed, InvalidHandshake, OSError, TimeoutError) as err:
                if isinstance(err, InvalidURI):
                    raise
                failures += 1
                if failures > options.retries:
                    if pending.posts or pending.rejects:
                        yield pending
                    raise CollectorError(f"{options.base_url}: {type(err).__name__}: {err}") from None
                delay = options.backoff * 2 ** (failures - 1)
                log.info(
                    "%s: connection lost (%s); reconnecting in %.2fs", self.name, type(err).__name__, delay
                )
                if pending.cursor is not None and (pending.posts or pending.rejects or pending_events):
                    yield pending
                    pending, pending_events, flushed_at = Batch(cursor=cursor_us), 0, time.monotonic()
                if self.stop.wait(delay):
                    break
        if pending.cursor is not None and (pending.posts or pending.rejects or pending_events):
            yield pending

    def _take(self, message: str | bytes, url: str, batch: Batch, cursor_us: int | None) -> int | None:
        """Add one event to the batch (a post, a reject, or nothing); returns the new cursor."""
        try:
            event = json.loads(message)
            if not isinstance(event, dict):
                raise ValueError(f"expected a JSON object, got {type(event).__name__}")
        except (ValueError, UnicodeDecodeError) as err:
            text = message if isinstance(message, str) else message.decode("utf-8", errors="replace")
            batch.rejects.append(Reject(self.name, url, f"event is not JSON: {err}", text[:20_000]))
            return cursor_us
        time_us = event.get("time_us")
        if isinstance(time_us, int) and (cursor_us is None or time_us > cursor_us):
            cursor_us = time_us
        commit = event.get("commit")
        if event.get("kind") != "commit" or not isinstance(commit, dict):
            return cursor_us
        if commit.get("collection") != POST_COLLECTION or commit.get("operation") != "create":
            return cursor_us
        try:
            post = self.convert(event)
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            reason = f"{type(err).__name__}: {err}" if isinstance(err, KeyError) else str(err)
            batch.rejects.append(Reject(self.name, f"{url}#time_us={time_us}", reason, raw_json(event)))
            return cursor_us
        if post is not None:
            problem = post_problem(post)
            if problem is None:
                batch.posts.append(post)
            else:
                batch.rejects.append(Reject(self.name, f"{url}#time_us={time_us}", problem, raw_json(event)))
        return cursor_us

    def convert(self, event: dict[str, Any]) -> Post | None:
        commit = event["commit"]
        record = commit["record"]
        text = normalise_text(record.get("text"))
        langs = record.get("langs") or [None]
        if self.options.langs and not set(self.options.langs) & set(langs):
            return None
        if not text or not self.keep(text):
            return None
        did = event["did"]
        rkey = commit["rkey"]
        parent = (record.get("reply") or {}).get("parent") or {}
        return Post(
            platform="bluesky",
            native_id=f"at://{did}/{POST_COLLECTION}/{rkey}",
            text=text,
            created_at=parse_timestamp(record["createdAt"]),
            source=self.name,
            author=did,
            lang=normalise_lang(langs[0]),
            url=f"https://bsky.app/profile/{did}/post/{rkey}",
            parent_id=parent.get("uri"),
            raw=raw_json(event),
        )
