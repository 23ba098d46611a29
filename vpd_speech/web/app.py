"""`vpd serve`: one web app over the call store and the out folder, for agents, quality teams and coordinators.

Routes (every one but /login needs a session; what each role may open is store/roles.PERMISSIONS):

    GET  /login  POST /login  POST /logout
    GET  /calls                   the call list: filters and search; an agent's list holds their own calls only
    GET  /calls.csv               the listed calls as CSV, every match (export)
    GET  /report/<call_id>.html   the call page `vpd score` writes (reports.pages.render_call); audited
    GET  /report/<call_id>.mp3    its audio; audited
    GET  /incidents/<call_id>.incident.json|.csv   the draft incident registration (coordinator); audited
    GET  /trend                   an agent's own trend over the months (that agent only)
    GET  /patterns  /review  /review.csv           pattern callers and the quarterly review (coordinator)
    GET  /live  /live/events      the live board and its server-sent events (coordinator)
    GET  /audit                   the audit log, read only (coordinator)
    GET  /static/...              the app's own style sheet and script (no CDN)

The paths mirror the out folder (report/, incidents/), so the links inside the shared pages work unchanged,
and every link is relative, so the app runs under any path of the municipality's reverse proxy. An agent
asking for a call that is not theirs gets 403, whether it exists or not (no way to find out which call ids
exist), and the refusal is audited. Routes hold no domain logic: the queries are in store/search.py,
accounts and the audit log in store/accounts.py, the pages in reports/ and store/patterns.py, review.py.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import json
import logging
import socket
import threading
from collections.abc import Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from time import monotonic
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

import uvicorn
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from vpd_speech.labels import LEVEL_NAMES_NL
from vpd_speech.reports import pages
from vpd_speech.reports.outputs import call_path, read_call
from vpd_speech.reports.pages import ADVICE_NL, LEVEL_COLOURS, find_audio
from vpd_speech.resources import shipped
from vpd_speech.schema import CallResult
from vpd_speech.store import accounts as acc
from vpd_speech.store.accounts import AUDIT_ACTIONS_NL, Account, Session
from vpd_speech.store.database import Store
from vpd_speech.store.search import CallFilter, FilterError, agent_trend, export_csv, find_calls, teams
from vpd_speech.timeline.check import STEP_NAME_NL
from vpd_speech.timeline.options import fmt_time
from vpd_speech.web import auth
from vpd_speech.web.live import LiveBoard, relay, sse

log = logging.getLogger("vpd_speech.web")

LOCAL_TIME = ZoneInfo("Europe/Amsterdam")  # the store keeps UTC; people read and filter in Dutch time
KEEPALIVE_S = 15.0  # server-sent events: a comment this often keeps proxies open and finds closed browsers
TEAMS_TTL_S = 300.0  # the filter's team list is read again after 5 minutes (on PostgreSQL a scan of all calls)
GAP_NAMES_NL = {"missing_end": "dreiging, gesprek niet beëindigd", "missing_boundary": "agressie zonder grens",
                "any": "een van beide"}  # fmt: skip
# The menu: (permission, path, label); a role sees the entries it may open.
MENU = [
    ("own_calls", "calls", "Mijn gesprekken"),
    ("trend", "trend", "Mijn verloop"),
    ("all_calls", "calls", "Gesprekken"),
    ("patterns", "patterns", "Patroonbellers"),
    ("review", "review", "Kwartaalrapportage"),
    ("live", "live", "Live"),
    ("audit", "audit", "Auditlog"),
]
SECURITY_HEADERS = [
    # inline style and script: the shared call page carries its own (its template makes every value safe)
    (b"content-security-policy", (b"default-src 'self'; img-src 'self' data:; media-src 'self' data:; "
     b"style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; connect-src 'self'; "
     b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'")),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]  # fmt: skip


class WebError(ValueError):
    """`vpd serve` refuses to start with these settings; the message says what to change."""


@dataclass
class WebSettings:
    store: Store
    out_dir: Path
    audio_dir: Path | None = None  # where the recordings are, when not at the path the call document names
    live_url: str | None = None  # the stream server's monitor, e.g. ws://127.0.0.1:8765/monitor
    monitor_token: str | None = None
    root_path: str = ""  # the path the reverse proxy serves the app under, e.g. /vpd


@dataclass
class _State:
    settings: WebSettings
    limiter: auth.LoginLimiter
    board: LiveBoard
    _teams: tuple[float, list[str]] = (-TEAMS_TTL_S, [])

    @property
    def store(self) -> Store:
        return self.settings.store

    def teams(self) -> list[str]:
        if monotonic() - self._teams[0] >= TEAMS_TTL_S:
            self._teams = (monotonic(), teams(self.store))
        return self._teams[1]

    @property
    def cookie_path(self) -> str:
        return self.settings.root_path.rstrip("/") + "/"


# --------------------------------------------------------------------------- rendering


@functools.cache
def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(str(shipped("vpd_speech.web", "templates"))),
                      autoescape=select_autoescape(["j2", "html"]))  # fmt: skip
    env.globals.update(level_names=LEVEL_NAMES_NL, colours=LEVEL_COLOURS, advice_names=ADVICE_NL,
                       gap_names=GAP_NAMES_NL, steps=STEP_NAME_NL, actions=AUDIT_ACTIONS_NL)  # fmt: skip
    env.filters.update(local=_local, duration=lambda s: fmt_time(s or 0.0), quote=lambda s: quote(str(s), safe=""))
    return env


def _local(t: datetime | None, fmt: str = "%d-%m-%Y %H:%M") -> str:
    """A store time (UTC) as Dutch people read it."""
    return t.replace(tzinfo=UTC).astimezone(LOCAL_TIME).strftime(fmt) if t else ""


def _page(template: str, status: int = 200, /, **context) -> HTMLResponse:
    """One of the app's own pages (templates/)."""
    return HTMLResponse(_env().get_template(template).render(**context), status_code=status)


