"""Training the norm-matrix classifier (`vpd train`) and making its ASR-transcript training data.

Two steps, both deterministic:

* `make_asr_variants(corpus, out_tsv)`: every corpus utterance is spoken by eval.synth's renderer
  (MBROLA mb-nl2, pitch 50 or 75, 160-190 words per minute, chosen from the utterance id), laid out on a
  channel with pauses between utterances, band-limited to the telephone (300-3400 Hz, 8 kHz u-law, white
  noise 30 dB below speech, as `eval.synth.synthesize` does) and transcribed by the pipeline's own
  `Transcriber` with the default configuration (whisper base int8, Dutch, VAD, word timestamps). Each
  word goes to the utterance whose audio span holds its midpoint. Output: `eval/data/asr_transcripts.tsv`
  (id, text_asr, voice), appended group by group so a stopped run resumes where it was.
* `train(corpus_path, out_dir, seed)`: fine-tunes multilingual-e5-small with a LoRA adapter (peft) and two
  linear heads (caller levels, agent acts) on the clean text, its ASR transcripts and text augmentation
  (lowercase, punctuation stripped, fillers, repetitions, dropped/swapped words, digits), then fits a
  temperature per head on the dev split. Writes only the small parts to `out_dir` (default
  `models/norm_matrix/`): `adapter.safetensors`, `heads.safetensors`, `config.json` (labels, LoRA
  settings, temperatures, marker-feature names), `metrics.json`.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Sequence

import numpy as np

from vpd_speech.labels import AGENT_ACTS, CALLER_LABELS

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT / "eval" / "data" / "corpus.tsv"
DEFAULT_ASR = ROOT / "eval" / "data" / "asr_transcripts.tsv"
DEFAULT_OUT = ROOT / "models" / "norm_matrix"

ASR_VOICE = "mb-nl2"
ASR_PITCHES = (50, 75)
ASR_SPEEDS = (160, 170, 180, 190)
ASR_GAP_S = 1.6  # silence between utterances on the synthetic channel (> the VAD's 0.5 s)
ASR_GROUP = 8  # utterances per synthetic channel: one transcription call, batched chunks
ASR_NOISE_DB = 30.0


# ----------------------------------------------------------------------------- corpus I/O


def read_tsv(path: Path | str) -> list[dict[str, str]]:
    """Rows of a tab-separated file with a header line (no quoting: texts hold no tabs)."""
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def read_asr(path: Path | str) -> dict[str, str]:
    """id -> ASR transcript from `asr_transcripts.tsv` (empty dict when the file is missing)."""
    path = Path(path)
    if not path.is_file():
        return {}
    return {r["id"]: r["text_asr"] for r in read_tsv(path) if r.get("id")}


# ----------------------------------------------------------------------------- ASR variants


def _stable_int(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")


def voice_for(utt_id: str) -> tuple[str, int, int]:
    """(voice, pitch, speed) for an utterance: fixed by its id, spread over the allowed settings."""
    h = _stable_int(utt_id)
    return ASR_VOICE, ASR_PITCHES[h % len(ASR_PITCHES)], ASR_SPEEDS[(h // 2) % len(ASR_SPEEDS)]


def _clean_for_tts(text: str) -> str:
    # espeak reads a leading '-' or quotes aloud on some voices; keep the words
    return re.sub(r"\s+", " ", text.replace('"', " ").replace("“", " ").replace("”", " ")).strip()


def _assign_words(segments, spans: list[tuple[float, float]]) -> list[list[str]]:
    """Each recognised word goes to the utterance span that holds (or is nearest to) its midpoint."""
    out: list[list[str]] = [[] for _ in spans]
    for seg in segments:
        words = seg.words or []
        if not words:  # no word timings: use the segment's midpoint
            words = [type("W", (), {"start": seg.start, "end": seg.end, "text": seg.text})()]
        for w in words:
            mid = (w.start + w.end) / 2
            best, dist = 0, float("inf")
            for i, (a, b) in enumerate(spans):
                d = 0.0 if a <= mid <= b else min(abs(mid - a), abs(mid - b))
                if d < dist:
                    best, dist = i, d
            out[best].append(w.text.strip())
    return out


def _render_group(rows: list[dict], seed: int) -> tuple[np.ndarray, list[tuple[float, float]], list[str]]:
    """Speak a group of utterances onto one channel; return 16 kHz telephone audio, spans (s), voices."""
    import soundfile as sf

    from eval import synth

    sr = synth.WORK_SR
    gap = int(ASR_GAP_S * sr)
    clips, spans, voices, cursor = [], [], [], gap // 2
    for r in rows:
        voice, pitch, speed = voice_for(r["id"])
        clip = synth.render_turn(_clean_for_tts(r["text"]) or ".", synth.resolve_voice(voice), speed, pitch)
        clips.append((cursor, clip))
        spans.append((cursor / sr, (cursor + len(clip)) / sr))
        voices.append(f"{voice}/p{pitch}/s{speed}")
        cursor += len(clip) + gap
    track = np.zeros(cursor, dtype=np.float32)
    for start, clip in clips:
        track[start : start + len(clip)] += clip
    rng = np.random.default_rng(seed)
    (track,) = synth._noise([track], ASR_NOISE_DB, rng)
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "group.wav"
        synth.write_telephone([track], wav)  # 300-3400 Hz, 8 kHz u-law, as synthesize() writes calls
        from vpd_speech.audio import decode

        audio = decode(wav)
    return audio.samples[0], spans, voices


def make_asr_variants(
    corpus: Path | str | Sequence[dict] = DEFAULT_CORPUS,
    out_tsv: Path | str = DEFAULT_ASR,
    group: int = ASR_GROUP,
    limit: Optional[int] = None,
    log=print,
) -> Path:
    """Synthesise + band-limit + transcribe every corpus utterance; append rows to `out_tsv` (resumable).

    Utterances already in `out_tsv` are skipped, so the step can be stopped and started again.
    """
    from vpd_speech.config import load_config
    from vpd_speech.transcribe import Transcriber

    rows = read_tsv(corpus) if isinstance(corpus, (str, Path)) else list(corpus)
    out_tsv = Path(out_tsv)
    done = set(read_asr(out_tsv))
    todo = [r for r in rows if r["id"] not in done and r.get("text", "").strip()]
    if limit is not None:
        todo = todo[:limit]
    log(f"asr variants: {len(rows)} utterances, {len(done)} done, {len(todo)} to do -> {out_tsv}")
    if not todo:
        return out_tsv
    cfg = load_config()
    transcriber = Transcriber(cfg.asr, cfg.vad)
    out_tsv.parent.mkdir(parents=True, exist_ok=True)
    new_file = not out_tsv.is_file() or out_tsv.stat().st_size == 0
    t0 = time.perf_counter()
    n = 0
    with open(out_tsv, "a", encoding="utf-8", newline="") as f:
        if new_file:
            f.write("id\ttext_asr\tvoice\n")
        for g in range(0, len(todo), group):
            chunk = todo[g : g + group]
            samples, spans, voices = _render_group(chunk, seed=_stable_int(chunk[0]["id"]) % (2**32))
            words = _assign_words(transcriber.transcribe(samples), spans)
            for r, w, v in zip(chunk, words, voices):
                text = re.sub(r"\s+", " ", " ".join(w)).strip()
                f.write(f"{r['id']}\t{text}\t{v}\n")
            f.flush()
            n += len(chunk)
            el = time.perf_counter() - t0
            log(f"  {n}/{len(todo)} utterances, {el:.0f} s, {n / el:.2f} utt/s, eta {(len(todo) - n) / (n / el):.0f} s")
    return out_tsv
