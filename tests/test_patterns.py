"""Pattern callers and the quarterly review on a seeded synthetic history, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from test_store import KEY, history, store  # noqa: F401 - fixtures shared with the store tests

from eval.bench_store import synthetic_result
from vpd_speech import cli
from vpd_speech.store import database as vstore
from vpd_speech.store import patterns as pt
from vpd_speech.store import review as rv
from vpd_speech.store.metadata import pseudonymise


def test_planted_pattern_callers_are_found(history):  # noqa: F811
    db, planted = history
    report = pt.find_pattern_callers(db, since="2026-01-01")
    found = {c.caller_ref for c in report.callers}
    assert found == set(planted["pattern"])
    assert not found & set(planted["emotional"])
    assert not found & set(planted["spread"])  # level-3 calls more than the window apart
    for c in report.callers:
        assert c.n_calls >= 3 and all(x.max_level >= 3 for x in c.calls)
        assert all(x.link == f"report/{x.call_id}.html" for x in c.calls)
        assert sum(c.months.values()) == c.n_calls
    assert report.warnings == []


def test_no_caller_with_only_levels_1_2_is_flagged(history):  # noqa: F811
    db, planted = history
    with db.engine.connect() as conn:
        top = dict(conn.execute(sa.select(vstore.calls.c.caller_ref, sa.func.max(vstore.calls.c.max_level))
                                .where(vstore.calls.c.caller_ref.is_not(None))
                                .group_by(vstore.calls.c.caller_ref)).all())  # fmt: skip
    for window in ("90d", "365d"):
        for min_calls in (2, 3):
            report = pt.find_pattern_callers(db, since="2025-01-01", min_calls=min_calls, window=window)
            assert all(top[c.caller_ref] >= 3 for c in report.callers)
    assert any(top[r] <= 2 for r in planted["emotional"])


def test_team_norm_option(history):  # noqa: F811
    db, planted = history
    with pytest.raises(pt.PatternError, match="team-norm"):
        pt.find_pattern_callers(db, since="2026-01-01", min_level=2)
    report = pt.find_pattern_callers(db, since="2026-01-01", min_level=1, team_norm=True)
    assert set(planted["emotional"]) <= {c.caller_ref for c in report.callers}
    assert report.warnings and "toegestaan gedrag" in report.warnings[0]
    assert "toegestaan gedrag" in pt.render_table(report)
    assert "toegestaan gedrag" in pt.render_html(report)
    # team_norm with the default level changes nothing
    default = pt.find_pattern_callers(db, since="2026-01-01", team_norm=True)
    assert {c.caller_ref for c in default.callers} == set(planted["pattern"]) and not default.warnings


def test_window_and_min_calls(store):  # noqa: F811
    ref = pseudonymise("0612340000", KEY)
    days = [0, 40, 85, 200, 250]  # three within 90 days, then two more
    store.write_calls([(synthetic_result(f"w{d}", "agressie_zonder_grens"),
                        {"caller_ref": ref, "started_at": (datetime(2026, 1, 1) + timedelta(days=d)).isoformat()})
                       for d in days])  # fmt: skip
    [c] = pt.find_pattern_callers(store, since="2026-01-01").callers
    assert [x.call_id for x in c.calls] == ["w0", "w40", "w85"]
    assert c.months == {"2026-01": 1, "2026-02": 1, "2026-03": 1}
    assert pt.find_pattern_callers(store, since="2026-01-01", window="80d").callers == []
    assert len(pt.find_pattern_callers(store, since="2026-01-01", min_calls=2, window="60d").callers[0].calls) == 5
    assert pt.find_pattern_callers(store, since="2026-01-01", min_calls=2, window="30d").callers == []
    assert pt.find_pattern_callers(store, since="2026-02-01").callers == []
    assert pt.find_pattern_callers(store, since="2026-01-01", until="2026-03-01").callers == []
    with pytest.raises(pt.PatternError):
        pt.find_pattern_callers(store, since="2026-01-01", min_calls=1)
    with pytest.raises(pt.PatternError):
        pt.find_pattern_callers(store, since="2026-01-01", window="soms")


def test_in_windows():
    t = [datetime(2026, 1, 1) + timedelta(days=d) for d in (0, 10, 100, 105, 110, 300)]
    assert pt._in_windows(t, 3, vstore.parse_duration("90d")) == [False, False, True, True, True, False]
    assert pt._in_windows(t, 2, vstore.parse_duration("10d")) == [True, True, True, True, True, False]


def test_pattern_window_and_purge_age_read_months_alike(store):  # noqa: F811
    """A 3m window and a 3m purge age are the same calendar span (patterns used to read 3m as 90 days)."""
    ref = pseudonymise("0612340001", KEY)
    started = [datetime(2026, 5, 1), datetime(2026, 6, 15), datetime(2026, 7, 31, 12)]  # 91.5 days: within 3m
    store.write_calls([(synthetic_result(f"m{i}", "agressie_zonder_grens"),
                        {"caller_ref": ref, "started_at": t.isoformat()}) for i, t in enumerate(started)])  # fmt: skip
    assert len(pt.find_pattern_callers(store, since="2026-05-01", window="3m").callers) == 1
    assert pt.find_pattern_callers(store, since="2026-05-01", window="90d").callers == []
    assert pt.find_pattern_callers(store, since="2026-05-01", window="2m").callers == []
    assert len(pt.find_pattern_callers(store, since="2026-05-01", window="1y").callers) == 1
    assert "binnen 3 maanden" in pt.render_table(pt.find_pattern_callers(store, since="2026-05-01", window="3m"))
    with pytest.raises(pt.PatternError, match="not a duration"):
        pt.find_pattern_callers(store, since="2026-05-01", window="90")
    assert store.purge("3m", now=datetime(2026, 8, 1)).cutoff == datetime(2026, 5, 1)


def test_pattern_outputs(history, tmp_path):  # noqa: F811
    db, planted = history
    report = pt.find_pattern_callers(db, since="2026-01-01")
    rows = list(csv.DictReader(io.StringIO(pt.render_csv(report))))
    assert len(rows) == len(planted["pattern"])
    for col in ("caller_ref", "n_calls", "n_level3", "n_level4", "first_call", "last_call", "call_ids"):
        assert col in rows[0]
    for row, c in zip(rows, report.callers):
        assert int(row["n_calls"]) == c.n_calls == int(row["n_level3"]) + int(row["n_level4"])
        assert row["call_ids"].split(";") == [x.call_id for x in c.calls]
    paths = pt.write_outputs(report, tmp_path)
    html = paths["html"].read_text()
    assert '<html lang="nl">' in html and "Patroonbellers" in html
    c = report.callers[0]
    assert f'href="report/{c.calls[0].call_id}.html"' in html and c.caller_ref in html
    text = pt.render_table(report)
    assert c.caller_ref in text and "report/" in text and "geen oordeel" in text
    empty = pt.find_pattern_callers(db, since="2030-01-01")
    assert "Geen patroonbellers" in pt.render_table(empty) and "Geen patroonbellers" in pt.render_html(empty)


# --------------------------------------------------------------------------- quarterly review


def test_quarters():
    assert rv.parse_quarter("2026Q3") == (2026, 3) and rv.parse_quarter("2026-q1") == (2026, 1)
    assert rv.quarter_bounds(2026, 4) == (datetime(2026, 10, 1), datetime(2027, 1, 1))
    assert rv.previous_quarter(2026, 1) == (2025, 4)
    assert rv.quarter_months(2026, 3) == ["2026-07", "2026-08", "2026-09"]
    with pytest.raises(rv.ReviewError):
        rv.parse_quarter("Q3 2026")


def _expected(db, start: datetime, end: datetime) -> dict:
    """The review figures recomputed in plain Python from every call row."""
    with db.engine.connect() as conn:
        rows = [r for r in conn.execute(sa.select(vstore.calls)).mappings()
                if r["started_at"] is not None and start <= r["started_at"] < end and r["status"] == "ok"]  # fmt: skip
    cats = Counter(r["category"] for r in rows if r["category"])
    months = Counter((r["category"], r["started_at"].strftime("%Y-%m")) for r in rows if r["category"])
    return {
        "n_calls": len(rows),
        "incident_totals": {c: cats.get(c, 0) for c in vstore.CATEGORIES},
        "months": months,
        "advice": {a: sum(r["advice"] == a for r in rows) for a in ("melden", "niet_melden")},
        "missing_end": sum(bool(r["missing_end"]) for r in rows),
        "missing_boundary": sum(bool(r["missing_boundary"]) for r in rows),
    }


def test_quarterly_review_figures(history, tmp_path):  # noqa: F811
    db, planted = history
    review = rv.quarterly_review(db, "2026Q2")
    exp = _expected(db, datetime(2026, 4, 1), datetime(2026, 7, 1))
    prev = _expected(db, datetime(2026, 1, 1), datetime(2026, 4, 1))
    f = review.figures()
    for key in ("n_calls", "incident_totals", "advice", "missing_end", "missing_boundary"):
        assert f[key] == exp[key], key
        assert f["previous"][key] == prev[key], key
    for (cat, month), n in exp["months"].items():
        assert f["incidents"][cat][month] == n
    assert f["n_calls"] > 500 and sum(f["incident_totals"].values()) > 10 and f["missing_boundary"] > 0
    assert set(f["pattern_callers"]) <= set(planted["pattern"]) and f["pattern_callers"]
    paths = rv.write_review(review, tmp_path)
    html = paths["html"].read_text()
    assert "Kwartaalrapportage agressie en geweld 2026Q2" in html and "vorig kwartaal" in html
    assert "seksuele intimidatie" in html and "gesprek niet beëindigd" in html
    rows = list(csv.DictReader(paths["csv"].open()))
    sections = {r["section"] for r in rows}
    assert {
        "gesprekken",
        "incident",
        "meldadvies",
        "werkinstructie",
        "werkinstructie_gesprek",
        "patroonbeller",
    } <= sections
    total = next(
        r for r in rows if r["section"] == "incident" and r["key"] == "verbale_agressie" and r["month"] == "kwartaal"
    )
    assert int(total["value"]) == exp["incident_totals"]["verbale_agressie"]
    assert int(total["previous"]) == prev["incident_totals"]["verbale_agressie"]
    assert "Kwartaal 2026Q2" in rv.render_text(review)


def test_review_of_an_empty_quarter(store):  # noqa: F811
    store.write_call(synthetic_result("q1", "dreiging"), {"started_at": "2026-08-01T10:00:00"})
    review = rv.quarterly_review(store, "2026Q3")
    assert review.figures()["incident_totals"]["bedreiging"] == 1
    assert review.figures()["previous"]["n_calls"] == 0
    assert "nieuw" in rv.render_html(review)
    empty = rv.quarterly_review(store, "2025Q1")
    assert empty.figures()["n_calls"] == 0 and "Geen" not in rv.render_csv(empty)


# --------------------------------------------------------------------------- the commands (cli.py)


def test_commands(tmp_path, capsys):
    db = tmp_path / "out" / "vpd.sqlite"
    out_dir = str(tmp_path / "out")
    ref = pseudonymise("0612340001", KEY)
    with vstore.Store.open(db) as s:
        s.write_calls([(synthetic_result(f"k{d}", "dreiging"),
                        {"caller_ref": ref, "started_at": (datetime(2026, 7, 1) + timedelta(days=d)).isoformat()})
                       for d in (0, 10, 20)])  # fmt: skip
    at = ["--store", str(db)]
    assert cli.main(["patterns", "--since", "2026-01-01", "--out", out_dir, *at]) == 0
    out = capsys.readouterr().out
    assert ref in out and "report/k0.html" in out
    assert (tmp_path / "out" / "patterns.html").exists() and (tmp_path / "out" / "patterns.csv").exists()
    assert cli.main(["patterns", "--since", "2026-01-01", "--format", "csv", "--out", out_dir, *at]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[0]["caller_ref"] == ref and rows[0]["n_level4"] == "3"
    assert cli.main(["patterns", "--since", "2026-01-01", "--min-level", "2", *at]) == 2
    assert "team-norm" in capsys.readouterr().err
    assert cli.main(["patterns", "--since", "2026-01-01", "--min-level", "2", "--team-norm", "--out", out_dir, *at]) == 0
    assert "toegestaan gedrag" in capsys.readouterr().err
    assert cli.main(["review", "--quarter", "2026Q3", "--out", out_dir, *at]) == 0
    assert "Kwartaal 2026Q3" in capsys.readouterr().out
    assert (tmp_path / "out" / "review_2026Q3.html").exists() and (tmp_path / "out" / "review_2026Q3.csv").exists()
    assert cli.main(["review", "--quarter", "3e kwartaal", "--out", out_dir, *at]) == 2
    assert cli.main(["purge", "--older-than", "1d", *at]) == 0
    assert "3 calls" in capsys.readouterr().out
    assert cli.main(["purge", "--older-than", "lang geleden", *at]) == 2
    assert "lang geleden" in capsys.readouterr().err


def test_reading_commands_refuse_a_missing_store(tmp_path, capsys):
    """patterns, review and purge on a store that does not exist: exit 2 with a clear message, nothing created."""
    missing = tmp_path / "nergens" / "vpd.sqlite"
    for argv in (["patterns", "--since", "2026-01-01"], ["review", "--quarter", "2026Q3"], ["purge", "--older-than", "1y"]):
        assert cli.main([*argv, "--store", str(missing), "--out", str(tmp_path / "out")]) == 2
        assert "no call store" in capsys.readouterr().err
    assert not missing.parent.exists()
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")  # an SQLite file without the call tables
    assert cli.main(["patterns", "--since", "2026-01-01", "--store", str(empty)]) == 2
    assert "no calls table" in capsys.readouterr().err
