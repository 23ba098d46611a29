"""Transcription with faster-whisper: Dutch, word timestamps, on the VAD chunks of one channel."""

from __future__ import annotations

import copy
import dataclasses
import functools
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from vpd_speech.asr.windows import Window, window_of
from vpd_speech.audio.decode import SAMPLE_RATE
from vpd_speech.audio.vad import WHISPER_WINDOW_S, vad_options
from vpd_speech.config import AsrConfig, VadConfig
from vpd_speech.models import ModelError, resolve_whisper
from vpd_speech.schema import Word

FRAMES_PER_S = 100  # Whisper's mel frames per second
WINDOW_FRAMES = int(WHISPER_WINDOW_S * FRAMES_PER_S)
TIME_GRID = 320  # samples: Whisper's word times are multiples of 20 ms
LOOP_RATIO = 2.4  # faster-whisper's compression_ratio_threshold: text this repetitive is a decoding loop
LOOP_PENALTY = 1.1  # repetition_penalty of the second decoding of a looping window
ENCODER_BATCH = 2  # windows per encoder pass on CPU: batch 8 at once peaks ~800 MB higher (its 8 x 1500 x 1500
# attention scores per head), two at a time ~150 MB higher, and is as fast (eval.bench_batch)


@dataclass
class Segment:
    start: float
    end: float
    text: str
    words: list[Word] = field(default_factory=list)
    no_speech_prob: float = 0.0
    avg_logprob: float = 0.0

    def keeping(self, words: list[Word]) -> Segment:
        """This segment cut to `words` (some of its words): their text and times, its scores."""
        text = " ".join(w.text for w in words)
        return Segment(words[0].start, words[-1].end, text, words, self.no_speech_prob, self.avg_logprob)


