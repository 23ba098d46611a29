"""The Ray engine: scores a batch on a Ray cluster with the same planning, scoring and writing as the local engine.

Each actor builds the pipeline once and keeps it; the driver sends each actor one call at a time and writes
every result (JSON, store) as it comes back, so only the driver touches the out folder and the store. An
actor that dies is restarted by Ray (models loaded again) and its call is retried; a call that kills its
actor on every try becomes an error record, like a broken file.

Ray is optional (`pip install vpd-speech[ray]`) and imported only when this engine runs.
"""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from vpd_speech.config import ConfigError, PipelineConfig
from vpd_speech.pipeline import Pipeline
from vpd_speech.run.batch import BatchReports, BatchSummary, CallJob, Results, error_result, run_batch, score_job
from vpd_speech.run.sources import Source
from vpd_speech.schema import CallResult

TASK_RETRIES = 2  # a call whose actor dies is tried this many more times before it becomes an error record
FORWARDED_ENV = ("VPD_MODEL_CACHE", "HF_HOME")  # where the models are: shared storage, or set up on every node


class RayEngineError(ValueError):
    """The Ray engine cannot run (Ray missing, cluster unreachable or too small, no actor starts); one line."""


@dataclass(frozen=True)
class ActorShape:
    """How many actors, and the resources Ray reserves for each."""

    num_actors: int | None = None  # None: as many as the cluster's CPUs (or GPUs) allow
    cpus: float | None = None  # None: asr.cpu_threads
    gpus: float = 0.0


class CallScorer:
    """A Ray actor's state: the pipeline, built once when the actor starts (and again after a restart)."""

    def __init__(self, config: PipelineConfig):
        self.pipeline = Pipeline(config)

    def ready(self) -> None:
        """Answers once the actor has loaded its models."""

    def score(self, job: CallJob) -> CallResult:
        return score_job(self.pipeline, job)


def import_ray():
    """The ray module, or a one-line instruction to install it."""
    try:
        import ray
    except ImportError:
        raise RayEngineError("the Ray engine needs Ray: pip install 'vpd-speech[ray]'") from None
    return ray


def score_batch_ray(
    files: list[Source],
    out_dir: Path,
    config: PipelineConfig,
    metadata: Mapping[Source, dict] | None = None,
    force: bool = False,
    progress: bool = True,
    store=None,
    address: str | None = None,
    shape: ActorShape = ActorShape(),
    reports: BatchReports | None = None,
) -> BatchSummary:
    """Score the files that are not done yet on a Ray cluster; same out folder and store as `score_batch`.

    `address`: None starts a local Ray (or joins the one `ray start` runs here), "auto" joins the running
    cluster, "ray://head:10001" connects through Ray Client. When Ray is already initialised it is used as is.
    """
    check_devices(config, shape)
    ray = import_ray()

    def dispatch(jobs: list[CallJob]) -> Results:
        with _connected(ray, address):
            yield from _dispatch(ray, jobs, config, shape, progress)

    return run_batch(files, out_dir, config, dispatch, metadata=metadata, force=force, progress=progress, store=store,
                     reports=reports)


def check_devices(config: PipelineConfig, shape: ActorShape) -> None:
    """GPUs for the actors and the ASR device must agree: a GPU nobody uses, or CUDA without a GPU, is a mistake."""
    if shape.gpus > 0 and config.asr.device == "cpu":
        raise ConfigError(
            '--gpus-per-actor needs asr.device = "cuda" in the pipeline file (e.g. --config ray)'
        )
    if shape.gpus <= 0 and config.asr.device == "cuda":
        raise ConfigError('asr.device = "cuda" needs GPUs for the actors: pass --gpus-per-actor (e.g. 0.5)')


@contextmanager
def _connected(ray, address: str | None) -> Iterator[None]:
    """Connect to (or start) Ray for the duration; leave a Ray that the caller initialised running."""
    if ray.is_initialized():
        yield
        return
    options = {"include_dashboard": False} if address is None else {"address": address}
    try:
        ray.init(**options)
    except (ConnectionError, RuntimeError) as e:
        raise RayEngineError(f"cannot connect to Ray at {address}: {e}") from None
    try:
        yield
    finally:
        ray.shutdown()


