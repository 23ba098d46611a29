"""Events of the timeline: the moments a reviewer looks at, each with a Dutch note and a quote of what was said.

The addressing and hang-up rules are described in the package docstring.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vpd_speech.schema import ArousalPoint, LevelPoint, TimelineEvent, Utterance
from vpd_speech.timeline.episodes import EpisodeSpan, first_crossings
from vpd_speech.timeline.levels import agent_act
from vpd_speech.timeline.options import TimelineOptions, fmt_time

# Evidence kinds in order of preference for the quote of a level 3/4 event.
_EVIDENCE_PRIORITY = ("threat", "doxxing", "sexual", "self_harm", "insult", "curse", "jij", "u", "jullie", "ik")


def _word_span(u: Utterance, start: int, end: int) -> tuple[float, float]:
    """Audio span of the words that overlap characters [start, end) of the utterance text."""
    pos, hits = 0, []
    for w in u.words:
        token = w.text.strip()
        if not token:
            continue
        at = u.text.find(token, pos)
        if at < 0:
            continue
        pos = at + len(token)
        if at < end and pos > start:
            hits.append(w)
    if not hits:
        return (u.start, u.end)
    return (hits[0].start, hits[-1].end)


def _quote(u: Utterance) -> tuple[str, tuple[float, float]]:
    """Quote and audio span for an event: the best evidence span, else the whole text.

    The quote is always a substring of the transcript, so every event shows words that were said.
    """
    text = u.text.strip()
    c = u.classification
    valid = []
    if c is not None:
        for ev in c.evidence:
            if 0 <= ev.start < ev.end <= len(u.text) and u.text[ev.start : ev.end].strip():
                valid.append(ev)
    if valid:
        rank = {k: i for i, k in enumerate(_EVIDENCE_PRIORITY)}
        ev = min(valid, key=lambda e: (rank.get(e.kind, len(rank)), e.start))
        return u.text[ev.start : ev.end].strip(), _word_span(u, ev.start, ev.end)
    return text, (u.start, u.end)


@dataclass
class EventLog:
    """Events in the order they were found, each carrying its utterance's counted level and arousal."""

    level_of: dict[int, LevelPoint]
    arousal_of: dict[int, float]
    events: list[TimelineEvent] = field(default_factory=list)
    seen_first: set[int] = field(default_factory=set)  # levels 1 and 2 that already had their first event
    pending_cross: bool = False  # a counted level >= 3 not yet addressed
    warned: bool = False  # some crossing has been addressed
    awaiting_correction: bool = False  # addressed; the caller's next utterance shows whether it worked
    agent_ended: bool = False  # the agent ended the call

    def add(self, kind: str, u: Utterance, note: str, time: float | None = None) -> None:
        """Record an event at an utterance; level 3/4 caller utterances are quoted by their best evidence."""
        p = self.level_of.get(u.id)
        quote, span = (
            _quote(u) if u.role == "caller" and p is not None and p.level >= 3 else (u.text.strip(), (u.start, u.end))
        )
        ev = TimelineEvent(
            kind=kind,
            time=u.start if time is None else time,
            role=u.role,
            utterance_id=u.id,
            quote=quote,
            span=span,
            level=p.counted_level if p is not None else None,
            probability=p.probability if p is not None else None,
            arousal=self.arousal_of.get(u.id) if u.role == "caller" else None,
            note=note,
        )
        self.events.append(ev)


def _first_level(log: EventLog, u: Utterance, c: int) -> None:
    """First emotion (level 1) or first criticism (level 2) of the call."""
    if c in (1, 2) and c not in log.seen_first:
        log.seen_first.add(c)
        kind = "first_emotion" if c == 1 else "first_criticism"
        log.add(kind, u, f"Eerste {'emotie' if c == 1 else 'kritiek'} van de burger om {fmt_time(u.start)}.")


def _possible_crossing(log: EventLog, u: Utterance, p: LevelPoint) -> None:
    """A level 3/4 utterance the guards did not count at its own level: shown as possible, with the reason."""
    if p.level >= 3 and p.counted_level < p.level:
        why = (
            "onzekere transcriptie"
            if p.guard == "low_confidence"
            else f"twijfelachtige herkenning (kans {p.probability:.2f})".replace(".", ",")
        )
        kind = "possible_threat" if p.level == 4 else "possible_norm_crossed"
        what = "bedreiging" if p.level == 4 else "normoverschrijding"
        log.add(kind, u, f"Mogelijke {what} om {fmt_time(u.start)}, niet meegeteld: {why}.")


