"""Language routing: which encoder and head score a post, decided by its detected language.

English posts take the English path (MiniLM and its head, trained on English tweets);
everything else, and posts mixing CJK with Latin words (RedNote threads), take the
multilingual path (multilingual-e5 and its head, trained on English tweets and Chinese
reviews). A post whose language could not be determined (no letters, or an unknown script)
also takes the multilingual path, the broader of the two, and is marked as a guess: its
``confidence`` is scaled by ``UNKNOWN_LANGUAGE_FACTOR``, which puts it below 1/3, a value no
post in a known language can have (the largest of three probabilities is at least 1/3).
"""

from __future__ import annotations

from dataclasses import dataclass

from monitor.scoring.language import UNDETERMINED, LanguageGuess

ENGLISH = "english"
MULTILINGUAL = "multilingual"
UNKNOWN_LANGUAGE_FACTOR = 0.3
LOW_CONFIDENCE = 1 / 3

# The languages multilingual-e5 (XLM-RoBERTa's CC-100 languages) was trained on, ISO 639-1.
MULTILINGUAL_LANGUAGES = frozenset(
    "af am ar as az be bg bn br bs ca cs cy da de el en eo es et eu fa fi fr fy ga gd gl gu ha he "
    "hi hr hu hy id is it ja jv ka kk km kn ko ku ky la lo lt lv mg mk ml mn mr ms my ne nl no om "
    "or pa pl ps pt ro ru sa sd si sk sl so sq sr su sv sw ta te th tl tr ug uk ur uz vi xh yi zh".split()
)


@dataclass(frozen=True)
class Route:
    """Where a post goes: ``path`` is ``english`` or ``multilingual``; ``known_language`` is
    false when no encoder on that path was trained on the post's language."""

    path: str
    known_language: bool


def route(guess: LanguageGuess, multilingual: bool = True) -> Route:
    """The path for a post with language ``guess``; without a multilingual encoder configured
    (``multilingual=False``) everything takes the English path, non-English posts as unknown."""
    english = guess.lang == "en"
    if english and not guess.mixed:
        return Route(ENGLISH, True)
    if not multilingual:
        return Route(ENGLISH, english)
    known = guess.lang != UNDETERMINED and guess.lang in MULTILINGUAL_LANGUAGES
    return Route(MULTILINGUAL, known)


def is_low_confidence(confidence: float | None) -> bool:
    """Whether a stored ``confidence`` marks a post whose language no encoder knows."""
    return confidence is not None and confidence < LOW_CONFIDENCE
