"""The lexicon baseline: VADER, for comparison with the transformer (never the default).

VADER's compound score decides the class with VADER's own cut-offs (>= 0.05 positive,
<= -0.05 negative); ``probs`` are VADER's shares of negative, neutral and positive wording,
nudged so the chosen class is the largest. They are not calibrated probabilities.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from monitor.scoring.scorer import Progress

POSITIVE_CUTOFF = 0.05


class VaderSentiment:
    """VADER polarity, with the analyser kept on this object."""

    def __init__(self) -> None:
        self._analyser: Any = None

    def predict(self, texts: Sequence[str], progress: Progress | None = None) -> tuple[np.ndarray, None]:
        """Rows shaped like class probabilities whose argmax is VADER's class; see ``compound``."""
        if self._analyser is None:
            from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

            self._analyser = SentimentIntensityAnalyzer()
        rows = np.zeros((len(texts), 3), dtype=np.float32)
        for index, text in enumerate(texts):
            polarity = self._analyser.polarity_scores(text)
            shares = np.array([polarity["neg"], polarity["neu"], polarity["pos"]], dtype=np.float32)
            rows[index] = _shares_with_class(shares, polarity["compound"])
        if progress is not None:
            progress(len(texts))
        return rows, None


def _shares_with_class(shares: np.ndarray, compound: float) -> np.ndarray:
    """VADER's word shares, nudged so the largest one is VADER's compound-based class and
    p(pos) - p(neg) has the compound's sign."""
    if compound >= POSITIVE_CUTOFF:
        target = 2
    elif compound <= -POSITIVE_CUTOFF:
        target = 0
    else:
        target = 1
    if shares.sum() == 0:
        shares = np.array([0.0, 1.0, 0.0], dtype=np.float32)
    shares = shares / shares.sum()
    boosted = shares.copy()
    boosted[target] = shares.max() + 1e-3
    return boosted / boosted.sum()
