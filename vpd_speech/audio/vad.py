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


class SpeechScores:
    """Silero's speech probability of each 512-sample window of a growing signal, scored once: the model's
    LSTM state and the 64 samples of context before each window are carried from one `add` to the next, so
    the scores are those of one run over the whole signal (faster-whisper's `get_speech_timestamps`)."""

    CONTEXT = 64

    def __init__(self):
        from faster_whisper.vad import get_vad_model

        self.session = get_vad_model().session  # faster-whisper's Silero model, shared and thread-safe
        self.state = [np.zeros((1, 1, 128), dtype=np.float32) for _ in range(2)]
        self.context = np.zeros(self.CONTEXT, dtype=np.float32)

    def add(self, samples: np.ndarray) -> np.ndarray:
        """The scores of the next whole windows (`samples`: a multiple of `VAD_WINDOW` samples)."""
        windows = np.asarray(samples, dtype=np.float32).reshape(-1, VAD_WINDOW)
        if not len(windows):
            return np.zeros(0, dtype=np.float32)
        before = np.vstack([self.context, windows[:-1, -self.CONTEXT :]])
        h, c = self.state
        probs, h, c = self.session.run(None, {"input": np.hstack([before, windows]), "h": h, "c": c})
        self.state, self.context = [h, c], windows[-1, -self.CONTEXT :].copy()
        return probs.reshape(-1)


def regions_of(probs: np.ndarray, options: VadOptions, n_samples: int) -> list[tuple[int, int]]:
    """Speech regions (sample spans) from per-window speech probabilities, by Silero's rule as faster-whisper
    applies it (`get_speech_timestamps`): speech starts above `threshold` and ends after `min_silence` below
    `neg_threshold`; too short regions are dropped, too long ones cut in their last short pause, and each
    region is padded by `speech_pad_ms` (half of a gap narrower than two pads). `n_samples`: the audio's length."""
    on = options.threshold
    off = options.neg_threshold if options.neg_threshold is not None else max(on - 0.15, 0.01)
    min_speech = SAMPLE_RATE * options.min_speech_duration_ms / 1000
    min_silence = SAMPLE_RATE * options.min_silence_duration_ms / 1000
    pad = SAMPLE_RATE * options.speech_pad_ms / 1000
    max_speech = SAMPLE_RATE * options.max_speech_duration_s - VAD_WINDOW - 2 * pad
    cut_pause = SAMPLE_RATE * 98 / 1000  # a pause this long is where a too long region may be cut

    spans: list[list[int]] = []
    start: int | None = None  # start of the region being read
    quiet = 0  # where the current pause began (0: none)
    cut = 0  # the last pause of the region long enough to cut at
    resume = 0  # where speech came back after that pause
    for i, p in enumerate(probs):
        t = i * VAD_WINDOW
        if p >= on and quiet:
            quiet = 0
            if resume < cut:
                resume = t
        if start is None:
            if p >= on:
                start = t
            continue
        if t - start > max_speech:  # too long: cut at the last pause, or here
            spans.append([start, cut or t])
            start = resume if cut and resume >= cut else None
            quiet = cut = resume = 0
            if start is None:
                continue
        if p < off:
            quiet = quiet or t
            if t - quiet > cut_pause:
                cut = quiet
            if t - quiet >= min_silence:
                if quiet - start > min_speech:
                    spans.append([start, quiet])
                start, quiet, cut, resume = None, 0, 0, 0
    if start is not None and n_samples - start > min_speech:
        spans.append([start, n_samples])

    for i, span in enumerate(spans):
        if i == 0:
            span[0] = int(max(0, span[0] - pad))
        if i + 1 < len(spans):
            gap = spans[i + 1][0] - span[1]
            shift = gap // 2 if gap < 2 * pad else pad  # a narrow gap is shared, a wide one padded on both sides
            span[1] = int(min(n_samples, span[1] + shift))
            spans[i + 1][0] = int(max(0, spans[i + 1][0] - shift))
        else:
            span[1] = int(min(n_samples, span[1] + pad))
    return [(a, b) for a, b in spans]


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
        self.scores = SpeechScores()
        self.scored = 0  # samples scored (whole windows)
        self.probs = np.zeros(0, dtype=np.float32)  # speech probability of each whole window from `done` on
        self.reported = 0  # end of the last closed region reported

    def update(self, samples: np.ndarray, flush: bool = False) -> tuple[list[tuple[int, int]], tuple[int, int] | None]:
        """Closed regions not reported before, and the open region (sample spans in the channel).

        `samples` is the whole channel so far; `flush` (end of the call) closes the open region. Only the
        windows new since the last update are scored: an utterance that goes on costs no more per update."""
        n = len(samples)
        if n - self.done < VAD_WINDOW:
            return [], None
        whole = n - n % VAD_WINDOW
        self.probs = np.concatenate([self.probs, self.scores.add(samples[self.scored : whole])])
        self.scored = whole
        spans = [
            (max(self.done + a, self.reported), self.done + b)  # `done` is rounded down to the grid
            for a, b in regions_of(self.probs, self.options, n - self.done)
        ]
        still_open = spans.pop() if spans and spans[-1][1] >= n and not flush else None
        if spans:
            done = self.reported = spans[-1][1]
        else:  # nothing finished: skip the silence, keeping a little before what may be speech
            done = max(self.done, (still_open[0] if still_open else n) - self.keep)
        done -= done % VAD_WINDOW
        self.probs = self.probs[(done - self.done) // VAD_WINDOW :]
        self.done = done
        return spans, still_open
