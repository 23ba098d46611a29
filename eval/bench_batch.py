"""A quality team's night run: `vpd score` on a folder of short stereo calls against plain batched
faster-whisper on the same files with the same recogniser settings, run alternating in fresh processes.

Per run: wall time, CPU time (user + system), start-up (process start to the first transcription) and peak
RSS (the kernel's accounting of the finished process, `os.wait4`). The ratios vpd / plain are taken pair by
pair, so they hold when the shared machine's speed drifts; CPU time drifts less than wall time there.

    python -m eval.bench_batch                 # the example calls (eval/scripts, synthesised once), 3 pairs
    python -m eval.bench_batch --runs 5 CALL.wav FOLDER ...
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
STEREO_SET = "examples"  # eval.eval_asr's set of the scripted example calls


def _first_transcription(out: Path):
    """Record (once) the wall-clock time of the first transcription into `out`."""

    def mark():
        if not out.exists():
            out.write_text(str(time.time()), encoding="utf-8")

    return mark


def child_vpd(files: list[str], mark) -> None:
    """`vpd score FILES --out TMP`, with the first transcription marked."""
    from vpd_speech import cli, pipeline

    original = pipeline.transcribe_call

    def transcribe_call(*args, **kwargs):
        mark()
        return original(*args, **kwargs)

    pipeline.transcribe_call = transcribe_call
    with tempfile.TemporaryDirectory() as out:
        code = cli.main(["score", *files, "--out", out, "--quiet"])
    if code != 0:
        raise SystemExit(f"vpd score exited with {code}")


def child_plain(files: list[str], mark) -> None:
    """Plain faster-whisper: each channel of each file through BatchedInferencePipeline with the pipeline's
    recogniser settings (model, language, beam, batch, VAD, word timestamps)."""
    from faster_whisper import BatchedInferencePipeline, WhisperModel, decode_audio

    from vpd_speech.audio.vad import vad_options
    from vpd_speech.config import load_config
    from vpd_speech.models import resolve_whisper

    c = load_config(None)
    model = WhisperModel(resolve_whisper(c.asr.model), compute_type=c.asr.compute_type, cpu_threads=c.asr.cpu_threads)
    batched = BatchedInferencePipeline(model)
    for file in files:
        for channel in decode_audio(file, split_stereo=True):
            mark()
            segments, _ = batched.transcribe(
                channel, language=c.asr.language, beam_size=c.asr.beam_size, batch_size=c.asr.batch_size,
                word_timestamps=True, vad_filter=True, vad_parameters=vad_options(c.vad),
            )
            list(segments)


def run_once(kind: str, files: list[str]) -> dict:
    """One fresh process of `kind`: wall s, CPU s, start-up s, peak RSS MB."""
    with tempfile.TemporaryDirectory() as tmp:
        mark = Path(tmp) / "first"
        started = time.time()
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "eval.bench_batch", "--child", kind, "--mark", str(mark), *files],
            cwd=Path(__file__).resolve().parent.parent, stdout=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(f"{kind} run failed with exit code {proc.returncode}")
        startup = float(mark.read_text()) - started
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "startup_s": startup, "rss_mb": usage.ru_maxrss / 1024}


def stereo_files(paths: list[Path]) -> list[str]:
    """The audio files given, or the synthesised example calls (stereo only)."""
    if paths:
        from vpd_speech.run.sources import list_audio

        return [str(p) for p in list_audio(paths)]
    from eval.eval_asr import build_sets

    truths = build_sets(RESULTS / "asr_calls", [STEREO_SET])[STEREO_SET]
    return [str(t.parent / json.loads(t.read_text(encoding="utf-8"))["files"]["stereo"]) for t in truths]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.bench_batch", description=__doc__.split("\n\n")[0])
    ap.add_argument("sources", nargs="*", type=Path, help="audio files or folders (default: the example calls)")
    ap.add_argument("--runs", type=int, default=3, help="pairs of runs, alternating vpd and plain (default: 3)")
    ap.add_argument("--child", choices=["vpd", "plain"], help=argparse.SUPPRESS)
    ap.add_argument("--mark", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        {"vpd": child_vpd, "plain": child_plain}[args.child]([str(p) for p in args.sources], _first_transcription(args.mark))
        return 0
    files = stereo_files(args.sources)
    print(f"{len(files)} calls; {args.runs} pairs, alternating", flush=True)
    runs: dict[str, list[dict]] = {"vpd": [], "plain": []}
    for i in range(args.runs):
        for kind in ("vpd", "plain"):
            runs[kind].append(run_once(kind, files))
            r = runs[kind][-1]
            print(f"pair {i + 1} {kind:5}: {r['wall_s']:.1f} s, CPU {r['cpu_s']:.1f} s, start-up {r['startup_s']:.2f} s, "
                  f"peak RSS {r['rss_mb']:.0f} MB", flush=True)
    print("\n| command | wall (median) | CPU (median) | start-up (median) | peak RSS (max) |\n|---|---:|---:|---:|---:|")
    for kind, rs in runs.items():
        print(f"| {kind} | {statistics.median(r['wall_s'] for r in rs):.1f} s | {statistics.median(r['cpu_s'] for r in rs):.1f} s | "
              f"{statistics.median(r['startup_s'] for r in rs):.2f} s | {max(r['rss_mb'] for r in rs):.0f} MB |")
    for figure in ("wall_s", "cpu_s"):
        ratios = [a[figure] / b[figure] for a, b in zip(runs["vpd"], runs["plain"])]
        print(f"vpd / plain {figure[:-2]}, pair by pair: {', '.join(f'{r:.2f}' for r in ratios)} "
              f"(median {statistics.median(ratios):.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
