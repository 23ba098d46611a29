"""Load check of the web app's call list: N synthetic calls with their utterances, pages timed over HTTP.

    python -m eval.bench_web [--calls 1000000] [--utterances 4] [--postgres URL] [--no-sqlite] [--sqlite PATH]

Fills an empty store with N calls (agents, teams, levels, meldadvies, werkinstructie gaps over two years,
`eval.bench_store.bulk_rows`) and `--utterances` utterances per call, a few with the phrase "ik weet waar je
woont", through the store's own full-text index; then serves the app (uvicorn, `BackgroundWeb`) and times
the call list as a quality analyst and as an agent asks for it: filters, search, a deep page, the agent's
own list and trend, a CSV export. Each page: one warm-up, then the median and the slowest of 5 requests.
Target: every filtered list page under 0.5 s. Without --postgres, env VPD_TEST_POSTGRES_URL is used when set.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from eval.bench_store import CALL_COLS, bulk_rows, load_tables

TARGET_S = 0.5
PHRASE = "ik weet waar je woont"
N_AGENTS, TEAMS = 400, [f"KCC-{k}" for k in range(1, 9)]
CALLER_TEXTS = [
    "Ik wil graag een afspraak maken voor mijn paspoort.", "Ik snap het gewoon niet, ik ben echt wanhopig.",
    "Jullie regels slaan nergens op, dit is een schande.", "Waarom duurt het zo lang voordat ik iets hoor?",
    "Mijn uitkering is nog steeds niet overgemaakt.", "Ik heb het formulier vorige week al opgestuurd.",
    "Jij bent een ontzettende idioot.", "Kunt u mij doorverbinden met de afdeling vergunningen?",
]  # fmt: skip
AGENT_TEXTS = [
    "Goedemorgen, u spreekt met de gemeente.", "Ik hoor dat u het moeilijk heeft.",
    "We werken zo omdat de wet dat vraagt.", "Wat wel kan is een afspraak op het stadskantoor.",
    "Kan ik u verder nog ergens mee helpen?", "Als u zo doorgaat beëindig ik het gesprek.",
]  # fmt: skip
EXTRA_COLS = ("agent_id", "team", "duration_s", "boundary_set", "ended_by_agent", "missing_steps")
UTTERANCE_COLS = ("call_id", "utterance_id", "speaker", "role", "channel", "start_s", "end_s", "text", "level")


def _rows(n: int, per_call: int, seed: int = 3):
    """Call rows (bench_store's, with agent, team and the agent's response) and utterance rows."""
    calls, _ = bulk_rows(n, seed)
    rng = random.Random(seed)
    level_at = CALL_COLS.index("max_level")
    out_calls, utts = [], []
    for row in calls:
        level = row[level_at]
        missing_boundary = row[CALL_COLS.index("missing_boundary")]
        missing_end = row[CALL_COLS.index("missing_end")]
        steps = ",".join(
            s for s, gap in (("grens_stellen", missing_boundary), ("gesprek_beeindigen", missing_end)) if gap
        )
        extra = (f"m{rng.randrange(N_AGENTS):03d}", rng.choice(TEAMS), float(rng.randint(40, 600)),
                 level >= 3 and not missing_boundary, level == 4 and not missing_end, steps or None)  # fmt: skip
        out_calls.append((*row, *extra))
        plant = level >= 3 and rng.random() < 0.01
        for k in range(per_call):
            caller = k % 2 == 1
            text = rng.choice(CALLER_TEXTS if caller else AGENT_TEXTS)
            if caller and plant and k == 1:
                text = f"Pas maar op, {PHRASE}."
            utts.append((row[0], k, "B" if caller else "A", "caller" if caller else "agent", int(caller), 5.0 * k,
                         5.0 * k + 4.0, text, level if caller else None))  # fmt: skip
    return out_calls, utts


def bulk_load(store, n: int, per_call: int, chunk: int = 50_000) -> dict[str, float]:
    """Fill an empty store; the B-tree indexes are dropped during the load and built after it, the full-text
    index is kept up to date by the store's own triggers (SQLite) or GIN index (PostgreSQL)."""
    from vpd_speech.store import database as st

    timings = {}
    t = time.perf_counter()
    calls, utts = _rows(n, per_call)
    timings["generate_s"] = time.perf_counter() - t
    indexes = st.INDEXES + st.WEB_INDEXES[:5]  # the call indexes (not those of the audit log and sessions)
    tables = [("calls", (*CALL_COLS, *EXTRA_COLS), calls), ("utterances", UTTERANCE_COLS, utts)]
    timings |= load_tables(store, tables, indexes, chunk)
    timings["n_utterances"] = len(utts)
    return timings


