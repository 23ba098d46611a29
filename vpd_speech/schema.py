"""The per-call result document: versioned pydantic models shared by all stages and outputs.

Bump SCHEMA_VERSION on any change a consumer could notice; the README documents each version.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from vpd_speech.labels import Role

SCHEMA_VERSION = "1.1"


class AudioInfo(BaseModel):
    """Facts about the input file, read before and during decoding."""

    file: str
    sha256: str
    bytes: int
    format: str | None = None
    codec: str | None = None
    sample_rate: int | None = None
    channels: int | None = None
    duration_s: float | None = None


class Word(BaseModel):
    start: float
    end: float
    text: str
    probability: float = 1.0


class Evidence(BaseModel):
    """A span of the utterance text that supports a label (character offsets into `text`)."""

    start: int
    end: int
    text: str
    kind: str  # e.g. "ik", "jullie", "jij", "u", "insult", "curse", "threat", "sexual", "doxxing", "self_harm"


class Classification(BaseModel):
    label: str
    level: int | None = None  # norm-matrix level for callers, None for agent acts
    probabilities: dict[str, float] = Field(default_factory=dict)
    evidence: list[Evidence] = Field(default_factory=list)
    source: str = ""  # which classifier produced it


class Utterance(BaseModel):
    """A speaker turn: words of one speaker without a long pause or a change of speaker."""

    id: int
    speaker: str
    role: Role
    channel: int | None = None
    start: float
    end: float
    text: str
    words: list[Word] = Field(default_factory=list)
    no_speech_prob: float = 0.0
    avg_logprob: float = 0.0
    classification: Classification | None = None


class TimelineEvent(BaseModel):
    """A moment in the call that matters for the norm matrix, with the words that show it."""

    kind: str  # first_emotion, first_criticism, norm_crossed, threat, possible_norm_crossed, possible_threat,
    # behaviour_named, boundary_set, caller_corrected, repeated_after_correction, ended_by_agent,
    # caller_hung_up, calm_restored
    time: float
    role: Role
    utterance_id: int | None = None
    quote: str = ""
    span: tuple[float, float] = (0.0, 0.0)  # audio span of the evidence, seconds
    level: int | None = None  # counted caller level at this event (None for agent events)
    probability: float | None = None  # classifier probability of the utterance's label
    arousal: float | None = None  # caller arousal of the utterance, supporting evidence only
    note: str = ""  # plain Dutch description for reports


class Advice(BaseModel):
    """Meldadvies of the norm matrix for one call, with its reasons in plain Dutch."""

    advice: Literal["melden", "niet_melden"]
    reasons: list[str] = Field(default_factory=list)
    events: list[int] = Field(default_factory=list)  # indexes into Timeline.events
    basis_level: int = 0  # the counted level the advice rests on
    pattern_can_raise: bool = False  # a pattern across calls can still turn it into "melden"


class LevelPoint(BaseModel):
    """One caller utterance's level: what the classifier said and what the timeline counts."""

    utterance_id: int
    start: float
    end: float
    label: str
    level: int  # level of the classifier's label
    probability: float  # probability of that label (1.0 when the classifier gave none)
    counted_level: int  # level after the guards; drives curve, events and advice
    guard: Literal["borderline", "low_confidence"] | None = None


class ArousalPoint(BaseModel):
    """Acoustic arousal of one CALLER utterance relative to the caller's own opening speech."""

    utterance_id: int
    start: float
    end: float
    loudness_db: float | None = None
    pitch_hz: float | None = None
    speech_rate_wps: float | None = None
    z_loudness: float | None = None
    z_pitch: float | None = None
    z_rate: float | None = None
    arousal: float = 0.0  # weighted mean of the available z-scores


class WerkinstructieStep(BaseModel):
    act: str
    done: bool = False
    time: float | None = None  # first time the agent showed this step
    utterance_id: int | None = None


class WerkinstructieCheck(BaseModel):
    """Which steps of the approach the agent's utterances show, as observations for intervisie."""

    approach: str  # OMBUIGEN, GRENS STELLEN, GRENS STELLEN EN EINDE GESPREK
    expected: list[str] = Field(default_factory=list)
    steps: list[WerkinstructieStep] = Field(default_factory=list)  # in expected order
    present: list[str] = Field(default_factory=list)  # in the order the agent showed them
    missing: list[str] = Field(default_factory=list)
    in_order: bool = True
    observations: list[str] = Field(default_factory=list)  # Dutch, observations not judgements


class Episode(BaseModel):
    """A stretch of escalation from the first raised level until calm is restored or the call ends."""

    index: int
    start: float
    end: float
    peak_level: int
    peak_label: str
    peak_time: float
    trigger_time: float  # when the level that sets the approach was first reached
    approach: str
    calm_restored_s: float | None = None
    werkinstructie: WerkinstructieCheck


class Timeline(BaseModel):
    max_level: int = 0
    max_label: str = "neutraal"
    first_level_s: dict[int, float] = Field(default_factory=dict)  # level -> first time reached
    curve: list[tuple[float, float]] = Field(default_factory=list)  # (time, escalation value)
    events: list[TimelineEvent] = Field(default_factory=list)
    advice: Advice | None = None
    levels: list[LevelPoint] = Field(default_factory=list)
    episodes: list[Episode] = Field(default_factory=list)
    boundary_set: bool = False
    ended_by_agent: bool = False
    caller_corrected: bool | None = None  # None: never addressed after crossing the norm
    arousal: list[ArousalPoint] = Field(default_factory=list)  # caller only
    arousal_curve: list[tuple[float, float]] = Field(default_factory=list)


class SpeakerInfo(BaseModel):
    method: Literal["stereo", "mono_clustering", "mono_single"]
    agent_channel: Literal["left", "right"] | None = None
    role_source: str = ""  # "config", "metadata", "greeting", "first_speaker", ...
    n_speakers: int = 2


class CallResult(BaseModel):
    schema_version: str = SCHEMA_VERSION
    call_id: str
    file: str
    status: Literal["ok", "error"] = "ok"
    error: str | None = None
    audio: AudioInfo | None = None
    metadata: dict[str, str] = Field(default_factory=dict)
    speakers: SpeakerInfo | None = None
    utterances: list[Utterance] = Field(default_factory=list)
    timeline: Timeline | None = None
    timings_s: dict[str, float] = Field(default_factory=dict)  # wall time per stage
    models: dict[str, str] = Field(default_factory=dict)
