"""Decoding: every supported format, rate and channel layout; every bad-input case gives a clear reason."""

import shutil
import subprocess

import numpy as np
import pytest
import soundfile as sf

from vpd_speech.audio.decode import SAMPLE_RATE, AudioError, decode
from vpd_speech.config import AudioConfig


def voice_like(rate: int, seconds: float = 2.0, channels: int = 1) -> np.ndarray:
    """A harmonic tone with syllable-like amplitude modulation; channel 2 at another pitch."""
    t = np.arange(int(rate * seconds)) / rate
    envelope = 0.5 * (1 + np.sin(2 * np.pi * 4 * t))
    chans = [envelope * sum(np.sin(2 * np.pi * f0 * k * t) / k for k in (1, 2, 3)) * 0.2 for f0 in (140, 220)[:channels]]
    return np.stack(chans, axis=1).astype(np.float32)


@pytest.mark.parametrize("rate", [8000, 16000, 22050, 44100, 48000])
@pytest.mark.parametrize("channels", [1, 2])
def test_wav_rates_and_channels(tmp_path, rate, channels):
    path = tmp_path / f"call_{rate}_{channels}.wav"
    sf.write(path, voice_like(rate, channels=channels), rate, subtype="PCM_16")
    audio = decode(path)
    assert audio.samples.dtype == np.float32
    assert audio.channels == channels
    assert audio.info.sample_rate == rate and audio.info.channels == channels
    assert abs(audio.duration_s - 2.0) < 0.05
    assert audio.samples.shape[1] == pytest.approx(2.0 * SAMPLE_RATE, abs=800)


@pytest.mark.parametrize(
    "name,fmt,subtype",
    [
        ("pcm16.wav", "WAV", "PCM_16"),
        ("float.wav", "WAV", "FLOAT"),
        ("ulaw.wav", "WAV", "ULAW"),
        ("alaw.wav", "WAV", "ALAW"),
        ("call.flac", "FLAC", "PCM_16"),
        ("call.ogg", "OGG", "VORBIS"),
        ("call.mp3", "MP3", "MPEG_LAYER_III"),
    ],
)
def test_encodings(tmp_path, name, fmt, subtype):
    path = tmp_path / name
    sf.write(path, voice_like(8000, channels=2), 8000, format=fmt, subtype=subtype)
    audio = decode(path)
    assert audio.channels == 2
    assert abs(audio.duration_s - 2.0) < 0.1
    # the two channels keep their own content: 140 Hz left, 220 Hz right
    spectra = [np.abs(np.fft.rfft(audio.samples[c, :16000])) for c in range(2)]
    assert np.argmax(spectra[0][100:300]) + 100 == pytest.approx(140, abs=3)
    assert np.argmax(spectra[1][150:300]) + 150 == pytest.approx(220, abs=3)


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg CLI needed to encode AAC")
@pytest.mark.parametrize("suffix", [".m4a", ".aac"])
def test_aac(tmp_path, suffix):
    src = tmp_path / "src.wav"
    sf.write(src, voice_like(16000, channels=1), 16000)
    path = tmp_path / f"call{suffix}"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-i", str(src), "-c:a", "aac", "-b:a", "32k", str(path)], check=True)
    audio = decode(path)
    assert audio.channels == 1 and abs(audio.duration_s - 2.0) < 0.15


def _reason(path, config=None) -> str:
    with pytest.raises(AudioError) as e:
        decode(path, config)
    return str(e.value)


def test_empty_file(tmp_path):
    (tmp_path / "empty.wav").write_bytes(b"")
    assert "empty file" in _reason(tmp_path / "empty.wav")


def test_not_audio(tmp_path):
    (tmp_path / "notes.wav").write_text("dit is geen geluid\n" * 50)
    assert "not a readable audio file" in _reason(tmp_path / "notes.wav")


def test_truncated_wav(tmp_path):
    full = tmp_path / "full.wav"
    sf.write(full, voice_like(8000, seconds=4.0), 8000, subtype="PCM_16")
    cut = tmp_path / "cut.wav"
    cut.write_bytes(full.read_bytes()[: full.stat().st_size // 3])
    assert "truncated" in _reason(cut)


def test_truncated_flac(tmp_path):
    full = tmp_path / "full.flac"
    sf.write(full, np.random.default_rng(0).normal(0, 0.1, (8000 * 6, 1)).astype(np.float32), 8000, format="FLAC")
    cut = tmp_path / "cut.flac"
    cut.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    assert "truncated" in _reason(cut)


def test_all_silence(tmp_path):
    path = tmp_path / "silence.wav"
    sf.write(path, np.zeros((8000 * 3, 2), dtype=np.float32), 8000)
    assert "all silence" in _reason(path)


def test_too_short(tmp_path):
    path = tmp_path / "short.wav"
    sf.write(path, voice_like(8000, seconds=0.3), 8000)
    assert "too short" in _reason(path)


def test_too_long(tmp_path):
    path = tmp_path / "long.wav"
    sf.write(path, voice_like(8000, seconds=12.0), 8000)
    assert "too long" in _reason(path, AudioConfig(max_duration_s=10))
    assert decode(path, AudioConfig(max_duration_s=20)).duration_s == pytest.approx(12.0, abs=0.05)


@pytest.mark.parametrize("rate", [8000, 16000])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_samples(tmp_path, rate, bad):
    samples = voice_like(rate)
    samples[rate // 2 : rate // 2 + 10] = bad
    path = tmp_path / "nan.wav"
    sf.write(path, samples, rate, subtype="FLOAT")
    assert "NaN or infinite" in _reason(path)


def test_more_than_two_channels_is_refused(tmp_path):
    path = tmp_path / "six.wav"
    sf.write(path, np.tile(voice_like(8000), (1, 6)), 8000)
    reason = _reason(path)
    assert reason.startswith("6 channels") and "mono or stereo" in reason
