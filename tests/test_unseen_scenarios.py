"""End to end on six calls that no model choice was tuned on: highest level, meldadvies and events.

The scripts `eval/scripts/unseen_*.toml` were written after the classifier, the listening windows and the
timeline rules were chosen, with municipal situations and Dutch phrasing that appear in none of the corpus,
author sets or other scenario scripts. Their audio is not committed (`bundle = false`): it is synthesised
here into the session's tmp folder (stereo, the agent on the left channel, as the bundled example calls)
and scored with the shared pipeline, like tests/test_scenarios.py scores the bundled calls.

The expectations are the scripts' own truth (their turn labels and the meldadvies rules of the README), not
what the pipeline happens to output. A case the pipeline gets wrong today is a strict xfail with what was
measured, so it flips to a failure (and the mark must go) when the model improves; a case whose outcome
depends on the CPU's kernels is a non-strict xfail that says where it was measured (`CPU_DEPENDENT`).
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

# script id -> (highest level, advice, [(event kind, scripted label whose first turn it must match)])
UNSEEN = {
    "unseen_woz": (0, "niet_melden", []),  # WOZ-waarde, taxatieverslag and bezwaartermijn: calm
    "unseen_grafrechten": (1, "niet_melden", [("first_emotion", "emotie_ik")]),  # grave rights expired
    "unseen_geluidsoverlast": (2, "niet_melden", [("first_criticism", "kritiek_jullie")]),  # noise, ombudsman
    "unseen_dakkapel": (  # building permit delayed: insult, behaviour named, boundary, apology
        3, "niet_melden", [("norm_crossed", "agressie_jij"), ("caller_corrected", "emotie_ik")]),
    "unseen_jeugdhulp": (  # youth-care waiting list: insults go on after the boundary, agent ends the call
        3, "melden", [("norm_crossed", "agressie_jij"), ("ended_by_agent", "gesprek_beeindigen")]),
    "unseen_urgentie": (  # housing urgency refused: threat of violence, agent ends the call
        4, "melden", [("threat", "dreiging"), ("ended_by_agent", "gesprek_beeindigen")]),
}

# Events that claim a norm crossing or an agent's boundary step, and the scripted turn labels that justify
# each: such an event must fall within 2 s of a turn with one of these labels (a false alarm otherwise).
ADDRESS = {"gedrag_benoemen", "grens_stellen", "gesprek_beeindigen"}
JUSTIFIED_BY = {
    "threat": {"dreiging"},
    "possible_threat": {"dreiging"},
    "norm_crossed": {"agressie_jij", "dreiging"},
    "possible_norm_crossed": {"agressie_jij", "dreiging"},
    "behaviour_named": ADDRESS,
    "boundary_set": ADDRESS,
    "ended_by_agent": {"gesprek_beeindigen"},
    "caller_corrected": {"neutraal", "emotie_ik", "kritiek_jullie"},
}

# How unseen_dakkapel's neutral opening is heard and read with the AVX2 settings.
_DAKKAPEL_OPENING = (
    "with CT2_FORCE_CPU_ISA=AVX2 CT2_USE_MKL=0 ONEDNN_MAX_CPU_ISA=AVX2 the caller's neutral opening (a permit asked "
    "for in januari), heard as 'Morgen, ik heb in Jan L... daar een witte van je schermtje ... stom je zutkel', is "
    "read dreiging"
)
# Event false alarms known today (strict xfails; whisper base int8, stereo, 2 cores). Since 0.9 the caller head
# reads the agent's turn before: after the agent names the behaviour or sets a boundary, a garbled caller turn
# can lean towards dreiging.
FALSE_ALARMS_TODAY = {
    "unseen_urgentie": "1.3 and 1.2 on 2026-12-07, on every setting: a garbled caller turn, heard as 'het marsal serieel is "
    "dat op het man les dat ik zoek wil het rariegon.' (with CT2_FORCE_CPU_ISA=AVX2 CT2_USE_MKL=0 ONEDNN_MAX_CPU_ISA="
    "AVX2 as 'met Marzo Alcheriel is naop op mijn les dat ik zoek wil uit Rarygon'), is read neutraal, so a "
    "caller_corrected event comes at 45.5 s where the script has none. 1.1 and 1.0 had it with the AVX2 settings "
    "only, 0.7 to 0.9 likewise; 0.6 was right on every setting",
}
# Right or wrong depending on the CPU: CTranslate2 and oneDNN pick their kernels by instruction set, and Whisper's
# greedy decoding of an MBROLA turn can flip on the last bits (README "Test audio": CT2_FORCE_CPU_ISA and
# ONEDNN_MAX_CPU_ISA show another CPU's result). Non-strict xfails: the reason says where each was measured.
# unseen_jeugdhulp's false possible threat at 50.1 s (1.1: with the AVX2 and AVX512 settings; 1.0 and 0.9: on every
# setting) is gone with 1.2 on all three settings (2026-12-07).
CPU_DEPENDENT = {
    "unseen_dakkapel": "1.3 on 2026-12-07: right with the CPU's own kernels (Intel, AMX); with CT2_FORCE_CPU_ISA=AVX512 "
    "a caller turn at 15.4 s reads dreiging, a threat event where the script has none (1.2 was right there); "
    f"{_DAKKAPEL_OPENING}: a possible threat at 3.7 s where the script has none (1.1 had it on every setting: "
    "with the CPU's own kernels the opening, heard as 'Morgen, ik heb in Jan Larynsers een in Angemering voor een "
    "dakabel ...', read dreiging at 0.47; 0.9 also had false possible threats at 3.7 s and 30.5 s)",
}
# The same for the highest level and the meldadvies (non-strict xfails in those two tests).
LEVEL_CPU_DEPENDENT = {
    "unseen_dakkapel": "1.3 on 2026-12-07: right with the CPU's own kernels (Intel, AMX; 1.2 also with "
    "CT2_FORCE_CPU_ISA=AVX512, 1.1 and 1.0 with the CPU's own kernels only); with CT2_FORCE_CPU_ISA=AVX512 a caller turn "
    f"at 15.4 s reads dreiging, and {_DAKKAPEL_OPENING}: level 4 and melden on a call scripted level 3, niet_melden "
    "(0.3-0.9 were wrong on every setting)",
}


_RESULTS: dict = {}  # each call is synthesised and scored once for all its tests


def _score(pipeline, synth_call, name):
    if name not in _RESULTS:
        truth = synth_call(name)
        _RESULTS[name] = (truth, pipeline.score(truth["paths"]["stereo"]))
    return _RESULTS[name]


def _transcript(result):
    return [(round(u.start, 1), u.role, u.text, u.classification.label) for u in result.utterances]


def _cases(known_wrong: dict[str, str] | None = None, cpu_dependent: dict[str, str] | None = None):
    """The calls as test cases: known wrong ones are strict xfails, CPU-dependent ones non-strict."""

    def case(name: str):
        if known_wrong and name in known_wrong:
            return pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=known_wrong[name]))
        if cpu_dependent and name in cpu_dependent:
            return pytest.param(name, marks=pytest.mark.xfail(strict=False, reason=cpu_dependent[name]))
        return name

    return [case(name) for name in UNSEEN]


@pytest.mark.parametrize("name", _cases(cpu_dependent=LEVEL_CPU_DEPENDENT))
def test_unseen_highest_level(pipeline, synth_call, name):
    level, _, _ = UNSEEN[name]
    truth, result = _score(pipeline, synth_call, name)
    assert truth["max_level"] == level  # the table says what the script's labels say
    assert result.timeline.max_level == level, _transcript(result)


@pytest.mark.parametrize("name", _cases(cpu_dependent=LEVEL_CPU_DEPENDENT))
def test_unseen_meldadvies(pipeline, synth_call, name):
    _, advice, _ = UNSEEN[name]
    _, result = _score(pipeline, synth_call, name)
    assert result.timeline.advice.advice == advice, (result.timeline.advice.reasons, _transcript(result))


KEY_EVENTS = [(name, kind, label) for name, (_, _, events) in UNSEEN.items() for kind, label in events]


@pytest.mark.parametrize("name,kind,label", KEY_EVENTS)
def test_unseen_key_event_within_2s(pipeline, synth_call, name, kind, label):
    truth, result = _score(pipeline, synth_call, name)
    expected = next(t["start"] for t in truth["turns"] if t["label"] == label)
    times = [e.time for e in result.timeline.events if e.kind == kind]
    assert any(abs(t - expected) <= 2.0 for t in times), (kind, expected, times, _transcript(result))


@pytest.mark.parametrize("name", _cases(FALSE_ALARMS_TODAY, CPU_DEPENDENT))
def test_unseen_no_false_alarm_events(pipeline, synth_call, name):
    """Every norm-crossing, threat or boundary event points at a scripted turn that is one."""
    truth, result = _score(pipeline, synth_call, name)
    unjustified = [
        (e.kind, round(e.time, 1), e.quote)
        for e in result.timeline.events
        if e.kind in JUSTIFIED_BY
        and not any(t["label"] in JUSTIFIED_BY[e.kind] and t["start"] - 2.0 <= e.time <= t["end"] + 2.0
                    for t in truth["turns"])
    ]
    assert not unjustified, (unjustified, _transcript(result))