def _crossing(log: EventLog, u: Utterance, c: int, first_3: set[int]) -> None:
    """A counted level 3/4: repeated after an address, the episode's first crossing, or a threat."""
    if log.warned:
        log.add(
            "repeated_after_correction",
            u,
            f"De burger ging om {fmt_time(u.start)} opnieuw over de grens na het aanspreken.",
        )
    if c == 3 and u.id in first_3:
        log.add("norm_crossed", u, f"Agressie gericht op de medewerker om {fmt_time(u.start)}.")
    if c == 4:
        log.add("threat", u, f"Bedreiging om {fmt_time(u.start)}.")
    log.pending_cross = True
    log.awaiting_correction = False


def _caller_events(log: EventLog, u: Utterance, first_3: set[int]) -> None:
    """Events of one caller utterance; a calm utterance right after an address is the correction."""
    p = log.level_of[u.id]
    c = p.counted_level
    _first_level(log, u, c)
    _possible_crossing(log, u, p)
    if c >= 3:
        _crossing(log, u, c, first_3)
    elif log.awaiting_correction:
        log.add(
            "caller_corrected",
            u,
            f"Na het aanspreken ging de burger om {fmt_time(u.start)} verder zonder agressie.",
        )
        log.awaiting_correction = False


def _agent_events(log: EventLog, u: Utterance, opts: TimelineOptions) -> None:
    """Events of one agent utterance; an address act answers a pending crossing."""
    act = agent_act(u)
    if act == "gedrag_benoemen":
        log.add("behaviour_named", u, f"De medewerker benoemde het gedrag om {fmt_time(u.start)}.")
    elif act == "grens_stellen":
        log.add("boundary_set", u, f"De medewerker stelde een grens om {fmt_time(u.start)}.")
    elif act == "gesprek_beeindigen":
        log.add("ended_by_agent", u, f"De medewerker beëindigde het gesprek om {fmt_time(u.start)}.")
        log.agent_ended = True
    if act in opts.address_acts and log.pending_cross:
        log.pending_cross = False
        log.warned = True
        log.awaiting_correction = True


def _hung_up(log: EventLog, utts: list[Utterance], duration_s: float, opts: TimelineOptions) -> None:
    """Caller hung up: the caller has the last word, at level >= 3, and the audio ends right after."""
    if utts and utts[-1].role == "caller":
        last = utts[-1]
        p = log.level_of[last.id]
        ends_soon = duration_s <= 0 or duration_s - last.end <= opts.hangup_gap_s
        if p.counted_level >= 3 and ends_soon and not log.agent_ended:
            log.add("caller_hung_up", last, f"De burger verbrak de verbinding om {fmt_time(last.end)}.", time=last.end)


def _calm_restored(log: EventLog, utts: list[Utterance], episodes: list[EpisodeSpan]) -> None:
    """Calm restored: the caller utterance where lasting calm began, for episodes that peaked at 2+."""
    callers = [u for u in utts if u.role == "caller"]
    for ep in episodes:
        if ep.calm_at is not None and ep.peak >= 2:
            u = next(x for x in callers if x.id == ep.calm_at.utterance_id)
            log.add("calm_restored", u, f"De rust keerde terug om {fmt_time(u.start)}.")


def find_events(
    utts: list[Utterance],
    points: list[LevelPoint],
    episodes: list[EpisodeSpan],
    arousal: list[ArousalPoint],
    duration_s: float,
    opts: TimelineOptions,
) -> EventLog:
    """All events of the call (sorted by time, found order on ties), walking the utterances in order."""
    log = EventLog(
        level_of={p.utterance_id: p for p in points}, arousal_of={a.utterance_id: a.arousal for a in arousal}
    )
    first_3 = first_crossings(episodes)
    for u in utts:
        if u.role == "caller":
            _caller_events(log, u, first_3)
        else:
            _agent_events(log, u, opts)
    _hung_up(log, utts, duration_s, opts)
    _calm_restored(log, utts, episodes)
    order = {id(e): i for i, e in enumerate(log.events)}
    log.events.sort(key=lambda e: (e.time, order[id(e)]))
    return log
