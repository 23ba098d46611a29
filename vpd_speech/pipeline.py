"""The pipeline: composes the stages for one call. The CLI, the stream server and the distributed runner
all drive this class; none of them re-implements a stage."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from vpd_speech import __version__
from vpd_speech.asr.listen import transcribe_call
from vpd_speech.asr.speakers import CHANNEL_NAMES, Diarizer, SpeakerTurnText, guess_agent, opening_text
from vpd_speech.asr.transcribe import Segment, Transcriber
from vpd_speech.asr.utterances import SpokenWord, build_utterances
from vpd_speech.audio.decode import Audio, AudioError, decode, file_sha256
from vpd_speech.audio.prosody import caller_arousal
from vpd_speech.config import PipelineConfig
from vpd_speech.labels import Role
from vpd_speech.nlp.classify import Classifier, load_classifier, turns_before
from vpd_speech.schema import CallResult, Classification, SpeakerInfo, Utterance
from vpd_speech.timeline.build import build_timeline
from vpd_speech.timeline.options import TimelineOptions


def call_id_for(path: Path, sha256: str) -> str:
    """Readable and unique: the file stem plus the start of the content hash."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", path.stem)[:60] or "call"
    return f"{stem}_{sha256[:10]}"


class Pipeline:
    """Loads the models once; `score` turns one audio file into a CallResult (never raises on bad audio).

    The classifier loads in a background thread while the first call is decoded and transcribed (it is
    first needed after that): its loading (~3 s) is off the path to the first transcription."""

    def __init__(self, config: PipelineConfig, classifier: Classifier | None = None, transcriber: Transcriber | None = None):
        self.config = config
        if classifier is None:
            self._classifier = _in_background(
                lambda: load_classifier(config.classifier.kind, **config.classifier.options), "load-classifier"
            )
        else:
            self._classifier = Future()
            self._classifier.set_result(classifier)
        self.transcriber = transcriber or Transcriber(config.asr, config.vad)
        self.diarizer = Diarizer(config.speakers, config.vad)
        self.timeline_options = TimelineOptions(**config.timeline.options)
        self._classify_lock = threading.Lock()  # the stream server classifies from two threads

    @property
    def classifier(self) -> Classifier:
        """The classifier, once loaded; a loading error (ModelError) is raised here."""
        return self._classifier.result()

    def score(self, path: Path | str, metadata: dict[str, str] | None = None, sha256: str | None = None) -> CallResult:
        path = Path(path)
        sha256 = sha256 or file_sha256(path)
        return self.score_from(
            call_id_for(path, sha256), path.name, lambda: decode(path, self.config.audio, sha256=sha256), metadata
        )

    def score_from(
        self, call_id: str, file: str, load: Callable[[], Audio], metadata: dict[str, str] | None = None
    ) -> CallResult:
        """Score the audio that `load` decodes (a file, or the PCM a live stream received); an AudioError
        from `load` becomes the call's error record."""
        metadata = {k: v for k, v in (metadata or {}).items() if v not in (None, "")}
        result = CallResult(call_id=call_id, file=file, metadata=metadata)
        result.models = {"vpd_speech": __version__, "asr": self.transcriber.name}
        try:
            with _timed(result.timings_s, "decode"):
                audio = load()
        except AudioError as e:
            result.status, result.error = "error", str(e)
            return result
        result.audio = audio.info
        return self.score_audio(audio, result)

    def score_audio(self, audio: Audio, result: CallResult) -> CallResult:
        """Everything after decoding; separate so a stream can feed decoded audio directly."""
        timings = result.timings_s
        if audio.channels >= 2:
            utterances, result.speakers = self._stereo(audio, result.metadata.get("agent_channel"), timings)
        else:
            utterances, result.speakers = self._mono(audio, timings)
        result.models["classifier"] = self.classifier.name  # waits here if it is still loading
        with _timed(timings, "classify"):
            self.classify(utterances)
        with _timed(timings, "prosody"):
            callers = [u for u in utterances if u.role == "caller"]
            samples = audio.samples if audio.channels >= 2 else audio.samples[0]
            arousal = caller_arousal(samples, callers) if callers else []
        with _timed(timings, "timeline"):
            result.timeline = build_timeline(utterances, audio.duration_s, arousal, self.timeline_options)
        result.utterances = utterances
        return result

    def _stereo(self, audio: Audio, agent_channel: str | None, timings: dict) -> tuple[list[Utterance], SpeakerInfo]:
        with _timed(timings, "asr"):
            per_channel = transcribe_call(self.transcriber, audio.samples[:2], self.config.vad, self.config.asr)
        return self.stereo_utterances(per_channel, agent_channel, timings)

    def stereo_utterances(
        self, per_channel: list[list[Segment]], agent_channel: str | None, timings: dict | None = None
    ) -> tuple[list[Utterance], SpeakerInfo]:
        """Roles and utterances from each channel's segments (the stream calls this on the words so far)."""
        timings = {} if timings is None else timings
        with _timed(timings, "speakers"):
            if agent_channel in CHANNEL_NAMES:
                source = "metadata"
            elif self.config.speakers.agent_channel in CHANNEL_NAMES:
                agent_channel, source = self.config.speakers.agent_channel, "config"
            else:
                openings = [
                    SpeakerTurnText(name, segs[0].start, opening_text(segs))
                    for name, segs in zip(CHANNEL_NAMES, per_channel)
                    if segs
                ]
                agent_channel, source = guess_agent(openings, self.config.speakers.greeting_patterns)
                agent_channel = agent_channel or "left"
        words = []
        for ch, segments in enumerate(per_channel):
            role: Role = "agent" if CHANNEL_NAMES[ch] == agent_channel else "caller"
            words += _spoken(segments, lambda si, wi: CHANNEL_NAMES[ch], role, ch)
        with _timed(timings, "utterances"):
            utterances = build_utterances(words, self.config.utterances)
        return utterances, SpeakerInfo(method="stereo", agent_channel=agent_channel, role_source=source, n_speakers=2)

    def _mono(self, audio: Audio, timings: dict) -> tuple[list[Utterance], SpeakerInfo]:
        samples = audio.samples[0]
        with _timed(timings, "asr"):
            segments = transcribe_call(self.transcriber, audio.samples[:1], self.config.vad, self.config.asr)[0]
        return self.mono_utterances(samples, segments, timings)

    def mono_utterances(
        self, samples: np.ndarray, segments: list[Segment], timings: dict | None = None
    ) -> tuple[list[Utterance], SpeakerInfo]:
        """Speakers (by voice), roles and utterances of one mono channel and its segments."""
        timings = {} if timings is None else timings
        with _timed(timings, "speakers"):
            labels = self.diarizer.assign(samples, segments)
            speakers = sorted({label for seg in labels for label in seg})
            names = {s: f"S{s}" for s in speakers}
            openings = []
            for s in speakers:
                own = [
                    Segment(seg.words[wi].start, seg.words[wi].end, seg.words[wi].text)
                    for si, seg in enumerate(segments)
                    for wi in range(len(seg.words))
                    if labels[si][wi] == s
                ]
                if own:
                    openings.append(SpeakerTurnText(names[s], own[0].start, opening_text(own)))
            agent, source = guess_agent(openings, self.config.speakers.greeting_patterns)
        words = _spoken(segments, lambda si, wi: names[labels[si][wi]], None, None, agent=agent)
        with _timed(timings, "utterances"):
            utterances = build_utterances(words, self.config.utterances)
        method = "mono_clustering" if len(speakers) > 1 else "mono_single"
        return utterances, SpeakerInfo(method=method, role_source=source, n_speakers=len(speakers))

    def classify(self, utterances: list[Utterance], cache: dict[tuple[str, str, str], Classification] | None = None) -> None:
        """Classify in place, one batch per role, agent first: a caller's utterance is read with the agent's
        turn before it (`turns_before`). `cache` ((role, turn before, text) -> result) spares texts seen before."""
        cache = {} if cache is None else cache
        before = turns_before(utterances)
        for role in ("agent", "caller"):
            keys = [(role, c, u.text) for u, c in zip(utterances, before) if u.role == role]
            todo = [k for k in dict.fromkeys(keys) if k not in cache]
            if todo:
                with self._classify_lock:
                    found = self.classifier.classify([k[2] for k in todo], role, [k[1] for k in todo])
                cache.update(zip(todo, found))
            for u, c in zip(utterances, before):
                if u.role == role:
                    u.classification = cache[(role, c, u.text)].model_copy(deep=True)


def _spoken(segments: list[Segment], speaker_of, role: Role | None, channel: int | None, agent: str = "") -> list[SpokenWord]:
    out = []
    for si, seg in enumerate(segments):
        for wi, w in enumerate(seg.words):
            speaker = speaker_of(si, wi)
            out.append(
                SpokenWord(
                    word=w,
                    speaker=speaker,
                    role=role or ("agent" if speaker == agent else "caller"),
                    channel=channel,
                    no_speech_prob=seg.no_speech_prob,
                    avg_logprob=seg.avg_logprob,
                )
            )
    return out


def _in_background(load: Callable[[], Classifier], name: str) -> Future:
    """`load()` in a thread; its result (or exception) in the future. Not a daemon thread: a process that
    ends (Ctrl-C) while torch is still being imported waits for it, instead of aborting in C++ teardown."""
    future: Future = Future()

    def run():
        try:
            future.set_result(load())
        except BaseException as e:  # noqa: BLE001 - handed to whoever waits for the result
            future.set_exception(e)

    threading.Thread(target=run, name=name).start()
    return future


@contextmanager
def _timed(timings: dict[str, float], stage: str):
    t0 = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = round(timings.get(stage, 0.0) + time.perf_counter() - t0, 4)
