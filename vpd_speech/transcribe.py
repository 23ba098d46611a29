"""Transcription with faster-whisper: Dutch, word timestamps, on the VAD chunks of one channel."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from vpd_speech.config import AsrConfig, VadConfig
from vpd_speech.models import ModelError, resolve_whisper
from vpd_speech.schema import Word
from vpd_speech.vad import vad_options


@dataclass
class Segment:
    start: float
    end: float
    text: str
    words: list[Word] = field(default_factory=list)
    no_speech_prob: float = 0.0
    avg_logprob: float = 0.0


class Transcriber:
    """Loads the Whisper model once; `transcribe` is called per channel."""

    def __init__(self, config: AsrConfig, vad: VadConfig):
        from faster_whisper import BatchedInferencePipeline, WhisperModel

        self.config = config
        self.vad = vad_options(vad)
        path = resolve_whisper(config.model)
        os.environ["HF_HUB_OFFLINE"] = "1"
        try:
            self.model = WhisperModel(
                path,
                device=config.device,
                compute_type=config.compute_type,
                cpu_threads=config.cpu_threads,
                local_files_only=True,
            )
        except (RuntimeError, ValueError, OSError) as e:
            raise ModelError(f"cannot load ASR model {config.model!r} from {path}: {e}") from None
        self.batched = BatchedInferencePipeline(self.model) if config.batch_size > 1 else None
        self.name = config.model

    def transcribe(self, samples: np.ndarray) -> list[Segment]:
        """Transcribe the speech of one 16 kHz channel (VAD inside, so silence costs nothing)."""
        c = self.config
        common = dict(
            language=c.language,
            beam_size=c.beam_size,
            word_timestamps=True,
            initial_prompt=c.initial_prompt,
            hotwords=c.hotwords,
            vad_filter=True,
            vad_parameters=self.vad,
        )
        if self.batched is not None:
            segments, _ = self.batched.transcribe(
                samples,
                batch_size=c.batch_size,
                **common,
            )
        else:
            segments, _ = self.model.transcribe(
                samples,
                condition_on_previous_text=c.condition_on_previous_text,
                **common,
            )
        return [_segment(s) for s in segments if s.text.strip()]


def _segment(s) -> Segment:
    words = [Word(start=w.start, end=w.end, text=w.word.strip(), probability=w.probability) for w in (s.words or [])]
    return Segment(
        start=s.start,
        end=s.end,
        text=s.text.strip(),
        words=[w for w in words if w.text],
        no_speech_prob=s.no_speech_prob,
        avg_logprob=s.avg_logprob,
    )
