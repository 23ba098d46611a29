"""The `vpd` command's contract: help on every flag, refused flags and options, one error line, exit codes."""

from __future__ import annotations

import argparse

import pytest

from vpd_speech import cli
from vpd_speech.config import ConfigError, load_config


def _parsers(parser: argparse.ArgumentParser, path: str = "vpd"):
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parsers(sub, f"{path} {name}")


def test_every_flag_has_help():
    missing = [f"{path} {'/'.join(a.option_strings) or a.dest}"
               for path, parser in _parsers(cli.build_parser()) for a in parser._actions
               if not isinstance(a, argparse._SubParsersAction) and not (a.help or "").strip()]
    assert missing == []


def test_help_shows_defaults(capsys):
    with pytest.raises(SystemExit):
        cli.main(["patterns", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "(default: 90d)" in text and "(default: out/vpd.sqlite)" in text


@pytest.mark.parametrize("argv, message", [
    (["--workers", "2", "--engine", "ray"], "--workers is for --engine local"),
    (["--num-actors", "2"], "--num-actors: only with --engine ray"),
    (["--address", "auto", "--gpus-per-actor", "0.5"], "--address, --gpus-per-actor: only with --engine ray"),
])
def test_flags_of_the_other_engine_are_refused(tmp_path, capsys, argv, message):
    (tmp_path / "calls").mkdir()
    assert cli.main(["score", str(tmp_path / "calls"), "--out", str(tmp_path / "out"), *argv]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_unknown_stage_options_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="classifier.*unknown option thresholds"):
        load_config(None, {"classifier.options": {"thresholds": 0.5}})
    with pytest.raises(ConfigError, match="markers.*unknown option threads|unknown option threads"):
        load_config(None, {"classifier.kind": "markers", "classifier.options": {"threads": 2}})
    with pytest.raises(ConfigError, match="timeline.*unknown option half_life"):
        load_config(None, {"timeline.options": {"half_life": 3}})
    assert load_config(None, {"timeline.options": {"half_life_s": 3}}).timeline.options == {"half_life_s": 3}


def test_config_by_shipped_name_or_path(tmp_path, capsys):
    assert load_config("ray").asr.device == load_config("ray.toml").asr.device
    assert cli.main(["score", str(tmp_path), "--config", "nergens"]) == 2
    assert "shipped pipelines: default, ray" in capsys.readouterr().err


def test_train_has_its_steps(capsys):
    with pytest.raises(SystemExit):
        cli.main(["train", "--help"])
    out = capsys.readouterr().out
    assert all(step in out for step in ("asr", "fit", "calibrate"))
    assert cli.main(["train", "fit", "--corpus", "nergens.tsv"]) == 2
    assert "nergens.tsv" in capsys.readouterr().err