class _Client:
    def __init__(self, port: int):
        self.port, self.cookie = port, ""

    def get(self, path: str) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        conn.request("GET", path, headers={"Cookie": self.cookie})
        r = conn.getresponse()
        body = r.read()
        conn.close()
        return r.status, body

    def login(self, name: str, password: str) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        conn.request("GET", "/login")
        r = conn.getresponse()
        form = r.read().decode()
        login_cookie = re.search(r"(vpd_login=[^;]+)", r.getheader("Set-Cookie")).group(1)
        token = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
        body = urlencode({"csrf": token, "name": name, "password": password, "next": "calls"})
        conn.request("POST", "/login", body, {"Cookie": login_cookie,
                                             "Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
        r = conn.getresponse()
        r.read()
        self.cookie = re.search(r"(vpd_session=[^;]+)", r.getheader("Set-Cookie")).group(1)
        conn.close()


PAGES = [
    ("quality", "all calls, page 1", "/calls"),
    ("quality", "level 3-4", "/calls?level=3&level=4"),
    ("quality", "melden, no boundary", "/calls?advice=melden&gap=missing_boundary"),
    ("quality", "threat not ended (rare)", "/calls?level=4&gap=missing_end"),
    ("quality", "team + quarter", "/calls?team=KCC-3&since=2026-04-01&until=2026-06-30"),
    ("quality", "level 3 + team + quarter", "/calls?level=3&team=KCC-3&since=2026-04-01&until=2026-06-30"),
    ("quality", f"search '{PHRASE}'", "/calls?" + urlencode({"q": PHRASE})),
    ("quality", "search + last quarter", "/calls?" + urlencode({"q": PHRASE, "since": "2026-10-01"})),
    ("quality", "search a common phrase", "/calls?" + urlencode({"q": "afspraak maken"})),
    ("quality", "page 200 (offset 9,950)", "/calls?page=200"),
    ("agent", "own calls", "/calls"),
    ("agent", "own calls, level 3-4", "/calls?level=3&level=4"),
    ("agent", "own trend (12 months)", "/trend"),
]
EXPORTS = [("quality", "CSV export, threat not ended", "/calls.csv?level=4&gap=missing_end"),
           ("quality", "CSV export, level 4 (~1%)", "/calls.csv?level=4")]  # fmt: skip


def _time(client: _Client, path: str, repeat: int = 5) -> tuple[float, float, int]:
    status, body = client.get(path)  # warm-up
    if status != 200:
        raise SystemExit(f"{path}: HTTP {status}")
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        client.get(path)
        times.append(time.perf_counter() - t)
    count = re.search(rb'id="count">([^<]*)', body)
    return statistics.median(times), max(times), count.group(1).decode().split(" gesprek")[0].strip() if count else ""


def bench(target: str, n: int, per_call: int, reset: bool = False) -> dict:
    from vpd_speech.store import accounts as acc
    from vpd_speech.store import database as st
    from vpd_speech.store.database import Store, redact_url
    from vpd_speech.web.app import BackgroundWeb, WebSettings

    store = Store.open(target)
    if store.count() and not reset:
        raise SystemExit(f"store {redact_url(str(target))} holds {store.count()} calls: pass --reset to empty it")
    if store.count() or reset:
        with store.engine.begin() as conn:
            st.md.drop_all(conn)
        store.migrate()
    load = bulk_load(store, n, per_call)
    acc.add_account(store, "bench-quality", "quality", "bench quality password")
    acc.add_account(store, "bench-agent", "agent", "bench agent password", agent_id="m007")
    web = BackgroundWeb(WebSettings(store, Path(tempfile.gettempdir())))
    clients = {"quality": _Client(web.port), "agent": _Client(web.port)}
    clients["quality"].login("bench-quality", "bench quality password")
    clients["agent"].login("bench-agent", "bench agent password")
    try:
        pages = [(role, name, *_time(clients[role], path)) for role, name, path in PAGES]
        exports = []
        for role, name, path in EXPORTS:
            t = time.perf_counter()
            _, body = clients[role].get(path)
            exports.append((role, name, time.perf_counter() - t, body.count(b"\n") - 1))
    finally:
        web.close()
        store.close()
    return {"backend": store.dialect, "calls": n, "load": load, "pages": pages, "exports": exports}


def report(r: dict) -> None:
    load = r["load"]
    print(f"\n{r['backend']}: {r['calls']:,} calls, {load['n_utterances']:,} utterances; generate "
          f"{load['generate_s']:.0f} s, insert calls {load['insert_calls_s']:.0f} s, utterances with the full-text "
          f"index {load['insert_utterances_s']:.0f} s, B-tree indexes {load['index_s']:.0f} s")  # fmt: skip
    print(f"  {'as':<8} {'page':<34} {'median':>8} {'slowest':>8}  {'matches':<14} target {TARGET_S} s")
    for role, name, median, slowest, count in r["pages"]:
        verdict = "ok" if slowest < TARGET_S else "SLOW"
        print(f"  {role:<8} {name:<34} {median:>7.3f}s {slowest:>7.3f}s  {count:<14} {verdict}")
    for role, name, seconds, rows in r["exports"]:
        print(f"  {role:<8} {name:<34} {seconds:>7.3f}s {'':>8}  {rows:,} rows (whole download)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--calls", type=int, default=1_000_000, help="calls in the store")
    ap.add_argument("--utterances", type=int, default=4, help="utterances per call")
    ap.add_argument("--sqlite", help="SQLite file to fill (default: a temporary file)")
    ap.add_argument(
        "--postgres",
        default=os.environ.get("VPD_BENCH_POSTGRES_URL") or os.environ.get("VPD_TEST_POSTGRES_URL"),
        help="an empty PostgreSQL database (default: env VPD_BENCH_POSTGRES_URL or VPD_TEST_POSTGRES_URL)",
    )
    ap.add_argument("--no-sqlite", dest="no_sqlite", action="store_true", help="PostgreSQL only")
    ap.add_argument("--reset", action="store_true", help="empty a store that holds calls (drops its tables)")
    args = ap.parse_args(argv)
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            report(bench(args.sqlite or str(Path(tmp) / "bench.sqlite"), args.calls, args.utterances, args.reset))
    if args.postgres:
        report(bench(args.postgres, args.calls, args.utterances, args.reset))
    else:
        print("PostgreSQL skipped: pass --postgres URL or set VPD_TEST_POSTGRES_URL (eval/start_postgres.sh)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
