"""What each utterance counts for: the caller's level after the guards, the agent's act, and the curves over the call.

The guards (low_confidence, borderline, support by a neighbour) are described in the package docstring.
"""

from __future__ import annotations

import numpy as np

from vpd_speech.labels import CALLER_LABELS, LEVEL_OF
from vpd_speech.schema import ArousalPoint, LevelPoint, Utterance
from vpd_speech.timeline.options import TimelineOptions


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


def _guard(u: Utterance, prob: float, opts: TimelineOptions) -> str | None:
    """Why this caller utterance may not raise the level on its own: low_confidence, borderline or None."""
    if _low_quality(u, opts):
        return "low_confidence"
    if prob < opts.borderline_threshold:
        return "borderline"
    return None


def _support(base: list[tuple], i: int, opts: TimelineOptions) -> int:
    """Highest level of an adjacent caller utterance (within the window) that may support guarded utterance i."""
    u, _, _, _, guard = base[i]
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
    return support


def counted_levels(callers: list[Utterance], opts: TimelineOptions) -> list[LevelPoint]:
    """Classifier level per caller utterance, and the counted level after the guards."""
    base = []
    for u in callers:
        label, level, prob = _label_and_probability(u)
        base.append((u, label, level, prob, _guard(u, prob, opts)))

    points = []
    for i, (u, label, level, prob, guard) in enumerate(base):
        counted = level
        if guard is not None and level > 0:
            counted = min(level, _support(base, i, opts))
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


def agent_act(u: Utterance) -> str:
    """The werkinstructie act of an agent utterance ("overig" when it was not classified)."""
    return u.classification.label if u.classification is not None else "overig"


def escalation_curve(
    points: list[LevelPoint], duration_s: float, step: float, half_life: float
) -> list[tuple[float, float]]:
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


def arousal_curve(
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
