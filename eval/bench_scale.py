"""Scale benchmark: the same synthesised calls with the local engine and with the Ray engine on this machine.

    python -m eval.bench_scale [--calls 20] [--actors 1 2] [--config FILE] [--gpus-per-actor G] [--dir DIR]

Reports, per engine: wall time, throughput (seconds of audio per wall second, i.e. x real time), and for Ray
the per-actor throughput (audio seconds per second an actor is busy scoring) and the overhead (wall time
not spent scoring: Ray start, actors starting and loading models, dispatch, writing). The expected speed of
a cluster is about (actors per node) x (per-actor throughput) x (nodes), less the fixed overhead.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from vpd_speech.config import load_config
from vpd_speech.reports.outputs import read_calls
from vpd_speech.run.batch import BatchSummary, score_batch


def render_calls(n: int, folder: Path) -> list[Path]:
    """n distinct stereo calls: the bundled scripts in turn, each round with other noise (so other content hashes)."""
    from eval.synth import bundled_scripts
    from vpd_speech.training.synth import synthesize

    scripts = bundled_scripts()
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(n):
        script, seed = scripts[i % len(scripts)], i // len(scripts)
        target = folder / f"{script.stem}_{seed}.wav"
        if not target.exists():
            with tempfile.TemporaryDirectory() as tmp:
                truth = synthesize(script, tmp, seed=seed)
                shutil.copy(truth["paths"]["stereo"], target)
        files.append(target)
    return files


def busy_s(summary: BatchSummary) -> float:
    """Seconds the pipeline spent on the calls (its own per-stage timings), wherever they ran."""
    return sum(sum(r.timings_s.values()) for r in summary.scored)


def same_results(a: Path, b: Path) -> bool:
    def key(out: Path) -> dict:
        return {r.call_id: r.model_dump(exclude={"timings_s"}) for r in read_calls(out)}

    return key(a) == key(b)


def row(engine: str, summary: BatchSummary, actors: int, extra: dict | None = None) -> dict:
    audio, busy = summary.audio_s, busy_s(summary)
    return {
        "engine": engine,
        "actors": actors,
        "calls": len(summary.scored),
        "failed": len(summary.failed),
        "audio_s": round(audio, 1),
        "wall_s": round(summary.wall_s, 1),
        "throughput_x": round(audio / summary.wall_s, 2),
        "per_actor_x": round(audio / busy, 2),
        "overhead_s": round(summary.wall_s - busy / actors, 1),
        **(extra or {}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--actors", type=int, nargs="+", default=[1, 2], help="Ray actor counts to try (default: 1 2)")
    parser.add_argument("--config", type=Path)
    parser.add_argument(
        "--gpus-per-actor", dest="gpus", type=float, default=0.0, help="for a GPU pipeline (asr.device = cuda)"
    )
    parser.add_argument("--dir", type=Path, help="work folder (default: a temporary one); calls are reused")
    args = parser.parse_args()
    import ray

    from vpd_speech.run.ray_engine import ActorShape, score_batch_ray

    work = args.dir or Path(tempfile.mkdtemp(prefix="vpd-bench-scale-"))
    files = render_calls(args.calls, work / "calls")
    config = load_config(args.config)
    cpus = os.cpu_count() or 1
    rows = []

    local = score_batch(files, _fresh(work / "out_local"), config, progress=False)
    rows.append(row("local", local, 1))

    t0 = time.perf_counter()
    ray.init(address="local", num_cpus=cpus, include_dashboard=False)
    ray_start_s = time.perf_counter() - t0
    try:
        for n in args.actors:
            out = _fresh(work / f"out_ray_{n}")
            shape = ActorShape(num_actors=n, cpus=cpus / n, gpus=args.gpus)
            summary = score_batch_ray(files, out, config, progress=False, shape=shape)
            extra = {"ray_start_s": round(ray_start_s, 1), "same_as_local": same_results(out, work / "out_local")}
            rows.append(row("ray", summary, n, extra))
    finally:
        ray.shutdown()

    print(json.dumps(rows, indent=1))
    print(
        f"\n{len(files)} calls, {rows[0]['audio_s']} s of audio, {cpus} CPUs, asr.cpu_threads={config.asr.cpu_threads}"
    )
    print(
        f"{'engine':<7}{'actors':>7}{'wall s':>9}{'x real time':>13}{'per actor x':>13}{'overhead s':>12}  same as local"
    )
    for r in rows:
        print(f"{r['engine']:<7}{r['actors']:>7}{r['wall_s']:>9}{r['throughput_x']:>13}{r['per_actor_x']:>13}"
              f"{r['overhead_s']:>12}  {r.get('same_as_local', '-')}")  # fmt: skip
    print("(ray wall time excludes starting Ray itself: ray_start_s; a cluster is started once for many batches)")


def _fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    return folder


if __name__ == "__main__":
    main()
