"""Language identification of short, mixed and empty posts, offline."""

from __future__ import annotations

import pytest

from monitor.scoring.language import LanguageIdentifier


@pytest.fixture(scope="module")
def identifier() -> LanguageIdentifier:
    return LanguageIdentifier()


@pytest.mark.parametrize(
    ("text", "lang", "mixed"),
    [
        ("The Supreme Court upheld the ban today", "en", False),
        ("美国人都来小红书了", "zh", False),
        ("我在学英语 so fun", "zh", True),
        ("RedNote is so much fun honestly 好", "en", True),
        ("こんにちは、アメリカの皆さん", "ja", False),
        ("틱톡 금지", "ko", False),
        ("Adiós TikTok, hola RedNote, me encanta", "es", False),
        ("", "und", False),
        ("🔥🔥🔥 https://example.com @someone #tiktok", "und", False),
    ],
)
def test_language_of_short_posts(identifier: LanguageIdentifier, text: str, lang: str, mixed: bool) -> None:
    guess = identifier.identify(text)
    assert (guess.lang, guess.mixed) == (lang, mixed)
