"""Sign-in for the web app: session cookies, CSRF tokens, login rate limiting, where to go after signing in.

The session cookie holds a random token (the store keeps its hash, store/accounts.py); it is HttpOnly
(no script reads it), Secure (sent over HTTPS only; browsers count http://localhost as secure) and
SameSite=Strict (no other site's page or link sends it). Every form that changes something is a POST with
the session's CSRF token; the login form, before there is a session, pairs a token in its own cookie with
the same token in the form (double submit).

Failed sign-ins are counted per account name and per client address in a sliding window; while either is
over its limit every attempt is refused before the password is checked, also a right one. An attempt counts
as failed from the moment it starts until its password proved right, so guesses sent in parallel cannot slip
past the limit. The counts live in this process (`vpd serve` runs one).
"""

from __future__ import annotations

import hmac
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response

from vpd_speech.store.accounts import Session, normalise_name, open_session
from vpd_speech.store.database import Store

SESSION_COOKIE = "vpd_session"
LOGIN_COOKIE = "vpd_login"  # the login form's CSRF token, before there is a session
CSRF_FIELD = "csrf"
FAILURES_PER_NAME = 5
FAILURES_PER_CLIENT = 20
FAILURE_WINDOW_S = 15 * 60.0
_NEXT = re.compile(r"^[A-Za-z0-9._~%/-]+(\?[A-Za-z0-9._~%&=+-]*)?$")


@dataclass
class LoginLimiter:
    """Failed sign-ins per name and per client in the last `window_s` seconds."""

    per_name: int = FAILURES_PER_NAME
    per_client: int = FAILURES_PER_CLIENT
    window_s: float = FAILURE_WINDOW_S
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, deque] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def attempt(self, name: str, client: str) -> int:
        """Start an attempt: 0 and it counts as failed until `succeeded`, or the seconds to wait first."""
        keys = (f"n:{normalise_name(name)}", f"c:{client}")
        with self._lock:
            now = self.clock()
            wait = max(self._wait(keys[0], self.per_name, now), self._wait(keys[1], self.per_client, now))
            if not wait:
                for key in keys:
                    self._failures.setdefault(key, deque()).append(now)
        return wait

    def succeeded(self, name: str, client: str) -> None:
        """The password was right: the name starts afresh, and this attempt no longer counts for the client."""
        with self._lock:
            self._failures.pop(f"n:{normalise_name(name)}", None)
            times = self._failures.get(f"c:{client}")
            if times:
                times.pop()

    def _wait(self, key: str, limit: int, now: float) -> int:
        times = self._failures.get(key)
        if not times:
            return 0
        while times and now - times[0] >= self.window_s:
            times.popleft()
        if not times:
            del self._failures[key]
            return 0
        return 0 if len(times) < limit else int(times[-limit] + self.window_s - now) + 1


def client_address(request: Request) -> str:
    """The browser's address; behind the reverse proxy uvicorn takes it from X-Forwarded-For
    (`--forwarded-allow-ips` names the proxies it believes)."""
    return request.client.host if request.client else ""


def current_session(request: Request, store: Store) -> Session | None:
    return open_session(store, request.cookies.get(SESSION_COOKIE, ""))


def csrf_ok(given: str | None, expected: str | None) -> bool:
    return bool(given and expected) and hmac.compare_digest(given.encode(), expected.encode())


def new_login_token() -> str:
    return secrets.token_urlsafe(32)


def set_cookie(response: Response, name: str, value: str, path: str) -> None:
    """A browser-session cookie (gone when the browser closes) that scripts cannot read and no other site sends."""
    response.set_cookie(name, value, path=path, secure=True, httponly=True, samesite="strict")


def clear_cookie(response: Response, name: str, path: str) -> None:
    response.delete_cookie(name, path=path, secure=True, httponly=True, samesite="strict")


def safe_next(target: str | None, default: str = "calls") -> str:
    """Where to go after signing in: a path inside the app, relative to its root; anything else -> default."""
    target = target or ""
    if not target or target.startswith(("/", "\\")) or "//" in target or ".." in target or not _NEXT.match(target):
        return default
    return target
