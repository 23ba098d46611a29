"""Pipeline configuration: one pydantic model per stage, read from a TOML pipeline file.

The package ships its pipeline files in vpd_speech/pipelines/ (`default`, `ray`); `--config` takes one of
those names or a path.

Unknown keys are errors, so a typo in a pipeline file is reported instead of silently ignored.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from vpd_speech.resources import shipped

PIPELINES_DIR = shipped("vpd_speech", "pipelines")
DEFAULT_PIPELINE = PIPELINES_DIR / "default.toml"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AudioConfig(_Section):
    min_duration_s: float = 0.5
    max_duration_s: float = 7200.0
    silence_dbfs: float = -55.0  # a file whose loudest 100 ms stays below this is "all silence"


class VadConfig(_Section):
    """Silero VAD settings passed to faster-whisper; tuned for 8 kHz telephone band."""

    threshold: float = 0.35
    neg_threshold: float | None = None
    min_speech_duration_ms: int = 150
    min_silence_duration_ms: int = 500
    speech_pad_ms: int = 300
    max_speech_duration_s: float = 30.0


class AsrConfig(_Section):
    model: str = "whisper-base"  # name in the model cache, a folder path, or a hub name
    language: str = "nl"
    device: str = "cpu"
    compute_type: str = "int8"
    cpu_threads: int = 2
    workers: int = Field(1, ge=1)  # recogniser calls that run at once (CTranslate2 workers, one copy of the weights)
    beam_size: int = 1
    batch_size: int = 8  # > 1 uses faster-whisper's BatchedInferencePipeline
    initial_prompt: str | None = None
    hotwords: str | None = None
    condition_on_previous_text: bool = False
    # how a call is heard (vpd_speech/asr/listen.py, vpd_speech/asr/windows.py; measured in eval/eval_asr.py)
    stereo: Literal["channels", "mix", "glued"] = "channels"
    mono: Literal["glued", "paused"] = "glued"
    max_pause_s: float = Field(1.5, gt=0, lt=10)  # longer silences are shortened to this in a window
    overlap_min_s: float = Field(0.5, gt=0)  # both channels talking this long: each turn is also heard alone


class SpeakersConfig(_Section):
    agent_channel: Literal["left", "right", "auto"] | None = "auto"
    n_speakers: int = 2
    greeting_patterns: list[str] = Field(
        default_factory=lambda: [r"u spreekt met", r"\bgemeente\b", r"waarmee kan ik u helpen", r"wat kan ik voor u doen"]
    )
    window_s: float = 1.5  # speaker-embedding window for mono calls
    hop_s: float = 0.75


class UtterancesConfig(_Section):
    max_gap_s: float = 1.0  # a pause longer than this starts a new utterance of the same speaker
    max_duration_s: float = 30.0


class ClassifierConfig(_Section):
    kind: Literal["norm_matrix", "markers"] = "norm_matrix"  # the trained classifier; "markers": the rules alone
    options: dict[str, Any] = Field(default_factory=dict)  # keyword arguments of the kind's class

    @model_validator(mode="after")
    def _known_options(self) -> ClassifierConfig:
        from vpd_speech.nlp.classify import classifier_options

        _check_options(self.options, classifier_options(self.kind))
        return self


class TimelineConfig(_Section):
    options: dict[str, Any] = Field(default_factory=dict)  # fields of timeline TimelineOptions

    @model_validator(mode="after")
    def _known_options(self) -> TimelineConfig:
        import dataclasses

        from vpd_speech.timeline.options import TimelineOptions

        _check_options(self.options, [f.name for f in dataclasses.fields(TimelineOptions)])
        return self


def _check_options(options: dict[str, Any], accepted: list[str]) -> None:
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        raise ValueError(f"unknown option {', '.join(unknown)} (accepted: {', '.join(accepted)})")


class OutputConfig(_Section):
    parquet: bool = True


class StreamConfig(_Section):
    """Live calls (`vpd stream serve`): how often speech is checked, limits, and where alerts go."""

    step_s: float = Field(0.2, gt=0)  # new audio between two VAD checks of a call, seconds
    end_silence_ms: int = Field(300, gt=0)  # silence that ends an utterance live ([vad] has 500 ms for batch)
    partial_interval_s: float = Field(5.0, gt=0)  # a long utterance is transcribed at least this often
    context_s: float = Field(4.0, ge=0)  # audio before an utterance that the recogniser reads with it
    window_s: float = Field(10.0, gt=0, le=30)  # Whisper's encoder window for a live piece: the shortest multiple
    # of this that holds the piece's speech (30: Whisper's own window)
    queue_frames: int = Field(256, gt=0)  # PCM frames a call may have waiting; when full the sender is slowed
    max_calls: int = Field(8, gt=0)  # calls at once; more are refused with an error
    batch_across_calls: bool = True  # one batched transcription for the pieces of all calls ready at once
    partial_max_behind_s: float = Field(1.0, gt=0)  # a call lagging more audio than this gets no partials
    webhook_url: str | None = Field(None, pattern=r"^https?://")  # alerts are POSTed here as JSON
    webhook_timeout_s: float = Field(5.0, gt=0)
    webhook_retries: int = Field(4, ge=0)  # retries after a failed POST, waiting 1, 2, 4, ... s
    alert_log: str | None = None  # alerts are appended to this file as JSON lines


class PipelineConfig(_Section):
    audio: AudioConfig = Field(default_factory=AudioConfig)
    vad: VadConfig = Field(default_factory=VadConfig)
    asr: AsrConfig = Field(default_factory=AsrConfig)
    speakers: SpeakersConfig = Field(default_factory=SpeakersConfig)
    utterances: UtterancesConfig = Field(default_factory=UtterancesConfig)
    classifier: ClassifierConfig = Field(default_factory=ClassifierConfig)
    timeline: TimelineConfig = Field(default_factory=TimelineConfig)
    output: OutputConfig = Field(default_factory=OutputConfig)
    stream: StreamConfig = Field(default_factory=StreamConfig)


class ConfigError(ValueError):
    pass


def pipeline_path(name: Path | str | None) -> Path:
    """The pipeline file for `name`: an existing path, else a shipped pipeline of that name ("ray", "ray.toml")."""
    if not name:
        return DEFAULT_PIPELINE
    path = Path(name)
    shipped_file = PIPELINES_DIR / (path.name if path.suffix == ".toml" else f"{path.name}.toml")
    if not path.exists() and path.parent == Path(".") and shipped_file.exists():
        return shipped_file
    return path


def load_config(path: Path | str | None = None, overrides: dict[str, Any] | None = None) -> PipelineConfig:
    """Read a pipeline file (a path, or the name of a shipped one; default: `default`) and apply dotted overrides
    like {"asr.beam_size": 1}."""
    path = pipeline_path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        shipped_names = ", ".join(sorted(p.stem for p in PIPELINES_DIR.glob("*.toml")))
        raise ConfigError(f"pipeline file not found: {path} (shipped pipelines: {shipped_names})") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from None
    data.pop("description", None)
    for key, value in (overrides or {}).items():
        section, _, name = key.partition(".")
        data.setdefault(section, {})[name] = value
    try:
        return PipelineConfig.model_validate(data)
    except ValidationError as e:
        problems = "; ".join(f"{'.'.join(map(str, err['loc']))}: {err['msg']}" for err in e.errors())
        raise ConfigError(f"{path}: {problems}") from None
