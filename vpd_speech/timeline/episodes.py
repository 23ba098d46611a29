"""Escalation episodes: stretches of the call from the caller's first raised level until lasting calm."""

from __future__ import annotations

from dataclasses import dataclass

from vpd_speech.schema import LevelPoint
from vpd_speech.timeline.options import TimelineOptions


@dataclass
class EpisodeSpan:
    """One episode as found in the counted levels: its span, peak and caller levels, before the check."""

    start: float
    peak: int
    peak_time: float
    members: list
    end: float = 0.0
    calm_at: LevelPoint | None = None


def _open(p: LevelPoint) -> EpisodeSpan:
    """A new episode that starts at this raised caller level."""
    return EpisodeSpan(start=p.start, peak=p.counted_level, peak_time=p.start, members=[p])


def _close_last(cur: EpisodeSpan, calm: LevelPoint | None, call_end: float, opts: TimelineOptions) -> EpisodeSpan:
    """End the episode still open at the end of the call: at its calm when that lasted, else at the call end."""
    if calm is not None and call_end - calm.start >= opts.calm_window_s:
        cur.end, cur.calm_at = calm.start, calm
    else:
        cur.end = call_end
    return cur


def find_episodes(points: list[LevelPoint], call_end: float, opts: TimelineOptions) -> list[EpisodeSpan]:
    """Split the caller's counted levels into escalation episodes separated by lasting calm."""
    eps: list[EpisodeSpan] = []
    cur: EpisodeSpan | None = None
    calm: LevelPoint | None = None
    for p in points:
        c = p.counted_level
        if cur is None:
            if c >= 1:
                cur = _open(p)
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
            cur = _open(p)
        elif calm is None and p.start - cur.members[-1].end >= opts.episode_gap_s:
            cur.end = cur.members[-1].end  # the caller said nothing for a long time: a new episode
            eps.append(cur)
            cur = _open(p)
        else:
            cur.members.append(p)
            if c > cur.peak:
                cur.peak, cur.peak_time = c, p.start
        calm = None
    if cur is not None:
        eps.append(_close_last(cur, calm, call_end, opts))
    return eps


def first_crossings(episodes: list[EpisodeSpan]) -> set[int]:
    """Utterance ids of each episode's first counted level 3: the one `norm_crossed` event per episode."""
    ids = set()
    for ep in episodes:
        p3 = next((p for p in ep.members if p.counted_level == 3), None)
        if p3 is not None:
            ids.add(p3.utterance_id)
    return ids
