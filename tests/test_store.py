"""The call store on SQLite and PostgreSQL (same tests), call metadata and pseudonymisation, retention purge.

PostgreSQL runs when env VPD_TEST_POSTGRES_URL names a server (eval/start_postgres.sh starts one);
otherwise those tests skip with that reason. CallResults are built from the schema through the real
timeline code (eval/bench_store.py), no models are loaded.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from eval.bench_store import seed_history, synthetic_result
from vpd_speech import cli
from vpd_speech.store import database as vstore
from vpd_speech.store import metadata as vmeta
from vpd_speech.store.database import Store

PG_URL = os.environ.get("VPD_TEST_POSTGRES_URL", "")
KEY = b"test-key-not-secret"
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            not PG_URL,
            reason='no PostgreSQL server: set VPD_TEST_POSTGRES_URL (run `eval "$(bash eval/start_postgres.sh)"`)',
        ),
    ),
]


def _reset_postgres(url: str) -> None:
    engine = sa.create_engine(vstore.store_url(url))
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def open_fresh(kind: str, tmp_path) -> Store:
    if kind == "sqlite":
        return Store.open(tmp_path / "vpd.sqlite")
    _reset_postgres(PG_URL)
    return Store.open(PG_URL)


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    s = open_fresh(request.param, tmp_path)
    yield s
    s.close()


@pytest.fixture(scope="module", params=BACKENDS)
def history(request, tmp_path_factory):
    """A seeded synthetic history (about 2,000 calls) per backend: (store, planted refs)."""
    s = open_fresh(request.param, tmp_path_factory.mktemp("history"))
    planted = seed_history(s, KEY)
    yield s, planted
    s.close()


# --------------------------------------------------------------------------- schema and migrations


def test_migrations_create_tables_and_indexes(store):
    assert store.applied_versions() == [v for v, _, _ in vstore.MIGRATIONS]
    assert store.migrate() == []  # nothing left to apply
    insp = sa.inspect(store.engine)
    tables = set(insp.get_table_names())
    assert {"calls", "utterances", "events", "advice", "call_metadata", "purge_log", "schema_migrations"} <= tables
    names = {ix["name"] for ix in insp.get_indexes("calls")}
    assert {"ix_calls_pattern", "ix_calls_caller", "ix_calls_quarter"} <= names


def test_old_store_is_upgraded(store):
    with store.engine.begin() as conn:  # pretend the store was made before migration 2
        for ix in vstore.INDEXES:
            ix.drop(conn)
        conn.execute(vstore.migrations_table.delete().where(vstore.migrations_table.c.version == 2))
    reopened = Store(store.engine)
    assert reopened.migrate() == [2]
    assert "ix_calls_pattern" in {ix["name"] for ix in sa.inspect(store.engine).get_indexes("calls")}


def test_store_url():
    assert vstore.store_url("postgresql://u:p@h:5/db") == "postgresql+psycopg://u:p@h:5/db"
    assert vstore.store_url("/tmp/x/vpd.sqlite") == "sqlite:////tmp/x/vpd.sqlite"
    assert "***" in vstore.redact_url("postgresql+psycopg://u:secret@h/db")


# --------------------------------------------------------------------------- writing


META = {"started_at": "2026-03-02T10:15:00+01:00", "caller_ref": "B-0123456789abcdef", "agent_id": "m007",
        "team": "KCC-A", "agent_channel": "left", "wijk": "Noord"}  # fmt: skip


def _counts(store) -> dict[str, int]:
    return {t: store.count(t) for t in ("calls", "utterances", "events", "advice", "call_metadata")}


def test_write_call_is_idempotent(store):
    r = synthetic_result("dreiging_ab12", "dreiging")
    store.write_call(r, META)
    first = _counts(store)
    store.write_call(r, META)
    store.write_calls([(r, META), (r, META)])
    assert _counts(store) == first
    assert (
        first["calls"] == 1 and first["utterances"] == len(r.utterances) and first["events"] == len(r.timeline.events)
    )


def test_written_call_facts(store):
    store.write_calls(
        [
            (synthetic_result("t1", "dreiging_niet_beeindigd"), META),
            (synthetic_result("t2", "seksueel"), {}),
            (synthetic_result("t3", "agressie_zonder_grens"), {}),
            (synthetic_result("t4", "doxxing"), {}),
            (synthetic_result("t5", "emotie"), {}),
        ]
    )
    row = store.call("t1")
    assert row["started_at"] == datetime(2026, 3, 2, 9, 15)  # normalised to UTC
    assert row["month"] == "2026-03"
    assert row["caller_ref"] == META["caller_ref"] and row["agent_id"] == "m007" and row["team"] == "KCC-A"
    assert row["max_level"] == 4 and row["category"] == "bedreiging" and row["advice"] == "melden"
    assert row["missing_end"] is True
    assert store.call("t2")["category"] == "seksuele_intimidatie"
    assert store.call("t3")["category"] == "verbale_agressie" and store.call("t3")["missing_boundary"] is True
    assert store.call("t4")["category"] == "intimidatie"
    assert store.call("t5")["category"] is None and store.call("t5")["max_level"] == 1
    adv = store.advice_for(["t1"])["t1"]
    assert adv["advice"] == "melden" and any("Bedreiging" in x for x in adv["reasons"])
    with store.engine.connect() as conn:
        meta = dict(conn.execute(sa.select(vstore.call_metadata.c.key, vstore.call_metadata.c.value)
                                 .where(vstore.call_metadata.c.call_id == "t1")).all())  # fmt: skip
    assert meta == {"wijk": "Noord"}


def test_caller_number_never_reaches_the_store(store):
    with pytest.raises(ValueError, match="caller_number"):
        store.write_call(synthetic_result("n1", "neutraal"), {"caller_number": "0612345678"})
    assert store.count() == 0


def test_sidecar_to_store_keeps_no_number(store, tmp_path):
    sidecar = tmp_path / "meta.csv"
    sidecar.write_text(
        "file,started_at,caller_number,agent_id,team,agent_channel\n"
        "a.wav,2026-02-01T09:00:00,06-12 34 56 78,m1,KCC-A,right\n"
        "b.wav,2026-02-03T09:00:00Z,+31 6 12345678,m2,KCC-B,\n"
    )
    meta = vmeta.read_sidecar(sidecar, KEY)
    store.write_calls([(synthetic_result("a", "agressie_zonder_grens", meta["a.wav"]), None),
                       (synthetic_result("b", "dreiging"), meta["b.wav"])])  # fmt: skip
    assert store.call("a")["caller_ref"] == store.call("b")["caller_ref"] == vmeta.pseudonymise("0612345678", KEY)
    assert store.call("a")["agent_channel"] == "right"
    with store.engine.connect() as conn:
        for table in vstore.md.sorted_tables:
            for row in conn.execute(sa.select(table)):
                text = json.dumps([str(v) for v in row])
                assert "12345678" not in text and "123456" not in text.replace("-", ""), table.name


# --------------------------------------------------------------------------- retention


def test_purge_deletes_old_transcripts_and_logs_counts(store, caplog):
    now = datetime(2027, 6, 1, 12, 0)
    old = {"started_at": "2025-03-01T10:00:00", "caller_ref": "B-aaaa"}  # the command purges relative to today
    new = {"started_at": datetime.now().isoformat(timespec="seconds"), "caller_ref": "B-aaaa"}
    store.write_calls([(synthetic_result("old1", "dreiging"), old), (synthetic_result("old2", "emotie"), old),
                       (synthetic_result("new1", "dreiging"), new)])  # fmt: skip
    n_old_utts = store.count("utterances") - len(synthetic_result("new1", "dreiging").utterances)
    with caplog.at_level(logging.INFO, logger="vpd_speech.store.database"):
        report = store.purge("12m", now=now)
    assert report.cutoff == datetime(2026, 6, 1, 12, 0)
    assert (report.calls, report.utterances, report.audio_refs) == (2, n_old_utts, 2)
    assert report.quotes > 0
    msg = "\n".join(r.getMessage() for r in caplog.records)
    assert "2 calls" in msg and "Ik weet je te vinden" not in msg  # counts, never content
    with store.engine.connect() as conn:
        left = {r[0] for r in conn.execute(sa.select(vstore.utterances.c.call_id).distinct())}
        quotes = dict(conn.execute(sa.select(vstore.events.c.call_id, sa.func.max(vstore.events.c.quote))
                                   .group_by(vstore.events.c.call_id)).all())  # fmt: skip
        log_rows = conn.execute(sa.select(vstore.purge_log)).mappings().all()
    assert left == {"new1"}
    assert quotes["old1"] == "" and quotes["new1"] != ""
    assert store.advice_for(["old1"])["old1"]["reasons"] is None
    o = store.call("old1")
    assert o["audio_ref"] is None and o["file"] is None and o["purged_at"] == now
    assert o["max_level"] == 4 and o["category"] == "bedreiging" and o["caller_ref"] == "B-aaaa"  # statistics stay
    assert store.call("new1")["audio_ref"] == "new1.wav"
    assert len(log_rows) == 1 and log_rows[0]["utterances"] == n_old_utts
    again = store.purge("12m", now=now)  # nothing left to purge
    assert (again.calls, again.utterances, again.quotes, again.audio_refs) == (0, 0, 0, 0)


def test_purge_command_clears_the_out_folder(tmp_path):
    from vpd_speech.reports.outputs import write_call, write_tables

    out = tmp_path / "out"
    old = {"started_at": "2025-03-01T10:00:00", "caller_ref": "B-aaaa"}  # the command purges relative to today
    new = {"started_at": datetime.now().isoformat(timespec="seconds"), "caller_ref": "B-aaaa"}
    results = [(synthetic_result("old1", "dreiging"), old), (synthetic_result("new1", "emotie"), new)]
    for r, _ in results:
        write_call(r, out)
        (out / "report").mkdir(exist_ok=True)
        (out / "report" / f"{r.call_id}.html").write_text("<html></html>")
    write_tables(out, parquet=False)
    with Store.open(tmp_path / "vpd.sqlite") as db:
        db.write_calls(results)
    assert cli.main(["purge", "--older-than", "6m", "--store", str(tmp_path / "vpd.sqlite"), "--out", str(out)]) == 0
    assert sorted(p.name for p in (out / "calls").iterdir()) == ["new1.json"]
    assert sorted(p.name for p in (out / "report").iterdir()) == ["new1.html"]
    assert "old1" not in (out / "calls.csv").read_text() and "new1" in (out / "calls.csv").read_text()


def test_parse_duration():
    parse = vstore.parse_duration
    assert parse("1m").before(datetime(2026, 3, 31)) == datetime(2026, 2, 28)  # calendar months, not 30 days
    assert parse("3m").after(datetime(2026, 1, 31)) == datetime(2026, 4, 30)
    assert parse("2y").before(datetime(2026, 3, 31)) == datetime(2024, 3, 31)
    assert parse("1Y").before(datetime(2028, 2, 29)) == datetime(2027, 2, 28)
    assert parse("90d").before(datetime(2026, 4, 1)) == datetime(2026, 1, 1)
    assert parse("2w").after(datetime(2026, 1, 1)) == datetime(2026, 1, 15)
    assert parse(timedelta(days=90)) == parse(" 90 d ") and str(parse("3m")) == "3m"
    assert [parse(d).nl for d in ("90d", "3m", "1y", "1w")] == ["90 dagen", "3 maanden", "1 jaar", "1 week"]
    for bad in ("twelve months", "12", "", "3 months", "-1m", "1.5y"):
        with pytest.raises(ValueError, match="not a duration"):
            parse(bad)
    with pytest.raises(ValueError, match="whole number of days"):
        parse(timedelta(hours=36))



# --------------------------------------------------------------------------- metadata and pseudonyms


@pytest.mark.parametrize(
    "number", ["0612345678", "06-12345678", "06 12 34 56 78", "+31 6 1234 5678", "+31612345678", "0031612345678",
               "0031-6-12345678", "31612345678"],
)  # fmt: skip
def test_number_notations_give_one_pseudonym(number):
    assert vmeta.normalise_number(number) == "31612345678"
    assert vmeta.pseudonymise(number, KEY) == vmeta.pseudonymise("06-1234 5678", KEY)


def test_pseudonym_depends_on_key_and_number():
    a = vmeta.pseudonymise("0612345678", KEY)
    assert a.startswith("B-") and len(a) == 2 + vmeta.PSEUDONYM_HEX and "12345678" not in a
    assert vmeta.pseudonymise("0612345678", b"other key") != a
    assert vmeta.pseudonymise("0612345679", KEY) != a
    assert vmeta.pseudonymise("+32 470 12 34 56", KEY) != vmeta.pseudonymise("0470123456", KEY)
    assert vmeta.pseudonymise("anoniem", KEY) is None and vmeta.pseudonymise("", KEY) is None


def test_missing_key_is_a_clear_error(tmp_path):
    with pytest.raises(vmeta.MetadataError, match="VPD_PSEUDONYM_KEY"):
        vmeta.load_key(env={})
    with pytest.raises(vmeta.MetadataError, match="VPD_PSEUDONYM_KEY"):
        vmeta.load_key(env={"VPD_PSEUDONYM_KEY": "  "})
    with pytest.raises(vmeta.MetadataError, match="not found"):
        vmeta.load_key(tmp_path / "nope.key", env={})
    (tmp_path / "empty.key").write_text("\n")
    with pytest.raises(vmeta.MetadataError, match="empty"):
        vmeta.load_key(tmp_path / "empty.key", env={})
    (tmp_path / "k.key").write_text("s3cret\n")
    assert vmeta.load_key(tmp_path / "k.key", env={"VPD_PSEUDONYM_KEY": "other"}) == b"s3cret"
    assert vmeta.load_key(env={"VPD_PSEUDONYM_KEY": "abc"}) == b"abc"


def test_sidecar_jsonl_and_errors(tmp_path):
    p = tmp_path / "meta.jsonl"
    p.write_text(
        json.dumps({"file": "x/a.wav", "started_at": "2026-01-05T08:00:00+01:00", "caller_number": "0612345678",
                    "agent_id": "m1", "team": "T", "agent_channel": "LEFT", "extra": 3}) + "\n\n"
        + json.dumps({"file": "b.wav", "started_at": "", "caller_number": None, "agent_id": "m2", "team": "T",
                      "agent_channel": ""}) + "\n"
    )  # fmt: skip
    meta = vmeta.read_sidecar(p, KEY)
    assert meta["x/a.wav"] == {"started_at": "2026-01-05T07:00:00", "agent_id": "m1", "team": "T",
                             "agent_channel": "left", "extra": "3",
                             "caller_ref": vmeta.pseudonymise("0612345678", KEY)}  # fmt: skip
    assert meta["b.wav"] == {"agent_id": "m2", "team": "T"}
    bad = tmp_path / "bad.csv"
    bad.write_text("file,started_at\na.wav,2026-01-01\n")
    with pytest.raises(vmeta.MetadataError, match="missing columns: caller_number"):
        vmeta.read_sidecar(bad, KEY)
    bad.write_text("file,started_at,caller_number,agent_id,team,agent_channel\na.wav,gisteren,,m,T,\n")
    with pytest.raises(vmeta.MetadataError, match="ISO 8601"):
        vmeta.read_sidecar(bad, KEY)
    bad.write_text("file,started_at,caller_number,agent_id,team,agent_channel\na.wav,,,m,T,mono\n")
    with pytest.raises(vmeta.MetadataError, match="agent_channel"):
        vmeta.read_sidecar(bad, KEY)
    with pytest.raises(vmeta.MetadataError, match="not found"):
        vmeta.read_sidecar(tmp_path / "none.csv", KEY)


def test_load_sidecar_needs_a_key(tmp_path, monkeypatch):
    p = tmp_path / "m.csv"
    p.write_text(
        "file,started_at,caller_number,agent_id,team,agent_channel\na.wav,2026-01-01T10:00,0612345678,m,T,left\n"
    )
    monkeypatch.delenv("VPD_PSEUDONYM_KEY", raising=False)
    with pytest.raises(vmeta.MetadataError, match="--key-file"):
        vmeta.load_sidecar(p)
    monkeypatch.setenv("VPD_PSEUDONYM_KEY", KEY.decode())
    assert vmeta.load_sidecar(p)["a.wav"]["caller_ref"] == vmeta.pseudonymise("0612345678", KEY)
