"""Draft incident registrations (vpd_speech.reports.incident)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from test_report import _cls, make_call

from vpd_speech.reports.incident import (
    CSV_COLUMNS,
    build_incident,
    categories,
    load_call,
    write_incident,
    write_incidents,
)
from vpd_speech.reports.outputs import read_call
from vpd_speech.schema import CallResult, Evidence, Utterance

DREIGING = Path(__file__).resolve().parent / "data" / "dreiging_741de7539a.json"


def _aggression_call(ended: bool = True) -> CallResult:
    text = "Jij bent een idioot, bel maar naar 06-12345678."
    utts = [
        Utterance(id=0, speaker="A", role="agent", start=0.0, end=2.0, text="Gemeente, u spreekt met Sanne.",
                  classification=_cls("agent", "overig")),
        Utterance(id=1, speaker="B", role="caller", start=3.0, end=6.0, text=text,
                  classification=_cls("caller", "agressie_jij", 0.9, [Evidence(start=0, end=len(text), text=text, kind="insult")])),
        Utterance(id=2, speaker="A", role="agent", start=7.0, end=9.0, text="Als u zo doorgaat beëindig ik het gesprek.",
                  classification=_cls("agent", "grens_stellen")),
        Utterance(id=3, speaker="B", role="caller", start=10.0, end=12.0, text="Jij bent gewoon een sukkel.",
                  classification=_cls("caller", "agressie_jij", 0.9, [Evidence(start=20, end=26, text="sukkel", kind="insult")])),
    ]  # fmt: skip
    if ended:
        utts.append(Utterance(id=4, speaker="A", role="agent", start=13.0, end=15.0, text="Ik beëindig nu het gesprek.",
                              classification=_cls("agent", "gesprek_beeindigen")))  # fmt: skip
    return make_call(utts, 16.0, call_id="agressie_test", started_at="2026-05-04T10:20:00", agent_id="mw-7")


def test_threat_call_draft():
    d = build_incident(read_call(DREIGING))
    assert d["status"] == "concept" and d["meldadvies"] == "melden"
    assert d["categorie"] == "bedreiging"
    assert d["duur"] == "00:24" and d["hoogste_niveau"] == "4 dreiging"
    assert d["omschrijving"].startswith("00:10 De burger uitte een bedreiging: „alles kapot”.")
    assert "grens gesteld (00:14)" in d["handelen_medewerker"]
    assert d["gesprek_beeindigd_door_medewerker"] is False
    assert {"gebeurtenis": "threat", "van_s": 13.29, "tot_s": 13.93, "van": "00:13", "tot": "00:14",
            "utterance_id": 3} in d["audiofragmenten"]  # fmt: skip
    assert any("niveau 4" in r for r in d["redenen"])


def test_aggression_draft_masks_quotes_and_lists_agent_actions():
    call = _aggression_call()
    assert call.timeline.advice.advice == "melden"
    d = build_incident(call)
    assert (
        d["categorie"] == "verbale agressie" and d["datum_tijd"] == "2026-05-04T10:20:00" and d["medewerker"] == "mw-7"
    )
    assert "12345678" not in json.dumps(d, ensure_ascii=False)
    assert "[telefoonnummer]" in d["omschrijving"]
    assert "opnieuw over de grens" in d["omschrijving"]
    assert any(a.startswith("grens gesteld") for a in d["handelen_medewerker"])
    assert any(a.startswith("gesprek beëindigd") for a in d["handelen_medewerker"])
    assert d["gesprek_beeindigd_door_medewerker"] is True
    raw = build_incident(call, redact=False)
    assert "06-12345678" in raw["omschrijving"] and raw["gemaskeerd"] is False


@pytest.mark.parametrize(
    "kind, text, expected",
    [
        ("threat", "Ik sla je kop in", ["bedreiging"]),
        ("doxxing", "Ik weet waar je woont", ["intimidatie"]),
        ("sexual", "Ik kom je eens lekker opzoeken schatje", ["seksuele intimidatie"]),
    ],
)
def test_categories_from_evidence(kind, text, expected):
    u = Utterance(id=1, speaker="B", role="caller", start=1.0, end=3.0, text=text,
                  classification=_cls("caller", "dreiging", 0.95, [Evidence(start=0, end=len(text), text=text, kind=kind)]))  # fmt: skip
    assert categories(make_call([u], 5.0)) == expected


def test_one_category_rule_for_draft_and_store():
    """A level-4 call with sexual and threat evidence is a bedreiging in the draft and in the quarterly review."""
    from vpd_speech.store.database import incident_category

    text = "Ik kom je eens lekker opzoeken schatje en dan sla ik je kop in"
    ev = [Evidence(start=0, end=36, text=text[:36], kind="sexual"),
          Evidence(start=40, end=len(text), text=text[40:], kind="threat")]  # fmt: skip
    u = Utterance(id=1, speaker="B", role="caller", start=1.0, end=3.0, text=text,
                  classification=_cls("caller", "dreiging", 0.95, ev))  # fmt: skip
    call = make_call([u], 5.0)
    assert call.timeline.max_level == 4
    assert categories(call) == ["bedreiging", "seksuele intimidatie"]
    assert build_incident(call)["categorie"] == "bedreiging"
    assert incident_category(call) == "bedreiging"


def test_write_json_and_csv_and_only_melden(tmp_path):
    threat = read_call(DREIGING)
    calm = make_call([Utterance(id=0, speaker="B", role="caller", start=0, end=2, text="Dank u wel.",
                                classification=_cls("caller", "neutraal"))], 3.0, call_id="rustig")  # fmt: skip
    paths = write_incidents([threat, calm], tmp_path)
    assert sorted(p.name for p in paths) == [f"{threat.call_id}.incident.csv", f"{threat.call_id}.incident.json"]
    js, cs = write_incident(threat, tmp_path)
    assert json.loads(js.read_text(encoding="utf-8"))["categorie"] == "bedreiging"
    rows = list(csv.DictReader(cs.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert len(rows) == 1 and list(rows[0]) == CSV_COLUMNS
    assert rows[0]["categorie"] == "bedreiging" and rows[0]["grens_gesteld"] == "ja"
    assert "threat 00:13-00:14" in rows[0]["audiofragmenten"]


def test_load_call_by_path_id_and_prefix(tmp_path):
    calls = tmp_path / "calls"
    calls.mkdir()
    (calls / DREIGING.name).write_bytes(DREIGING.read_bytes())
    assert load_call(DREIGING).call_id == "dreiging_741de7539a"
    assert load_call("dreiging_741de7539a", tmp_path).call_id == "dreiging_741de7539a"
    assert load_call("dreiging", tmp_path).call_id == "dreiging_741de7539a"
    with pytest.raises(FileNotFoundError):
        load_call("bestaat_niet", tmp_path)


def test_error_call_has_no_draft():
    with pytest.raises(ValueError):
        build_incident(CallResult(call_id="x", file="x.wav", status="error", error="leeg"))
