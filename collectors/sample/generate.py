"""Generator of the bundled synthetic sample data set about the January 2025 US TikTok ban.

Every post in the data set is made up. Nothing is copied from a real platform and every
row says ``"synthetic": true``. The script is deterministic: the same seed gives the same
posts, byte for byte, so the file in the repository can always be regenerated.

How it is made:

1. Volume. Each stream of posts (one per platform; RedNote has a US and a Chinese stream)
   gets an hourly intensity from 2025-01-01 to 2025-02-28 (UTC): a base level plus bursts
   that decay after the real events (Jan 10 hearing, Jan 13 RedNote surge and the Musk
   sale reports, Jan 17 ruling, Jan 19 blackout and return, Jan 20 executive order), times
   a weekday factor and a local time-of-day curve. Post times are drawn from it.
2. Content. Each post gets a topic and a tone from mixes that depend on the platform and
   on the phase of the story, then text built from the templates in ``phrases.py``: slot
   fillers, extra sentences, openers, closers, emoji, hashtags, slang, typos and casing.
   Some posts repeat a popular post (reposts) and many reply to an earlier post.
   Topic and tone only steer the wording; they are not written to the output.
3. Records. Authors come from per-platform pools of generated handles with a few
   prolific accounts; engagement is lognormal with a heavy tail; ids and URLs follow each
   platform's format (ids derived from the timestamp where the real ones are).

Run ``python -m collectors.sample.generate`` to rewrite ``tiktok_ban_2025.jsonl.gz``.
"""

from __future__ import annotations

import argparse
import bisect
import gzip
import json
import math
import re
import sys
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random
from typing import Any

from collectors.sample import phrases
from collectors.sample.phrases import Block

DEFAULT_PATH = Path(__file__).with_name("tiktok_ban_2025.jsonl.gz")
DEFAULT_SEED = 2025
DEFAULT_TARGET = 24000

# fmt: off
OUTPUT_KEYS = (
    "post_id", "platform", "author", "title", "text", "created_at", "url",
    "likes", "reposts", "replies", "views", "parent_id", "synthetic",
)
# fmt: on

