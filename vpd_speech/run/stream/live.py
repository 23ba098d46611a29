"""One live call: PCM in, events out, and at the end the same result a batch run gives.

Speech is found per channel as the audio arrives (`StreamingVad`); each utterance is transcribed when it
ends, and every `stream.partial_interval_s` while it lasts. The words so far go through the pipeline's own
stages (utterances and roles, classification, timeline) and the differences with what was already sent
become events. At the end `Pipeline.score_from` scores all audio received, exactly as `vpd score` scores
a recording of it.

Every method blocks on model work; the server calls them from its model threads, one call at a time.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from vpd_speech.asr.transcribe import Segment, Transcriber, segments_from
from vpd_speech.audio.decode import SAMPLE_RATE, AudioError, PcmDecoder, checked_audio
from vpd_speech.audio.vad import VAD_WINDOW, StreamingVad
from vpd_speech.config import StreamConfig
from vpd_speech.labels import CALLER_LABELS
from vpd_speech.pipeline import Pipeline
from vpd_speech.reports.redact import mask
from vpd_speech.run.stream.protocol import Alert, LevelChange, ServerEvent, Start, UtteranceEvent
from vpd_speech.schema import AudioInfo, CallResult, Timeline, TimelineEvent, Utterance
from vpd_speech.timeline.build import build_timeline

ALERT_KINDS = ("threat", "repeated_after_correction")  # level 4; level 3 again after the agent addressed it
CONTEXT_WINDOW_S = 28.0  # context and utterance together stay within one 30 s Whisper window
WORD_SLACK_S = 0.05  # a word of the utterance ends at least this far into its VAD region


@dataclass(frozen=True)
class Piece:
    """Audio of one channel to transcribe (samples): the words in [a, b) are kept, [context, a) is heard
    only as context. `final`: the utterance ended (else it is still going on: a partial result)."""

    channel: int
    context: int
    a: int
    b: int
    final: bool


class SampleBuffer:
    """All 16 kHz samples of a call so far, one row per channel, in an array that grows by doubling."""

    def __init__(self, channels: int, seconds: float = 60.0):
        self._data = np.zeros((channels, int(seconds * SAMPLE_RATE)), dtype=np.float32)
        self.n = 0

    def append(self, chunk: np.ndarray) -> None:
        end = self.n + chunk.shape[1]
        if end > self._data.shape[1]:
            grown = np.zeros((self._data.shape[0], max(end, 2 * self._data.shape[1])), dtype=np.float32)
            grown[:, : self.n] = self._data[:, : self.n]
            self._data = grown
        self._data[:, self.n : end] = chunk
        self.n = end

    def view(self) -> np.ndarray:
        return self._data[:, : self.n]


class LiveCall:
    """The state of one streamed call: its audio, the transcript so far, and what the client was told."""

    def __init__(
        self,
        pipeline: Pipeline,
        start: Start,
        metadata: dict[str, str],
        options: StreamConfig,
        transcriber: Transcriber | None = None,
    ):
        self.pipeline = pipeline
        self.transcriber = transcriber or pipeline.transcriber  # the live thread's own (Transcriber.sharing_model)
        self.call_id = start.call_id
        self.channels = start.channels
        self.sample_rate = start.sample_rate
        self.agent_channel = start.agent_channel
        self.metadata = metadata
        self.options = options
        self.decoder = PcmDecoder(start.sample_rate, start.channels)
        self.buffer = SampleBuffer(start.channels)
        self.max_samples = int(pipeline.config.audio.max_duration_s * SAMPLE_RATE)
        self._sha256 = hashlib.sha256()
        self._bytes = 0
        vad = pipeline.config.vad.model_copy(update={"min_silence_duration_ms": options.end_silence_ms})
        self._vad = [StreamingVad(vad) for _ in range(start.channels)]
        self._committed: list[list[Segment]] = [[] for _ in range(start.channels)]  # final transcripts
        self._committed_end = [0.0] * start.channels  # seconds: words starting before this are final
        self._partial: list[list[Segment]] = [[] for _ in range(start.channels)]  # of the utterance going on
        self._partial_at = [0] * start.channels  # samples at the last partial transcription
        self._grid = max(1, round(options.step_s * SAMPLE_RATE / VAD_WINDOW)) * VAD_WINDOW  # samples per step
        self._stepped = 0  # the last position looked at
        self._classified: dict = {}  # (role, turn before, text) -> Classification
        self._sent: set[tuple] = set()  # utterance events sent
        self._level = 0  # the caller's current counted level, as last told
        self._alerted: list[tuple[str, float, float]] = []  # (kind, start, end) of alerted utterances

    @property
    def duration_s(self) -> float:
        return self.buffer.n / SAMPLE_RATE

    def push(self, pcm: bytes) -> None:
        """Add one PCM frame; AudioError for a frame of broken samples or a call longer than allowed."""
        self.buffer.append(self.decoder.push(pcm))
        self._sha256.update(pcm)
        self._bytes += len(pcm)
        if self.buffer.n > self.max_samples:
            limit = self.pipeline.config.audio.max_duration_s
            raise AudioError(f"too long: more than {limit:.0f} s (audio.max_duration_s)")

    def due(self) -> bool:
        """Enough new audio since the last step to look for speech again."""
        return self.buffer.n - self._stepped >= self._grid

    def step(self, flush: bool = False) -> list[ServerEvent]:
        """Look for ended (and long ongoing) utterances in the new audio, transcribe them, return the events.

        The call on its own: each piece is transcribed alone. The stream server's worker does the same in
        three parts (`look`, a batched transcription of the pieces of all calls, `hear`)."""
        pieces = self.look(flush)
        return self.hear(pieces, [self.hear_alone(p) for p in pieces])

    def look(self, flush: bool = False, partials: bool = True) -> list[Piece]:
        """The pieces to transcribe in the new audio: utterances that ended, and a long one going on.

        The audio is looked at on a fixed grid of positions (every `stream.step_s`), one position at a time
        also when the step runs late, so the final pieces, and the events, do not depend on the load. A
        partial piece is asked for only at the last position (and not when `partials` is False: the server
        is behind)."""
        samples = self.buffer.view()
        n = samples.shape[1]
        pieces: list[Piece] = []
        while self._stepped + self._grid <= n:
            self._stepped += self._grid
            caught_up = self._stepped + self._grid > n
            pieces += self._look(samples[:, : self._stepped], partials=partials and caught_up and not flush)
        if flush:
            self._stepped = n
            pieces += self._look(samples, partials=False, flush=True)
        return pieces

    def hear(self, pieces: list[Piece], heard: list[list[Segment]]) -> list[ServerEvent]:
        """Take the transcripts of `pieces` (in their order) into the call; the events of what changed."""
        for piece, segments in zip(pieces, heard, strict=True):
            ch = piece.channel
            words = (
                segments_from(segments, piece.a / SAMPLE_RATE + WORD_SLACK_S) if piece.context < piece.a else segments
            )
            if piece.final:
                self._committed[ch] += words
                self._committed_end[ch] = piece.b / SAMPLE_RATE
                self._partial[ch] = []
            else:
                self._partial[ch] = words
                self._partial_at[ch] = piece.b
        return self._events() if pieces else []

    @property
    def behind_s(self) -> float:
        """Seconds of audio received that no step has looked at yet: how far this call's live steps lag."""
        return (self.buffer.n - self._stepped) / SAMPLE_RATE

    def _look(self, samples: np.ndarray, partials: bool, flush: bool = False) -> list[Piece]:
        """The pieces of the utterances that ended in `samples` (and of a long one going on)."""
        n = samples.shape[1]
        pieces = []
        for ch in range(self.channels):
            closed, still_open = self._vad[ch].update(samples[ch], flush=flush)
            if closed:
                pieces.append(self._piece(ch, closed[0][0], closed[-1][1], final=True))
            if partials and still_open is not None and self._partial_due(ch, still_open[0], n):
                pieces.append(self._piece(ch, still_open[0], n, final=False))
        return pieces

    def _piece(self, ch: int, a: int, b: int, final: bool) -> Piece:
        """The piece for the words of channel `ch` in samples [a, b). Up to `stream.context_s` of the
        channel's audio before goes along (within one 30 s Whisper window): a lone 3 s piece is transcribed
        markedly worse."""
        c = min(a, max(0, a - int(self.options.context_s * SAMPLE_RATE), b - int(CONTEXT_WINDOW_S * SAMPLE_RATE)))
        return Piece(ch, c, a, b, final)

    def hear_alone(self, piece: Piece) -> list[Segment]:
        """The words Whisper hears in one piece, alone. The piece is heard through the VAD, speech only,
        whatever `asr.stereo` says for recordings: heard raw, with its silences, Whisper ran into repetition
        loops on the threat example and the live alert came only at the end (README "Live calls")."""
        signal = self.buffer.view()[piece.channel, piece.context : piece.b]
        return self.transcriber.transcribe_pieces([(signal, piece.context / SAMPLE_RATE)], self.options.window_s)[0]

    def signal(self, channel: int) -> np.ndarray:
        """The channel's 16 kHz samples so far (a view: valid until more audio is pushed)."""
        return self.buffer.view()[channel]

    def end(self) -> list[ServerEvent]:
        """The stream is over: take the resampler's last samples and transcribe whatever is left."""
        self.close_input()
        return self.step(flush=True)

    def close_input(self) -> None:
        """The stream is over: take the resampler's last samples (then a step with `flush` ends the call)."""
        self.buffer.append(self.decoder.flush())

    def finish(self, ended: str) -> CallResult:
        """Score everything received, the way `vpd score` scores a recording of it."""
        samples = np.ascontiguousarray(self.buffer.view())
        info = AudioInfo(
            file=self.call_id,
            sha256=self._sha256.hexdigest(),
            bytes=self._bytes,
            format="stream",
            codec="pcm_s16le",
            sample_rate=self.sample_rate,
            channels=self.channels,
            duration_s=round(samples.shape[1] / SAMPLE_RATE, 3),
        )
        metadata = {**self.metadata, "stream_end": ended}
        config = self.pipeline.config.audio
        return self.pipeline.score_from(
            self.call_id, self.call_id, lambda: checked_audio(samples, info, config), metadata
        )

    def final_alerts(self, result: CallResult) -> list[Alert]:
        """Alerts of the final timeline that the live steps missed (e.g. a threat cut off by a dropped line)."""
        if result.timeline is None:
            return []
        return self._alerts(result.utterances, result.timeline.events)

    # ------------------------------------------------------------------ helpers

    def _partial_due(self, ch: int, region_start: int, n: int) -> bool:
        every = self.options.partial_interval_s * SAMPLE_RATE
        return n - max(region_start, self._partial_at[ch]) >= every

    def utterances(self) -> list[Utterance]:
        """The call's utterances so far: final transcripts and the partial ones of utterances going on."""
        per_channel = [c + p for c, p in zip(self._committed, self._partial)]
        if self.channels == 2:
            utterances, _ = self.pipeline.stereo_utterances(per_channel, self.agent_channel)
        else:
            utterances, _ = self.pipeline.mono_utterances(self.buffer.view()[0], per_channel[0])
        return utterances

    def _events(self) -> list[ServerEvent]:
        utterances = self.utterances()
        self.pipeline.classify(utterances, self._classified)
        timeline = build_timeline(utterances, self._stepped / SAMPLE_RATE, None, self.pipeline.timeline_options)
        events: list[ServerEvent] = [e for u in utterances if (e := self._utterance_event(u, timeline))]
        if timeline.levels:
            now = timeline.levels[-1].counted_level
            if now != self._level:
                events.append(
                    LevelChange(
                        call_id=self.call_id,
                        time=timeline.levels[-1].start,
                        level=now,
                        label=CALLER_LABELS[now],
                        previous=self._level,
                        max_level=timeline.max_level,
                    )
                )
                self._level = now
        return events + self._alerts(utterances, timeline.events)

    def _utterance_event(self, u: Utterance, timeline: Timeline) -> UtteranceEvent | None:
        """The event for an utterance that is new or changed since the last step, else None."""
        final = u.words[-1].start < self._committed_end[u.channel or 0]
        key = (u.speaker, u.start, u.end, u.text, final)
        if key in self._sent:
            return None
        self._sent.add(key)
        c = u.classification
        event = UtteranceEvent(
            call_id=self.call_id, speaker=u.speaker, role=u.role, start=u.start, end=u.end, text=u.text, final=final
        )
        if c is not None:
            event.probability = c.probabilities.get(c.label)
            if u.role == "caller":
                event.label, event.level = c.label, c.level
                point = next((p for p in timeline.levels if p.utterance_id == u.id), None)
                event.counted_level = point.counted_level if point else None
            else:
                event.act = c.label
        return event

    def _alerts(self, utterances: list[Utterance], events: list[TimelineEvent]) -> list[Alert]:
        """One alert per utterance (re-transcribed or grown, it is recognised by its time span): a threat
        wins over aggression after a boundary, and an utterance alerted as aggression that turns out a
        threat is alerted again."""
        by_id = {u.id: u for u in utterances}
        alerts = []
        for e in sorted(
            (e for e in events if e.kind in ALERT_KINDS), key=lambda e: (e.time, ALERT_KINDS.index(e.kind))
        ):
            u = by_id.get(e.utterance_id)
            if u is None:
                continue
            if any(kind in ("threat", e.kind) and a < u.end and u.start < b for kind, a, b in self._alerted):
                continue
            self._alerted.append((e.kind, u.start, u.end))
            alerts.append(
                Alert(
                    call_id=self.call_id,
                    kind=e.kind,
                    time=e.time,
                    level=e.level,
                    quote=mask(e.quote),
                    note=e.note,
                    agent_id=self.metadata.get("agent_id"),
                    team=self.metadata.get("team"),
                    sent_at=datetime.now(UTC).isoformat(timespec="seconds"),
                )
            )
        return alerts
