"""How a call is heard: the conversation in time order with its pauses, each word to its channel.

`asr.mono`: `paused` hears the speech in windows that keep its pauses (vpd_speech/asr/windows.py); `glued` uses
faster-whisper's VAD chunking, which glues the speech back to back.

`asr.stereo` chooses the arrangement for two channels (measured in eval/eval_asr.py, README
"How a call is heard"):

- `mix`: both channels, level-matched and mixed, in windows that keep the pauses: Whisper hears a
  dialogue. Each word goes to the channel with more energy at the word's time. Where both channels speak
  at once for `asr.overlap_min_s` or longer, each party's turn is also heard alone, so neither loses words.
- `channels`: each channel alone, in windows that keep its pauses (the other party's turns are silence).
- `glued`: each channel alone through faster-whisper's VAD chunking, speech glued back to back (the
  arrangement before 0.2; kept for comparison).
"""

from __future__ import annotations

import numpy as np

from vpd_speech.asr.transcribe import Segment, Transcriber
from vpd_speech.asr.windows import Window, plan_windows
from vpd_speech.audio.decode import SAMPLE_RATE
from vpd_speech.audio.vad import speech_regions
from vpd_speech.config import AsrConfig, VadConfig
from vpd_speech.schema import Word

ATTRIBUTION_PAD_S = 0.05  # energy is measured over the word's span widened by this on both sides


def loudest(samples: np.ndarray, start: float, end: float) -> int:
    """The channel with the most energy in [start, end] seconds (widened by ATTRIBUTION_PAD_S)."""
    n = samples.shape[1]
    a = min(n - 1, max(0, int((start - ATTRIBUTION_PAD_S) * SAMPLE_RATE)))
    b = min(n, max(a + 1, int((end + ATTRIBUTION_PAD_S) * SAMPLE_RATE)))
    return int(np.argmax(np.square(samples[:, a:b], dtype=np.float64).sum(axis=1)))


def overlaps(regions: list[list[tuple[float, float]]], min_s: float) -> list[list[tuple[float, float]]]:
    """Per channel, its speech regions that overlap a region of the other channel by `min_s` or more."""
    out: list[list[tuple[float, float]]] = [[], []]
    for r0 in regions[0]:
        for r1 in regions[1]:
            if min(r0[1], r1[1]) - max(r0[0], r1[0]) >= min_s:
                out[0].append(r0)
                out[1].append(r1)
    return [sorted(set(r)) for r in out]


def matched_mix(samples: np.ndarray, regions: list[list[tuple[float, float]]]) -> np.ndarray:
    """Both channels brought to the same speech level and summed (a quiet caller line stays audible)."""
    mix = np.zeros(samples.shape[1], dtype=np.float32)
    for ch in range(2):
        speech = np.concatenate(
            [samples[ch, int(a * SAMPLE_RATE) : int(b * SAMPLE_RATE)] for a, b in regions[ch]] or [np.zeros(1)]
        )
        rms = float(np.sqrt(np.mean(np.square(speech)))) or 1.0
        mix += samples[ch] * (0.1 / rms)
    return mix


def split_by_channel(segment: Segment, channels: list[int]) -> list[tuple[int, Segment]]:
    """A segment of the mix cut into runs of consecutive words of one channel."""
    runs: list[tuple[int, list[Word]]] = []
    for word, ch in zip(segment.words, channels):
        if runs and runs[-1][0] == ch:
            runs[-1][1].append(word)
        else:
            runs.append((ch, [word]))
    return [(ch, segment.keeping(words)) for ch, words in runs]


def _inside(t: float, regions: list[tuple[float, float]]) -> bool:
    return any(a <= t <= b for a, b in regions)


def arrangement(asr: AsrConfig, channels: int) -> str:
    """How a call with this many channels is heard: `channels`, `mix` or `glued` (a mono call `paused` is
    heard as its one channel alone)."""
    if channels == 2:
        return asr.stereo
    return "channels" if asr.mono == "paused" else "glued"


def transcribe_call(transcriber: Transcriber, samples: np.ndarray, vad: VadConfig, asr: AsrConfig) -> list[list[Segment]]:
    """The segments of each channel of `samples` (16 kHz, one or two channels), in call time."""
    how = arrangement(asr, samples.shape[0])
    if how == "glued":
        return [transcriber.transcribe(channel) for channel in samples]
    regions = [speech_regions(channel, vad) for channel in samples]
    if how == "channels":
        return _hear_alone(transcriber, samples, regions, asr.max_pause_s)
    return _hear_mix(transcriber, samples, regions, asr)


def _hear_alone(
    transcriber: Transcriber, samples: np.ndarray, regions: list[list[tuple[float, float]]], max_pause_s: float
) -> list[list[Segment]]:
    """Each channel alone, in windows that keep its pauses; all windows in one batch."""
    windows = [w for ch, own in enumerate(regions) for w in plan_windows(own, ch, max_pause_s)]
    per_channel: list[list[Segment]] = [[] for _ in samples]
    for w, segments in zip(windows, transcriber.transcribe_windows(dict(enumerate(samples)), windows)):
        per_channel[w.source] += segments
    return per_channel


def _hear_mix(
    transcriber: Transcriber, samples: np.ndarray, regions: list[list[tuple[float, float]]], asr: AsrConfig
) -> list[list[Segment]]:
    """Both channels mixed, each word to the louder channel; turns that overlap also heard alone, and their
    words replace the mix's."""
    alone = overlaps(regions, asr.overlap_min_s)
    windows = plan_windows(regions[0] + regions[1], None, asr.max_pause_s)
    windows += [Window(ch, (r,)) for ch in range(2) for r in alone[ch]]
    signals = {None: matched_mix(samples, regions), 0: samples[0], 1: samples[1]}
    per_channel: list[list[Segment]] = [[], []]
    for w, segments in zip(windows, transcriber.transcribe_windows(signals, windows)):
        for segment in segments:
            if w.source is not None:
                per_channel[w.source].append(segment)
                continue
            channels = [loudest(samples, word.start, word.end) for word in segment.words]
            for ch, part in split_by_channel(segment, channels):
                words = [x for x in part.words if not _inside((x.start + x.end) / 2, alone[ch])]
                if words:
                    per_channel[ch].append(part.keeping(words))
    return [sorted(segs, key=lambda s: s.start) for segs in per_channel]
