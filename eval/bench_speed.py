"""Speed benchmark: wall time per stage, real-time factors and peak memory on a 3-minute stereo telephone call.

    python -m eval.bench_speed [CALL.wav] [--runs 2] [--config default]

Without a file it synthesises eval/scripts/lang.toml. Targets (2 cores, whisper base int8): the whole
pipeline >= 15x real time, <= 1.15x the transcription time, peak RSS < 1.5 GB.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import tempfile
import time
from pathlib import Path

from vpd_speech.config import load_config
from vpd_speech.pipeline import Pipeline


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("call", nargs="?", type=Path)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--config", type=Path)
    parser.add_argument("--arrangements", nargs="+", metavar="STEREO", choices=["glued", "channels", "mix"],
                        help="instead: time only the transcription stage under these asr.stereo values, alternating")
    args = parser.parse_args()
    call = args.call
    if call is None:
        from vpd_speech.training.synth import synthesize

        tmp = Path(tempfile.mkdtemp(prefix="vpd-bench-"))
        truth = synthesize(Path(__file__).parent / "scripts" / "lang.toml", tmp)
        call = Path(truth["stereo"]) if "stereo" in truth else next(tmp.glob("*.wav"))

    if args.arrangements:
        return compare_arrangements(call, args.config, args.arrangements, args.runs)
    t0 = time.perf_counter()
    pipeline = Pipeline(load_config(args.config))
    load_s = time.perf_counter() - t0
    pipeline.score(call)  # warm-up: lazy initialisation, caches
    best = None
    for _ in range(args.runs):
        t0 = time.perf_counter()
        result = pipeline.score(call)
        wall = time.perf_counter() - t0
        if best is None or wall < best[0]:
            best = (wall, result)
    wall, result = best
    assert result.status == "ok", result.error
    duration = result.audio.duration_s
    asr = result.timings_s["asr"]
    report = {
        "file": call.name,
        "audio_s": duration,
        "model_load_s": round(load_s, 2),
        "stages_s": result.timings_s,
        "pipeline_wall_s": round(wall, 2),
        "pipeline_x_realtime": round(duration / wall, 1),
        "asr_x_realtime": round(duration / asr, 1),
        "pipeline_over_asr": round(wall / asr, 3),
        "peak_rss_mb": round(peak_rss_mb()),
        "n_utterances": len(result.utterances),
    }
    print(json.dumps(report, indent=1))
    print(
        f"\npipeline {report['pipeline_x_realtime']}x real time (target >= 15), "
        f"{report['pipeline_over_asr']}x transcription time (target <= 1.15), "
        f"peak RSS {report['peak_rss_mb']} MB (target < 1500)"
    )


def compare_arrangements(call: Path, config_path: Path | None, arrangements: list[str], runs: int) -> None:
    """Transcription time of one stereo call per `asr.stereo` arrangement: the same model, runs alternating,
    so the host's drift hits all alike; the ratio is to the first arrangement."""
    from vpd_speech.asr.listen import transcribe_call
    from vpd_speech.asr.transcribe import Transcriber
    from vpd_speech.audio.decode import decode

    base = load_config(config_path)
    transcriber = Transcriber(base.asr, base.vad)
    samples = decode(call, base.audio).samples
    times: dict[str, list[float]] = {a: [] for a in arrangements}
    for run in range(runs + 1):  # the first round warms up
        for a in arrangements:
            asr = base.asr.model_copy(update={"stereo": a})
            t0 = time.perf_counter()
            transcribe_call(transcriber, samples, base.vad, asr)
            if run:
                times[a].append(time.perf_counter() - t0)
    first = statistics.median(times[arrangements[0]])
    duration = samples.shape[1] / 16000
    print(f"{call.name}: {duration:.1f} s of audio, {runs} runs each (median)")
    for a in arrangements:
        t = statistics.median(times[a])
        print(f"  asr.stereo = {a:9s} {t:6.2f} s  ({duration / t:4.1f}x real time, {t / first:.2f}x {arrangements[0]})")


if __name__ == "__main__":
    main()
