"""Presets of the file collector for exports analysts actually have from platforms with
no public API: the NDJSON that the Zeeschuimer browser extension (and 4CAT, which
imports and re-exports it) writes for TikTok and Xiaohongshu (RedNote).

Each Zeeschuimer line wraps the platform's own item:
``{"nav_index": …, "item_id": …, "source_platform": "tiktok.com", "timestamp_collected": …,
"data": {…}}``; a preset is the column map (dotted paths into ``data``) that turns those
items into posts, plus how to build a post's link. ``a+b`` joins the parts that exist, so
one map covers the item shapes a platform serves (RedNote's ``note_card`` from the web
API and ``note`` embedded in pages).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from collectors.files import FileCollector, FileOptions
from collectors.query import QueryError, parse_query
from monitor.sources import Batch


@dataclass(frozen=True)
class Preset:
    """A named column map for one export format."""

    platform: str
    map: dict[str, str]
    url_template: str | None = None  # filled from the post: {native_id}, {author}
    description: str = ""


PRESETS: dict[str, Preset] = {
    "zeeschuimer-tiktok": Preset(
        platform="tiktok",
        map={
            "id": "data.id",
            "text": "data.desc",
            "created_at": "data.createTime",
            "author": "data.author.uniqueId",
            "likes": "data.stats.diggCount",
            "reposts": "data.stats.shareCount",
            "replies": "data.stats.commentCount",
            "views": "data.stats.playCount",
            "lang": "data.textLanguage",
        },
        url_template="https://www.tiktok.com/@{author}/video/{native_id}",
        description="TikTok videos captured by Zeeschuimer (source_platform tiktok.com)",
    ),
    "zeeschuimer-xiaohongshu": Preset(
        platform="rednote",
        map={
            "id": "data.id",
            "title": "data.note_card.display_title+data.note_card.title+data.note.title",
            "text": "data.note_card.display_title+data.note_card.title+data.note_card.desc"
            "+data.note.title+data.note.desc",
            "created_at": "data.note_card.time+data.note.time",
            "author": "data.note_card.user.nickname+data.note.user.nickname",
            "likes": "data.note_card.interact_info.liked_count+data.note.interactInfo.likedCount",
            "replies": "data.note_card.interact_info.comment_count+data.note.interactInfo.commentCount",
            "reposts": "data.note_card.interact_info.share_count+data.note.interactInfo.shareCount",
        },
        url_template="https://www.xiaohongshu.com/explore/{native_id}",
        description="Xiaohongshu (RedNote) notes captured by Zeeschuimer (source_platform xiaohongshu.com)",
    ),
}


class PresetOptions(BaseModel):
    """A ``type: zeeschuimer`` source: a preset and the export file."""

    model_config = ConfigDict(extra="forbid")

    preset: Literal["zeeschuimer-tiktok", "zeeschuimer-xiaohongshu"]
    path: Path
    query: str | None = Field(default=None, description="keep only posts matching this query")
    chunk_rows: int = Field(default=5000, ge=1, le=1_000_000)
    keep_raw: bool = True

    @field_validator("query")
    @classmethod
    def _query(cls, value: str | None) -> str | None:
        try:
            parse_query(value)
        except QueryError as err:
            raise ValueError(str(err)) from None
        return value

    def resolve_paths(self, resolve: Callable[[Path], Path]) -> PresetOptions:
        return self.model_copy(update={"path": resolve(self.path)})

    def file_options(self) -> FileOptions:
        preset = PRESETS[self.preset]
        return FileOptions(
            path=self.path,
            format="jsonl",
            platform=preset.platform,
            map=preset.map,
            chunk_rows=self.chunk_rows,
            keep_raw=self.keep_raw,
        )


class PresetCollector:
    """A file collector with a preset's column map; the file collector's cursor, so an
    unchanged export is not read again and a grown one resumes."""

    Options: ClassVar[type[BaseModel]] = PresetOptions

    def __init__(self, name: str, options: PresetOptions) -> None:
        self.name = name
        self.options = options
        self.preset = PRESETS[options.preset]
        self.query = parse_query(options.query)
        self.files = FileCollector(name, options.file_options())

    def collect(self, cursor: Any) -> Iterator[Batch]:
        for batch in self.files.collect(cursor):
            posts = [self._finish(post) for post in batch.posts if self._wanted(post)]
            yield Batch(posts, batch.rejects, batch.cursor, batch.progress)

    def _wanted(self, post: Any) -> bool:
        return self.query is None or self.query.matches(post.title, post.text)

    def _finish(self, post: Any) -> Any:
        if post.url or not self.preset.url_template:
            return post
        return replace(
            post, url=self.preset.url_template.format(native_id=post.native_id, author=post.author or "")
        )
