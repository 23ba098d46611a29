"""Live-call latency: stream synthesised calls at real-time speed and time each utterance's event.

    python -m eval.bench_stream [--scripts dreiging kritiek ...] [--max-calls 4] [--stagger 3] [--all] [--json FILE]

The latency of a scripted turn is the arrival of the first final utterance event of the same role that
overlaps the turn, minus the turn's true end (the truth of eval/synth.py); a turn without such an event is
missed. First one call, then 2, 3, ... calls at once (scripts in turn, each started `--stagger` seconds
after the previous), until p95 exceeds 3 s (or, with `--all`, up to `--max-calls`). Server and clients share this process and
one Pipeline, as `vpd stream serve` does. Targets (2 cores, whisper base int8): one call p50 <= 1.5 s and
p95 <= 3 s; the most concurrent calls with p95 <= 3 s.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from vpd_speech.config import load_config
from vpd_speech.pipeline import Pipeline
from vpd_speech.run.stream.client import StreamRun, stream_file
from vpd_speech.run.stream.server import OMP_WAIT_POLICY, BackgroundServer, StreamServer
from vpd_speech.training.synth import synthesize

SCRIPTS = Path(__file__).resolve().parent / "scripts"
DEFAULT_SCRIPTS = ["dreiging", "agressie_beeindigd", "kritiek", "emotie", "agressie_gecorrigeerd", "neutraal"]
P95_LIMIT_S = 3.0


def turn_latencies(truth: dict, run: StreamRun) -> list[float | None]:
    """Per scripted turn: seconds from its true end to its first final utterance event (None: missed)."""
    finals = [r for r in run.of_type("utterance") if r.event["final"]]
    out = []
    for turn in truth["turns"]:
        hit = next(
            (
                r
                for r in finals
                if r.event["role"] == turn["role"] and r.event["start"] < turn["end"] and turn["start"] < r.event["end"]
            ),
            None,
        )
        out.append(None if hit is None else round(hit.t - turn["end"], 3))
    return out


def run_calls(server_url: str, truths: list[dict], stagger_s: float) -> list[StreamRun]:
    """Stream the calls at real-time speed, each started `stagger_s` after the previous; wait for all."""
    runs: list[StreamRun | None] = [None] * len(truths)

    def one(i: int, truth: dict) -> None:
        time.sleep(i * stagger_s)
        runs[i] = stream_file(
            truth["paths"]["stereo"],
            server_url,
            call_id=f"bench{len(truths)}_{i}_{truth['call_id']}",
            agent_channel=truth["agent_channel"],
            speed=1.0,
        )

    threads = [threading.Thread(target=one, args=(i, t)) for i, t in enumerate(truths)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return runs


def summary(latencies: list[float | None]) -> dict:
    got = np.array([x for x in latencies if x is not None])
    return {
        "turns": len(latencies),
        "missed": sum(x is None for x in latencies),
        "p50_s": round(float(np.percentile(got, 50)), 2) if got.size else None,
        "p95_s": round(float(np.percentile(got, 95)), 2) if got.size else None,
        "max_s": round(float(got.max()), 2) if got.size else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scripts", nargs="+", default=DEFAULT_SCRIPTS)
    parser.add_argument("--max-calls", dest="max_calls", type=int, default=4)
    parser.add_argument("--stagger", type=float, default=3.0, help="seconds between the starts of concurrent calls")
    parser.add_argument("--all", action="store_true", help="go on to --max-calls after p95 exceeds 3 s")
    parser.add_argument("--config", type=Path)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    os.environ.setdefault("OMP_WAIT_POLICY", OMP_WAIT_POLICY)  # as `vpd stream serve` does, before torch loads

    work = Path(tempfile.mkdtemp(prefix="vpd-bench-stream-"))
    truths = [synthesize(SCRIPTS / f"{name}.toml", work / name) for name in args.scripts]
    config = load_config(args.config)
    server = StreamServer(config, work / "out", pipeline=Pipeline(config))
    background = BackgroundServer(server)
    try:
        run_calls(background.url, truths[:1], 0.0)  # warm-up: lazy imports and JIT, not measured
        report = []
        for n in range(1, args.max_calls + 1):
            chosen = [truths[i % len(truths)] for i in range(n)]
            t0 = time.perf_counter()
            runs = run_calls(background.url, chosen, args.stagger)
            latencies = [x for truth, run in zip(chosen, runs) for x in turn_latencies(truth, run)]
            row = {"calls": n, **summary(latencies), "wall_s": round(time.perf_counter() - t0, 1)}
            row["alerts"] = sum(len(r.of_type("alert")) for r in runs)
            row["finals_ok"] = sum(1 for r in runs if r.final and r.final["status"] == "ok")
            report.append(row)
            print(json.dumps(row), flush=True)
            if not args.all and (row["p95_s"] is None or row["p95_s"] > P95_LIMIT_S):
                break
    finally:
        background.close()
    sustained = max((r["calls"] for r in report if r["p95_s"] is not None and r["p95_s"] <= P95_LIMIT_S), default=0)
    one = report[0]
    print(
        f"\none call: p50 {one['p50_s']} s (target <= 1.5), p95 {one['p95_s']} s (target <= 3), "
        f"{one['missed']} of {one['turns']} turns missed; concurrent real-time calls with p95 <= 3 s: {sustained}"
    )
    if args.json:
        args.json.write_text(json.dumps({"runs": report, "sustained_calls": sustained}, indent=1) + "\n")


if __name__ == "__main__":
    main()
