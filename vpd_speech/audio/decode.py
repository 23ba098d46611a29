"""Decode any common audio file once into float32 channels at 16 kHz, with checks that name what is wrong.

PyAV (FFmpeg, already a faster-whisper dependency) reads wav/flac/mp3/ogg/m4a/aac and u-law/a-law/PCM/float.
Also the one SHA-256 reader of the project (`file_sha256`, `stream_sha256`): call ids, resume and model
manifests all hash files with it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from vpd_speech.config import AudioConfig
from vpd_speech.schema import AudioInfo

SAMPLE_RATE = 16000
MAX_CHANNELS = 2  # mono, or stereo with one speaker per channel


class AudioError(ValueError):
    """The file cannot be scored; the message is the reason shown in the error record."""


@dataclass
class Audio:
    samples: np.ndarray  # float32, shape (channels, n), 16 kHz
    info: AudioInfo

    @property
    def duration_s(self) -> float:
        return self.samples.shape[1] / SAMPLE_RATE

    @property
    def channels(self) -> int:
        return self.samples.shape[0]


def file_sha256(path: Path | str) -> str:
    """SHA-256 (hex) of a file's bytes, read in 1 MiB blocks."""
    with open(path, "rb") as f:
        return stream_sha256(f)


def stream_sha256(f) -> str:
    """SHA-256 of what a binary file object holds, read in 1 MiB blocks."""
    h = hashlib.sha256()
    while block := f.read(1 << 20):
        h.update(block)
    return h.hexdigest()


def _wav_missing_bytes(path: Path, size: int) -> int:
    """Bytes a RIFF/WAVE header promises in its data chunk but the file lacks (FFmpeg silently decodes less)."""
    with open(path, "rb") as f:
        head = f.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            return 0
        while chunk := f.read(8):
            if len(chunk) < 8:
                return 0
            chunk_id, chunk_size = chunk[:4], int.from_bytes(chunk[4:], "little")
            if chunk_id == b"data":
                if chunk_size >= 0x7FFFF000:  # streaming writers leave the size open
                    return 0
                return max(0, f.tell() + chunk_size - size)
            f.seek(chunk_size + (chunk_size & 1), 1)
    return 0


def _declared_duration(container, stream) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return None


def decode(path: Path | str, config: AudioConfig | None = None, sha256: str | None = None) -> Audio:
    """Decode and resample to 16 kHz, keeping channels apart (stereo calls carry one speaker per channel).

    A file with more than two channels is refused (AudioError, so an error record): the pipeline needs one
    speaker per channel, and which two of three or more channels hold the agent and the caller is not
    something to guess. Scoring a downmix or the first two channels could give a caller's words to the
    agent and put a wrong level in a report; the message says how to export the two call channels.
    """
    config = config or AudioConfig()
    path = Path(path)
    size = path.stat().st_size
    info = AudioInfo(file=path.name, sha256=sha256 or file_sha256(path), bytes=size)
    if size == 0:
        raise AudioError("empty file (0 bytes)")
    missing = _wav_missing_bytes(path, size)
    if missing:
        raise AudioError(f"truncated file: the WAV header promises {missing} more bytes of audio than the file holds")
    try:
        container = av.open(str(path))
    except av.error.FFmpegError as e:
        raise AudioError(f"not a readable audio file ({e.strerror or type(e).__name__})") from None
    with container:
        stream = next((s for s in container.streams if s.type == "audio"), None)
        if stream is None:
            raise AudioError("no audio stream in file")
        declared = _declared_duration(container, stream)
        info.format = container.format.name
        info.codec = stream.codec_context.name
        info.sample_rate = stream.codec_context.sample_rate or stream.sample_rate
        info.channels = stream.codec_context.channels
        if (info.channels or 1) > MAX_CHANNELS:
            raise AudioError(_too_many_channels(info.channels))
        if declared is not None and declared > config.max_duration_s:
            raise AudioError(f"too long: {declared:.0f} s, the maximum is {config.max_duration_s:.0f} s (audio.max_duration_s)")
        layout = "mono" if (info.channels or 1) == 1 else "stereo"
        resampler = av.AudioResampler(format="fltp", layout=layout, rate=SAMPLE_RATE)
        chunks: list[np.ndarray] = []
        n = 0
        error = None
        try:
            for frame in container.decode(stream):
                frame.pts = None
                for out in resampler.resample(frame):
                    chunk = out.to_ndarray()
                    chunks.append(chunk)
                    n += chunk.shape[1]
                if n > config.max_duration_s * SAMPLE_RATE:
                    raise AudioError(f"too long: more than {config.max_duration_s:.0f} s (audio.max_duration_s)")
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray())
        except av.error.FFmpegError as e:
            error = e
    if not chunks:
        raise AudioError(f"no audio could be decoded ({error.strerror if error else 'no frames'})")
    samples = np.ascontiguousarray(np.concatenate(chunks, axis=1), dtype=np.float32)
    decoded = samples.shape[1] / SAMPLE_RATE
    if error is not None or (declared is not None and decoded < 0.9 * declared - 0.25):
        told = f" of {declared:.1f} s declared" if declared else ""
        raise AudioError(f"truncated or corrupt file: decoding stopped after {decoded:.1f} s{told}")
    info.duration_s = round(decoded, 3)
    return checked_audio(samples, info, config)


