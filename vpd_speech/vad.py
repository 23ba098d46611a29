"""Speech / silence: Silero VAD (as shipped in faster-whisper) into speech chunks for the recogniser.

Chunks are VAD regions merged across short pauses, at most 30 s (Whisper's window), so the batched
recogniser gets full windows without spending time on the other party's turns in a stereo channel.
"""

from __future__ import annotations

import numpy as np
from faster_whisper.vad import VadOptions, get_speech_timestamps

from vpd_speech.audio import SAMPLE_RATE
from vpd_speech.config import VadConfig

MAX_CHUNK_S = 30.0


def speech_regions(samples: np.ndarray, config: VadConfig) -> list[tuple[float, float]]:
    """Speech regions (seconds) of one channel."""
    options = VadOptions(
        threshold=config.threshold,
        neg_threshold=config.neg_threshold,
        min_speech_duration_ms=config.min_speech_duration_ms,
        max_speech_duration_s=min(config.max_speech_duration_s, MAX_CHUNK_S),
        min_silence_duration_ms=config.min_silence_duration_ms,
        speech_pad_ms=config.speech_pad_ms,
    )
    stamps = get_speech_timestamps(samples, options, sampling_rate=SAMPLE_RATE)
    return [(s["start"] / SAMPLE_RATE, s["end"] / SAMPLE_RATE) for s in stamps]


def merge_regions(
    regions: list[tuple[float, float]], max_gap_s: float = 1.5, max_chunk_s: float = MAX_CHUNK_S
) -> list[tuple[float, float]]:
    """Join neighbouring regions separated by less than max_gap_s while the result stays within max_chunk_s."""
    chunks: list[tuple[float, float]] = []
    for start, end in regions:
        if chunks and start - chunks[-1][1] < max_gap_s and end - chunks[-1][0] <= max_chunk_s:
            chunks[-1] = (chunks[-1][0], end)
        else:
            chunks.append((start, end))
    return chunks
