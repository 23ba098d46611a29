"""Thresholds of the escalation timeline, and the mm:ss time format its Dutch texts use."""

from __future__ import annotations

from dataclasses import dataclass


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
