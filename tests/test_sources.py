"""Audio sources: local paths and fsspec URLs are listed, hashed and read alike, and score to the same call."""

from pathlib import Path

import fsspec
import pytest

from vpd_speech.config import load_config
from vpd_speech.reports.outputs import read_calls
from vpd_speech.run.batch import score_batch
from vpd_speech.run.sources import as_source, list_audio, local_copy, source_name, source_sha256

ROOT = Path(__file__).resolve().parent.parent
NEUTRAAL = ROOT / "examples" / "calls" / "neutraal.wav"


@pytest.fixture
def memory_calls():
    """A folder of calls on fsspec's in-memory filesystem (an object store without a server)."""
    fs = fsspec.filesystem("memory")
    fs.pipe({"/archief/2026-11/neutraal.wav": NEUTRAAL.read_bytes(), "/archief/2026-11/lees.txt": b"geen audio",
             "/archief/2026-10/oud.MP3": b"x"})  # fmt: skip
    yield "memory://archief"
    fs.rm("/archief", recursive=True)


def test_arguments_keep_urls_whole():
    assert as_source("s3://bucket/calls/a.wav") == "s3://bucket/calls/a.wav"
    assert as_source("calls/a.wav") == Path("calls/a.wav")
    assert source_name("s3://bucket/calls/a%20b.wav") == "a%20b.wav"
    assert source_name(Path("calls/a.wav")) == "a.wav"


def test_url_folders_are_listed_recursively_by_extension(memory_calls):
    assert list_audio([memory_calls]) == ["memory:///archief/2026-10/oud.MP3", "memory:///archief/2026-11/neutraal.wav"]
    assert list_audio([f"file://{NEUTRAAL}"]) == [NEUTRAAL]  # a local URL is read in place
    with pytest.raises(FileNotFoundError):
        list_audio(["memory://nergens"])


def test_remote_bytes_hash_and_copy_like_the_local_file(memory_calls):
    url = "memory:///archief/2026-11/neutraal.wav"
    assert source_sha256(url) == source_sha256(NEUTRAAL)
    with local_copy(url) as path:
        assert path.name == "neutraal.wav" and path.read_bytes() == NEUTRAAL.read_bytes()
    assert not path.exists()


@pytest.mark.slow
def test_a_call_from_a_url_scores_as_the_same_call(pipeline, memory_calls, tmp_path):
    config = load_config()
    score_batch([NEUTRAAL], tmp_path / "local", config, pipeline=pipeline, progress=False)
    score_batch(list_audio([memory_calls + "/2026-11"]), tmp_path / "url", config, pipeline=pipeline, progress=False)
    [local], [remote] = read_calls(tmp_path / "local"), read_calls(tmp_path / "url")
    assert remote.model_dump(exclude={"timings_s"}) == local.model_dump(exclude={"timings_s"})