class Transcriber:
    """Loads the Whisper model once; `transcribe` is called per channel."""

    def __init__(self, config: AsrConfig, vad: VadConfig):
        self.config = config
        self.vad = vad_options(vad)
        path = resolve_whisper(config.model)
        os.environ["HF_HUB_OFFLINE"] = "1"
        try:
            self.model = _whisper_model()(
                path,
                device=config.device,
                compute_type=config.compute_type,
                cpu_threads=config.cpu_threads,
                num_workers=config.workers,
                local_files_only=True,
            )
        except (RuntimeError, ValueError, OSError) as e:
            raise ModelError(f"cannot load ASR model {config.model!r} from {path}: {e}") from None
        self.batched = _windowed_batches()(self.model) if config.batch_size > 1 else None
        self.name = config.model

    def sharing_model(self) -> Transcriber:
        """A transcriber on the same loaded model for another thread: faster-whisper's batched pipeline
        keeps state between the batches of one call, so two threads must not share it (the model itself
        is thread-safe)."""
        other = copy.copy(self)
        other.batched = _windowed_batches()(self.model) if self.batched is not None else None
        return other

    def _options(self) -> dict:
        c = self.config
        return {
            "language": c.language,
            "beam_size": c.beam_size,
            "word_timestamps": True,
            "initial_prompt": c.initial_prompt,
            "hotwords": c.hotwords,
        }

    def transcribe_windows(self, signals: dict[int | None, np.ndarray], windows: list[Window]) -> list[list[Segment]]:
        """Transcribe each window (pieces of `signals[window.source]`, 16 kHz) in one batch; the segments
        of each window, with times in the call.

        The windows' audio is laid end to end and given to faster-whisper as clip timestamps, so each
        window is one encoder pass that hears exactly its pieces, pauses included."""
        if not windows:
            return []
        parts, offsets, clips, at = [], [], [], 0
        for w in windows:
            signal = signals[w.source]
            audio = np.concatenate([signal[int(a * SAMPLE_RATE) : int(b * SAMPLE_RATE)] for a, b in w.pieces])
            parts.append(audio)
            offsets.append(at / SAMPLE_RATE)
            clips.append({"start": at / SAMPLE_RATE, "end": (at + len(audio)) / SAMPLE_RATE})
            at += len(audio)
        segments = self._transcribe_clips(np.concatenate(parts).astype(np.float32), clips)
        out: list[list[Segment]] = [[] for _ in windows]
        for s in segments:
            if not s.text.strip():
                continue
            i = window_of(offsets, (s.start + s.end) / 2)  # faster-whisper rounds times to 10 ms
            out[i].append(_segment(s, time=lambda t, i=i: windows[i].to_call_time(t - offsets[i])))
        return out

    def transcribe_pieces(
        self, pieces: list[tuple[np.ndarray, float]], window_s: float = WHISPER_WINDOW_S
    ) -> list[list[Segment]]:
        """Transcribe several pieces (16 kHz samples, offset in seconds) in one batch, each heard and timed
        exactly as `transcribe` hears it alone: its speech glued by the VAD, one encoder window each, word
        times mapped back the way faster-whisper maps them (a word's chunk by its middle, 10 ms).

        `window_s` below 30 s shortens the encoder's window: a piece is heard in the shortest multiple of
        `window_s` that holds its speech (the encoder's cost grows with its window, not with the speech).
        Pieces of one window size share a batch, so what a piece gets never depends on the other pieces.
        For the stream server, which hears the live pieces of all calls ready at once together."""
        from faster_whisper.vad import SpeechTimestampsMap, get_speech_timestamps

        out: list[list[Segment]] = [[] for _ in pieces]
        groups: dict[int, list[tuple[int, np.ndarray, list[dict]]]] = {}
        for i, (samples, _) in enumerate(pieces):
            chunks = get_speech_timestamps(samples, self.vad)
            if not chunks:
                continue  # no speech: nothing to hear
            audio = np.concatenate([samples[c["start"] : c["end"]] for c in chunks])
            size = min(WHISPER_WINDOW_S, window_s * math.ceil(len(audio) / SAMPLE_RATE / window_s))
            groups.setdefault(int(size * FRAMES_PER_S), []).append((i, audio, chunks))
        for frames, group in sorted(groups.items()):
            clips, offsets, audio, at = [], [], [], 0
            for _, part, _ in group:
                pad = -len(part) % TIME_GRID  # each part starts on the 20 ms grid of Whisper's word times
                audio += [part, np.zeros(pad, dtype=np.float32)]
                clips.append({"start": (at + 0.5) / SAMPLE_RATE, "end": (at + len(part) + 0.5) / SAMPLE_RATE})
                offsets.append(at / SAMPLE_RATE)
                at += len(part) + pad
            for s in self._transcribe_clips(np.concatenate(audio).astype(np.float32), clips, frames):
                if s.text.strip():
                    k = window_of(offsets, (s.start + s.end) / 2)
                    i, _, chunks = group[k]
                    ts_map = SpeechTimestampsMap(chunks, SAMPLE_RATE)
                    out[i].append(_restored(s, ts_map, offsets[k], pieces[i][1]))
        return out

    def _transcribe_clips(self, batch: np.ndarray, clips: list[dict], frames: int = WINDOW_FRAMES) -> Iterable:
        """faster-whisper's segments of the clips of `batch` (times in the batch), one encoder window each
        that reads `frames` mel frames (the batched pipeline; without it, Whisper's full window)."""
        if self.batched is not None:
            segments, _ = self.batched.transcribe(
                batch,
                batch_size=self.config.batch_size,
                clip_timestamps=clips,
                vad_filter=False,
                frames=frames,
                **self._options(),
            )
            return segments
        segments, _ = self.model.transcribe(
            batch,
            clip_timestamps=[t for c in clips for t in (c["start"], c["end"])],
            vad_filter=False,
            condition_on_previous_text=self.config.condition_on_previous_text,
            **self._options(),
        )
        return segments

    def transcribe(self, samples: np.ndarray, offset: float = 0.0) -> list[Segment]:
        """Transcribe the speech of one 16 kHz channel (VAD inside, so silence costs nothing).

        `offset` (seconds) is added to every time: the position of `samples` in the call, for a stream
        that transcribes a piece at a time."""
        c = self.config
        common = dict(vad_filter=True, vad_parameters=self.vad, **self._options())
        if self.batched is not None:
            segments, _ = self.batched.transcribe(samples, batch_size=c.batch_size, **common)
        else:  # sequential decoding: faster-whisper's own temperature fallback handles loops
            segments, _ = self.model.transcribe(
                samples,
                condition_on_previous_text=c.condition_on_previous_text,
                **common,
            )
        return [_segment(s, time=lambda t: t + offset) for s in segments if s.text.strip()]