def _too_many_channels(channels: int) -> str:
    return (
        f"{channels} channels: only mono or stereo (agent and caller on one channel each) can be scored, and "
        "which channels hold the call is not guessed; export those two, e.g. "
        "ffmpeg -i in.wav -af 'pan=stereo|c0=c0|c1=c1' out.wav"
    )


def checked_audio(samples: np.ndarray, info: AudioInfo, config: AudioConfig | None = None) -> Audio:
    """Decoded samples as an Audio, after the content checks every call gets (not finite, too short, all silence)."""
    _check_content(samples, config or AudioConfig())
    return Audio(samples=samples, info=info)


class PcmDecoder:
    """Interleaved 16-bit PCM (as a live stream sends it), piece by piece, into float32 16 kHz channels.

    It uses the same resampler as `decode`, so the PCM of a recording gives exactly the samples that
    decoding the recording gives, however the PCM is cut into pieces.
    """

    def __init__(self, sample_rate: int, channels: int):
        self.sample_rate, self.channels = sample_rate, channels
        self.layout = "mono" if channels == 1 else "stereo"
        self._resampler = av.AudioResampler(format="fltp", layout=self.layout, rate=SAMPLE_RATE)

    def push(self, pcm: bytes) -> np.ndarray:
        """New 16 kHz samples, shape (channels, n); `pcm` must hold whole sample frames."""
        if len(pcm) % (2 * self.channels):
            raise AudioError(f"{len(pcm)} bytes is not a whole number of {self.channels}-channel 16-bit samples")
        if not pcm:
            return np.zeros((self.channels, 0), dtype=np.float32)
        samples = np.frombuffer(pcm, dtype="<i2").reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(samples, format="s16", layout=self.layout)
        frame.sample_rate = self.sample_rate
        return self._collect(self._resampler.resample(frame))

    def flush(self) -> np.ndarray:
        """The samples the resampler still holds, at the end of the stream."""
        return self._collect(self._resampler.resample(None))

    def _collect(self, frames) -> np.ndarray:
        chunks = [f.to_ndarray() for f in frames]
        return np.concatenate(chunks, axis=1) if chunks else np.zeros((self.channels, 0), dtype=np.float32)


def _check_content(samples: np.ndarray, config: AudioConfig) -> None:
    bad = samples.size - int(np.count_nonzero(np.isfinite(samples)))
    if bad:
        # a float WAV can hold NaN/Inf; Whisper turns them into "!!!!" and NaN log-probabilities
        raise AudioError(f"corrupt audio: {bad} of {samples.size} samples are NaN or infinite; not scored")
    duration = samples.shape[1] / SAMPLE_RATE
    if duration < config.min_duration_s:
        raise AudioError(f"too short: {duration:.2f} s, the minimum is {config.min_duration_s} s")
    frame = SAMPLE_RATE // 10
    usable = samples[:, : samples.shape[1] // frame * frame].reshape(samples.shape[0], -1, frame)
    rms = np.sqrt(np.mean(usable.astype(np.float64) ** 2, axis=2)) if usable.size else np.zeros(1)
    loudest = 20 * np.log10(max(float(rms.max()), 1e-10))
    if loudest < config.silence_dbfs:
        raise AudioError(f"all silence: the loudest 100 ms is {loudest:.0f} dBFS (threshold {config.silence_dbfs:.0f} dBFS)")
