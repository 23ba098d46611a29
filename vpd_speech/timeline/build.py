"""Escalation timeline of one call: caller levels over time, events, werkinstructie check and meldadvies.

Input: the call's utterances sorted by start, each classified (caller: norm-matrix label; agent: act of
the werkinstructie). Output: a `Timeline` document. Only the caller's text levels drive the conclusions;
caller arousal (see `prosody.py`) is attached as supporting evidence and never changes a level.

Rules, in short (see TimelineOptions for the numbers):

- Guards. A caller utterance is *low_confidence* when no_speech_prob > 0.6, avg_logprob < -1.0 or the
  mean word probability < 0.4; it is *borderline* when the probability of its label is < 0.6. Such an
  utterance never raises the level on its own: its counted level is at most the level of an adjacent
  caller utterance (previous or next, within 30 s) that supports it. Support for a low_confidence
  utterance must come from a reliable one; a borderline one may also be supported by another
  borderline one (so only a *single* borderline utterance is discounted). A level 3/4 utterance that is
  not counted at its own level becomes a `possible_norm_crossed` / `possible_threat` event.
- Addressing. After a counted level >= 3, the first agent act in `address_acts` (gedrag_benoemen or
  grens_stellen) addresses it. Caller utterances at <= 2 after that: `caller_corrected`; any counted
  level >= 3 after an address: `repeated_after_correction`.
- Caller hung up: the last utterance of the call is the caller's at counted level >= 3, the audio ends
  within `hangup_gap_s` after it, and the agent did not end the call before it.
- Episodes: from the first counted level >= 1 until the caller stays at a calm level (<= 1 after a peak
  of 2+, 0 after a peak of 1) for `calm_window_s`; `calm_restored` marks that for peaks of 2+. A caller
  silence of `episode_gap_s` between two raised utterances also separates episodes (no calm event).
- Meldadvies (counted levels only; possible events are listed in the reasons, never counted): level 4
  anywhere: melden. Level 3: niet_melden only when the crossing was addressed, the caller went on at
  <= 2 and no level >= 3 followed the address; melden when it was not addressed, when it came back after
  the address, or when the caller said nothing more. Levels 0-2: niet_melden. Levels 1-3 niet_melden
  carry the note that a pattern across calls can still lead to melden (coordinator).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vpd_speech.labels import APPROACH, CALLER_LABELS, LEVEL_NAMES_NL, LEVEL_OF
from vpd_speech.schema import (
    Advice,
    ArousalPoint,
    Episode,
    LevelPoint,
    Timeline,
    TimelineEvent,
    Utterance,
    WerkinstructieCheck,
    WerkinstructieStep,
)

PATTERN_NOTE = "een patroon over meerdere gesprekken kan tot melden leiden (coördinator)"

OMBUIGEN_STEPS = ("erkennen_emotie", "uitleggen", "mogelijkheden", "afronden")
GRENS_STEPS = ("gedrag_benoemen", "grens_stellen")
EINDE_STEPS = ("gedrag_benoemen", "grens_stellen", "gesprek_beeindigen")

STEP_NAME_NL = {
    "erkennen_emotie": "aandacht voor de emotie",
    "uitleggen": "uitleggen",
    "mogelijkheden": "(on)mogelijkheden aangeven",
    "afronden": "afronden",
    "gedrag_benoemen": "gedrag benoemen",
    "grens_stellen": "grens stellen",
    "gesprek_beeindigen": "gesprek beëindigen",
}
STEP_DONE_NL = {
    "erkennen_emotie": "had aandacht voor de emotie",
    "uitleggen": "legde uit waarom er zo gewerkt wordt",
    "mogelijkheden": "gaf aan wat wel en niet mogelijk is",
    "afronden": "rondde het gesprek af",
    "gedrag_benoemen": "benoemde het gedrag",
    "grens_stellen": "gaf aan dat dit gedrag niet geaccepteerd wordt",
    "gesprek_beeindigen": "beëindigde het gesprek",
}
STEP_MISSING_NL = {
    "erkennen_emotie": "is geen aandacht voor de emotie gehoord",
    "uitleggen": "is niet uitgelegd waarom er zo gewerkt wordt",
    "mogelijkheden": "is niet aangegeven wat wel en niet mogelijk is",
    "afronden": "is het gesprek niet afgerond",
    "gedrag_benoemen": "is het gedrag niet benoemd",
    "grens_stellen": "is niet aangegeven dat dit gedrag niet geaccepteerd wordt",
    "gesprek_beeindigen": "is het gesprek niet beëindigd",
}
TRIGGER_NL = {1: "de emotie", 2: "de kritiek", 3: "de agressie", 4: "de bedreiging"}
ADDRESS_NL = {"gedrag_benoemen": "gedrag benoemd", "grens_stellen": "grens gesteld"}

# Evidence kinds in order of preference for the quote of a level 3/4 event.
_EVIDENCE_PRIORITY = ("threat", "doxxing", "sexual", "self_harm", "insult", "curse", "jij", "u", "jullie", "ik")


@dataclass(frozen=True)
class TimelineOptions:
    """Thresholds of the timeline; defaults follow issue 4."""

    curve_step_s: float = 1.0  # sampling step of the escalation curve
    half_life_s: float = 20.0  # decay of the escalation curve after an utterance ends
    borderline_threshold: float = 0.6  # label probability below this: borderline
    max_no_speech_prob: float = 0.6  # above this: low_confidence
    min_avg_logprob: float = -1.0  # below this: low_confidence
    min_word_probability: float = 0.4  # mean word probability below this: low_confidence
    corroboration_window_s: float = 30.0  # how far a supporting neighbour may be
    calm_window_s: float = 15.0  # how long levels must stay calm to close an episode
    episode_gap_s: float = 60.0  # caller silence that separates episodes without a calm utterance
    hangup_gap_s: float = 5.0  # audio end within this after the caller's last words: hung up
    address_acts: tuple[str, ...] = ("gedrag_benoemen", "grens_stellen")
    arousal_half_life_s: float = 10.0  # decay of the arousal curve between caller utterances


def fmt_time(seconds: float) -> str:
    """Seconds as mm:ss (minutes keep counting past 59)."""
    total = max(0, round(seconds))
    return f"{total // 60:02d}:{total % 60:02d}"


# --------------------------------------------------------------------------- per-utterance helpers


def _label_and_probability(u: Utterance) -> tuple[str, int, float]:
    """Caller label, its level and its probability (1.0 when the classifier gave no probabilities)."""
    c = u.classification
    if c is None:
        return "neutraal", 0, 1.0
    label = c.label if c.label in LEVEL_OF else CALLER_LABELS[c.level or 0]
    level = c.level if c.level is not None else LEVEL_OF[label]
    prob = float(c.probabilities.get(label, 1.0)) if c.probabilities else 1.0
    return label, int(level), prob


def _low_quality(u: Utterance, opts: TimelineOptions) -> bool:
    """True when the transcription is too unsure to raise a level on its own."""
    if u.no_speech_prob > opts.max_no_speech_prob or u.avg_logprob < opts.min_avg_logprob:
        return True
    if u.words:
        mean_p = sum(w.probability for w in u.words) / len(u.words)
        if mean_p < opts.min_word_probability:
            return True
    return False


def _act(u: Utterance) -> str:
    return u.classification.label if u.classification is not None else "overig"


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


# --------------------------------------------------------------------------- levels and curve


def _levels(callers: list[Utterance], opts: TimelineOptions) -> list[LevelPoint]:
    """Classifier level per caller utterance, and the counted level after the guards."""
    base = []
    for u in callers:
        label, level, prob = _label_and_probability(u)
        guard = None
        if _low_quality(u, opts):
            guard = "low_confidence"
        elif prob < opts.borderline_threshold:
            guard = "borderline"
        base.append((u, label, level, prob, guard))

    points = []
    for i, (u, label, level, prob, guard) in enumerate(base):
        counted = level
        if guard is not None and level > 0:
            support = 0
            for j in (i - 1, i + 1):
                if not 0 <= j < len(base):
                    continue
                v, _, v_level, _, v_guard = base[j]
                gap = max(v.start - u.end, u.start - v.end)
                if gap > opts.corroboration_window_s:
                    continue
                if v_guard is None or (guard == "borderline" and v_guard == "borderline"):
                    support = max(support, v_level)
            counted = min(level, support)
        points.append(
            LevelPoint(
                utterance_id=u.id,
                start=u.start,
                end=u.end,
                label=label,
                level=level,
                probability=round(prob, 4),
                counted_level=counted,
                guard=guard,
            )
        )
    return points


def _curve(points: list[LevelPoint], duration_s: float, step: float, half_life: float) -> list[tuple[float, float]]:
    """Decaying maximum of the counted levels, sampled every `step` seconds."""
    if duration_s <= 0:
        return []
    t = np.arange(0.0, duration_s + 1e-9, step)
    if t[-1] < duration_s:
        t = np.append(t, duration_s)
    value = np.zeros_like(t)
    for p in points:
        if p.counted_level <= 0:
            continue
        during = (t >= p.start) & (t <= p.end)
        after = t > p.end
        contrib = np.zeros_like(t)
        contrib[during] = p.counted_level
        contrib[after] = p.counted_level * 0.5 ** ((t[after] - p.end) / half_life)
        value = np.maximum(value, contrib)
    return [(round(float(a), 3), round(float(b), 3)) for a, b in zip(t, value)]


def _arousal_curve(
    points: list[ArousalPoint], duration_s: float, step: float, half_life: float
) -> list[tuple[float, float]]:
    """Arousal of the latest caller utterance, decaying towards 0 after it ends."""
    if duration_s <= 0 or not points:
        return []
    pts = sorted(points, key=lambda p: p.start)
    out = []
    t = 0.0
    while t <= duration_s + 1e-9:
        cur = None
        for p in pts:
            if p.start <= t:
                cur = p
            else:
                break
        v = 0.0
        if cur is not None:
            v = cur.arousal if t <= cur.end else cur.arousal * 0.5 ** ((t - cur.end) / half_life)
        out.append((round(t, 3), round(float(v), 3)))
        t += step
    return out


# --------------------------------------------------------------------------- episodes


@dataclass
class _Ep:
    start: float
    peak: int
    peak_time: float
    members: list
    end: float = 0.0
    calm_at: LevelPoint | None = None


def _episodes(points: list[LevelPoint], call_end: float, opts: TimelineOptions) -> list[_Ep]:
    """Split the caller's counted levels into escalation episodes separated by lasting calm."""
    eps: list[_Ep] = []
    cur: _Ep | None = None
    calm: LevelPoint | None = None
    for p in points:
        c = p.counted_level
        if cur is None:
            if c >= 1:
                cur = _Ep(start=p.start, peak=c, peak_time=p.start, members=[p])
                calm = None
            continue
        calm_level = 1 if cur.peak >= 2 else 0
        if c <= calm_level:
            if calm is None:
                calm = p
            continue
        if calm is not None and p.start - calm.start >= opts.calm_window_s:
            cur.end, cur.calm_at = calm.start, calm
            eps.append(cur)
            cur = _Ep(start=p.start, peak=c, peak_time=p.start, members=[p])
        elif calm is None and p.start - cur.members[-1].end >= opts.episode_gap_s:
            cur.end = cur.members[-1].end  # the caller said nothing for a long time: a new episode
            eps.append(cur)
            cur = _Ep(start=p.start, peak=c, peak_time=p.start, members=[p])
        else:
            cur.members.append(p)
            if c > cur.peak:
                cur.peak, cur.peak_time = c, p.start
        calm = None
    if cur is not None:
        if calm is not None and call_end - calm.start >= opts.calm_window_s:
            cur.end, cur.calm_at = calm.start, calm
        else:
            cur.end = call_end
        eps.append(cur)
    return eps


