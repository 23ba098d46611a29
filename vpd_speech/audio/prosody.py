"""Acoustic arousal of the CALLER only: loudness, pitch and speech rate per caller utterance.

EU AI Act art. 5(1)(f) forbids inferring employees' emotions from their voice. This module therefore
accepts caller utterances only (any other role raises ValueError) and reads audio only inside those
utterances' time spans, from the caller's channel when the audio is stereo. Agent speech is never sliced,
resampled or measured here.

Features are expressed relative to the caller's own opening speech (the first `baseline_s` seconds of
caller speech) as z-scores, and combined into one arousal value per utterance: supporting evidence for
the text levels, never a level on its own.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from vpd_speech.schema import ArousalPoint, Utterance

TARGET_SR = 16000
FMIN, FMAX = 60.0, 400.0
# Minimum spread of the baseline, so a short or flat opening does not blow up the z-scores.
MIN_STD = {"loudness": 3.0, "pitch": 1.0, "rate": 0.5}  # dB, semitones, words per second
WEIGHTS = {"loudness": 0.4, "pitch": 0.4, "rate": 0.2}


def _check_callers(utterances: Sequence[Utterance]) -> None:
    """Refuse anything that is not caller speech: the agent's voice must never be analysed."""
    for u in utterances:
        if u.role != "caller":
            raise ValueError(
                f"prosody analyses caller speech only (AI Act art. 5(1)(f)); utterance {u.id} has role {u.role!r}"
            )


def _caller_track(samples: np.ndarray, utterances: Sequence[Utterance], caller_channel: int | None) -> np.ndarray:
    """The 1-D signal that holds the caller: the mono signal, or the caller's channel of a stereo call.

    Stereo arrays are (channels, samples) as in librosa; (samples, channels) is accepted too. Only a view
    of the caller's channel is returned, the other channel is never touched.
    """
    x = np.asarray(samples)
    if x.ndim == 1:
        return x
    if x.ndim != 2:
        raise ValueError(f"audio must be mono (n,) or stereo (channels, n); got shape {x.shape}")
    if x.shape[0] > x.shape[1]:
        x = x.T
    channels = {u.channel for u in utterances if u.channel is not None}
    if caller_channel is None:
        if len(channels) != 1:
            raise ValueError("stereo audio needs the caller channel: set caller_channel or Utterance.channel")
        caller_channel = channels.pop()
    elif channels - {caller_channel}:
        raise ValueError(f"utterances name channels {sorted(channels)} but the caller channel is {caller_channel}")
    if not 0 <= caller_channel < x.shape[0]:
        raise ValueError(f"caller channel {caller_channel} not in audio with {x.shape[0]} channels")
    return x[caller_channel]


def _segment(track: np.ndarray, sr: int, u: Utterance) -> np.ndarray:
    """The caller utterance's samples, resampled to 16 kHz: the only place audio is read."""
    a = max(0, round(u.start * sr))
    b = min(len(track), round(u.end * sr))
    y = np.asarray(track[a:b], dtype=np.float32)
    if sr != TARGET_SR and len(y):
        import soxr

        y = soxr.resample(y, sr, TARGET_SR, quality="HQ")
    return y


def frame_rms(y: np.ndarray, frame_length: int, hop_length: int) -> np.ndarray:
    """Root mean square of each full frame (librosa.feature.rms with center=False, without importing
    librosa: its numba costs ~135 MB of memory and 1.6 s on the first call)."""
    frames = np.lib.stride_tricks.sliding_window_view(y, frame_length)[::hop_length]
    return np.sqrt(np.mean(np.square(frames), axis=1))


def yin_f0(
    y: np.ndarray,
    sr: int = TARGET_SR,
    fmin: float = FMIN,
    fmax: float = FMAX,
    frame_length: int = 1024,
    hop_length: int = 160,
    threshold: float = 0.1,
    voicing: float = 0.35,
) -> np.ndarray:
    """YIN pitch per frame (Hz, NaN where unvoiced), vectorised numpy.

    Same algorithm as librosa.yin, written out because librosa's numba-cached helper crashes when its
    cache is reloaded in this environment; it also gives a voicing decision librosa.yin lacks.
    """
    y = np.asarray(y, dtype=np.float64)
    if len(y) < frame_length:
        return np.zeros(0)
    n = 1 + (len(y) - frame_length) // hop_length
    w = frame_length // 2
    tau_min = max(1, int(np.floor(sr / fmax)))
    tau_max = min(int(np.ceil(sr / fmin)), frame_length - w)
    span = w + tau_max  # the difference function reads x[j] and x[j + tau], j < w, tau <= tau_max: no more
    x = y[np.arange(span)[None, :] + hop_length * np.arange(n)[:, None]]  # (frames, span)
    size = 1 << int(np.ceil(np.log2(span)))  # no circular wrap below lag tau_max
    spec = np.fft.rfft(x, size) * np.conj(np.fft.rfft(x[:, :w], size))
    r = np.fft.irfft(spec, size)[:, : tau_max + 1]  # r[tau] = sum_j x[j] x[j + tau], j < w
    c = np.concatenate([np.zeros((n, 1)), np.cumsum(x**2, axis=1)], axis=1)
    taus = np.arange(tau_max + 1)
    energy_tau = c[:, taus + w] - c[:, taus]
    d = c[:, [w]] + energy_tau - 2 * r
    d[:, 0] = 0.0
    cum = np.cumsum(d[:, 1:], axis=1)
    cmnd = np.ones_like(d)
    cmnd[:, 1:] = d[:, 1:] * taus[1:] / np.maximum(cum, 1e-12)

    # per frame: the first lag below `threshold`, walked down to its local minimum; else the global minimum
    seg = cmnd[:, tau_min : tau_max + 1]
    rows, m = np.arange(n), seg.shape[1]
    below = seg < threshold
    first = below.argmax(axis=1)
    rising = np.ones_like(below)  # rising[:, j]: seg[j + 1] >= seg[j] (or j is the last lag)
    rising[:, :-1] = seg[:, 1:] >= seg[:, :-1]
    rising &= np.arange(m)[None, :] >= first[:, None]
    k = np.where(below.any(axis=1), rising.argmax(axis=1), seg.argmin(axis=1))
    best = seg[rows, k]
    tau = (k + tau_min).astype(np.float64)
    inner = (k > 0) & (k < m - 1)
    a, cc = seg[rows, np.maximum(k - 1, 0)], seg[rows, np.minimum(k + 1, m - 1)]
    den = a - 2 * best + cc
    shift = inner & (den > 0)
    tau[shift] += 0.5 * (a[shift] - cc[shift]) / den[shift]
    return np.where(best > voicing, np.nan, sr / tau)