def _header(session: Session, here: str, base: str = "", controls: Markup | None = None) -> Markup:
    """The bar above every page: the menu of this role, who is signed in, and signing out."""
    account = session.account
    links, seen = [], set()
    for what, path, label in MENU:
        if account.may(what) and path not in seen:
            seen.add(path)
            links.append((path, label))
    html = (
        _env()
        .get_template("header.html.j2")
        .render(links=links, here=here, base=base, account=account, csrf=session.csrf_token, controls=controls)
    )
    return Markup(html)


def _error(status: int, message: str, session: Session | None = None, base: str = "") -> HTMLResponse:
    header = _header(session, "", base) if session else None
    return _page("error.html.j2", status, status=status, message=message, header=header, base=base)


# --------------------------------------------------------------------------- guards


def _state(request: Request) -> _State:
    return request.app.state.web


def _app_path(request: Request) -> str:
    """The request's path inside the app (without the proxy's prefix), with its query."""
    root, path = request.scope.get("root_path", ""), request.scope["path"]
    path = path[len(root) :] if root and path.startswith(root) else path
    return path.lstrip("/") + (f"?{request.url.query}" if request.url.query else "")


def _to(request: Request, target: str) -> RedirectResponse:
    """A redirect (303) to a path inside the app."""
    return RedirectResponse(_state(request).settings.root_path.rstrip("/") + "/" + target, status_code=303)


def guarded(permission: str | None = None, base: str = "", page: bool = True):
    """Route decorator: a session is required (else sign in, or 401 for data), and `permission` if given
    (else 403). The route is called as fn(request, session)."""

    def wrap(fn: Callable) -> Callable:
        def check(request: Request) -> Session | Response:
            session = auth.current_session(request, _state(request).store)
            if session is None:
                if not page:
                    return Response("sessie verlopen: log opnieuw in", status_code=401)
                return _to(request, "login?" + urlencode({"next": _app_path(request)}))
            if permission and not session.account.may(permission):
                return _error(403, "Geen toegang: deze pagina hoort niet bij uw rol.", session, base)
            return session

        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def endpoint(request: Request) -> Response:
                session = await run_in_threadpool(check, request)
                return session if isinstance(session, Response) else await fn(request, session)

        else:

            @functools.wraps(fn)
            def endpoint(request: Request) -> Response:
                session = check(request)
                return session if isinstance(session, Response) else fn(request, session)

        return endpoint

    return wrap


