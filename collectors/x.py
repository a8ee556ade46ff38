"""X (Twitter) API v2 recent search (``GET /2/tweets/search/recent``), for those who
pay for API access; the bearer token comes from the environment variable the config names.

The query goes to X in its own boolean syntax (``-is:retweet`` and the like may be added
with ``extra``). A run pages with ``next_token`` and asks only for tweets newer than the
last run's newest (``since_id``); a sweep cut short by ``max_pages`` resumes from its token.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any, ClassVar

from pydantic import Field

from collectors.http import BadResponse, HttpCollector, HttpOptions, secret_from_env, unique_posts
from collectors.query import X_SYNTAX, Or
from monitor.models import Post, normalise_lang, normalise_text, parse_count, parse_timestamp, raw_json
from monitor.sources import Batch

TWEET_FIELDS = "created_at,public_metrics,lang,author_id,conversation_id,referenced_tweets"


class XOptions(HttpOptions):
    """A ``type: x`` source."""

    base_url: str = "https://api.x.com/2"
    bearer_env: str = "X_BEARER_TOKEN"
    search: str | None = Field(default=None, description="the query sent to X (default: the query)")
    extra: str = Field(default="-is:retweet", description="operators appended to the query")
    page_size: int = Field(default=100, ge=10, le=100)
    requests_per_minute: float = Field(default=1, gt=0, description="the basic tier allows few requests")


class XCollector(HttpCollector):
    """Recent tweets matching the query."""

    Options: ClassVar[type[XOptions]] = XOptions
    platform: ClassVar[str] = "x"
    options: XOptions

    def api_query(self) -> str:
        if self.options.search:
            base = self.options.search
        elif self.query is not None:
            base = self.query.render(X_SYNTAX)
            if isinstance(self.query.root, Or):
                base = f"({base})"  # X applies AND before OR: keep the extra operators outside
        else:
            raise ValueError(f"source {self.name}: X search needs a query or search")
        return f"{base} {self.options.extra}".strip()

    def fetch(self, cursor: Any) -> Iterator[Batch]:
        options = self.options
        state = dict(cursor) if isinstance(cursor, dict) else {}
        since_id = state.get("since_id")
        next_token = state.get("next_token")
        newest = state.get("newest") or since_id
        token = secret_from_env(options.bearer_env, f"source {self.name}: X bearer token")
        seen: set[str] = set()
        with self.client({"Authorization": f"Bearer {token}"}) as client:
            for _ in range(options.max_pages):
                params: dict[str, Any] = {
                    "query": self.api_query(),
                    "max_results": options.page_size,
                    "tweet.fields": TWEET_FIELDS,
                    "expansions": "author_id",
                    "user.fields": "username",
                }
                if since_id:
                    params["since_id"] = since_id
                if next_token:
                    params["next_token"] = next_token
                resume = {"since_id": since_id, "next_token": next_token, "newest": newest}
                try:
                    doc, url = client.get_json(f"{options.base_url}/tweets/search/recent", params=params)
                    if not isinstance(doc, dict) or not isinstance(doc.get("meta", {}), dict):
                        raise BadResponse(url, "expected an object with meta", raw_json(doc))
                except BadResponse as bad:
                    yield Batch(rejects=[bad.reject(self.name)], cursor=resume)
                    return
                users = {
                    u.get("id"): u.get("username")
                    for u in (doc.get("includes") or {}).get("users", [])
                    if isinstance(u, dict)
                }
                tweets = doc.get("data") or []
                posts, rejects = self.convert_all(tweets, url, partial(self.convert, users=users))
                meta = doc.get("meta") or {}
                page_newest = meta.get("newest_id")
                if page_newest and (newest is None or int(page_newest) > int(newest)):
                    newest = page_newest
                next_token = meta.get("next_token")
                if not next_token or not tweets:
                    done = {"since_id": newest, "next_token": None, "newest": None}
                    yield Batch(unique_posts(posts, seen), rejects, cursor=done)
                    return
                resume = {"since_id": since_id, "next_token": next_token, "newest": newest}
                yield Batch(unique_posts(posts, seen), rejects, cursor=resume)

    def convert(self, tweet: dict[str, Any], users: dict[str, str]) -> Post | None:
        text = normalise_text(tweet["text"])
        if not text or not self.keep(text):
            return None
        metrics = tweet.get("public_metrics") or {}
        author = users.get(tweet.get("author_id")) or tweet.get("author_id")
        replied = [r["id"] for r in tweet.get("referenced_tweets") or [] if r.get("type") == "replied_to"]
        return Post(
            platform="x",
            native_id=str(tweet["id"]),
            text=text,
            created_at=parse_timestamp(tweet["created_at"]),
            source=self.name,
            author=author,
            lang=normalise_lang(tweet.get("lang")),
            url=f"https://x.com/{author or 'i'}/status/{tweet['id']}",
            likes=parse_count(metrics.get("like_count")),
            reposts=parse_count(metrics.get("retweet_count")),
            replies=parse_count(metrics.get("reply_count")),
            views=parse_count(metrics.get("impression_count")),
            parent_id=replied[0] if replied else None,
            raw=raw_json(tweet),
        )