START = datetime(2025, 1, 1, tzinfo=UTC)
END = datetime(2025, 3, 1, tzinfo=UTC)
HOURS = int((END - START).total_seconds() // 3600)

# fmt: off
TOPICS = (
    "ban_politics", "security_privacy", "free_speech", "migration",
    "cultural_exchange", "creators_business", "ownership_deal", "other",
)
TONES = ("negative", "neutral", "positive")
# fmt: on


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


HEARING = _utc("2025-01-10T15:00")
REDNOTE_SURGE = _utc("2025-01-13T00:00")
MUSK_REPORT = _utc("2025-01-13T21:00")
RULING = _utc("2025-01-17T15:00")
DARK = _utc("2025-01-19T03:30")
BACK = _utc("2025-01-19T17:00")
ORDER = _utc("2025-01-20T23:00")
STORES_BACK = _utc("2025-02-13T22:00")

PHASES: tuple[tuple[str, datetime, datetime], ...] = (
    ("pre", START, HEARING),
    ("hearing", HEARING, REDNOTE_SURGE),
    ("exodus", REDNOTE_SURGE, RULING),
    ("ruling", RULING, DARK),
    ("dark", DARK, BACK),
    ("back", BACK, ORDER),
    ("order", ORDER, _utc("2025-01-28T00:00")),
    ("after", _utc("2025-01-28T00:00"), END),
)
"""The story in consecutive phases; every post falls in exactly one."""

WINDOWS: dict[str, tuple[datetime, datetime]] = {name: (start, end) for name, start, end in PHASES} | {
    "any": (START, END),
    "before_exodus": (START, REDNOTE_SURGE),
    "since_exodus": (REDNOTE_SURGE, END),
    "musk_report": (MUSK_REPORT, ORDER),
    "since_musk_report": (MUSK_REPORT, END),
    "since_ruling": (RULING, END),
    "since_back": (BACK, END),
    "since_order": (ORDER, END),
    "stores_back": (STORES_BACK, END),
    "spring_festival": (_utc("2025-01-25T00:00"), _utc("2025-02-06T00:00")),
    "super_bowl": (_utc("2025-02-07T00:00"), _utc("2025-02-11T00:00")),
}
"""Time windows that templates in ``phrases.py`` are tied to."""

# --------------------------------------------------------------------------- volume model

# fmt: off
US_DAY = (0.45, 0.3, 0.2, 0.15, 0.12, 0.15, 0.3, 0.55, 0.75, 0.85, 0.9, 0.95,
          1.0, 1.0, 0.95, 0.95, 1.0, 1.05, 1.1, 1.2, 1.25, 1.2, 1.0, 0.7)
"""Relative activity by hour of the day, US Eastern time."""
CHINA_DAY = (0.5, 0.3, 0.15, 0.08, 0.05, 0.05, 0.1, 0.3, 0.55, 0.7, 0.8, 0.85,
             1.0, 0.95, 0.8, 0.8, 0.85, 0.9, 1.0, 1.1, 1.2, 1.3, 1.25, 0.9)
"""Relative activity by hour of the day, China Standard Time."""
NEWSROOM_DAY = (0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 0.8, 1.2, 1.3, 1.3, 1.3, 1.2,
                1.2, 1.2, 1.1, 1.1, 1.0, 1.0, 0.8, 0.6, 0.5, 0.4, 0.3, 0.2)
"""Relative publishing activity of US newsrooms by hour, Eastern time."""

CLOCKS = {"us": (US_DAY, -5), "cn": (CHINA_DAY, 8), "newsroom": (NEWSROOM_DAY, -5)}

WEEKDAYS = {
    "social": (1.0, 1.02, 1.03, 1.0, 0.97, 0.88, 0.92),
    "video": (0.95, 0.95, 0.97, 1.0, 1.05, 1.12, 1.1),
    "news": (1.1, 1.1, 1.1, 1.05, 1.0, 0.55, 0.6),
    "forum": (1.05, 1.05, 1.05, 1.0, 0.95, 0.9, 0.95),
}
# fmt: on


@dataclass(frozen=True)
class Stream:
    """One flow of posts: a platform, its share of the data set, its clock and languages."""

    name: str
    platform: str
    share: float
    clock: str
    weekday: str
    base: float
    languages: tuple[tuple[str, float], ...] = (("en", 1.0),)


# fmt: off
STREAMS: tuple[Stream, ...] = (
    Stream("tiktok", "tiktok", 0.20, "us", "video", 1.0),
    Stream("x", "x", 0.22, "us", "social", 1.0),
    Stream("rednote_cn", "rednote", 0.095, "cn", "video", 0.04, (("zh", 0.7), ("mixed", 0.3))),
    Stream("rednote_us", "rednote", 0.075, "us", "video", 0.003, (("en", 0.92), ("mixed", 0.08))),
    Stream("reddit", "reddit", 0.13, "us", "forum", 1.0),
    Stream("bluesky", "bluesky", 0.09, "us", "social", 1.0),
    Stream("youtube", "youtube", 0.11, "us", "video", 1.0),
    Stream("mastodon", "mastodon", 0.045, "us", "social", 1.0),
    Stream("news", "news", 0.035, "newsroom", "news", 1.0),
)
# fmt: on


@dataclass(frozen=True)
class Event:
    """A burst of attention at ``at`` that decays with time constant ``tau_days``."""

    at: datetime
    tau_days: float
    amplitude: dict[str, float]
    lead_days: float = 0.0
    """If > 0, attention already builds up before the event (it was scheduled)."""

    def level(self, stream: str, at: datetime) -> float:
        amplitude = self.amplitude.get(stream, self.amplitude.get("*", 0.0))
        days = (at - self.at).total_seconds() / 86400
        if days >= 0:
            return amplitude * math.exp(-days / self.tau_days)
        if self.lead_days > 0:
            return 0.3 * amplitude * math.exp(days / self.lead_days)
        return 0.0


# fmt: off
EVENTS: tuple[Event, ...] = (
    Event(HEARING, 1.0, {"*": 1.5, "news": 2.5, "reddit": 2.0, "rednote_cn": 0.3, "rednote_us": 0.0}, 0.7),
    Event(REDNOTE_SURGE, 3.5, {"rednote_us": 60, "rednote_cn": 22, "tiktok": 1.6, "x": 1.6, "reddit": 1.6,
                               "bluesky": 1.2, "youtube": 1.0, "mastodon": 0.8, "news": 1.3}),
    Event(REDNOTE_SURGE, 18.0, {"rednote_us": 5.0, "rednote_cn": 2.5, "*": 0.15}),
    Event(MUSK_REPORT, 1.0, {"x": 1.2, "news": 1.5, "reddit": 0.8, "*": 0.4}),
    Event(RULING, 1.3, {"tiktok": 5, "x": 5, "reddit": 4, "bluesky": 3.5, "youtube": 3, "mastodon": 2.5,
                        "news": 4, "rednote_us": 15, "rednote_cn": 8}, 1.5),
    Event(DARK, 0.5, {"x": 7, "reddit": 6, "bluesky": 4, "youtube": 3, "mastodon": 3, "news": 3,
                      "rednote_us": 25, "rednote_cn": 10, "tiktok": 0}),
    Event(BACK, 0.9, {"tiktok": 12, "x": 5, "reddit": 4, "bluesky": 3, "youtube": 4, "mastodon": 2, "news": 3,
                      "rednote_us": 8, "rednote_cn": 5}),
    Event(ORDER, 1.5, {"tiktok": 3, "x": 3, "reddit": 2.5, "bluesky": 2, "youtube": 2, "mastodon": 1.5,
                       "news": 4, "rednote_us": 3, "rednote_cn": 2}),
    Event(STORES_BACK, 0.8, {"*": 0.4, "news": 1.0, "tiktok": 0.6}),
)
# fmt: on

BLACKOUTS = {"tiktok": (DARK, BACK, 0.02)}
"""While TikTok was dark in the US there was (almost) nothing new on it."""


def stream_intensity(stream: Stream, at: datetime) -> float:
    """Relative posting rate of ``stream`` at ``at`` (arbitrary units, comparable within a stream)."""
    level = stream.base + sum(event.level(stream.name, at) for event in EVENTS)
    profile, utc_offset = CLOCKS[stream.clock]
    local = at + timedelta(hours=utc_offset)
    rate = level * WEEKDAYS[stream.weekday][local.weekday()] * profile[local.hour]
    blackout = BLACKOUTS.get(stream.platform)
    if blackout and blackout[0] <= at < blackout[1]:
        rate *= blackout[2]
    return rate


def phase_at(at: datetime) -> str:
    """The name of the phase of the story that ``at`` falls in."""
    for name, start, end in PHASES:
        if start <= at < end:
            return name
    raise ValueError(f"{at.isoformat()} is outside {START.date()}..{END.date()}")


def _stream_sizes(target: int) -> dict[str, int]:
    """Split ``target`` posts across the streams by share (largest remainder)."""
    exact = {stream.name: stream.share * target for stream in STREAMS}
    sizes = {name: int(value) for name, value in exact.items()}
    leftovers = sorted(exact, key=lambda name: (sizes[name] - exact[name], name))
    for name in leftovers[: target - sum(sizes.values())]:
        sizes[name] += 1
    return sizes


def _post_times(stream: Stream, count: int, rng: Random) -> list[datetime]:
    """``count`` timestamps drawn from the stream's hourly intensity, sorted."""
    hour_starts = [START + timedelta(hours=hour) for hour in range(HOURS)]
    weights = [stream_intensity(stream, start + timedelta(minutes=30)) for start in hour_starts]
    hours = rng.choices(range(HOURS), weights=weights, k=count)
    return sorted(hour_starts[hour] + timedelta(seconds=rng.randrange(3600)) for hour in hours)


# --------------------------------------------------------------------------- topic and tone

# fmt: off
PLATFORM_TOPICS: dict[str, tuple[float, ...]] = {
    #            ban  sec  fs   mig  cult crea own  other
    "tiktok": (0.20, 0.07, 0.10, 0.20, 0.07, 0.20, 0.05, 0.11),
    "rednote": (0.05, 0.06, 0.03, 0.22, 0.45, 0.05, 0.03, 0.11),
    "x": (0.25, 0.12, 0.12, 0.12, 0.06, 0.06, 0.15, 0.12),
    "reddit": (0.25, 0.15, 0.12, 0.12, 0.06, 0.08, 0.12, 0.10),
    "bluesky": (0.25, 0.12, 0.15, 0.12, 0.08, 0.06, 0.12, 0.10),
    "youtube": (0.22, 0.10, 0.10, 0.15, 0.10, 0.13, 0.08, 0.12),
    "mastodon": (0.20, 0.20, 0.18, 0.12, 0.06, 0.05, 0.09, 0.10),
    "news": (0.40, 0.10, 0.05, 0.12, 0.05, 0.10, 0.18, 0.0),
}

PHASE_TOPICS: dict[str, dict[str, float]] = {
    "pre": {"ban_politics": 1.4, "security_privacy": 1.3, "migration": 0.35, "cultural_exchange": 0.05,
            "ownership_deal": 0.6},
    "hearing": {"ban_politics": 2.0, "free_speech": 1.5, "migration": 0.5, "cultural_exchange": 0.1},
    "exodus": {"migration": 2.5, "cultural_exchange": 2.5, "ownership_deal": 1.4, "ban_politics": 0.8},
    "ruling": {"ban_politics": 2.0, "free_speech": 1.3, "migration": 1.4, "creators_business": 1.3},
    "dark": {"ban_politics": 1.8, "migration": 1.5, "free_speech": 1.2, "creators_business": 1.2},
    "back": {"ban_politics": 1.8, "ownership_deal": 1.2, "other": 0.6},
    "order": {"ban_politics": 1.4, "ownership_deal": 1.7},
    "after": {"ownership_deal": 1.4, "migration": 0.6, "other": 1.6, "cultural_exchange": 0.8},
}

PHASE_TONES: dict[str, tuple[float, float, float]] = {
    "pre": (0.38, 0.45, 0.17),
    "hearing": (0.48, 0.35, 0.17),
    "exodus": (0.30, 0.32, 0.38),
    "ruling": (0.66, 0.24, 0.10),
    "dark": (0.66, 0.20, 0.14),
    "back": (0.20, 0.25, 0.55),
    "order": (0.30, 0.36, 0.34),
    "after": (0.33, 0.42, 0.25),
}

PLATFORM_TONES: dict[str, tuple[float, float, float]] = {
    "news": (0.5, 3.0, 0.5),
    "mastodon": (1.2, 1.1, 0.8),
    "reddit": (1.15, 1.1, 0.8),
    "rednote": (0.5, 0.9, 2.2),
}

TOPIC_TONES: dict[str, tuple[float, float, float]] = {
    "security_privacy": (1.5, 1.0, 0.6),
    "free_speech": (1.5, 1.0, 0.6),
    "cultural_exchange": (0.35, 0.7, 2.5),
    "creators_business": (1.3, 1.0, 0.8),
}

PHASE_BUZZ = {"pre": 0.0, "hearing": 0.2, "exodus": 0.4, "ruling": 0.6, "dark": 0.6, "back": 0.7,
              "order": 0.3, "after": 0.0}
"""Extra (log-scale) engagement while the story is hot."""
# fmt: on


def _pick_topic(platform: str, phase: str, rng: Random) -> str:
    boosts = PHASE_TOPICS[phase]
    weights = [
        base * boosts.get(topic, 1.0) for topic, base in zip(TOPICS, PLATFORM_TOPICS[platform], strict=True)
    ]
    return rng.choices(TOPICS, weights=weights)[0]


def _pick_tone(platform: str, phase: str, topic: str, rng: Random) -> str:
    weights = [
        phase_weight * platform_weight * topic_weight
        for phase_weight, platform_weight, topic_weight in zip(
            PHASE_TONES[phase],
            PLATFORM_TONES.get(platform, (1, 1, 1)),
            TOPIC_TONES.get(topic, (1, 1, 1)),
            strict=True,
        )
    ]
    return rng.choices(TONES, weights=weights)[0]


# --------------------------------------------------------------------------- templates

_SLOT_RE = re.compile(r"\{([a-z_]+?)(\d?)\}")


@dataclass(frozen=True)
class Template:
    """One sentence template, where and when it may be used."""

    text: str
    start: datetime
    end: datetime
    platforms: tuple[str, ...]
    timeless: bool

    def fits(self, platform: str, at: datetime) -> bool:
        return self.start <= at < self.end and (not self.platforms or platform in self.platforms)


class TemplateIndex:
    """Templates of one kind looked up by topic and tone, with ``*`` blocks matching all."""

    def __init__(self, blocks: Sequence[Block]) -> None:
        self._by_key: dict[tuple[str, str], list[Template]] = {}
        self._topics: dict[tuple[str, tuple[bool, ...]], list[str]] = {}
        for block in blocks:
            if block.window not in WINDOWS:
                raise ValueError(f"phrases: unknown window {block.window!r} in block for {block.topic}")
            start, end = WINDOWS[block.window]
            for line in block.text.strip().splitlines():
                text = line.strip()
                for slot, _ in _SLOT_RE.findall(text):
                    if slot not in phrases.SLOTS:
                        raise ValueError(f"phrases: unknown slot {{{slot}}} in {text!r}")
                template = Template(text, start, end, block.platforms, block.window == "any")
                self._by_key.setdefault((block.topic, block.tone), []).append(template)

    def candidates(self, topic: str, tone: str, platform: str, at: datetime) -> list[Template]:
        keys = dict.fromkeys(((topic, tone), (topic, "*"), ("*", tone), ("*", "*")))
        return [t for key in keys for t in self._by_key.get(key, ()) if t.fits(platform, at)]

    def topics_with_templates(self, platform: str, at: datetime) -> list[str]:
        """Topics that have at least one template for ``platform`` at ``at``."""
        key = (platform, tuple(start <= at < end for start, end in WINDOWS.values()))
        if key not in self._topics:
            self._topics[key] = [
                topic for topic in TOPICS if any(self.candidates(topic, tone, platform, at) for tone in TONES)
            ]
        return self._topics[key]


def _check_slot_windows() -> None:
    """Fail at import if a dated slot value or hashtag names an unknown window."""
    for slot, values in phrases.SLOT_VALUES_SINCE.items():
        for value, window in values.items():
            if value not in phrases.SLOTS[slot] or window not in WINDOWS:
                raise ValueError(f"phrases.SLOT_VALUES_SINCE: {slot}={value!r} since {window!r} is unknown")
    for tag, window in phrases.HASHTAGS_SINCE.items():
        if window not in WINDOWS:
            raise ValueError(f"phrases.HASHTAGS_SINCE: #{tag} since {window!r}: unknown window")


_check_slot_windows()
SENTENCES = {
    "en": TemplateIndex(phrases.EN),
    "zh": TemplateIndex(phrases.ZH),
    "mixed": TemplateIndex(phrases.MIXED),
}
REDDIT_TITLES = TemplateIndex(phrases.REDDIT_TITLES)
REDNOTE_TITLES = {lang: TemplateIndex(blocks) for lang, blocks in phrases.REDNOTE_TITLES.items()}
NEWS_HEADLINES = TemplateIndex(phrases.NEWS_HEADLINES)
NEWS_SUMMARIES = TemplateIndex(phrases.NEWS_SUMMARIES)

_SLOT_NAMES = {word for values in phrases.SLOTS.values() for value in values for word in value.split()}
PROPER_WORDS = frozenset(
    {word for word in _SLOT_NAMES if word[:1].isupper()}
    | set(
        """Congress Chinese China American Americans Trump Biden Musk Elon Oracle Microsoft Apple Google
        Instagram Sunday Monday Friday Saturday January April Mandarin Lunar Super SCOTUS TikTok RedNote
        Lemon8 Bluesky US DC CapCut Reels Shorts Project Justice Duolingo Vine ByteDance Xiaohongshu
        PSA""".split()
    )
)
"""Words that keep their capital letter when an opener runs into a sentence, and never get typos."""


# --------------------------------------------------------------------------- text

# fmt: off
PLATFORM_STYLE: dict[str, dict[str, float]] = {
    # probabilities of each decoration on an English post
    "tiktok": {"opener": 0.18, "closer": 0.12, "emoji": 0.5, "tags": 0.45, "slang": 0.25, "typo": 0.12,
               "lower": 0.35, "nodot": 0.4},
    "x": {"opener": 0.2, "closer": 0.15, "emoji": 0.3, "tags": 0.2, "slang": 0.15, "typo": 0.08,
          "lower": 0.2, "nodot": 0.3},
    "rednote": {"opener": 0.12, "closer": 0.15, "emoji": 0.55, "tags": 0.3, "slang": 0.08, "typo": 0.05,
                "lower": 0.15, "nodot": 0.3},
    "reddit": {"opener": 0.12, "closer": 0.12, "emoji": 0.03, "tags": 0.0, "slang": 0.08, "typo": 0.06,
               "lower": 0.05, "nodot": 0.1},
    "bluesky": {"opener": 0.15, "closer": 0.15, "emoji": 0.22, "tags": 0.06, "slang": 0.08, "typo": 0.04,
                "lower": 0.15, "nodot": 0.2},
    "youtube": {"opener": 0.15, "closer": 0.12, "emoji": 0.3, "tags": 0.02, "slang": 0.15, "typo": 0.1,
                "lower": 0.15, "nodot": 0.35},
    "mastodon": {"opener": 0.1, "closer": 0.15, "emoji": 0.08, "tags": 0.4, "slang": 0.03, "typo": 0.03,
                 "lower": 0.03, "nodot": 0.05},
}

SENTENCE_COUNTS: dict[tuple[str, str], tuple[tuple[int, float], ...]] = {
    ("tiktok", "video"): ((1, 0.75), (2, 0.25)),
    ("tiktok", "comment"): ((1, 1.0),),
    ("x", "post"): ((1, 0.65), (2, 0.3), (3, 0.05)),
    ("x", "reply"): ((1, 0.8), (2, 0.2)),
    ("reddit", "submission"): ((2, 0.35), (3, 0.4), (4, 0.25)),
    ("reddit", "comment"): ((1, 0.5), (2, 0.35), (3, 0.15)),
    ("bluesky", "post"): ((1, 0.6), (2, 0.4)),
    ("bluesky", "reply"): ((1, 0.8), (2, 0.2)),
    ("mastodon", "post"): ((1, 0.35), (2, 0.45), (3, 0.2)),
    ("mastodon", "reply"): ((1, 0.6), (2, 0.4)),
    ("youtube", "comment"): ((1, 0.65), (2, 0.3), (3, 0.05)),
    ("youtube", "reply"): ((1, 0.85), (2, 0.15)),
    ("rednote", "note"): ((1, 0.45), (2, 0.4), (3, 0.15)),
    ("rednote", "comment"): ((1, 0.9), (2, 0.1)),
}
# fmt: on

LENGTH_LIMITS = {"x": 280, "bluesky": 300, "mastodon": 500}

_CJK_RE = re.compile(r"[\u3400-\u9fff]")
_WORD_RE = re.compile(r"[A-Za-z]{5,}")


def _slot_values(slot: str, at: datetime | None) -> tuple[str, ...]:
    """The fillers of ``slot``, without those that were not yet part of the story at ``at``."""
    values = phrases.SLOTS[slot]
    since = phrases.SLOT_VALUES_SINCE.get(slot)
    if at is None or not since:
        return values
    return tuple(v for v in values if v not in since or WINDOWS[since[v]][0] <= at)


class TextWriter:
    """Turns a topic, tone, language, platform and time into natural-looking post text."""

    def __init__(self, rng: Random) -> None:
        self.rng = rng

    def fill(self, template: str, at: datetime | None = None) -> str:
        """``template`` with each ``{slot}`` replaced by a filler that was current at ``at``."""
        chosen: dict[str, str] = {}

        def replace(match: re.Match[str]) -> str:
            key, slot = match.group(0), match.group(1)
            if key not in chosen:
                taken = {value for other, value in chosen.items() if _SLOT_RE.match(other)[1] == slot}
                values = _slot_values(slot, at)
                value = self.rng.choice(values)
                for _ in range(5):
                    if value not in taken:
                        break
                    value = self.rng.choice(values)
                chosen[key] = value
            return chosen[key]

        return _SLOT_RE.sub(replace, template)

    def pick(
        self,
        index: TemplateIndex,
        topic: str,
        tone: str,
        platform: str,
        at: datetime,
        avoid: Sequence[str] = (),
    ) -> str | None:
        """A filled template for the topic and tone, favouring dated and platform-specific ones."""
        for try_tone in (tone, *[t for t in ("neutral", "positive", "negative") if t != tone]):
            candidates = [t for t in index.candidates(topic, try_tone, platform, at) if t.text not in avoid]
            if candidates:
                weights = [(1.0 if t.timeless else 3.0) * (3.0 if t.platforms else 1.0) for t in candidates]
                return self.rng.choices(candidates, weights=weights)[0].text
        return None

    def body(self, lang: str, platform: str, kind: str, topic: str, tone: str, at: datetime) -> str:
        """One to a few sentences on the topic in the tone, joined the way people write."""
        index = SENTENCES[lang]
        counts = SENTENCE_COUNTS.get((platform, kind), ((1, 1.0),))
        wanted = self.rng.choices([n for n, _ in counts], weights=[w for _, w in counts])[0]
        picked: list[str] = []
        for _ in range(wanted):
            template = self.pick(index, topic, tone, platform, at, avoid=picked)
            if template is None:
                break
            picked.append(template)
        if not picked:
            return ""
        sentences = [_capitalized(self.fill(template, at)) for template in picked]
        return self._join(sentences, lang, platform)

    def _join(self, sentences: list[str], lang: str, platform: str) -> str:
        text = sentences[0]
        for sentence in sentences[1:]:
            if lang == "zh" or (lang == "mixed" and _CJK_RE.search(text[-1:])):
                separator = (
                    self.rng.choice(("，", "。", "！", "\n", " ")) if _CJK_RE.search(text[-1:]) else " "
                )
            elif platform in ("reddit", "mastodon", "rednote") and self.rng.random() < 0.3:
                separator = "\n\n"
            else:
                separator = " "
            text = text + separator + sentence
        return text

    def decorate(
        self, text: str, lang: str, platform: str, topic: str, tone: str, reply: bool, at: datetime
    ) -> str:
        """Openers, closers, emoji, hashtags, slang, typos and casing, as the platform's users do."""
        if lang == "en":
            return self._decorate_english(text, platform, topic, tone, reply, at)
        return self._decorate_chinese(text, lang, platform, topic, tone, reply, at)

    def _decorate_english(
        self, text: str, platform: str, topic: str, tone: str, reply: bool, at: datetime
    ) -> str:
        style = PLATFORM_STYLE[platform]
        rng = self.rng
        if reply and rng.random() < 0.3:
            text = _prefix(rng.choice(phrases.REPLY_OPENERS["en"][tone]), text)
        elif rng.random() < style["opener"]:
            text = _prefix(rng.choice(phrases.OPENERS["en"][tone]), text)
        if rng.random() < style["closer"]:
            text = f"{text} {rng.choice(phrases.CLOSERS['en'][tone])}"
        if rng.random() < style["slang"]:
            text = self._slang(text)
        if rng.random() < style["typo"]:
            text = self._typo(text)
        if rng.random() < style["nodot"] and text.endswith("."):
            text = text[:-1]
        if rng.random() < style["lower"]:
            text = text.lower()
        elif (
            tone != "neutral"
            and platform in ("tiktok", "x", "youtube")
            and len(text) < 60
            and rng.random() < 0.04
        ):
            text = text.upper()
        if rng.random() < style["emoji"]:
            text = f"{text} {self._emoji(tone)}"
        if rng.random() < style["tags"]:
            text = f"{text} {self._hashtags(platform, topic, at)}".rstrip()
        return text

    def _decorate_chinese(
        self, text: str, lang: str, platform: str, topic: str, tone: str, reply: bool, at: datetime
    ) -> str:
        rng = self.rng
        if reply and rng.random() < 0.35:
            text = rng.choice(phrases.REPLY_OPENERS["zh"][tone]) + text
        elif lang == "zh" and rng.random() < 0.15:
            text = rng.choice(phrases.OPENERS["zh"][tone]) + text
        if rng.random() < 0.25:
            if lang == "zh" or rng.random() < 0.5:
                ends_in_word = _CJK_RE.search(text[-1:]) is not None
                text += (rng.choice(("，", "～", "！", " ")) if ends_in_word else "") + rng.choice(
                    phrases.CLOSERS["zh"][tone]
                )
            else:
                text = f"{text} {rng.choice(phrases.CLOSERS['en'][tone])}"
        if rng.random() < 0.5:
            text = f"{text}{self._emoji(tone).replace(' ', '')}"
        if platform == "rednote" and rng.random() < 0.3:
            text = f"{text} {self._hashtags(platform, topic, at)}".rstrip()
        return text

    def _emoji(self, tone: str) -> str:
        count = self.rng.choices((1, 2, 3), weights=(0.6, 0.3, 0.1))[0]
        emoji = self.rng.choice(phrases.EMOJI[tone])
        if self.rng.random() < 0.6:
            return emoji * count
        return " ".join([emoji, *self.rng.sample(phrases.EMOJI[tone], count - 1)]) if count > 1 else emoji

    def _hashtags(self, platform: str, topic: str, at: datetime) -> str:
        pool = [
            tag
            for tag in (*phrases.HASHTAGS[topic], *phrases.PLATFORM_HASHTAGS.get(platform, ()))
            if tag not in phrases.HASHTAGS_SINCE or WINDOWS[phrases.HASHTAGS_SINCE[tag]][0] <= at
        ]
        tags: list[str] = []
        for tag in self.rng.sample(pool, min(len(pool), self.rng.randint(1, 4))):
            if platform == "tiktok":
                tag = tag.lower()
            if tag not in tags:
                tags.append(tag)
        return " ".join(f"#{tag}" for tag in tags)

    def _slang(self, text: str) -> str:
        options = [(word, short) for word, short in phrases.TYPO_WORDS.items() if word in text]
        if not options:
            return text
        word, short = self.rng.choice(options)
        return text.replace(word, short, 1)

    def _typo(self, text: str) -> str:
        words = [m for m in _WORD_RE.finditer(text) if m.group(0) not in PROPER_WORDS]
        if not words:
            return text
        match = self.rng.choice(words)
        word = match.group(0)
        spot = self.rng.randrange(1, len(word) - 2)
        kind = self.rng.randrange(3)
        if kind == 0:
            typo = word[:spot] + word[spot + 1] + word[spot] + word[spot + 2 :]
        elif kind == 1:
            typo = word[:spot] + word[spot + 1 :]
        else:
            typo = word[:spot] + word[spot] + word[spot:]
        return text[: match.start()] + typo + text[match.end() :]

    def short_reply(self, lang: str, tone: str) -> str:
        """A one- or two-word reaction, like the many real ones under popular posts."""
        text = self.rng.choice(phrases.SHORT_REPLIES["zh" if lang == "zh" else "en"][tone])
        if self.rng.random() < 0.5:
            text = f"{text} {self._emoji(tone)}"
        return text


def _prefix(opener: str, text: str) -> str:
    """``opener`` before ``text``; a bare word like "ngl" runs into the sentence in lower case."""
    if opener[-1] in ".:?!,":
        return f"{opener} {text}"
    first = text.split(" ", 1)[0].strip(",.!?'\"")
    ordinary = first[1:].islower() or (len(first) == 1 and first != "I")
    if first and not first.startswith("I'") and first not in PROPER_WORDS and ordinary:
        text = text[0].lower() + text[1:]
    return f"{opener} {text}"


def _capitalized(sentence: str) -> str:
    """A sentence that starts with a filled slot such as "the app" gets its capital letter back."""
    if sentence.startswith(("the ", "some ", "a ", "every ", "half ", "over ", "lawmakers", "politicians")):
        return sentence[0].upper() + sentence[1:]
    return sentence


def _truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


# --------------------------------------------------------------------------- authors


@dataclass
class Author:
    """A generated account; ``clout`` shifts its engagement up or down (log scale)."""

    handle: str
    clout: float
    instance: str = ""


class AuthorPool:
    """A stream's accounts; a few post a lot and most post once or twice."""

    def __init__(self, authors: list[Author]) -> None:
        self.authors = authors
        self._cumulative: list[float] = []
        total = 0.0
        for rank in range(len(authors)):
            total += 1.0 / (rank + 8)
            self._cumulative.append(total)

    def pick(self, rng: Random) -> Author:
        return rng.choices(self.authors, cum_weights=self._cumulative)[0]


def _base_username(rng: Random) -> str:
    first, last = rng.choice(phrases.FIRST_NAMES), rng.choice(phrases.LAST_NAMES)
    adjective, noun = rng.choice(phrases.ADJECTIVES), rng.choice(phrases.NOUNS)
    digits = str(rng.choice((rng.randint(1, 99), rng.randint(100, 999), rng.randint(1985, 2008))))
    state = rng.choice(phrases.SLOTS["us_state"]).lower().replace(" ", "")
    patterns = (
        f"{first}{last}",
        f"{first}_{last}",
        f"{first}{digits}",
        f"{adjective}{noun}",
        f"{adjective}_{noun}{digits}",
        f"the{noun}{first}",
        f"{first}.{noun}",
        f"not{first}",
        f"{first}{last[0]}{digits}",
        f"{noun}lover{digits}",
        f"its{first}",
        f"{first}in{state}",
        f"{first}.{last}",
        f"{adjective}{first}",
        f"{noun}_{noun}s",
    )
    return rng.choice(patterns)


def _handle(platform: str, rng: Random) -> tuple[str, str]:
    """A handle in the platform's format, and the Mastodon instance if any."""
    base = _base_username(rng)
    if platform == "tiktok":
        return f"@{base}", ""
    if platform == "x":
        return "@" + base.replace(".", "_")[:15], ""
    if platform == "bluesky":
        return base.replace("_", "-").replace(".", "-") + ".bsky.social", ""
    if platform == "mastodon":
        instance = rng.choice(phrases.MASTODON_INSTANCES)
        return f"@{base.replace('.', '_')}@{instance}", instance
    if platform == "youtube":
        parts = re.split(r"[._]", base)
        name = "".join(part[:1].upper() + part[1:] for part in parts)
        if rng.random() < 0.3:
            name += "-" + "".join(rng.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=3))
        return f"@{name}", ""
    if platform == "reddit":
        if rng.random() < 0.4:
            word, noun = rng.choice(phrases.REDDIT_WORDS), rng.choice(phrases.REDDIT_NOUNS)
            return f"u/{word}_{noun}_{rng.randint(1000, 9999)}", ""
        return "u/" + base.replace(".", "_"), ""
    raise ValueError(f"no handle format for {platform}")


