"""Live-call latency: stream synthesised calls at real-time speed and time each utterance's event.

    python -m eval.bench_stream [--scripts dreiging kritiek ...] [--calls 1 2 4 8] [--modes batched alone]
                                [--windows 30 10] [--stagger 1.5] [--json FILE]

The latency of a scripted turn is the arrival of the first final utterance event of the same role that
overlaps the turn, minus the turn's true end (the truth of eval/synth.py); a turn without such an event is
missed. For each number of calls at once (scripts in turn, each started `--stagger` seconds after the
previous) each mode runs once, the modes alternating, so that they see the same load of a shared machine:
`batched` (`stream.batch_across_calls`: the pieces of all calls ready at once in one batched transcription)
and `alone` (each call's pieces transcribed on their own, as before); with `--windows`, each mode once per
encoder window (`stream.window_s`). Server and clients share this process
and one Pipeline, as `vpd stream serve` does. CPU is this process's CPU seconds over the run's wall time.

`differ`: final utterance events of a call that are not among those the same call gets streamed alone (as
fast as the server takes it, before the timed runs): how far a call's live result depends on the others.
Targets (2 cores, whisper base int8): 1 call p50 <= 1.0 s, p95 <= 1.5 s; 4 calls p50 <= 1.5 s, p95 <= 2.5 s;
no missed turns.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from vpd_speech.config import load_config
from vpd_speech.pipeline import Pipeline
from vpd_speech.run.stream.client import StreamRun, stream_file
from vpd_speech.run.stream.server import OMP_WAIT_POLICY, BackgroundServer, StreamServer, live_config
from vpd_speech.training.synth import synthesize

SCRIPTS = Path(__file__).resolve().parent / "scripts"
DEFAULT_SCRIPTS = ["dreiging", "agressie_beeindigd", "kritiek", "emotie", "agressie_gecorrigeerd", "neutraal"]
MODES = {"batched": True, "alone": False}  # mode -> stream.batch_across_calls


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


def finals(run: StreamRun) -> set[tuple]:
    """A call's final utterance events as comparable keys (role, times, text)."""
    return {
        (e["role"], round(e["start"], 2), round(e["end"], 2), e["text"])
        for e in (r.event for r in run.of_type("utterance"))
        if e["final"]
    }


def run_calls(
    server_url: str, truths: list[dict], stagger_s: float, tag: str = "", speed: float | None = 1.0
) -> list[StreamRun]:
    """Stream the calls (at real-time speed), each started `stagger_s` after the previous; wait for all."""
    runs: list[StreamRun | None] = [None] * len(truths)

    def one(i: int, truth: dict) -> None:
        time.sleep(i * stagger_s)
        runs[i] = stream_file(
            truth["paths"]["stereo"],
            server_url,
            call_id=f"bench{tag}{len(truths)}_{i}_{truth['call_id']}",
            agent_channel=truth["agent_channel"],
            speed=speed,
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


def cpu_s() -> float:
    """CPU seconds this process has used (all threads)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def timed_run(server: StreamServer, url: str, chosen: list[dict], stagger_s: float, alone: dict[str, set]) -> dict:
    """One run of `chosen` at real-time speed: latency figures, CPU, and how the finals compare to alone."""
    counted = ("vpd_stream_batches_total", "vpd_stream_batch_pieces_total", "vpd_stream_partials_dropped_total")
    before = {name: server.metrics.count(name) for name in counted}
    t0, c0 = time.perf_counter(), cpu_s()
    runs = run_calls(url, chosen, stagger_s, tag="rt")
    wall = time.perf_counter() - t0
    latencies = [x for truth, run in zip(chosen, runs) for x in turn_latencies(truth, run)]
    got = {name: server.metrics.count(name) - before[name] for name in counted}  # this run's counts
    batches = got["vpd_stream_batches_total"]
    return {
        **summary(latencies),
        "wall_s": round(wall, 1),
        "cpu_cores": round((cpu_s() - c0) / wall, 2),
        "finals": sum(len(finals(r)) for r in runs),
        "differ": sum(len(finals(r) - alone[t["call_id"]]) for t, r in zip(chosen, runs)),
        "partials_dropped": int(got["vpd_stream_partials_dropped_total"]),
        "mean_batch": round(got["vpd_stream_batch_pieces_total"] / batches, 2) if batches else None,
        "alerts": sum(len(r.of_type("alert")) for r in runs),
        "finals_ok": sum(1 for r in runs if r.final and r.final["status"] == "ok"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scripts", nargs="+", default=DEFAULT_SCRIPTS)
    parser.add_argument("--calls", nargs="+", type=int, default=[1, 2, 4, 8], help="numbers of calls at once")
    parser.add_argument("--modes", nargs="+", choices=list(MODES), default=list(MODES))
    parser.add_argument(
        "--windows", nargs="+", type=float, help="stream.window_s values to compare (default: the config's)"
    )
    parser.add_argument("--stagger", type=float, default=1.5, help="seconds between the starts of concurrent calls")
    parser.add_argument("--config", type=Path)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    os.environ.setdefault("OMP_WAIT_POLICY", OMP_WAIT_POLICY)  # as `vpd stream serve` does, before torch loads

    work = Path(tempfile.mkdtemp(prefix="vpd-bench-stream-"))
    truths = [synthesize(SCRIPTS / f"{name}.toml", work / name) for name in args.scripts]
    config = load_config(args.config)
    config.stream.max_calls = max(config.stream.max_calls, *args.calls)
    pipeline = Pipeline(live_config(config))
    windows = args.windows or [config.stream.window_s]
    servers = {}
    for mode in args.modes:
        for window_s in windows:
            stream = config.stream.model_copy(update={"batch_across_calls": MODES[mode], "window_s": window_s})
            server = StreamServer(
                config.model_copy(update={"stream": stream}), work / "out" / f"{mode}_{window_s:g}", pipeline=pipeline
            )
            servers[(mode, window_s)] = (server, BackgroundServer(server))
    report = []
    try:
        alone: dict[float, dict[str, set]] = {}
        for window_s in windows:  # each call alone, as fast as it goes: the reference finals (and the warm-up)
            mode = "alone" if "alone" in args.modes else args.modes[0]
            url = servers[(mode, window_s)][1].url
            alone[window_s] = {t["call_id"]: finals(run_calls(url, [t], 0.0, tag="ref", speed=None)[0]) for t in truths}
        for n in args.calls:
            chosen = [truths[i % len(truths)] for i in range(n)]
            for mode, window_s in list(servers) if n % 2 else reversed(servers):  # alternate which goes first
                server, background = servers[(mode, window_s)]
                row = {"calls": n, "mode": mode, "window_s": window_s}
                row.update(timed_run(server, background.url, chosen, args.stagger, alone[window_s]))
                report.append(row)
                print(json.dumps(row), flush=True)
    finally:
        for _, background in servers.values():
            background.close()
    if args.json:
        args.json.write_text(json.dumps({"runs": report, "stagger_s": args.stagger}, indent=1) + "\n")


if __name__ == "__main__":
    main()
