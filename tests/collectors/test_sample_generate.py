from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from datetime import datetime
from pathlib import Path
from statistics import mean

import pytest

from collectors.sample.generate import DEFAULT_PATH, OUTPUT_KEYS, generate_posts, main, write_sample
from monitor.models import parse_count

SMALL = 3000
CJK = re.compile(r"[\u3400-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
NAMES_IN_CHINESE_TEXT = re.compile(r"#\S+|@\S+|TikTok|RedNote|App Store|yyds|Day\d*|OOTD", re.IGNORECASE)


@pytest.fixture(scope="module")
def default_posts() -> list[dict]:
    return generate_posts()


@pytest.fixture(scope="module")
def small_posts() -> list[dict]:
    return generate_posts(seed=7, target=SMALL)


def language(text: str) -> str:
    """en, zh or mixed: Chinese with no more than a brand name or hashtag in Latin script is zh."""
    if not CJK.search(text):
        return "en"
    latin_words = LATIN_WORD.findall(NAMES_IN_CHINESE_TEXT.sub(" ", text))
    return "mixed" if len(latin_words) >= 2 else "zh"


def per_day(posts: list[dict], platform: str, first: str, last: str) -> float:
    days = Counter(p["created_at"][:10] for p in posts if p["platform"] == platform)
    span = [f"2025-01-{day:02d}" for day in range(int(first[-2:]), int(last[-2:]) + 1)]
    return mean(days[day] for day in span)


def test_same_seed_gives_identical_posts() -> None:
    assert generate_posts(seed=11, target=1500) == generate_posts(seed=11, target=1500)


def test_another_seed_gives_different_posts() -> None:
    first, second = generate_posts(seed=11, target=1500), generate_posts(seed=12, target=1500)
    assert [p["text"] for p in first] != [p["text"] for p in second]


def test_target_is_the_exact_number_of_posts(small_posts: list[dict]) -> None:
    assert len(small_posts) == SMALL


def test_default_size_has_over_20000_posts_on_every_platform(default_posts: list[dict]) -> None:
    platforms = Counter(p["platform"] for p in default_posts)
    assert len(default_posts) >= 20_000
    assert set(platforms) == {"tiktok", "rednote", "x", "reddit", "bluesky", "youtube", "mastodon", "news"}
    assert min(platforms.values()) >= 500


def test_records_have_exactly_the_listed_keys_and_no_labels(small_posts: list[dict]) -> None:
    assert all(tuple(p) == OUTPUT_KEYS for p in small_posts)
    assert not {"sentiment", "topic", "tone", "label", "lang"} & set(OUTPUT_KEYS)
    assert all(p["synthetic"] is True for p in small_posts)


def test_all_dates_are_utc_in_january_and_february_2025(small_posts: list[dict]) -> None:
    stamps = [p["created_at"] for p in small_posts]
    assert all(re.fullmatch(r"2025-0[12]-\d\dT\d\d:\d\d:\d\dZ", s) for s in stamps)
    assert all(datetime.fromisoformat(s) for s in stamps)
    assert stamps == sorted(stamps)


def test_post_ids_are_unique_per_platform(default_posts: list[dict]) -> None:
    keys = [(p["platform"], p["post_id"]) for p in default_posts]
    assert len(set(keys)) == len(keys)


def test_replies_point_to_earlier_posts_on_the_same_platform(default_posts: list[dict]) -> None:
    by_key = {(p["platform"], p["post_id"]): p for p in default_posts}
    replies = [p for p in default_posts if p["parent_id"] is not None]
    assert len(replies) > len(default_posts) / 5
    for reply in replies:
        parent = by_key[(reply["platform"], reply["parent_id"])]
        assert parent["created_at"] <= reply["created_at"]


def test_rednote_has_chinese_and_mixed_posts(default_posts: list[dict]) -> None:
    languages = Counter(language(p["text"]) for p in default_posts if p["platform"] == "rednote")
    total = sum(languages.values())
    assert languages["zh"] / total > 0.25
    assert languages["mixed"] / total > 0.12
    assert languages["en"] / total > 0.3


def test_chinese_appears_on_rednote_only_apart_from_names_and_hashtags(default_posts: list[dict]) -> None:
    elsewhere = [p for p in default_posts if p["platform"] != "rednote" and language(p["text"]) == "zh"]
    assert elsewhere == []


def test_rednote_volume_surges_from_january_13(default_posts: list[dict]) -> None:
    before = per_day(default_posts, "rednote", "2025-01-01", "2025-01-10")
    surge = per_day(default_posts, "rednote", "2025-01-13", "2025-01-16")
    assert surge > 20 * max(before, 1)


@pytest.mark.parametrize("platform", ["tiktok", "x"])
def test_volume_peaks_around_the_ruling_and_the_blackout(default_posts: list[dict], platform: str) -> None:
    early = per_day(default_posts, platform, "2025-01-01", "2025-01-09")
    peak = per_day(default_posts, platform, "2025-01-17", "2025-01-20")
    assert peak > 3 * early


def test_tiktok_is_silent_while_it_was_dark(default_posts: list[dict]) -> None:
    dark = [
        p
        for p in default_posts
        if p["platform"] == "tiktok" and "2025-01-19T05:00:00Z" <= p["created_at"] < "2025-01-19T16:00:00Z"
    ]
    assert len(dark) < 5


def test_tone_is_gloomier_at_the_ruling_than_at_the_return(default_posts: list[dict]) -> None:
    vader = pytest.importorskip("vaderSentiment.vaderSentiment").SentimentIntensityAnalyzer()

    def mood(first: str, last: str) -> float:
        texts = [
            p["text"]
            for p in default_posts
            if p["platform"] in ("tiktok", "x") and first <= p["created_at"] < last
        ]
        return mean(vader.polarity_scores(text)["compound"] for text in texts)

    assert mood("2025-01-17T15", "2025-01-19T03") < mood("2025-01-19T17", "2025-01-21T00") - 0.1


def test_most_texts_are_distinct(default_posts: list[dict]) -> None:
    texts = [p["text"] for p in default_posts]
    assert len(set(texts)) / len(texts) > 0.7


def test_some_popular_texts_are_reposted(default_posts: list[dict]) -> None:
    repeated = [text for text, count in Counter(p["text"] for p in default_posts).items() if count > 1]
    assert len(repeated) > 50
    assert any(p["text"].startswith("RT @") for p in default_posts if p["platform"] == "x")


def test_every_count_parses_and_rednote_shows_app_style_strings(default_posts: list[dict]) -> None:
    counts = [p[key] for p in default_posts for key in ("likes", "reposts", "replies", "views")]
    assert all(parse_count(count) is None or parse_count(count) >= 0 for count in counts)
    rednote_likes = [p["likes"] for p in default_posts if p["platform"] == "rednote"]
    as_strings = [likes for likes in rednote_likes if isinstance(likes, str)]
    assert 0.3 < len(as_strings) / len(rednote_likes) < 0.5
    assert any(s.endswith(("万", "w")) for s in as_strings)


def test_titles_only_where_the_platform_has_them(small_posts: list[dict]) -> None:
    titled = Counter(p["platform"] for p in small_posts if p["title"])
    assert set(titled) <= {"reddit", "news", "rednote"}
    assert all(p["title"] for p in small_posts if p["platform"] == "news")
    assert all(p["title"] is None for p in small_posts if p["platform"] == "reddit" and p["parent_id"])


URL_FORMATS = {
    "tiktok": r"https://www\.tiktok\.com/@[\w.]+/video/\d{19}",
    "rednote": r"https://www\.xiaohongshu\.com/explore/[0-9a-f]{24}",
    "x": r"https://x\.com/\w{1,15}/status/\d{19}",
    "reddit": r"https://www\.reddit\.com/r/\w+/comments/[0-9a-z]{7}/\w+/([0-9a-z]{7}/)?",
    "bluesky": r"https://bsky\.app/profile/[\w-]+\.bsky\.social/post/[2-7a-z]{13}",
    "mastodon": r"https://[\w.]+/@\w+/\d{17,19}",
    "youtube": r"https://www\.youtube\.com/watch\?v=[\w-]{11}&lc=Ug[\w-]+4AaABAg(\.[\w-]{22})?",
    "news": r"https://[a-z]+\.example\.(com|org|net)/2025/\d\d/\d\d/[a-z0-9-]+-[0-9a-f]{6}",
}


def test_urls_follow_each_platforms_format(small_posts: list[dict]) -> None:
    for post in small_posts:
        assert re.fullmatch(URL_FORMATS[post["platform"]], post["url"]), post["url"]


def test_write_sample_gives_identical_bytes(tmp_path: Path) -> None:
    first = write_sample(tmp_path / "a.jsonl.gz", seed=3, target=400)
    second = write_sample(tmp_path / "b.jsonl.gz", seed=3, target=400)
    assert first.read_bytes() == second.read_bytes()
    with gzip.open(first, "rt", encoding="utf-8") as lines:
        assert [json.loads(line) for line in lines] == generate_posts(seed=3, target=400)


def test_command_line_writes_the_requested_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sample.jsonl.gz"
    assert main(["--out", str(out), "--seed", "5", "--target", "300"]) == 0
    assert out.exists()
    assert "300" in capsys.readouterr().out


def test_bundled_file_matches_the_generator(default_posts: list[dict]) -> None:
    if not DEFAULT_PATH.exists():
        pytest.skip("the bundled sample file has not been generated")
    with gzip.open(DEFAULT_PATH, "rt", encoding="utf-8") as lines:
        assert [json.loads(line) for line in lines] == default_posts
    assert DEFAULT_PATH.stat().st_size < 4_000_000
