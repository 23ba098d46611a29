"""End to end on synthesised telephone calls with the real models (faster-whisper base, resemblyzer)."""

import pytest

pytestmark = pytest.mark.slow


def overlap(a0, a1, b0, b1):
    return max(0.0, min(a1, b1) - max(a0, b0))


def matched_roles(result, truth):
    """For each scripted turn, the role of the utterance that overlaps it most (None if none does)."""
    roles = []
    for turn in truth["turns"]:
        best = max(result.utterances, key=lambda u: overlap(u.start, u.end, turn["start"], turn["end"]), default=None)
        ok = best is not None and overlap(best.start, best.end, turn["start"], turn["end"]) > 0
        roles.append(best.role if ok else None)
    return roles


def test_stereo_threat_call(pipeline, synth_call):
    truth = synth_call("dreiging")
    result = pipeline.score(truth["paths"]["stereo"])
    assert result.status == "ok", result.error
    assert result.speakers.method == "stereo" and result.speakers.agent_channel == truth["agent_channel"]
    threats = [t for t in truth["turns"] if t["level"] == 4]
    found = [u for u in result.utterances if u.classification and u.classification.level == 4]
    assert found, [u.text for u in result.utterances]
    assert all(u.role == "caller" for u in found)
    assert any(abs(u.start - t["start"]) <= 1.5 for u in found for t in threats)
    assert result.timeline.max_level == 4
    assert matched_roles(result, truth) == [t["role"] for t in truth["turns"]]


def test_mono_threat_call_same_roles(pipeline, synth_call):
    truth = synth_call("dreiging")
    result = pipeline.score(truth["paths"]["mono"])
    assert result.status == "ok", result.error
    assert result.speakers.method == "mono_clustering" and result.speakers.n_speakers == 2
    roles = matched_roles(result, truth)
    expected = [t["role"] for t in truth["turns"]]
    agree = sum(r == e for r, e in zip(roles, expected)) / len(expected)
    assert agree >= 0.8, list(zip(roles, expected))


def test_vad_keeps_the_end_of_a_threat(pipeline, tmp_path):
    """Telephone-band VAD (threshold 0.35) keeps the last words of a short threat."""
    from vpd_speech.training.synth import synthesize

    script = {
        "id": "kort",
        "turn": [
            {"speaker": "agent", "label": "overig", "text": "Gemeente Zaanstad, u spreekt met Sanne."},
            {"speaker": "caller", "label": "dreiging", "text": "Ik sla hier straks alles kapot.", "pause": 0.8},
        ],
    }
    truth = synthesize(script, tmp_path)
    result = pipeline.score(truth["paths"]["stereo"])
    caller_text = " ".join(u.text for u in result.utterances if u.role == "caller").lower()
    assert "kapot" in caller_text, caller_text


def test_a_callers_words_are_read_after_the_agents_turn_before(pipeline):
    """The same caller words twice in one call, once after a refusal and once after an offer to fetch the pass:
    the classify stage hands each its own turn before, so the refusal's reads more threatening."""
    from vpd_speech.schema import Utterance

    said = [("agent", "U krijgt dat geld niet, het besluit is definitief."),
            ("caller", "Dan kom ik het zelf wel even halen."),
            ("agent", "Uw nieuwe pas ligt klaar, u kunt hem ophalen bij de balie."),
            ("caller", "Dan kom ik het zelf wel even halen.")]
    utterances = [Utterance(id=i, speaker=role, role=role, start=3.0 * i, end=3.0 * i + 2, text=text, words=[])
                  for i, (role, text) in enumerate(said)]
    pipeline.classify(utterances)
    after_refusal, after_offer = (u.classification.probabilities["dreiging"] for u in utterances[1::2])
    assert after_refusal > after_offer + 0.05, (after_refusal, after_offer)
