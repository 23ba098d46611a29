"""Accounts of the web app (`vpd serve`), their sessions, and the audit log of who opened which call.

Each account has one role (store/roles.py: agent, quality, coordinator). There is no default account: the first one is made with `vpd users add`. Passwords are kept as argon2id
hashes (argon2-cffi's defaults: 64 MiB, 3 passes). A session is a random token in a cookie; the store keeps
only its SHA-256, so a copy of the database opens no session. Disabling an account or changing its
password ends its sessions. The audit log is append-only: this module only adds and reads, and the
database refuses UPDATE and DELETE on it (migration 3).
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from vpd_speech.store.database import Store, accounts, audit_log, sessions, utcnow
from vpd_speech.store.roles import PERMISSIONS, ROLE_NAMES_NL, ROLES

MIN_PASSWORD_LENGTH = 12
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,99}$")
SESSION_IDLE = timedelta(minutes=30)  # a contact-centre desk is left alone: sign out after 30 idle minutes
SESSION_MAX = timedelta(hours=10)  # and after a working day at the latest
SEEN_EVERY = timedelta(minutes=1)  # how often a session's last-seen time is written
AUDIT_ACTIONS_NL = {
    "login": "ingelogd",
    "login_failed": "inloggen mislukt",
    "logout": "uitgelogd",
    "open_call": "gesprek geopend",
    "play_audio": "audio opgevraagd",
    "download_incident": "concept-incidentmelding gedownload",
    "export_csv": "lijst geëxporteerd (CSV)",
    "denied": "toegang geweigerd",
}

_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified when a name is unknown, so that an unknown name takes as long as a wrong password."""
    return _hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """An account command that cannot be done as asked; the message says why."""


@dataclass(frozen=True)
class Account:
    id: int
    name: str
    role: str
    agent_id: str | None
    disabled: bool = False

    @property
    def role_nl(self) -> str:
        return ROLE_NAMES_NL[self.role]

    @property
    def call_scope(self) -> str | None:
        """The agent_id whose calls this account may see; None: every call."""
        return self.agent_id if self.role == "agent" else None

    def may(self, what: str) -> bool:
        return what in PERMISSIONS[self.role]

    def may_open(self, call_agent_id: str | None) -> bool:
        """May this account open a call whose agent_id is `call_agent_id`?"""
        if self.may("all_calls"):
            return True
        return self.may("own_calls") and call_agent_id is not None and call_agent_id == self.agent_id


@dataclass(frozen=True)
class Session:
    account: Account
    csrf_token: str
    created_at: datetime


def _account(row) -> Account:
    return Account(row.id, row.name, row.role, row.agent_id, row.disabled_at is not None)


def normalise_name(name: str) -> str:
    return (name or "").strip().lower()


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password too short: use at least {MIN_PASSWORD_LENGTH} characters (a sentence works)")


# --------------------------------------------------------------------------- accounts


def add_account(store: Store, name: str, role: str, password: str, agent_id: str | None = None) -> Account:
    """Create an account; an agent needs the agent_id that their calls carry, the other roles take none."""
    name = normalise_name(name)
    if not NAME_PATTERN.fullmatch(name):
        raise AccountError(f"not a valid account name: {name!r} (letters, digits, '.', '_', '-', '@'; up to 100)")
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    agent_id = (agent_id or "").strip() or None
    if role == "agent" and agent_id is None:
        raise AccountError("an agent account needs --agent-id: the agent_id their calls carry in the call metadata")
    if role != "agent" and agent_id is not None:
        raise AccountError(f"--agent-id is for agent accounts; a {role} account sees every call")
    check_password(password)
    now = utcnow()
    with store.engine.begin() as conn:
        if conn.execute(sa.select(accounts.c.id).where(accounts.c.name == name)).first():
            raise AccountError(f"account {name} exists already (vpd users passwd {name} to set a new password)")
        new_id = conn.execute(
            accounts.insert().values(name=name, role=role, agent_id=agent_id, password_hash=_hasher.hash(password),
                                     created_at=now, password_changed_at=now)
        ).inserted_primary_key[0]  # fmt: skip
    return Account(new_id, name, role, agent_id)


def get_account(store: Store, name: str) -> Account | None:
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(accounts).where(accounts.c.name == normalise_name(name))).first()
    return _account(row) if row else None


def list_accounts(store: Store) -> list[Account]:
    with store.engine.connect() as conn:
        return [_account(r) for r in conn.execute(sa.select(accounts).order_by(accounts.c.name))]


def count_active(store: Store) -> int:
    with store.engine.connect() as conn:
        q = sa.select(sa.func.count()).select_from(accounts).where(accounts.c.disabled_at.is_(None))
        return conn.execute(q).scalar_one()


