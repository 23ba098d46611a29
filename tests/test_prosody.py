"""Caller-only acoustic arousal: features follow loudness, pitch and rate; the agent is never analysed."""

from __future__ import annotations

import numpy as np
import pytest

from vpd_speech.audio import prosody
from vpd_speech.audio.prosody import arousal_curve, caller_arousal, yin_f0
from vpd_speech.schema import Utterance, Word

SR = 8000  # telephony rate: the module resamples to 16 kHz itself


def voiced(f0: float, amp: float, dur: float, sr: int = SR) -> np.ndarray:
    """A harmonic tone with a syllable-like envelope: a stand-in for voiced speech."""
    t = np.arange(int(dur * sr)) / sr
    env = 0.6 + 0.4 * np.abs(np.sin(2 * np.pi * 2.0 * t))
    return amp * env * (np.sin(2 * np.pi * f0 * t) + 0.4 * np.sin(4 * np.pi * f0 * t))


def utt(
    i: int, start: float, dur: float, n_words: int = 6, role: str = "caller", channel: int | None = None
) -> Utterance:
    step = dur / n_words
    words = [Word(start=start + k * step, end=start + (k + 1) * step, text=f"w{k}") for k in range(n_words)]
    return Utterance(
        id=i,
        speaker="S1",
        role=role,
        channel=channel,
        start=start,
        end=start + dur,
        text=" ".join(w.text for w in words),
        words=words,
    )


def place(x: np.ndarray, start: float, seg: np.ndarray, sr: int = SR) -> None:
    a = int(start * sr)
    x[a : a + len(seg)] = seg


def scripted_call() -> tuple[np.ndarray, list[Utterance]]:
    """Two calm baseline utterances, then louder, then higher, then faster speech."""
    x = np.zeros(int(40 * SR))
    plan = [  # start, f0, amp, n_words
        (0.0, 140, 0.05, 6),
        (4.0, 140, 0.05, 6),
        (10.0, 140, 0.40, 6),  # louder
        (16.0, 260, 0.05, 6),  # higher
        (22.0, 140, 0.05, 15),  # faster
    ]
    utts = []
    for i, (start, f0, amp, n) in enumerate(plan):
        place(x, start, voiced(f0, amp, 3.0))
        utts.append(utt(i, start, 3.0, n))
    return x, utts


def test_yin_tracks_pitch_and_rejects_noise() -> None:
    t = np.arange(16000) / 16000
    for f in (80, 150, 300):
        assert np.nanmedian(yin_f0(np.sin(2 * np.pi * f * t))) == pytest.approx(f, rel=0.01)
    noise = np.random.default_rng(0).standard_normal(16000)
    assert np.isnan(yin_f0(noise)).mean() > 0.9


def test_features_rise_with_loudness_pitch_and_rate() -> None:
    x, utts = scripted_call()
    pts = caller_arousal(x, utts, baseline_s=6.0, sr=SR)
    base, loud, high, fast = pts[0], pts[2], pts[3], pts[4]
    assert loud.loudness_db - base.loudness_db == pytest.approx(20 * np.log10(8), abs=1.0)
    assert base.pitch_hz == pytest.approx(140, rel=0.02) and high.pitch_hz == pytest.approx(260, rel=0.02)
    assert fast.speech_rate_wps == pytest.approx(5.0) and base.speech_rate_wps == pytest.approx(2.0)
    assert loud.z_loudness > 3 and high.z_pitch > 3 and fast.z_rate > 3
    assert abs(base.z_loudness) < 0.5 and abs(base.z_pitch) < 0.5
    assert all(p.arousal > base.arousal + 1 for p in (loud, high, fast))
    curve = dict(arousal_curve(pts, 40.0))
    assert curve[11.0] == pytest.approx(loud.arousal) and curve[1.0] == pytest.approx(base.arousal)


def test_quiet_noise_call_stays_near_baseline() -> None:
    rng = np.random.default_rng(1)
    x = 0.02 * rng.standard_normal(int(30 * SR))
    utts = [utt(i, 5.0 * i, 3.0) for i in range(5)]
    pts = caller_arousal(x, utts, baseline_s=10.0, sr=SR)
    assert all(abs(p.arousal) < 1.5 for p in pts)


def test_agent_utterance_is_refused() -> None:
    x, utts = scripted_call()
    agent = utt(99, 30.0, 3.0, role="agent")
    with pytest.raises(ValueError, match="caller speech only"):
        caller_arousal(x, utts + [agent], sr=SR)
    with pytest.raises(ValueError):
        caller_arousal(x, [agent], sr=SR)


def test_stereo_agent_channel_is_never_read() -> None:
    """Agent channel full of NaN: any sample of it in a feature would make that feature NaN."""
    caller, utts = scripted_call()
    agent = np.full_like(caller, np.nan)
    stereo = np.stack([agent, caller])  # channel 0 agent, channel 1 caller
    utts = [u.model_copy(update={"channel": 1}) for u in utts]
    for audio in (stereo, stereo.T):  # (channels, n) and (n, channels)
        pts = caller_arousal(audio, utts, sr=SR)
        for p in pts:
            for v in (p.loudness_db, p.pitch_hz, p.z_loudness, p.z_pitch, p.arousal):
                assert v is not None and np.isfinite(v)
    ref = caller_arousal(caller, utts, sr=SR)
    assert [p.arousal for p in caller_arousal(stereo, utts, sr=SR)] == [p.arousal for p in ref]
    # Pointing the caller at the agent's channel is refused, as is a stereo call without a channel.
    with pytest.raises(ValueError):
        caller_arousal(stereo, utts, caller_channel=0, sr=SR)
    with pytest.raises(ValueError, match="caller channel"):
        caller_arousal(stereo, [u.model_copy(update={"channel": None}) for u in utts], sr=SR)


def test_mono_only_caller_spans_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """Mono call: audio outside the caller's utterances (the agent's turns) is NaN and never sliced."""
    caller, utts = scripted_call()
    x = np.full_like(caller, np.nan)
    for u in utts:
        a, b = int(u.start * SR), int(u.end * SR)
        x[a:b] = caller[a:b]
    read: list[tuple[float, float]] = []
    real_segment = prosody._segment

    def spy(track, sr, u):
        read.append((u.start, u.end))
        return real_segment(track, sr, u)

    monkeypatch.setattr(prosody, "_segment", spy)
    pts = caller_arousal(x, utts, sr=SR)
    assert sorted(read) == [(u.start, u.end) for u in utts]
    assert all(np.isfinite(p.arousal) and p.loudness_db is not None for p in pts)


def test_empty_and_short_inputs() -> None:
    assert caller_arousal(np.zeros(SR), [], sr=SR) == []
    pts = caller_arousal(np.zeros(SR), [utt(0, 0.0, 0.05, n_words=1)], sr=SR)
    assert len(pts) == 1 and pts[0].loudness_db is None and pts[0].arousal is not None