def _check(
    ep: _Ep,
    agents: list[Utterance],
    window_end: float,
    events: list[TimelineEvent],
) -> tuple[WerkinstructieCheck, float]:
    """Which steps of the approach for this episode the agent showed, as Dutch observations."""
    approach = APPROACH[ep.peak]
    if ep.peak <= 2:
        trigger_level = ep.members[0].counted_level
        trigger_time = ep.start
        window_start = ep.start
        expected = list(OMBUIGEN_STEPS)
    else:
        first_cross = next(p for p in ep.members if p.counted_level >= 3)
        window_start = first_cross.start
        if ep.peak == 4:
            trigger_level = 4
            trigger_time = next(p.start for p in ep.members if p.counted_level == 4)
            expected = list(EINDE_STEPS)
        else:
            trigger_level = 3
            trigger_time = first_cross.start
            expected = list(GRENS_STEPS)

    in_window = [a for a in agents if window_start <= a.start < window_end]
    first: dict[str, Utterance] = {}
    for a in in_window:
        first.setdefault(_act(a), a)

    obs = [
        (
            f"Episode {fmt_time(ep.start)}–{fmt_time(ep.end)}: hoogste niveau {LEVEL_NAMES_NL[ep.peak]} "
            f"om {fmt_time(ep.peak_time)}; aanpak volgens de werkinstructie: {approach}."
        )
    ]
    trigger = f"Na {TRIGGER_NL[trigger_level]} om {fmt_time(trigger_time)}"

    # GRENS STELLEN: did it stop after addressing? If not, ending the call becomes a step.
    persisted_at: float | None = None
    corrected_at: float | None = None
    if ep.peak == 3:
        addr = [a for a in in_window if _act(a) in ("gedrag_benoemen", "grens_stellen")]
        if addr:
            t_addr = addr[0].start
            after = [p for p in ep.members if p.start > t_addr]
            again = [p for p in after if p.counted_level >= 3]
            if again:
                persisted_at = again[0].start
                expected.append("gesprek_beeindigen")
            else:
                calm_after = [e for e in events if e.kind == "caller_corrected" and e.time > t_addr]
                if calm_after and calm_after[0].time < window_end:
                    corrected_at = calm_after[0].time

    steps, missing = [], []
    for act in expected:
        a = first.get(act)
        steps.append(
            WerkinstructieStep(
                act=act, done=a is not None, time=a.start if a else None, utterance_id=a.id if a else None
            )
        )
    done = {s.act for s in steps if s.done}
    for s in steps:
        if s.done:
            continue
        if ep.peak == 4 and s.act in GRENS_STEPS and done & set(GRENS_STEPS):
            continue  # either naming the behaviour or setting the boundary suffices before ending
        missing.append(s.act)

    present = [s.act for s in sorted((s for s in steps if s.done), key=lambda s: s.time)]
    order = [a for a in expected if a in present]
    in_order = present == order

    for s in steps:
        if s.done:
            obs.append(f"De medewerker {STEP_DONE_NL[s.act]} om {fmt_time(s.time)}.")
        elif s.act in missing:
            lead = trigger
            if s.act == "gesprek_beeindigen" and persisted_at is not None:
                lead = f"Na de herhaalde agressie om {fmt_time(persisted_at)}"
            obs.append(f"{lead} {STEP_MISSING_NL[s.act]}.")
    if not in_order:
        seq = ", ".join(
            f"{STEP_NAME_NL[s.act]} ({fmt_time(s.time)})"
            for s in sorted((s for s in steps if s.done), key=lambda s: s.time)
        )
        obs.append(f"De stappen kwamen in een andere volgorde dan in de werkinstructie: {seq}.")
    for act in ("gedrag_benoemen", "grens_stellen", "gesprek_beeindigen"):
        if act in first and act not in expected:
            obs.append(f"Daarnaast: de medewerker {STEP_DONE_NL[act]} om {fmt_time(first[act].start)}.")
    if ep.peak == 3:
        if persisted_at is not None:
            obs.append(f"Na het aanspreken ging de burger om {fmt_time(persisted_at)} opnieuw over de grens.")
        elif corrected_at is not None:
            obs.append(
                f"Na het aanspreken ging de burger om {fmt_time(corrected_at)} verder zonder agressie; "
                "het gesprek kon worden voortgezet."
            )
            if "afronden" in first:
                obs.append(f"De medewerker rondde het gesprek af om {fmt_time(first['afronden'].start)}.")
    for e in events:
        if e.kind == "caller_hung_up" and window_start <= e.time <= window_end + 1e-6:
            obs.append(f"De burger verbrak de verbinding om {fmt_time(e.time)}.")

    check = WerkinstructieCheck(
        approach=approach,
        expected=expected,
        steps=steps,
        present=present,
        missing=missing,
        in_order=in_order,
        observations=obs,
    )
    return check, trigger_time


