"""The Ray engine (`vpd score --engine ray`) on a local Ray instance: same results as the local engine, resume by
content hash, broken files as error records, killed actors retried by Ray without losing or repeating a call."""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from vpd_speech.cli import main
from vpd_speech.config import ConfigError, load_config
from vpd_speech.reports.outputs import read_calls
from vpd_speech.run.batch import score_batch
from vpd_speech.run.ray_engine import ActorShape, RayEngineError, check_devices, score_batch_ray
from vpd_speech.store.database import Store

ROOT = Path(__file__).resolve().parent.parent
RAY_TWO_ACTORS = ["--engine", "ray", "--num-actors", "2", "--cpus-per-actor", "1", "--no-report", "--quiet"]


@pytest.fixture(scope="module")
def ray_local():
    """A local Ray for this module (2 CPUs, no dashboard), shut down afterwards with all its processes."""
    import ray  # in the test extra: CI runs these tests

    ray.init(address="local", num_cpus=2, include_dashboard=False)  # a new instance, never a running cluster
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def calls(synth_call, tmp_path_factory) -> Path:
    """Three synthesised calls (two stereo, one mono) and one truncated WAV."""
    src = tmp_path_factory.mktemp("ray_in")
    shutil.copy(synth_call("neutraal")["paths"]["stereo"], src / "neutraal.wav")
    shutil.copy(synth_call("kritiek")["paths"]["stereo"], src / "kritiek.wav")
    shutil.copy(synth_call("dreiging")["paths"]["mono"], src / "dreiging_mono.wav")
    whole = (src / "neutraal.wav").read_bytes()
    (src / "afgebroken.wav").write_bytes(whole[: len(whole) // 3])
    return src


@pytest.fixture(scope="module")
def local_out(pipeline, calls, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("local_out")
    score_batch(sorted(calls.iterdir()), out, load_config(), pipeline=pipeline, progress=False)
    return out


def comparable(out: Path) -> dict[str, dict]:
    """What must not depend on the engine: status, error, audio, speakers, utterances (text, label, level), timeline."""
    return {r.call_id: r.model_dump(exclude={"timings_s"}) for r in read_calls(out)}


@pytest.mark.slow
def test_ray_engine_scores_like_local_and_resumes(ray_local, calls, local_out, tmp_path, capsys):
    out, db = tmp_path / "out", tmp_path / "vpd.sqlite"
    args = ["score", str(calls), "--out", str(out), "--store", str(db), *RAY_TWO_ACTORS]
    assert main(args) == 1  # the truncated file failed, the others did not stop
    first = capsys.readouterr()
    assert "1 of 4 files failed" in first.err
    assert "3 calls scored, 0 skipped (already scored), 1 failed" in first.out
    ray_results, local_results = comparable(out), comparable(local_out)
    assert ray_results == local_results
    by_file = {r["file"]: r for r in ray_results.values()}
    assert all(by_file[name]["utterances"] for name in ("neutraal.wav", "kritiek.wav", "dreiging_mono.wav"))
    assert by_file["dreiging_mono.wav"]["speakers"]["method"].startswith("mono")
    assert "truncated" in by_file["afgebroken.wav"]["error"]
    with Store.open(db) as store:
        assert store.count("calls") == 4

    done = {p: p.stat().st_mtime_ns for p in (out / "calls").glob("*.json")}
    assert main(args) == 1
    again = capsys.readouterr()
    assert "0 calls scored, 3 skipped (already scored), 1 failed" in again.out  # only the error is tried again
    assert comparable(out) == local_results
    changed = [p.name for p, mtime in done.items() if p.stat().st_mtime_ns != mtime]
    assert changed == [next(p.name for p in done if p.name.startswith("afgebroken_"))]
    with Store.open(db) as store:
        assert store.count("calls") == 4


class ActorKiller(threading.Thread):
    """Kills (SIGKILL) the process of a CallScorer actor while it scores a call, up to `times` times."""

    def __init__(self, times: int):
        super().__init__(daemon=True)
        self.times, self.killed, self.stop = times, [], threading.Event()

    def run(self) -> None:
        while len(self.killed) < self.times and not self.stop.is_set():
            for pid in _busy_scorers():
                if pid not in self.killed:
                    os.kill(pid, signal.SIGKILL)
                    self.killed.append(pid)
                    break
            time.sleep(0.05)


def _busy_scorers() -> list[int]:
    """Pids of Ray actor processes titled `ray::CallScorer.score`: Ray names a worker after the task it runs."""
    pids = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and (proc / "cmdline").read_bytes().startswith(b"ray::CallScorer.score"):
                pids.append(int(proc.name))
        except OSError:
            continue
    return pids


def _killing(times: int):
    killer = ActorKiller(times)
    killer.start()
    return killer


@pytest.mark.slow
def test_killed_actor_is_retried_without_losing_or_repeating_a_call(ray_local, calls, local_out, tmp_path):
    files = sorted(p for p in calls.iterdir() if not p.name.startswith("afgebroken"))
    killer = _killing(times=1)
    try:
        summary = score_batch_ray(files, tmp_path, load_config(), progress=False, shape=ActorShape(2, 1))
    finally:
        killer.stop.set()
    assert len(killer.killed) == 1
    assert sorted(r.file for r in summary.scored) == sorted(p.name for p in files)  # each call once
    assert not summary.failed
    local = comparable(local_out)
    assert comparable(tmp_path) == {k: v for k, v in local.items() if v["status"] == "ok"}


@pytest.mark.slow
def test_call_that_kills_its_actor_every_time_becomes_an_error_record(ray_local, calls, tmp_path):
    killer = _killing(times=3)  # the first try and both retries
    try:
        summary = score_batch_ray(
            [calls / "neutraal.wav"], tmp_path, load_config(), progress=False, shape=ActorShape(1, 1)
        )
    finally:
        killer.stop.set()
    assert len(killer.killed) == 3
    [result] = summary.scored
    assert result.status == "error" and "worker lost while scoring, 3 tries" in result.error
    assert [r.call_id for r in read_calls(tmp_path)] == [result.call_id]


@pytest.mark.slow
def test_more_actors_than_the_cluster_holds_still_finishes(ray_local, calls, tmp_path):
    summary = score_batch_ray([calls / "neutraal.wav"], tmp_path, load_config(), progress=False, shape=ActorShape(3, 1))
    assert [r.status for r in summary.scored] == ["ok"]  # an actor the cluster cannot place does not block the run


@pytest.mark.slow
def test_actors_get_the_model_cache_and_say_when_they_cannot_start(ray_local, calls, tmp_path, monkeypatch):
    monkeypatch.setenv("VPD_MODEL_CACHE", str(tmp_path / "empty_cache"))  # forwarded to the actors: no models there
    with pytest.raises(RayEngineError, match="no Ray actor could start.*vpd models setup"):
        score_batch_ray(
            [calls / "neutraal.wav"], tmp_path / "out", load_config(), progress=False, shape=ActorShape(1, 1)
        )


def test_ray_toml_is_a_valid_gpu_pipeline():
    config = load_config("ray")
    assert config.asr.device == "cuda"
    check_devices(config, ActorShape(gpus=0.5))
    with pytest.raises(ConfigError, match="needs GPUs"):
        check_devices(config, ActorShape())
    with pytest.raises(ConfigError, match="asr.device"):
        check_devices(load_config(), ActorShape(gpus=0.5))


def test_local_engine_needs_no_ray_and_ray_engine_says_how_to_install():
    code = (
        "import sys; sys.modules['ray'] = None\n"  # as if Ray were not installed
        "import vpd_speech.cli, vpd_speech.run.batch\n"
        "from vpd_speech.cli import main\n"
        "sys.exit(main(['score', 'examples/calls', '--engine', 'ray', '--out', sys.argv[1]]))\n"
    )
    blocked = subprocess.run(
        [sys.executable, "-c", code, "/nonexistent/out"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert blocked.returncode == 2
    assert "pip install 'vpd-speech[ray]'" in blocked.stderr
