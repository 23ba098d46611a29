"""The corpus heard as calls (`vpd train asr`), so the heads learn from what Whisper makes of KCC speech.

`make_asr_variants(corpus, out_tsv)`: every corpus utterance is spoken by the call synthesiser (training.synth;
MBROLA mb-nl2, pitch 50 or 75, 160-190 words per minute, chosen from the utterance id) as a turn of a stereo
dialogue of 16 utterances (agent turns on one channel, caller turns on the other, in proportion, with real
pauses and some overlap), band-limited to the telephone (300-3400 Hz, 8 kHz u-law, white noise 30 dB below
speech, as `synth.synthesize` does) and heard the way the pipeline hears a call (`listen.transcribe_call`,
default configuration). Each word goes to the utterance of its channel whose audio span holds its midpoint; an
utterance Whisper skipped is transcribed again on its own. Output: `eval/data/asr_transcripts.tsv` (id,
text_asr, voice), appended group by group so a stopped run resumes where it was. Extra takes are training
views only (the two committed ones were made before 0.2, with 8 utterances of one family glued on one
channel; they are kept as further noisy views): `--take 1 --splits train --roles agent` speaks the train
split's agent utterances with a second voice (mb-nl3); `--take 2 --splits train` speaks the train utterances
(supplement included) with mb-nl2 again, at other pitch/speed settings and in other channel groupings, so
Whisper makes other mistakes.
"""
from __future__ import annotations

import hashlib
import random
import re
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from vpd_speech.training import DEFAULT_ASR, DEFAULT_CORPUS
from vpd_speech.training.examples import read_asr, read_tsv

ASR_VOICES = ("mb-nl2", "mb-nl3")  # take 0 (the evaluated transcripts): mb-nl2; take 1 (training only): mb-nl3


ASR_PITCHES = (50, 75)


ASR_SPEEDS = (160, 170, 180, 190)


ASR_GROUP = 16  # utterances per synthetic dialogue (about a minute): one transcription call


ASR_NOISE_DB = 30.0


