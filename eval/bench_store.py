"""Synthetic call history for the call store, and the store benchmark.

    python -m eval.bench_store [--calls 1000000] [--postgres URL] [--sqlite PATH]

Generates N synthetic call rows with their events straight into the tables (bulk executemany on SQLite,
COPY on PostgreSQL), then times the pattern-caller query and the quarterly aggregation (best of 3 after a
warm-up). Target: under 1 s each at 1,000,000 calls. Without --postgres, env VPD_TEST_POSTGRES_URL is used
when set.

The module also builds realistic CallResults (through the real timeline code, no models) for the tests:
`synthetic_result(call_id, scenario, ...)` and `seed_history(store, key, ...)`.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from vpd_speech.labels import CALLER_LABELS
from vpd_speech.schema import AudioInfo, CallResult, Classification, Evidence, SpeakerInfo, Utterance

# --------------------------------------------------------------------------- one synthetic call

# scenario -> turns (role, level or act, evidence kind)
SCENARIOS: dict[str, list[tuple[str, object, str | None]]] = {
    "neutraal": [("agent", "overig", None), ("caller", 0, None), ("agent", "uitleggen", None), ("caller", 0, None),
                 ("agent", "afronden", None)],
    "emotie": [("agent", "overig", None), ("caller", 1, "ik"), ("agent", "erkennen_emotie", None), ("caller", 1, "ik"),
               ("agent", "uitleggen", None), ("caller", 0, None), ("agent", "afronden", None)],
    "kritiek": [("agent", "overig", None), ("caller", 2, "jullie"), ("agent", "uitleggen", None),
                ("caller", 2, "jullie"), ("agent", "mogelijkheden", None), ("caller", 0, None), ("agent", "afronden", None)],
    "agressie_gecorrigeerd": [("agent", "overig", None), ("caller", 2, "jullie"), ("caller", 3, "insult"),
                              ("agent", "gedrag_benoemen", None), ("agent", "grens_stellen", None), ("caller", 0, None),
                              ("caller", 0, None), ("agent", "afronden", None)],
    "agressie_zonder_grens": [("agent", "overig", None), ("caller", 3, "insult"), ("agent", "uitleggen", None),
                              ("caller", 3, "insult"), ("agent", "afronden", None)],
    "dreiging": [("agent", "overig", None), ("caller", 3, "insult"), ("caller", 4, "threat"),
                 ("agent", "grens_stellen", None), ("agent", "gesprek_beeindigen", None)],
    "dreiging_niet_beeindigd": [("agent", "overig", None), ("caller", 4, "threat"), ("agent", "uitleggen", None),
                                ("caller", 0, None), ("agent", "afronden", None)],
    "seksueel": [("agent", "overig", None), ("caller", 4, "sexual"), ("agent", "grens_stellen", None),
                 ("agent", "gesprek_beeindigen", None)],
    "doxxing": [("agent", "overig", None), ("caller", 4, "doxxing"), ("agent", "grens_stellen", None),
                ("agent", "gesprek_beeindigen", None)],
}  # fmt: skip

TEXTS = {
    0: "Ik wil graag een afspraak maken voor mijn paspoort.",
    1: "Ik snap het gewoon niet, ik ben echt wanhopig.",
    2: "Jullie regels slaan nergens op, dit is een schande.",
    3: "Jij bent een ontzettende idioot.",
    4: "Ik weet je te vinden, pas maar op.",
}
AGENT_TEXTS = {
    "overig": "Goedemorgen, u spreekt met de gemeente.",
    "erkennen_emotie": "Ik hoor dat u het moeilijk heeft.",
    "uitleggen": "We werken zo omdat de wet dat vraagt.",
    "mogelijkheden": "Wat wel kan is een afspraak op het stadskantoor.",
    "afronden": "Kan ik u verder nog ergens mee helpen?",
    "gedrag_benoemen": "U scheldt mij uit.",
    "grens_stellen": "Als u zo doorgaat beëindig ik het gesprek.",
    "gesprek_beeindigen": "Ik beëindig nu het gesprek.",
}


def synthetic_result(call_id: str, scenario: str = "neutraal", metadata: dict[str, str] | None = None) -> CallResult:
    """A scored call built from the schema and the real timeline code (no audio, no models)."""
    from vpd_speech.timeline.build import build_timeline

    utts, t = [], 0.0
    for i, (role, what, ev) in enumerate(SCENARIOS[scenario]):
        if role == "caller":
            level = int(what)
            text = TEXTS[level]
            cl = Classification(
                label=CALLER_LABELS[level], level=level, probabilities={CALLER_LABELS[level]: 0.95},
                evidence=[Evidence(start=0, end=min(8, len(text)), text=text[:8], kind=ev)] if ev else [],
                source="synthetic",
            )  # fmt: skip
        else:
            text = AGENT_TEXTS[str(what)]
            cl = Classification(label=str(what), probabilities={str(what): 0.95}, source="synthetic")
        dur = 3.0
        utts.append(
            Utterance(id=i, speaker="A" if role == "agent" else "B", role=role, channel=0 if role == "agent" else 1,
                      start=t, end=t + dur, text=text, classification=cl)
        )  # fmt: skip
        t += dur + 20.0  # long enough pauses for calm windows to close episodes
    duration = t
    result = CallResult(
        call_id=call_id,
        file=f"{call_id}.wav",
        audio=AudioInfo(file=f"{call_id}.wav", sha256=(call_id.encode().hex() * 8)[:64], bytes=1000,
                        format="wav", sample_rate=8000, channels=2, duration_s=duration),
        metadata=dict(metadata or {}),
        speakers=SpeakerInfo(method="stereo", agent_channel="left", role_source="metadata"),
        utterances=utts,
    )  # fmt: skip
    result.timeline = build_timeline(utts, duration)
    return result


# --------------------------------------------------------------------------- a synthetic history


def seed_history(
    store,
    key: bytes,
    start: datetime = datetime(2026, 1, 1),
    days: int = 270,
    n_background: int = 1200,
    seed: int = 7,
) -> dict:
    """Write a synthetic history into the store: planted pattern callers among many ordinary ones.

    Returns {"pattern": refs that must be flagged (default norm), "emotional": refs of callers with many
    level 1-2 calls only, "spread": refs with level-3 calls too far apart, "n_calls": total}.
    """
    from vpd_speech.store.metadata import pseudonymise

    rng = random.Random(seed)
    items = []
    n = 0

    def add(number: str | None, when: datetime, scenario: str):
        nonlocal n
        n += 1
        meta = {
            "started_at": when.isoformat(),
            "agent_id": f"m{rng.randint(1, 40):03d}",
            "team": rng.choice(["KCC-A", "KCC-B"]),
        }
        if number:
            meta["caller_ref"] = pseudonymise(number, key)
        items.append((synthetic_result(f"c{n:06d}_{scenario}", scenario), meta))

    def at(day: float) -> datetime:
        return start + timedelta(days=day, hours=rng.randint(8, 16), minutes=rng.randint(0, 59))

    pattern, emotional, spread = [], [], []
    # planted pattern callers: 3-6 calls at level 3-4 within 80 days
    for i in range(8):
        number = f"06-{90000000 + i}"
        pattern.append(pseudonymise(number, key))
        base = rng.randint(0, days - 85)
        for _ in range(rng.randint(3, 6)):
            add(
                number,
                at(base + rng.uniform(0, 80)),
                rng.choice(
                    [
                        "agressie_zonder_grens",
                        "agressie_gecorrigeerd",
                        "dreiging",
                        "dreiging_niet_beeindigd",
                        "seksueel",
                        "doxxing",
                    ]
                ),
            )
        for _ in range(rng.randint(0, 3)):  # and ordinary calls in between
            add(number, at(rng.uniform(0, days)), rng.choice(["neutraal", "emotie", "kritiek"]))
    # emotional / critical callers: many calls, only levels 1-2: never flagged by default
    for i in range(40):
        number = f"+31 6 {80000000 + i}"
        emotional.append(pseudonymise(number, key))
        base = rng.randint(0, days - 60)
        for _ in range(rng.randint(4, 10)):
            add(number, at(base + rng.uniform(0, 60)), rng.choice(["emotie", "kritiek"]))
    # three level-3 calls, each more than the window apart: not a pattern within 90 days
    for i in range(5):
        number = f"0031 6 {70000000 + i}"
        spread.append(pseudonymise(number, key))
        for k in range(3):
            add(number, at(k * 100 + rng.uniform(0, 5) if k * 100 + 5 < days else days - 1), "agressie_gecorrigeerd")
    # background: ordinary callers, a few single incidents, some withheld numbers
    scen = ["neutraal"] * 50 + ["emotie"] * 25 + ["kritiek"] * 20 + ["agressie_gecorrigeerd"] * 3 + ["dreiging"]
    for i in range(n_background):
        number = None if rng.random() < 0.05 else f"06{10000000 + i}"
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            add(number, at(rng.uniform(0, days)), rng.choice(scen))
    for k in range(0, len(items), 500):
        store.write_calls(items[k : k + 500])
    return {"pattern": pattern, "emotional": emotional, "spread": spread, "n_calls": n}


# --------------------------------------------------------------------------- bulk generation (benchmark)


def bulk_rows(n: int, seed: int = 1, start: datetime = datetime(2025, 1, 1), days: int = 730):
    """Call rows and event rows as tuples, generated with numpy (fast)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    n_callers = max(10, n // 4)
    caller = rng.integers(0, n_callers, n)
    secs = rng.integers(0, days * 86400, n)
    # level mix: mostly calm, emotion and criticism common, aggression rare, threats rarer
    level = rng.choice(5, n, p=[0.55, 0.22, 0.18, 0.04, 0.01])
    # planted repeaters: 0.2% of callers get extra incidents clustered in time
    planted = rng.choice(n_callers, max(1, n_callers // 500), replace=False)
    idx = rng.choice(n, len(planted) * 4, replace=False)
    caller[idx] = np.repeat(planted, 4)
    base = rng.integers(0, (days - 60) * 86400, len(planted))
    secs[idx] = np.repeat(base, 4) + rng.integers(0, 60 * 86400, len(idx))
    level[idx] = rng.choice([3, 4], len(idx), p=[0.8, 0.2])
    sexual = rng.random(n) < 0.1
    doxx = rng.random(n) < 0.1
    missing_end = (level == 4) & (rng.random(n) < 0.15)
    missing_boundary = (level >= 3) & (rng.random(n) < 0.2)
    labels = CALLER_LABELS
    cat_of = {3: "verbale_agressie"}
    t0 = start
    stored = datetime(2027, 1, 1)
    calls, events = [], []
    starts = [t0 + timedelta(seconds=int(s)) for s in secs]
    for i in range(n):
        lv = int(level[i])
        cat = None
        if lv == 4:
            cat = "seksuele_intimidatie" if sexual[i] else ("intimidatie" if doxx[i] else "bedreiging")
        elif lv == 3:
            cat = cat_of[3]
        st = starts[i]
        cid = f"b{i:07d}"
        adv = "melden" if lv == 4 or (lv == 3 and missing_boundary[i]) else "niet_melden"
        calls.append((
            cid, f"{cid}.wav", "ok", "1.1", st, st.strftime("%Y-%m"), f"B-{int(caller[i]):016x}", lv, labels[lv],
            int(lv == 3), int(lv == 4), cat, adv, bool(missing_end[i]), bool(missing_boundary[i]), f"{cid}.wav", stored,
        ))  # fmt: skip
        if lv >= 1:
            events.append((cid, 0, "first_emotion" if lv == 1 else "first_criticism" if lv == 2 else "norm_crossed",
                           12.0, "caller", 1, lv, "...", ""))  # fmt: skip
        if lv == 4:
            events.append((cid, 1, "threat", 30.0, "caller", 3, 4, "...", ""))
    return calls, events


CALL_COLS = (
    "call_id", "file", "status", "schema_version", "started_at", "month", "caller_ref", "max_level", "max_label",
    "n_level3", "n_level4", "category", "advice", "missing_end", "missing_boundary", "audio_ref", "stored_at",
)  # fmt: skip
EVENT_COLS = ("call_id", "idx", "kind", "time_s", "role", "utterance_id", "level", "quote", "note")


def bulk_insert(cur, dialect: str, table: str, cols, rows, chunk: int = 5000) -> None:
    """Rows straight into a table: COPY on PostgreSQL, chunked executemany on SQLite (datetimes as ISO text)."""
    if dialect == "postgresql":
        with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as cp:
            for row in rows:
                cp.write_row(row)
        return
    q = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    for k in range(0, len(rows), chunk):
        cur.executemany(q, [tuple(v.isoformat(sep=" ") if isinstance(v, datetime) else v for v in r)
                            for r in rows[k : k + chunk]])


def bulk_load(store, n: int, seed: int = 1, chunk: int = 100_000) -> dict[str, float]:
    """Fill an empty store with n synthetic calls and their events. Indexes are dropped during the load and
    rebuilt after it. Returns timings."""
    from vpd_speech.store import database as st

    timings = {}
    t = time.perf_counter()
    calls, events = bulk_rows(n, seed)
    timings["generate_s"] = time.perf_counter() - t
    timings |= load_tables(store, [("calls", CALL_COLS, calls), ("events", EVENT_COLS, events)], st.INDEXES, chunk)
    timings["insert_s"] = timings["insert_calls_s"] + timings["insert_events_s"]
    timings["n_events"] = len(events)
    return timings


def load_tables(store, tables, indexes, chunk: int) -> dict[str, float]:
    """Drop `indexes`, insert each (table, columns, rows) with `bulk_insert` (a commit per table), then build
    the indexes again and ANALYZE. Seconds per table (`insert_<table>_s`) and for the indexes (`index_s`)."""
    import sqlalchemy as sa

    timings = {}
    with store.engine.begin() as conn:
        for ix in indexes:
            ix.drop(conn, checkfirst=True)
    raw = store.engine.raw_connection()
    try:
        cur = raw.cursor()
        for table, cols, rows in tables:
            t = time.perf_counter()
            bulk_insert(cur, store.dialect, table, cols, rows, chunk)
            raw.commit()
            timings[f"insert_{table}_s"] = time.perf_counter() - t
    finally:
        raw.close()
    t = time.perf_counter()
    with store.engine.begin() as conn:
        for ix in indexes:
            ix.create(conn, checkfirst=True)
        conn.execute(sa.text("ANALYZE"))
    timings["index_s"] = time.perf_counter() - t
    return timings


def _best(fn, repeat: int = 3) -> tuple[float, object]:
    fn()  # warm-up
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def bench(target: str, n: int, reset: bool = False) -> dict:
    from vpd_speech.store import database as st
    from vpd_speech.store.database import Store
    from vpd_speech.store.patterns import find_pattern_callers
    from vpd_speech.store.review import quarterly_review

    store = Store.open(target)
    if store.count() not in (0, n) or (reset and store.count()):
        if not reset:
            raise SystemExit(
                f"store {st.redact_url(str(target))} holds {store.count()} calls: pass --reset to empty it"
            )
        with store.engine.begin() as conn:
            st.md.drop_all(conn)
        store.migrate()
    load = bulk_load(store, n) if store.count() == 0 else {}
    t_pat, rep = _best(lambda: find_pattern_callers(store, since="2026-01-01"))
    t_rev, review = _best(lambda: quarterly_review(store, "2026Q3"))
    store.close()
    return {"backend": store.dialect, "calls": n, **load, "pattern_query_s": t_pat, "pattern_callers": len(rep.callers),
            "quarterly_review_s": t_rev, "quarter_calls": review.current["n_calls"]}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--calls", type=int, default=1_000_000)
    ap.add_argument("--sqlite", help="SQLite file (default: a temporary file)")
    ap.add_argument(
        "--postgres",
        default=os.environ.get("VPD_BENCH_POSTGRES_URL") or os.environ.get("VPD_TEST_POSTGRES_URL"),
        help="PostgreSQL URL (default: env VPD_BENCH_POSTGRES_URL or VPD_TEST_POSTGRES_URL)",
    )
    ap.add_argument("--reset", action="store_true", help="empty a store that already holds calls (drops its tables)")
    ap.add_argument("--no-sqlite", action="store_true")
    args = ap.parse_args(argv)
    results = []
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            results.append(bench(args.sqlite or str(Path(tmp) / "bench.sqlite"), args.calls, args.reset))
    if args.postgres:
        results.append(bench(args.postgres, args.calls, args.reset))
    else:
        print("PostgreSQL skipped: pass --postgres URL or set VPD_TEST_POSTGRES_URL (eval/start_postgres.sh)")
    for r in results:
        print(
            f"{r['backend']:<10} {r['calls']:>9} calls  generate {r.get('generate_s', 0):6.1f} s  insert "
            f"{r.get('insert_s', 0):6.1f} s  index {r.get('index_s', 0):5.1f} s  | pattern query "
            f"{r['pattern_query_s']:.3f} s ({r['pattern_callers']} callers)  quarterly review "
            f"{r['quarterly_review_s']:.3f} s ({r['quarter_calls']} calls in 2026Q3)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
