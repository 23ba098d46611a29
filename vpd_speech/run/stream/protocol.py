"""The live-call protocol: JSON text messages and binary PCM frames over one WebSocket per call.

Client to server: a `Start` message, then binary frames of interleaved 16-bit little-endian PCM (any number
of whole sample frames each), then an `End` message. Server to client: `Ready`, then `UtteranceEvent`,
`LevelChange` and `Alert` as the call goes on, `ErrorEvent` when something is wrong, and `Final` once the
call is scored and stored.
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from vpd_speech.labels import Role

PROTOCOL_VERSION = 1
CALL_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$"  # it becomes a file name: no paths, no spaces


class ProtocolError(ValueError):
    """A message the server cannot accept; the text is what the client is told."""


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --------------------------------------------------------------------------- client -> server


class Start(_Message):
    """Opens a call. `agent_channel` maps a stereo call's channels (the other one is the caller)."""

    type: Literal["start"]
    call_id: str = Field(pattern=CALL_ID_PATTERN)
    sample_rate: Literal[8000, 16000]
    channels: Literal[1, 2]
    encoding: Literal["pcm_s16le"] = "pcm_s16le"
    agent_channel: Literal["left", "right"] | None = None  # None: pipeline setting, else the channel that greets
    metadata: dict[str, str] = Field(default_factory=dict)  # started_at, agent_id, team, caller_number, ...
    token: str | None = None  # the shared token, when the server requires one (or an Authorization header)

    @model_validator(mode="after")
    def _stereo_channel_map(self) -> Start:
        if self.agent_channel is not None and self.channels != 2:
            raise ValueError("agent_channel maps the channels of a stereo call; a mono call has none")
        return self


class End(_Message):
    """Closes a call normally: the server scores everything received and answers with `Final`."""

    type: Literal["end"]


def parse_client_message(text: str) -> Start | End:
    """A client text message as Start or End; anything else raises ProtocolError with a readable reason."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ProtocolError(f"not JSON: {e.msg} at character {e.pos}") from None
    if not isinstance(data, dict):
        raise ProtocolError("a message must be a JSON object with a 'type'")
    kind = data.get("type")
    model = {"start": Start, "end": End}.get(kind)
    if model is None:
        raise ProtocolError(f"unknown message type {kind!r}: send 'start', binary PCM frames, then 'end'")
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise ProtocolError(f"{kind}: " + "; ".join(_problem(err) for err in e.errors())) from None


def _problem(err: dict) -> str:
    where = ".".join(map(str, err["loc"])) or "message"
    if where == "sample_rate":
        return f"sample_rate {err.get('input')!r} is not supported: send 8000 or 16000 Hz (resample first)"
    if where == "channels":
        return f"channels {err.get('input')!r} is not supported: send 1 (mono) or 2 (stereo, one speaker each)"
    if where == "call_id" and err["type"] == "string_pattern_mismatch":
        return "call_id must be 1-100 letters, digits, '_', '.' or '-' (it names the result file)"
    return f"{where}: {err['msg']}"


# --------------------------------------------------------------------------- server -> client


class Ready(_Message):
    """The call is open; audio may follow."""

    type: Literal["ready"] = "ready"
    call_id: str
    protocol: int = PROTOCOL_VERSION


class UtteranceEvent(_Message):
    """A speaker turn as transcribed so far. `final` is false while the speaker is still talking (a long
    utterance is sent every few seconds): a later event of the same speaker that overlaps it replaces it."""

    type: Literal["utterance"] = "utterance"
    call_id: str
    speaker: str
    role: Role
    start: float
    end: float
    text: str
    final: bool
    label: str | None = None  # caller: norm-matrix label
    level: int | None = None  # caller: norm-matrix level of the label
    counted_level: int | None = None  # caller: the level the timeline counts (after its guards)
    act: str | None = None  # agent: werkinstructie act
    probability: float | None = None


class LevelChange(_Message):
    """The caller's current counted level changed (the level of the latest caller utterance)."""

    type: Literal["level_change"] = "level_change"
    call_id: str
    time: float
    level: int
    label: str
    previous: int
    max_level: int


class Alert(_Message):
    """Someone should know now: a threat (level 4), or aggression that went on after the agent addressed it.

    Also POSTed to the configured webhook and written to the alert log. The quote is masked (BSN, phone,
    e-mail, IBAN, address) like every export."""

    type: Literal["alert"] = "alert"
    call_id: str
    kind: Literal["threat", "repeated_after_correction"]
    time: float
    level: int | None
    quote: str
    note: str
    agent_id: str | None = None
    team: str | None = None
    sent_at: str  # ISO 8601 UTC


class ErrorEvent(_Message):
    """What went wrong. `fatal`: the call ends here (what was received is still scored and stored)."""

    type: Literal["error"] = "error"
    call_id: str | None = None
    message: str
    fatal: bool


class Final(_Message):
    """The call is scored like a batch call and stored; `path` is its JSON document."""

    type: Literal["final"] = "final"
    call_id: str
    status: Literal["ok", "error"]
    error: str | None = None
    path: str
    duration_s: float
    max_level: int | None = None
    max_label: str | None = None
    advice: str | None = None
    n_utterances: int = 0
    ended: Literal["end", "dropped", "error"]


ServerEvent = Ready | UtteranceEvent | LevelChange | Alert | ErrorEvent | Final
