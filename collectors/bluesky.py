"""Bluesky search: ``app.bsky.feed.searchPosts`` with an app-password session.

Logged-out search is refused by the public AppView, so the collector signs in with
``com.atproto.server.createSession`` (handle and app password from the environment
variables the config names). Results come newest first; a run pages back to the last
run's high-water mark (``since``), and a sweep cut short by ``max_pages`` resumes from
its page cursor. Post ids are the ``at://`` URIs, the same ids Jetstream produces.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, ClassVar, Literal

from pydantic import Field

from collectors.http import BadResponse, HttpCollector, HttpOptions, secret_from_env, unique_posts
from collectors.query import LUCENE
from monitor.models import Post, normalise_lang, normalise_text, parse_count, parse_timestamp, raw_json
from monitor.sources import Batch


class BlueskyOptions(HttpOptions):
    """A ``type: bluesky`` source."""

    base_url: str = "https://bsky.social/xrpc"
    handle_env: str = "BLUESKY_HANDLE"
    password_env: str = "BLUESKY_APP_PASSWORD"
    search: str | None = Field(default=None, description="the q sent to the API (default: the query)")
    lang: str | None = None
    since: datetime | None = Field(default=None, description="first run starts here")
    until: datetime | None = None
    sort: Literal["latest", "top"] = "latest"
    page_size: int = Field(default=100, ge=1, le=100)


class BlueskyCollector(HttpCollector):
    """Posts matching the query, page by page; the cursor is the sweep's state."""

    Options: ClassVar[type[BlueskyOptions]] = BlueskyOptions
    platform: ClassVar[str] = "bluesky"
    options: BlueskyOptions

    def api_query(self) -> str:
        if self.options.search:
            return self.options.search
        if self.query is None:
            raise ValueError(f"source {self.name}: Bluesky search needs a query or search")
        return self.query.render(LUCENE)

    def fetch(self, cursor: Any) -> Iterator[Batch]:
        options = self.options
        state = cursor if isinstance(cursor, dict) else {}
        since = _parse_optional(state.get("since")) or _parse_optional(options.since)
        page_cursor = state.get("page")
        newest = _parse_optional(state.get("newest")) or since
        handle = secret_from_env(options.handle_env, f"source {self.name}: Bluesky handle")
        password = secret_from_env(options.password_env, f"source {self.name}: Bluesky app password")
        seen: set[str] = set()
        with self.client() as client:
            session, _ = client.post_json(
                f"{options.base_url}/com.atproto.server.createSession",
                json={"identifier": handle, "password": password},
            )
            token = session.get("accessJwt") if isinstance(session, dict) else None
            if not token:
                raise BadResponse(f"{options.base_url}/com.atproto.server.createSession", "no accessJwt")
            client.set_header("Authorization", f"Bearer {token}")
            for _ in range(options.max_pages):
                params: dict[str, Any] = {
                    "q": self.api_query(),
                    "sort": options.sort,
                    "limit": options.page_size,
                }
                if since is not None:
                    params["since"] = _iso(since)
                if options.until is not None:
                    params["until"] = _iso(_parse_optional(options.until))
                if options.lang:
                    params["lang"] = options.lang
                if page_cursor:
                    params["cursor"] = page_cursor
                resume = {"since": _iso(since), "page": page_cursor, "newest": _iso(newest)}
                try:
                    doc, url = client.get_json(f"{options.base_url}/app.bsky.feed.searchPosts", params=params)
                    if not isinstance(doc, dict) or not isinstance(doc.get("posts"), list):
                        raise BadResponse(url, "expected an object with a posts list", raw_json(doc))
                except BadResponse as bad:
                    yield Batch(rejects=[bad.reject(self.name)], cursor=resume)
                    return
                posts, rejects = self.convert_all(doc["posts"], url, self.convert)
                for post in posts:
                    newest = post.created_at if newest is None or post.created_at > newest else newest
                next_cursor = doc.get("cursor")
                if not next_cursor or not doc["posts"]:
                    # The sweep reached the previous high-water mark: the next run starts from here.
                    done = {"since": _iso(newest), "page": None, "newest": None}
                    yield Batch(unique_posts(posts, seen), rejects, cursor=done)
                    return
                page_cursor = next_cursor
                resume = {"since": _iso(since), "page": page_cursor, "newest": _iso(newest)}
                yield Batch(unique_posts(posts, seen), rejects, cursor=resume)

    def convert(self, item: dict[str, Any]) -> Post | None:
        record = item["record"]
        text = normalise_text(record.get("text"))
        if not text or not self.keep(text):
            return None
        uri = item["uri"]
        author = item["author"]["handle"]
        indexed = item.get("indexedAt")
        created = parse_timestamp(record["createdAt"])
        # The search API's since/until work on the earlier of createdAt and indexedAt.
        if indexed:
            created = min(created, parse_timestamp(indexed))
        langs = record.get("langs") or [None]
        parent = (record.get("reply") or {}).get("parent") or {}
        return Post(
            platform="bluesky",
            native_id=uri,
            text=text,
            created_at=created,
            source=self.name,
            author=author,
            lang=normalise_lang(langs[0]),
            url=f"https://bsky.app/profile/{author}/post/{uri.rsplit('/', 1)[-1]}",
            likes=parse_count(item.get("likeCount")),
            reposts=parse_count(item.get("repostCount")),
            replies=parse_count(item.get("replyCount")),
            parent_id=parent.get("uri"),
            raw=raw_json(item),
        )


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat().replace("+00:00", "Z")


def _parse_optional(value: Any) -> datetime | None:
    return None if value in (None, "") else parse_timestamp(value)
