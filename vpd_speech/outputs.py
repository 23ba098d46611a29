"""Outputs: the per-call JSON (written atomically) and the batch tables calls.csv and utterances.parquet.

The tables are rebuilt from the per-call JSON files, so they always match what is on disk, also after an
interrupted or resumed run.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from vpd_speech.labels import CALLER_LABELS
from vpd_speech.schema import CallResult

CALLS_DIR = "calls"
CALL_COLUMNS = [
    "call_id", "file", "status", "error", "duration_s", "channels", "n_utterances", "max_level", "max_label",
    "first_level3_s", "first_level4_s", "advice", "advice_reason", "boundary_set", "ended_by_agent",
]  # fmt: skip


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write to a temporary file beside `path` and rename it over, so readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def call_path(out_dir: Path, call_id: str) -> Path:
    return out_dir / CALLS_DIR / f"{call_id}.json"


def write_call(result: CallResult, out_dir: Path) -> Path:
    path = call_path(out_dir, result.call_id)
    write_atomic(path, result.model_dump_json(indent=1))
    return path


def read_call(path: Path) -> CallResult:
    return CallResult.model_validate_json(path.read_bytes())


def read_calls(out_dir: Path) -> list[CallResult]:
    return [read_call(p) for p in sorted((out_dir / CALLS_DIR).glob("*.json"))]


def call_row(r: CallResult) -> dict:
    """One row of calls.csv; the columns are documented in the README and stay stable."""
    t = r.timeline
    callers = [u for u in r.utterances if u.role == "caller"]
    return {
        "call_id": r.call_id,
        "file": r.file,
        "status": r.status,
        "error": r.error or "",
        "duration_s": r.audio.duration_s if r.audio else None,
        "channels": r.audio.channels if r.audio else None,
        "n_utterances": len(r.utterances),
        "max_level": t.max_level if t else None,
        "max_label": (t.max_label if t else None) or (CALLER_LABELS[0] if callers else None),
        "first_level3_s": t.first_level_s.get(3) if t else None,
        "first_level4_s": t.first_level_s.get(4) if t else None,
        "advice": t.advice.advice if t and t.advice else None,
        "advice_reason": " ".join(t.advice.reasons) if t and t.advice else None,
        "boundary_set": t.boundary_set if t else None,
        "ended_by_agent": t.ended_by_agent if t else None,
    }


def utterance_rows(r: CallResult) -> list[dict]:
    rows = []
    for u in r.utterances:
        c = u.classification
        rows.append(
            {
                "call_id": r.call_id,
                "utterance_id": u.id,
                "speaker": u.speaker,
                "role": u.role,
                "start": u.start,
                "end": u.end,
                "text": u.text,
                "label": c.label if c else None,
                "level": c.level if c else None,
                "probability": c.probabilities.get(c.label) if c else None,
                "probabilities": json.dumps(c.probabilities) if c else None,
                "evidence": json.dumps([e.model_dump() for e in c.evidence], ensure_ascii=False) if c else None,
                "no_speech_prob": u.no_speech_prob,
                "avg_logprob": u.avg_logprob,
            }
        )
    return rows


def purge_out_folder(out_dir: Path, call_ids: Iterable[str]) -> int:
    """Delete everything the out folder holds about these calls (retention), then rebuild the tables."""
    n = 0
    for call_id in call_ids:
        for pattern in (f"{CALLS_DIR}/{call_id}.json", f"report/{call_id}.*", f"incidents/{call_id}.*"):
            for path in out_dir.glob(pattern):
                path.unlink()
                n += 1
    if n and (out_dir / CALLS_DIR).is_dir():
        write_tables(out_dir)
    return n


def write_tables(out_dir: Path, parquet: bool = True) -> pd.DataFrame:
    """Rebuild calls.csv (and utterances.parquet) from every call JSON in the out folder."""
    results = read_calls(out_dir)
    calls = pd.DataFrame([call_row(r) for r in results], columns=CALL_COLUMNS)
    calls = calls.astype({"max_level": "Int64", "channels": "Int64"})
    write_atomic(out_dir / "calls.csv", calls.to_csv(index=False))
    if parquet:
        utterances = pd.DataFrame([row for r in results for row in utterance_rows(r)])
        tmp = out_dir / ".utterances.parquet.tmp"
        utterances.to_parquet(tmp, index=False)
        os.replace(tmp, out_dir / "utterances.parquet")
    return calls
