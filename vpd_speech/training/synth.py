"""Synthetic contact-centre calls: scripted Dutch turns -> telephone-quality audio + ground truth.

A call script (TOML) names two voices and a list of turns with labels. Each turn is spoken by
espeak-ng (MBROLA Dutch voices when installed, espeak's own Dutch variants otherwise), placed on a
timeline with pauses, and written as an 8 kHz u-law telephone WAV (stereo: agent and caller on their
own channels; mono: both mixed) with light noise, plus `<id>.truth.json` holding the exact turn times.

`vpd train asr` speaks its corpus with this renderer; `python -m eval.synth` renders call scripts.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import numpy as np
import soundfile as sf

from vpd_speech.labels import AGENT_ACTS, CALLER_LABELS, LEVEL_OF

WORK_SR = 16000  # rate of the timeline before the telephone stage
OUT_SR = 8000  # telephone rate of the written files
BAND = (300, 3400)  # telephone pass band, Hz
DEFAULT_PAUSE = 0.45  # seconds of silence before a turn
TAIL = 0.3  # seconds of silence after the last turn
PEAK = 0.5  # peak level each rendered turn is normalised to (headroom for noise and filter)

# espeak-ng voices to use when an MBROLA voice is not installed (same sex, distinct timbre).
FALLBACK_VOICE = {"mb-nl1": "nl+m1", "mb-nl2": "nl+m3", "mb-nl3": "nl+f3"}
DEFAULT_VOICE = {"agent": "mb-nl2", "caller": "mb-nl2"}  # agent raised in pitch: mb-nl3 misses diphones
DEFAULT_SPEED = {"agent": 180, "caller": 185}  # espeak words per minute
DEFAULT_PITCH = {"agent": 75, "caller": 50}  # espeak 0-99


def load_script(script: dict | str | Path) -> dict:
    """Read a call script from a TOML path, or pass a dict through; validate speakers and labels."""
    if not isinstance(script, dict):
        with open(script, "rb") as f:
            script = tomllib.load(f)
    if "id" not in script or not script.get("turn"):
        raise ValueError("a call script needs an 'id' and at least one [[turn]]")
    for i, turn in enumerate(script["turn"]):
        speaker, label = turn.get("speaker"), turn.get("label")
        allowed = CALLER_LABELS if speaker == "caller" else AGENT_ACTS if speaker == "agent" else None
        if allowed is None:
            raise ValueError(f"turn {i}: speaker must be 'agent' or 'caller', not {speaker!r}")
        if label not in allowed:
            raise ValueError(f"turn {i}: label {label!r} is not one of {allowed}")
        if not str(turn.get("text", "")).strip():
            raise ValueError(f"turn {i}: empty text")
    if script.get("agent_channel", "left") not in ("left", "right"):
        raise ValueError("agent_channel must be 'left' or 'right'")
    return script


def _espeak(text: str, voice: str, speed: int, pitch: int, wav: Path) -> bool:
    """Speak text into a wav with espeak-ng; False when the voice cannot be used."""
    cmd = ["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "-w", str(wav), text]
    proc = subprocess.run(cmd, capture_output=True)  # MBROLA warns about missing diphones on stderr
    return proc.returncode == 0 and wav.exists() and wav.stat().st_size > 44


@functools.cache
def resolve_voice(voice: str) -> str:
    """The voice that actually works here: the one asked for, or its espeak-ng fallback."""
    with tempfile.TemporaryDirectory() as tmp:
        if _espeak("hallo", voice, 175, 50, Path(tmp) / "probe.wav"):
            return voice
    fallback = FALLBACK_VOICE.get(voice)
    if fallback and fallback != voice:
        print(f"synth: voice {voice} not available, using {fallback}", file=sys.stderr)
        return resolve_voice(fallback)
    raise RuntimeError(f"espeak-ng cannot speak with voice {voice!r} (is espeak-ng installed?)")


def _trim(x: np.ndarray, sr: int, floor_db: float = -40.0, margin: float = 0.03) -> np.ndarray:
    """Cut leading and trailing silence so turn times hug the speech (keeps a short margin)."""
    loud = np.flatnonzero(np.abs(x) > np.max(np.abs(x)) * 10 ** (floor_db / 20))
    if loud.size == 0:
        return x
    pad = int(margin * sr)
    return x[max(0, loud[0] - pad) : loud[-1] + pad + 1]


def render_turn(text: str, voice: str, speed: int, pitch: int, shift: float = 0.0) -> np.ndarray:
    """One turn as float32 mono at WORK_SR, trimmed and peak-normalised.

    `shift` (semitones) moves pitch and formants together with sox, so one MBROLA voice can play a
    second, clearly different speaker (espeak's own pitch flag leaves the timbre as it is).
    """
    with tempfile.TemporaryDirectory() as tmp:
        raw, resampled = Path(tmp) / "raw.wav", Path(tmp) / "16k.wav"
        if not _espeak(text, voice, speed, pitch, raw):
            raise RuntimeError(f"espeak-ng failed on voice {voice!r} for text {text[:40]!r}")
        effects = ["pitch", str(round(shift * 100))] if shift else []
        subprocess.run(["sox", "-D", "-V1", str(raw), "-r", str(WORK_SR), "-c", "1", "-b", "16",
                        str(resampled), *effects], check=True)
        x, _ = sf.read(resampled, dtype="float32")
    x = _trim(x, WORK_SR)
    return (x * (PEAK / max(float(np.max(np.abs(x))), 1e-9))).astype(np.float32)


def recorded_turn(paths: list[str], gap_s: float = 0.25) -> np.ndarray:
    """A turn spoken by a real person: recorded clips (any format) trimmed, joined with short pauses and
    peak-normalised like a rendered turn."""
    from vpd_speech.audio.decode import decode
    from vpd_speech.config import AudioConfig

    gap = np.zeros(int(gap_s * WORK_SR), dtype=np.float32)
    parts = []
    for path in paths:
        x = _trim(decode(Path(path), AudioConfig(min_duration_s=0.1)).samples[0], WORK_SR)
        parts += [x * (PEAK / max(float(np.max(np.abs(x))), 1e-9)), gap]
    return np.concatenate(parts[:-1]).astype(np.float32)


def _voice(name: str) -> str:
    """A voice for espeak-ng, or `real:...` for turns that are recordings of people."""
    return name if name.startswith("real:") else resolve_voice(name)


def build_timeline(script: dict) -> tuple[dict[str, np.ndarray], list[dict], dict[str, str]]:
    """Render all turns and lay them out in time: per-speaker tracks at WORK_SR and turn spans."""
    voices = {role: _voice(script.get(f"{role}_voice", DEFAULT_VOICE[role])) for role in ("agent", "caller")}
    clips, spans, cursor = [], [], 0
    for turn in script["turn"]:
        role = turn["speaker"]
        if "audio" in turn:
            clip = recorded_turn(turn["audio"])
        else:
            speed = int(turn.get("speed", script.get(f"{role}_speed", DEFAULT_SPEED[role])))
            pitch = int(turn.get("pitch", script.get(f"{role}_pitch", DEFAULT_PITCH[role])))
            shift = float(turn.get("shift", script.get(f"{role}_shift", 0.0)))
            clip = render_turn(turn["text"], voices[role], speed, pitch, shift)
        start = max(0, cursor + int(round(float(turn.get("pause", DEFAULT_PAUSE)) * WORK_SR)))
        clips.append((role, start, clip))
        spans.append({"start_sample": start, "end_sample": start + len(clip)})
        cursor = max(cursor, start + len(clip))  # a negative pause overlaps the previous turn
    total = cursor + int(TAIL * WORK_SR)
    total += total % (WORK_SR // OUT_SR)  # whole number of output samples
    tracks = {role: np.zeros(total, dtype=np.float32) for role in ("agent", "caller")}
    for role, start, clip in clips:
        tracks[role][start : start + len(clip)] += clip
    return tracks, spans, voices


def add_noise(tracks: list[np.ndarray], noise_db: float | None, rng: np.random.Generator) -> list[np.ndarray]:
    """Add white noise to each track at noise_db below the speech level (rms over active samples)."""
    if noise_db is None:
        return tracks
    speech = np.concatenate([t[np.abs(t) > 1e-4] for t in tracks] or [np.zeros(1)])
    level = float(np.sqrt(np.mean(speech**2))) if speech.size else 0.0
    sigma = level / 10 ** (noise_db / 20)
    return [t + rng.normal(0.0, sigma, t.shape).astype(np.float32) for t in tracks]


def write_telephone(channels: list[np.ndarray], path: Path) -> None:
    """Band-limit to 300-3400 Hz, resample to 8 kHz and write u-law WAV (via sox, no dither)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.wav"
        data = np.stack(channels, axis=1)
        data = data * min(1.0, 0.95 / max(float(np.max(np.abs(data))), 1e-9))  # never clip
        sf.write(src, data, WORK_SR, subtype="FLOAT")
        subprocess.run(["sox", "-D", "-V1", str(src), "-e", "u-law", "-b", "8", str(path),
                        "sinc", f"{BAND[0]}-{BAND[1]}", "rate", "-v", str(OUT_SR)], check=True)


def synthesize(script: dict | str | Path, out_dir: str | Path, mono: bool = False, stereo: bool = True,
               noise_db: float | None = 30, seed: int = 0) -> dict:
    """Render a call script to `<id>.wav` / `<id>_mono.wav` and `<id>.truth.json`; return the truth dict."""
    script = load_script(script)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    call_id = str(script["id"])
    agent_channel = script.get("agent_channel", "left")
    agent_idx = 0 if agent_channel == "left" else 1
    tracks, spans, voices = build_timeline(script)
    rng = np.random.default_rng(seed)
    files: dict[str, str | None] = {"stereo": None, "mono": None}
    paths: dict[str, str] = {}
    if stereo:
        pair = [tracks["caller"], tracks["agent"]] if agent_idx == 1 else [tracks["agent"], tracks["caller"]]
        files["stereo"] = f"{call_id}.wav"
        write_telephone(add_noise(pair, noise_db, rng), out / files["stereo"])
    if mono:
        files["mono"] = f"{call_id}_mono.wav"
        write_telephone(add_noise([tracks["agent"] + tracks["caller"]], noise_db, rng), out / files["mono"])
    turns = []
    for i, (turn, span) in enumerate(zip(script["turn"], spans)):
        role = turn["speaker"]
        turns.append({
            "id": i,
            "speaker": role,
            "role": role,
            "channel": agent_idx if role == "agent" else 1 - agent_idx,
            "text": turn["text"],
            "label": turn["label"],
            "level": LEVEL_OF[turn["label"]] if role == "caller" else None,
            "start": round(span["start_sample"] / WORK_SR, 4),
            "end": round(span["end_sample"] / WORK_SR, 4),
        })
    levels = [t["level"] for t in turns if t["level"] is not None]
    max_level = max(levels, default=0)
    truth = {
        "call_id": call_id,
        "title": script.get("title", ""),
        "duration": round(len(tracks["agent"]) / WORK_SR, 4),
        "sample_rate": OUT_SR,
        "agent_channel": agent_channel,
        "voices": voices,
        "noise_db": noise_db,
        "seed": seed,
        "files": files,
        "max_level": max_level,
        "max_label": CALLER_LABELS[max_level],
        "first_level_s": {str(lvl): min(t["start"] for t in turns if t["level"] == lvl) for lvl in sorted(set(levels))},
        "turns": turns,
    }
    truth_path = out / f"{call_id}.truth.json"
    truth_path.write_text(json.dumps(truth, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    paths["truth"] = str(truth_path)
    paths.update({kind: str(out / name) for kind, name in files.items() if name})
    return {**truth, "paths": paths}
