"""Meldadvies of the norm matrix: melden or niet_melden, with Dutch reasons that cite the timeline's events.

The rules are described in the package docstring; only counted levels decide, possible events are listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vpd_speech.labels import LEVEL_NAMES_NL
from vpd_speech.schema import Advice, Timeline, TimelineEvent
from vpd_speech.timeline.options import TimelineOptions, fmt_time

PATTERN_NOTE = "een patroon over meerdere gesprekken kan tot melden leiden (coördinator)"
ADDRESS_NL = {"gedrag_benoemen": "gedrag benoemd", "grens_stellen": "grens gesteld"}


def _kind_act(kind: str) -> str:
    """The agent act behind an address event kind."""
    return {"behaviour_named": "gedrag_benoemen", "boundary_set": "grens_stellen"}.get(kind, kind)


@dataclass
class _Reasons:
    """Reasons as they are written, and the indexes of the events they cite as evidence."""

    ev: list[TimelineEvent]
    reasons: list[str] = field(default_factory=list)
    evidence: list[int] = field(default_factory=list)

    def of(self, kind: str) -> list[int]:
        """Indexes of the events of this kind, in the order of the list."""
        return [i for i, e in enumerate(self.ev) if e.kind == kind]

    def quote(self, i: int) -> str:
        """The quote of event i between Dutch quotation marks."""
        return f"„{self.ev[i].quote}”"

    def add(self, sentence: str, *evidence: int) -> None:
        """A reason, with the events it rests on."""
        self.reasons.append(sentence)
        self.evidence.extend(evidence)

    def cite(self, kind: str, sentence: str) -> None:
        """A reason for every event of this kind ({t} is its time), with the event as evidence."""
        for i in self.of(kind):
            self.add(sentence.format(t=fmt_time(self.ev[i].time)), i)


def _threat(r: _Reasons) -> str:
    """Level 4: always melden, citing each threat and how the call ended."""
    for i in r.of("threat"):
        r.add(f"Bedreiging om {fmt_time(r.ev[i].time)}: {r.quote(i)}.", i)
    r.add("Bij dreiging of intimidatie wordt altijd gemeld (normenkader, niveau 4).")
    r.cite("ended_by_agent", "De medewerker beëindigde het gesprek om {t}.")
    r.cite("caller_hung_up", "De burger verbrak de verbinding om {t}.")
    return "melden"


def _not_addressed(r: _Reasons, t0: float) -> str:
    """Level 3 that was never addressed after the crossing (a boundary set before it does not count): melden."""
    early = [i for i in r.of("boundary_set") if r.ev[i].time < t0]
    if early:
        r.add(
            f"De grens om {fmt_time(r.ev[early[0]].time)} werd gesteld vóór de agressie; "
            "daarna is de burger er niet opnieuw op aangesproken.",
            early[0],
        )
    else:
        r.add("De burger is daarna niet op het gedrag aangesproken (geen gedrag benoemd of grens gesteld).")
    r.add("Een oprechte correctie na aanspreken is niet vastgesteld: melden (normenkader, niveau 3).")
    return "melden"


def _addressed(r: _Reasons, a: int) -> tuple[str, bool]:
    """Level 3 addressed at event a: niet_melden (with the pattern note) only when the caller then went on calmly."""
    how = ADDRESS_NL[_kind_act(r.ev[a].kind)]
    r.add(f"De burger is om {fmt_time(r.ev[a].time)} aangesproken ({how}).", a)
    repeated = r.of("repeated_after_correction")
    corrected = r.of("caller_corrected")
    if repeated:
        i = repeated[0]
        r.add(f"Na het aanspreken ging de burger om {fmt_time(r.ev[i].time)} opnieuw over de grens: {r.quote(i)}.")
        r.add("Het gedrag hield aan: melden (normenkader, niveau 3).", *repeated)
        return "melden", False
    if corrected:
        i = corrected[0]
        r.add(
            f"De burger ging om {fmt_time(r.ev[i].time)} verder zonder agressie en hoefde niet "
            "opnieuw gecorrigeerd te worden: niet melden (normenkader, niveau 3).",
            i,
        )
        return "niet_melden", True
    r.add(
        "Na het aanspreken sprak de burger niet meer; een correctie is niet vastgesteld: "
        "melden (normenkader, niveau 3)."
    )
    return "melden", False


def _norm_crossed(r: _Reasons, opts: TimelineOptions) -> tuple[str, bool]:
    """Level 3: the first crossing, whether and how it was addressed, and how the call ended."""
    ev = r.ev
    crossings = [
        i
        for i in range(len(ev))
        if ev[i].role == "caller"
        and (ev[i].level or 0) >= 3
        and ev[i].kind in ("norm_crossed", "repeated_after_correction")
    ]
    first = crossings[0]
    t0 = ev[first].time
    addresses = [
        i
        for i in range(len(ev))
        if ev[i].kind in ("behaviour_named", "boundary_set")
        and ev[i].time > t0
        and _kind_act(ev[i].kind) in opts.address_acts
    ]
    r.add(
        f"De burger ging om {fmt_time(t0)} over de grens (agressie gericht op de medewerker): {r.quote(first)}.",
        first,
    )
    if not addresses:
        advice, pattern = _not_addressed(r, t0), False
    else:
        advice, pattern = _addressed(r, addresses[0])
    r.cite("caller_hung_up", "De burger verbrak de verbinding om {t}.")
    r.cite("ended_by_agent", "De medewerker beëindigde het gesprek om {t}.")
    return advice, pattern


def _emotion_or_criticism(r: _Reasons, level: int) -> None:
    """Levels 1-2: allowed, niet_melden, citing the first utterance at the highest level."""
    kind = "first_criticism" if level == 2 else "first_emotion"
    i = r.of(kind)[0]
    r.add(
        f"Hoogste niveau: {LEVEL_NAMES_NL[level]} om {fmt_time(r.ev[i].time)}. Emotie en kritiek zijn "
        "toegestaan: niet melden (normenkader, niveau 1-2).",
        i,
    )


def advise(tl: Timeline, opts: TimelineOptions) -> Advice:
    """Meldadvies of the norm matrix, from the counted levels and the events."""
    r = _Reasons(tl.events)
    level = tl.max_level
    advice, pattern = "niet_melden", False
    if level == 4:
        advice = _threat(r)
    elif level == 3:
        advice, pattern = _norm_crossed(r, opts)
    elif level in (1, 2):
        _emotion_or_criticism(r, level)
        pattern = True
    else:
        r.add("Geen emotie, kritiek of grensoverschrijding herkend: niet melden.")

    for i in r.of("possible_norm_crossed") + r.of("possible_threat"):
        r.add(f"{r.ev[i].note} Fragment: {r.quote(i)}; luister dit terug voor een eigen oordeel.", i)
    if pattern:
        r.add(f"Let op: {PATTERN_NOTE}.")
    return Advice(
        advice=advice, reasons=r.reasons, events=sorted(set(r.evidence)), basis_level=level, pattern_can_raise=pattern
    )
