"""End to end on the six bundled scenario calls: highest level, meldadvies and key events within 2 s."""

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "calls"

# scenario -> (highest level, advice, [(event kind, scripted label whose first turn it must match)])
SCENARIOS = {
    "neutraal": (0, "niet_melden", []),
    "emotie": (1, "niet_melden", [("first_emotion", "emotie_ik")]),
    "kritiek": (2, "niet_melden", [("first_criticism", "kritiek_jullie")]),
    "agressie_gecorrigeerd": (3, "niet_melden", [("norm_crossed", "agressie_jij"), ("caller_corrected", "emotie_ik")]),
    "agressie_beeindigd": (3, "melden", [("norm_crossed", "agressie_jij"), ("ended_by_agent", "gesprek_beeindigen")]),
    "dreiging": (4, "melden", [("threat", "dreiging"), ("ended_by_agent", "gesprek_beeindigen")]),
}


# With the marker layer as classifier these fail: Whisper base garbles the words the markers look for
# ("idioot" -> "video", "beëindig" -> "breng er"). They must pass with the trained classifier (issue 3);
# strict, so a scenario that starts passing has to be moved out of this list.
MARKERS_MISS = pytest.mark.xfail(strict=True, reason="marker layer on garbled ASR text; needs the trained classifier")
CASES = [pytest.param(name, marks=() if name == "neutraal" else MARKERS_MISS) for name in SCENARIOS]


@pytest.mark.parametrize("name", CASES)
def test_scenario(pipeline, name):
    level, advice, key_events = SCENARIOS[name]
    truth = json.loads((EXAMPLES / f"{name}.truth.json").read_text())
    result = pipeline.score(EXAMPLES / f"{name}.wav")
    timeline = result.timeline
    transcript = [(u.role, u.text, u.classification.label) for u in result.utterances]
    assert timeline.max_level == level, transcript
    assert timeline.advice.advice == advice, timeline.advice.reasons
    for kind, label in key_events:
        expected = next(t["start"] for t in truth["turns"] if t["label"] == label)
        times = [e.time for e in timeline.events if e.kind == kind]
        assert any(abs(t - expected) <= 2.0 for t in times), (kind, expected, times, transcript)
