"""How a call is heard: listening windows with their pauses, word attribution by channel energy, overlaps,
and (slow) real transcription of calls whose turns overlap."""

import numpy as np
import pytest

from eval.eval_asr import align, score_turns, summarise, words_of
from vpd_speech.asr.listen import loudest, matched_mix, overlaps, split_by_channel, transcribe_call
from vpd_speech.asr.transcribe import Segment, segments_from
from vpd_speech.asr.windows import WINDOW_S, Window, merge, plan_windows
from vpd_speech.audio.decode import SAMPLE_RATE, decode
from vpd_speech.schema import Word


def test_short_pauses_are_kept_whole_and_long_ones_shortened():
    regions = [(1.0, 3.0), (3.8, 6.0), (12.0, 14.0)]
    [window] = plan_windows(regions, max_pause_s=1.5)
    # the 0.8 s pause whole, the 6 s pause cut to 0.75 + 0.75 of its own silence
    assert window.pieces == ((1.0, 6.75), (11.25, 14.0))
    assert window.duration == pytest.approx(5.75 + 2.75)


def test_window_times_map_back_to_the_call():
    window = Window(0, ((0.25, 6.75), (11.25, 14.75)))
    assert window.to_call_time(0.0) == 0.25
    assert window.to_call_time(3.0) == pytest.approx(3.25)
    assert window.to_call_time(7.0) == pytest.approx(11.75)  # 0.5 s into the second piece
    assert window.to_call_time(99.0) == 14.75  # clamped to the window


def test_windows_stay_within_whisper_window_and_cut_only_in_pauses():
    rng = np.random.default_rng(3)
    regions, t = [], 0.5
    for _ in range(60):
        length = rng.uniform(0.5, 6.0)
        regions.append((t, t + length))
        t += length + rng.uniform(0.2, 4.0)
    windows = plan_windows(regions, max_pause_s=1.5)
    assert all(w.duration <= WINDOW_S + 1e-9 for w in windows)
    covered = merge([p for w in windows for p in w.pieces])
    for a, b in regions:  # every region is heard whole, inside one window
        assert sum(1 for w in windows if any(p0 <= a and b <= p1 for p0, p1 in w.pieces)) == 1
        assert any(p0 <= a and b <= p1 for p0, p1 in covered)
    assert [w.start for w in windows] == sorted(w.start for w in windows)


def test_a_region_longer_than_a_window_is_cut():
    windows = plan_windows([(0.0, 70.0)], max_pause_s=1.0)
    assert len(windows) == 3 and all(w.duration <= WINDOW_S for w in windows)
    assert windows[0].start == 0.0 and windows[-1].end == 70.0


def _tone(seconds: float, at: float, length: float, amplitude: float = 0.3) -> np.ndarray:
    x = np.zeros(int(seconds * SAMPLE_RATE), dtype=np.float32)
    t = np.arange(int(length * SAMPLE_RATE)) / SAMPLE_RATE
    x[int(at * SAMPLE_RATE) : int(at * SAMPLE_RATE) + len(t)] = amplitude * np.sin(2 * np.pi * 220 * t)
    return x


def test_each_word_goes_to_the_louder_channel():
    samples = np.stack([_tone(4, 0.0, 2.0), _tone(4, 1.8, 2.0) + _tone(4, 0.0, 4.0, 0.01)])  # crosstalk on right
    assert loudest(samples, 0.2, 0.6) == 0
    assert loudest(samples, 2.5, 3.0) == 1
    words = [Word(start=s, end=s + 0.3, text=t) for s, t in [(0.2, "ik"), (1.0, "kijk"), (2.3, "nee"), (3.0, "nu")]]
    segment = Segment(0.2, 3.3, "ik kijk nee nu", words, 0.1, -0.4)
    parts = split_by_channel(segment, [loudest(samples, w.start, w.end) for w in words])
    assert [(ch, p.text, p.start, p.end) for ch, p in parts] == [(0, "ik kijk", 0.2, 1.3), (1, "nee nu", 2.3, 3.3)]


def test_overlaps_find_both_turns_that_talk_at_once():
    left = [(0.0, 3.0), (5.0, 8.0)]
    right = [(2.8, 4.5), (7.0, 9.0)]  # 0.2 s of overlap, then 1.0 s
    assert overlaps([left, right], min_s=0.5) == [[(5.0, 8.0)], [(7.0, 9.0)]]
    assert overlaps([left, right], min_s=0.1) == [[(0.0, 3.0), (5.0, 8.0)], [(2.8, 4.5), (7.0, 9.0)]]


def test_matched_mix_brings_a_quiet_line_up():
    samples = np.stack([_tone(4, 0.0, 2.0, 0.5), _tone(4, 2.0, 2.0, 0.005)])
    mix = matched_mix(samples, [[(0.0, 2.0)], [(2.0, 4.0)]])
    loud, quiet = np.abs(mix[: 2 * SAMPLE_RATE]).max(), np.abs(mix[2 * SAMPLE_RATE :]).max()
    assert quiet == pytest.approx(loud, rel=0.05)


