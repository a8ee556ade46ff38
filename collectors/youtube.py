"""YouTube comments (Data API v3 ``commentThreads``) on configured videos or on the
videos a search finds; the API key comes from the environment variable the config names.

Each video keeps its own cursor: comments come newest first (``order=time``), a run
pages back with ``pageToken`` to the previous run's newest comment, and a sweep cut short
by ``max_pages`` resumes from its token. A video with comments turned off becomes a
reject and the others go on. The key travels as a query parameter, so every URL that
reaches a message or a reject is redacted.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from pydantic import Field

from collectors.http import (
    BadResponse,
    FetchError,
    HttpClient,
    HttpCollector,
    HttpOptions,
    secret_from_env,
    unique_posts,
)
from collectors.query import YOUTUBE
from monitor.models import Post, Reject, normalise_text, parse_count, parse_timestamp, raw_json
from monitor.sources import Batch


class YouTubeOptions(HttpOptions):
    """A ``type: youtube`` source."""

    base_url: str = "https://www.googleapis.com/youtube/v3"
    key_env: str = "YOUTUBE_API_KEY"
    videos: list[str] = Field(default_factory=list, description="video ids (else: the videos a search finds)")
    search: str | None = Field(default=None, description="the q of the video search (default: the query)")
    search_videos: int = Field(default=10, ge=1, le=50, description="videos taken from the search")
    filter_comments: bool | None = Field(
        default=None, description="apply the query to comments (default: only for configured videos)"
    )
    page_size: int = Field(default=100, ge=1, le=100)


class YouTubeCollector(HttpCollector):
    """Top-level comments of each video, with their like and reply counts."""

    Options: ClassVar[type[YouTubeOptions]] = YouTubeOptions
    platform: ClassVar[str] = "youtube"
    options: YouTubeOptions

    def fetch(self, cursor: Any) -> Iterator[Batch]:
        options = self.options
        state: dict[str, Any] = dict(cursor) if isinstance(cursor, dict) else {}
        key = secret_from_env(options.key_env, f"source {self.name}: YouTube API key")
        seen: set[str] = set()
        with self.client() as client:
            videos = list(options.videos)
            if not videos:
                try:
                    videos = self._search(client, key)
                except BadResponse as bad:
                    yield Batch(rejects=[bad.reject(self.name)], cursor=dict(state))
                    return
            filtering = (
                options.filter_comments if options.filter_comments is not None else bool(options.videos)
            )
            for video in videos:
                yield from self._sweep(client, key, video, state, seen, filtering)

    def _search(self, client: HttpClient, key: str) -> list[str]:
        q = self.options.search or (self.query.render(YOUTUBE) if self.query else None)
        if not q:
            raise ValueError(f"source {self.name}: YouTube needs videos, a query or a search")
        params = {"part": "snippet", "q": q, "type": "video", "order": "date", "key": key}
        params["maxResults"] = self.options.search_videos
        doc, url = client.get_json(f"{self.options.base_url}/search", params=params)
        if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
            raise BadResponse(url, "expected an object with items", raw_json(doc))
        return [
            i["id"]["videoId"] for i in doc["items"] if isinstance(i, dict) and i.get("id", {}).get("videoId")
        ]

    def _sweep(
        self, client: HttpClient, key: str, video: str, state: dict[str, Any], seen: set[str], filtering: bool
    ) -> Iterator[Batch]:
        options = self.options
        mine = dict(state.get(video) or {})
        newest_before = mine.get("newest")
        page = mine.get("page")
        newest = mine.get("sweep_newest") or newest_before
        for _ in range(options.max_pages):
            params = {
                "part": "snippet",
                "videoId": video,
                "maxResults": options.page_size,
                "order": "time",
                "textFormat": "plainText",
                "key": key,
            }
            if page:
                params["pageToken"] = page
            try:
                doc, url = client.get_json(f"{options.base_url}/commentThreads", params=params)
                if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
                    raise BadResponse(url, "expected an object with items", raw_json(doc))
            except BadResponse as bad:
                yield Batch(rejects=[bad.reject(self.name)], cursor=_with(state, video, mine))
                return
            except FetchError as err:
                if err.status not in (403, 404):
                    raise
                # Comments turned off, or the video is gone: that video only.
                yield Batch(rejects=[Reject(self.name, err.url, str(err))], cursor=_with(state, video, mine))
                return
            posts, rejects = self.convert_all(
                doc["items"], url, self.convert if filtering else self.convert_all_comments
            )
            stamps = [stamp for stamp in map(_published, doc["items"]) if stamp]
            if stamps:
                newest = max([s for s in (newest, *stamps) if s])
            page = doc.get("nextPageToken")
            reached_old = bool(stamps) and newest_before is not None and min(stamps) <= newest_before
            if not page or not doc["items"] or reached_old:
                mine = {"newest": newest, "page": None, "sweep_newest": None}
            else:
                mine = {"newest": newest_before, "page": page, "sweep_newest": newest}
            yield Batch(unique_posts(posts, seen), rejects, cursor=_with(state, video, mine))
            if mine["page"] is None:
                return

    def convert_all_comments(self, thread: dict[str, Any]) -> Post | None:
        return self._convert(thread, filtering=False)

    def convert(self, thread: dict[str, Any]) -> Post | None:
        return self._convert(thread, filtering=True)

    def _convert(self, thread: dict[str, Any], filtering: bool) -> Post | None:
        snippet = thread["snippet"]
        comment = snippet["topLevelComment"]
        data = comment["snippet"]
        text = normalise_text(data.get("textOriginal") or data.get("textDisplay"))
        if not text or (filtering and not self.keep(text)):
            return None
        video = data.get("videoId") or snippet.get("videoId")
        return Post(
            platform="youtube",
            native_id=comment["id"],
            text=text,
            created_at=parse_timestamp(data["publishedAt"]),
            source=self.name,
            author=data.get("authorDisplayName"),
            url=f"https://www.youtube.com/watch?v={video}&lc={comment['id']}",
            likes=parse_count(data.get("likeCount")),
            replies=parse_count(snippet.get("totalReplyCount")),
            parent_id=video,
            raw=raw_json(thread),
        )


def _published(thread: Any) -> str | None:
    """When a comment thread was published (ISO, UTC), or None when it does not say."""
    try:
        return parse_timestamp(thread["snippet"]["topLevelComment"]["snippet"]["publishedAt"]).isoformat()
    except (KeyError, TypeError, ValueError):
        return None


def _with(state: dict[str, Any], video: str, mine: dict[str, Any]) -> dict[str, Any]:
    state[video] = mine
    return dict(state)
