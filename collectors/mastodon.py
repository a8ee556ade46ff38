"""Mastodon hashtag timelines (``/api/v1/timelines/tag/:hashtag``) on several instances.

Each instance keeps its own cursor: a run pages back from the newest status
(``max_id``) to the last run's newest (``since_id``); a sweep cut short by ``max_pages``
resumes where it stopped. ``any``/``all``/``none`` combine hashtags on the server; the
source's query is applied locally to the status text (HTML turned into text). Post ids
are the statuses' ActivityPub URIs, so a status seen on two instances is stored once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from pydantic import Field, field_validator

from collectors.http import (
    BadResponse,
    HttpClient,
    HttpCollector,
    HttpOptions,
    secret_from_env,
    unique_posts,
)
from monitor.models import Post, normalise_lang, normalise_text, parse_count, parse_timestamp, raw_json
from monitor.sources import Batch


class MastodonOptions(HttpOptions):
    """A ``type: mastodon`` source."""

    base_url: str = "https://mastodon.social"
    instances: list[str] = Field(default_factory=list, description="instance URLs (default: base_url)")
    tag: str = Field(description="the hashtag of the timeline, without #")
    any: list[str] = Field(default_factory=list, description="also statuses with any of these tags")
    all: list[str] = Field(default_factory=list, description="only statuses with all of these tags")
    none: list[str] = Field(default_factory=list, description="no statuses with any of these tags")
    local: bool = False
    token_env: str | None = Field(default=None, description="environment variable with an access token")
    page_size: int = Field(default=40, ge=1, le=40)

    @field_validator("tag", "any", "all", "none", mode="before")
    @classmethod
    def _strip_hash(cls, value: Any) -> Any:
        if isinstance(value, str):
            return value.strip().lstrip("#")
        if isinstance(value, list):
            return [str(v).strip().lstrip("#") for v in value]
        return value

    @field_validator("instances")
    @classmethod
    def _instances(cls, value: list[str]) -> list[str]:
        for url in value:
            if not url.lower().startswith(("http://", "https://")):
                raise ValueError(f"expected an instance URL like https://mastodon.social, got {url!r}")
        return [url.rstrip("/") for url in value]


class MastodonCollector(HttpCollector):
    """Statuses from one hashtag timeline per instance."""

    Options: ClassVar[type[MastodonOptions]] = MastodonOptions
    platform: ClassVar[str] = "mastodon"
    options: MastodonOptions

    def fetch(self, cursor: Any) -> Iterator[Batch]:
        options = self.options
        state: dict[str, Any] = dict(cursor) if isinstance(cursor, dict) else {}
        headers = {}
        if options.token_env:
            token = secret_from_env(options.token_env, f"source {self.name}: Mastodon token")
            headers["Authorization"] = f"Bearer {token}"
        seen: set[str] = set()
        with self.client(headers) as client:
            for instance in options.instances or [options.base_url]:
                yield from self._sweep(client, instance, state, seen)

    def _sweep(
        self, client: HttpClient, instance: str, state: dict[str, Any], seen: set[str]
    ) -> Iterator[Batch]:
        options = self.options
        mine = dict(state.get(instance) or {})
        since_id = mine.get("since_id")
        max_id = mine.get("max_id")
        newest = mine.get("newest") or since_id
        url = f"{instance}/api/v1/timelines/tag/{options.tag}"
        for _ in range(options.max_pages):
            params: list[tuple[str, Any]] = [("limit", options.page_size)]
            params += [("any[]", t) for t in options.any]
            params += [("all[]", t) for t in options.all]
            params += [("none[]", t) for t in options.none]
            if options.local:
                params.append(("local", "true"))
            if since_id:
                params.append(("since_id", since_id))
            if max_id:
                params.append(("max_id", max_id))
            try:
                statuses, page_url = client.get_json(url, params=params)
                if not isinstance(statuses, list):
                    raise BadResponse(page_url, "expected a list of statuses", raw_json(statuses))
            except BadResponse as bad:
                yield Batch(rejects=[bad.reject(self.name)], cursor=_with(state, instance, mine))
                return
            posts, rejects = self.convert_all(statuses, page_url, self.convert)
            ids = [s["id"] for s in statuses if isinstance(s, dict) and isinstance(s.get("id"), str)]
            for status_id in ids:
                if newest is None or _id_key(status_id) > _id_key(newest):
                    newest = status_id
            if not ids or len(statuses) < options.page_size:
                mine = {"since_id": newest, "max_id": None, "newest": None}
                yield Batch(unique_posts(posts, seen), rejects, cursor=_with(state, instance, mine))
                return
            max_id = min(ids, key=_id_key)
            mine = {"since_id": since_id, "max_id": max_id, "newest": newest}
            yield Batch(unique_posts(posts, seen), rejects, cursor=_with(state, instance, mine))

    def convert(self, status: dict[str, Any]) -> Post | None:
        if status.get("reblog"):
            status = status["reblog"]
        text = normalise_text(status["content"])
        title = normalise_text(status.get("spoiler_text")) or None
        if not text or not self.keep(title, text):
            return None
        account = status["account"]
        return Post(
            platform="mastodon",
            native_id=status.get("uri") or status["url"],
            text=text,
            created_at=parse_timestamp(status["created_at"]),
            source=self.name,
            author=account.get("acct") or account["username"],
            title=title,
            lang=normalise_lang(status.get("language")),
            url=status.get("url") or status.get("uri"),
            likes=parse_count(status.get("favourites_count")),
            reposts=parse_count(status.get("reblogs_count")),
            replies=parse_count(status.get("replies_count")),
            parent_id=status.get("in_reply_to_id"),
            raw=raw_json(status),
        )


def _id_key(status_id: str) -> tuple[int, str]:
    """Mastodon ids are numeric strings that grow with time; compare them as numbers."""
    return (len(status_id), status_id) if status_id.isdigit() else (0, status_id)


def _with(state: dict[str, Any], instance: str, mine: dict[str, Any]) -> dict[str, Any]:
    state[instance] = mine
    return dict(state)