def _rednote_name(stream: str, rng: Random, writer: TextWriter) -> str:
    """A Xiaohongshu display name: Chinese nicknames for the Chinese stream, English for the US one."""
    if stream == "rednote_cn":
        attribute, thing = (rng.choice(part) for part in phrases.ZH_NICK_PARTS)
        name = writer.fill(attribute + thing)
        roll = rng.random()
        if roll < 0.15:
            name += str(rng.randint(1, 999))
        elif roll < 0.25:
            name += rng.choice(("🐱", "🍊", "🌙", "✨", "🐻", "🍜"))
        elif roll < 0.3:
            name = (
                rng.choice(phrases.SLOTS["en_name"]) + rng.choice(("", "在", "_")) + writer.fill("{zh_city}")
            )
        return name
    name = rng.choice(phrases.SLOTS["en_name"])
    state = rng.choice(phrases.SLOTS["us_state"])
    return rng.choice(
        (
            f"{name} from {state}",
            f"{name.lower()}_{state.lower().replace(' ', '')}",
            f"TikTok refugee {name}",
            f"{name} 🇺🇸",
            f"{name.lower()}{rng.randint(1, 99)}",
            f"{name} in {state}",
            f"{_base_username(rng)}",
        )
    )


def _author_pools(sizes: dict[str, int], rng: Random, writer: TextWriter) -> dict[str, AuthorPool]:
    pools: dict[str, AuthorPool] = {}
    for stream in STREAMS:
        if stream.platform == "news":
            outlets = [Author(name, rng.gauss(0, 0.5), domain) for name, domain in phrases.NEWS_OUTLETS]
            pools[stream.name] = AuthorPool(outlets)
            continue
        wanted = max(20, sizes[stream.name] // 3)
        seen: set[str] = set()
        authors: list[Author] = []
        while len(authors) < wanted:
            if stream.platform == "rednote":
                handle, instance = _rednote_name(stream.name, rng, writer), ""
            else:
                handle, instance = _handle(stream.platform, rng)
            if handle in seen:
                continue
            seen.add(handle)
            authors.append(Author(handle, rng.gauss(0, 0.8), instance))
        pools[stream.name] = AuthorPool(authors)
    return pools


# --------------------------------------------------------------------------- engagement


@dataclass(frozen=True)
class Engagement:
    """Lognormal likes; other counts as lognormal ratios of likes (None: the platform has no such count)."""

    mu: float
    sigma: float
    repost_ratio: float | None
    reply_ratio: float | None
    view_ratio: float | None = None


# fmt: off
ENGAGEMENT: dict[tuple[str, str], Engagement] = {
    ("tiktok", "video"): Engagement(5.3, 2.0, 0.06, 0.03, 25.0),
    ("tiktok", "comment"): Engagement(1.5, 2.0, None, 0.04),
    ("x", "post"): Engagement(2.3, 2.1, 0.2, 0.15, 60.0),
    ("x", "reply"): Engagement(0.6, 1.5, 0.05, 0.2, 40.0),
    ("reddit", "submission"): Engagement(3.3, 2.0, None, 0.35),
    ("reddit", "comment"): Engagement(1.3, 1.7, None, 0.08),
    ("bluesky", "post"): Engagement(1.8, 1.9, 0.18, 0.12),
    ("bluesky", "reply"): Engagement(0.5, 1.3, 0.05, 0.2),
    ("mastodon", "post"): Engagement(1.4, 1.6, 0.4, 0.15),
    ("mastodon", "reply"): Engagement(0.3, 1.1, 0.1, 0.3),
    ("youtube", "comment"): Engagement(1.6, 2.1, None, 0.06),
    ("youtube", "reply"): Engagement(0.5, 1.4, None, None),
    ("rednote", "note"): Engagement(4.2, 2.2, 0.25, 0.15),
    ("rednote", "comment"): Engagement(1.8, 1.9, None, 0.06),
}
# fmt: on


def _counts(spec: Engagement, shift: float, rng: Random) -> dict[str, int | None]:
    likes = rng.lognormvariate(spec.mu + shift, spec.sigma)
    if rng.random() < 0.005:
        likes *= rng.paretovariate(1.2)
    likes = min(likes, 9_000_000.0)

    def ratio(mean: float | None, sigma: float = 0.8) -> int | None:
        if mean is None:
            return None
        return int(likes * rng.lognormvariate(math.log(mean), sigma))

    views = (
        None
        if spec.view_ratio is None
        else int((likes + 1) * rng.lognormvariate(math.log(spec.view_ratio), 0.6))
    )
    return {
        "likes": int(likes),
        "reposts": ratio(spec.repost_ratio),
        "replies": ratio(spec.reply_ratio),
        "views": views,
    }


def _is_popular(draft: Draft) -> bool:
    """Whether a post has enough likes to get reposted: roughly the top 7% of its kind."""
    likes = draft.counts.get("likes")
    if likes is None:
        return False
    spec = ENGAGEMENT[(draft.platform, draft.kind)]
    return likes >= math.exp(spec.mu + 1.5 * spec.sigma)


# --------------------------------------------------------------------------- ids and URLs

_BASE32_SORTABLE = "234567abcdefghijklmnopqrstuvwxyz"
_YOUTUBE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"
X_EPOCH_MS = 1288834974657
REDDIT_POST_IDS = (int("1hqqd00", 36), int("1j0a000", 36))
REDDIT_COMMENT_IDS = (int("m4ab000", 36), int("mf1a000", 36))


def _base36(number: int) -> str:
    digits = ""
    while number:
        number, remainder = divmod(number, 36)
        digits = _BASE36[remainder] + digits
    return digits or "0"


def _tid(at: datetime, clock_id: int) -> str:
    """An AT Protocol record key: microseconds since the epoch and a clock id, base32-sortable."""
    micros = (at - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
    value = (micros << 10) | clock_id
    return "".join(_BASE32_SORTABLE[(value >> (5 * shift)) & 31] for shift in range(12, -1, -1))


def _slug(text: str, separator: str, limit: int) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}{separator}{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    return slug or "post"


def _time_linear(at: datetime, bounds: tuple[int, int]) -> int:
    fraction = (at - START).total_seconds() / (END - START).total_seconds()
    return int(bounds[0] + fraction * (bounds[1] - bounds[0]))


class IdMaker:
    """Native ids in each platform's real format, unique per platform."""

    def __init__(self, rng: Random) -> None:
        self.rng = rng
        self.seen: dict[str, set[str]] = {}

    def _unique(self, platform: str, make: Any) -> str:
        seen = self.seen.setdefault(platform, set())
        while True:
            native = make()
            if native not in seen:
                seen.add(native)
                return native

    def native_id(self, platform: str, kind: str, at: datetime, parent_id: str | None = None) -> str:
        rng = self.rng
        seconds = int(at.timestamp())
        makers = {
            "tiktok": lambda: str((seconds << 32) | rng.getrandbits(32)),
            "x": lambda: str(
                ((seconds * 1000 + rng.randrange(1000) - X_EPOCH_MS) << 22) | rng.getrandbits(22)
            ),
            "mastodon": lambda: str(((seconds * 1000 + rng.randrange(1000)) << 16) | rng.getrandbits(16)),
            "bluesky": lambda: _tid(
                at + timedelta(microseconds=rng.randrange(1_000_000)), rng.getrandbits(10)
            ),
            "rednote": lambda: f"{seconds:08x}{rng.getrandbits(64):016x}",
            "news": lambda: f"{rng.getrandbits(48):012x}",
            "reddit": lambda: _base36(
                _time_linear(at, REDDIT_POST_IDS if kind == "submission" else REDDIT_COMMENT_IDS)
                + rng.randrange(-40, 40)
            ),
            "youtube": lambda: (
                f"{parent_id}.{''.join(rng.choices(_YOUTUBE_CHARS, k=22))}"
                if kind == "reply"
                else f"Ug{rng.choice('xzw')}{''.join(rng.choices(_YOUTUBE_CHARS, k=16))}4AaABAg"
            ),
        }
        return self._unique(platform, makers[platform])

    def video_id(self) -> str:
        return self._unique("youtube-video", lambda: "".join(self.rng.choices(_YOUTUBE_CHARS, k=11)))


# --------------------------------------------------------------------------- posts


@dataclass
class Draft:
    """A post while it is being generated; ``to_record`` turns it into an output row."""

    platform: str
    created_at: datetime
    lang: str
    kind: str
    topic: str
    tone: str
    author: Author
    post_id: str = ""
    title: str | None = None
    text: str = ""
    url: str = ""
    counts: dict[str, Any] = field(default_factory=dict)
    parent: Draft | None = None
    root: Draft | None = None
    place: str = ""
    """Reddit: the subreddit; YouTube: the video id; used to build URLs of the thread."""
    slug: str = ""
    children: int = 0
    weight: float = 1.0

    def to_record(self) -> dict[str, Any]:
        return {
            "post_id": self.post_id,
            "platform": self.platform,
            "author": self.author.handle,
            "title": self.title,
            "text": self.text,
            "created_at": self.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "url": self.url,
            "likes": self.counts.get("likes"),
            "reposts": self.counts.get("reposts"),
            "replies": self.counts.get("replies"),
            "views": self.counts.get("views"),
            "parent_id": self.parent.post_id if self.parent else None,
            "synthetic": True,
        }


# fmt: off
REPLY_SHARES = {"tiktok": 0.6, "x": 0.35, "reddit": 0.72, "bluesky": 0.3, "mastodon": 0.25, "youtube": 0.25,
                "rednote": 0.5, "news": 0.0}
TOP_KINDS = {"tiktok": "video", "x": "post", "reddit": "submission", "bluesky": "post", "mastodon": "post",
             "youtube": "comment", "rednote": "note", "news": "article"}
REPLY_KINDS = {"tiktok": "comment", "x": "reply", "reddit": "comment", "bluesky": "reply",
               "mastodon": "reply", "youtube": "reply", "rednote": "comment"}
REPOST_SHARES = {"x": 0.05, "tiktok": 0.02, "bluesky": 0.015, "rednote": 0.015, "youtube": 0.01}
TOPIC_INHERITANCE = {"reddit": 0.8, "youtube": 0.5, "tiktok": 0.5}
"""How likely a reply stays on its parent's topic."""
REPLY_NESTING = {"tiktok": 0.15, "x": 1.0, "reddit": 0.8, "bluesky": 1.0, "mastodon": 1.0, "youtube": 0.0,
                 "rednote": 0.2}
"""How likely a reply is to answer another reply rather than a top-level post."""
# fmt: on


class PlatformBuilder:
    """Generates one platform's posts in time order, so replies and reposts see earlier posts."""

    def __init__(
        self, platform: str, rng: Random, writer: TextWriter, ids: IdMaker, pools: dict[str, AuthorPool]
    ) -> None:
        self.platform = platform
        self.rng = rng
        self.writer = writer
        self.ids = ids
        self.pools = pools
        self.recent: deque[Draft] = deque(maxlen=200)
        self.popular: deque[Draft] = deque(maxlen=60)
        self.videos: list[tuple[datetime, str, float]] = []

    def build(self, times: list[tuple[datetime, Stream]]) -> list[Draft]:
        if self.platform == "youtube":
            self.videos = self._youtube_videos(len(times))
        drafts = []
        for at, stream in times:
            draft = self._draft(at, stream)
            drafts.append(draft)
            if _is_popular(draft):
                self.popular.append(draft)
            self.recent.append(draft)
        return drafts

    def _draft(self, at: datetime, stream: Stream) -> Draft:
        rng = self.rng
        phase = phase_at(at)
        languages, shares = zip(*stream.languages, strict=True)
        lang = rng.choices(languages, weights=shares)[0]
        parent = self._pick_parent(at) if rng.random() < REPLY_SHARES[self.platform] else None
        if parent is not None and rng.random() < TOPIC_INHERITANCE.get(self.platform, 0.6):
            topic = parent.topic
        else:
            topic = _pick_topic(self.platform, phase, rng)
        tone = _pick_tone(self.platform, phase, topic, rng)
        author = self.pools[stream.name].pick(rng)
        if parent is not None and author.handle == parent.author.handle:
            author = self.pools[stream.name].pick(rng)
        kind = REPLY_KINDS[self.platform] if parent is not None else TOP_KINDS[self.platform]
        draft = Draft(self.platform, at, lang, kind, topic, tone, author, parent=parent)
        draft.root = parent.root if parent is not None and parent.root is not None else parent
        if parent is not None:
            parent.children += 1
        if self.platform == "news":
            self._write_article(draft)
        else:
            self._write_text(draft)
        self._engage(draft, phase)
        self._identify(draft)
        return draft

    # ---- threads

    def _pick_parent(self, at: datetime) -> Draft | None:
        nesting = REPLY_NESTING[self.platform]
        candidates = [d for d in self.recent if d.created_at < at and (d.parent is None or nesting > 0)]
        if not candidates:
            return None
        weights = [d.weight * (1.0 if d.parent is None else nesting) for d in candidates]
        return self.rng.choices(candidates, weights=weights)[0]

    # ---- text

    def _write_text(self, draft: Draft) -> None:
        rng, writer = self.rng, self.writer
        reply = draft.parent is not None
        if self.popular and rng.random() < REPOST_SHARES.get(self.platform, 0.0):
            self._repost(draft)
            return
        if reply and rng.random() < 0.07:
            draft.text = writer.short_reply(draft.lang, draft.tone)
            return
        lang = draft.lang
        topics = SENTENCES[lang].topics_with_templates(self.platform, draft.created_at)
        if draft.topic not in topics:
            if lang != "en" and not topics:
                lang = draft.lang = "en"
            else:
                draft.topic = rng.choice(topics)
        body = writer.body(lang, self.platform, draft.kind, draft.topic, draft.tone, draft.created_at)
        text = writer.decorate(body, lang, self.platform, draft.topic, draft.tone, reply, draft.created_at)
        if reply and self.platform in ("x", "mastodon") and rng.random() < 0.8:
            text = f"{draft.parent.author.handle} {text}"
        draft.text = _truncate(text, LENGTH_LIMITS.get(self.platform, 2000))
        draft.title = self._title(draft, body)

    def _repost(self, draft: Draft) -> None:
        same_kind = [d for d in self.popular if d.kind == draft.kind]
        original = self.rng.choice(same_kind or self.popular)
        draft.topic, draft.lang = original.topic, original.lang
        if self.platform == "x" and self.rng.random() < 0.5 and not original.text.startswith("RT @"):
            draft.text = _truncate(f"RT {original.author.handle}: {original.text}", 280)
        else:
            draft.text = original.text
        if draft.kind == original.kind:
            draft.title = original.title

    def _title(self, draft: Draft, body: str) -> str | None:
        rng = self.rng
        if draft.kind == "submission":
            template = self.writer.pick(REDDIT_TITLES, draft.topic, "*", "reddit", draft.created_at)
            if template is None:
                template = self.writer.pick(REDDIT_TITLES, "ban_politics", "*", "reddit", draft.created_at)
            title = self.writer.fill(template or "Thoughts on the TikTok ban?", draft.created_at)
            return title.lower() if rng.random() < 0.08 else title
        if draft.kind != "note" or rng.random() < 0.2:
            return None
        if draft.topic in ("migration", "cultural_exchange") and rng.random() < 0.7:
            template = self.writer.pick(REDNOTE_TITLES[draft.lang], "*", "*", "rednote", draft.created_at)
            if template is not None:
                return self.writer.fill(template, draft.created_at)
        first_line = re.split(r"(?<=[。！？!?，])|(?<=\. )|\n", body, maxsplit=1)[0].strip(" ，。")
        limit = 20 if _CJK_RE.search(first_line) else 48
        return first_line if len(first_line) <= limit else first_line[: limit - 1].rstrip() + "…"

    def _write_article(self, draft: Draft) -> None:
        writer, at = self.writer, draft.created_at
        topics = [t for t in TOPICS if NEWS_HEADLINES.candidates(t, "*", "news", at)]
        if draft.topic not in topics:
            draft.topic = self.rng.choice(topics)
        headline = writer.pick(NEWS_HEADLINES, draft.topic, "*", "news", at)
        summary_topic = (
            draft.topic if NEWS_SUMMARIES.candidates(draft.topic, "*", "news", at) else "ban_politics"
        )
        first = writer.pick(NEWS_SUMMARIES, summary_topic, "*", "news", at)
        second = writer.pick(NEWS_SUMMARIES, summary_topic, "*", "news", at, avoid=(first,))
        if second is None or self.rng.random() < 0.3:
            second = writer.pick(NEWS_SUMMARIES, "ban_politics", "*", "news", at, avoid=(first,))
        draft.title = writer.fill(headline, at)
        draft.text = " ".join(writer.fill(s, at) for s in (first, second) if s)

    # ---- engagement, ids, urls

    def _engage(self, draft: Draft, phase: str) -> None:
        if self.platform == "news":
            draft.counts = {"likes": None, "reposts": None, "replies": None, "views": None}
            return
        spec = ENGAGEMENT[(self.platform, draft.kind)]
        draft.counts = _counts(spec, draft.author.clout + PHASE_BUZZ[phase], self.rng)
        draft.weight = (draft.counts["likes"] + 1) ** 0.6

    def _identify(self, draft: Draft) -> None:
        platform, ids = self.platform, self.ids
        parent_id = draft.parent.post_id if draft.parent else None
        draft.post_id = ids.native_id(platform, draft.kind, draft.created_at, parent_id)
        handle = draft.author.handle
        if platform == "tiktok":
            draft.url = (
                draft.root.url if draft.root else f"https://www.tiktok.com/{handle}/video/{draft.post_id}"
            )
        elif platform == "rednote":
            draft.url = (
                draft.root.url if draft.root else f"https://www.xiaohongshu.com/explore/{draft.post_id}"
            )
        elif platform == "x":
            draft.url = f"https://x.com/{handle.lstrip('@')}/status/{draft.post_id}"
        elif platform == "bluesky":
            draft.url = f"https://bsky.app/profile/{handle}/post/{draft.post_id}"
        elif platform == "mastodon":
            user = handle.split("@")[1]
            draft.url = f"https://{draft.author.instance}/@{user}/{draft.post_id}"
        elif platform == "reddit":
            self._reddit_url(draft)
        elif platform == "youtube":
            draft.place = draft.parent.place if draft.parent else self._youtube_video(draft.created_at)
            draft.url = f"https://www.youtube.com/watch?v={draft.place}&lc={draft.post_id}"
        elif platform == "news":
            day = draft.created_at.strftime("%Y/%m/%d")
            slug = _slug(draft.title or draft.text, "-", 70)
            draft.url = f"https://{draft.author.instance}/{day}/{slug}-{draft.post_id[:6]}"

    def _reddit_url(self, draft: Draft) -> None:
        if draft.root is None:
            draft.place = self.rng.choice(phrases.SUBREDDITS[draft.topic])
            draft.slug = _slug(draft.title or draft.text, "_", 50)
            draft.url = f"https://www.reddit.com/r/{draft.place}/comments/{draft.post_id}/{draft.slug}/"
        else:
            root = draft.root
            draft.url = (
                f"https://www.reddit.com/r/{root.place}/comments/{root.post_id}/{root.slug}/{draft.post_id}/"
            )

    def _youtube_videos(self, comments: int) -> list[tuple[datetime, str, float]]:
        """Videos that top-level comments attach to: a few older explainers plus uploads over time."""
        stream = next(s for s in STREAMS if s.platform == "youtube")
        count = max(12, comments // 35)
        times = [START - timedelta(days=self.rng.uniform(3, 40)) for _ in range(6)]
        times += [t - timedelta(hours=self.rng.uniform(0.2, 6)) for t in _post_times(stream, count, self.rng)]
        return sorted((t, self.ids.video_id(), self.rng.lognormvariate(0, 1.0)) for t in times)

    def _youtube_video(self, at: datetime) -> str:
        published = bisect.bisect_right([t for t, _, _ in self.videos], at)
        candidates = self.videos[max(0, published - 25) : published] or self.videos[:1]
        weights = [pop * math.exp(-(at - t).total_seconds() / (3 * 86400)) + 1e-6 for t, _, pop in candidates]
        return self.rng.choices(candidates, weights=weights)[0][1]


# --------------------------------------------------------------------------- counts as displayed


def _display_rednote(count: int, rng: Random) -> str:
    """A count the way the Xiaohongshu app shows it: 1.2万, 3.4w, 10万+, 999+, 1,234."""
    if count >= 100_000 and rng.random() < 0.3:
        return "10万+"
    if count >= 10_000:
        unit = "万" if rng.random() < 0.7 else "w"
        return f"{count / 10_000:.1f}".removesuffix(".0") + unit
    if count >= 1_000:
        return rng.choices((f"{count:,}", str(count), "999+"), weights=(0.45, 0.35, 0.2))[0]
    return str(count)


def _display_short(count: int) -> str:
    """A count in the 1.2K / 3.4M style."""
    if count >= 1_000_000:
        return f"{count / 1_000_000:.1f}".removesuffix(".0") + "M"
    return f"{count / 1_000:.1f}".removesuffix(".0") + "K"


def _format_counts(drafts: list[Draft], rng: Random) -> None:
    """Make reply counts cover the generated replies, then render some counts as display strings."""
    for draft in drafts:
        replies = draft.counts.get("replies")
        if replies is not None and replies < draft.children:
            draft.counts["replies"] = draft.children + int(rng.expovariate(0.5))
    for draft in drafts:
        if draft.platform == "rednote" and rng.random() < 0.4:
            draft.counts = {k: v if v is None else _display_rednote(v, rng) for k, v in draft.counts.items()}
        elif draft.platform in ("x", "tiktok", "youtube") and rng.random() < 0.04:
            draft.counts = {
                k: v if v is None or v < 1000 else _display_short(v) for k, v in draft.counts.items()
            }


# --------------------------------------------------------------------------- public API


def generate_posts(seed: int = DEFAULT_SEED, target: int = DEFAULT_TARGET) -> list[dict[str, Any]]:
    """The synthetic data set as a list of records sorted by ``created_at``; same seed, same posts."""
    if target < len(STREAMS):
        raise ValueError(f"target must be at least {len(STREAMS)}, got {target}")
    rng = Random(seed)
    writer = TextWriter(rng)
    ids = IdMaker(rng)
    sizes = _stream_sizes(target)
    pools = _author_pools(sizes, rng, writer)
    by_platform: dict[str, list[tuple[datetime, Stream]]] = {}
    for stream in STREAMS:
        times = _post_times(stream, sizes[stream.name], rng)
        by_platform.setdefault(stream.platform, []).extend((t, stream) for t in times)
    drafts: list[Draft] = []
    for platform, times in by_platform.items():
        times.sort(key=lambda item: (item[0], item[1].name))
        drafts.extend(PlatformBuilder(platform, rng, writer, ids, pools).build(times))
    _format_counts(drafts, rng)
    records = [draft.to_record() for draft in drafts]
    records.sort(key=lambda r: (r["created_at"], r["platform"], r["post_id"]))
    return records


def write_sample(path: Path, seed: int = DEFAULT_SEED, target: int = DEFAULT_TARGET) -> Path:
    """Write the data set as gzipped JSONL to ``path``; identical bytes for identical arguments."""
    path = Path(path)
    lines = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in generate_posts(seed, target))
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as packed:
        packed.write(lines.encode("utf-8"))
    partial.replace(path)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: write the sample data set and say how big it is."""
    parser = argparse.ArgumentParser(description="Write the synthetic TikTok-ban sample data set.")
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_PATH, help=f"output file (default: {DEFAULT_PATH})"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--target", type=int, default=DEFAULT_TARGET, help="number of posts")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    path = write_sample(args.out, seed=args.seed, target=args.target)
    elapsed = time.perf_counter() - started
    size = path.stat().st_size / 1e6
    print(f"wrote {args.target} synthetic posts to {path} ({size:.2f} MB) in {elapsed:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
