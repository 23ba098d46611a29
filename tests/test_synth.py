"""Tests for the synthetic call generator: format, channel map, truth times, mono, determinism."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from eval.synth import EXAMPLES_DIR, bundled_scripts
from vpd_speech.training import synth

pytestmark = pytest.mark.skipif(
    shutil.which("espeak-ng") is None or shutil.which("sox") is None, reason="needs espeak-ng and sox"
)

TINY = {
    "id": "tiny",
    "agent_voice": "mb-nl3",
    "caller_voice": "mb-nl2",
    "agent_channel": "right",  # not the default, so a swapped channel map cannot pass by luck
    "turn": [
        {"speaker": "agent", "label": "overig", "text": "Goedemorgen, gemeente Zaanstad, u spreekt met Sanne."},
        {"speaker": "caller", "label": "kritiek_jullie", "pause": 0.8, "text": "Jullie sturen mij alweer een boete."},
    ],
}
FRAME = 0.02  # seconds per energy frame


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> dict:
    """The tiny call rendered once, stereo and mono."""
    return synth.synthesize(TINY, tmp_path_factory.mktemp("calls"), mono=True, stereo=True, noise_db=30, seed=0)


def frame_db(x: np.ndarray, sr: int) -> np.ndarray:
    """Energy per FRAME in dB."""
    n = int(FRAME * sr)
    frames = x[: len(x) // n * n].reshape(-1, n)
    return 10 * np.log10(np.mean(frames**2, axis=1) + 1e-12)


def test_stereo_format(tiny):
    info = sf.info(tiny["paths"]["stereo"])
    assert (info.channels, info.samplerate, info.subtype) == (2, 8000, "ULAW")
    assert info.duration == pytest.approx(tiny["duration"], abs=0.01)


def test_mono_format(tiny):
    info = sf.info(tiny["paths"]["mono"])
    assert (info.channels, info.samplerate, info.subtype) == (1, 8000, "ULAW")


def test_truth_file_matches_return(tiny):
    on_disk = json.loads(Path(tiny["paths"]["truth"]).read_text(encoding="utf-8"))
    assert on_disk == {k: v for k, v in tiny.items() if k != "paths"}
    assert [t["level"] for t in on_disk["turns"]] == [None, 2]
    assert on_disk["max_level"] == 2 and on_disk["agent_channel"] == "right"
    assert [t["channel"] for t in on_disk["turns"]] == [1, 0]


def test_channel_map_and_times(tiny):
    """Each turn's speech is on its speaker's channel, inside its truth span, and not on the other channel."""
    audio, sr = sf.read(tiny["paths"]["stereo"], dtype="float32")
    db = [frame_db(audio[:, ch], sr) for ch in (0, 1)]
    times = (np.arange(len(db[0])) + 0.5) * FRAME
    for turn in tiny["turns"]:
        own, other = db[turn["channel"]], db[1 - turn["channel"]]
        inside = (times >= turn["start"]) & (times <= turn["end"])
        loud = own > np.median(own) + 20  # 20 dB above the noise floor
        assert loud[inside].mean() > 0.3, "turn span should be mostly speech on its own channel"
        assert own[inside].mean() - other[inside].mean() > 15, "speech should not leak onto the other channel"
    for ch in (0, 1):
        loud = np.flatnonzero(db[ch] > np.median(db[ch]) + 20)
        spans = [(t["start"], t["end"]) for t in tiny["turns"] if t["channel"] == ch]
        for t in times[loud]:
            assert any(s - 0.05 <= t <= e + 0.05 for s, e in spans), f"speech at {t:.2f}s outside the truth spans"


def test_turns_do_not_overlap_and_pause_is_kept(tiny):
    first, second = tiny["turns"]
    assert second["start"] - first["end"] == pytest.approx(0.8, abs=1e-3)
    assert 0 <= first["start"] < first["end"] < tiny["duration"]


def test_deterministic(tiny, tmp_path):
    again = synth.synthesize(TINY, tmp_path, mono=False, noise_db=30, seed=0)
    assert Path(again["paths"]["stereo"]).read_bytes() == Path(tiny["paths"]["stereo"]).read_bytes()


def test_bad_label_rejected(tmp_path):
    bad = {**TINY, "turn": [{"speaker": "caller", "label": "grens_stellen", "text": "hallo"}]}
    with pytest.raises(ValueError):
        synth.synthesize(bad, tmp_path)


def test_voice_fallback(monkeypatch):
    monkeypatch.setitem(synth.FALLBACK_VOICE, "mb-xx9", "nl+f3")
    synth.resolve_voice.cache_clear()
    assert synth.resolve_voice("mb-xx9") == "nl+f3"
    with pytest.raises(RuntimeError):
        synth.resolve_voice("mb-yy9")
    synth.resolve_voice.cache_clear()


def test_bundled_examples_match_scripts():
    """examples/calls holds a truth file per bundled script, with the script's turns."""
    for script in bundled_scripts():
        data = synth.load_script(script)
        truth_path = EXAMPLES_DIR / f"{data['id']}.truth.json"
        assert truth_path.exists(), f"run eval/make_examples.sh ({truth_path} missing)"
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        assert [(t["speaker"], t["text"], t["label"]) for t in truth["turns"]] == [
            (t["speaker"], t["text"], t["label"]) for t in data["turn"]
        ]
        assert (EXAMPLES_DIR / truth["files"]["stereo"]).exists()


def test_mbrola_voices_are_installed():
    """The example calls and the ASR evaluation are spoken by MBROLA; espeak's own voices sound different."""
    if synth.resolve_voice("mb-nl2") != "mb-nl2" or synth.resolve_voice("mb-nl3") != "mb-nl3":
        pytest.skip("MBROLA Dutch voices missing: sudo bash eval/install_voices.sh")
