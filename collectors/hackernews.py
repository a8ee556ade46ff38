"""Hacker News stories and comments through the HN Search (Algolia) ``search_by_date`` API.

Algolia returns at most 1,000 hits per query however many pages there are, so a long
period is split into time windows (``numericFilters=created_at_i>=…,created_at_i<…``),
and a window that still holds more than the cap is halved until it fits: no post is
lost to the cap. The cursor is the start of the first window not yet finished.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any, ClassVar

from pydantic import Field

from collectors.http import BadResponse, Duration, HttpClient, HttpCollector, HttpOptions, unique_posts
from monitor.models import Post, normalise_text, parse_count, parse_timestamp, raw_json
from monitor.sources import Batch


class HackerNewsOptions(HttpOptions):
    """A ``type: hackernews`` source."""

    base_url: str = "https://hn.algolia.com/api/v1"
    tags: str = Field(default="(story,comment)", description="Algolia tags filter")
    search: str | None = Field(default=None, description="query sent to Algolia (default: required words)")
    since: datetime | None = Field(default=None, description="first run starts here")
    until: datetime | None = Field(default=None, description="stop here (a backfill); default: now")
    lookback: Duration = Field(default=timedelta(days=1), description="first run without since")
    window: Duration = Field(default=timedelta(days=1), description="longest time window per query")
    lag: Duration = Field(default=timedelta(minutes=2), description="skip the newest minutes (not indexed)")
    hit_cap: int = Field(default=1000, ge=1, description="Algolia's hits limit per query")
    page_size: int = Field(default=200, ge=1, le=1000)
    max_pages: int = Field(default=100, ge=1)


class HackerNewsCollector(HttpCollector):
    """Stories and comments matching the query, oldest window first."""

    Options: ClassVar[type[HackerNewsOptions]] = HackerNewsOptions
    platform: ClassVar[str] = "hackernews"
    options: HackerNewsOptions

    def api_query(self) -> str:
        if self.options.search is not None:
            return self.options.search
        return " ".join(self.query.required_terms()) if self.query is not None else ""

    def fetch(self, cursor: Any) -> Iterator[Batch]:
        options = self.options
        now = int(time.time())
        if isinstance(cursor, dict) and cursor.get("since") is not None:
            start = int(cursor["since"])
        elif options.since is not None:
            start = int(parse_timestamp(options.since).timestamp())
        else:
            start = now - int(options.lookback.total_seconds())
        end = now - int(options.lag.total_seconds())
        if options.until is not None:
            end = min(end, int(parse_timestamp(options.until).timestamp()))
        budget = [options.max_pages]
        seen: set[str] = set()
        with self.client() as client:
            while start < end and budget[0] > 0:
                stop = min(start + int(options.window.total_seconds()), end)
                finished = yield from self._window(client, start, stop, budget, seen)
                if finished is None:
                    return
                start = finished

    def _window(
        self, client: HttpClient, start: int, stop: int, budget: list[int], seen: set[str]
    ) -> Iterator[Batch]:
        """Collect [start, stop), halving it while it holds more hits than the cap.
        Returns where the next window starts, or None when the run must end."""
        options = self.options
        page = 0
        while budget[0] > 0:
            budget[0] -= 1
            params = {
                "query": self.api_query(),
                "tags": options.tags,
                "numericFilters": f"created_at_i>={start},created_at_i<{stop}",
                "hitsPerPage": options.page_size,
                "page": page,
            }
            try:
                doc, url = client.get_json(f"{options.base_url}/search_by_date", params=params)
                if not isinstance(doc, dict) or not isinstance(doc.get("hits"), list):
                    raise BadResponse(url, "expected an object with a hits list", raw_json(doc))
            except BadResponse as bad:
                yield Batch(rejects=[bad.reject(self.name)], cursor={"since": start})
                return None
            total = doc.get("nbHits") or 0
            if page == 0 and total > options.hit_cap and stop - start > 1:
                stop = start + (stop - start) // 2  # too many for one query: a smaller window
                continue
            posts, rejects = self.convert_all(doc["hits"], url, self.convert)
            pages = int(doc.get("nbPages") or 0)
            last = not doc["hits"] or page + 1 >= pages or (page + 1) * options.page_size >= options.hit_cap
            yield Batch(unique_posts(posts, seen), rejects, cursor={"since": stop if last else start})
            if last:
                return stop
            page += 1
        return None

    def convert(self, hit: dict[str, Any]) -> Post | None:
        tags = hit.get("_tags") or []
        is_comment = "comment" in tags or hit.get("comment_text") is not None
        title = None if is_comment else normalise_text(hit.get("title")) or None
        text = normalise_text(hit.get("comment_text") or hit.get("story_text")) or (title or "")
        context = normalise_text(hit.get("story_title")) if is_comment else None
        if not text or not self.keep(title, text):
            return None
        object_id = str(hit["objectID"])
        parent = hit.get("parent_id") if is_comment else None
        return Post(
            platform="hackernews",
            native_id=object_id,
            text=text,
            created_at=parse_timestamp(hit.get("created_at_i") or hit["created_at"]),
            source=self.name,
            author=hit.get("author"),
            title=title or context,
            url=f"https://news.ycombinator.com/item?id={object_id}",
            likes=parse_count(hit.get("points")),
            replies=parse_count(hit.get("num_comments")),
            parent_id=None if parent is None else str(parent),
            raw=raw_json(hit),
        )
