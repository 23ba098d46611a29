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

from vpd_speech.asr.transcribe import Segment
from vpd_speech.audio.decode import SAMPLE_RATE
from vpd_speech.audio.vad import speech_regions
from vpd_speech.config import SpeakersConfig, VadConfig

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


class Diarizer:
    """Clusters the speech pieces of a mono call by voice (resemblyzer's GE2E encoder, loaded once).

    Pieces are VAD regions split at short pauses (turn changes on the phone nearly always have one) and
    cut to at most `window_s * 2`; all their 1.6 s partials go through the encoder in one batch.
    """

    def __init__(self, config: SpeakersConfig, vad: VadConfig):
        self.config = config
        self.vad = vad.model_copy(update={"min_silence_duration_ms": 250, "speech_pad_ms": 50, "min_speech_duration_ms": 200})

    @cached_property
    def encoder(self):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # webrtcvad's pkg_resources deprecation notice
            from resemblyzer import VoiceEncoder

        return VoiceEncoder("cpu", verbose=False)

    def pieces(self, samples: np.ndarray) -> list[tuple[float, float]]:
        longest = self.config.window_s * 2
        pieces = []
        for start, end in speech_regions(samples, self.vad):
            n = max(1, int(np.ceil((end - start) / longest)))
            step = (end - start) / n
            pieces += [(start + i * step, start + (i + 1) * step) for i in range(n)]
        return pieces

    def assign(self, samples: np.ndarray, segments: list[Segment]) -> list[list[int]]:
        """Speaker index per word (same nesting as segments[i].words); speaker 0 is whoever speaks first."""
        labels = [[0] * len(s.words) for s in segments]
        pieces = self.pieces(samples)
        if len(pieces) < 2 or self.config.n_speakers < 2:
            return labels
        clusters = _cluster_pieces(self.embed(samples, pieces), pieces, self.config.n_speakers)
        order = {c: i for i, c in enumerate(dict.fromkeys(clusters))}  # first to speak = 0
        centers = np.array([(a + b) / 2 for a, b in pieces])
        for si, seg in enumerate(segments):
            for wi, w in enumerate(seg.words):
                overlap = np.array([min(b, w.end) - max(a, w.start) for a, b in pieces])
                best = int(np.argmax(overlap)) if overlap.max() > 0 else int(np.argmin(np.abs(centers - (w.start + w.end) / 2)))
                labels[si][wi] = order[clusters[best]]
        return labels

    def embed(self, samples: np.ndarray, pieces: list[tuple[float, float]]) -> np.ndarray:
        """One L2-normalised GE2E embedding per piece: the mean of its partials, all partials in one forward pass."""
        import torch
        from resemblyzer.audio import wav_to_mel_spectrogram

        encoder = self.encoder
        partials, owner = [], []
        for i, (start, end) in enumerate(pieces):
            wav = samples[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)].astype(np.float32)
            wav = wav / (np.abs(wav).max() or 1.0) * 0.5
            wav_slices, mel_slices = encoder.compute_partial_slices(len(wav), rate=1.3, min_coverage=0.75)
            wav = np.pad(wav, (0, max(0, wav_slices[-1].stop - len(wav))))
            mel = wav_to_mel_spectrogram(wav)
            for sl in mel_slices:
                partials.append(mel[sl])
                owner.append(i)
        with torch.inference_mode():
            partial_embeds = encoder(torch.from_numpy(np.stack(partials))).numpy()
        owner = np.array(owner)
        embeds = np.stack([partial_embeds[owner == i].mean(axis=0) for i in range(len(pieces))])
        return embeds / np.linalg.norm(embeds, axis=1, keepdims=True)


def _cluster_pieces(embeddings: np.ndarray, pieces: list[tuple[float, float]], n: int, min_s: float = 0.8) -> list[int]:
    """Cluster the pieces long enough to carry a voice, then give every piece its nearest speaker centroid.

    Short pieces ("ja", "dus") make unreliable embeddings that would otherwise form a cluster of their own.
    """
    long = [i for i, (a, b) in enumerate(pieces) if b - a >= min_s]
    if len(long) < n:
        long = list(range(len(pieces)))
    core = _cluster(embeddings[long], n)
    centroids = np.stack([embeddings[[i for i, c in zip(long, core) if c == k]].mean(axis=0) for k in sorted(set(core))])
    return [int(k) for k in np.argmax(embeddings @ centroids.T, axis=1)]


def _cluster(embeddings: np.ndarray, n: int) -> list[int]:
    """Average-linkage agglomerative clustering on cosine distance into at most n clusters."""
    from scipy.cluster.hierarchy import fcluster, linkage

    if len(embeddings) <= n:
        return list(range(len(embeddings)))
    tree = linkage(embeddings, method="average", metric="cosine")
    return [int(c) for c in fcluster(tree, t=n, criterion="maxclust")]
