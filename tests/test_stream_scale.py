"""Many live calls on one server: the shared live worker (batching, overload) and /metrics, /healthz.

The fast tests drive the worker with stand-in calls and a stand-in recogniser, and the HTTP endpoints on a
server that never loads models. The slow one streams two real calls at once through the batched worker and
checks that each call's final utterances are those it gets alone.
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.request

import numpy as np
import pytest

from vpd_speech.asr.transcribe import Segment
from vpd_speech.audio.decode import SAMPLE_RATE
from vpd_speech.config import StreamConfig, load_config
from vpd_speech.run.stream.client import stream_file
from vpd_speech.run.stream.live import Piece
from vpd_speech.run.stream.metrics import Arrivals, Metrics
from vpd_speech.run.stream.server import BackgroundServer, StreamServer
from vpd_speech.run.stream.worker import LiveWorker

TOKEN = "s3cret-token-for-tests"


class FakeCall:
    """Stands in for a LiveCall: hands out the pieces given, records what it heard."""

    def __init__(self, pieces: list[Piece], behind_s: float = 0.0, gate: threading.Event | None = None):
        self.pieces, self.behind_s, self.gate = pieces, behind_s, gate
        self.heard: list[tuple[Piece, list[Segment]]] = []

    def look(self, flush: bool = False) -> list[Piece]:
        if self.gate is not None:
            self.gate.wait(10)
        return self.pieces

    def hear(self, pieces, segments) -> list:
        self.heard += list(zip(pieces, segments, strict=True))
        return [f"event {len(self.heard)}"]

    def signal(self, channel: int) -> np.ndarray:
        return np.zeros(20 * SAMPLE_RATE, dtype=np.float32)


class FakeTranscriber:
    """Stands in for the recogniser: one segment per window; records the size of each batch."""

    def __init__(self, fail_batches_over: int | None = None):
        self.batches: list[int] = []
        self.fail_batches_over = fail_batches_over

    def transcribe_pieces(self, pieces, window_s: float = 30.0) -> list[list[Segment]]:
        self.batches.append(len(pieces))
        if self.fail_batches_over is not None and len(pieces) > self.fail_batches_over:
            raise RuntimeError("broken batch")
        return [[Segment(offset, offset + 1, f"words {offset:.1f}")] for _, offset in pieces]


def final(ch: int, a_s: float, b_s: float) -> Piece:
    return Piece(ch, int(a_s * SAMPLE_RATE), int(a_s * SAMPLE_RATE), int(b_s * SAMPLE_RATE), final=True)


def partial(ch: int, a_s: float, b_s: float) -> Piece:
    return Piece(ch, int(a_s * SAMPLE_RATE), int(a_s * SAMPLE_RATE), int(b_s * SAMPLE_RATE), final=False)


def run_jobs(worker: LiveWorker, calls: list[FakeCall]) -> list:
    """Submit one step per call while the worker is held up, so that they are all waiting together."""
    gate = threading.Event()
    blocker = FakeCall([], gate=gate)
    first = worker.submit(blocker)
    futures = [worker.submit(c) for c in calls]
    gate.set()
    first.result(10)
    return [f.result(10) for f in futures]


def test_steps_waiting_together_share_one_batch_and_partials_go_first_when_behind():
    transcriber, metrics = FakeTranscriber(), Metrics()
    worker = LiveWorker(transcriber, StreamConfig(partial_max_behind_s=1.0), metrics)
    calls = [
        FakeCall([final(0, 1.0, 2.5)]),
        FakeCall([final(1, 3.0, 4.0), partial(0, 5.0, 10.0)]),
        FakeCall([final(0, 2.0, 3.0), partial(1, 4.0, 9.5)], behind_s=2.5),  # behind: its partial is dropped
    ]
    done = run_jobs(worker, calls)
    worker.close()
    assert transcriber.batches == [4]  # the blocker had no pieces; the rest went in one batch
    assert [len(c.heard) for c in calls] == [1, 2, 1]
    assert [p.final for p, _ in calls[2].heard] == [True]
    assert calls[1].heard[0][1][0].text == "words 3.0"  # each call gets its own windows' words back
    assert [d.final_ends for d in done] == [[int(2.5 * SAMPLE_RATE)], [4 * SAMPLE_RATE], [3 * SAMPLE_RATE]]
    assert metrics.count("vpd_stream_partials_dropped_total") == 1
    assert metrics.count("vpd_stream_utterances_total", kind="final") == 3
    assert metrics.count("vpd_stream_batch_pieces_total") == 4


def test_a_failed_batch_is_heard_call_by_call_and_no_final_is_lost():
    transcriber = FakeTranscriber(fail_batches_over=1)
    worker = LiveWorker(transcriber, StreamConfig(), Metrics())
    calls = [FakeCall([final(0, 1.0, 2.0)]), FakeCall([final(1, 1.5, 3.0)])]
    run_jobs(worker, calls)
    worker.close()
    assert transcriber.batches == [2, 1, 1]
    assert [len(c.heard) for c in calls] == [1, 1]


def test_the_old_path_steps_each_call_alone():
    class Alone(FakeCall):
        def hear_alone(self, piece):
            return [Segment(0, 1, "alone")]

    worker = LiveWorker(FakeTranscriber(), StreamConfig(batch_across_calls=False), Metrics())
    calls = [Alone([final(0, 1.0, 2.0)]), Alone([final(0, 1.0, 2.0), partial(1, 2.0, 8.0)], behind_s=5.0)]
    run_jobs(worker, calls)
    worker.close()
    assert [len(c.heard) for c in calls] == [1, 2]  # no batching, nothing dropped
    assert calls[0].heard[0][1][0].text == "alone"


def test_arrivals_time_the_audio_of_an_utterance_end():
    arrivals = Arrivals()
    for i in range(1, 6):
        arrivals.mark(i * 320, float(i))
    assert arrivals.time_of(640) == 2.0
    assert arrivals.time_of(700) == 3.0
    assert arrivals.time_of(5000) is None


def test_metrics_text_format():
    m = Metrics()
    m.add("vpd_stream_calls_total", outcome="accepted")
    m.observe_latency(0.7)
    m.observe_latency(4.0)
    text = m.render({"vpd_stream_calls_open": 2}, {"vpd_stream_call_queue_frames": {'a"b': 3}})
    assert '# TYPE vpd_stream_calls_total counter\nvpd_stream_calls_total{outcome="accepted"} 1' in text
    assert 'vpd_stream_final_latency_seconds_bucket{le="1"} 1' in text
    assert 'vpd_stream_final_latency_seconds_bucket{le="+Inf"} 2' in text
    assert "vpd_stream_final_latency_seconds_count 2" in text
    assert 'vpd_stream_call_queue_frames{call_id="a\\"b"} 3' in text
    assert 'vpd_stream_final_latency_recent_seconds{quantile="1"} 4' in text


# --------------------------------------------------------------------------- HTTP on the stream's port


def get(url: str, token: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


@pytest.fixture
def modelless(tmp_path):
    server = StreamServer(load_config(), tmp_path / "out", token=TOKEN)
    background = BackgroundServer(server)
    yield server, background.url.replace("ws://", "http://")
    background.close()
    assert server.pipeline is None


def test_metrics_and_healthz_need_the_token(modelless):
    _, base = modelless
    assert get(f"{base}/metrics")[0] == 401
    assert get(f"{base}/healthz", "wrong-token-wrong-token")[0] == 401
    status, text = get(f"{base}/healthz", TOKEN)
    assert status == 200 and text.startswith("ok: 0 of 8 calls")
    status, text = get(f"{base}/metrics", TOKEN)
    assert status == 200
    for name in (
        "vpd_stream_calls_open 0",
        "vpd_stream_calls_max 8",
        "vpd_stream_worker_queue 0",
        "vpd_stream_behind_seconds 0",
        "vpd_stream_webhook_failures_total 0",
        "vpd_stream_final_latency_seconds_count 0",
    ):
        assert name in text, name


def test_a_full_server_refuses_calls_and_says_so(modelless):
    from tests.test_stream import START, exchange

    server, base = modelless
    server.active.update(f"other{i}" for i in range(8))
    events = exchange(base.replace("http://", "ws://"), {**START, "token": TOKEN})
    assert events[0]["fatal"] and "stream.max_calls" in events[0]["message"]
    status, text = get(f"{base}/healthz", TOKEN)
    assert status == 503 and "full" in text
    assert 'vpd_stream_calls_total{outcome="refused_busy"} 1' in get(f"{base}/metrics", TOKEN)[1]


# --------------------------------------------------------------------------- slow: real models


@pytest.mark.slow
def test_two_calls_at_once_get_the_finals_they_get_alone(pipeline, synth_call, tmp_path):
    """The same call streamed twice at once, as fast as the server takes it: the two share batches, and
    each settles on the final utterances the call gets alone on the path before batching: the same words and
    ends; the start of an utterance's first word may move by a few frames (faster-whisper's word-timing
    heuristic looks at the end of the batch's previous speech, `last_speech_timestamp`)."""
    wav = synth_call("dreiging")["paths"]["stereo"]

    def finals(run) -> list[dict]:
        """The final utterances a call settles on: a final event is replaced by a later one of the same speaker
        that overlaps it (an utterance grows when the speaker goes on within `utterances.max_gap_s`; whether
        the shorter one got its own event first depends on how many steps the worker took together)."""
        events = [r.event for r in run.of_type("utterance") if r.event["final"]]
        settled = [
            e
            for i, e in enumerate(events)
            if not any(
                f["speaker"] == e["speaker"] and f["start"] < e["end"] and e["start"] < f["end"]
                for f in events[i + 1 :]
            )
        ]
        return sorted(settled, key=lambda e: e["end"])

    def same(a: list[dict], b: list[dict]) -> bool:
        return [(e["end"], e["text"]) for e in a] == [(e["end"], e["text"]) for e in b] and all(
            abs(x["start"] - y["start"]) <= 0.2 for x, y in zip(a, b, strict=True)
        )

    def server(batched: bool) -> StreamServer:
        stream = pipeline.config.stream.model_copy(update={"batch_across_calls": batched})
        config = pipeline.config.model_copy(update={"stream": stream})
        return StreamServer(config, tmp_path / f"out{batched}", pipeline=pipeline)

    before = BackgroundServer(server(False))
    try:
        alone = finals(stream_file(wav, before.url, "alone", "left", speed=None))
    finally:
        before.close()
    batched = server(True)
    background = BackgroundServer(batched)
    runs: list = [None, None]

    def one(i: int) -> None:
        runs[i] = stream_file(wav, background.url, f"together{i}", "left", speed=None)

    try:
        threads = [threading.Thread(target=one, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        background.close()
    assert alone and all(same(finals(r), alone) for r in runs)
    assert batched.metrics.count("vpd_stream_batch_pieces_total") > batched.metrics.count("vpd_stream_batches_total")
