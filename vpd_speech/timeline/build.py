"""Build the escalation timeline of one call from its classified utterances, step by step.

The rules are spelled out in the package docstring (`vpd_speech/timeline/__init__.py`).
"""

from __future__ import annotations

from vpd_speech.labels import CALLER_LABELS
from vpd_speech.schema import ArousalPoint, LevelPoint, Timeline, TimelineEvent, Utterance
from vpd_speech.timeline.advice import advise
from vpd_speech.timeline.check import check_episodes
from vpd_speech.timeline.episodes import find_episodes
from vpd_speech.timeline.events import find_events
from vpd_speech.timeline.levels import agent_act, arousal_curve, counted_levels, escalation_curve
from vpd_speech.timeline.options import TimelineOptions


def _call_end(utts: list[Utterance], duration_s: float) -> float:
    """End of the call: the audio duration when known, else the end of the last utterance."""
    last_end = max((u.end for u in utts), default=0.0)
    return duration_s if duration_s and duration_s > 0 else last_end


def _first_level_s(points: list[LevelPoint]) -> dict[int, float]:
    """When the caller first reached each counted level 1-4."""
    first: dict[int, float] = {}
    for p in points:
        if p.counted_level >= 1:
            first.setdefault(p.counted_level, p.start)
    return first


def _caller_corrected(events: list[TimelineEvent], warned: bool) -> bool | None:
    """Whether the caller stopped after being addressed; None when no crossing was addressed."""
    if not warned:
        return None
    kinds = {e.kind for e in events}
    return "caller_corrected" in kinds and "repeated_after_correction" not in kinds


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
    call_end = _call_end(utts, duration_s)
    arousal = list(arousal or [])

    points = counted_levels(callers, opts)
    episodes = find_episodes(points, call_end, opts)
    log = find_events(utts, points, episodes, arousal, duration_s, opts)
    max_level = max((p.counted_level for p in points), default=0)
    timeline = Timeline(
        max_level=max_level,
        max_label=CALLER_LABELS[max_level],
        first_level_s=_first_level_s(points),
        curve=escalation_curve(points, call_end, opts.curve_step_s, opts.half_life_s),
        events=log.events,
        levels=points,
        episodes=check_episodes(episodes, agents, log.events),
        boundary_set=any(agent_act(a) == "grens_stellen" for a in agents),
        ended_by_agent=log.agent_ended,
        caller_corrected=_caller_corrected(log.events, log.warned),
        arousal=arousal,
        arousal_curve=arousal_curve(arousal, call_end, opts.curve_step_s, opts.arousal_half_life_s),
    )
    timeline.advice = advise(timeline, opts)
    return timeline
