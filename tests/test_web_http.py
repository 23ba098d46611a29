"""The web app over plain HTTP (uvicorn on a free loopback port): sign-in, roles, CSRF, rate limiting, the audit
log, the call list's queries, the stream server's monitor and the live board's relay. No models are loaded.

SQLite and PostgreSQL run the same tests (PostgreSQL when env VPD_TEST_POSTGRES_URL names a server, as in
test_store.py). The client is http.client with its own cookie jar: it sends the Secure cookie over
http://127.0.0.1 as browsers do for loopback.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import re
import threading
import time
from datetime import datetime, timedelta
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from test_store import BACKENDS, KEY, open_fresh
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from eval.bench_store import seed_history, synthetic_result
from vpd_speech import cli
from vpd_speech.config import load_config
from vpd_speech.reports.outputs import write_call
from vpd_speech.run.stream.monitor import MONITOR_PATH
from vpd_speech.run.stream.protocol import Alert, Final, LevelChange, Ready
from vpd_speech.run.stream.server import BackgroundServer, StreamServer
from vpd_speech.store import accounts as acc
from vpd_speech.store.accounts import AccountError
from vpd_speech.store.search import CallFilter, agent_trend, find_calls
from vpd_speech.web.app import BackgroundWeb, WebSettings
from vpd_speech.web.auth import LoginLimiter, safe_next
from vpd_speech.web.live import LiveBoard

PASSWORDS = {"anna": "anna heeft een lang wachtwoord", "bert": "bert heeft ook een lang wachtwoord",
             "quinn": "kwaliteit boven alles 2026", "cora": "coordinator agressie en geweld",
             "dave": "dave wordt straks uitgeschakeld", "lock": "dit account gaat op slot"}  # fmt: skip
MONITOR_TOKEN = "monitor-token-for-the-tests"

# The calls whose documents are in the out folder: (call_id, scenario, agent_id, started_at).
CALLS = [
    ("anna_dreiging", "dreiging", "a17", "2026-10-05T10:00:00+02:00"),
    ("anna_emotie", "emotie", "a17", "2026-10-06T11:00:00+02:00"),
    ("bert_agressie", "agressie_zonder_grens", "b22", "2026-10-07T09:30:00+02:00"),
    ("bert_oud", "kritiek", "b22", "2025-01-07T09:30:00+01:00"),
]


class Client:
    """A browser-like HTTP client: a cookie jar, no redirects followed, form posts."""

    def __init__(self, port: int, forwarded_for: str | None = None):
        self.port, self.cookies, self.forwarded_for = port, {}, forwarded_for

    def request(self, method: str, path: str, form: dict | None = None, headers: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        h = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **(headers or {})}
        if self.forwarded_for:
            h["X-Forwarded-For"] = self.forwarded_for
        body = None
        if form is not None:
            body, h["Content-Type"] = urlencode(form), "application/x-www-form-urlencoded"
        conn.request(method, path, body, h)
        r = conn.getresponse()
        r.text = r.read().decode("utf-8", "replace")
        for name, value in r.getheaders():
            if name.lower() == "set-cookie":
                k, v = re.match(r"([^=]+)=([^;]*)", value).groups()
                if v in ("", '""'):
                    self.cookies.pop(k, None)
                else:
                    self.cookies[k] = v
        conn.close()
        return r

    def get(self, path: str, **kw):
        return self.request("GET", path, **kw)

    def login(self, name: str, password: str | None = None, next_: str = ""):
        form = self.get("/login")
        token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
        return self.request("POST", "/login", {"csrf": token, "name": name, "password": password or PASSWORDS[name],
                                               "next": next_})  # fmt: skip

    def csrf(self) -> str:
        return re.search(r'name="csrf" value="([^"]+)"', self.get("/calls").text).group(1)


def listed(response) -> list[str]:
    return re.findall(r'<tr data-call="([^"]+)"', response.text)


def seed_site(backend: str, tmp):
    """A fresh store with planted pattern callers and ~300 background calls, plus CALLS as documents in
    tmp/out and rows in the store: (store, out, planted)."""
    store = open_fresh(backend, tmp)
    planted = seed_history(store, KEY, n_background=300)
    out = tmp / "out"
    items = []
    for call_id, scenario, agent, started in CALLS:
        result = synthetic_result(call_id, scenario, {"started_at": started, "agent_id": agent, "team": "KCC-1"})
        write_call(result, out)
        items.append((result, None))
    store.write_calls(items)
    return store, out, planted


@pytest.fixture(scope="module", params=BACKENDS)
def site(request, tmp_path_factory):
    """A seeded store (planted pattern callers, ~2,000 calls), the documents of CALLS in an out folder, one
    account per role, and the app on a free port: (web, store, out, planted)."""
    tmp = tmp_path_factory.mktemp("web")
    store, out, planted = seed_site(request.param, tmp)
    acc.add_account(store, "anna", "agent", PASSWORDS["anna"], agent_id="a17")
    acc.add_account(store, "bert", "agent", PASSWORDS["bert"], agent_id="b22")
    acc.add_account(store, "quinn", "quality", PASSWORDS["quinn"])
    acc.add_account(store, "cora", "coordinator", PASSWORDS["cora"])
    web = BackgroundWeb(WebSettings(store, out))
    yield web, store, out, planted
    web.close()
    store.close()


def audit_rows(store, **where) -> list[dict]:
    q = sa.select(acc.audit_log).order_by(acc.audit_log.c.id)
    for k, v in where.items():
        q = q.where(acc.audit_log.c[k] == v)
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(q).mappings()]


# --------------------------------------------------------------------------- signing in


def test_no_default_account_and_the_session_cookie(site):
    web, store, _, _ = site
    c = Client(web.port)
    r = c.get("/calls")
    assert r.status == 303 and r.getheader("Location") == "/login?next=calls"
    assert c.login("admin", "admin").status == 401  # no default account
    assert c.login("cora", "wrong password here").status == 401
    r = c.login("cora", next_="patterns")
    assert r.status == 303 and r.getheader("Location") == "/patterns"
    cookie = next(v for k, v in r.getheaders() if k.lower() == "set-cookie" and v.startswith("vpd_session="))
    attrs = {a.strip().lower() for a in cookie.split(";")[1:]}
    assert {"httponly", "secure", "samesite=strict", "path=/"} <= attrs
    token = c.cookies["vpd_session"]
    with store.engine.connect() as conn:  # the store keeps a hash of the token, never the token
        hashes = conn.execute(sa.select(acc.sessions.c.token_hash)).scalars().all()
    assert token not in hashes and len(hashes) >= 1
    r = c.get("/calls")
    assert r.status == 200 and 'id="vpd-who">cora · coördinator' in r.text
    for header in ("content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy"):
        assert r.getheader(header)
    assert r.getheader("cache-control") == "no-store" and "frame-ancestors 'none'" in r.getheader(
        "content-security-policy"
    )
    assert [e["action"] for e in audit_rows(store, account="cora")][-1] == "login"
    assert "login_failed" in [e["action"] for e in audit_rows(store, account="cora")]
    assert not audit_rows(store, account="admin")  # an unknown typed name is not kept


def test_csrf_on_every_form(site):
    web, _, _, _ = site
    c = Client(web.port)
    c.get("/login")
    r = c.request("POST", "/login", {"csrf": "forged", "name": "quinn", "password": PASSWORDS["quinn"]})
    assert r.status == 400 and "vpd_session" not in c.cookies
    bare = Client(web.port)  # a form posted from elsewhere: no login cookie at all
    r = bare.request("POST", "/login", {"csrf": "x", "name": "quinn", "password": PASSWORDS["quinn"]})
    assert r.status == 400 and "vpd_session" not in bare.cookies
    assert c.login("quinn").status == 303
    assert c.request("POST", "/logout", {}).status == 400
    assert c.request("POST", "/logout", {"csrf": "forged"}).status == 400
    assert c.get("/calls").status == 200  # still signed in
    token = c.csrf()
    forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", c.get("/calls").text, re.DOTALL)
    assert forms and all('name="csrf"' in f for f in forms)
    old = c.cookies["vpd_session"]
    r = c.request("POST", "/logout", {"csrf": token})
    assert r.status == 303 and r.getheader("Location") == "/login" and "vpd_session" not in c.cookies
    c.cookies["vpd_session"] = old  # the old token is dead on the server too
    assert c.get("/calls").status == 303


def test_login_is_rate_limited_per_name_and_per_client(site):
    web, store, _, _ = site
    acc.add_account(store, "lock", "quality", PASSWORDS["lock"])
    c = Client(web.port, forwarded_for="10.0.0.7")  # uvicorn believes the loopback proxy's X-Forwarded-For
    for _ in range(5):
        assert c.login("lock", "not the password at all").status == 401
    r = c.login("lock")  # the right password, but the name is locked
    assert r.status == 429 and int(r.getheader("Retry-After")) > 60 and "Te veel mislukte pogingen" in r.text
    assert Client(web.port, forwarded_for="10.0.0.8").login("lock").status == 429  # per name, from anywhere
    assert c.login("quinn").status == 303  # another name from the same client still works
    entries = audit_rows(store, account="lock")
    assert [e["action"] for e in entries] == ["login_failed"] * 5 and entries[0]["client"] == "10.0.0.7"


def test_login_limiter_windows():
    now = [0.0]
    limiter = LoginLimiter(per_name=3, per_client=5, window_s=60, clock=lambda: now[0])
    for _ in range(3):  # three attempts in flight at once count before any password is checked
        assert limiter.attempt("a", "1.1.1.1") == 0
    now[0] += 2
    assert 55 < limiter.attempt("A ", "9.9.9.9") <= 60  # names compare case-blind; refused, not counted
    for name in ("b", "c"):
        assert limiter.attempt(name, "1.1.1.1") == 0
    assert limiter.attempt("d", "1.1.1.1") > 0 and limiter.attempt("d", "2.2.2.2") == 0  # the client is over
    limiter.succeeded("d", "2.2.2.2")
    now[0] += 61
    assert limiter.attempt("a", "1.1.1.1") == 0  # the window slid past
    for _ in range(2):
        assert limiter.attempt("e", "3.3.3.3") == 0
    limiter.succeeded("e", "3.3.3.3")  # a right password: the name starts afresh
    assert [limiter.attempt("e", "4.4.4.4") for _ in range(3)] == [0, 0, 0]
    assert limiter._failures["c:3.3.3.3"] and len(limiter._failures["c:3.3.3.3"]) == 1


def test_where_to_go_after_signing_in_stays_inside_the_app():
    assert safe_next("report/x.html") == "report/x.html"
    assert safe_next("calls?level=3&advice=melden") == "calls?level=3&advice=melden"
    for bad in ("https://evil.example/", "//evil.example", "/\\evil", "../../etc", "", None, "java script:x"):
        assert safe_next(bad) == "calls", bad


def test_disabling_or_a_new_password_ends_sessions(site):
    web, store, _, _ = site
    acc.add_account(store, "dave", "quality", PASSWORDS["dave"])
    c = Client(web.port)
    assert c.login("dave").status == 303 and c.get("/calls").status == 200
    acc.set_password(store, "dave", "een heel nieuw wachtwoord")
    assert c.get("/calls").status == 303
    assert c.login("dave", "een heel nieuw wachtwoord").status == 303
    acc.disable_account(store, "dave")
    assert c.get("/calls").status == 303
    assert c.login("dave", "een heel nieuw wachtwoord").status == 401


def test_sessions_expire_when_idle_and_after_a_day(site):
    _, store, _, _ = site
    account = acc.get_account(store, "quinn")
    token = acc.start_session(store, account)
    t0 = acc.utcnow()
    assert acc.open_session(store, token, t0 + timedelta(minutes=29)) is not None
    assert acc.open_session(store, token, t0 + timedelta(minutes=29 + 31)) is None  # idle 31 minutes
    assert acc.open_session(store, token, t0) is None  # and deleted
    token = acc.start_session(store, account)
    for minutes in range(25, 10 * 60, 25):  # kept busy, but a working day at most
        assert acc.open_session(store, token, t0 + timedelta(minutes=minutes)) is not None
    assert acc.open_session(store, token, t0 + timedelta(hours=10, minutes=5)) is None


def test_accounts_are_checked(site):
    _, store, _, _ = site
    with pytest.raises(AccountError, match="agent-id"):
        acc.add_account(store, "zonder", "agent", "een lang genoeg wachtwoord")
    with pytest.raises(AccountError, match="sees every call"):
        acc.add_account(store, "zonder", "quality", "een lang genoeg wachtwoord", agent_id="x")
    with pytest.raises(AccountError, match="at least 12"):
        acc.add_account(store, "zonder", "quality", "kort")
    with pytest.raises(AccountError, match="exists already"):
        acc.add_account(store, "ANNA", "quality", "een lang genoeg wachtwoord")
    with pytest.raises(AccountError, match="unknown role"):
        acc.add_account(store, "zonder", "admin", "een lang genoeg wachtwoord")
    with store.engine.connect() as conn:
        stored = conn.execute(sa.select(acc.accounts.c.password_hash).where(acc.accounts.c.name == "anna")).scalar()
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,") and PASSWORDS["anna"] not in stored


# --------------------------------------------------------------------------- roles


def test_agent_sees_only_their_own_calls(site):
    web, store, _, _ = site
    c = Client(web.port)
    assert c.login("anna").status == 303
    mine = listed(c.get("/calls"))
    assert sorted(mine) == ["anna_dreiging", "anna_emotie"]  # and none of the 2,000 seeded calls of others
    assert listed(c.get("/calls?level=4")) == ["anna_dreiging"]
    assert listed(c.get("/calls?team=KCC-B")) == []  # a filter cannot widen the scope
    assert sorted(listed(c.get("/calls?agent_id=b22"))) == sorted(mine)  # no such parameter: still own calls
    page = c.get("/report/anna_dreiging.html")
    assert page.status == 200 and "Escalatietijdlijn" in page.text and "Reflectievragen" in page.text
    assert 'action="../logout"' in page.text  # the shared call page with the app's bar above it
    guesses = ["/report/bert_agressie.html", "/report/bert_agressie.mp3", "/report/c000001_seksueel.html",
               "/report/no_such_call.html"]  # fmt: skip
    bodies = set()
    for path in guesses:
        r = c.get(path)
        assert r.status == 403, path
        bodies.add(r.text)
    assert len(bodies) == 1  # a call that exists and one that does not look the same
    traversal = c.get("/report/..%2Fcalls%2Fanna_emotie.html")
    assert traversal.status == 404 and "Ik snap" not in traversal.text
    for path in ("/patterns", "/review", "/review.csv", "/live", "/live/events", "/audit", "/calls.csv",
                 "/incidents/anna_dreiging.incident.json"):  # fmt: skip
        assert c.get(path).status == 403, path
    assert c.get("/trend").status == 200
    denied = audit_rows(store, account="anna", action="denied")
    assert {e["call_id"] for e in denied} >= {"bert_agressie", "no_such_call", "c000001_seksueel"}
    assert audit_rows(store, account="anna", action="open_call")[-1]["call_id"] == "anna_dreiging"


def test_agent_trend_is_their_own(site):
    web, store, _, _ = site
    c = Client(web.port)
    c.login("bert")
    r = c.get("/trend")
    assert r.status == 200 and "b22" in r.text and "a17" not in r.text
    months = {m.month: m for m in agent_trend(store, "b22", now=datetime(2026, 12, 1))}
    assert months["2026-10"].aggression == 1 and months["2026-10"].boundary_after_aggression == 0
    assert months["2026-10"].step_missing == 1
    assert 'data-month="2026-10"' in r.text
    q = Client(web.port)
    q.login("quinn")
    assert q.get("/trend").status == 403  # no one else sees an agent's trend


def test_quality_filters_searches_and_exports(site):
    web, store, _, _ = site
    c = Client(web.port)
    c.login("quinn")
    r = c.get("/calls")
    assert r.status == 200 and "Meer dan" not in r.text and len(listed(r)) == 50 and 'rel="next"' in r.text
    found = c.get("/calls?" + urlencode({"q": "ik weet je te VINDEN", "since": "2026-10-01"}))
    assert "anna_dreiging" in listed(found) and "„Ik weet je te vinden, pas maar op.”" in found.text
    assert listed(c.get("/calls?" + urlencode({"q": "vinden te je weet ik"}))) == []  # words in that order
    gaps = listed(c.get("/calls?level=3&gap=missing_boundary&since=2026-10-07&until=2026-10-07"))
    assert "bert_agressie" in gaps
    assert listed(c.get("/calls?since=2025-01-07&until=2025-01-07")) == ["bert_oud"]
    assert c.get("/calls?since=gisteren").status == 400
    csv_response = c.get("/calls.csv?" + urlencode({"q": "ik weet je te vinden", "level": "4"}))
    lines = csv_response.text.lstrip("\ufeff").splitlines()
    assert lines[0].split(";")[:3] == ["call_id", "started_at", "duration_s"]
    assert "agent_id" not in lines[0] and "caller_ref" not in lines[0]  # no per-agent or per-caller export
    assert "anna_dreiging" in csv_response.text and "attachment" in csv_response.getheader("Content-Disposition")
    assert audit_rows(store, account="quinn", action="export_csv")[-1]["detail"].startswith("q=ik+weet")
    for path in ("/patterns", "/review", "/live", "/audit", "/incidents/anna_dreiging.incident.json"):
        assert c.get(path).status == 403, path
    assert c.get("/report/bert_agressie.html").status == 200


def test_coordinator_patterns_review_incidents(site):
    web, _, _, planted = site
    c = Client(web.port)
    c.login("cora")
    r = c.get("/patterns?since=2026-01-01")
    assert r.status == 200 and all(ref in r.text for ref in planted["pattern"])
    assert not any(ref in r.text for ref in planted["emotional"])  # emotion and criticism never flag
    assert 'href="report/' in r.text and 'action="logout"' in r.text
    review = c.get("/review?quarter=2026Q2")
    assert review.status == 200 and "Kwartaalrapportage agressie en geweld 2026Q2" in review.text
    assert c.get("/review.csv?quarter=2026Q2").text.startswith("section,key,month,value,previous")
    page = c.get("/report/anna_dreiging.html")
    assert "anna_dreiging.incident.json" in page.text  # advice melden: the draft can be downloaded
    draft = c.get("/incidents/anna_dreiging.incident.json")
    assert draft.status == 200 and json.loads(draft.text)["status"] == "concept"
    assert c.get("/incidents/anna_dreiging.incident.csv").text.startswith("\ufeffcall_id;status;")
    assert c.get("/report/bert_oud.mp3").status == 404  # no recording for the synthetic calls
    assert c.get("/live").status == 200


def test_purged_calls_keep_their_row_but_not_their_transcript(site):
    web, store, _, _ = site
    c = Client(web.port)
    c.login("quinn")
    assert c.get("/report/bert_oud.html").status == 200
    assert store.purge("22m").call_ids == ("bert_oud",)  # the one call from 2025
    assert c.get("/report/bert_oud.html").status == 410
    assert "transcript verwijderd" in c.get("/calls?since=2025-01-07&until=2025-01-07").text


def test_under_the_reverse_proxys_path(tmp_path):
    store = open_fresh("sqlite", tmp_path)
    acc.add_account(store, "quinn", "quality", PASSWORDS["quinn"])
    web = BackgroundWeb(WebSettings(store, tmp_path / "out", root_path="/vpd"))  # the proxy strips /vpd/
    try:
        c = Client(web.port)
        assert c.get("/calls").getheader("Location") == "/vpd/login?next=calls"
        r = c.login("quinn")
        assert r.getheader("Location") == "/vpd/calls"
        assert any("vpd_session=" in v and "Path=/vpd/" in v for k, v in r.getheaders() if k.lower() == "set-cookie")
        page = c.get("/calls")
        assert page.status == 200 and 'href="static/app.css"' in page.text and 'action="logout"' in page.text
    finally:
        web.close()
        store.close()


# --------------------------------------------------------------------------- the audit log


def test_audit_log_records_and_cannot_be_changed(site):
    web, store, _, _ = site
    c = Client(web.port)
    c.login("cora")
    before = acc.utcnow()
    c.get("/report/bert_agressie.html")
    entry = audit_rows(store, account="cora", action="open_call", call_id="bert_agressie")[-1]
    assert entry["role"] == "coordinator" and entry["at"] >= before - timedelta(seconds=1)
    page = c.get("/audit?call_id=bert_agressie")
    assert page.status == 200 and "gesprek geopend" in page.text and "cora" in page.text
    assert c.request("POST", "/audit", {"csrf": c.csrf()}).status == 405  # nothing in the app writes to it
    for statement in ("UPDATE audit_log SET account = 'niemand'", "DELETE FROM audit_log"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.exec_driver_sql(statement)
    if store.dialect == "postgresql":
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.exec_driver_sql("TRUNCATE audit_log")
    assert audit_rows(store, account="cora", call_id="bert_agressie")


# --------------------------------------------------------------------------- queries (store/search.py)


def test_search_follows_rewrites_and_purges(site):
    _, store, _, _ = site
    f = CallFilter(text="pas maar op")
    before = find_calls(store, f).total
    result = synthetic_result("herschreven", "dreiging", {"started_at": "2026-11-01T10:00:00", "agent_id": "x"})
    store.write_call(result)
    assert find_calls(store, f).total == before + 1
    result.utterances[2].text = "Ik weet je te vinden, let op."  # scored again: the old words are gone
    store.write_call(result)
    assert find_calls(store, f).total == before
    assert "herschreven" in {r["call_id"] for r in find_calls(store, CallFilter(text="let op")).rows}
    assert find_calls(store, CallFilter(levels=(4,), agent_id="x")).total == 1
    assert find_calls(store, CallFilter(text="   ?! ")).total == find_calls(store, CallFilter()).total


# --------------------------------------------------------------------------- the live board


def test_board_keeps_levels_and_alerts_not_transcripts():
    board = LiveBoard(configured=True)
    queue = asyncio.Queue(10)
    board._subscribers.add(queue)
    board.apply({"type": "ready", "call_id": "k1", "call": {"agent_id": "a17", "team": "KCC-1"}})
    board.apply({"type": "utterance", "call_id": "k1", "role": "caller", "text": "geheim verhaal", "level": 3})
    board.apply({"type": "level_change", "call_id": "k1", "level": 4, "max_level": 4, "time": 3.0,
                 "label": "dreiging", "previous": 0})  # fmt: skip
    board.apply({"type": "alert", "call_id": "k1", "kind": "threat", "time": 3.0, "level": 4, "quote": "alles kapot",
                 "note": "Bedreiging", "agent_id": "a17", "sent_at": "2026-12-01T10:00:00+00:00"})  # fmt: skip
    board.apply({"type": "final", "call_id": "k1", "status": "ok", "advice": "melden", "max_level": 4})
    snap = board.snapshot()
    assert snap["calls"][0]["status"] == "klaar" and snap["calls"][0]["max_level"] == 4
    assert snap["alerts"][0]["quote"] == "alles kapot" and "geheim" not in json.dumps(snap)
    kinds = []
    while not queue.empty():
        kinds.append(queue.get_nowait()["type"])
    assert kinds == ["call", "call", "call", "alert", "call", "call"] and "geheim" not in json.dumps(snap)


@pytest.fixture
def monitored_stream_server(tmp_path):
    """A stream server whose models are never loaded, with the monitor on."""
    server = StreamServer(load_config(), tmp_path / "out", monitor_token=MONITOR_TOKEN)
    background = BackgroundServer(server)
    yield server, background
    background.close()


def _publish(background: BackgroundServer, server: StreamServer, *events) -> None:
    for event in events:
        background._loop.call_soon_threadsafe(server.monitor.publish, event)


def test_stream_server_monitor_needs_its_token(monitored_stream_server):
    server, background = monitored_stream_server
    for headers in (None, {"Authorization": "Bearer wrong-token-but-long-enough"}):
        with (
            connect(background.url + MONITOR_PATH, additional_headers=headers, proxy=None) as ws,
            pytest.raises(ConnectionClosed) as closed,
        ):
            ws.recv(timeout=10)
        assert closed.value.rcvd.code == 1008 and "token" in closed.value.rcvd.reason
    auth = {"Authorization": f"Bearer {MONITOR_TOKEN}"}
    with connect(background.url + MONITOR_PATH, additional_headers=auth, proxy=None) as ws:
        for _ in range(50):
            if server.monitor._queues:
                break
            time.sleep(0.05)
        server.monitor.opened("k9", {"agent_id": "a17", "team": "KCC-2", "caller_ref": "B-geheim"})
        _publish(
            background,
            server,
            Ready(call_id="k9"),
            LevelChange(call_id="k9", time=2.0, level=3, label="agressie_jij", previous=0, max_level=3),
        )
        first = json.loads(ws.recv(timeout=10))
        assert first["type"] == "ready" and first["call"] == {"agent_id": "a17", "team": "KCC-2"}  # no caller_ref
        assert json.loads(ws.recv(timeout=10))["level"] == 3
    off = StreamServer(load_config(), "out")  # no token: the monitor is off
    assert "off" in off.monitor._refusal(type("WS", (), {"remote_address": ("127.0.0.1", 1), "request": None})())
    remote = type("WS", (), {"remote_address": ("10.1.2.3", 5), "request": None})()
    assert "this machine only" in server.monitor._refusal(remote)


def test_live_board_relays_the_stream_servers_events(monitored_stream_server, tmp_path):
    server, background = monitored_stream_server
    store = open_fresh("sqlite", tmp_path)
    acc.add_account(store, "cora", "coordinator", PASSWORDS["cora"])
    web = BackgroundWeb(WebSettings(store, tmp_path / "out", live_url=background.url + MONITOR_PATH,
                                    monitor_token=MONITOR_TOKEN))  # fmt: skip
    received: list[dict] = []
    try:
        c = Client(web.port)
        c.login("cora")
        conn = http.client.HTTPConnection("127.0.0.1", web.port, timeout=30)
        conn.request("GET", "/live/events", headers={"Cookie": f"vpd_session={c.cookies['vpd_session']}"})
        response = conn.getresponse()
        assert response.status == 200 and response.getheader("Content-Type").startswith("text/event-stream")

        def read() -> None:  # until the call is done on the board
            for line in response:
                if line.startswith(b"data: "):
                    received.append(json.loads(line[6:]))
                    if received[-1]["type"] == "call" and received[-1]["call"]["status"] == "klaar":
                        return

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        for _ in range(100):  # the relay connects, the board tells the browser
            if server.monitor._queues and any(m["type"] == "status" or m.get("connected") for m in received):
                break
            time.sleep(0.1)
        server.monitor.opened("live1", {"agent_id": "a17", "team": "KCC-1"})
        _publish(background, server, Ready(call_id="live1"),
                 Alert(call_id="live1", kind="threat", time=13.2, level=4, quote="alles kapot", note="Bedreiging om 00:13.",
                       agent_id="a17", team="KCC-1", sent_at="2026-12-01T10:00:00+00:00"),
                 Final(call_id="live1", status="ok", path="x", duration_s=23.0, max_level=4, advice="melden",
                       ended="end"))  # fmt: skip
        reader.join(10)
        conn.close()
    finally:
        web.close()
        store.close()
    assert received[0]["type"] == "snapshot" and received[0]["configured"]
    alerts = [m["alert"] for m in received if m["type"] == "alert"]
    assert alerts and alerts[0]["quote"] == "alles kapot" and alerts[0]["agent_id"] == "a17"
    last = [m["call"] for m in received if m["type"] == "call"][-1]
    assert (last["call_id"], last["status"], last["advice"], last["max_level"]) == ("live1", "klaar", "melden", 4)


# --------------------------------------------------------------------------- the CLI


def test_users_and_serve_commands(tmp_path, monkeypatch, capsys):
    store = str(tmp_path / "vpd.sqlite")
    assert cli.main(["serve", "--store", store]) == 2
    assert "no call store" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("een lang wachtwoord voor cora\n"))
    assert cli.main(["users", "add", "Cora", "--role", "coordinator", "--password-stdin", "--store", store]) == 0
    assert "account cora added: coördinator" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("kort\n"))
    assert cli.main(["users", "add", "anna", "--role", "agent", "--agent-id", "a17", "--password-stdin",
                     "--store", store]) == 2  # fmt: skip
    assert "at least 12" in capsys.readouterr().err
    assert cli.main(["users", "disable", "nobody", "--store", store]) == 2
    assert cli.main(["users", "list", "--store", store]) == 0
    assert re.search(r"cora\s+coordinator\s+-\s+active", capsys.readouterr().out)
    assert cli.main(["serve", "--store", store, "--host", "0.0.0.0"]) == 2
    assert "loopback only" in capsys.readouterr().err
    assert cli.main(["serve", "--store", store, "--root-path", "vpd"]) == 2
    monkeypatch.setenv("VPD_MONITOR_TOKEN", "short")
    assert cli.main(["serve", "--store", store]) == 2
    assert "at least 16" in capsys.readouterr().err
    assert cli.main(["users", "disable", "cora", "--store", store]) == 0
    monkeypatch.delenv("VPD_MONITOR_TOKEN")
    assert cli.main(["serve", "--store", store]) == 2
    assert "no accounts yet" in capsys.readouterr().err
