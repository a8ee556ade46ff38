"""News feeds: RSS and Atom with feedparser, including query-built news search feeds.

A feed URL may hold ``{query}``, filled with the source's search (by default the query
in the usual news-search syntax), so one entry such as Google News'
``/search?q={query}`` follows a topic. Feeds are fetched with conditional requests
(``ETag``/``Last-Modified`` kept in the cursor), entries are matched against the query
locally, and a document that is not a feed becomes a reject with its URL.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from typing import Any, ClassVar
from urllib.parse import quote_plus

import feedparser
from pydantic import Field

from collectors.http import HttpCollector, HttpOptions, unique_posts
from collectors.query import X_SYNTAX
from monitor.models import (
    ParseError,
    Post,
    Reject,
    normalise_lang,
    normalise_text,
    parse_timestamp,
    raw_json,
    stable_id,
)
from monitor.sources import Batch

GOOGLE_NEWS_SEARCH = "/search?q={query}&hl=en-US&gl=US&ceid=US:en"


class NewsOptions(HttpOptions):
    """A ``type: news`` source."""

    base_url: str = "https://news.google.com/rss"
    feeds: list[str] = Field(
        default_factory=lambda: [GOOGLE_NEWS_SEARCH],
        description="feed URLs, or paths under base_url; {query} is replaced by the search",
    )
    search: str | None = Field(default=None, description="what fills {query} (default: the query)")


class NewsCollector(HttpCollector):
    """Articles from RSS/Atom feeds; one batch per feed."""

    Options: ClassVar[type[NewsOptions]] = NewsOptions
    platform: ClassVar[str] = "news"
    options: NewsOptions

    def feed_url(self, feed: str) -> str:
        url = feed if feed.lower().startswith(("http://", "https://")) else self.options.base_url + feed
        if "{query}" in url:
            search = self.options.search or (self.query.render(X_SYNTAX) if self.query else None)
            if not search:
                raise ValueError(f"source {self.name}: feed {feed!r} needs a query or search")
            url = url.replace("{query}", quote_plus(search))
        return url

    def fetch(self, cursor: Any) -> Iterator[Batch]:
        state: dict[str, Any] = dict(cursor) if isinstance(cursor, dict) else {}
        seen: set[str] = set()
        with self.client(
            {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"}
        ) as client:
            for feed in self.options.feeds:
                url = self.feed_url(feed)
                validators = state.get(feed) or {}
                headers = {}
                if validators.get("etag"):
                    headers["If-None-Match"] = validators["etag"]
                if validators.get("modified"):
                    headers["If-Modified-Since"] = validators["modified"]
                response = client.get(url, headers=headers)
                if response.status_code == 304:
                    continue
                state[feed] = {
                    "etag": response.headers.get("etag"),
                    "modified": response.headers.get("last-modified"),
                }
                shown = str(response.url)
                parsed = feedparser.parse(response.content, response_headers=dict(response.headers))
                if not parsed.entries and not parsed.get("version"):
                    problem = parsed.get("bozo_exception")
                    reason = "not an RSS or Atom feed" + (f": {problem}" if problem else "")
                    body = response.content[:20_000].decode("utf-8", errors="replace")
                    yield Batch(rejects=[Reject(self.name, shown, reason, body)], cursor=dict(state))
                    continue
                language = parsed.feed.get("language")
                posts, rejects = self.convert_all(
                    list(parsed.entries), shown, partial(self.convert, language=language)
                )
                yield Batch(unique_posts(posts, seen), rejects, cursor=dict(state))

    def convert(self, entry: Any, language: str | None) -> Post | None:
        title = normalise_text(entry.get("title")) or None
        body = entry.get("summary") or ""
        if not body and entry.get("content"):
            body = entry["content"][0].get("value", "")
        text = normalise_text(body) or title or ""
        if not text or not self.keep(title, text):
            return None
        link = entry.get("link")
        ident = link or entry.get("id")
        if not ident:
            raise ParseError("entry has neither a link nor an id")
        source = entry.get("source") or {}
        return Post(
            platform="news",
            native_id=stable_id(ident),
            text=text,
            created_at=_entry_time(entry),
            source=self.name,
            author=entry.get("author") or source.get("title"),
            title=title,
            lang=normalise_lang(language),
            url=link if link and link.lower().startswith(("http://", "https://")) else None,
            raw=raw_json(
                {k: entry.get(k) for k in ("id", "link", "title", "summary", "published", "author")}
            ),
        )


def _entry_time(entry: Any) -> datetime:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            return datetime(*parsed[:6], tzinfo=UTC)
    for key in ("published", "updated"):
        if entry.get(key):
            return parse_timestamp(entry[key])
    raise ParseError("entry has no date")
