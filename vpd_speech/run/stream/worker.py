"""The stream server's live worker: one thread that does the live steps of every call.

Each call hands in a step when enough new audio came in, and waits for it, so the queue holds at most one
step per open call. The worker takes every step waiting at that moment, lets each call find its pieces
(`LiveCall.look`), transcribes the pieces of all those calls in one batched faster-whisper call
(`Transcriber.transcribe_pieces`: one encoder batch per window size, `stream.window_s`), and gives each
call its transcripts back (`LiveCall.hear`). A piece is heard and timed exactly as the call alone would hear
it (its own window, the same VAD gluing, the same time mapping); only the batch it shares the encoder with
differs.

Overload: a call whose live steps lag by more than `stream.partial_max_behind_s` of audio gets no partial
transcription in that step (dropped and counted); final pieces are never dropped. With
`stream.batch_across_calls` false every step is done alone (`LiveCall.step`), as before batching.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field

from vpd_speech.asr.transcribe import Segment, Transcriber
from vpd_speech.audio.decode import SAMPLE_RATE
from vpd_speech.config import StreamConfig
from vpd_speech.run.stream.live import LiveCall, Piece
from vpd_speech.run.stream.metrics import Metrics
from vpd_speech.run.stream.protocol import ServerEvent

log = logging.getLogger("vpd_speech.run.stream")


@dataclass
class StepDone:
    """What one live step gave: its events and the end (samples) of each final piece heard in it."""

    events: list[ServerEvent]
    final_ends: list[int] = field(default_factory=list)


@dataclass
class _Job:
    live: LiveCall
    flush: bool
    future: Future


class LiveWorker:
    """One thread for the live steps of all calls; `submit` a call's step, await its future."""

    def __init__(self, transcriber: Transcriber, options: StreamConfig, metrics: Metrics):
        self.transcriber = transcriber  # this thread's own view of the shared model (Transcriber.sharing_model)
        self.options = options
        self.metrics = metrics
        self._jobs: queue.Queue[_Job | None] = queue.Queue()  # bounded by the calls: each waits for its step
        self._thread = threading.Thread(target=self._run, name="vpd-live", daemon=True)
        self._thread.start()

    @property
    def waiting(self) -> int:
        """Steps handed in and not yet taken up."""
        return self._jobs.qsize()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def submit(self, live: LiveCall, flush: bool = False) -> Future:
        """Queue a live step of `live` (with `flush`: the last one); the future gives a StepDone."""
        job = _Job(live, flush, Future())
        self._jobs.put(job)
        return job.future

    def close(self) -> None:
        """Do the steps queued, then stop the thread."""
        self._jobs.put(None)
        self._thread.join()

    def _run(self) -> None:
        """Take every step waiting, do them together, repeat until closed."""
        while (job := self._jobs.get()) is not None:
            jobs = [job]
            closing = False
            while not self._jobs.empty():
                more = self._jobs.get_nowait()
                if more is None:
                    closing = True
                    break
                jobs.append(more)
            if self.options.batch_across_calls:
                self._batched(jobs)
            else:
                for j in jobs:
                    self._settle(j, self._alone, j)
            if closing:
                return

    def _batched(self, jobs: list[_Job]) -> None:
        """The steps of several calls with one batched transcription of all their pieces."""
        looked: list[tuple[_Job, list[Piece]]] = []
        for job in jobs:
            try:
                looked.append((job, self._look(job)))
            except Exception as e:  # noqa: BLE001 - a bug in one call must not stop the others
                self._fail(job, e)
        try:
            heard = self._hear([(job.live, pieces) for job, pieces in looked])
        except Exception:
            log.exception("batched live transcription failed: each call alone")
            heard = []
            for job, pieces in looked:
                try:
                    heard += self._hear([(job.live, pieces)])
                except Exception as e:  # noqa: BLE001 - reported to that call, which goes on
                    self._fail(job, e)
                    heard.append(None)
        for (job, pieces), segments in zip(looked, heard, strict=True):
            if segments is not None:
                self._settle(job, self._heard, job, pieces, segments)

    @staticmethod
    def _heard(job: _Job, pieces: list[Piece], segments: list[list[Segment]]) -> StepDone:
        """The rest of a batched step: the call takes its transcripts and says what changed."""
        return StepDone(job.live.hear(pieces, segments), [p.b for p in pieces if p.final])

    def _alone(self, job: _Job) -> StepDone:
        """One call's step with each piece transcribed on its own (`LiveCall.step`, as before batching)."""
        pieces = job.live.look(job.flush)
        heard = [job.live.hear_alone(p) for p in pieces]
        self._count(pieces)
        return StepDone(job.live.hear(pieces, heard), [p.b for p in pieces if p.final])

    def _count(self, pieces: list[Piece]) -> None:
        for p in pieces:
            self.metrics.add("vpd_stream_utterances_total", kind="final" if p.final else "partial")

    def _look(self, job: _Job) -> list[Piece]:
        """The call's pieces; its partial ones dropped (and counted) when the call is behind."""
        behind = job.live.behind_s > self.options.partial_max_behind_s
        pieces = job.live.look(job.flush)
        if behind:
            kept = [p for p in pieces if p.final]
            if len(kept) < len(pieces):
                self.metrics.add("vpd_stream_partials_dropped_total", len(pieces) - len(kept))
            pieces = kept
        return pieces

    def _hear(self, calls: list[tuple[LiveCall, list[Piece]]]) -> list[list[list[Segment]]]:
        """Transcribe the pieces of all calls in one batch; per call, per piece, its segments."""
        audio = [
            (live.signal(p.channel)[p.context : p.b], p.context / SAMPLE_RATE) for live, pieces in calls for p in pieces
        ]
        heard = iter(self.transcriber.transcribe_pieces(audio, self.options.window_s) if audio else [])
        if audio:
            self.metrics.add("vpd_stream_batches_total")
            self.metrics.add("vpd_stream_batch_pieces_total", len(audio))
        for _, pieces in calls:
            self._count(pieces)
        return [[next(heard) for _ in pieces] for _, pieces in calls]

    def _settle(self, job: _Job, step: Callable[..., StepDone], *args) -> None:
        """Run (the rest of) a step and hand its result, or its failure, to the waiting call."""
        try:
            job.future.set_result(step(*args))
        except Exception as e:  # noqa: BLE001 - reported to that call, which goes on
            self._fail(job, e)

    def _fail(self, job: _Job, error: Exception) -> None:
        self.metrics.add("vpd_stream_step_errors_total")
        job.future.set_exception(error)
