"""Speakers and roles.

Stereo: one speaker per channel; which channel is the agent comes from metadata, configuration, or the
channel that greets ("u spreekt met ..."). Mono: GE2E speaker embeddings (resemblyzer) of short speech
pieces, clustered into speakers; the speaker who greets (or speaks first) is the agent.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from vpd_speech.audio import SAMPLE_RATE
from vpd_speech.config import SpeakersConfig
from vpd_speech.transcribe import Segment

CHANNEL_NAMES = ("left", "right")


@dataclass
class SpeakerTurnText:
    """The first words a speaker says: enough to recognise the agent's greeting."""

    speaker: str
    start: float
    text: str


def _greets(text: str, patterns: list[str]) -> int:
    return sum(bool(re.search(p, text, re.IGNORECASE)) for p in patterns)


def guess_agent(openings: list[SpeakerTurnText], patterns: list[str]) -> tuple[str, str]:
    """Pick the agent among speakers: most greeting phrases in their first words, else who speaks first.

    Returns (speaker, how it was decided).
    """
    if not openings:
        return "", "none"
    scored = sorted(openings, key=lambda o: (-_greets(o.text, patterns), o.start))
    best = scored[0]
    if _greets(best.text, patterns) and (len(scored) == 1 or _greets(scored[1].text, patterns) < _greets(best.text, patterns)):
        return best.speaker, "greeting"
    return min(openings, key=lambda o: o.start).speaker, "first_speaker"


def opening_text(segments: list[Segment], seconds: float = 15.0) -> str:
    """Text of the segments that start within `seconds` of the speaker's first speech."""
    if not segments:
        return ""
    first = segments[0].start
    return " ".join(s.text for s in segments if s.start - first <= seconds)


@dataclass
class Piece:
    """A stretch of one speaker's speech in a mono call: consecutive words without a pause."""

    start: float
    end: float
    word_index: list[tuple[int, int]]  # (segment index, word index)


class Diarizer:
    """Clusters speech pieces of a mono call by voice (resemblyzer's GE2E encoder, loaded once)."""

    def __init__(self, config: SpeakersConfig):
        self.config = config

    @cached_property
    def encoder(self):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # webrtcvad's pkg_resources deprecation notice
            from resemblyzer import VoiceEncoder

        return VoiceEncoder("cpu", verbose=False)

    def pieces(self, segments: list[Segment], max_gap_s: float = 0.3) -> list[Piece]:
        pieces: list[Piece] = []
        for si, seg in enumerate(segments):
            for wi, w in enumerate(seg.words):
                p = pieces[-1] if pieces else None
                if p and w.start - p.end <= max_gap_s and w.end - p.start <= self.config.window_s * 2:
                    p.end = w.end
                    p.word_index.append((si, wi))
                else:
                    pieces.append(Piece(w.start, w.end, [(si, wi)]))
        return pieces

    def assign(self, samples: np.ndarray, segments: list[Segment]) -> list[list[int]]:
        """Speaker index per word (same nesting as segments[i].words); speaker 0 is whoever speaks first."""
        labels = [[0] * len(s.words) for s in segments]
        pieces = self.pieces(segments)
        if len(pieces) < 2 or self.config.n_speakers < 2:
            return labels
        embeddings = np.stack([self._embed(samples, p) for p in pieces])
        clusters = _cluster(embeddings, self.config.n_speakers)
        order = {c: i for i, c in enumerate(dict.fromkeys(clusters))}  # first to speak = 0
        for p, c in zip(pieces, clusters):
            for si, wi in p.word_index:
                labels[si][wi] = order[c]
        return labels

    def _embed(self, samples: np.ndarray, piece: Piece) -> np.ndarray:
        lo = int(max(0.0, piece.start - 0.05) * SAMPLE_RATE)
        hi = int((piece.end + 0.05) * SAMPLE_RATE)
        wav = samples[lo:hi].astype(np.float32)
        peak = np.abs(wav).max() or 1.0
        return self.encoder.embed_utterance(wav / peak * 0.5)


def _cluster(embeddings: np.ndarray, n: int) -> list[int]:
    """Average-linkage agglomerative clustering on cosine distance into at most n clusters."""
    from scipy.cluster.hierarchy import fcluster, linkage

    if len(embeddings) <= n:
        return list(range(len(embeddings)))
    tree = linkage(embeddings, method="average", metric="cosine")
    return [int(c) for c in fcluster(tree, t=n, criterion="maxclust")]
