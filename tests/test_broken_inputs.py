"""No input poisons the out folder: a corpus of broken files scores to one error record each, on every run;
a call document that does not load is an error row, never a crash; metadata follows the relative path.

No models are loaded: every file of the corpus is refused before ASR (the pipeline's transcriber and
classifier here fail the test if they are reached), and the metadata test scores with a stand-in pipeline.
"""

from __future__ import annotations

import base64
import json
import math
import re
import struct
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import soundfile as sf

from eval.bench_store import synthetic_result
from vpd_speech import cli
from vpd_speech.audio.decode import file_sha256
from vpd_speech.config import load_config
from vpd_speech.pipeline import Pipeline, call_id_for
from vpd_speech.reports.outputs import CALL_COLUMNS, read_call, read_calls, readable_result, utterance_rows, write_call
from vpd_speech.reports.pages import encode_audio
from vpd_speech.run import batch
from vpd_speech.run.sources import list_audio, relative_name
from vpd_speech.store.metadata import MetadataError, match_files, pseudonymise, read_sidecar

KEY = b"test-key-not-secret"


def voice_like(rate: int, seconds: float, channels: int = 1) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    tone = 0.2 * (1 + np.sin(2 * np.pi * 4 * t)) * np.sin(2 * np.pi * 160 * t)
    return np.stack([tone] * channels, axis=1).astype(np.float32)


def wav_header(data_bytes: int, rate: int = 8000, channels: int = 1, bits: int = 16) -> bytes:
    """A canonical 44-byte PCM WAV header that promises `data_bytes` of audio."""
    block = channels * bits // 8
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * block, block, bits)
    riff = b"RIFF" + struct.pack("<I", 36 + data_bytes) + b"WAVE"
    return riff + b"fmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", data_bytes)


def broken_corpus(folder: Path) -> dict[str, str]:
    """Write the corpus; file name -> a part of the reason its error record must give."""
    folder.mkdir()
    (folder / "empty.wav").write_bytes(b"")
    (folder / "header_only.wav").write_bytes(wav_header(0))
    (folder / "truncated.wav").write_bytes(wav_header(32000) + b"\x01\x02" * 4000)
    (folder / "random.wav").write_bytes(np.random.default_rng(7).bytes(64000))
    (folder / "text.mp3").write_text("Dit is geen audio, maar een tekstbestand met een andere naam.\n" * 20)
    nan, inf = voice_like(16000, 2.0), voice_like(8000, 2.0)
    nan[4000:4100], inf[2000] = np.nan, np.inf
    sf.write(folder / "nan.wav", nan, 16000, subtype="FLOAT")
    sf.write(folder / "inf.wav", inf, 8000, subtype="FLOAT")
    sf.write(folder / "six_channels.wav", voice_like(8000, 2.0, channels=6), 8000)
    sf.write(folder / "short.wav", voice_like(8000, 0.2), 8000)
    sf.write(folder / "silence.wav", np.zeros((8000 * 3, 2), dtype=np.float32), 8000)
    long_bytes = int(2.5 * 3600 * 8000)  # 2.5 h of 8-bit mono 8 kHz, as a sparse file of zeros
    with open(folder / "long.wav", "wb") as f:
        f.write(wav_header(long_bytes, bits=8))
        f.truncate(44 + long_bytes)
    (folder / "broken_link.wav").symlink_to(folder / "gone.wav")
    (folder / "folder.wav").mkdir()
    return {
        "empty.wav": "empty file",
        "header_only.wav": "no audio could be decoded",
        "truncated.wav": "truncated",
        "random.wav": "not a readable audio file",
        "text.mp3": "not a readable audio file",
        "nan.wav": "NaN or infinite",
        "inf.wav": "NaN or infinite",
        "six_channels.wav": "6 channels",
        "short.wav": "too short",
        "silence.wav": "all silence",
        "long.wav": "too long",
        "broken_link.wav": "broken symbolic link",
        "folder.wav": "a folder",
    }


class _NoModel:
    """Stands in for the transcriber and the classifier: a broken file must never get this far."""

    name = "none"

    def __getattr__(self, attr):
        raise AssertionError(f"a broken file reached the models ({attr})")


@pytest.fixture
def no_models(monkeypatch):
    """`vpd score` in this process with the real pipeline minus its models."""
    def pipeline(config):
        return Pipeline(config, classifier=_NoModel(), transcriber=_NoModel())

    monkeypatch.setattr(batch, "Pipeline", pipeline)