# --------------------------------------------------------------------------- main entry


def build_timeline(
    utterances: list[Utterance],
    duration_s: float,
    arousal: list[ArousalPoint] | None = None,
    options: TimelineOptions | None = None,
) -> Timeline:
    """Build the escalation timeline of one call from its classified utterances (sorted by start)."""
    opts = options or TimelineOptions()
    utts = sorted(utterances, key=lambda u: (u.start, u.end, u.id))
    callers = [u for u in utts if u.role == "caller"]
    agents = [u for u in utts if u.role == "agent"]
    last_end = max((u.end for u in utts), default=0.0)
    call_end = duration_s if duration_s and duration_s > 0 else last_end

    points = _levels(callers, opts)
    level_of = {p.utterance_id: p for p in points}
    arousal = list(arousal or [])
    arousal_of = {a.utterance_id: a.arousal for a in arousal}
    episodes = _episodes(points, call_end, opts)
    episode_first_3 = set()
    for ep in episodes:
        p3 = next((p for p in ep.members if p.counted_level == 3), None)
        if p3 is not None:
            episode_first_3.add(p3.utterance_id)

    events: list[TimelineEvent] = []

    def add(kind: str, u: Utterance, note: str, time: float | None = None) -> TimelineEvent:
        p = level_of.get(u.id)
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
            arousal=arousal_of.get(u.id) if u.role == "caller" else None,
            note=note,
        )
        events.append(ev)
        return ev

    seen_first: set[int] = set()
    pending_cross = False  # a counted level >= 3 not yet addressed
    warned = False  # some crossing has been addressed
    awaiting_correction = False
    agent_ended = False
    for u in utts:
        if u.role == "caller":
            p = level_of[u.id]
            c = p.counted_level
            if c in (1, 2) and c not in seen_first:
                seen_first.add(c)
                kind = "first_emotion" if c == 1 else "first_criticism"
                add(kind, u, f"Eerste {'emotie' if c == 1 else 'kritiek'} van de burger om {fmt_time(u.start)}.")
            if p.level >= 3 and c < p.level:
                why = (
                    "onzekere transcriptie"
                    if p.guard == "low_confidence"
                    else f"twijfelachtige herkenning (kans {p.probability:.2f})".replace(".", ",")
                )
                kind = "possible_threat" if p.level == 4 else "possible_norm_crossed"
                what = "bedreiging" if p.level == 4 else "normoverschrijding"
                add(kind, u, f"Mogelijke {what} om {fmt_time(u.start)}, niet meegeteld: {why}.")
            if c >= 3:
                if warned:
                    add(
                        "repeated_after_correction",
                        u,
                        f"De burger ging om {fmt_time(u.start)} opnieuw over de grens na het aanspreken.",
                    )
                if c == 3 and u.id in episode_first_3:
                    add("norm_crossed", u, f"Agressie gericht op de medewerker om {fmt_time(u.start)}.")
                if c == 4:
                    add("threat", u, f"Bedreiging om {fmt_time(u.start)}.")
                pending_cross = True
                awaiting_correction = False
            elif awaiting_correction:
                add(
                    "caller_corrected",
                    u,
                    f"Na het aanspreken ging de burger om {fmt_time(u.start)} verder zonder agressie.",
                )
                awaiting_correction = False
        else:
            act = _act(u)
            if act == "gedrag_benoemen":
                add("behaviour_named", u, f"De medewerker benoemde het gedrag om {fmt_time(u.start)}.")
            elif act == "grens_stellen":
                add("boundary_set", u, f"De medewerker stelde een grens om {fmt_time(u.start)}.")
            elif act == "gesprek_beeindigen":
                add("ended_by_agent", u, f"De medewerker beëindigde het gesprek om {fmt_time(u.start)}.")
                agent_ended = True
            if act in opts.address_acts and pending_cross:
                pending_cross = False
                warned = True
                awaiting_correction = True

    # Caller hung up: the caller has the last word, at level >= 3, and the audio ends right after.
    if utts and utts[-1].role == "caller":
        last = utts[-1]
        p = level_of[last.id]
        ends_soon = duration_s <= 0 or duration_s - last.end <= opts.hangup_gap_s
        if p.counted_level >= 3 and ends_soon and not agent_ended:
            add("caller_hung_up", last, f"De burger verbrak de verbinding om {fmt_time(last.end)}.", time=last.end)

    for ep in episodes:
        if ep.calm_at is not None and ep.peak >= 2:
            u = next(x for x in callers if x.id == ep.calm_at.utterance_id)
            add("calm_restored", u, f"De rust keerde terug om {fmt_time(u.start)}.")

    order = {id(e): i for i, e in enumerate(events)}
    events.sort(key=lambda e: (e.time, order[id(e)]))

    # Werkinstructie check per episode.
    ep_models = []
    for i, ep in enumerate(episodes):
        window_end = episodes[i + 1].start if i + 1 < len(episodes) else float("inf")
        check, trigger_time = _check(ep, agents, window_end, events)
        ep_models.append(
            Episode(
                index=i,
                start=ep.start,
                end=ep.end,
                peak_level=ep.peak,
                peak_label=CALLER_LABELS[ep.peak],
                peak_time=ep.peak_time,
                trigger_time=trigger_time,
                approach=APPROACH[ep.peak],
                calm_restored_s=ep.calm_at.start if ep.calm_at is not None and ep.peak >= 2 else None,
                werkinstructie=check,
            )
        )

    max_level = max((p.counted_level for p in points), default=0)
    first_level_s: dict[int, float] = {}
    for p in points:
        if p.counted_level >= 1:
            first_level_s.setdefault(p.counted_level, p.start)

    kinds = {e.kind for e in events}
    caller_corrected = None
    if warned:
        caller_corrected = "caller_corrected" in kinds and "repeated_after_correction" not in kinds

    timeline = Timeline(
        max_level=max_level,
        max_label=CALLER_LABELS[max_level],
        first_level_s=first_level_s,
        curve=_curve(points, call_end, opts.curve_step_s, opts.half_life_s),
        events=events,
        levels=points,
        episodes=ep_models,
        boundary_set=any(_act(a) == "grens_stellen" for a in agents),
        ended_by_agent=agent_ended,
        caller_corrected=caller_corrected,
        arousal=arousal,
        arousal_curve=_arousal_curve(arousal, call_end, opts.curve_step_s, opts.arousal_half_life_s),
    )
    timeline.advice = _advice(timeline, opts)
    return timeline


