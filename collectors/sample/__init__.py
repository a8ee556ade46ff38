"""The bundled synthetic sample data set as a source (``type: sample``).

It is a file source over ``tiktok_ban_2025.jsonl.gz`` (made by ``generate.py``, seeded);
the file is generated on first use if it is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from collectors.files import FileCollector, FileOptions
from monitor.sources import Batch

SAMPLE_FILE = Path(__file__).with_name("tiktok_ban_2025.jsonl.gz")
SAMPLE_MAP = {
    "id": "post_id",
    "text": "text",
    "title": "title",
    "created_at": "created_at",
    "author": "author",
    "url": "url",
    "likes": "likes",
    "reposts": "reposts",
    "replies": "replies",
    "views": "views",
    "parent_id": "parent_id",
}


class SampleOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seed: int = 2025
    target: int = 24000


class SampleCollector:
    """Yields the synthetic posts; the default seed and size use the bundled file."""

    Options: ClassVar[type[BaseModel]] = SampleOptions

    def __init__(self, name: str, options: SampleOptions) -> None:
        self.name = name
        self.options = options

    def sample_path(self) -> Path:
        from collectors.sample.generate import write_sample

        if (self.options.seed, self.options.target) == (SampleOptions().seed, SampleOptions().target):
            if not SAMPLE_FILE.exists():
                write_sample(SAMPLE_FILE)
            return SAMPLE_FILE
        path = Path("data") / f"sample_{self.options.seed}_{self.options.target}.jsonl.gz"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            write_sample(path, seed=self.options.seed, target=self.options.target)
        return path

    def collect(self, cursor: Any) -> Iterator[Batch]:
        files = FileCollector(
            self.name,
            FileOptions(path=self.sample_path(), format="jsonl", platform="column:platform", map=SAMPLE_MAP),
        )
        yield from files.collect(cursor)
