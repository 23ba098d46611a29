#!/usr/bin/env bash
# Regenerate the bundled example calls (stereo 8 kHz u-law + truth JSON) in examples/calls.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
"$PY" -m eval.synth --all --out examples/calls
du -sh examples/calls