# --------------------------------------------------------------------------- meldadvies


def _advice(tl: Timeline, opts: TimelineOptions) -> Advice:
    """Meldadvies of the norm matrix, from the counted levels and the events."""
    ev = tl.events
    idx = {k: [i for i, e in enumerate(ev) if e.kind == k] for k in {e.kind for e in ev}}

    def of(kind: str) -> list[int]:
        return idx.get(kind, [])

    def q(i: int) -> str:
        return f"„{ev[i].quote}”"

    reasons: list[str] = []
    evidence: list[int] = []

    def cite(kind: str, sentence: str) -> None:
        """A reason for every event of this kind ({t} is its time), with the event as evidence."""
        for i in of(kind):
            reasons.append(sentence.format(t=fmt_time(ev[i].time)))
            evidence.append(i)

    advice = "niet_melden"
    pattern = False
    level = tl.max_level

    if level == 4:
        advice = "melden"
        for i in of("threat"):
            reasons.append(f"Bedreiging om {fmt_time(ev[i].time)}: {q(i)}.")
            evidence.append(i)
        reasons.append("Bij dreiging of intimidatie wordt altijd gemeld (normenkader, niveau 4).")
        cite("ended_by_agent", "De medewerker beëindigde het gesprek om {t}.")
        cite("caller_hung_up", "De burger verbrak de verbinding om {t}.")
    elif level == 3:
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
        repeated = of("repeated_after_correction")
        corrected = of("caller_corrected")
        reasons.append(
            f"De burger ging om {fmt_time(t0)} over de grens (agressie gericht op de medewerker): {q(first)}."
        )
        evidence.append(first)
        if not addresses:
            advice = "melden"
            early = [i for i in of("boundary_set") if ev[i].time < t0]
            if early:
                reasons.append(
                    f"De grens om {fmt_time(ev[early[0]].time)} werd gesteld vóór de agressie; "
                    "daarna is de burger er niet opnieuw op aangesproken."
                )
                evidence.append(early[0])
            else:
                reasons.append(
                    "De burger is daarna niet op het gedrag aangesproken (geen gedrag benoemd of grens gesteld)."
                )
            reasons.append("Een oprechte correctie na aanspreken is niet vastgesteld: melden (normenkader, niveau 3).")
        else:
            a = addresses[0]
            how = ADDRESS_NL[_kind_act(ev[a].kind)]
            reasons.append(f"De burger is om {fmt_time(ev[a].time)} aangesproken ({how}).")
            evidence.append(a)
            if repeated:
                advice = "melden"
                r = repeated[0]
                reasons.append(
                    f"Na het aanspreken ging de burger om {fmt_time(ev[r].time)} opnieuw over de grens: {q(r)}."
                )
                reasons.append("Het gedrag hield aan: melden (normenkader, niveau 3).")
                evidence.extend(repeated)
            elif corrected:
                c = corrected[0]
                reasons.append(
                    f"De burger ging om {fmt_time(ev[c].time)} verder zonder agressie en hoefde niet "
                    "opnieuw gecorrigeerd te worden: niet melden (normenkader, niveau 3)."
                )
                evidence.append(c)
                pattern = True
            else:
                advice = "melden"
                reasons.append(
                    "Na het aanspreken sprak de burger niet meer; een correctie is niet vastgesteld: "
                    "melden (normenkader, niveau 3)."
                )
        cite("caller_hung_up", "De burger verbrak de verbinding om {t}.")
        cite("ended_by_agent", "De medewerker beëindigde het gesprek om {t}.")
    elif level in (1, 2):
        kind = "first_criticism" if level == 2 else "first_emotion"
        i = of(kind)[0]
        reasons.append(
            f"Hoogste niveau: {LEVEL_NAMES_NL[level]} om {fmt_time(ev[i].time)}. Emotie en kritiek zijn "
            "toegestaan: niet melden (normenkader, niveau 1-2)."
        )
        evidence.append(i)
        pattern = True
    else:
        reasons.append("Geen emotie, kritiek of grensoverschrijding herkend: niet melden.")

    for i in of("possible_norm_crossed") + of("possible_threat"):
        reasons.append(f"{ev[i].note} Fragment: {q(i)}; luister dit terug voor een eigen oordeel.")
        evidence.append(i)
    if pattern:
        reasons.append(f"Let op: {PATTERN_NOTE}.")
    return Advice(
        advice=advice, reasons=reasons, events=sorted(set(evidence)), basis_level=level, pattern_can_raise=pattern
    )


def _kind_act(kind: str) -> str:
    return {"behaviour_named": "gedrag_benoemen", "boundary_set": "grens_stellen"}.get(kind, kind)
