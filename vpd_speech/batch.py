"""Batch scoring of a set of audio files: resumable (keyed by content hash), one error record per broken
file, results written atomically as each call finishes."""

from __future__ import annotations

import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from vpd_speech.audio import file_sha256
from vpd_speech.config import PipelineConfig
from vpd_speech.outputs import CALLS_DIR, read_call, write_call, write_tables
from vpd_speech.pipeline import Pipeline, call_id_for
from vpd_speech.schema import CallResult

AUDIO_EXTENSIONS = {".wav", ".flac", ".mp3", ".ogg", ".oga", ".opus", ".m4a", ".aac", ".mp4", ".wma", ".au", ".aif", ".aiff"}


@dataclass
class BatchSummary:
    scored: list[CallResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[CallResult]:
        return [r for r in self.scored if r.status == "error"]


def list_audio(sources: list[Path]) -> list[Path]:
    """Audio files among the sources (files as given; folders searched recursively by extension)."""
    files: list[Path] = []
    for src in sources:
        if src.is_dir():
            files += sorted(p for p in src.rglob("*") if p.is_file() and p.suffix.lower() in AUDIO_EXTENSIONS)
        elif src.exists():
            files.append(src)
        else:
            raise FileNotFoundError(f"no such file or folder: {src}")
    return list(dict.fromkeys(files))


def already_scored(out_dir: Path, sha256: str) -> CallResult | None:
    """The successful result for the same content (under any file name), if there is one."""
    for done in (out_dir / CALLS_DIR).glob(f"*_{sha256[:10]}.json"):
        try:
            result = read_call(done)
        except ValueError:
            continue  # unreadable result: score again
        if result.status == "ok" and result.audio and result.audio.sha256 == sha256:
            return result
    return None


_worker_pipeline: Pipeline | None = None


def _init_worker(config: PipelineConfig) -> None:
    global _worker_pipeline
    _worker_pipeline = Pipeline(config)


def _score_in_worker(path: Path, metadata: dict, sha256: str) -> CallResult:
    return _score_safely(_worker_pipeline, path, metadata, sha256)


def _score_safely(pipeline: Pipeline, path: Path, metadata: dict, sha256: str) -> CallResult:
    """Score one call; an unexpected failure becomes this call's error record instead of ending the batch."""
    try:
        return pipeline.score(path, metadata, sha256=sha256)
    except Exception as e:  # noqa: BLE001 - one broken call must not stop the batch
        return CallResult(call_id=call_id_for(path, sha256), file=path.name, status="error", error=f"internal error: {type(e).__name__}: {e}")


def score_batch(
    files: list[Path],
    out_dir: Path,
    config: PipelineConfig,
    metadata: dict[str, dict] | None = None,
    workers: int = 1,
    force: bool = False,
    pipeline: Pipeline | None = None,
    progress: bool = True,
    store=None,
) -> BatchSummary:
    """Score the files that are not done yet; results go to out_dir (and into `store` when given)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    metadata = metadata or {}
    summary = BatchSummary()
    todo = []
    for path in files:
        sha256 = file_sha256(path)
        done = None if force else already_scored(out_dir, sha256)
        if done is not None:
            summary.skipped.append(path.name)
            if store is not None:  # a first run with --store also stores what was scored before
                store.write_call(done)
        else:
            todo.append((path, metadata.get(path.name, {}), sha256))
    bar = tqdm(total=len(todo), desc="scoring", unit="call", file=sys.stderr, disable=not progress or not todo)
    try:
        if workers <= 1 or len(todo) <= 1:
            pipeline = pipeline or (Pipeline(config) if todo else None)
            for path, meta, sha256 in todo:
                _finish(_score_safely(pipeline, path, meta, sha256), out_dir, summary, bar, store)
        else:
            with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(config,)) as pool:
                futures = [pool.submit(_score_in_worker, *job) for job in todo]
                for future in as_completed(futures):
                    _finish(future.result(), out_dir, summary, bar, store)
    finally:
        bar.close()
        write_tables(out_dir, parquet=config.output.parquet)
    return summary


def write_batch_reports(out_dir: Path, files: list[Path], summary: BatchSummary, embed_audio: bool = True, redact: bool = True) -> None:
    """Call pages for the calls scored in this run, the index over all calls, incident drafts for `melden`."""
    from vpd_speech.incident import write_incidents
    from vpd_speech.outputs import read_calls
    from vpd_speech.report import write_reports

    results = read_calls(out_dir)
    new = {r.call_id for r in summary.scored}
    audio = {p.name: p for p in files}
    write_reports(out_dir / "report", results, audio, embed_audio=embed_audio, redact=redact, only=new)
    write_incidents([r for r in results if r.call_id in new], out_dir / "incidents", redact=redact)


def _finish(result: CallResult, out_dir: Path, summary: BatchSummary, bar: tqdm, store) -> None:
    write_call(result, out_dir)
    if store is not None:
        store.write_call(result)
    summary.scored.append(result)
    bar.update(1)
