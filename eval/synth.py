"""Render call scripts into telephone WAVs + truth (the renderer is vpd_speech.training.synth).

    python -m eval.synth eval/scripts/emotie.toml --out /tmp/calls --mono
    python -m eval.synth --all            # regenerate the bundled examples/calls
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tomllib
from pathlib import Path

from vpd_speech.training.synth import synthesize

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS_DIR = Path(__file__).resolve().parent / "scripts"
EXAMPLES_DIR = ROOT / "examples" / "calls"


def bundled_scripts() -> list[Path]:
    """Scripts whose audio ships in examples/calls (those not marked `bundle = false`)."""
    keep = []
    for path in sorted(SCRIPTS_DIR.glob("*.toml")):
        with open(path, "rb") as f:
            if tomllib.load(f).get("bundle", True):
                keep.append(path)
    return keep


def main(argv: list[str] | None = None) -> int:
    """CLI: render call scripts (or all bundled examples with --all)."""
    ap = argparse.ArgumentParser(prog="python -m eval.synth", description=__doc__.split("\n\n")[0])
    ap.add_argument("scripts", nargs="*", type=Path, help="call script TOML files")
    ap.add_argument("--all", action="store_true", help=f"render the bundled scenarios into {EXAMPLES_DIR.relative_to(ROOT)}")
    ap.add_argument("--out", type=Path, help="output folder (default: examples/calls with --all)")
    ap.add_argument("--mono", action="store_true", help="also write <id>_mono.wav")
    ap.add_argument("--stereo", action="store_true", default=True, help="write the stereo <id>.wav (default)")
    ap.add_argument("--no-stereo", dest="stereo", action="store_false", help="skip the stereo file")
    ap.add_argument("--noise-db", type=float, default=30.0, help="speech-to-noise ratio in dB (default 30)")
    ap.add_argument("--no-noise", action="store_true", help="add no noise")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    scripts = list(args.scripts) + (bundled_scripts() if args.all else [])
    if not scripts:
        ap.error("give script files or --all")
    out = args.out or (EXAMPLES_DIR if args.all else None)
    if out is None:
        ap.error("--out is required")
    if shutil.which("espeak-ng") is None or shutil.which("sox") is None:
        ap.error("espeak-ng and sox must be installed")
    for path in scripts:
        truth = synthesize(path, out, mono=args.mono, stereo=args.stereo,
                           noise_db=None if args.no_noise else args.noise_db, seed=args.seed)
        print(f"{truth['call_id']}: {truth['duration']:.1f} s, {len(truth['turns'])} turns, "
              f"max level {truth['max_level']} -> {', '.join(truth['paths'].values())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