# --------------------------------------------------------------------------- signing in and out


def login_form(request: Request) -> Response:
    state = _state(request)
    if auth.current_session(request, state.store) is not None:
        return _to(request, auth.safe_next(request.query_params.get("next")))
    return _login_page(request, state)


def _login_page(request: Request, state: _State, error: str = "", status: int = 200, name: str = "",
                next_: str | None = None) -> Response:  # fmt: skip
    token = auth.new_login_token()
    response = _page("login.html.j2", status, csrf=token, error=error, name=name, base="",
                     next=auth.safe_next(next_ or request.query_params.get("next")))  # fmt: skip
    auth.set_cookie(response, auth.LOGIN_COOKIE, token, state.cookie_path)
    return response


async def login(request: Request) -> Response:
    state = _state(request)
    form = await request.form()
    name, password, next_ = str(form.get("name", "")), str(form.get("password", "")), str(form.get("next", ""))
    if not auth.csrf_ok(str(form.get(auth.CSRF_FIELD, "")), request.cookies.get(auth.LOGIN_COOKIE)):
        return _login_page(request, state, "Het formulier was verlopen; probeer het nog eens.", 400, name, next_)
    client = auth.client_address(request)
    wait = state.limiter.attempt(name, client)
    if wait:
        response = _login_page(request, state, f"Te veel mislukte pogingen. Probeer het over {wait // 60 + 1} "
                               "minuten opnieuw.", 429, name, next_)  # fmt: skip
        response.headers["Retry-After"] = str(wait)
        return response
    account = await run_in_threadpool(acc.authenticate, state.store, name, password)
    if account is None:
        await run_in_threadpool(_audit_failed_login, state.store, name, client)
        return _login_page(request, state, "Onbekende naam of onjuist wachtwoord.", 401, name, next_)
    state.limiter.succeeded(name, client)
    token = await run_in_threadpool(acc.start_session, state.store, account)
    await run_in_threadpool(acc.audit, state.store, account, "login", None, None, client)
    response = _to(request, auth.safe_next(next_))
    auth.set_cookie(response, auth.SESSION_COOKIE, token, state.cookie_path)
    auth.clear_cookie(response, auth.LOGIN_COOKIE, state.cookie_path)
    return response


def _audit_failed_login(store: Store, name: str, client: str) -> None:
    """Failed sign-ins into an existing account are audited; a typed unknown name is not kept (it may be a
    password typed into the wrong field)."""
    account = acc.get_account(store, name)
    if account is not None:
        acc.audit(store, account, "login_failed", client=client)


@guarded()
async def logout(request: Request, session: Session) -> Response:
    state = _state(request)
    form = await request.form()
    if not auth.csrf_ok(str(form.get(auth.CSRF_FIELD, "")), session.csrf_token):
        return _error(400, "Het formulier was verlopen; probeer het nog eens.", session)
    await run_in_threadpool(acc.end_session, state.store, request.cookies.get(auth.SESSION_COOKIE, ""))
    await run_in_threadpool(acc.audit, state.store, session.account, "logout", None, None,
                            auth.client_address(request))  # fmt: skip
    response = _to(request, "login")
    auth.clear_cookie(response, auth.SESSION_COOKIE, state.cookie_path)
    return response


def home(request: Request) -> Response:
    return _to(request, "calls")


def favicon(request: Request) -> Response:
    """Browsers ask every page's site for /favicon.ico, also for the shared pages that name none."""
    return FileResponse(shipped("vpd_speech.web", "static") / "favicon.svg", media_type="image/svg+xml")


# --------------------------------------------------------------------------- the call list


