"""Unit tests of the small stages: configuration, utterance building, role guessing, VAD chunking, models."""

import pytest

from vpd_speech.asr.speakers import SpeakerTurnText, guess_agent
from vpd_speech.asr.utterances import SpokenWord, build_utterances
from vpd_speech.config import ConfigError, load_config
from vpd_speech.models import ModelError, resolve_whisper
from vpd_speech.schema import Word


def test_default_pipeline_is_valid():
    cfg = load_config()
    assert cfg.asr.language == "nl" and cfg.asr.compute_type == "int8"
    assert cfg.vad.threshold == 0.35


def test_overrides_and_errors(tmp_path):
    assert load_config(overrides={"asr.beam_size": 3}).asr.beam_size == 3
    bad = tmp_path / "bad.toml"
    bad.write_text("[asr]\nbeam_sise = 3\n")
    with pytest.raises(ConfigError, match="asr.beam_sise"):
        load_config(bad)
    bad.write_text("[vad]\nthreshold = 'hoog'\n")
    with pytest.raises(ConfigError, match="vad.threshold"):
        load_config(bad)
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "missing.toml")


def test_missing_model_says_how_to_fix(tmp_path, monkeypatch):
    monkeypatch.setenv("VPD_MODEL_CACHE", str(tmp_path))
    with pytest.raises(ModelError, match="vpd models setup"):
        resolve_whisper("whisper-base")
    with pytest.raises(ModelError, match="not available offline"):
        resolve_whisper("Systran/faster-whisper-large-v3")
    with pytest.raises(ModelError, match="no model.bin"):
        resolve_whisper(str(tmp_path))


def w(start, end, text, speaker, role="caller", channel=None):
    return SpokenWord(Word(start=start, end=end, text=text), speaker, role, channel, 0.1, -0.3)


def test_utterances_split_on_pause_and_speaker():
    words = [
        w(0.0, 0.3, "Goedemorgen,", "A", "agent"), w(0.35, 0.7, "gemeente.", "A", "agent"),
        w(1.0, 1.3, "Ja", "B"), w(1.35, 1.6, "hallo.", "B"),
        w(3.0, 3.3, "Ik", "B"), w(3.3, 3.6, "bel", "B"),
    ]  # fmt: skip
    utts = build_utterances(words)
    assert [(u.speaker, u.text) for u in utts] == [("A", "Goedemorgen, gemeente."), ("B", "Ja hallo."), ("B", "Ik bel")]
    assert [u.id for u in utts] == [0, 1, 2]
    assert utts[0].start == 0.0 and utts[0].end == 0.7


def test_overlapping_channels_kept_in_time_order():
    words = [
        w(0.0, 0.4, "Dat", "left", "agent", 0), w(0.45, 0.9, "kan", "left", "agent", 0), w(0.95, 1.3, "niet.", "left", "agent", 0),
        w(0.5, 0.8, "Jawel!", "right", "caller", 1),
    ]  # fmt: skip
    utts = build_utterances(words)
    assert [(u.speaker, u.text) for u in utts] == [("left", "Dat kan niet."), ("right", "Jawel!")]


def test_guess_agent_by_greeting_then_first_speaker():
    patterns = load_config().speakers.greeting_patterns
    openings = [SpeakerTurnText("left", 1.5, "ja hallo met Jansen"), SpeakerTurnText("right", 0.2, "Goedemiddag, gemeente Zaanstad, u spreekt met Sanne")]
    assert guess_agent(openings, patterns) == ("right", "greeting")
    openings = [SpeakerTurnText("left", 1.5, "hallo"), SpeakerTurnText("right", 0.2, "ja")]
    assert guess_agent(openings, patterns) == ("right", "first_speaker")


def test_a_callers_turn_before_is_the_agents_last_utterance_that_began_before_it():
    from vpd_speech.nlp.classify import turns_before
    from vpd_speech.schema import Utterance

    said = [("caller", 0.0, "hallo?"), ("agent", 1.0, "Gemeente, met Sandra."), ("caller", 3.0, "Ik bel over mijn pas."),
            ("agent", 6.0, "Die is afgewezen."), ("caller", 6.5, "Wat?"), ("caller", 8.0, "Dat ga je merken.")]
    utterances = [Utterance(id=i, speaker=role, role=role, start=t, end=t + 0.4, text=text, words=[])
                  for i, (role, t, text) in enumerate(said)]
    want = ["", "", "Gemeente, met Sandra.", "", "Die is afgewezen.", "Die is afgewezen."]
    assert turns_before(utterances) == want
    assert turns_before(utterances[::-1]) == want[::-1]  # by start time, whatever the list's order
