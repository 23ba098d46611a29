"""Telephone calls spoken by real people: recorded Dutch sentences (CC0, `../shared/real_speech/`) as the
turns of scripted dialogues, through the same telephone stage as `vpd_speech.training.synth`.

The sentences are read speech, not call content, so these calls measure hearing (word error rate, lost
turns, speaker separation), not the classifier. Agents are the two single speakers (nathalie, female;
flemishguy, Flemish male); callers are Common Voice speakers with several clips, or the other single
speaker. Pauses are drawn per turn, about one turn in five starts before the previous one ends.

    python -m eval.real_calls --out /tmp/real_calls      # 12 calls, stereo and mono, with truth files
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
from pathlib import Path

from vpd_speech.training.synth import synthesize

REAL_SPEECH = Path(os.environ.get("VPD_REAL_SPEECH", Path(__file__).resolve().parents[2] / "shared" / "real_speech"))
CV_CALLERS = ("cv03", "cv06", "cv14", "cv13", "cv01", "cv04")  # Common Voice speakers with 3+ clips


def clips(folder: str) -> dict[str, list[tuple[Path, str]]]:
    """speaker -> [(audio file, transcript)] of one folder of the real-speech set."""
    root = REAL_SPEECH / folder
    with open(root / "transcripts.tsv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    out: dict[str, list[tuple[Path, str]]] = {}
    for row in rows:
        out.setdefault(row["speaker"], []).append((root / row["file"], row["text"].strip()))
    return out


def call_scripts(n: int = 12, seed: int = 7) -> list[dict]:
    """`n` call scripts whose turns are recordings: agent and caller alternate, 8-10 turns."""
    if not REAL_SPEECH.is_dir():
        raise FileNotFoundError(f"real speech not found at {REAL_SPEECH} (set VPD_REAL_SPEECH)")
    rng = random.Random(seed)
    pool = {**clips("nathalie"), **clips("flemishguy"), **clips("common_voice_nl")}
    for sentences in pool.values():
        rng.shuffle(sentences)
    scripts = []
    for i in range(n):
        agent = ("nathalie", "flemishguy")[i % 2]
        other = "flemishguy" if agent == "nathalie" else "nathalie"
        caller = CV_CALLERS[i // 2] if i % 2 == 0 and i // 2 < len(CV_CALLERS) else other
        turns = []
        for t in range(rng.randint(8, 10)):
            role = ("agent", "caller")[t % 2]
            speaker = agent if role == "agent" else caller
            k = 1 if speaker.startswith("cv") else rng.choice((1, 2, 2, 3))
            taken = [pool[speaker].pop() for _ in range(min(k, len(pool[speaker])))]
            if not taken:
                break
            pause = rng.choice((-0.8, -0.5)) if t and rng.random() < 0.2 else rng.uniform(0.2, 1.8)
            turns.append({
                "speaker": role,
                "label": "neutraal" if role == "caller" else "overig",
                "text": " ".join(text for _, text in taken),
                "audio": [str(path) for path, _ in taken],
                "pause": round(pause, 2),
            })
        scripts.append({
            "id": f"real_{i + 1:02d}_{agent}_{caller}",
            "agent_voice": f"real:{agent}",
            "caller_voice": f"real:{caller}",
            "agent_channel": ("left", "right")[i % 3 == 2],
            "turn": turns,
        })
    return scripts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.real_calls", description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--calls", type=int, default=12)
    args = ap.parse_args(argv)
    for script in call_scripts(args.calls):
        truth = synthesize(script, args.out, mono=True)
        print(f"{truth['call_id']}: {truth['duration']:.1f} s, {len(truth['turns'])} turns")
    return 0


if __name__ == "__main__":
    sys.exit(main())