def _local_day(text: str, field: str) -> datetime | None:
    """A day as typed (YYYY-MM-DD, Dutch time) -> the UTC moment it starts."""
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise FilterError(f"{field}: geen datum (JJJJ-MM-DD): {text!r}") from None
    return datetime.combine(day, time(), LOCAL_TIME).astimezone(UTC).replace(tzinfo=None)


def call_filter(request: Request, account: Account) -> CallFilter:
    """The filter of the list's query string, held to the account's own calls for an agent."""
    q = request.query_params
    try:
        levels = tuple(int(v) for v in q.getlist("level") if v != "")
    except ValueError:
        raise FilterError("niveau: kies 0-4") from None
    until = _local_day(q.get("until", ""), "tot en met")
    f = CallFilter(
        levels=levels, advice=q.get("advice") or None, since=_local_day(q.get("since", ""), "vanaf"),
        until=until + timedelta(days=1) if until else None, team=q.get("team") or None, gap=q.get("gap") or None,
        text=q.get("q", "")[:200],
    )  # fmt: skip
    return f.scoped(account.call_scope)


def _page_number(request: Request) -> int:
    try:
        return max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        return 1


@guarded()
def call_list(request: Request, session: Session) -> Response:
    state, account = _state(request), session.account
    try:
        f = call_filter(request, account)
    except FilterError as e:
        return _error(400, f"Filter niet bruikbaar: {e}", session)
    page = find_calls(state.store, f, _page_number(request))
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
    return _page(
        "calls.html.j2", header=_header(session, "calls"), base="", page=page, own=not account.may("all_calls"),
        may_export=account.may("export"), teams=state.teams() if account.may("all_calls") else [],
        q=request.query_params, query=urlencode(query), levels={int(v) for v in f.levels},
    )  # fmt: skip


@guarded("export")
def call_export(request: Request, session: Session) -> Response:
    state = _state(request)
    try:
        f = call_filter(request, session.account)
    except FilterError as e:
        return _error(400, f"Filter niet bruikbaar: {e}", session)
    acc.audit(state.store, session.account, "export_csv", detail=request.url.query or "alle gesprekken",
              client=auth.client_address(request))  # fmt: skip
    stamp = datetime.now(LOCAL_TIME).strftime("%Y%m%d-%H%M")
    headers = {"Content-Disposition": f'attachment; filename="gesprekken-{stamp}.csv"'}
    return StreamingResponse(export_csv(state.store, f), media_type="text/csv; charset=utf-8", headers=headers)


# --------------------------------------------------------------------------- one call


def _open_call(request: Request, session: Session, base: str) -> tuple[CallResult, dict] | Response:
    """The call of the path if this account may see it: the store row decides, the out folder has the document."""
    state, account = _state(request), session.account
    call_id = request.path_params["call_id"]
    row = state.store.call(call_id)
    if not account.may_open(row["agent_id"] if row else None):
        acc.audit(state.store, account, "denied", call_id, _app_path(request), auth.client_address(request))
        return _error(403, "Geen toegang: dit gesprek hoort niet bij uw gesprekken.", session, base)
    if row is None or row["status"] != "ok":
        return _error(404, "Dit gesprek staat niet in de gespreksopslag.", session, base)
    if row["purged_at"] is not None:
        return _error(410, "Het transcript van dit gesprek is verwijderd volgens de bewaartermijn.", session, base)
    path = call_path(state.settings.out_dir, call_id)
    if path.parent != state.settings.out_dir / "calls" or not path.is_file():
        return _error(404, "Het gespreksdocument ontbreekt in de out-map.", session, base)
    return read_call(path), row


def _audio_file(state: _State, result: CallResult) -> Path | None:
    beside = state.settings.out_dir / "report" / f"{result.call_id}.mp3"
    return beside if beside.is_file() else find_audio(result, state.settings.audio_dir)


