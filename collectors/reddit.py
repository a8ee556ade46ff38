"""Reddit search and subreddit listings over OAuth, optionally with the comments of
matched posts.

The app's credentials come from the environment variables the config names (an
application-only ``client_credentials`` token: read-only access, no user password).
Listings come newest first; a run pages back with ``after`` to the newest post of the
previous run, and a sweep cut short by ``max_pages`` resumes from its ``after`` token.
Reddit asks for a descriptive User-Agent; the default names this tool.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar, Literal

import httpx
from pydantic import Field

from collectors.http import (
    BadResponse,
    HttpClient,
    HttpCollector,
    HttpOptions,
    secret_from_env,
    unique_posts,
)
from collectors.query import LUCENE
from monitor.models import Post, Reject, normalise_text, parse_count, parse_timestamp, raw_json
from monitor.sources import Batch

REDDIT_USER_AGENT = "python:ban-monitor:0.1 (social-media sentiment research about platform bans)"


class RedditOptions(HttpOptions):
    """A ``type: reddit`` source."""

    base_url: str = "https://oauth.reddit.com"
    auth_url: str = "https://www.reddit.com/api/v1/access_token"
    client_id_env: str = "REDDIT_CLIENT_ID"
    client_secret_env: str = "REDDIT_CLIENT_SECRET"
    mode: Literal["search", "new"] = Field(
        default="search", description="search (the query on Reddit's side) or new (subreddit listings)"
    )
    subreddits: list[str] = Field(default_factory=list, description="limit to these (required for new)")
    search: str | None = Field(default=None, description="the q sent to Reddit (default: the query)")
    comments: bool = Field(default=False, description="also fetch the comments of matched posts")
    comment_limit: int = Field(default=100, ge=1, le=500)
    page_size: int = Field(default=100, ge=1, le=100)
    user_agent: str = REDDIT_USER_AGENT


class RedditCollector(HttpCollector):
    """Posts (and optionally comments) for each target: one search, or each subreddit."""

    Options: ClassVar[type[RedditOptions]] = RedditOptions
    platform: ClassVar[str] = "reddit"
    options: RedditOptions

    def targets(self) -> list[tuple[str, str, dict[str, Any]]]:
        """(cursor key, listing path, fixed params) for every listing this source reads."""
        options = self.options
        if options.mode == "new":
            if not options.subreddits:
                raise ValueError(f"source {self.name}: mode new needs subreddits")
            return [(f"r/{sub}/new", f"/r/{sub}/new", {}) for sub in options.subreddits]
        q = options.search or (self.query.render(LUCENE) if self.query else None)
        if not q:
            raise ValueError(f"source {self.name}: Reddit search needs a query or search")
        search = {"q": q, "sort": "new", "t": "all", "type": "link"}
        if not options.subreddits:
            return [("search", "/search", search)]
        return [
            (f"r/{sub}/search", f"/r/{sub}/search", {**search, "restrict_sr": "1"})
            for sub in options.subreddits
        ]

    def fetch(self, cursor: Any) -> Iterator[Batch]:
        options = self.options
        state: dict[str, Any] = dict(cursor) if isinstance(cursor, dict) else {}
        targets = self.targets()
        client_id = secret_from_env(options.client_id_env, f"source {self.name}: Reddit client id")
        secret = secret_from_env(options.client_secret_env, f"source {self.name}: Reddit client secret")
        seen: set[str] = set()
        with self.client() as client:
            token, _ = client.post_json(
                options.auth_url,
                data={"grant_type": "client_credentials"},
                auth=httpx.BasicAuth(client_id, secret),
            )
            if not isinstance(token, dict) or not token.get("access_token"):
                raise BadResponse(options.auth_url, "no access_token in the token response")
            client.set_header("Authorization", f"bearer {token['access_token']}")
            for key, path, params in targets:
                yield from self._sweep(client, key, path, params, state, seen)

    def _sweep(
        self,
        client: HttpClient,
        key: str,
        path: str,
        params: dict[str, Any],
        state: dict[str, Any],
        seen: set[str],
    ) -> Iterator[Batch]:
        options = self.options
        mine = dict(state.get(key) or {})
        newest_before = float(mine.get("newest") or 0)
        after = mine.get("after")
        newest = float(mine.get("sweep_newest") or newest_before)
        for _ in range(options.max_pages):
            query = {**params, "limit": options.page_size, "raw_json": 1}
            if after:
                query["after"] = after
            try:
                doc, url = client.get_json(options.base_url + path, params=query)
                children = _listing_children(doc, url)
            except BadResponse as bad:
                state[key] = mine
                yield Batch(rejects=[bad.reject(self.name)], cursor=dict(state))
                return
            things = [c.get("data") if isinstance(c, dict) else c for c in children]
            posts, rejects = self.convert_all(things, url, self.convert_post)
            times = [float(t["created_utc"]) for t in things if isinstance(t, dict) and "created_utc" in t]
            newest = max([newest, *times])
            posts = unique_posts(posts, seen)
            if options.comments:
                for post in list(posts):
                    comments, comment_rejects = self._comments(client, post.native_id)
                    posts.extend(comments)
                    rejects.extend(comment_rejects)
            after = doc["data"].get("after")
            reached_old = bool(times) and newest_before > 0 and min(times) <= newest_before
            if not after or not children or reached_old:
                mine = {"newest": newest, "after": None, "sweep_newest": None}
            else:
                mine = {"newest": newest_before, "after": after, "sweep_newest": newest}
            state[key] = mine
            yield Batch(posts, rejects, cursor=dict(state))
            if mine["after"] is None:
                return

    def _comments(self, client: HttpClient, post_id: str) -> tuple[list[Post], list[Reject]]:
        try:
            doc, url = client.get_json(
                f"{self.options.base_url}/comments/{post_id}",
                params={"limit": self.options.comment_limit, "sort": "new", "raw_json": 1},
            )
            if not isinstance(doc, list) or len(doc) < 2:
                raise BadResponse(url, "expected [post listing, comment listing]", raw_json(doc))
            children = _listing_children(doc[1], url)
        except BadResponse as bad:
            return [], [bad.reject(self.name)]
        flat: list[Any] = []
        _flatten(children, flat)
        return self.convert_all(flat, url, self.convert_comment)

    def convert_post(self, data: dict[str, Any]) -> Post | None:
        title = normalise_text(data["title"]) or None
        body = normalise_text(data.get("selftext"))
        if not self.keep(title, body):
            return None
        text = " ".join(part for part in (title, body) if part)
        return Post(
            platform="reddit",
            native_id=data["id"],
            text=text,
            created_at=parse_timestamp(data["created_utc"]),
            source=self.name,
            author=data.get("author"),
            title=title,
            url="https://www.reddit.com" + data["permalink"] if data.get("permalink") else data.get("url"),
            likes=parse_count(data.get("score")),
            replies=parse_count(data.get("num_comments")),
            raw=raw_json(data),
        )

    def convert_comment(self, data: dict[str, Any]) -> Post | None:
        text = normalise_text(data["body"])
        if not text or text in ("[deleted]", "[removed]"):
            return None
        parent = data.get("parent_id") or ""
        return Post(
            platform="reddit",
            native_id=data["id"],
            text=text,
            created_at=parse_timestamp(data["created_utc"]),
            source=self.name,
            author=data.get("author"),
            url="https://www.reddit.com" + data["permalink"] if data.get("permalink") else None,
            likes=parse_count(data.get("score")),
            parent_id=parent.split("_", 1)[-1] or None,
            raw=raw_json({k: v for k, v in data.items() if k != "replies"}),
        )


def _listing_children(doc: Any, url: str) -> list[Any]:
    if not isinstance(doc, dict) or not isinstance(doc.get("data"), dict):
        raise BadResponse(url, "expected a Listing", raw_json(doc))
    children = doc["data"].get("children")
    if not isinstance(children, list):
        raise BadResponse(url, "expected a Listing with children", raw_json(doc))
    return children


def _flatten(children: list[Any], out: list[Any]) -> None:
    """Comments with their nested replies, depth first; "more" stubs are left out."""
    for child in children:
        if not isinstance(child, dict) or child.get("kind") == "more":
            continue
        data = child.get("data")
        out.append(data)
        replies = data.get("replies") if isinstance(data, dict) else None
        if isinstance(replies, dict):
            _flatten((replies.get("data") or {}).get("children") or [], out)
