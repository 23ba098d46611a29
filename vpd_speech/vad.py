"""Speech / silence: Silero VAD (as shipped in faster-whisper), with settings tuned for telephone audio.

The recogniser runs the VAD itself from `vad_options` (it then decodes only speech, packed into full
30 s windows); `speech_regions` serves the stages that need the regions themselves (mono diarization).
"""

from __future__ import annotations

import numpy as np
from faster_whisper.vad import VadOptions, get_speech_timestamps

from vpd_speech.audio import SAMPLE_RATE
from vpd_speech.config import VadConfig

WHISPER_WINDOW_S = 30.0


def vad_options(config: VadConfig) -> VadOptions:
    return VadOptions(
        threshold=config.threshold,
        neg_threshold=config.neg_threshold,
        min_speech_duration_ms=config.min_speech_duration_ms,
        max_speech_duration_s=min(config.max_speech_duration_s, WHISPER_WINDOW_S),
        min_silence_duration_ms=config.min_silence_duration_ms,
        speech_pad_ms=config.speech_pad_ms,
    )


def speech_regions(samples: np.ndarray, config: VadConfig) -> list[tuple[float, float]]:
    """Speech regions (seconds) of one 16 kHz channel."""
    stamps = get_speech_timestamps(samples, vad_options(config), sampling_rate=SAMPLE_RATE)
    return [(s["start"] / SAMPLE_RATE, s["end"] / SAMPLE_RATE) for s in stamps]