@guarded(base="../")
def call_page(request: Request, session: Session) -> Response:
    from vpd_speech.reports.pages import render_call

    state = _state(request)
    found = _open_call(request, session, "../")
    if isinstance(found, Response):
        return found
    result, row = found
    acc.audit(state.store, session.account, "open_call", result.call_id, client=auth.client_address(request))
    audio = quote(result.call_id, safe="") + ".mp3" if _audio_file(state, result) else None
    controls = None
    if session.account.may("incidents") and row["advice"] == "melden":
        controls = Markup(_env().get_template("call_controls.html.j2").render(call_id=result.call_id))
    html = render_call(result, audio, redact=True, header=_header(session, "calls", "../", controls))
    return HTMLResponse(html)


@functools.lru_cache(maxsize=8)
def _encoded(path: Path, mtime: float) -> tuple[bytes, str]:
    from vpd_speech.reports.pages import encode_audio

    return encode_audio(path)


@guarded(base="../", page=False)
def call_audio(request: Request, session: Session) -> Response:
    state = _state(request)
    found = _open_call(request, session, "../")
    if isinstance(found, Response):
        return found
    result, _ = found
    source = _audio_file(state, result)
    if source is None:
        return _error(404, "De opname van dit gesprek is niet gevonden.", session, "../")
    if request.headers.get("range", "bytes=0-").startswith("bytes=0-"):  # one entry per listen, not per range
        acc.audit(state.store, session.account, "play_audio", result.call_id, client=auth.client_address(request))
    if source.suffix == ".mp3" and source.parent == state.settings.out_dir / "report":
        return FileResponse(source, media_type="audio/mpeg")
    data, mime = _encoded(source, source.stat().st_mtime)
    return Response(data, media_type=mime)


@guarded("incidents", base="../")
def incident_draft(request: Request, session: Session) -> Response:
    from vpd_speech.reports.incident import build_incident, incident_csv

    state = _state(request)
    found = _open_call(request, session, "../")
    if isinstance(found, Response):
        return found
    result, _ = found
    kind = request.path_params["kind"]
    if kind not in ("json", "csv"):
        return _error(404, "Een concept-incidentmelding is er als .json of .csv.", session, "../")
    acc.audit(state.store, session.account, "download_incident", result.call_id, kind,
              auth.client_address(request))  # fmt: skip
    draft = build_incident(result, redact=True)
    name = f"{result.call_id}.incident.{kind}"
    headers = {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name, safe='')}"}
    if kind == "json":
        return Response(json.dumps(draft, ensure_ascii=False, indent=1), media_type="application/json",
                        headers=headers)  # fmt: skip
    return Response("\ufeff" + incident_csv([draft]), media_type="text/csv; charset=utf-8", headers=headers)


# --------------------------------------------------------------------------- an agent's own trend


# Leerdoelwijzer questions about the boundary and ending that the trend shows (reports/pages.py has them all).
TREND_QUESTIONS = (pages.Q_SCHREEF, pages.Q_NORM, pages.Q_VASTHOUDEN, pages.Q_STOPPEN, pages.Q_HULP_COLLEGA)


@guarded("trend")
def trend(request: Request, session: Session) -> Response:
    months = agent_trend(_state(request).store, session.account.agent_id)
    return _page("trend.html.j2", header=_header(session, "trend"), base="", months=months,
                 agent_id=session.account.agent_id, questions=TREND_QUESTIONS)  # fmt: skip


# --------------------------------------------------------------------------- coordinator


@guarded("patterns")
def patterns(request: Request, session: Session) -> Response:
    from vpd_speech.store.patterns import DEFAULT_MIN_CALLS, DEFAULT_WINDOW, find_pattern_callers, render_html

    q = request.query_params
    default_since = (datetime.now(LOCAL_TIME).date().replace(day=1) - timedelta(days=365)).replace(day=1)
    since, window = q.get("since") or default_since.isoformat(), q.get("window") or DEFAULT_WINDOW
    try:
        min_calls = int(q.get("min_calls") or DEFAULT_MIN_CALLS)
        report = find_pattern_callers(_state(request).store, since=since, min_calls=min_calls, window=window)
    except ValueError as e:
        return _error(400, f"Niet bruikbaar: {e}", session)
    controls = Markup(_env().get_template("patterns_controls.html.j2").render(since=since, min_calls=min_calls,
                                                                                window=window))  # fmt: skip
    return HTMLResponse(render_html(report, header=_header(session, "patterns", controls=controls)))


