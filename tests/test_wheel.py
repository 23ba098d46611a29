"""The package works installed from its wheel, outside the source tree: shipped pipelines, lexicons, heads and
templates are found, and the runtime never imports the repository's eval package."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ("vpd_speech/pipelines/default.toml", "vpd_speech/pipelines/ray.toml", "vpd_speech/nlp/lexicon/threat.txt",
           "vpd_speech/nlp/norm_matrix/heads.safetensors", "vpd_speech/nlp/norm_matrix/config.json",
           "vpd_speech/nlp/norm_matrix/char_ngrams.json", "vpd_speech/reports/templates/call.html.j2")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built from a copy of the package and its build files (so the checkout gets no build/ folder)."""
    src = tmp_path_factory.mktemp("src")
    shutil.copytree(ROOT / "vpd_speech", src / "vpd_speech", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(dist),
                    str(src)], check=True)
    return next(dist.glob("vpd_speech-*.whl"))


def test_wheel_ships_the_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert [name for name in SHIPPED if name not in names] == []
    assert not any(n.startswith(("eval/", "tests/")) for n in names)


def test_installed_wheel_scores_a_call_from_elsewhere(wheel, tmp_path):
    """Install the wheel into a fresh venv (its dependencies come from this environment through a path file,
    without this checkout's editable install) and score a bundled call from an unrelated folder."""
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    purelib = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  capture_output=True, text=True, check=True).stdout.strip())
    with zipfile.ZipFile(wheel) as z:  # what pip does for a pure-Python wheel, minus the network
        z.extractall(purelib)
    (purelib / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    work = tmp_path / "elders"
    work.mkdir()
    shutil.copy(ROOT / "examples" / "calls" / "dreiging.wav", work / "gesprek.wav")
    probe = (
        "import sys, json; from vpd_speech import cli; import vpd_speech; "
        "code = cli.main(['score', 'gesprek.wav', '--out', 'uit', '--quiet']); "
        "print(json.dumps({'code': code, 'package': vpd_speech.__file__, "
        "'eval': sorted(m for m in sys.modules if m == 'eval' or m.startswith('eval.'))}))"
    )
    run = subprocess.run([str(python), "-c", probe], cwd=work, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["code"] == 0 and report["eval"] == []
    assert report["package"].startswith(str(purelib))
    doc = json.loads(next((work / "uit" / "calls").glob("*.json")).read_text())
    assert doc["status"] == "ok" and doc["timeline"]["advice"]["advice"] == "melden"
    assert (work / "uit" / "report" / "index.html").exists()
