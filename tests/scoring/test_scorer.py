"""The default scorer: what it says about posts, and that it says the same thing every time."""

from __future__ import annotations

import pytest

from monitor.models import SENTIMENTS

BAN_POSTS = [
    "The Supreme Court upheld the TikTok ban and I am furious about it",
    "Just joined RedNote, everyone here is so welcoming!",
    "Elon Musk might buy TikTok US, reports say",
    "美国网友涌入小红书，大家好",
]


def test_scoring_is_deterministic(scorer) -> None:
    first = scorer.score(BAN_POSTS)
    second = scorer.score(list(reversed(BAN_POSTS)))[::-1]
    for a, b in zip(first, second, strict=True):
        assert (a.sentiment, a.topic, a.lang) == (b.sentiment, b.topic, b.lang)
        assert a.probs == pytest.approx(b.probs, abs=1e-5)
        assert a.topic_score == pytest.approx(b.topic_score, abs=1e-5)


def test_probabilities_sum_to_one_and_score_is_positive_minus_negative(scorer) -> None:
    for score in scorer.score(BAN_POSTS):
        assert set(score.probs) == set(SENTIMENTS)
        assert sum(score.probs.values()) == pytest.approx(1.0, abs=1e-4)
        assert score.sentiment_score == pytest.approx(
            score.probs["positive"] - score.probs["negative"], abs=1e-5
        )
        assert score.sentiment == max(score.probs, key=score.probs.get)
        assert score.model == scorer.version


def test_clear_sentiments_are_recognised(scorer) -> None:
    scores = scorer.score(
        ["I love this app so much, best day ever!", "This ban is disgusting, I hate Congress"]
    )
    assert [score.sentiment for score in scores] == ["positive", "negative"]


def test_topics_follow_the_taxonomy(scorer) -> None:
    scores = scorer.score(
        [
            "ByteDance is in talks to sell TikTok to Oracle",
            "Downloading Xiaohongshu tonight, bye TikTok",
            "What should I make for breakfast tomorrow",
        ]
    )
    assert [score.topic for score in scores] == ["ownership_deal", "migration", "other"]
    assert all(score.topic_runner_up not in (None, score.topic) for score in scores)
    assert all(score.topic_runner_up_score <= score.topic_score or score.topic == "other" for score in scores)


def test_chinese_empty_and_emoji_only_posts_are_scored(scorer) -> None:
    scores = scorer.score(["美国人都来小红书了，欢迎欢迎", "", "🙂🔥🔥", "   "])
    assert [score.lang for score in scores] == ["zh", "und", "und", "und"]
    for score in scores:
        assert score.sentiment in SENTIMENTS
        assert score.topic in scorer.matcher.topic_ids


def test_identical_texts_are_scored_once(scorer, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    encode = scorer.topic_encoder.encode

    def counting_encode(texts, *args, **kwargs):
        seen.append(len(texts))
        return encode(texts, *args, **kwargs)

    monkeypatch.setattr(scorer.topic_encoder, "encode", counting_encode)
    scores = scorer.score(["repost me", "repost me", "something else", "repost me"], ids=["a", "b", "c", "d"])
    assert seen == [2]
    assert [score.post_id for score in scores] == ["a", "b", "c", "d"]
    assert scores[0].probs == scores[1].probs == scores[3].probs


def test_progress_counts_every_input_text(scorer) -> None:
    done: list[int] = []
    scorer.score(["same"] * 5 + ["other text", "third text"], progress=done.append)
    assert sum(done) == 7