def _score(src: Path, out: Path, capsys) -> tuple[int, str]:
    code = cli.main(["score", str(src), "--out", str(out), "--quiet"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_a_corpus_of_broken_files_gives_one_error_record_each_on_every_run(tmp_path, no_models, capsys):
    assert load_config().audio.max_duration_s < 2.5 * 3600  # long.wav is refused by the default limit
    expected = broken_corpus(tmp_path / "in")
    out = tmp_path / "out"
    for run in ("first", "again"):
        code, printed = _score(tmp_path / "in", out, capsys)
        assert code == 1, (run, printed)
        assert f"{len(expected)} of {len(expected)} files failed" in printed
        results = read_calls(out)
        assert sorted(r.file for r in results) == sorted(expected), run  # one record per file, also on a rerun
        for r in results:
            assert r.status == "error" and expected[r.file] in r.error, (run, r.file, r.error)
            assert "internal error" not in r.error and "reached the models" not in r.error
        calls = pd.read_csv(out / "calls.csv")
        assert list(calls.columns) == CALL_COLUMNS and len(calls) == len(expected)
        assert (calls["status"] == "error").all()
        assert (out / "report" / "index.html").is_file()


def test_a_document_that_does_not_load_is_an_error_row(tmp_path, no_models, capsys):
    src = tmp_path / "in"
    src.mkdir()
    (src / "leeg.wav").write_bytes(b"")
    out = tmp_path / "out"
    good = synthetic_result("goed_0123456789", "dreiging")
    write_call(good, out)
    poisoned = good.model_dump(mode="json")
    poisoned["call_id"] = "nan_abcdef0123"
    poisoned["utterances"][0]["avg_logprob"] = None  # what a NaN became before non-finite audio was refused
    (out / "calls" / "nan_abcdef0123.json").write_text(json.dumps(poisoned))
    (out / "calls" / "half_0000000000.json").write_text('{"call_id": "half_0000000000", "fi')
    for _ in range(2):
        code, printed = _score(src, out, capsys)
        assert code == 1 and "Traceback" not in printed
        assert "2 call documents" in printed and "do not load" in printed
        calls = pd.read_csv(out / "calls.csv").set_index("call_id")
        empty = call_id_for(Path("leeg.wav"), file_sha256(src / "leeg.wav"))
        assert sorted(calls.index) == sorted(["goed_0123456789", "nan_abcdef0123", "half_0000000000", empty])
        assert calls.loc["goed_0123456789", "status"] == "ok"
        assert "utterances.0.avg_logprob" in calls.loc["nan_abcdef0123", "error"]
        assert calls.loc["half_0000000000", "error"].startswith("unreadable call document calls/half_0000000000.json")


def test_a_result_that_would_not_read_back_is_written_as_an_error_record(tmp_path):
    result = synthetic_result("nan_0123456789", "dreiging", {"agent_id": "m1"})
    assert readable_result(result) is result
    result.utterances[0].avg_logprob = math.nan
    record = readable_result(result)
    assert record.status == "error" and "does not read back" in record.error and "avg_logprob" in record.error
    assert record.call_id == result.call_id and record.metadata == {"agent_id": "m1"}
    assert read_call(write_call(result, tmp_path)) == record  # every writer (batch, stream server) is guarded


# --------------------------------------------------------------------------- metadata by relative path


class _StandIn:
    """A pipeline without models: a neutral call carrying the metadata it was given."""

    def score(self, path, metadata=None, sha256=None):
        path = Path(path)
        result = synthetic_result(call_id_for(path, sha256), "neutraal", metadata)
        result.file = result.audio.file = path.name
        result.audio.sha256 = sha256
        return result


def _sidecar(tmp_path: Path, rows: list[tuple[str, str, str]]) -> Path:
    p = tmp_path / "meta.csv"
    p.write_text("file,started_at,caller_number,agent_id,team,agent_channel\n"
                 + "".join(f"{f},{t},{n},m1,KCC,\n" for f, t, n in rows))  # fmt: skip
    return p


def test_two_calls_named_alike_in_different_folders_get_their_own_metadata(tmp_path, monkeypatch, capsys):
    src = tmp_path / "calls"
    for day, seconds in (("2026-11-03", 2.0), ("2026-11-04", 3.0)):
        (src / day).mkdir(parents=True)
        sf.write(src / day / "call.wav", voice_like(8000, seconds), 8000)
    sf.write(src / "losse.wav", voice_like(8000, 1.0), 8000)
    sidecar = _sidecar(tmp_path, [("2026-11-03/call.wav", "2026-11-03T09:00:00", "0612345678"),
                                  ("2026-11-04\\call.wav", "2026-11-04T10:00:00", "0687654321"),
                                  ("losse.wav", "2026-11-05T11:00:00", "0611111111")])  # fmt: skip
    monkeypatch.setenv("VPD_PSEUDONYM_KEY", KEY.decode())
    monkeypatch.setattr(batch, "Pipeline", lambda config: _StandIn())
    out = tmp_path / "out"
    assert cli.main(["score", str(src), "--out", str(out), "--quiet", "--metadata", str(sidecar)]) == 0
    capsys.readouterr()
    by_start = {r.metadata["started_at"]: r for r in read_calls(out)}
    assert sorted(by_start) == ["2026-11-03T09:00:00", "2026-11-04T10:00:00", "2026-11-05T11:00:00"]
    first, second = by_start["2026-11-03T09:00:00"], by_start["2026-11-04T10:00:00"]
    assert first.file == second.file == "call.wav" and first.call_id != second.call_id
    assert first.metadata["caller_ref"] == pseudonymise("0612345678", KEY)
    assert second.metadata["caller_ref"] == pseudonymise("0687654321", KEY)
    assert first.audio.sha256 == file_sha256(src / "2026-11-03" / "call.wav")  # its own audio, not the other's
    assert by_start["2026-11-05T11:00:00"].metadata["caller_ref"] == pseudonymise("0611111111", KEY)  # a bare name
    for r, wav in ((first, src / "2026-11-03" / "call.wav"), (second, src / "2026-11-04" / "call.wav")):
        page = (out / "report" / f"{r.call_id}.html").read_text()
        embedded = re.search(r"data:audio/mpeg;base64,([A-Za-z0-9+/=]+)", page).group(1)
        assert base64.b64decode(embedded) == encode_audio(wav)[0]  # each page plays its own call


def test_a_bare_name_that_two_files_share_is_refused(tmp_path):
    src = tmp_path / "calls"
    for day in ("a", "b"):
        (src / day).mkdir(parents=True)
        sf.write(src / day / "call.wav", voice_like(8000, 1.0), 8000)
    files = list_audio([src])
    keys = {f: relative_name(f, [src]) for f in files}
    assert sorted(keys.values()) == ["a/call.wav", "b/call.wav"]
    sidecar = read_sidecar(_sidecar(tmp_path, [("call.wav", "2026-11-03T09:00:00", "0612345678")]), KEY)
    with pytest.raises(MetadataError, match=r"fits 2 files \(a/call.wav, b/call.wav\).*relative to the source folder"):
        match_files(sidecar, keys)
    alone = {f: relative_name(f, [src / "a"]) for f in list_audio([src / "a"])}
    assert [m["caller_ref"] for m in match_files(sidecar, alone).values()] == [pseudonymise("0612345678", KEY)]
    with pytest.raises(MetadataError, match="has a row already"):
        read_sidecar(_sidecar(tmp_path, [("a/call.wav", "", ""), ("./a/call.wav", "", "")]), KEY)


def test_listing_keeps_broken_entries_for_the_error_records(tmp_path):
    (tmp_path / "x.wav").mkdir()
    (tmp_path / "dood.wav").symlink_to(tmp_path / "weg.wav")
    (tmp_path / "notes.txt").write_text("geen audio")
    assert [p.name for p in list_audio([tmp_path])] == ["dood.wav", "x.wav"]


# --------------------------------------------------------------------------- one utterance row


def test_store_and_parquet_rows_come_from_one_mapper():
    from vpd_speech.store.database import call_rows, utterances

    result = synthetic_result("rows_0123456789", "dreiging")
    rows = utterance_rows(result)
    stored = call_rows(result)["utterances"]
    assert stored == [{k: row[k] for k in utterances.columns.keys()} for row in rows]
    assert {"start_s", "end_s", "counted_level", "channel"} <= set(rows[0]) and "start" not in rows[0]
    assert any(r["counted_level"] == 4 for r in rows)
