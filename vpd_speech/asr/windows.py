"""Listening windows: which stretches of a call Whisper hears together, with their real pauses.

faster-whisper's own VAD chunking glues speech back to back, so a speaker's turns run into each other
and turn starts get lost. Here speech regions are laid out in time order with the silence between them
kept (a pause longer than `max_pause_s` is shortened to `max_pause_s` of its own real silence: half
after the speech before it, half before the speech after it), and packed into windows of at most 30 s
that are cut only in a pause. Times map back to the call through the window's pieces.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

WINDOW_S = 30.0  # one Whisper encoder window


@dataclass(frozen=True)
class Window:
    """Pieces of the call (seconds), heard back to back as one Whisper window.

    `source` is the channel index the audio is taken from, or None for the mix of both channels."""

    source: int | None
    pieces: tuple[tuple[float, float], ...]

    @property
    def duration(self) -> float:
        return sum(b - a for a, b in self.pieces)

    @property
    def start(self) -> float:
        return self.pieces[0][0]

    @property
    def end(self) -> float:
        return self.pieces[-1][1]

    def to_call_time(self, t: float) -> float:
        """A time inside the window (seconds from its start) as a time in the call."""
        t = min(max(t, 0.0), self.duration)
        for a, b in self.pieces:
            if t <= b - a:
                return a + t
            t -= b - a
        return self.pieces[-1][1]


def merge(regions: list[tuple[float, float]], gap: float = 0.0) -> list[tuple[float, float]]:
    """Sorted union of regions; regions closer than `gap` are joined."""
    out: list[list[float]] = []
    for a, b in sorted(regions):
        if out and a <= out[-1][1] + gap:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def plan_windows(
    regions: list[tuple[float, float]],
    source: int | None = None,
    max_pause_s: float = 1.5,
    window_s: float = WINDOW_S,
) -> list[Window]:
    """Windows over the speech `regions` (seconds, with the VAD's own padding) in time order.

    Consecutive regions share a window while it stays within `window_s`, with the pauses between them; a
    window starts and ends with its regions (the VAD pads them already). A region longer than a window (two
    channels talking in a chain) is cut into equal parts."""
    half = max_pause_s / 2
    units: list[tuple[float, float]] = []
    for a, b in merge(regions):
        n = max(1, int(-(-(b - a) // window_s)))  # ceil
        units += [(a + i * (b - a) / n, a + (i + 1) * (b - a) / n) for i in range(n)]
    groups: list[list[int]] = []
    length = 0.0
    for i, (a, b) in enumerate(units):
        added = min(a - units[i - 1][1], max_pause_s) + b - a if groups else b - a
        if groups and length + added <= window_s:
            groups[-1].append(i)
            length += added
        else:
            groups.append([i])
            length = b - a
    windows = []
    for group in groups:
        spans = [list(units[group[0]])]
        for i in group[1:]:
            a, b = units[i]
            if a - spans[-1][1] <= max_pause_s:
                spans[-1][1] = b
            else:
                spans[-1][1] += half
                spans.append([a - half, b])
        windows.append(Window(source, tuple((a, b) for a, b in spans)))
    return windows


def window_of(offsets: list[float], t: float) -> int:
    """Index of the window whose start offset (in the batch audio) is the last at or before `t`."""
    return max(0, bisect.bisect_right(offsets, t + 1e-6) - 1)
