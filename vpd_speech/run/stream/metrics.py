"""What the stream server tells operators: counters and a latency histogram, in Prometheus text format.

The server keeps the counts here (from its event loop and its model threads, hence the lock) and adds the
gauges of the moment (calls open, queues, how far behind) when `/metrics` is read.
"""

from __future__ import annotations

import threading
from collections import deque

import numpy as np

LATENCY_BUCKETS_S = (0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0)
RECENT = 1000  # final latencies kept for the percentiles of the moment

HELP = {
    "vpd_stream_calls_open": ("gauge", "Live calls open now."),
    "vpd_stream_calls_max": ("gauge", "stream.max_calls: calls beyond it are refused."),
    "vpd_stream_calls_total": ("counter", "Calls by outcome: accepted, refused_busy (stream.max_calls), refused."),
    "vpd_stream_calls_ended_total": ("counter", "Calls scored and stored, by how the stream ended."),
    "vpd_stream_utterances_total": ("counter", "Utterance pieces transcribed live (final: an utterance ended)."),
    "vpd_stream_partials_dropped_total": ("counter", "Partial transcriptions skipped because the call was behind."),
    "vpd_stream_batches_total": ("counter", "Batched transcriptions (one per worker round with pieces)."),
    "vpd_stream_batch_pieces_total": ("counter", "Pieces in those batches: pieces/batches is the mean batch."),
    "vpd_stream_step_errors_total": ("counter", "Live steps that failed (logged; the call goes on)."),
    "vpd_stream_alerts_total": ("counter", "Alerts sent (to the client, the webhook and the alert log)."),
    "vpd_stream_webhook_failures_total": ("counter", "Webhook POSTs that failed (each retry counts)."),
    "vpd_stream_webhook_undelivered_total": ("counter", "Alerts the webhook never took after all retries."),
    "vpd_stream_alerts_waiting": ("gauge", "Alerts queued for delivery."),
    "vpd_stream_worker_queue": ("gauge", "Live steps waiting for the worker (at most one per call)."),
    "vpd_stream_behind_seconds": ("gauge", "Most audio received and not yet looked at, over the open calls."),
    "vpd_stream_call_behind_seconds": ("gauge", "Audio received and not yet looked at, per call."),
    "vpd_stream_call_queue_frames": ("gauge", "PCM frames waiting in a call's queue (full: the sender is slowed)."),
    "vpd_stream_final_latency_seconds": (
        "histogram",
        "From the arrival of the audio at an utterance's end to its final event.",
    ),
    "vpd_stream_final_latency_recent_seconds": ("gauge", f"Percentiles of the last {RECENT} final latencies."),
}


class Metrics:
    """The server's counters and final-utterance latencies; thread-safe."""

    def __init__(self):
        self._lock = threading.Lock()
        self._counters: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
        self._buckets = [0] * (len(LATENCY_BUCKETS_S) + 1)
        self._latency_sum = 0.0
        self._recent: deque[float] = deque(maxlen=RECENT)

    def add(self, name: str, value: float = 1.0, **labels: str) -> None:
        """Add to a counter (created at 0)."""
        key = (name, tuple(sorted(labels.items())))
        with self._lock:
            self._counters[key] = self._counters.get(key, 0.0) + value

    def count(self, name: str, **labels: str) -> float:
        """A counter's value (0 if never added to); for tests and the bench."""
        with self._lock:
            return self._counters.get((name, tuple(sorted(labels.items()))), 0.0)

    def observe_latency(self, seconds: float) -> None:
        """One final utterance event sent `seconds` after the audio of the utterance's end arrived."""
        with self._lock:
            i = next((i for i, b in enumerate(LATENCY_BUCKETS_S) if seconds <= b), len(LATENCY_BUCKETS_S))
            self._buckets[i] += 1
            self._latency_sum += seconds
            self._recent.append(seconds)

    def render(self, gauges: dict[str, float], per_call: dict[str, dict[str, float]]) -> str:
        """Prometheus text format: the counters, the histogram, and the gauges given (per call: name -> call_id -> value)."""
        lines: list[str] = []
        with self._lock:
            counters = dict(self._counters)
            buckets, total_s, recent = list(self._buckets), self._latency_sum, list(self._recent)
        by_name: dict[str, list[str]] = {}
        for (name, labels), value in sorted(counters.items()):
            by_name.setdefault(name, []).append(_sample(name, dict(labels), value))
        for name, value in gauges.items():
            by_name.setdefault(name, []).append(_sample(name, {}, value))
        for name, values in per_call.items():
            by_name.setdefault(name, []).extend(_sample(name, {"call_id": c}, v) for c, v in values.items())
        by_name["vpd_stream_final_latency_seconds"] = _histogram("vpd_stream_final_latency_seconds", buckets, total_s)
        if recent:
            by_name["vpd_stream_final_latency_recent_seconds"] = [
                _sample("vpd_stream_final_latency_recent_seconds", {"quantile": q}, float(np.percentile(recent, p)))
                for q, p in (("0.5", 50), ("0.95", 95), ("1", 100))
            ]
        for name, samples in by_name.items():
            kind, text = HELP.get(name, ("untyped", name))
            lines += [f"# HELP {name} {text}", f"# TYPE {name} {kind}", *samples]
        return "\n".join(lines) + "\n"


def _histogram(name: str, buckets: list[int], total_s: float) -> list[str]:
    """The sample lines of a Prometheus histogram (cumulative buckets, sum, count)."""
    out, cumulative = [], 0
    for bound, n in zip([*LATENCY_BUCKETS_S, float("inf")], buckets, strict=True):
        cumulative += n
        out.append(_sample(f"{name}_bucket", {"le": "+Inf" if bound == float("inf") else f"{bound:g}"}, cumulative))
    return [*out, _sample(f"{name}_sum", {}, total_s), _sample(f"{name}_count", {}, cumulative)]


def _sample(name: str, labels: dict[str, str], value: float) -> str:
    """One sample line; label values escaped as the text format wants."""
    if labels:
        inner = ",".join(f'{k}="{_escape(v)}"' for k, v in labels.items())
        return f"{name}{{{inner}}} {value:g}"
    return f"{name} {value:g}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


class Arrivals:
    """When each stretch of a call's audio arrived (monotonic seconds), to time its events from it."""

    KEEP_SAMPLES = 16000 * 120  # arrivals older than two minutes of audio are forgotten

    def __init__(self):
        self._marks: deque[tuple[int, float]] = deque()  # (samples received in all, time)

    def mark(self, n_samples: int, at: float) -> None:
        """`n_samples` samples had arrived in all at time `at`."""
        if not self._marks or n_samples > self._marks[-1][0]:
            self._marks.append((n_samples, at))
        while len(self._marks) > 1 and self._marks[0][0] < n_samples - self.KEEP_SAMPLES:
            self._marks.popleft()

    def time_of(self, sample: int) -> float | None:
        """When the audio up to `sample` had arrived (None: too old or not yet)."""
        found = None
        for n, t in reversed(self._marks):  # the sample wanted is recent: walk back from the newest
            if n < sample:
                break
            found = t
        return found