def _stable_int(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")


def _take_key(utt_id: str, take: int) -> str:
    return f"{utt_id}#{take}" if take else utt_id


def voice_for(utt_id: str, take: int = 0) -> tuple[str, int, int]:
    """(voice, pitch, speed) for an utterance: fixed by its id (and take), spread over the allowed settings."""
    h = _stable_int(_take_key(utt_id, take))
    return ASR_VOICES[take % len(ASR_VOICES)], ASR_PITCHES[h % len(ASR_PITCHES)], ASR_SPEEDS[(h // 2) % len(ASR_SPEEDS)]


def _clean_for_tts(text: str) -> str:
    # espeak reads a leading '-' or quotes aloud on some voices; keep the words
    return re.sub(r"\s+", " ", text.replace('"', " ").replace("“", " ").replace("”", " ")).strip()


def assign_words(segments, spans: list[tuple[float, float]]) -> list[list[str]]:
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


def _render_dialogue(
    rows: list[dict], seed: int, take: int = 0
) -> tuple[np.ndarray, list[tuple[float, float]], list[int], list[str]]:
    """Speak a group of utterances as one stereo telephone call: agent utterances on the left channel,
    caller utterances on the right, in order, with pauses of 0.25-1.2 s and now and then a turn that starts
    0.4 s before the previous one ends. Returns 16 kHz audio (2, n), spans (s), channels, voices."""
    from vpd_speech.training import synth

    sr = synth.WORK_SR
    rng = random.Random(seed)
    clips, spans, channels, voices, cursor = [], [], [], [], int(0.3 * sr)
    for r in rows:
        voice, pitch, speed = voice_for(r["id"], take)
        clip = synth.render_turn(_clean_for_tts(r["text"]) or ".", synth.resolve_voice(voice), speed, pitch)
        channel = 0 if r["role"] == "agent" else 1
        overlap = clips and channel != channels[-1] and rng.random() < 0.15
        start = cursor - int(0.4 * sr) if overlap else cursor + int(rng.uniform(0.25, 1.2) * sr)
        clips.append((start, clip))
        spans.append((start / sr, (start + len(clip)) / sr))
        channels.append(channel)
        voices.append(f"{voice}/p{pitch}/s{speed}")
        cursor = max(cursor, start + len(clip))
    tracks = [np.zeros(cursor + int(0.3 * sr), dtype=np.float32) for _ in range(2)]
    for (start, clip), channel in zip(clips, channels):
        tracks[channel][start : start + len(clip)] += clip
    tracks = synth.add_noise(tracks, ASR_NOISE_DB, np.random.default_rng(seed))
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "dialogue.wav"
        synth.write_telephone(tracks, wav)  # 300-3400 Hz, 8 kHz u-law, as synthesize() writes calls
        from vpd_speech.audio.decode import decode

        audio = decode(wav)
    return audio.samples, spans, channels, voices


def _dialogue_order(rows: list[dict]) -> list[dict]:
    """Agent and caller utterances of each split interleaved in proportion, so each group is a dialogue; the
    order within a role is shuffled by id, so a group does not hold the near-duplicates of one family (Whisper
    skips a sentence that nearly repeats the one before it)."""
    out = []
    for split in dict.fromkeys(r.get("split", "") for r in rows):
        place = []
        for agent in (True, False):
            own = [r for r in rows if r.get("split", "") == split and (r["role"] == "agent") == agent]
            own.sort(key=lambda r: _stable_int(r["id"]))
            place += [((i + 0.5) / len(own), r) for i, r in enumerate(own)]
        out += [r for _, r in sorted(place, key=lambda p: p[0])]
    return out


def _transcribe_dialogue(transcriber, config, rows: list[dict], seed: int, take: int) -> tuple[list[list[str]], list[str]]:
    """Words per utterance of a group spoken as a dialogue and heard as calls are (`listen.transcribe_call`)."""
    from vpd_speech.asr.listen import transcribe_call

    samples, spans, channels, voices = _render_dialogue(rows, seed, take)
    per_channel = transcribe_call(transcriber, samples, config.vad, config.asr)
    words: list[list[str]] = [[] for _ in rows]
    for ch in range(2):
        own = [i for i, c in enumerate(channels) if c == ch]
        if own:
            for i, w in zip(own, assign_words(per_channel[ch], [spans[i] for i in own])):
                words[i] = w
    return words, voices


def make_asr_variants(
    corpus: Path | str | Sequence[dict] = DEFAULT_CORPUS,
    out_tsv: Path | str = DEFAULT_ASR,
    group: int = ASR_GROUP,
    limit: int | None = None,
    take: int = 0,
    splits: Sequence[str] | None = None,
    roles: Sequence[str] | None = None,
    log=print,
) -> Path:
    """Synthesise + band-limit + transcribe every corpus utterance; append rows to `out_tsv` (resumable).

    Utterances already in `out_tsv` are skipped, so the step can be stopped and started again. `take` > 0
    speaks them again with another voice (an extra noisy training view); `splits` and `roles` limit the rows.
    """
    from vpd_speech.asr.transcribe import Transcriber
    from vpd_speech.config import load_config

    rows = read_tsv(corpus) if isinstance(corpus, (str, Path)) else list(corpus)
    out_tsv = Path(out_tsv)
    done = {k for k, v in read_asr(out_tsv).items() if v.strip()}  # empty rows are tried again
    todo = [r for r in rows if r["id"] not in done and r.get("text", "").strip()
            and (not splits or r.get("split") in splits) and (not roles or r.get("role") in roles)]
    # evaluation splits first: a partial run already gives the test and dev transcripts
    todo.sort(key=lambda r: {"test": 0, "dev": 1}.get(r.get("split", ""), 2))
    todo = _dialogue_order(todo)
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
            seed = _stable_int(_take_key(chunk[0]["id"], take)) % (2**32)
            words, voices = _transcribe_dialogue(transcriber, cfg, chunk, seed, take)
            for k, r in enumerate(chunk):
                # an utterance Whisper skipped altogether is transcribed again on its own
                if not words[k]:
                    words[k] = _transcribe_dialogue(transcriber, cfg, [r], seed, take)[0][0]
            for r, w, v in zip(chunk, words, voices):
                text = re.sub(r"\s+", " ", " ".join(w)).strip()
                f.write(f"{r['id']}\t{text}\t{v}\n")
            f.flush()
            n += len(chunk)
            el = time.perf_counter() - t0
            log(f"  {n}/{len(todo)} utterances, {el:.0f} s, {n / el:.2f} utt/s, eta {(len(todo) - n) / (n / el):.0f} s")
    _compact(out_tsv, [r["id"] for r in rows])
    return out_tsv


def _compact(tsv: Path, order: list[str]) -> None:
    """Rewrite the transcript file with one row per id (the last one written), in corpus order."""
    last = {r["id"]: r for r in read_tsv(tsv) if r.get("id")}
    rank = {k: i for i, k in enumerate(order)}
    keep = sorted(last.values(), key=lambda r: rank.get(r["id"], len(rank)))
    from vpd_speech.reports.outputs import write_atomic

    write_atomic(tsv, "id\ttext_asr\tvoice\n" + "".join(f"{r['id']}\t{r['text_asr']}\t{r['voice']}\n" for r in keep))