@pytest.mark.slow
@pytest.mark.parametrize("stereo", ["channels", "mix"])
def test_overlapping_turns_keep_their_words_and_starts(pipeline, synth_call, stereo):
    """A call whose caller talks over the agent: every scripted turn gets words, from its own party, and
    turn starts survive."""
    truth = synth_call("asr_05_bijstand")
    overlapping = [t for prev, t in zip(truth["turns"], truth["turns"][1:]) if t["start"] < prev["end"]]
    assert len(overlapping) >= 2
    config = pipeline.config.model_copy(update={"asr": pipeline.config.asr.model_copy(update={"stereo": stereo})})
    audio = decode(truth["paths"]["stereo"], config.audio)
    per_channel = transcribe_call(pipeline.transcriber, audio.samples, config.vad, config.asr)
    utterances, _ = pipeline.stereo_utterances(per_channel, truth["agent_channel"])
    rows = score_turns(truth, utterances)
    summary = summarise(rows)
    assert summary["empty_turns"] == 0
    assert summary["start_heard"] >= 0.85
    assert summary["caller_wer"] < 0.7


@pytest.fixture(scope="module")
def real_calls(tmp_path_factory):
    """Two calls spoken by real people (../shared/real_speech), stereo and mono, with their truth."""
    from eval.real_calls import call_scripts
    from vpd_speech.training.synth import synthesize

    root = tmp_path_factory.mktemp("real_calls")
    return [synthesize(script, root, mono=True) for script in call_scripts(2)]


@pytest.mark.slow
def test_real_voices_heard_in_stereo_and_separated_in_mono(pipeline, real_calls):
    """Real voices, not MBROLA: stereo turns keep their starts, and in the mono mix the speaker embeddings
    give (nearly) every word to the right party."""
    for truth in real_calls:
        stereo = pipeline.score(truth["paths"]["stereo"], metadata={"agent_channel": truth["agent_channel"]})
        summary = summarise(score_turns(truth, stereo.utterances))
        assert summary["empty_turns"] == 0 and summary["start_heard"] >= 0.85 and summary["caller_wer"] < 0.5
        mono = pipeline.score(truth["paths"]["mono"])
        assert mono.speakers.method == "mono_clustering"
        right = total = 0
        for u in mono.utterances:
            for w in u.words:
                mid = (w.start + w.end) / 2
                roles = {t["role"] for t in truth["turns"] if t["start"] - 0.2 <= mid <= t["end"] + 0.2}
                if len(roles) == 1:
                    total += 1
                    right += u.role in roles
        assert total > 50 and right / total >= 0.95


@pytest.mark.slow
def test_encoder_and_alignment_in_parts_give_the_same_words(pipeline, monkeypatch):
    """The recogniser runs the encoder and the word alignment of a batch of windows in parts (less memory):
    the words and their times are exactly those of the whole batch at once."""
    from pathlib import Path

    from vpd_speech.asr import transcribe

    audio = decode(
        Path(__file__).resolve().parent.parent / "examples" / "calls" / "dreiging.wav", pipeline.config.audio
    )
    heard = {}
    for parts in (1, 64):
        monkeypatch.setattr(transcribe, "ENCODER_BATCH", parts)
        per_channel = transcribe_call(pipeline.transcriber, audio.samples, pipeline.config.vad, pipeline.config.asr)
        heard[parts] = [[(w.text, w.start, w.end) for s in segs for w in s.words] for segs in per_channel]
    assert sum(map(len, heard[1])) > 20
    assert heard[1] == heard[64]


@pytest.mark.slow
def test_live_pieces_in_short_encoder_windows_are_heard_as_in_full_ones(pipeline, real_calls):
    """A live piece (a turn with 4 s of its channel before it) heard in a 10 s encoder window instead of
    Whisper's 30 s: every turn gets words and the word error rate stays that of the full window (a 5 s
    window, measured, loses it: WER 0.78 against 0.38 on real voices)."""
    truth = real_calls[0]
    audio = decode(truth["paths"]["stereo"], pipeline.config.audio)
    agent = 0 if truth["agent_channel"] == "left" else 1
    pieces = []
    for turn in truth["turns"]:
        channel = agent if turn["role"] == "agent" else 1 - agent
        a, b = int(turn["start"] * SAMPLE_RATE), int((turn["end"] + 0.3) * SAMPLE_RATE)
        context = max(0, a - 4 * SAMPLE_RATE)
        pieces.append((audio.samples[channel, context:b], context / SAMPLE_RATE))
    errors = {}
    for window_s in (30.0, 10.0):
        heard = pipeline.transcriber.transcribe_pieces(pieces, window_s)
        errors[window_s], words = 0, 0
        for turn, segments in zip(truth["turns"], heard, strict=True):
            hyp = [w for s in segments_from(segments, turn["start"]) for word in s.words for w in words_of(word.text)]
            ref = words_of(turn["text"])
            assert hyp, f"no words for {turn['text']!r} in a {window_s:g} s window"
            errors[window_s] += align(ref, hyp)[0]
            words += len(ref)
        errors[window_s] /= words
    assert errors[10.0] <= errors[30.0] + 0.05, errors
