"""Batch behaviour and the `vpd` command: error records, exit codes, resume, interruption, model setup."""

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest

from vpd_speech.config import load_config
from vpd_speech.models import WHISPER_BASE_SHA256, setup_whisper_base
from vpd_speech.reports.outputs import CALL_COLUMNS, write_atomic
from vpd_speech.run.batch import score_batch

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "calls"


def vpd(*args, **kw):
    return subprocess.run([sys.executable, "-m", "vpd_speech", *map(str, args)], capture_output=True, text=True, cwd=ROOT, **kw)


def test_version():
    out = vpd("--version")
    assert out.returncode == 0 and out.stdout.startswith("vpd-speech ")


def test_models_setup_is_idempotent_and_verified(tmp_path):
    folder = setup_whisper_base(tmp_path)
    assert (folder / "model.bin.sha256").read_text().strip() == WHISPER_BASE_SHA256
    mtime = (folder / "model.bin").stat().st_mtime_ns
    assert setup_whisper_base(tmp_path) == folder and (folder / "model.bin").stat().st_mtime_ns == mtime
    with open(folder / "model.bin", "r+b") as f:  # a damaged copy is detected and rebuilt
        f.truncate(1000)
    assert setup_whisper_base(tmp_path) == folder
    assert (folder / "model.bin").stat().st_size > 100_000_000


def test_write_atomic_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "x.json"
    write_atomic(target, "{}")
    with pytest.raises(TypeError):
        write_atomic(target, 12345)  # not str/bytes: fails while writing
    assert target.read_text() == "{}"
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_write_atomic_gives_the_mode_open_would(tmp_path):
    """Not mkstemp's 0600: a reviewer's account or the web server reads what a batch wrote."""
    new = tmp_path / "new.json"
    write_atomic(new, "{}")
    assert stat.S_IMODE(new.stat().st_mode) == 0o666 & ~_umask()
    kept = tmp_path / "kept.json"
    kept.write_text("{}")
    kept.chmod(0o640)
    write_atomic(kept, "[]")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640 and kept.read_text() == "[]"


@pytest.mark.slow
def test_batch_goes_on_after_broken_files(pipeline, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(EXAMPLES / "neutraal.wav", src / "goed.wav")
    (src / "leeg.wav").write_bytes(b"")
    (src / "tekst.mp3").write_text("geen audio")
    cut = (EXAMPLES / "kritiek.wav").read_bytes()
    (src / "afgebroken.wav").write_bytes(cut[: len(cut) // 3])
    out = tmp_path / "out"
    summary = score_batch(sorted(src.iterdir()), out, load_config(), pipeline=pipeline, progress=False)
    assert len(summary.scored) == 4 and len(summary.failed) == 3
    calls = pd.read_csv(out / "calls.csv")
    assert list(calls.columns) == CALL_COLUMNS
    by_file = calls.set_index("file")
    assert by_file.loc["goed.wav", "status"] == "ok" and by_file.loc["goed.wav", "advice"] == "niet_melden"
    assert "empty file" in by_file.loc["leeg.wav", "error"]
    assert "not a readable audio file" in by_file.loc["tekst.mp3", "error"]
    assert "truncated" in by_file.loc["afgebroken.wav", "error"]
    assert (out / "utterances.parquet").exists()
    modes = {p.relative_to(out).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in out.rglob("*") if p.is_file()}
    assert set(modes.values()) == {0o666 & ~_umask()}, modes  # every output as readable as open() makes it
    again = score_batch(sorted(src.iterdir()), out, load_config(), pipeline=pipeline, progress=False)
    assert again.skipped == ["goed.wav"] and len(again.failed) == 3  # errors are retried, successes skipped


@pytest.mark.slow
def test_cli_exit_code_and_interrupt_resume(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    names = sorted(p.name for p in EXAMPLES.glob("*.wav"))  # six calls: work left when two are done
    for name in names:
        shutil.copy(EXAMPLES / name, src / name)
    (src / "kapot.wav").write_text("dit is geen wav")
    out = tmp_path / "out"
    with _sigint_inherited():
        proc = subprocess.Popen([sys.executable, "-m", "vpd_speech", "score", str(src), "--out", str(out), "--quiet"],
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    deadline = time.time() + 300
    while time.time() < deadline and len([p for p in (out / "calls").glob("*.json")]) < 2:
        time.sleep(0.2)
    state = _signal_state(proc.pid)  # what the child does with SIGINT, for the message below
    assert proc.poll() is None, "the batch ended before it could be interrupted: " + proc.communicate()[1]
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, f"{err}\nthe child's signal masks before the interrupt: {state}"
    done = list((out / "calls").glob("*.json"))
    assert done and all(json.loads(p.read_text())["call_id"] for p in done)  # no half-written file
    assert not list((out / "calls").glob(".*"))
    finished = vpd("score", src, "--out", out, "--quiet", timeout=600)
    assert finished.returncode == 1
    assert f"1 of {len(names) + 1} files failed" in finished.stderr
    assert "already scored" in finished.stdout
    calls = pd.read_csv(out / "calls.csv")
    assert sorted(calls["file"]) == sorted(names + ["kapot.wav"])
    assert (calls["status"] == "ok").sum() == len(names)
    # every call has its page, also those finished before the interruption (pages are written as calls finish)
    pages = {p.stem for p in (out / "report").glob("*.html")} - {"index"}
    assert pages == set(calls.loc[calls["status"] == "ok", "call_id"])
    index = (out / "report" / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{call_id}.html"' in index for call_id in pages)


@contextmanager
def _sigint_inherited():
    """While starting a child: SIGINT handled and not blocked here, so the child gets it delivered and default.
    A shell without job control starts background jobs with SIGINT ignored and some runners block it; both
    pass through fork and exec, and the interrupted batch would then run to its end."""
    handler = signal.signal(signal.SIGINT, signal.default_int_handler)
    mask = signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        signal.signal(signal.SIGINT, handler)


def _signal_state(pid: int) -> str:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError as e:
        return f"unknown ({e})"
    return ", ".join(line.replace("\t", " ") for line in lines if line.startswith(("SigBlk", "SigIgn", "SigCgt")))


@pytest.mark.slow
def test_a_classifier_that_does_not_load_stops_the_batch_with_one_message(tmp_path):
    """The classifier loads in the background while the first call is transcribed; when it cannot load, the
    batch stops with the model's message instead of giving every call an error record."""
    pipeline = tmp_path / "broken.toml"
    pipeline.write_text(f'[classifier]\nkind = "norm_matrix"\noptions = {{ model_dir = "{tmp_path / "leeg"}" }}\n')
    out = tmp_path / "out"
    run = vpd("score", EXAMPLES / "neutraal.wav", "--out", out, "--config", pipeline, "--quiet", timeout=600)
    assert run.returncode == 2, run.stderr
    assert run.stderr.strip().splitlines()[-1].startswith("vpd: error: the trained norm-matrix classifier is missing")
    assert not list((out / "calls").glob("*.json"))
