"""Call metadata from a sidecar file, and the keyed pseudonym of the caller's number.

The sidecar (`vpd score --metadata FILE`) is a CSV or JSON-lines file with one row per call:

    file, started_at (ISO 8601), caller_number, agent_id, team, agent_channel (left/right, empty for mono)

`file` is the path of the audio relative to the source folder given to `vpd score` ('2026-11-03/call.wav'
for calls/2026-11-03/call.wav when scoring calls/), so two `call.wav` in different folders each get their
own row. A bare file name ('call.wav') is still accepted where exactly one file of the run has that name
(older sidecars, flat folders); where several have it, scoring stops with an error that asks for the path.

Extra columns are kept as call metadata. The caller's number never leaves this module: it is normalised
to E.164 with `phonenumbers` (+31 / 0031 / 06..., spaces, dashes, "(0)"; Dutch unless it has a country
code) and replaced by an HMAC-SHA256 pseudonym under a secret key that is
kept outside the store (env `VPD_PSEUDONYM_KEY`, or a file given with `--key-file`). Without a key there
is no pseudonym and reading the sidecar stops with a clear error: there is no silent default key.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
import os
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import phonenumbers

from vpd_speech.reports.redact import parse_phone
from vpd_speech.run.sources import Source

KEY_ENV = "VPD_PSEUDONYM_KEY"
REQUIRED_COLUMNS = ("file", "started_at", "caller_number", "agent_id", "team", "agent_channel")
PSEUDONYM_PREFIX = "B-"  # "burger": a pseudonymous caller reference
PSEUDONYM_HEX = 16  # 64 bits of the HMAC: unique enough for any municipality, short enough to read


class MetadataError(ValueError):
    """A sidecar or key problem, reported to the user in one line."""


# --------------------------------------------------------------------------- pseudonym key


def load_key(key_file: Path | str | None = None, env: dict[str, str] | None = None) -> bytes:
    """The pseudonymisation secret: from `key_file` if given, else from env VPD_PSEUDONYM_KEY.

    A missing or empty key is an error: a default key would make every pseudonym guessable.
    """
    env = os.environ if env is None else env
    if key_file is not None:
        path = Path(key_file)
        if not path.is_file():
            raise MetadataError(f"pseudonym key file not found: {path}")
        key = path.read_bytes().strip()
        if not key:
            raise MetadataError(f"pseudonym key file is empty: {path}")
        return key
    value = env.get(KEY_ENV, "").strip()
    if not value:
        raise MetadataError(
            f"no pseudonym key: set {KEY_ENV} or pass --key-file FILE (a secret kept outside the store; "
            "caller numbers are stored only as a keyed pseudonym)"
        )
    return value.encode("utf-8")


# --------------------------------------------------------------------------- numbers


def normalise_number(number: str) -> str:
    """A phone number in one form, E.164 digits without '+': '06-12 34 56 78', '+31 6 12345678',
    '0031 (0)6 12345678', '31612345678' -> '31612345678'; '+32 470 12 34 56' -> '32470123456'.

    Numbers without a country code are Dutch (`redact.parse_phone`). What the library cannot take as a
    phone number (short numbers, too many digits) keeps its digits as written, so the same notation still
    gives the same pseudonym; anything without digits gives ''."""
    parsed = parse_phone(number or "")
    if parsed is None:
        return re.sub(r"\D", "", number or "")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164).lstrip("+")


def pseudonymise(number: str, key: bytes) -> str | None:
    """Keyed pseudonym of a caller number: same number (in any notation) and key -> same pseudonym.
    None for an empty or withheld number (no digits)."""
    norm = normalise_number(number)
    if not norm:
        return None
    digest = hmac.new(key, norm.encode("ascii"), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:PSEUDONYM_HEX]


# --------------------------------------------------------------------------- timestamps


def parse_started_at(value: str) -> datetime | None:
    """ISO 8601 -> naive UTC datetime (times without an offset are taken as UTC); '' -> None."""
    v = (value or "").strip()
    if not v:
        return None
    if v.endswith("Z"):
        v = v[:-1] + "+00:00"
    try:
        dt = datetime.fromisoformat(v)
    except ValueError as e:
        raise MetadataError(f"started_at is not ISO 8601: {value!r}") from e
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    return dt


# --------------------------------------------------------------------------- sidecar


def _rows(path: Path) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8-sig")
    first = next((line for line in text.splitlines() if line.strip()), "")
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json") or first.lstrip().startswith("{"):
        rows = []
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                raise MetadataError(f"{path}:{n}: not a JSON object: {e.msg}") from e
            if not isinstance(obj, dict):
                raise MetadataError(f"{path}:{n}: not a JSON object")
            rows.append({str(k): "" if v is None else str(v) for k, v in obj.items()})
        return rows
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise MetadataError(f"{path}: missing columns: {', '.join(missing)} (needs {', '.join(REQUIRED_COLUMNS)})")
    return [{k: (v or "").strip() for k, v in row.items() if k is not None} for row in reader]


def read_sidecar(path: Path | str, key: bytes) -> dict[str, dict[str, str]]:
    """Read a metadata sidecar: file (path relative to the source folder, '/'-separated, as written) ->
    metadata for `Pipeline.score(path, metadata)` and the store; `match_files` pairs it with the audio.

    The caller number is replaced by `caller_ref` (the pseudonym); `started_at` is checked and normalised to
    ISO 8601 UTC; `agent_channel` must be left, right or empty. The key is needed as soon as any row has a
    number, so pass `load_key(...)`.
    """
    path = Path(path)
    if not path.is_file():
        raise MetadataError(f"metadata file not found: {path}")
    out: dict[str, dict[str, str]] = {}
    for n, row in enumerate(_rows(path), 1):
        name = sidecar_key(row.get("file") or "")
        if not name:
            raise MetadataError(f"{path}: row {n} has no file name")
        if name in out:
            raise MetadataError(f"{path}: row {n}: {name!r} has a row already (one row per call)")
        meta = {k: v for k, v in row.items() if k not in ("file", "caller_number") and v not in (None, "")}
        started = parse_started_at(row.get("started_at", ""))
        if started is not None:
            meta["started_at"] = started.isoformat()
        channel = (row.get("agent_channel") or "").strip().lower()
        if channel not in ("", "left", "right"):
            raise MetadataError(f"{path}: row {n}: agent_channel must be left, right or empty, not {channel!r}")
        if channel:
            meta["agent_channel"] = channel
        else:
            meta.pop("agent_channel", None)
        ref = pseudonymise(row.get("caller_number", ""), key)
        if ref:
            meta["caller_ref"] = ref
        out[name] = meta
    return out


def sidecar_key(file: str) -> str:
    """The `file` column as a key: '/' separators, no './' ('.\\2026-11-03\\call.wav' -> '2026-11-03/call.wav')."""
    parts = [p for p in file.strip().replace("\\", "/").split("/") if p not in ("", ".")]
    return "/".join(parts)


def match_files(sidecar: Mapping[str, dict[str, str]], files: Mapping[Source, str]) -> dict[Source, dict[str, str]]:
    """Metadata per listed audio file (`files`: source -> path relative to its source folder, from
    `sources.relative_name`). A row matches by that relative path; a row with a bare file name matches
    the one file of the run with that name, and is an error when several share it: metadata (caller
    pseudonym, start time) must never be copied onto another call."""
    by_name: dict[str, list[str]] = {}
    for rel in files.values():
        by_name.setdefault(PurePosixPath(rel).name, []).append(rel)
    out: dict[Source, dict[str, str]] = {}
    for source, rel in files.items():
        name = PurePosixPath(rel).name
        if rel in sidecar:
            out[source] = sidecar[rel]
        elif name in sidecar:
            if len(by_name[name]) > 1:
                shared = ", ".join(sorted(by_name[name]))
                raise MetadataError(
                    f"metadata row {name!r} fits {len(by_name[name])} files ({shared}): write the path relative "
                    f"to the source folder in the file column, e.g. {rel!r}"
                )
            out[source] = sidecar[name]
    return out


def load_sidecar(path: Path | str, key_file: Path | str | None = None) -> dict[str, dict[str, str]]:
    """`vpd score --metadata FILE [--key-file KEY]`: the key (file, else env VPD_PSEUDONYM_KEY) and the sidecar."""
    return read_sidecar(path, load_key(key_file))