def _quarter(request: Request) -> str:
    if request.query_params.get("quarter"):
        return request.query_params["quarter"]
    today = datetime.now(LOCAL_TIME).date()
    q = (today.month - 1) // 3  # the last whole quarter
    return f"{today.year - 1}Q4" if q == 0 else f"{today.year}Q{q}"


@guarded("review")
def review_page(request: Request, session: Session) -> Response:
    from vpd_speech.store.review import quarterly_review, render_html

    quarter = _quarter(request)
    try:
        review = quarterly_review(_state(request).store, quarter)
    except ValueError as e:
        return _error(400, f"Niet bruikbaar: {e}", session)
    controls = Markup(_env().get_template("review_controls.html.j2").render(quarter=review.quarter))
    return HTMLResponse(render_html(review, header=_header(session, "review", controls=controls)))


@guarded("review")
def review_csv(request: Request, session: Session) -> Response:
    from vpd_speech.store.review import quarterly_review, render_csv

    try:
        review = quarterly_review(_state(request).store, _quarter(request))
    except ValueError as e:
        return _error(400, f"Niet bruikbaar: {e}", session)
    headers = {"Content-Disposition": f'attachment; filename="review_{review.quarter}.csv"'}
    return Response(render_csv(review), media_type="text/csv; charset=utf-8", headers=headers)


@guarded("live")
def live_page(request: Request, session: Session) -> Response:
    return _page("live.html.j2", header=_header(session, "live"), base="", board=_state(request).board)


@guarded("live", page=False)
async def live_events(request: Request, session: Session) -> Response:
    """The board as server-sent events: a snapshot, then every change; the session is checked again with
    every keep-alive, so signing out or a disabled account ends the stream."""
    state = _state(request)
    token = request.cookies.get(auth.SESSION_COOKIE, "")

    async def events():
        queue = state.board.subscribe()
        try:
            yield sse(state.board.snapshot())
            while True:
                try:
                    message = await asyncio.wait_for(queue.get(), KEEPALIVE_S)
                except TimeoutError:
                    if await run_in_threadpool(acc.open_session, state.store, token) is None:
                        yield sse({"type": "signed_out"})
                        return
                    yield ": keep-alive\n\n"
                    continue
                yield sse(state.board.snapshot() if message["type"] == "resync" else message)
        finally:
            state.board.unsubscribe(queue)

    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}  # nginx: pass events on at once
    return StreamingResponse(events(), media_type="text/event-stream", headers=headers)


@guarded("audit")
def audit_page(request: Request, session: Session) -> Response:
    q = request.query_params
    entries = acc.read_audit(_state(request).store, q.get("account") or None, q.get("call_id") or None,
                             _page_number(request))  # fmt: skip
    query = urlencode([(k, v) for k, v in q.multi_items() if k != "page"])
    return _page("audit.html.j2", header=_header(session, "audit"), base="", log=entries, q=q, query=query)


# --------------------------------------------------------------------------- the app


