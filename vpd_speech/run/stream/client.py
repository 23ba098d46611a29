"""`vpd stream send`: stream a recording to the live-call server in small PCM frames and show the events.

For demos, tests and the benchmark. Frames are paced like a live call (`speed` 1.0 = real time; None = as
fast as the server takes them); every event is kept with the time it arrived, counted from the moment
the first frame's audio would have been spoken.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import av
import numpy as np
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from vpd_speech.labels import LEVEL_NAMES_NL, ROLE_NAMES_NL
from vpd_speech.run.stream.protocol import End, Start
from vpd_speech.timeline.options import fmt_time


class StreamError(ConnectionError):
    """The server refused the call or the connection failed; the message says why."""


@dataclass
class Received:
    t: float  # seconds since the stream started (audio time 0 at real-time speed)
    event: dict


@dataclass
class StreamRun:
    events: list[Received] = field(default_factory=list)
    end_sent_s: float | None = None  # when the 'end' message was sent

    @property
    def final(self) -> dict | None:
        return next((r.event for r in self.events if r.event.get("type") == "final"), None)

    def of_type(self, kind: str) -> list[Received]:
        return [r for r in self.events if r.event.get("type") == kind]


def read_pcm(path: Path | str) -> tuple[bytes, int, int]:
    """A recording as interleaved 16-bit PCM: (pcm, sample rate, channels). 8 and 16 kHz stay as they are
    (so the server sees the very samples `vpd score` decodes); other rates are resampled to 16 kHz."""
    with av.open(str(path)) as container:
        stream = next((s for s in container.streams if s.type == "audio"), None)
        if stream is None:
            raise ValueError(f"{path}: no audio stream")
        channels = stream.codec_context.channels
        if channels not in (1, 2):
            raise ValueError(f"{path}: {channels} channels; live calls are mono or stereo")
        rate = stream.codec_context.sample_rate
        rate = rate if rate in (8000, 16000) else 16000
        resampler = av.AudioResampler(format="s16", layout="mono" if channels == 1 else "stereo", rate=rate)
        chunks = []
        for frame in container.decode(stream):
            frame.pts = None
            chunks += [f.to_ndarray() for f in resampler.resample(frame)]
        chunks += [f.to_ndarray() for f in resampler.resample(None)]
    pcm = np.concatenate(chunks, axis=1).astype("<i2") if chunks else np.zeros((1, 0), "<i2")
    return pcm.tobytes(), rate, channels


def stream_file(
    path: Path | str,
    url: str = "ws://127.0.0.1:8765",
    call_id: str | None = None,
    agent_channel: str | None = None,
    speed: float | None = 1.0,
    frame_ms: int = 20,
    token: str | None = None,
    metadata: dict[str, str] | None = None,
    on_event: Callable[[Received], None] | None = None,
    timeout_s: float = 600.0,
) -> StreamRun:
    """Stream one recording as a live call; returns every event received (the last one is normally 'final')."""
    path = Path(path)
    pcm, rate, channels = read_pcm(path)
    start = Start(
        type="start",
        call_id=call_id or path.stem,
        sample_rate=rate,
        channels=channels,
        agent_channel=agent_channel,
        metadata=metadata or {},
        token=token,
    )
    frame_bytes = max(1, int(rate * frame_ms / 1000)) * 2 * channels
    frame_s = frame_bytes / (2 * channels) / rate
    run = StreamRun()
    headers = {"Authorization": f"Bearer {token}"} if token else None
    try:
        ws = connect(url, additional_headers=headers, compression=None, proxy=None, max_size=None)
    except OSError as e:
        raise StreamError(f"cannot connect to {url}: {e}") from None
    with ws:
        ws.send(start.model_dump_json(exclude_none=True))
        first = json.loads(ws.recv(timeout=60))
        if first.get("type") != "ready":
            raise StreamError(first.get("message") or f"unexpected answer: {first}")
        t0 = time.monotonic()
        receiver = threading.Thread(target=_receive, args=(ws, run, t0, on_event), daemon=True)
        receiver.start()
        for i, offset in enumerate(range(0, len(pcm), frame_bytes)):
            if speed:  # a frame leaves when its last sample has been spoken
                delay = t0 + (i + 1) * frame_s / speed - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            try:
                ws.send(pcm[offset : offset + frame_bytes])
            except ConnectionClosed:  # the server ended the call; its error event says why
                break
        run.end_sent_s = time.monotonic() - t0
        with suppress(ConnectionClosed):
            ws.send(End(type="end").model_dump_json())
        receiver.join(timeout_s)
    return run


def _receive(ws, run: StreamRun, t0: float, on_event) -> None:
    try:
        for message in ws:  # ends when the server closes the connection after 'final'
            received = Received(time.monotonic() - t0, json.loads(message))
            run.events.append(received)
            if on_event is not None:
                on_event(received)
            if received.event.get("type") == "final":
                return
    except ConnectionClosed:
        return


def describe(r: Received) -> str:
    """One line per event for the terminal (Dutch labels, as in the reports)."""
    e = r.event
    at = f"[{r.t:6.1f}s]"
    kind = e.get("type")
    if kind == "utterance":
        who = ROLE_NAMES_NL.get(e["role"], e["role"])
        what = f"niveau {e['level']} {e['label']}" if e.get("level") is not None else (e.get("act") or "")
        pending = "" if e["final"] else "  (spreekt nog)"
        return f"{at} {fmt_time(e['start'])}-{fmt_time(e['end'])} {who:<10} {what:<24} {e['text']}{pending}"
    if kind == "level_change":
        return f"{at} niveau {e['previous']} -> {e['level']} {LEVEL_NAMES_NL[e['level']]} (hoogste {e['max_level']})"
    if kind == "alert":
        return f'{at} !!! ALERT {e["kind"]} om {fmt_time(e["time"])}: "{e["quote"]}" - {e["note"]}'
    if kind == "error":
        return f"{at} fout{' (einde gesprek)' if e['fatal'] else ''}: {e['message']}"
    if kind == "final":
        if e["status"] != "ok":
            return f"{at} klaar ({e['ended']}): FOUT {e['error']} -> {e['path']}"
        level = e["max_level"]
        return f"{at} klaar ({e['ended']}): hoogste niveau {level} {LEVEL_NAMES_NL[level]}, meldadvies {e['advice']} -> {e['path']}"
    return f"{at} {json.dumps(e, ensure_ascii=False)}"


def parse_speed(text: str) -> float:
    """'4x', '4', '0.5x' -> 4.0, 4.0, 0.5."""
    try:
        value = float(text.lower().removesuffix("x"))
    except ValueError:
        raise ValueError(f"speed must look like 4x or 0.5x, not {text!r}") from None
    if value <= 0:
        raise ValueError("speed must be above 0")
    return value
