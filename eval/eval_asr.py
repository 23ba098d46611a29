"""How well calls are heard: word error rate per role and lost turns, per arrangement (`asr.stereo`,
`asr.mono`), on synthetic calls (MBROLA voices) and on calls spoken by real people.

Every scripted turn is compared with the words the pipeline gave that turn's role inside the turn's time
(plus `SLACK_S`): so a word heard but given to the wrong party counts as an error. A turn's start (end) is
lost when its first (last) scripted word aligns to nothing; a turn is empty when it got no word at all.
Where the script labels the caller's turns, each caller turn also gets the highest level the classifier
gave an utterance in its time: `caller_level_f1` is the macro-F1 of those levels against the script.

    python -m eval.eval_asr                       # builds the two call sets into eval/results/asr_calls
    python -m eval.eval_asr --sets synth --stereo glued mix --mono
    python -m eval.eval_asr --sets examples       # the other scripted calls in eval/scripts (turns in sequence)
    python -m eval.eval_asr --live --mono         # the same calls streamed through `vpd stream`'s live path
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

from eval.real_calls import call_scripts
from eval.synth import SCRIPTS_DIR
from vpd_speech.asr.transcribe import Transcriber
from vpd_speech.audio.decode import SAMPLE_RATE, Audio, decode
from vpd_speech.config import load_config
from vpd_speech.nlp.classify import load_classifier
from vpd_speech.pipeline import Pipeline
from vpd_speech.run.stream.live import LiveCall
from vpd_speech.run.stream.protocol import Start
from vpd_speech.training.synth import synthesize

RESULTS = Path(__file__).resolve().parent / "results"
SLACK_S = 0.4  # a word counts for a turn when its middle lies within the turn's time widened by this
STEREO_METHODS = ("glued", "channels", "mix")
MONO_METHODS = ("glued", "paused")
CALL_SETS = {  # name -> the scripts of its calls
    "synth": lambda: sorted(SCRIPTS_DIR.glob("asr_*.toml")),  # written for this evaluation, turns overlap
    "real": call_scripts,  # real voices (../shared/real_speech)
    "examples": lambda: sorted(p for p in SCRIPTS_DIR.glob("*.toml") if not p.name.startswith("asr_")),
}


def words_of(text: str) -> list[str]:
    return re.sub(r"[^\w\s']", " ", text.lower().replace("'", "")).split()


def align(ref: list[str], hyp: list[str]) -> tuple[int, list[bool]]:
    """Edit distance and, per reference word, whether it aligns to a hypothesis word (hit or substitution)."""
    n, m = len(ref), len(hyp)
    d = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        d[i][0] = i
    for j in range(m + 1):
        d[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]))
    heard = [False] * n
    i, j = n, m
    while i and j:
        if d[i][j] == d[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]):
            heard[i - 1] = True
            i, j = i - 1, j - 1
        elif d[i][j] == d[i - 1][j] + 1:
            i -= 1
        else:
            j -= 1
    return d[n][m], heard


def score_turns(truth: dict, utterances: list) -> list[dict]:
    """Per scripted turn: reference words, errors, and whether its first/last word and any word were heard."""
    spoken = [(w, u.role) for u in utterances for w in u.words]
    rows = []
    for turn in truth["turns"]:
        a, b = turn["start"] - SLACK_S, turn["end"] + SLACK_S
        hyp = [t for w, role in spoken if role == turn["role"] and a <= (w.start + w.end) / 2 <= b for t in words_of(w.text)]
        ref = words_of(turn["text"])
        errors, heard = align(ref, hyp)
        levels = [u.classification.level for u in utterances
                  if u.role == "caller" and u.classification and u.start < b and a < u.end]
        rows.append({"role": turn["role"], "ref": len(ref), "errors": errors, "first": heard[0], "last": heard[-1],
                     "empty": not hyp, "level": turn.get("level"), "heard_level": max(levels, default=0)})
    return rows


def summarise(rows: list[dict]) -> dict:
    out = {}
    for role in ("caller", "agent"):
        own = [r for r in rows if r["role"] == role]
        out[f"{role}_wer"] = round(sum(r["errors"] for r in own) / max(1, sum(r["ref"] for r in own)), 3)
    out["turns"] = len(rows)
    out["start_heard"] = round(sum(r["first"] for r in rows) / max(1, len(rows)), 3)
    out["end_heard"] = round(sum(r["last"] for r in rows) / max(1, len(rows)), 3)
    out["empty_turns"] = sum(r["empty"] for r in rows)
    callers = [r for r in rows if r["role"] == "caller" and r["level"] is not None]
    if len({r["level"] for r in callers}) > 1:  # scripted levels (the real-voice calls read neutral sentences)
        out["caller_level_f1"] = round(float(f1_score([r["level"] for r in callers], [r["heard_level"] for r in callers],
                                                      labels=sorted({r["level"] for r in callers}), average="macro")), 3)
    return out


def build_sets(root: Path, sets: list[str]) -> dict[str, list[Path]]:
    """Truth files of each call set, rendered into `root` the first time."""
    found = {}
    for name in sets:
        folder = root / name
        if not list(folder.glob("*.truth.json")):
            for script in CALL_SETS[name]():
                synthesize(script, folder, mono=True)
        found[name] = sorted(folder.glob("*.truth.json"))
    return found


def live_utterances(pipeline: Pipeline, audio: Audio, agent_channel: str | None, frame_s: float = 0.2) -> list:
    """The utterances a live call ends with (`vpd stream`): the audio pushed frame by frame as 16 kHz PCM.
    What a live call transcribes depends on the audio only, not on timing, so no real-time wait is needed."""
    pcm = (np.clip(audio.samples.T, -1, 1) * 32767).astype("<i2")
    start = Start(type="start", call_id="eval", sample_rate=16000, channels=audio.channels, agent_channel=agent_channel)
    call = LiveCall(pipeline, start, {}, pipeline.config.stream)
    step = int(frame_s * SAMPLE_RATE)
    for i in range(0, len(pcm), step):
        call.push(pcm[i : i + step].tobytes())
        if call.due():
            call.step()
    call.end()
    return call.utterances()


def run(truths: list[Path], pipeline: Pipeline, mono: bool, live: bool = False) -> tuple[dict, float]:
    """Scores of the calls heard by `pipeline`, and the seconds spent transcribing."""
    rows, asr_s = [], 0.0
    for path in truths:
        truth = json.loads(path.read_text(encoding="utf-8"))
        file = path.parent / truth["files"]["mono" if mono else "stereo"]
        agent_channel = None if mono else truth["agent_channel"]
        t0 = time.perf_counter()
        if live:
            utterances = live_utterances(pipeline, decode(file, pipeline.config.audio), agent_channel)
            asr_s += time.perf_counter() - t0
        else:
            result = pipeline.score(file, metadata={"agent_channel": agent_channel} if agent_channel else None)
            if result.status != "ok":
                raise RuntimeError(f"{file}: {result.error}")
            asr_s += result.timings_s.get("asr", 0.0)
            utterances = result.utterances
        rows += score_turns(truth, utterances)
    return summarise(rows), asr_s


def _setting(text: str) -> tuple[str, object]:
    """`asr.max_pause_s=1.0` -> ("asr.max_pause_s", 1.0); a value that is not JSON stays a string."""
    key, _, value = text.partition("=")
    try:
        return key, json.loads(value)
    except ValueError:
        return key, value


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.eval_asr", description=__doc__.split("\n\n")[0])
    ap.add_argument("--calls", type=Path, default=RESULTS / "asr_calls", help="where the call sets are (built if missing)")
    ap.add_argument("--sets", nargs="+", default=["synth", "real"], choices=list(CALL_SETS))
    ap.add_argument("--stereo", nargs="*", default=list(STEREO_METHODS), choices=STEREO_METHODS)
    ap.add_argument("--mono", nargs="*", default=list(MONO_METHODS), choices=MONO_METHODS)
    ap.add_argument("--config", help="pipeline file, or a shipped one by name: default, ray (default: default)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="extra setting, e.g. asr.max_pause_s=1.0")
    ap.add_argument("--live", action="store_true", help="hear the calls as live streams (vpd stream), not as recordings")
    ap.add_argument("--json", type=Path, help="also write the table as JSON here")
    args = ap.parse_args(argv)
    extra = dict(_setting(s) for s in args.set)
    base = load_config(args.config, extra)
    transcriber = Transcriber(base.asr, base.vad)
    classifier = load_classifier(base.classifier.kind, **base.classifier.options)
    sets = build_sets(args.calls, args.sets)
    table = []
    print("| calls | audio | arrangement | caller WER | agent WER | turn starts heard | turn ends heard | empty turns | caller level macro-F1 | ASR time |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, truths in sets.items():
        for mono, methods in ((False, args.stereo), (True, args.mono)):
            for method in methods:
                config = load_config(args.config, {**extra, f"asr.{'mono' if mono else 'stereo'}": method})
                summary, asr_s = run(truths, Pipeline(config, classifier, transcriber), mono, args.live)
                audio = ("mono" if mono else "stereo") + (", live" if args.live else "")
                row = {"calls": f"{name} ({len(truths)})", "audio": audio, "method": method, **summary, "asr_s": round(asr_s, 1)}
                table.append(row)
                print(f"| {row['calls']} | {row['audio']} | {method} | {row['caller_wer']:.2f} | {row['agent_wer']:.2f} | "
                      f"{row['start_heard']:.0%} | {row['end_heard']:.0%} | {row['empty_turns']} of {row['turns']} | "
                      f"{row.get('caller_level_f1', '-')} | {asr_s:.1f} s |", flush=True)
    if args.json:
        args.json.write_text(json.dumps(table, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
