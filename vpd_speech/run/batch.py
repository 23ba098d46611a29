"""Batch scoring of a set of audio files: resumable (keyed by content hash), one error record per broken
file, results written atomically as each call finishes.

Planning (which calls still need scoring), scoring one call and finishing (JSON, store, summary) are shared
by every engine; an engine only dispatches the planned calls and yields their results as they finish. The
local engine is here; the Ray engine is `ray_engine.py`.
"""

from __future__ import annotations

import hashlib
import socket
import sys
import time
from collections.abc import Callable, Generator, Mapping
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from vpd_speech.config import PipelineConfig
from vpd_speech.models import ModelError
from vpd_speech.pipeline import Pipeline, call_id_for
from vpd_speech.reports.outputs import CALLS_DIR, read_call, readable_result, write_call, write_tables
from vpd_speech.run.sources import Source, local_copy, source_name, source_sha256, unreadable_reason
from vpd_speech.schema import CallResult

HASH_THREADS = 8  # hashing is I/O bound (shared or object storage): read several files at once


@dataclass(frozen=True)
class CallJob:
    """One call to score: where its audio is, the SHA-256 of its bytes and its sidecar metadata."""

    source: Source
    sha256: str
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return source_name(self.source)


Results = Generator[CallResult, None, None]
Dispatch = Callable[[list[CallJob]], Results]
"""An engine: scores the jobs (each with `score_job`) and yields each result as soon as it is done.
Closing the generator (the batch ends early: Ctrl-C, an error) stops the engine's workers."""