@functools.cache
def _whisper_model() -> type:
    """faster-whisper's `WhisperModel` that runs the encoder and the word alignment of a batch of windows
    on the CPU in parts of `ENCODER_BATCH` (the decoder still sees the whole batch): the same words and
    times, a fraction of the peak memory."""
    import ctranslate2
    from faster_whisper import WhisperModel

    class PartedWhisper(WhisperModel):
        def _parted(self, n: int) -> bool:
            return self.model.device == "cpu" and n > ENCODER_BATCH

        def encode(self, features: np.ndarray) -> ctranslate2.StorageView:
            if features.ndim == 2 or not self._parted(len(features)):
                return super().encode(features)
            parts = []
            for i in range(0, len(features), ENCODER_BATCH):
                parts.append(np.asarray(super().encode(features[i : i + ENCODER_BATCH])))
            return ctranslate2.StorageView.from_array(np.concatenate(parts))

        def find_alignment(self, tokenizer, text_tokens, encoder_output, num_frames, median_filter_width=7):
            if not self._parted(len(text_tokens)):
                return super().find_alignment(tokenizer, text_tokens, encoder_output, num_frames, median_filter_width)
            states = np.asarray(encoder_output)
            out = []
            for i in range(0, len(text_tokens), ENCODER_BATCH):
                part = slice(i, i + ENCODER_BATCH)
                frames = num_frames[part] if isinstance(num_frames, list) else num_frames
                out += super().find_alignment(
                    tokenizer,
                    text_tokens[part],
                    ctranslate2.StorageView.from_array(states[part]),
                    frames,
                    median_filter_width,
                )
            return out

    return PartedWhisper


@functools.cache
def _windowed_batches() -> type:
    """faster-whisper's `BatchedInferencePipeline` whose encoder reads only the first `frames` mel frames of
    each window (faster-whisper pads every window to 30 s; CTranslate2 encodes shorter ones in a fraction of
    the time). One instance per thread: `frames` is given with each `transcribe` (default: the full window)."""
    from faster_whisper import BatchedInferencePipeline
    from faster_whisper.transcribe import get_compression_ratio

    class WindowedBatches(BatchedInferencePipeline):
        frames = WINDOW_FRAMES

        def transcribe(self, audio, *args, frames: int = WINDOW_FRAMES, **kwargs):
            """faster-whisper's `transcribe`, the encoder reading `frames` of each window (until the next call:
            consume the segments first, as with faster-whisper's own state between calls)."""
            self.frames = frames
            return super().transcribe(audio, *args, **kwargs)

        def generate_segment_batched(self, features, tokenizer, options):
            """Each window decoded greedily; a window whose text loops ("twee, een, twee, een, ...": batched
            decoding has no temperature fallback) is decoded once more with a repetition penalty."""
            features = features[..., : self.frames]
            encoded, out = super().generate_segment_batched(features, tokenizer, options)
            looping = [i for i, o in enumerate(out) if get_compression_ratio(tokenizer.decode(o["tokens"])) > LOOP_RATIO]
            if looping:
                again = dataclasses.replace(options, repetition_penalty=LOOP_PENALTY)
                for i, o in zip(looping, super().generate_segment_batched(features[looping], tokenizer, again)[1]):
                    out[i] = o
            return encoded, out

    return WindowedBatches


def segments_from(segments: list[Segment], start: float) -> list[Segment]:
    """The segments cut to their words that end after `start` (seconds): what is new when audio before
    `start` was only given to the recogniser as context. Whisper often stretches the first word after a
    silence back into it, so a word is judged by its end, not its start."""
    out = []
    for s in segments:
        words = [w for w in s.words if w.end > start]
        if words:
            out.append(s.keeping(words))
    return out


def _restored(s, ts_map, start: float, offset: float) -> Segment:
    """Our Segment from faster-whisper's, for a glued piece that began at `start` in the batch: times back
    in the piece as faster-whisper's own VAD path restores them (`restore_speech_timestamps`), + `offset`."""
    times = []
    for w in s.words or []:
        a, b = w.start - start, w.end - start
        chunk = ts_map.get_chunk_index((a + b) / 2)
        times.append((ts_map.get_original_time(a, chunk) + offset, ts_map.get_original_time(b, chunk) + offset))
    words = [
        Word(start=a, end=b, text=w.word.strip(), probability=w.probability)
        for w, (a, b) in zip(s.words or [], times, strict=True)
    ]
    if times:
        first, last = times[0][0], times[-1][1]
    else:
        first = ts_map.get_original_time(s.start - start) + offset
        last = ts_map.get_original_time(s.end - start, is_end=True) + offset
    return Segment(first, last, s.text.strip(), [w for w in words if w.text], s.no_speech_prob, s.avg_logprob)


def _segment(s, time) -> Segment:
    """Our Segment from faster-whisper's, with `time` mapping its times into the call."""
    words = [
        Word(start=time(w.start), end=time(w.end), text=w.word.strip(), probability=w.probability)
        for w in (s.words or [])
    ]
    return Segment(
        start=time(s.start),
        end=time(s.end),
        text=s.text.strip(),
        words=[w for w in words if w.text],
        no_speech_prob=s.no_speech_prob,
        avg_logprob=s.avg_logprob,
    )
