"""Scenario tests of the escalation timeline: every cell of the norm matrix and every branch of the advice."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from vpd_speech.labels import LEVEL_OF
from vpd_speech.schema import Classification, Evidence, Timeline, Utterance, Word
from vpd_speech.timeline.advice import PATTERN_NOTE
from vpd_speech.timeline.build import build_timeline
from vpd_speech.timeline.options import TimelineOptions, fmt_time

# --------------------------------------------------------------------------- script helpers


def words_for(text: str, start: float, end: float, prob: float = 0.95) -> list[Word]:
    toks = text.split()
    step = (end - start) / max(len(toks), 1)
    return [
        Word(start=start + i * step, end=start + (i + 1) * step, text=t, probability=prob) for i, t in enumerate(toks)
    ]


def C(
    start: float, label: str, text: str, prob: float = 0.9, evidence: str | None = None, dur: float = 3.0, **kw
) -> dict:
    return {
        "role": "caller",
        "start": start,
        "label": label,
        "text": text,
        "prob": prob,
        "evidence": evidence,
        "dur": dur,
        "kw": kw,
    }


def A(start: float, act: str, text: str, dur: float = 3.0) -> dict:
    return {
        "role": "agent",
        "start": start,
        "label": act,
        "text": text,
        "prob": 0.9,
        "evidence": None,
        "dur": dur,
        "kw": {},
    }


def make(script: list[dict]) -> list[Utterance]:
    """Utterances from a script of caller labels and agent acts, with words, probabilities and evidence."""
    out = []
    for i, s in enumerate(script):
        start, end, text = s["start"], s["start"] + s["dur"], s["text"]
        kw = dict(s["kw"])
        word_prob = kw.pop("word_prob", 0.95)
        if s["role"] == "caller":
            level = LEVEL_OF[s["label"]]
            probs = {s["label"]: s["prob"]}
            if s["label"] != "neutraal":
                probs["neutraal"] = round(1 - s["prob"], 3)
            ev = []
            if s["evidence"]:
                at = text.index(s["evidence"])
                ev = [
                    Evidence(
                        start=at,
                        end=at + len(s["evidence"]),
                        text=s["evidence"],
                        kind="threat" if level == 4 else "insult",
                    )
                ]
            cls = Classification(label=s["label"], level=level, probabilities=probs, evidence=ev, source="test")
        else:
            cls = Classification(label=s["label"], level=None, probabilities={s["label"]: 0.9}, source="test")
        out.append(
            Utterance(
                id=i,
                speaker="S1" if s["role"] == "caller" else "S0",
                role=s["role"],
                start=start,
                end=end,
                text=text,
                words=words_for(text, start, end, word_prob),
                classification=cls,
                **kw,
            )
        )
    return out


def run(script: list[dict], duration: float | None = None, **opts) -> Timeline:
    utts = make(script)
    dur = duration if duration is not None else max(u.end for u in utts) + 10.0
    return build_timeline(utts, dur, options=TimelineOptions(**opts) if opts else None)


def kinds(tl: Timeline) -> list[tuple[str, float]]:
    return [(e.kind, e.time) for e in tl.events]


def all_text(tl: Timeline) -> str:
    obs = [o for ep in tl.episodes for o in ep.werkinstructie.observations]
    return "\n".join(obs + (tl.advice.reasons if tl.advice else []))


# --------------------------------------------------------------------------- scenario table


@dataclass
class Scenario:
    name: str
    script: list[dict]
    max_level: int
    advice: str
    events: list[tuple[str, float]] = field(default_factory=list)  # must be present
    absent: list[str] = field(default_factory=list)  # event kinds that must not be there
    texts: list[str] = field(default_factory=list)  # substrings of observations or reasons
    duration: float | None = None
    approaches: list[str] = field(default_factory=list)
    missing: list[list[str]] | None = None  # per episode


SCENARIOS = [
    Scenario(
        "neutral_only",
        [
            A(0, "overig", "Gemeente Utrecht, goedemorgen."),
            C(4, "neutraal", "Ik wil een nieuw paspoort aanvragen."),
            A(8, "mogelijkheden", "Dat kan via een afspraak op de website."),
            C(12, "neutraal", "Dank u wel."),
        ],
        0,
        "niet_melden",
        absent=["first_emotion", "first_criticism", "norm_crossed", "threat"],
        texts=["Geen emotie, kritiek of grensoverschrijding herkend"],
    ),
    Scenario(
        "emotion_only_full_ombuigen",
        [
            C(10, "emotie_ik", "Ik ben echt ten einde raad, ik heb dit geld nodig."),
            A(14, "erkennen_emotie", "Ik hoor dat dit u erg raakt."),
            A(20, "uitleggen", "De aanvraag moet eerst beoordeeld worden, zo is de regel."),
            A(26, "mogelijkheden", "Wat wel kan is een voorschot aanvragen."),
            A(32, "afronden", "Ik stuur u het formulier, fijne dag."),
        ],
        1,
        "niet_melden",
        events=[("first_emotion", 10)],
        absent=["first_criticism", "norm_crossed", "calm_restored"],
        texts=[PATTERN_NOTE, "De medewerker had aandacht voor de emotie om 00:14.", "emotie (ik) om 00:10"],
        approaches=["OMBUIGEN"],
        missing=[[]],
    ),
    Scenario(
        "criticism_only_steps_missing",
        [
            C(5, "kritiek_jullie", "Jullie zijn een stelletje amateurs bij de gemeente."),
            A(9, "uitleggen", "Wij moeten ons aan de wet houden."),
            A(15, "mogelijkheden", "U kunt bezwaar maken."),
            C(19, "neutraal", "Goed, dan doe ik dat."),
        ],
        2,
        "niet_melden",
        events=[("first_criticism", 5)],
        texts=[
            PATTERN_NOTE,
            "Na de kritiek om 00:05 is geen aandacht voor de emotie gehoord.",
            "Na de kritiek om 00:05 is het gesprek niet afgerond.",
        ],
        approaches=["OMBUIGEN"],
        missing=[["erkennen_emotie", "afronden"]],
    ),
    Scenario(
        "ombuigen_out_of_order",
        [
            C(5, "emotie_ik", "Ik snap er niks van, ik word er gek van."),
            A(9, "uitleggen", "Zo werkt de regeling."),
            A(15, "erkennen_emotie", "Ik begrijp dat het frustrerend is."),
            A(20, "mogelijkheden", "U kunt een afspraak maken."),
            A(25, "afronden", "Fijne dag verder."),
        ],
        1,
        "niet_melden",
        texts=["andere volgorde dan in de werkinstructie: uitleggen (00:09), aandacht voor de emotie (00:15)"],
        approaches=["OMBUIGEN"],
        missing=[[]],
    ),
    Scenario(
        "aggression_corrected_after_boundary",
        [
            C(5, "kritiek_jullie", "Jullie doen ook nooit iets."),
            C(12, "agressie_jij", "Jij bent gewoon een stomme trut.", evidence="stomme trut"),
            A(16, "gedrag_benoemen", "U scheldt mij uit."),
            A(20, "grens_stellen", "Dat accepteer ik niet, als u doorgaat beëindig ik het gesprek."),
            C(25, "neutraal", "Sorry, u heeft gelijk, het zit me gewoon hoog."),
            A(30, "mogelijkheden", "Ik kan wel een terugbelverzoek doen."),
            A(36, "afronden", "Ik zet het verzoek nu uit."),
        ],
        3,
        "niet_melden",
        events=[
            ("first_criticism", 5),
            ("norm_crossed", 12),
            ("behaviour_named", 16),
            ("boundary_set", 20),
            ("caller_corrected", 25),
        ],
        absent=["repeated_after_correction", "ended_by_agent", "caller_hung_up"],
        texts=[
            PATTERN_NOTE,
            "De burger is om 00:16 aangesproken (gedrag benoemd).",
            "hoefde niet opnieuw gecorrigeerd te worden",
            "„stomme trut”",
            "Na het aanspreken ging de burger om 00:25 verder zonder agressie",
        ],
        approaches=["GRENS STELLEN"],
        missing=[[]],
    ),
    Scenario(
        "aggression_persisted_then_ended",
        [
            C(12, "agressie_jij", "Jij bent een idioot.", evidence="idioot"),
            A(16, "grens_stellen", "Als u mij blijft uitschelden beëindig ik het gesprek."),
            C(20, "agressie_jij", "Kan me niks schelen, jij bent een sukkel.", evidence="sukkel"),
            A(25, "gesprek_beeindigen", "Ik beëindig nu het gesprek."),
        ],
        3,
        "melden",
        events=[("norm_crossed", 12), ("boundary_set", 16), ("repeated_after_correction", 20), ("ended_by_agent", 25)],
        absent=["caller_corrected", "caller_hung_up"],
        texts=[
            "om 00:20 opnieuw over de grens: „sukkel”",
            "Het gedrag hield aan",
            "De medewerker beëindigde het gesprek om 00:25.",
            "Na de agressie om 00:12 is het gedrag niet benoemd.",
        ],
        approaches=["GRENS STELLEN"],
        missing=[["gedrag_benoemen"]],
    ),
    Scenario(
        "aggression_persisted_not_ended",
        [
            C(12, "agressie_jij", "Jij bent een idioot.", evidence="idioot"),
            A(16, "gedrag_benoemen", "U noemt mij een idioot."),
            A(19, "grens_stellen", "Dat accepteer ik niet."),
            C(23, "agressie_jij", "Jij snapt er echt helemaal niks van, klootzak.", evidence="klootzak"),
            A(28, "uitleggen", "Ik leg het nog een keer uit."),
        ],
        3,
        "melden",
        events=[("repeated_after_correction", 23)],
        texts=["Na de herhaalde agressie om 00:23 is het gesprek niet beëindigd."],
        approaches=["GRENS STELLEN"],
        missing=[["gesprek_beeindigen"]],
    ),
    Scenario(
        "aggression_never_addressed",
        [
            C(12, "agressie_jij", "Jij bent een sukkel.", evidence="sukkel"),
            A(16, "uitleggen", "De regels zijn zo."),
            C(20, "neutraal", "Ok."),
        ],
        3,
        "melden",
        events=[("norm_crossed", 12)],
        absent=["caller_corrected"],
        texts=["niet op het gedrag aangesproken", "Na de agressie om 00:12 is het gedrag niet benoemd."],
        approaches=["GRENS STELLEN"],
        missing=[["gedrag_benoemen", "grens_stellen"]],
    ),
    Scenario(
        "aggression_addressed_no_reply",
        [
            C(12, "agressie_jij", "Jij bent een sukkel.", evidence="sukkel"),
            A(16, "grens_stellen", "Dat accepteer ik niet."),
        ],
        3,
        "melden",
        events=[("boundary_set", 16)],
        absent=["caller_corrected", "caller_hung_up"],
        texts=["sprak de burger niet meer"],
    ),
    Scenario(
        "threat_ended",
        [
            C(5, "kritiek_jullie", "Jullie zijn een schande."),
            C(161, "dreiging", "Ik weet waar je woont, ik kom je opzoeken.", evidence="Ik weet waar je woont"),
            A(165, "grens_stellen", "Dit accepteer ik niet."),
            A(170, "gesprek_beeindigen", "Ik beëindig nu dit gesprek."),
        ],
        4,
        "melden",
        events=[("first_criticism", 5), ("threat", 161), ("boundary_set", 165), ("ended_by_agent", 170)],
        absent=["caller_hung_up"],
        texts=[
            "Bedreiging om 02:41: „Ik weet waar je woont”",
            "altijd gemeld",
            "De medewerker beëindigde het gesprek om 02:50.",
        ],
        approaches=["OMBUIGEN", "GRENS STELLEN EN EINDE GESPREK"],
        missing=[["erkennen_emotie", "uitleggen", "mogelijkheden", "afronden"], []],
    ),
    Scenario(
        "threat_not_ended",
        [
            C(161, "dreiging", "Pas maar op, ik sla je verrot.", evidence="ik sla je verrot"),
            A(165, "uitleggen", "Ik probeer het uit te leggen."),
            C(170, "neutraal", "Ja ja."),
            A(175, "afronden", "Goedemiddag."),
        ],
        4,
        "melden",
        events=[("threat", 161)],
        absent=["ended_by_agent", "caller_hung_up"],
        texts=[
            "Na de bedreiging om 02:41 is het gesprek niet beëindigd.",
            "Na de bedreiging om 02:41 is het gedrag niet benoemd.",
        ],
        approaches=["GRENS STELLEN EN EINDE GESPREK"],
        missing=[["gedrag_benoemen", "grens_stellen", "gesprek_beeindigen"]],
    ),
    Scenario(
        "threat_caller_hung_up",
        [
            C(10, "agressie_jij", "Jij bent een eikel.", evidence="eikel"),
            A(13, "gedrag_benoemen", "U scheldt mij uit."),
            C(16, "dreiging", "Ik maak je af.", evidence="Ik maak je af"),
        ],
        4,
        "melden",
        duration=21.0,
        events=[("norm_crossed", 10), ("threat", 16), ("repeated_after_correction", 16), ("caller_hung_up", 19)],
        absent=["ended_by_agent"],
        texts=["De burger verbrak de verbinding om 00:19."],
        approaches=["GRENS STELLEN EN EINDE GESPREK"],
        missing=[["gesprek_beeindigen"]],
    ),
    Scenario(
        "re_escalation_after_calm",
        [
            C(10, "agressie_jij", "Jij bent een sukkel.", evidence="sukkel"),
            A(14, "grens_stellen", "Dat accepteer ik niet."),
            C(18, "neutraal", "Sorry."),
            C(25, "neutraal", "Waar was ik."),
            C(35, "emotie_ik", "Ik heb het gewoon zwaar."),
            C(50, "agressie_jij", "Jij bent echt dom.", evidence="dom"),
            A(54, "gedrag_benoemen", "U noemt mij dom."),
            A(58, "gesprek_beeindigen", "Ik beëindig het gesprek."),
        ],
        3,
        "melden",
        events=[
            ("norm_crossed", 10),
            ("caller_corrected", 18),
            ("calm_restored", 18),
            ("norm_crossed", 50),
            ("repeated_after_correction", 50),
            ("ended_by_agent", 58),
        ],
        texts=["om 00:50 opnieuw over de grens", "Daarnaast: de medewerker beëindigde het gesprek om 00:58."],
        approaches=["GRENS STELLEN", "GRENS STELLEN"],
        missing=[["gedrag_benoemen"], ["grens_stellen"]],
    ),
    Scenario(
        "boundary_before_aggression_calm",
        [
            C(5, "kritiek_jullie", "Jullie zijn echt waardeloos."),
            A(9, "grens_stellen", "Als u op deze toon doorgaat beëindig ik het gesprek."),
            C(13, "neutraal", "Ok, sorry."),
            A(17, "afronden", "Dank u."),
        ],
        2,
        "niet_melden",
        events=[("first_criticism", 5), ("boundary_set", 9)],
        absent=["caller_corrected", "norm_crossed"],
        texts=[PATTERN_NOTE, "Daarnaast: de medewerker gaf aan dat dit gedrag niet geaccepteerd wordt om 00:09."],
    ),
    Scenario(
        "boundary_before_aggression_then_aggression",
        [
            C(5, "kritiek_jullie", "Jullie zijn echt waardeloos."),
            A(9, "grens_stellen", "Als u op deze toon doorgaat beëindig ik het gesprek."),
            C(20, "agressie_jij", "Jij bent een trut.", evidence="trut"),
            A(24, "uitleggen", "Ik leg het uit."),
            C(28, "neutraal", "Ok."),
        ],
        3,
        "melden",
        events=[("boundary_set", 9), ("norm_crossed", 20)],
        absent=["caller_corrected"],
        texts=["De grens om 00:09 werd gesteld vóór de agressie"],
    ),
    Scenario(
        "low_confidence_no_speech",
        [
            C(5, "neutraal", "Goedemorgen."),
            C(10, "agressie_jij", "jij kut", evidence="kut", no_speech_prob=0.8),
            C(15, "neutraal", "Ik bel over mijn pas."),
        ],
        0,
        "niet_melden",
        events=[("possible_norm_crossed", 10)],
        absent=["norm_crossed"],
        texts=["niet meegeteld: onzekere transcriptie", "luister dit terug"],
    ),
    Scenario(
        "low_confidence_logprob",
        [C(10, "dreiging", "ik pak je", evidence="ik pak je", avg_logprob=-1.4)],
        0,
        "niet_melden",
        events=[("possible_threat", 10)],
        absent=["threat", "caller_hung_up"],
    ),
    Scenario(
        "low_confidence_word_probability",
        [C(5, "emotie_ik", "Ik ben boos."), C(10, "agressie_jij", "jij lul", evidence="lul", word_prob=0.3)],
        1,
        "niet_melden",
        events=[("possible_norm_crossed", 10)],
        absent=["norm_crossed"],
    ),
    Scenario(
        "borderline_single_is_possible",
        [
            C(5, "neutraal", "Goedemorgen."),
            C(10, "agressie_jij", "Jij moet eens luisteren.", prob=0.5, evidence="Jij moet eens luisteren"),
            C(15, "neutraal", "Ik bel over mijn pas."),
        ],
        0,
        "niet_melden",
        events=[("possible_norm_crossed", 10)],
        absent=["norm_crossed"],
        texts=["twijfelachtige herkenning (kans 0,50)", "„Jij moet eens luisteren”"],
    ),
    Scenario(
        "borderline_pair_corroborates",
        [
            C(10, "agressie_jij", "Jij bent een zeurpiet.", prob=0.55, evidence="zeurpiet"),
            C(14, "agressie_jij", "Jij kan echt niks.", prob=0.5, evidence="Jij kan echt niks"),
            A(18, "grens_stellen", "Dat accepteer ik niet."),
            C(22, "neutraal", "Sorry."),
        ],
        3,
        "niet_melden",
        events=[("norm_crossed", 10), ("caller_corrected", 22)],
        absent=["possible_norm_crossed"],
    ),
]


@pytest.mark.parametrize("sc", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_scenario(sc: Scenario) -> None:
    tl = run(sc.script, sc.duration)
    assert tl.max_level == sc.max_level
    assert tl.max_label == ["neutraal", "emotie_ik", "kritiek_jullie", "agressie_jij", "dreiging"][sc.max_level]
    assert tl.advice is not None and tl.advice.advice == sc.advice
    got = kinds(tl)
    for want in sc.events:
        assert want in got, f"{want} not in {got}"
    present = {k for k, _ in got}
    for k in sc.absent:
        assert k not in present, f"{k} unexpectedly in {got}"
    text = all_text(tl)
    for t in sc.texts:
        assert t in text, f"{t!r} not in:\n{text}"
    if sc.approaches:
        assert [ep.approach for ep in tl.episodes] == sc.approaches
    if sc.missing is not None:
        assert [ep.werkinstructie.missing for ep in tl.episodes] == sc.missing
    # Pattern note only where it applies: levels 1-3 with niet_melden.
    has_note = any(PATTERN_NOTE in r for r in tl.advice.reasons)
    assert has_note == (sc.advice == "niet_melden" and 1 <= sc.max_level <= 3)
    assert tl.advice.pattern_can_raise == has_note
    # Advice evidence points at real events.
    assert all(0 <= i < len(tl.events) for i in tl.advice.events)
    # Every level 3/4 (or possible) event quotes words of its utterance.
    utts = {u.id: u for u in make(sc.script)}
    for e in tl.events:
        if e.role == "caller" and e.utterance_id is not None and utts[e.utterance_id].classification.level >= 3:
            assert e.quote and e.quote in utts[e.utterance_id].text
    # Events are in time order.
    assert [e.time for e in tl.events] == sorted(e.time for e in tl.events)


# --------------------------------------------------------------------------- specific behaviour


def test_first_level_times_and_possible_not_counted() -> None:
    tl = run(
        [
            C(5, "emotie_ik", "Ik ben boos."),
            C(10, "kritiek_jullie", "Jullie zijn traag."),
            C(15, "agressie_jij", "Jij bent dom.", prob=0.4, evidence="dom"),
            C(20, "neutraal", "Ok."),
        ]
    )
    assert tl.first_level_s == {1: 5.0, 2: 10.0}
    lp = tl.levels[2]
    assert (lp.level, lp.counted_level, lp.guard, lp.probability) == (3, 2, "borderline", 0.4)
    assert tl.advice.advice == "niet_melden" and tl.max_level == 2
    possible = [i for i, e in enumerate(tl.events) if e.kind == "possible_norm_crossed"]
    assert possible and possible[0] in tl.advice.events


def test_low_confidence_counts_when_supported_but_never_raises() -> None:
    tl = run(
        [
            C(10, "agressie_jij", "Jij bent een sukkel.", evidence="sukkel"),
            C(14, "dreiging", "ik maak je af", evidence="ik maak je af", no_speech_prob=0.9),
        ]
    )
    # The unsure threat does not raise the level above its reliable neighbour's 3.
    assert [p.counted_level for p in tl.levels] == [3, 3]
    assert tl.max_level == 3
    assert "possible_threat" in {e.kind for e in tl.events}


def test_isolated_neighbour_too_far_does_not_support() -> None:
    tl = run(
        [
            C(10, "agressie_jij", "Jij bent een sukkel.", prob=0.5, evidence="sukkel"),
            C(100, "agressie_jij", "Jij bent dom.", prob=0.5, evidence="dom"),
        ]
    )
    assert tl.max_level == 0


def test_threshold_options() -> None:
    script = [
        C(10, "agressie_jij", "Jij bent een sukkel.", prob=0.5, evidence="sukkel"),
        A(14, "grens_stellen", "Dat accepteer ik niet."),
        C(18, "neutraal", "Sorry."),
    ]
    assert run(script).max_level == 0
    assert run(script, borderline_threshold=0.4).max_level == 3


def test_evidence_quote_and_span_from_words() -> None:
    tl = run([C(10, "dreiging", "Ik weet waar je woont hoor", evidence="weet waar je woont", dur=6.0)])
    ev = next(e for e in tl.events if e.kind == "threat")
    assert ev.quote == "weet waar je woont"
    assert ev.span == (pytest.approx(11.0), pytest.approx(15.0))  # words 2..5 of 6, one second each
    assert ev.level == 4 and ev.role == "caller" and ev.probability == 0.9


def test_quote_falls_back_to_text_when_evidence_is_bad() -> None:
    utts = make([C(10, "agressie_jij", "Jij bent een sukkel.")])
    utts[0].classification.evidence = [Evidence(start=50, end=60, text="niet hier", kind="insult")]
    tl = build_timeline(utts, 20.0)
    ev = next(e for e in tl.events if e.kind == "norm_crossed")
    assert ev.quote == "Jij bent een sukkel." and ev.span == (10.0, 13.0)


def test_curve_decaying_maximum() -> None:
    tl = run(
        [C(10, "agressie_jij", "Jij bent een sukkel.", evidence="sukkel")],
        duration=60.0,
        half_life_s=10.0,
        curve_step_s=1.0,
    )
    curve = dict(tl.curve)
    assert tl.curve[0] == (0.0, 0.0) and tl.curve[-1][0] == 60.0 and len(tl.curve) == 61
    assert curve[9.0] == 0.0 and curve[11.0] == 3.0
    assert curve[23.0] == pytest.approx(1.5, abs=0.01)  # one half-life after the end at 13 s
    values = [v for t, v in tl.curve if t >= 13]
    assert values == sorted(values, reverse=True)


def test_calm_restored_needs_lasting_calm() -> None:
    script = [
        C(10, "kritiek_jullie", "Jullie zijn traag."),
        C(14, "neutraal", "Nou ja."),
        C(20, "kritiek_jullie", "Jullie weer."),
    ]
    tl = run(script, duration=25.0)
    assert len(tl.episodes) == 1 and "calm_restored" not in {e.kind for e in tl.events}
    tl = run(script[:2], duration=60.0)
    assert [(e.kind, e.time) for e in tl.events if e.kind == "calm_restored"] == [("calm_restored", 14.0)]
    assert tl.episodes[0].calm_restored_s == 14.0 and tl.episodes[0].end == 14.0


def test_flags_and_arousal_attached() -> None:
    from vpd_speech.schema import ArousalPoint

    utts = make(
        [
            C(10, "agressie_jij", "Jij bent een sukkel.", evidence="sukkel"),
            A(14, "grens_stellen", "Dat accepteer ik niet."),
            C(18, "neutraal", "Sorry."),
            A(22, "gesprek_beeindigen", "Tot ziens."),
        ]
    )
    ar = [
        ArousalPoint(utterance_id=0, start=10, end=13, arousal=2.5),
        ArousalPoint(utterance_id=2, start=18, end=21, arousal=0.1),
    ]
    tl = build_timeline(utts, 30.0, arousal=ar)
    assert tl.boundary_set and tl.ended_by_agent and tl.caller_corrected is True
    assert next(e for e in tl.events if e.kind == "norm_crossed").arousal == 2.5
    assert next(e for e in tl.events if e.kind == "boundary_set").arousal is None
    assert tl.arousal == ar and dict(tl.arousal_curve)[11.0] == 2.5
    assert tl.max_level == 3  # arousal never changes a level


def test_json_roundtrip_and_schema_version() -> None:
    from vpd_speech.schema import SCHEMA_VERSION, CallResult

    tl = run(SCENARIOS[4].script)
    res = CallResult(call_id="c1", file="x.wav", timeline=tl)
    back = CallResult.model_validate_json(res.model_dump_json())
    assert back.timeline == tl and SCHEMA_VERSION == "1.1"


def test_empty_call() -> None:
    tl = build_timeline([], 0.0)
    assert tl.max_level == 0 and tl.advice.advice == "niet_melden" and tl.curve == [] and tl.episodes == []


@pytest.mark.parametrize("sec,want", [(0, "00:00"), (161, "02:41"), (59.6, "01:00"), (3725, "62:05")])
def test_fmt_time(sec: float, want: str) -> None:
    assert fmt_time(sec) == want
