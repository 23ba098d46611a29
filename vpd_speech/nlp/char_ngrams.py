"""Character n-gram TF-IDF of the classifier's n-gram head, computed without scikit-learn at run time.

Character n-grams survive ASR misspellings ("idiot" for "idioot") that split the encoder's word pieces
differently. Training fits the vocabulary and idf with scikit-learn's TfidfVectorizer on `analyzer(options)`,
so the n-grams have this one definition; scoring needs only numpy (scikit-learn and scipy would add
~160 MB of memory and ~1 s of import to every run).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

_WHITE_SPACES = re.compile(r"\s\s+")  # as scikit-learn's analyzers: runs of white space become one space


def analyzer(options: dict) -> Callable[[str], list[str]]:
    """A text's n-grams for a role's `char_ngrams` entry: of its Dutch sound key across words (`text:
    "sound_key"`), or within each lowercased word padded with a space (`text: "words"`). The same n-grams as
    scikit-learn's "char" analyzer with that preprocessor, and its "char_wb" analyzer."""
    lo, hi = options["ngram_range"]
    if options.get("text") == "sound_key":
        from vpd_speech.nlp.phonetic import sound_key

        return lambda text: _across(_WHITE_SPACES.sub(" ", sound_key(text)), lo, hi)
    return lambda text: [g for word in _WHITE_SPACES.sub(" ", text.lower()).split() for g in _within(f" {word} ", lo, hi)]


def _across(text: str, lo: int, hi: int) -> list[str]:
    return [text[i : i + n] for n in range(lo, min(hi, len(text)) + 1) for i in range(len(text) - n + 1)]


def _within(word: str, lo: int, hi: int) -> list[str]:
    """The n-grams of one padded word; a word shorter than `lo` counts once, whole."""
    if len(word) < lo:
        return [word]
    return [word[i : i + n] for n in range(lo, min(hi, len(word)) + 1) for i in range(len(word) - n + 1)]


class CharTfidf:
    """Sublinear-tf x idf weights of the known n-grams, each text's vector of unit length."""

    def __init__(self, vocabulary: Sequence[str], idf: np.ndarray, options: dict):
        self.index = {g: i for i, g in enumerate(vocabulary)}
        self.idf = np.asarray(idf, dtype=np.float64)
        self.analyze = analyzer(options)

    def features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(n-gram indices, weights) of one text; empty when it has no known n-gram."""
        counts = Counter(i for i in map(self.index.get, self.analyze(text)) if i is not None)
        idx = np.fromiter(counts, dtype=np.int64, count=len(counts))
        tf = np.array([1.0 + math.log(c) for c in counts.values()])
        w = tf * self.idf[idx]
        norm = math.sqrt(float(w @ w))
        return idx, (w / norm if norm > 0 else w)

    def dot(self, texts: Sequence[str], weight: np.ndarray) -> np.ndarray:
        """Each text's vector times `weight` (classes, n-grams) transposed: (texts, classes)."""
        out = np.zeros((len(texts), weight.shape[0]), dtype=np.float32)
        for row, text in enumerate(texts):
            idx, w = self.features(text)
            if len(idx):
                out[row] = weight[:, idx] @ w
        return out
