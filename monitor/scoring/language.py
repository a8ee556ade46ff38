"""Which language a post is written in, offline: a script count decides Chinese, Japanese and
Korean (and CJK/Latin mixtures) directly, langid (whose model ships inside the package)
decides the rest.

Stored codes are ISO 639-1 (``en``, ``zh``, ``ja``, ...) and ``und`` when a post has no
letters at all (empty, emoji-only, links only) or its letters are mostly in a script that
neither langid nor the multilingual encoder reads (Cherokee, Tifinagh, Ogham, ...). A post
mixing Chinese and English gets the language of the larger part, counting a Han character as
a word: ``我在学英语 lol`` is ``zh``,
``RedNote is great 好`` is ``en``; ``LanguageGuess.mixed`` flags such posts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

UNDETERMINED = "und"

# langid picks among 97 languages; on two-word posts that is a lottery ("lol ok" comes out
# as something exotic), so by default it chooses among the languages seen around the ban.
DEFAULT_LANGUAGES = (
    "en",
    "zh",
    "ja",
    "ko",
    "es",
    "pt",
    "fr",
    "de",
    "it",
    "nl",
    "ru",
    "uk",
    "pl",
    "tr",
    "ar",
    "fa",
    "hi",
    "id",
    "ms",
    "tl",
    "vi",
    "th",
    "sv",
    "no",
    "da",
)

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]{2,}")
_LETTER = re.compile(r"[^\W\d_]")
_NOISE = re.compile(r"https?://\S+|www\.\S+|[@#][\w.]+", re.UNICODE)

# Scripts of the languages langid and multilingual-e5 (XLM-R's 100 languages) were trained on,
# as the first word of a letter's Unicode name.
KNOWN_SCRIPTS = frozenset(
    "LATIN CYRILLIC GREEK ARABIC HEBREW DEVANAGARI BENGALI GURMUKHI GUJARATI ORIYA TAMIL TELUGU "
    "KANNADA MALAYALAM SINHALA THAI LAO KHMER MYANMAR GEORGIAN ARMENIAN ETHIOPIC CJK HIRAGANA "
    "KATAKANA HANGUL FULLWIDTH HALFWIDTH MODIFIER".split()
)


@dataclass(frozen=True)
class LanguageGuess:
    lang: str
    confidence: float
    mixed: bool = False


class LanguageIdentifier:
    """Guesses the language of short social-media texts; the langid model is loaded once, on
    this object, with normalised probabilities."""

    def __init__(self, languages: tuple[str, ...] | None = DEFAULT_LANGUAGES) -> None:
        self.languages = languages
        self._langid: Any = None

    def _model(self) -> Any:
        if self._langid is None:
            from langid.langid import LanguageIdentifier as LangId
            from langid.langid import model

            identifier = LangId.from_modelstring(model, norm_probs=True)
            if self.languages:
                identifier.set_languages(list(self.languages))
            self._langid = identifier
        return self._langid

    def identify(self, text: str) -> LanguageGuess:
        """The language of ``text`` (mentions, hashtags and links are ignored)."""
        clean = _NOISE.sub(" ", text or "")
        letters = _LETTER.findall(clean)
        if not letters or not _mostly_known_script(letters):
            return LanguageGuess(UNDETERMINED, 0.0)
        han = len(_HAN.findall(clean))
        kana = len(_KANA.findall(clean))
        hangul = len(_HANGUL.findall(clean))
        latin_words = len(_LATIN_WORD.findall(clean))
        cjk = han + kana + hangul
        mixed = cjk > 0 and latin_words > 0
        if cjk and cjk >= latin_words:
            if kana:
                lang = "ja"
            elif hangul > han:
                lang = "ko"
            else:
                lang = "zh"
            return LanguageGuess(lang, cjk / (cjk + latin_words), mixed)
        if cjk:
            clean = _HAN.sub(" ", _KANA.sub(" ", _HANGUL.sub(" ", clean)))
        lang, probability = self._model().classify(clean)
        return LanguageGuess(lang, float(probability), mixed)


def _mostly_known_script(letters: list[str]) -> bool:
    """Whether at least half of the letters are in a script the identifier and encoders know."""
    known = sum(1 for letter in letters if unicodedata.name(letter, "?").split(" ")[0] in KNOWN_SCRIPTS)
    return 2 * known >= len(letters)
