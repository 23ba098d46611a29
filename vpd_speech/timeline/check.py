"""Werkinstructie check per episode: which steps of its approach the agent showed, in order, as Dutch observations."""

from __future__ import annotations

from vpd_speech.labels import APPROACH, CALLER_LABELS, LEVEL_NAMES_NL
from vpd_speech.schema import Episode, TimelineEvent, Utterance, WerkinstructieCheck, WerkinstructieStep
from vpd_speech.timeline.episodes import EpisodeSpan
from vpd_speech.timeline.levels import agent_act
from vpd_speech.timeline.options import fmt_time

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


def _trigger(ep: EpisodeSpan) -> tuple[int, float, float, list[str]]:
    """What set off the episode's approach: trigger level and time, start of the agent's window, expected steps."""
    if ep.peak <= 2:
        return ep.members[0].counted_level, ep.start, ep.start, list(OMBUIGEN_STEPS)
    first_cross = next(p for p in ep.members if p.counted_level >= 3)
    if ep.peak == 4:
        trigger_time = next(p.start for p in ep.members if p.counted_level == 4)
        return 4, trigger_time, first_cross.start, list(EINDE_STEPS)
    return 3, first_cross.start, first_cross.start, list(GRENS_STEPS)


def _after_address(
    ep: EpisodeSpan, in_window: list[Utterance], events: list[TimelineEvent], window_end: float
) -> tuple[float | None, float | None]:
    """GRENS STELLEN: when the caller crossed again after the first address, or else went on calmly."""
    persisted_at: float | None = None
    corrected_at: float | None = None
    addr = [a for a in in_window if agent_act(a) in ("gedrag_benoemen", "grens_stellen")]
    if addr:
        t_addr = addr[0].start
        after = [p for p in ep.members if p.start > t_addr]
        again = [p for p in after if p.counted_level >= 3]
        if again:
            persisted_at = again[0].start
        else:
            calm_after = [e for e in events if e.kind == "caller_corrected" and e.time > t_addr]
            if calm_after and calm_after[0].time < window_end:
                corrected_at = calm_after[0].time
    return persisted_at, corrected_at


def _steps(expected: list[str], first: dict[str, Utterance], peak: int) -> tuple[list[WerkinstructieStep], list[str]]:
    """Each expected step with when the agent first did it, and the steps that are missing."""
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
        if peak == 4 and s.act in GRENS_STEPS and done & set(GRENS_STEPS):
            continue  # either naming the behaviour or setting the boundary suffices before ending
        missing.append(s.act)
    return steps, missing


def _summary(ep: EpisodeSpan, approach: str) -> str:
    """First observation of an episode: its span, its highest level and the approach that level asks for."""
    return (
        f"Episode {fmt_time(ep.start)}–{fmt_time(ep.end)}: hoogste niveau {LEVEL_NAMES_NL[ep.peak]} "
        f"om {fmt_time(ep.peak_time)}; aanpak volgens de werkinstructie: {approach}."
    )


def _step_observations(
    steps: list[WerkinstructieStep], missing: list[str], trigger: str, persisted_at: float | None, in_order: bool
) -> list[str]:
    """One observation per step done or missing, and the actual order when it differs from the instruction."""
    obs = []
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
    return obs


def _outcome_observations(
    ep: EpisodeSpan,
    first: dict[str, Utterance],
    expected: list[str],
    persisted_at: float | None,
    corrected_at: float | None,
) -> list[str]:
    """Boundary acts beyond the approach, and for level 3 whether the caller crossed again or went on calmly."""
    obs = []
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
    return obs


def _hang_up_observations(events: list[TimelineEvent], window_start: float, window_end: float) -> list[str]:
    """The caller hanging up within the agent's window of this episode."""
    return [
        f"De burger verbrak de verbinding om {fmt_time(e.time)}."
        for e in events
        if e.kind == "caller_hung_up" and window_start <= e.time <= window_end + 1e-6
    ]


def check_episode(
    ep: EpisodeSpan,
    agents: list[Utterance],
    window_end: float,
    events: list[TimelineEvent],
) -> tuple[WerkinstructieCheck, float]:
    """Which steps of the approach for this episode the agent showed, as Dutch observations."""
    approach = APPROACH[ep.peak]
    trigger_level, trigger_time, window_start, expected = _trigger(ep)
    in_window = [a for a in agents if window_start <= a.start < window_end]
    first: dict[str, Utterance] = {}
    for a in in_window:
        first.setdefault(agent_act(a), a)

    persisted_at, corrected_at = None, None
    if ep.peak == 3:
        persisted_at, corrected_at = _after_address(ep, in_window, events, window_end)
        if persisted_at is not None:
            expected.append("gesprek_beeindigen")  # it did not stop after addressing: ending becomes a step

    steps, missing = _steps(expected, first, ep.peak)
    present = [s.act for s in sorted((s for s in steps if s.done), key=lambda s: s.time)]
    in_order = present == [a for a in expected if a in present]

    trigger = f"Na {TRIGGER_NL[trigger_level]} om {fmt_time(trigger_time)}"
    obs = [_summary(ep, approach)]
    obs += _step_observations(steps, missing, trigger, persisted_at, in_order)
    obs += _outcome_observations(ep, first, expected, persisted_at, corrected_at)
    obs += _hang_up_observations(events, window_start, window_end)

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


def check_episodes(episodes: list[EpisodeSpan], agents: list[Utterance], events: list[TimelineEvent]) -> list[Episode]:
    """Each episode as a document model with its werkinstructie check; the agent's window ends at the next episode."""
    models = []
    for i, ep in enumerate(episodes):
        window_end = episodes[i + 1].start if i + 1 < len(episodes) else float("inf")
        check, trigger_time = check_episode(ep, agents, window_end, events)
        models.append(
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
    return models
