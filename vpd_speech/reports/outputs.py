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

from pydantic import ValidationError

from vpd_speech.labels import CALLER_LABELS
from vpd_speech.schema import CallResult

CALLS_DIR = "calls"
UNREADABLE_DOCUMENT = "unreadable call document"
CALL_COLUMNS = [
    "call_id", "file", "status", "error", "duration_s", "channels", "n_utterances", "max_level", "max_label",
    "first_level3_s", "first_level4_s", "advice", "advice_reason", "boundary_set", "ended_by_agent",
]  # fmt: skip


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_NEW_FILE_MODE = 0o666 & ~_umask()  # what open() would give a new file (read once: setting umask is process-wide)


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write to a temporary file beside `path` and rename it over, so readers never see half a file. The file
    gets the mode open() would give it (an existing file's own), not mkstemp's 0600: a reviewer's account or
    the web server must be able to read what a batch wrote."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, path.stat().st_mode & 0o7777 if path.exists() else _NEW_FILE_MODE)
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
    """Write the call document; a result that would not read back is written as its error record instead."""
    path = call_path(out_dir, result.call_id)
    write_atomic(path, readable_result(result).model_dump_json(indent=1))
    return path


def readable_result(result: CallResult) -> CallResult:
    """The result, or its error record when its JSON would not read back (a NaN that JSON writes as null):
    a document that fails to load must never reach the out folder."""
    try:
        CallResult.model_validate_json(result.model_dump_json())
        return result
    except ValueError as e:
        message = f"internal error: the result does not read back after writing ({load_error(e)}); not scored"
        return CallResult(
            call_id=result.call_id, file=result.file, status="error", error=message, metadata=result.metadata
        )


def read_call(path: Path) -> CallResult:
    return CallResult.model_validate_json(path.read_bytes())


def read_calls(out_dir: Path) -> list[CallResult]:
    """Every call document in the out folder; one that does not load comes back as an error record."""
    return [read_call_or_error(p) for p in sorted((out_dir / CALLS_DIR).glob("*.json"))]


def read_call_or_error(path: Path) -> CallResult:
    """The call in a document, or an error record naming the document when it does not load or validate
    (damaged, or written by a broken version): it becomes an error row in calls.csv, never a crash."""
    try:
        return read_call(path)
    except (OSError, ValueError) as e:
        reason = load_error(e)
        document = f"{CALLS_DIR}/{path.name}"
        error = f"{UNREADABLE_DOCUMENT} {document}: {reason}; score the audio again or delete the document"
        return CallResult(call_id=path.stem, file=document, status="error", error=error)


def load_error(e: Exception) -> str:
    """One line on why a call document does not load: the first failing field and its message."""
    if isinstance(e, ValidationError) and e.errors():
        first = e.errors()[0]
        where = ".".join(map(str, first["loc"]))
        more = f" (and {e.error_count() - 1} more)" if e.error_count() > 1 else ""
        return f"{where + ': ' if where else ''}{first['msg']}{more}"
    return str(e).splitlines()[0] if str(e) else type(e).__name__


def is_unreadable_document(result: CallResult) -> bool:
    """An error record that stands for a call document that does not load (`read_call_or_error`)."""
    return result.status == "error" and (result.error or "").startswith(UNREADABLE_DOCUMENT)


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


UTTERANCE_COLUMNS = [
    "call_id", "utterance_id", "speaker", "role", "channel", "start_s", "end_s", "text", "label", "level",
    "counted_level", "probability", "probabilities", "evidence", "evidence_kinds", "no_speech_prob", "avg_logprob",
]  # fmt: skip


def utterance_rows(r: CallResult) -> list[dict]:
    """One row per utterance (UTTERANCE_COLUMNS): the rows of utterances.parquet, and of the store's
    utterances table, which keeps the columns it has. The one place utterance rows are built."""
    t = r.timeline
    counted = {p.utterance_id: p.counted_level for p in t.levels} if t else {}
    rows = []
    for u in r.utterances:
        c = u.classification
        rows.append(
            {
                "call_id": r.call_id,
                "utterance_id": u.id,
                "speaker": u.speaker,
                "role": u.role,
                "channel": u.channel,
                "start_s": u.start,
                "end_s": u.end,
                "text": u.text,
                "label": c.label if c else None,
                "level": c.level if c else None,
                "counted_level": counted.get(u.id),
                "probability": c.probabilities.get(c.label) if c else None,
                "probabilities": json.dumps(c.probabilities) if c else None,
                "evidence": json.dumps([e.model_dump() for e in c.evidence], ensure_ascii=False) if c else None,
                "evidence_kinds": (",".join(sorted({e.kind for e in c.evidence}))[:200] or None) if c else None,
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


def write_tables(out_dir: Path, parquet: bool = True) -> list[CallResult]:
    """Rebuild calls.csv (and utterances.parquet) from every call JSON in the out folder; the calls read."""
    import pandas as pd  # here, not at the top: its import (0.4 s) is then off a batch's start-up

    results = read_calls(out_dir)
    calls = pd.DataFrame([call_row(r) for r in results], columns=CALL_COLUMNS)
    calls = calls.astype({"max_level": "Int64", "channels": "Int64"})
    write_atomic(out_dir / "calls.csv", calls.to_csv(index=False))
    if parquet:
        utterances = pd.DataFrame([row for r in results for row in utterance_rows(r)], columns=UTTERANCE_COLUMNS)
        tmp = out_dir / ".utterances.parquet.tmp"
        utterances.to_parquet(tmp, index=False)
        os.replace(tmp, out_dir / "utterances.parquet")
    return results
