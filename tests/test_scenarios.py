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

# The agent of `dreiging` is the mb-nl3 voice (Whisper base: ~66% WER on it); its closing turn "Ik beëindig
# nu dit gesprek, en ik doe hiervan melding" comes out as "Ik ben vangt door genoeg de bestrek en ik doe er
# van melding". Until the classifier of session 3 that ended_by_agent event was a strict xfail.


_RESULTS: dict = {}  # each example call is scored once for all its tests


def _score(pipeline, name):
    if name not in _RESULTS:
        _RESULTS[name] = pipeline.score(EXAMPLES / f"{name}.wav")
    return _RESULTS[name]


def _transcript(result):
    return [(u.role, u.text, u.classification.label) for u in result.utterances]


# neutraal was level 1 with the 0.2 classifier (its garbled opening "voor een man, ze huid" read emotie_ik);
# the 0.3 classifier reads it neutraal, so every level is checked again.
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scenario_level_and_advice(pipeline, name):
    level, advice, _ = SCENARIOS[name]
    result = _score(pipeline, name)
    assert result.timeline.advice.advice == advice, result.timeline.advice.reasons
    assert result.timeline.max_level == level, _transcript(result)


KEY_EVENTS = [(name, kind, label) for name, (_, _, events) in SCENARIOS.items() for kind, label in events]


def _key_event_miss(pipeline, name, kind, label):
    """None when the event is within 2 s of its scripted turn, else what came instead."""
    truth = json.loads((EXAMPLES / f"{name}.truth.json").read_text())
    result = _score(pipeline, name)
    expected = next(t["start"] for t in truth["turns"] if t["label"] == label)
    times = [round(e.time, 1) for e in result.timeline.events if e.kind == kind]
    return None if any(abs(t - expected) <= 2.0 for t in times) else (name, kind, expected, times, _transcript(result))


def test_scenario_key_events_within_2s(pipeline):
    """Each key event at its scripted turn; two may miss. A garbled opening complaint read agressie_jij puts
    norm_crossed early, and a single MBROLA turn can be heard differently on another CPU (README "Test audio").
    With this machine's own kernels on 2026-12-06, agressie_beeindigd's opening complaint was heard as "Je liet zijn
    ben ongeveer een kled ..." and read agressie_jij, 6.5 s early (right with CT2_FORCE_CPU_ISA=AVX512); since 1.2
    (2026-12-07) agressie_gecorrigeerd's, heard as "Je wil je hebben mij een moeder gestuurd, terwijl ik op mijn
    eigen hot rits stond.", is read agressie_jij after the agent's greeting too (1.1: emotie_ik), 8.5 s early. The
    level and the meldadvies of both calls stay right (`test_scenario_level_and_advice`)."""
    misses = [m for m in (_key_event_miss(pipeline, *e) for e in KEY_EVENTS) if m]
    print(f"\nkey events missed: {len(misses)} of {len(KEY_EVENTS)}: {misses}")
    assert len(misses) <= 2, misses