@dataclass
class BatchSummary:
    scored: list[CallResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    wall_s: float = 0.0
    sources: dict[str, Source] = field(default_factory=dict)  # call_id -> the audio it came from (for the pages)
    documents: list[CallResult] = field(default_factory=list)  # every call document in the out folder afterwards

    @property
    def failed(self) -> list[CallResult]:
        return [r for r in self.scored if r.status == "error"]

    @property
    def audio_s(self) -> float:
        """Seconds of audio in the calls scored successfully in this run."""
        return sum(r.audio.duration_s for r in self.scored if r.status == "ok" and r.audio is not None)

    def line(self) -> str:
        """One line for the end of a run: counts, audio hours, wall time and speed as a multiple of real time."""
        speed = f"{self.audio_s / self.wall_s:.1f}x real time" if self.wall_s > 0 and self.audio_s > 0 else "-"
        return (
            f"{len(self.scored) - len(self.failed)} calls scored, {len(self.skipped)} skipped (already scored), "
            f"{len(self.failed)} failed; {self.audio_s / 3600:.2f} h of audio in {self.wall_s:.1f} s wall time: {speed}"
        )


def already_scored(out_dir: Path, sha256: str, index: dict[str, list[Path]] | None = None) -> CallResult | None:
    """The successful result for the same content (under any file name), if there is one.

    `index` (from `scored_index`) saves a folder search per call in large batches."""
    prefix = sha256[:10]
    candidates = index.get(prefix, []) if index is not None else (out_dir / CALLS_DIR).glob(f"*_{prefix}.json")
    for done in candidates:
        try:
            result = read_call(done)
        except (OSError, ValueError):
            continue  # unreadable result: score again
        if result.status == "ok" and result.audio and result.audio.sha256 == sha256:
            return result
    return None


def scored_index(out_dir: Path) -> dict[str, list[Path]]:
    """Call documents in the out folder by the hash prefix that ends their call_id (listed once per batch)."""
    index: dict[str, list[Path]] = {}
    for path in (out_dir / CALLS_DIR).glob("*.json"):
        index.setdefault(path.stem.rpartition("_")[2], []).append(path)
    return index


@dataclass
class Plan:
    """What a batch has to do: calls to score, calls scored before (skipped), paths that cannot be read."""

    todo: list[CallJob] = field(default_factory=list)
    done: list[tuple[Source, CallResult]] = field(default_factory=list)
    unreadable: list[CallResult] = field(default_factory=list)


def plan_batch(
    files: list[Source], out_dir: Path, metadata: Mapping[Source, dict], force: bool, store=None
) -> Plan:
    """The calls still to score, those skipped because their content was scored before, and an error record
    for each listed path that cannot be read (broken link, folder named like audio, no permission).

    `metadata`: per listed source (`metadata.match_files`). A skipped call is written into `store` as well,
    so a first run with --store also stores earlier results."""
    index = scored_index(out_dir)
    with ThreadPoolExecutor(HASH_THREADS) as pool:
        hashes = list(pool.map(_content_hash, files))
    plan = Plan()
    for source, (sha256, problem) in zip(files, hashes):
        job = CallJob(source, sha256, metadata.get(source, {}))
        if problem is not None:
            plan.unreadable.append(error_result(job, problem))
            continue
        done = None if force else already_scored(out_dir, sha256, index)
        if done is not None:
            plan.done.append((source, done))
            if store is not None:
                store.write_call(done)
        else:
            plan.todo.append(job)
    return plan


def _content_hash(source: Source) -> tuple[str, str | None]:
    """(SHA-256 of the bytes, None); for a path that cannot be read, (a hash of the path, the reason), so its
    error record keeps one call_id from run to run."""
    problem = unreadable_reason(source)
    if problem is None:
        try:
            return source_sha256(source), None
        except Exception as e:  # noqa: BLE001 - one unreadable file must not stop the batch
            problem = f"cannot be read: {getattr(e, 'strerror', None) or f'{type(e).__name__}: {e}'}"
    where = source.absolute() if isinstance(source, Path) else source
    return hashlib.sha256(f"unreadable path {where}".encode()).hexdigest(), problem


def error_result(job: CallJob, message: str) -> CallResult:
    """The error record of a call that could not be scored; the batch goes on."""
    return CallResult(call_id=call_id_for(Path(job.name), job.sha256), file=job.name, status="error", error=message)


def score_job(pipeline: Pipeline, job: CallJob) -> CallResult:
    """Score one call; an unexpected failure becomes this call's error record instead of ending the batch."""
    try:
        with local_copy(job.source) as path:
            return pipeline.score(path, job.metadata, sha256=job.sha256)
    except FileNotFoundError as e:
        return error_result(job, f"audio not readable on {socket.gethostname()}: {e}")
    except ModelError:
        raise  # a model that does not load fails every call: the batch stops with that one message
    except Exception as e:  # noqa: BLE001 - one broken call must not stop the batch
        return error_result(job, f"internal error: {type(e).__name__}: {e}")


def run_batch(
    files: list[Source],
    out_dir: Path,
    config: PipelineConfig,
    dispatch: Dispatch,
    metadata: Mapping[Source, dict] | None = None,
    force: bool = False,
    progress: bool = True,
    store=None,
    reports: BatchReports | None = None,
) -> BatchSummary:
    """Plan, let `dispatch` score what is left, and write each result as it comes back (JSON, store, tables,
    and the pages when `reports` is given)."""
    start = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    plan = plan_batch(files, out_dir, metadata or {}, force, store)
    todo = plan.todo
    summary = BatchSummary(skipped=[source_name(src) for src, _ in plan.done])
    summary.sources = {r.call_id: src for src, r in plan.done}
    summary.sources |= {call_id_for(Path(job.name), job.sha256): job.source for job in todo}
    for result in plan.unreadable:
        _finish(result, out_dir, summary, store, reports)
    bar = tqdm(total=len(todo), desc="scoring", unit="call", file=sys.stderr, disable=not progress or not todo)
    audio_s = 0.0
    try:
        if todo:
            with closing(dispatch(todo)) as results:
                for result in results:
                    _finish(result, out_dir, summary, store, reports)
                    audio_s += result.audio.duration_s if result.status == "ok" and result.audio else 0.0
                    speed = audio_s / (time.perf_counter() - start)
                    bar.set_postfix_str(f"{audio_s / 3600:.2f} h audio, {speed:.1f}x real time")
                    bar.update(1)
    finally:
        bar.close()
        summary.documents = write_tables(out_dir, parquet=config.output.parquet)
        if reports is not None:
            reports.finish(summary.documents)
        summary.wall_s = time.perf_counter() - start
    return summary


def score_batch(
    files: list[Source],
    out_dir: Path,
    config: PipelineConfig,
    metadata: Mapping[Source, dict] | None = None,
    workers: int = 1,
    force: bool = False,
    pipeline: Pipeline | None = None,
    progress: bool = True,
    store=None,
    reports: BatchReports | None = None,
) -> BatchSummary:
    """Score the files that are not done yet on this machine; results go to out_dir (and into `store` and
    `reports` when given).

    `metadata`: sidecar metadata per listed source (`metadata.match_files`)."""

    def dispatch(jobs: list[CallJob]) -> Results:
        return _dispatch_local(jobs, config, workers, pipeline)

    return run_batch(files, out_dir, config, dispatch, metadata=metadata, force=force, progress=progress, store=store,
                     reports=reports)


def _dispatch_local(jobs: list[CallJob], config: PipelineConfig, workers: int, pipeline: Pipeline | None) -> Results:
    """In this process, or in `workers` processes that each load the models once."""
    if workers <= 1 or len(jobs) <= 1:
        pipeline = pipeline or Pipeline(config)
        for job in jobs:
            yield score_job(pipeline, job)
        return
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(config,)) as pool:
        futures = [pool.submit(_score_in_worker, job) for job in jobs]
        for future in as_completed(futures):
            yield future.result()