def utterance_features(y: np.ndarray, u: Utterance) -> dict[str, float | None]:
    """Loudness (dB, active frames), median pitch (Hz, YIN 60-400 Hz) and speech rate (words/s)."""
    out: dict[str, float | None] = {"loudness_db": None, "pitch_hz": None, "speech_rate_wps": None}
    frame, hop = 1024, 160
    if len(y) >= frame:
        rms = frame_rms(y, frame, hop)
        db = 20 * np.log10(np.maximum(rms, 1e-10))
        active = db >= db.max() - 30.0
        out["loudness_db"] = float(np.mean(db[active]))
        f0 = yin_f0(y, TARGET_SR, FMIN, FMAX, frame, hop)
        m = min(len(f0), len(db))
        voiced = f0[:m][db[:m] >= db.max() - 20.0]
        voiced = voiced[np.isfinite(voiced)]
        if len(voiced):
            out["pitch_hz"] = float(np.median(voiced))
    words = [w for w in u.words if w.text.strip()]
    if words:
        dur = max(words[-1].end - words[0].start, 0.2)
        out["speech_rate_wps"] = len(words) / dur
    elif u.text.strip() and u.end > u.start:
        out["speech_rate_wps"] = len(u.text.split()) / max(u.end - u.start, 0.2)
    return out


def _z(values: list[float | None], base_idx: list[int], min_std: float) -> list[float | None]:
    base = [values[i] for i in base_idx if values[i] is not None]
    if not base:
        base = [v for v in values if v is not None]
    if not base:
        return [None] * len(values)
    mu, sd = float(np.mean(base)), max(float(np.std(base)), min_std)
    return [None if v is None else (v - mu) / sd for v in values]


def caller_arousal(
    samples: np.ndarray,
    utterances: Sequence[Utterance],
    sr: int = TARGET_SR,
    *,
    caller_channel: int | None = None,
    baseline_s: float = 30.0,
) -> list[ArousalPoint]:
    """Arousal per caller utterance, relative to the caller's first `baseline_s` seconds of speech.

    `samples` at `sr` Hz (the pipeline's decoded audio is 16 kHz). `utterances` must all be the caller's
    (ValueError otherwise). For stereo audio the caller's channel
    comes from `caller_channel` or the utterances' `channel`.
    """
    _check_callers(utterances)
    utts = sorted(utterances, key=lambda u: u.start)
    if not utts:
        return []
    track = _caller_track(samples, utts, caller_channel)
    feats = [utterance_features(_segment(track, sr, u), u) for u in utts]

    # Baseline: caller utterances within the first baseline_s seconds of caller speech (at least one).
    spoken, base_idx = 0.0, []
    for i, u in enumerate(utts):
        if i and spoken >= baseline_s:
            break
        base_idx.append(i)
        spoken += u.end - u.start

    loud = [f["loudness_db"] for f in feats]
    pitch_st = [None if f["pitch_hz"] is None else 12 * np.log2(f["pitch_hz"] / 100.0) for f in feats]
    rate = [f["speech_rate_wps"] for f in feats]
    zl = _z(loud, base_idx, MIN_STD["loudness"])
    zp = _z(pitch_st, base_idx, MIN_STD["pitch"])
    zr = _z(rate, base_idx, MIN_STD["rate"])

    points = []
    for u, f, a, b, c in zip(utts, feats, zl, zp, zr):
        parts = [(WEIGHTS[k], z) for k, z in (("loudness", a), ("pitch", b), ("rate", c)) if z is not None]
        wsum = sum(w for w, _ in parts)
        arousal = sum(w * z for w, z in parts) / wsum if wsum else 0.0
        points.append(
            ArousalPoint(
                utterance_id=u.id,
                start=u.start,
                end=u.end,
                loudness_db=_r(f["loudness_db"]),
                pitch_hz=_r(f["pitch_hz"]),
                speech_rate_wps=_r(f["speech_rate_wps"]),
                z_loudness=_r(a),
                z_pitch=_r(b),
                z_rate=_r(c),
                arousal=round(float(arousal), 3),
            )
        )
    return points


def arousal_curve(
    points: Sequence[ArousalPoint], duration_s: float, step: float = 1.0, half_life_s: float = 10.0
) -> list[tuple[float, float]]:
    """Arousal over the call: the latest caller utterance's value, decaying towards 0 after it ends."""
    from vpd_speech.timeline import levels

    return levels.arousal_curve(list(points), duration_s, step, half_life_s)


def _r(v: float | None) -> float | None:
    return None if v is None or not np.isfinite(v) else round(float(v), 3)
