"""Language routing: each post is scored by the encoder that reads its language, the same way
every time, and a post in a language no encoder knows is still scored but flagged."""

from __future__ import annotations

import pytest

from monitor.config import Config, ModelConfig
from monitor.models import SENTIMENTS
from monitor.scoring import model_version
from monitor.scoring.evaluate import evaluate, read_labelled
from monitor.scoring.language import LanguageIdentifier
from monitor.scoring.routing import ENGLISH, MULTILINGUAL, is_low_confidence, route

from .conftest import SCORING_FIXTURES, TOPICS

CHINESE = "美国网友涌入小红书，大家都很热情，太好了"
ENGLISH_POST = "The Supreme Court upheld the TikTok ban and I am furious about it"
MIXED = "我在学英语 so fun，RedNote上的美国朋友好可爱"
CHEROKEE = "ᏣᎳᎩ ᎦᏬᏂᎯᏍᏗ ᎠᏓᏅᏙ ᎣᏍᏓ"


@pytest.mark.parametrize(
    ("text", "path", "known"),
    [
        (CHINESE, MULTILINGUAL, True),
        (ENGLISH_POST, ENGLISH, True),
        (MIXED, MULTILINGUAL, True),
        ("RedNote is so much fun honestly 好", MULTILINGUAL, True),
        ("Adiós TikTok, hola RedNote, me encanta", MULTILINGUAL, True),
        (CHEROKEE, MULTILINGUAL, False),
        ("🔥🔥🔥", MULTILINGUAL, False),
    ],
)
def test_a_posts_language_decides_its_path(text: str, path: str, known: bool) -> None:
    chosen = route(LanguageIdentifier().identify(text))
    assert (chosen.path, chosen.known_language) == (path, known)


def test_without_a_multilingual_encoder_every_post_takes_the_english_path() -> None:
    chosen = route(LanguageIdentifier().identify(CHINESE), multilingual=False)
    assert (chosen.path, chosen.known_language) == (ENGLISH, False)


def test_chinese_english_and_mixed_posts_reach_their_encoders(
    scorer, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, list[str]] = {ENGLISH: [], MULTILINGUAL: []}
    for name, path in scorer.paths.items():
        encode = path.topic_encoder.encode

        def spy(texts, *args, _name=name, _encode=encode, **kwargs):
            seen[_name].extend(texts)
            return _encode(texts, *args, **kwargs)

        monkeypatch.setattr(path.topic_encoder, "encode", spy)
    scores = scorer.score([CHINESE, ENGLISH_POST, MIXED])
    assert seen == {ENGLISH: [ENGLISH_POST], MULTILINGUAL: [CHINESE, MIXED]}
    assert [score.lang for score in scores] == ["zh", "en", "zh"]


def test_routed_scores_do_not_depend_on_the_batch(scorer) -> None:
    posts = [CHINESE, ENGLISH_POST, MIXED]
    alone = [scorer.score([post])[0] for post in posts]
    together = scorer.score([*reversed(posts), "其他的帖子", "another post"])[:3][::-1]
    for a, b in zip(alone, together, strict=True):
        assert (a.sentiment, a.topic, a.lang) == (b.sentiment, b.topic, b.lang)
        assert a.probs == pytest.approx(b.probs, abs=1e-5)
        assert a.topic_score == pytest.approx(b.topic_score, abs=1e-5)
        assert a.confidence == pytest.approx(b.confidence, abs=1e-5)


def test_clear_chinese_sentiments_are_recognised(scorer) -> None:
    scores = scorer.score(["这个软件太好用了，强烈推荐给大家！", "质量太差了，非常失望，再也不买了"])
    assert [score.sentiment for score in scores] == ["positive", "negative"]


def test_a_post_in_an_unknown_language_is_scored_and_flagged(scorer) -> None:
    unknown, chinese, english = scorer.score([CHEROKEE, CHINESE, ENGLISH_POST])
    assert unknown.lang == "und"
    assert unknown.sentiment in SENTIMENTS and unknown.topic in scorer.matcher.topic_ids
    assert sum(unknown.probs.values()) == pytest.approx(1.0, abs=1e-4)
    assert is_low_confidence(unknown.confidence)
    assert not is_low_confidence(chinese.confidence) and not is_low_confidence(english.confidence)


def test_chinese_and_mixed_topics_match_the_hand_labelled_posts(scorer) -> None:
    labelled = read_labelled(SCORING_FIXTURES / "topics_labelled_zh.jsonl", scorer.matcher.topic_ids)
    result = evaluate(scorer, labelled, scorer.matcher.topic_ids)
    assert result.n == 56 and result.topic is not None
    assert result.topic.accuracy >= 0.75  # 0.79 when written


def test_the_multilingual_settings_are_part_of_the_model_version() -> None:
    default = model_version(Config(model=ModelConfig(), topics=TOPICS))
    english_only = model_version(Config(model=ModelConfig(multilingual_encoder=None), topics=TOPICS))
    other_threshold = model_version(
        Config(model=ModelConfig(multilingual_topic_threshold=0.5), topics=TOPICS)
    )
    assert len({default, english_only, other_threshold}) == 3