def _dispatch(ray, jobs: list[CallJob], config: PipelineConfig, shape: ActorShape, progress: bool) -> Results:
    actors = _start_actors(ray, config, shape, progress)
    try:
        yield from _one_call_per_actor(ray, actors, jobs)
    finally:
        for actor in actors:
            ray.kill(actor)


def _start_actors(ray, config: PipelineConfig, shape: ActorShape, progress: bool) -> list:
    """Create the actors (they load the models in parallel); fail early if not even one fits the cluster."""
    cpus = shape.cpus if shape.cpus is not None else float(config.asr.cpu_threads)
    total = ray.cluster_resources()
    have_cpus, have_gpus = total.get("CPU", 0.0), total.get("GPU", 0.0)
    if cpus > have_cpus or shape.gpus > have_gpus:
        raise RayEngineError(
            f"one actor needs {cpus:g} CPU and {shape.gpus:g} GPU; the cluster has {have_cpus:g} CPU and {have_gpus:g} GPU"
            " (lower --cpus-per-actor, or add nodes)"
        )
    if shape.num_actors:
        n = shape.num_actors
    elif shape.gpus > 0:
        n = max(1, int(have_gpus / shape.gpus))
    else:
        n = max(1, int(have_cpus / cpus) if cpus > 0 else int(have_cpus))
    env = {k: os.environ[k] for k in FORWARDED_ENV if os.environ.get(k)}
    # Ray sets OMP_NUM_THREADS to an actor's CPUs (1 for --cpus-per-actor 1); CTranslate2 then runs on one
    # thread whatever asr.cpu_threads says, and its int8 results differ in the last digits (word times and
    # probabilities): the actor must compute like a local run.
    if config.asr.cpu_threads > 0:
        env["OMP_NUM_THREADS"] = str(config.asr.cpu_threads)
    remote = ray.remote(CallScorer).options(
        num_cpus=cpus,
        num_gpus=shape.gpus,
        max_restarts=-1,  # an actor is only its loaded models: always worth restarting
        max_task_retries=TASK_RETRIES,
        runtime_env={"env_vars": env},
    )
    if progress:
        nodes = sum(1 for node in ray.nodes() if node.get("Alive"))
        tqdm.write(f"ray: {n} actors ({cpus:g} CPU, {shape.gpus:g} GPU each) on {nodes} node(s) with "
                   f"{have_cpus:g} CPU, {have_gpus:g} GPU", file=sys.stderr)  # fmt: skip
    return [remote.remote(config) for _ in range(n)]


def _one_call_per_actor(ray, actors: list, jobs: list[CallJob]) -> Results:
    """Keep every started actor busy with one call; yield each result as soon as it arrives.

    Not `ray.util.ActorPool`: when a call's actor dies beyond its retries, ActorPool raises without telling
    which call it was, and that call must become an error record. Here each pending reference keeps its call.
    Actors the cluster has no room for yet simply get no call; the batch ends when every call is back.
    """
    queue = deque(jobs)
    pending = {actor.ready.remote(): (actor, None) for actor in actors}  # a started actor then takes a call
    start_errors: list[str] = []
    while queue or any(job is not None for _, job in pending.values()):
        if not pending:
            raise RayEngineError(f"no Ray actor could start ({len(start_errors)} tried): {start_errors[0]}")
        [ref], _ = ray.wait(list(pending), num_returns=1)
        actor, job = pending.pop(ref)
        try:
            value = ray.get(ref)
        except ray.exceptions.RayError as e:
            if job is None:  # the actor cannot start (e.g. no models on its node): it is dead for good
                start_errors.append(_last_line(e))
                tqdm.write(f"ray: an actor could not start: {start_errors[-1]}", file=sys.stderr)
                continue
            yield error_result(job, f"worker lost while scoring, {TASK_RETRIES + 1} tries: {_last_line(e)}")
            pending[actor.ready.remote()] = (actor, None)  # restarted by Ray: take it back once it is up again
            continue
        if job is not None:
            yield value
        if queue:
            job = queue.popleft()
            pending[actor.score.remote(job)] = (actor, job)


def _last_line(error: Exception) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[-1] if lines else type(error).__name__