_worker_pipeline: Pipeline | None = None


def _init_worker(config: PipelineConfig) -> None:
    global _worker_pipeline
    _worker_pipeline = Pipeline(config)


def _score_in_worker(job: CallJob) -> CallResult:
    return score_job(_worker_pipeline, job)


class BatchReports:
    """The people-facing files of a batch: each call's page and, for `melden`, its incident draft, written
    in a background thread as soon as the call is finished (the MP3 encoding of its audio overlaps the next
    call's transcription); the index over all calls in the out folder at the end.

    Each page gets the audio of its own call (by call_id: two `call.wav` in different folders are two
    calls); pages of calls read from a URL get no audio player (the audio is not on this machine)."""

    def __init__(self, out_dir: Path, embed_audio: bool = True, redact: bool = True):
        self.out_dir, self.embed_audio, self.redact = out_dir, embed_audio, redact
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="call-pages")
        self._pending: list = []

    def add(self, result: CallResult, source: Source | None) -> None:
        if result.status == "ok":
            audio = source if isinstance(source, Path) else None
            self._pending.append(self._pool.submit(self._write, result, audio))

    def _write(self, result: CallResult, audio: Path | None) -> None:
        from vpd_speech.reports.incident import write_incidents
        from vpd_speech.reports.pages import write_call_page

        write_call_page(self.out_dir / "report", result, audio, embed_audio=self.embed_audio, redact=self.redact)
        write_incidents([result], self.out_dir / "incidents", redact=self.redact)

    def finish(self, documents: list[CallResult]) -> None:
        """Wait for the pages still being written (an error in one is raised here), then write the index
        over `documents` (every call in the out folder)."""
        from vpd_speech.reports.pages import write_index

        self._pool.shutdown(wait=True)
        for future in self._pending:
            future.result()
        write_index(self.out_dir / "report", documents, redact=self.redact)


def _finish(result: CallResult, out_dir: Path, summary: BatchSummary, store, reports: BatchReports | None) -> None:
    """Write one finished call: its JSON (atomic, keyed by call_id, so a repeat replaces it), its store rows
    and its page."""
    result = readable_result(result)
    write_call(result, out_dir)
    if store is not None:
        store.write_call(result)
    if reports is not None:
        reports.add(result, summary.sources.get(result.call_id))
    summary.scored.append(result)