class SecurityHeaders:
    """ASGI middleware: the same protective headers on every response; pages are never cached."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        static = "/static/" in scope["path"]  # the style sheet and script may be cached; nothing else

        async def with_headers(message):
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
                if not static:
                    message["headers"].append((b"cache-control", b"no-store"))
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(settings: WebSettings) -> Starlette:
    """The ASGI app; `settings.store` stays open for its lifetime (the caller closes it)."""
    board = LiveBoard(configured=bool(settings.live_url and settings.monitor_token))

    @asynccontextmanager
    async def lifespan(app: Starlette):
        stop = asyncio.Event()
        task = None
        if board.configured:
            task = asyncio.create_task(relay(board, settings.live_url, settings.monitor_token, stop))
        yield
        stop.set()
        if task is not None:  # closes the monitor connection before the loop ends
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task

    def not_found(request: Request, exc: HTTPException) -> Response:
        return _page("error.html.j2", exc.status_code, status=exc.status_code, message="Deze pagina bestaat niet.",
                     header=None, base="")  # fmt: skip

    routes = [
        Route("/", home),
        Route("/favicon.ico", favicon),
        Route("/login", login_form, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/calls", call_list),
        Route("/calls.csv", call_export),
        Route("/report/{call_id}.html", call_page),
        Route("/report/{call_id}.mp3", call_audio),
        Route("/incidents/{call_id}.incident.{kind:str}", incident_draft),
        Route("/trend", trend),
        Route("/patterns", patterns),
        Route("/review", review_page),
        Route("/review.csv", review_csv),
        Route("/live", live_page),
        Route("/live/events", live_events),
        Route("/audit", audit_page),
        Mount("/static", StaticFiles(directory=str(shipped("vpd_speech.web", "static"))), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers={404: not_found}, max_body_size=64 * 1024)
    app.state.web = _State(settings, auth.LoginLimiter(), board)
    app.add_middleware(SecurityHeaders)
    return app


def _uvicorn_config(app: Starlette, settings: WebSettings, host: str, port: int, tls: tuple[Path, Path] | None,
                    forwarded_allow_ips: str | None, log_level: str = "info") -> uvicorn.Config:  # fmt: skip
    return uvicorn.Config(
        app, host=host, port=port, root_path=settings.root_path, proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips or "127.0.0.1", server_header=False, access_log=False,
        ssl_certfile=str(tls[0]) if tls else None, ssl_keyfile=str(tls[1]) if tls else None,
        timeout_graceful_shutdown=5, log_level=log_level,
    )  # fmt: skip


def run_web(
    settings: WebSettings,
    host: str,
    port: int,
    allow_remote: bool = False,
    tls: tuple[Path, Path] | None = None,
    forwarded_allow_ips: str | None = None,
    on_ready: Callable[[str, int], None] | None = None,
) -> None:
    """`vpd serve`: check the address and that someone can sign in, then serve until Ctrl-C / SIGTERM.
    `on_ready(url, n_accounts)` is called before serving."""
    from vpd_speech.run.stream.server import is_loopback

    if not is_loopback(host) and not allow_remote:
        raise WebError(f"refusing to listen on {host}: the app shows personal data, so it listens on loopback only. "
                       "Put the municipality's reverse proxy in front of it, or pass --allow-remote.")  # fmt: skip
    if not is_loopback(host) and tls is None:
        log.warning("listening on %s without TLS: browsers send the session cookie over HTTPS only; put a TLS "
                    "proxy in front, or pass --tls-cert/--tls-key", host)  # fmt: skip
    n = acc.count_active(settings.store)
    if n == 0:
        raise WebError("no accounts yet, and there is no default one: create the first with "
                       "`vpd users add NAME --role coordinator --store ...`")  # fmt: skip
    if on_ready is not None:
        on_ready(f"{'https' if tls else 'http'}://{host}:{port}{settings.root_path}/", n)
    uvicorn.Server(_uvicorn_config(create_app(settings), settings, host, port, tls, forwarded_allow_ips)).run()


class BackgroundWeb:
    """The app under uvicorn on its own thread and a free loopback port, for tests and benchmarks."""

    def __init__(self, settings: WebSettings, forwarded_allow_ips: str | None = None):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        app = create_app(settings)
        self.server = uvicorn.Server(_uvicorn_config(app, settings, "127.0.0.1", self.port, None, forwarded_allow_ips,
                                                     "warning"))  # fmt: skip
        self._thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        for _ in range(300):
            if self.server.started:
                break
            threading.Event().wait(0.05)
        else:
            raise RuntimeError("the web app did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self.server.should_exit = True
        self._thread.join(30)