def set_password(store: Store, name: str, password: str) -> None:
    """A new password; the account's sessions end."""
    check_password(password)
    account = _existing(store, name)
    with store.engine.begin() as conn:
        conn.execute(
            accounts.update().where(accounts.c.id == account.id)
            .values(password_hash=_hasher.hash(password), password_changed_at=utcnow())
        )  # fmt: skip
        conn.execute(sessions.delete().where(sessions.c.account_id == account.id))


def disable_account(store: Store, name: str) -> None:
    """The account can no longer sign in and its sessions end; its audit entries stay."""
    account = _existing(store, name)
    with store.engine.begin() as conn:
        conn.execute(accounts.update().where(accounts.c.id == account.id).values(disabled_at=utcnow()))
        conn.execute(sessions.delete().where(sessions.c.account_id == account.id))


def _existing(store: Store, name: str) -> Account:
    account = get_account(store, name)
    if account is None:
        raise AccountError(f"no account {normalise_name(name)!r} (vpd users list shows them)")
    return account


def authenticate(store: Store, name: str, password: str) -> Account | None:
    """The account if the name and password match an enabled account, else None (same time either way)."""
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(accounts).where(accounts.c.name == normalise_name(name))).first()
    try:
        _hasher.verify(row.password_hash if row else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or row.disabled_at is not None:
        return None
    if _hasher.check_needs_rehash(row.password_hash):  # the library's cost went up since the hash was made
        with store.engine.begin() as conn:
            conn.execute(accounts.update().where(accounts.c.id == row.id).values(password_hash=_hasher.hash(password)))
    return _account(row)


# --------------------------------------------------------------------------- sessions


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(store: Store, account: Account) -> str:
    """A new session for the account; returns the token for the cookie (the store keeps only its hash)."""
    token, now = secrets.token_urlsafe(32), utcnow()
    with store.engine.begin() as conn:
        conn.execute(
            sessions.insert().values(token_hash=_token_hash(token), account_id=account.id,
                                     csrf_token=secrets.token_urlsafe(32), created_at=now, seen_at=now)
        )  # fmt: skip
    return token


def open_session(store: Store, token: str, now: datetime | None = None) -> Session | None:
    """The live session of a cookie token, or None when it is unknown, idle too long, too old or its account
    is disabled (an expired session is deleted)."""
    if not token:
        return None
    now = now or utcnow()
    key = _token_hash(token)
    q = sa.select(sessions, accounts).join(accounts, accounts.c.id == sessions.c.account_id)
    with store.engine.connect() as conn:
        row = conn.execute(q.where(sessions.c.token_hash == key)).first()
    if row is None:
        return None
    if row.disabled_at is not None or now - row.seen_at > SESSION_IDLE or now - row.created_at > SESSION_MAX:
        end_session(store, token)
        return None
    if now - row.seen_at > SEEN_EVERY:
        with store.engine.begin() as conn:
            conn.execute(sessions.update().where(sessions.c.token_hash == key).values(seen_at=now))
    account = Account(row.account_id, row.name, row.role, row.agent_id)
    return Session(account, row.csrf_token, row.created_at)


def end_session(store: Store, token: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(sessions.delete().where(sessions.c.token_hash == _token_hash(token)))


# --------------------------------------------------------------------------- audit log


def audit(
    store: Store,
    account: Account | str,
    action: str,
    call_id: str | None = None,
    detail: str | None = None,
    client: str | None = None,
) -> None:
    """Append one entry to the audit log (the only write this log knows)."""
    if action not in AUDIT_ACTIONS_NL:
        raise ValueError(f"unknown audit action {action!r}")
    name, role = (account.name, account.role) if isinstance(account, Account) else (account, None)
    with store.engine.begin() as conn:
        conn.execute(
            audit_log.insert().values(at=utcnow(), account=name[:100], role=role, action=action,
                                      call_id=call_id[:200] if call_id else None,
                                      detail=detail[:500] if detail else None, client=(client or "")[:64] or None)
        )  # fmt: skip


@dataclass(frozen=True)
class AuditPage:
    entries: list[dict]
    page: int
    has_next: bool


def read_audit(
    store: Store, account: str | None = None, call_id: str | None = None, page: int = 1, per_page: int = 100
) -> AuditPage:
    """Entries newest first, optionally of one account or one call."""
    q = sa.select(audit_log)
    if account:
        q = q.where(audit_log.c.account == normalise_name(account))
    if call_id:
        q = q.where(audit_log.c.call_id == call_id.strip())
    q = q.order_by(audit_log.c.at.desc(), audit_log.c.id.desc()).limit(per_page + 1).offset((page - 1) * per_page)
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(q).mappings()]
    return AuditPage(rows[:per_page], page, len(rows) > per_page)
