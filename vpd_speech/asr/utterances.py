"""Utterances: words grouped into speaker turns with times, all speakers in time order.

A turn ends at a pause longer than `max_gap_s`, when it grows longer than `max_duration_s`, or when the
other speaker says a word in the pause. Overlapping speech of two channels stays in two utterances.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from vpd_speech.config import UtterancesConfig
from vpd_speech.labels import Role
from vpd_speech.schema import Utterance, Word


@dataclass
class SpokenWord:
    word: Word
    speaker: str
    role: Role
    channel: int | None
    no_speech_prob: float
    avg_logprob: float


def build_utterances(words: list[SpokenWord], config: UtterancesConfig | None = None) -> list[Utterance]:
    config = config or UtterancesConfig()
    words = sorted(words, key=lambda w: (w.word.start, w.word.end))
    starts = [w.word.start for w in words]
    groups: list[list[SpokenWord]] = []
    open_group: dict[str, list[SpokenWord]] = {}
    for i, w in enumerate(words):
        group = open_group.get(w.speaker)
        if group is not None:
            last = group[-1].word
            gap = w.word.start - last.end
            interrupted = _other_speaker_between(words, starts, last.end, w.word.start, w.speaker)
            if gap <= config.max_gap_s and not interrupted and w.word.end - group[0].word.start <= config.max_duration_s:
                group.append(w)
                continue
        group = [w]
        groups.append(group)
        open_group[w.speaker] = group
    groups.sort(key=lambda g: g[0].word.start)
    return [_utterance(i, g) for i, g in enumerate(groups)]


def _other_speaker_between(words: list[SpokenWord], starts: list[float], lo: float, hi: float, speaker: str) -> bool:
    i = bisect.bisect_left(starts, lo)
    while i < len(words) and starts[i] < hi:
        if words[i].speaker != speaker and words[i].word.end <= hi:
            return True
        i += 1
    return False


def _utterance(index: int, group: list[SpokenWord]) -> Utterance:
    first = group[0]
    return Utterance(
        id=index,
        speaker=first.speaker,
        role=first.role,
        channel=first.channel,
        start=round(first.word.start, 3),
        end=round(max(w.word.end for w in group), 3),
        text=" ".join(w.word.text for w in group),
        words=[w.word for w in group],
        no_speech_prob=round(max(w.no_speech_prob for w in group), 4),
        avg_logprob=round(sum(w.avg_logprob for w in group) / len(group), 4),
    )
