"""Speech / silence: Silero VAD (as shipped in faster-whisper), with settings tuned for telephone audio.

`speech_regions` gives the regions that the listening windows are laid out from (`windows.py`) and that
mono diarization cuts into pieces; with `asr.stereo`/`asr.mono` = `glued` the recogniser runs the VAD itself
from `vad_options`. `StreamingVad` finds the end of each utterance of a live call as its audio arrives.
"""

from __future__ import annotations

import numpy as np
from faster_whisper.vad import VadOptions, get_speech_timestamps

from vpd_speech.audio.decode import SAMPLE_RATE
from vpd_speech.config import VadConfig

WHISPER_WINDOW_S = 30.0
VAD_WINDOW = 512  # samples Silero VAD scores at a time


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


class StreamingVad:
    """Speech regions of one channel of a live call, as its audio arrives.

    Each `update` runs the VAD over the audio after the last finished region, so the cost stays small. A
    region followed by `min_silence_duration_ms` of silence is closed: the utterance ended and can be
    transcribed. The last region may still be open (the speaker is talking). The audio looked at always
    starts on the VAD's 512-sample grid, so the regions depend on the audio and on where the updates are
    made, never on when they run.
    """

    def __init__(self, config: VadConfig, keep_s: float = 1.0):
        self.options = vad_options(config)
        self.keep = int(keep_s * SAMPLE_RATE)  # silence kept for the next update: speech may be starting in it
        self.done = 0  # samples before this are in reported closed regions, or silence

    def update(self, samples: np.ndarray, flush: bool = False) -> tuple[list[tuple[int, int]], tuple[int, int] | None]:
        """Closed regions not reported before, and the open region (sample spans in the channel).

        `samples` is the whole channel so far; `flush` (end of the call) closes the open region."""
        n = len(samples)
        if n - self.done < VAD_WINDOW:
            return [], None
        stamps = get_speech_timestamps(samples[self.done :], self.options, sampling_rate=SAMPLE_RATE)
        spans = [(self.done + s["start"], self.done + s["end"]) for s in stamps]
        still_open = spans.pop() if spans and spans[-1][1] >= n and not flush else None
        if spans:
            done = spans[-1][1]
        else:  # nothing finished: skip the silence, keeping a little before what may be speech
            done = max(self.done, (still_open[0] if still_open else n) - self.keep)
        self.done = done - done % VAD_WINDOW
        return spans, still_open
