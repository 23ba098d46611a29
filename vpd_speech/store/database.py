"""The call store: scored calls in SQLite (a file, the default) or PostgreSQL (a URL), with the same code.

SQLAlchemy Core, no ORM. The schema is created and upgraded by numbered migrations recorded in the table
`schema_migrations`; `Store.open` applies the missing ones, so an old store file upgrades itself.

Tables
    calls             one row per scored call: when, who (pseudonymous caller_ref, agent_id, team), the
                      highest counted level, incident category, meldadvies, werkinstructie gaps, audio
                      reference; `purged_at` once its transcript was deleted by the retention purge
    utterances        speaker turns with text, label and level (deleted by the purge)
    events            timeline events with their quote (quote emptied by the purge)
    advice            meldadvies per call with its Dutch reasons (reasons emptied by the purge: they quote)
    call_metadata     further sidecar keys per call (never the caller's number)
    purge_log         what each purge deleted (counts, never content)
    accounts          people who use `vpd serve`: name, role, agent_id, argon2 password hash (store/accounts.py)
    sessions          their signed-in browser sessions (only a hash of the cookie's token)
    audit_log         who opened which call, when; append-only (the database refuses UPDATE and DELETE)

Full-text search over utterance texts (store/search.py): an FTS5 table `utterances_fts` kept in step by
triggers on SQLite, a GIN index on to_tsvector('simple', text) on PostgreSQL; both match words case-blind.

Writing is idempotent: `write_call` replaces every row of a call_id in one transaction.
"""

from __future__ import annotations

import calendar
import json
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Self

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from vpd_speech.reports.incident import CATEGORIES as INCIDENT_CATEGORIES
from vpd_speech.reports.incident import categories as incident_categories
from vpd_speech.schema import CallResult

log = logging.getLogger("vpd_speech.store.database")

SQLITE_DEFAULT = "out/vpd.sqlite"

# Incident categories of the quarterly review: the keys of incident.CATEGORIES (most serious first).
CATEGORIES = tuple(c.replace(" ", "_") for c in INCIDENT_CATEGORIES)
CATEGORY_NAMES_NL = {
    "seksuele_intimidatie": "seksuele intimidatie",
    "bedreiging": "bedreiging",
    "intimidatie": "intimidatie (doxxing)",
    "verbale_agressie": "verbale agressie",
}

md = sa.MetaData()

calls = sa.Table(
    "calls", md,
    sa.Column("call_id", sa.String(200), primary_key=True),
    sa.Column("file", sa.String(500)),
    sa.Column("sha256", sa.String(64)),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("error", sa.Text),
    sa.Column("schema_version", sa.String(10)),
    sa.Column("started_at", sa.DateTime),  # UTC, naive
    sa.Column("month", sa.String(7)),  # 'YYYY-MM' of started_at: cheap grouping on every backend
    sa.Column("caller_ref", sa.String(40)),  # keyed pseudonym, never the number
    sa.Column("agent_id", sa.String(100)),
    sa.Column("team", sa.String(100)),
    sa.Column("agent_channel", sa.String(5)),
    sa.Column("duration_s", sa.Float),
    sa.Column("channels", sa.SmallInteger),
    sa.Column("n_utterances", sa.Integer),
    sa.Column("max_level", sa.SmallInteger, nullable=False, server_default="0"),
    sa.Column("max_label", sa.String(20)),
    sa.Column("n_level3", sa.Integer, nullable=False, server_default="0"),
    sa.Column("n_level4", sa.Integer, nullable=False, server_default="0"),
    sa.Column("category", sa.String(30)),
    sa.Column("advice", sa.String(12)),
    sa.Column("boundary_set", sa.Boolean),
    sa.Column("ended_by_agent", sa.Boolean),
    sa.Column("missing_end", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("missing_boundary", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("missing_steps", sa.String(200)),
    sa.Column("audio_ref", sa.String(1000)),
    sa.Column("stored_at", sa.DateTime, nullable=False),
    sa.Column("purged_at", sa.DateTime),
)  # fmt: skip

utterances = sa.Table(
    "utterances", md,
    sa.Column("call_id", sa.String(200), sa.ForeignKey("calls.call_id", ondelete="CASCADE"), primary_key=True),
    sa.Column("utterance_id", sa.Integer, primary_key=True),
    sa.Column("speaker", sa.String(40)),
    sa.Column("role", sa.String(10)),
    sa.Column("channel", sa.SmallInteger),
    sa.Column("start_s", sa.Float),
    sa.Column("end_s", sa.Float),
    sa.Column("text", sa.Text),
    sa.Column("label", sa.String(30)),
    sa.Column("level", sa.SmallInteger),
    sa.Column("counted_level", sa.SmallInteger),
    sa.Column("probability", sa.Float),
    sa.Column("evidence_kinds", sa.String(200)),
)  # fmt: skip

events = sa.Table(
    "events", md,
    sa.Column("call_id", sa.String(200), sa.ForeignKey("calls.call_id", ondelete="CASCADE"), primary_key=True),
    sa.Column("idx", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("time_s", sa.Float),
    sa.Column("role", sa.String(10)),
    sa.Column("utterance_id", sa.Integer),
    sa.Column("level", sa.SmallInteger),
    sa.Column("probability", sa.Float),
    sa.Column("quote", sa.Text),
    sa.Column("note", sa.Text),
)  # fmt: skip

advice = sa.Table(
    "advice", md,
    sa.Column("call_id", sa.String(200), sa.ForeignKey("calls.call_id", ondelete="CASCADE"), primary_key=True),
    sa.Column("advice", sa.String(12), nullable=False),
    sa.Column("basis_level", sa.SmallInteger),
    sa.Column("pattern_can_raise", sa.Boolean),
    sa.Column("reasons", sa.Text),  # JSON list of Dutch sentences; NULL after the purge
)  # fmt: skip

call_metadata = sa.Table(
    "call_metadata", md,
    sa.Column("call_id", sa.String(200), sa.ForeignKey("calls.call_id", ondelete="CASCADE"), primary_key=True),
    sa.Column("key", sa.String(100), primary_key=True),
    sa.Column("value", sa.Text),
)  # fmt: skip

purge_log = sa.Table(
    "purge_log", md,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("purged_at", sa.DateTime, nullable=False),
    sa.Column("cutoff", sa.DateTime, nullable=False),
    sa.Column("calls", sa.Integer),
    sa.Column("utterances", sa.Integer),
    sa.Column("quotes", sa.Integer),
    sa.Column("audio_refs", sa.Integer),
)  # fmt: skip

accounts = sa.Table(
    "accounts", md,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(100), nullable=False, unique=True),  # lower case
    sa.Column("role", sa.String(20), nullable=False),  # agent, quality, coordinator
    sa.Column("agent_id", sa.String(100)),  # agents only: the calls.agent_id that is theirs
    sa.Column("password_hash", sa.String(200), nullable=False),  # argon2id, with its own salt and cost
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("password_changed_at", sa.DateTime, nullable=False),
    sa.Column("disabled_at", sa.DateTime),
)  # fmt: skip

sessions = sa.Table(
    "sessions", md,
    sa.Column("token_hash", sa.String(64), primary_key=True),  # SHA-256 of the cookie's token, never the token
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("seen_at", sa.DateTime, nullable=False),
)  # fmt: skip

audit_log = sa.Table(
    "audit_log", md,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime, nullable=False),  # UTC, naive
    sa.Column("account", sa.String(100), nullable=False),
    sa.Column("role", sa.String(20)),
    sa.Column("action", sa.String(30), nullable=False),
    sa.Column("call_id", sa.String(200)),
    sa.Column("detail", sa.String(500)),
    sa.Column("client", sa.String(64)),  # the browser's address as the server saw it (behind a proxy: forwarded)
)  # fmt: skip

migrations_table = sa.Table(
    "schema_migrations", md,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("applied_at", sa.DateTime, nullable=False),
)  # fmt: skip

# Indexes for the pattern and quarterly queries (created by migration 2).
INDEXES = [
    # pattern callers: range on max_level and started_at, then caller_ref; covering on both backends
    sa.Index("ix_calls_pattern", calls.c.max_level, calls.c.started_at, calls.c.caller_ref, calls.c.call_id),
    # one caller's history
    sa.Index("ix_calls_caller", calls.c.caller_ref, calls.c.started_at),
    # quarterly aggregation (covering: one index range scan gives every count) and retention purge
    sa.Index(
        "ix_calls_quarter",
        calls.c.started_at,
        calls.c.status,
        calls.c.month,
        calls.c.category,
        calls.c.advice,
        calls.c.max_level,
        calls.c.missing_end,
        calls.c.missing_boundary,
    ),
    sa.Index("ix_events_kind", events.c.kind),
]


def _m1_tables(conn: Connection) -> None:
    md.create_all(conn, tables=[calls, utterances, events, advice, call_metadata, purge_log], checkfirst=True)


def _m2_indexes(conn: Connection) -> None:
    for ix in INDEXES:
        ix.create(conn, checkfirst=True)


# Indexes of the web app's call list (migration 3). The list is ordered newest first, calls without a start
# time last: one order on both backends, each with the index that walks it (PostgreSQL needs NULLS LAST in it).
WEB_INDEXES = [
    sa.Index("ix_calls_agent", calls.c.agent_id, calls.c.started_at),  # an agent's own calls and trend
    sa.Index("ix_calls_team", calls.c.team, calls.c.started_at),
    sa.Index("ix_calls_advice", calls.c.advice, calls.c.started_at),
    sa.Index("ix_calls_missing_end", calls.c.started_at, sqlite_where=calls.c.missing_end == sa.true(),
             postgresql_where=calls.c.missing_end == sa.true()),
    sa.Index("ix_calls_missing_boundary", calls.c.started_at, sqlite_where=calls.c.missing_boundary == sa.true(),
             postgresql_where=calls.c.missing_boundary == sa.true()),
    sa.Index("ix_audit_log_at", audit_log.c.at),
    sa.Index("ix_audit_log_call", audit_log.c.call_id, audit_log.c.at),
    sa.Index("ix_sessions_account", sessions.c.account_id),
]  # fmt: skip

# What each backend gets in its own SQL: full-text search over utterances, the call list's index in the list's
# order, and the triggers that make audit_log append-only.
_SQLITE_STATEMENTS = [
    "DROP TABLE IF EXISTS utterances_fts",
    (
        "CREATE VIRTUAL TABLE utterances_fts USING fts5(text, content='utterances', content_rowid='rowid', "
        "tokenize='unicode61 remove_diacritics 0')"
    ),
    "INSERT INTO utterances_fts(utterances_fts) VALUES ('rebuild')",
    (
        "CREATE TRIGGER utterances_fts_insert AFTER INSERT ON utterances BEGIN "
        "INSERT INTO utterances_fts(rowid, text) VALUES (new.rowid, new.text); END"
    ),
    (
        "CREATE TRIGGER utterances_fts_delete AFTER DELETE ON utterances BEGIN "
        "INSERT INTO utterances_fts(utterances_fts, rowid, text) VALUES ('delete', old.rowid, old.text); END"
    ),
    (
        "CREATE TRIGGER utterances_fts_update AFTER UPDATE ON utterances BEGIN "
        "INSERT INTO utterances_fts(utterances_fts, rowid, text) VALUES ('delete', old.rowid, old.text); "
        "INSERT INTO utterances_fts(rowid, text) VALUES (new.rowid, new.text); END"
    ),
    "CREATE INDEX ix_calls_list ON calls (started_at, call_id)",
    (
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN "
        "SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    ),
    (
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN "
        "SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    ),
]
_POSTGRES_STATEMENTS = [
    "CREATE INDEX ix_utterances_text ON utterances USING gin (to_tsvector('simple', text))",
    "CREATE INDEX ix_calls_list ON calls (started_at DESC NULLS LAST, call_id DESC)",
    (
        "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$"
    ),
    (
        "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
    ),
    (
        "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
    ),
]


def _m3_web(conn: Connection) -> None:
    md.create_all(conn, tables=[accounts, sessions, audit_log], checkfirst=True)
    for ix in WEB_INDEXES:
        ix.create(conn, checkfirst=True)
    for statement in _POSTGRES_STATEMENTS if conn.dialect.name == "postgresql" else _SQLITE_STATEMENTS:
        conn.exec_driver_sql(statement)


# (version, name, function). Append only; never change a released migration.
MIGRATIONS = [
    (1, "tables: calls, utterances, events, advice, call_metadata, purge_log", _m1_tables),
    (2, "indexes for pattern callers and the quarterly review", _m2_indexes),
    (3, "web app: accounts, sessions, append-only audit log, call list indexes, full-text search", _m3_web),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


class StoreError(ValueError):
    """The store named on the command line cannot be used as asked."""


def store_url(target: str | Path) -> str:
    """A store argument as an SQLAlchemy URL: a path -> SQLite file; postgresql://... -> psycopg 3."""
    s = str(target)
    if "://" not in s:
        path = Path(s).expanduser().resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    if s.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + s.split("://", 1)[1]
    return s


def redact_url(url: str) -> str:
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


# --------------------------------------------------------------------------- derived facts per call


def incident_category(result: CallResult) -> str | None:
    """Incident category of a call for the quarterly review (None: no incident): the first of
    `incident.categories`, the rule the incident draft uses, as a key (seksuele intimidatie ->
    seksuele_intimidatie). A call counts once, in its most serious category."""
    found = incident_categories(result)
    return found[0].replace(" ", "_") if found else None


def werkinstructie_gaps(result: CallResult) -> tuple[bool, bool, list[str]]:
    """(missing_end, missing_boundary, missing steps) over the call's episodes at level 3-4.

    missing_end: a threat (level-4 episode) not followed by ending the call. missing_boundary: aggression
    or threat (level 3-4 episode) where the agent set no boundary ("grens_stellen" missing in the
    werkinstructie check; at level 4 naming the behaviour also counts, as in the timeline).
    """
    t = result.timeline
    missing_end = missing_boundary = False
    steps: list[str] = []
    for ep in t.episodes if t else []:
        if ep.peak_level < 3:
            continue
        miss = ep.werkinstructie.missing
        if ep.peak_level == 4 and "gesprek_beeindigen" in miss:
            missing_end = True
        if "grens_stellen" in miss:
            missing_boundary = True
        steps += [m for m in miss if m not in steps]
    return missing_end, missing_boundary, steps


def _b(v) -> bool | None:
    return None if v is None else bool(v)


def call_rows(result: CallResult, metadata: Mapping[str, str] | None = None) -> dict[str, list[dict]]:
    """The rows of every table for one call (pure: no database)."""
    meta = {**result.metadata, **{k: str(v) for k, v in (metadata or {}).items() if v not in (None, "")}}
    if "caller_number" in meta:
        raise ValueError("caller_number must not reach the store: pseudonymise it first (metadata.read_sidecar)")
    from vpd_speech.reports.outputs import utterance_rows
    from vpd_speech.store.metadata import parse_started_at

    started = parse_started_at(meta.get("started_at", ""))
    t = result.timeline
    counted = [p.counted_level for p in t.levels] if t else []
    gaps = werkinstructie_gaps(result)
    a = result.audio
    call = {
        "call_id": result.call_id,
        "file": result.file,
        "sha256": a.sha256 if a else None,
        "status": result.status,
        "error": result.error,
        "schema_version": result.schema_version,
        "started_at": started,
        "month": started.strftime("%Y-%m") if started else None,
        "caller_ref": meta.get("caller_ref"),
        "agent_id": meta.get("agent_id"),
        "team": meta.get("team"),
        "agent_channel": meta.get("agent_channel") or (result.speakers.agent_channel if result.speakers else None),
        "duration_s": a.duration_s if a else None,
        "channels": a.channels if a else None,
        "n_utterances": len(result.utterances),
        "max_level": t.max_level if t else 0,
        "max_label": t.max_label if t else None,
        "n_level3": counted.count(3),
        "n_level4": counted.count(4),
        "category": incident_category(result),
        "advice": t.advice.advice if t and t.advice else None,
        "boundary_set": _b(t.boundary_set) if t else None,
        "ended_by_agent": _b(t.ended_by_agent) if t else None,
        "missing_end": gaps[0],
        "missing_boundary": gaps[1],
        "missing_steps": ",".join(gaps[2]) or None,
        "audio_ref": meta.get("audio_ref") or (a.file if a else result.file),
        "stored_at": utcnow(),
        "purged_at": None,
    }
    columns = utterances.columns.keys()
    utts = [{k: row[k] for k in columns} for row in utterance_rows(result)]
    evs = [
        {
            "call_id": result.call_id,
            "idx": i,
            "kind": e.kind,
            "time_s": e.time,
            "role": e.role,
            "utterance_id": e.utterance_id,
            "level": e.level,
            "probability": e.probability,
            "quote": e.quote,
            "note": e.note,
        }
        for i, e in enumerate(t.events if t else [])
    ]
    adv = []
    if t and t.advice:
        adv.append(
            {
                "call_id": result.call_id,
                "advice": t.advice.advice,
                "basis_level": t.advice.basis_level,
                "pattern_can_raise": t.advice.pattern_can_raise,
                "reasons": json.dumps(t.advice.reasons, ensure_ascii=False),
            }
        )
    skip = {"caller_ref", "agent_id", "team", "agent_channel", "started_at", "audio_ref"}
    metas = [{"call_id": result.call_id, "key": k, "value": v} for k, v in sorted(meta.items()) if k not in skip]
    return {"calls": [call], "utterances": utts, "events": evs, "advice": adv, "call_metadata": metas}


# --------------------------------------------------------------------------- the store


_CHILDREN = (utterances, events, advice, call_metadata)
_TABLES = {"calls": calls, "utterances": utterances, "events": events, "advice": advice, "call_metadata": call_metadata}


_DURATION_NL = {"d": ("dag", "dagen"), "w": ("week", "weken"), "m": ("maand", "maanden"), "y": ("jaar", "jaar")}


@dataclass(frozen=True)
class Duration:
    """A span of calendar time as written on the command line: n days (d), weeks (w), calendar months (m)
    or years (y, 12 calendar months). Months count on the calendar, not as 30 days: 1m before 31 March is
    the last day of February. The one meaning of a duration for purge ages and pattern windows."""

    n: int
    unit: str

    def _months(self) -> int:
        return self.n * (12 if self.unit == "y" else 1)

    def _days(self) -> timedelta:
        return timedelta(days=self.n * (7 if self.unit == "w" else 1))

    def before(self, t: datetime) -> datetime:
        return add_months(t, -self._months()) if self.unit in "my" else t - self._days()

    def after(self, t: datetime) -> datetime:
        return add_months(t, self._months()) if self.unit in "my" else t + self._days()

    @property
    def nl(self) -> str:
        """In Dutch, for reports: '90 dagen', '3 maanden', '1 jaar'."""
        one, more = _DURATION_NL[self.unit]
        return f"{self.n} {one if self.n == 1 else more}"

    def __str__(self) -> str:
        return f"{self.n}{self.unit}"


def parse_duration(text: str | timedelta | Duration) -> Duration:
    """'90d', '13w', '3m' (calendar months), '2y' (24 calendar months) -> a Duration; a timedelta of whole
    days is taken as days. A bare number is refused: '12' could be days or months, and a purge must not guess."""
    if isinstance(text, Duration):
        return text
    if isinstance(text, timedelta):
        if text % timedelta(days=1):
            raise ValueError(f"not a whole number of days: {text}")
        return Duration(text.days, "d")
    m = re.fullmatch(r"\s*(\d+)\s*([dwmy])\s*", str(text or "").lower())
    if not m:
        raise ValueError(
            f"not a duration: {text!r} (use a number and a unit: 90d days, 13w weeks, 3m calendar months, 2y years)"
        )
    return Duration(int(m.group(1)), m.group(2))


def add_months(t: datetime, months: int) -> datetime:
    """`t` moved by whole calendar months; a day that the target month lacks becomes its last day."""
    y, mo = divmod(t.year * 12 + t.month - 1 + months, 12)
    day = min(t.day, calendar.monthrange(y, mo + 1)[1])
    return t.replace(year=y, month=mo + 1, day=day)


@dataclass
class PurgeReport:
    cutoff: datetime
    calls: int
    utterances: int
    quotes: int
    audio_refs: int
    call_ids: tuple[str, ...] = ()  # the calls whose content was purged (ids only, for the out folder)

    def line(self) -> str:
        return (
            f"purge older than {self.cutoff:%Y-%m-%d %H:%M} UTC: {self.calls} calls, {self.utterances} utterances "
            f"deleted, {self.quotes} quotes/reasons removed, {self.audio_refs} audio references removed"
        )


class Store:
    """A call store on one database. `Store.open(target)` with a file path or a database URL."""

    def __init__(self, engine: Engine):
        self.engine = engine

    @classmethod
    def open(cls, target: str | Path = SQLITE_DEFAULT, migrate: bool = True, **engine_kw) -> Store:
        url = store_url(target)
        if url.startswith("sqlite"):
            engine = sa.create_engine(url, **engine_kw)

            @sa.event.listens_for(engine, "connect")
            def _pragmas(dbapi_conn, _record):
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA foreign_keys=ON")
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
                cur.close()

        else:
            engine = sa.create_engine(url, pool_pre_ping=True, **engine_kw)
        store = cls(engine)
        if migrate:
            store.migrate()
        return store

    @classmethod
    def open_existing(cls, target: str | Path) -> Store:
        """Open a store that calls were scored into; a missing SQLite file or a database without the call
        tables is an error (a reading command must not create an empty store and report that it is empty)."""
        if "://" not in str(target) and not Path(target).expanduser().is_file():
            raise StoreError(f"no call store at {target}: score calls into it first (vpd score ... --store {target})")
        store = cls.open(target, migrate=False)
        if not sa.inspect(store.engine).has_table("calls"):
            store.close()
            raise StoreError(f"{redact_url(str(target))} holds no call store (no calls table): check --store")
        store.migrate()
        return store

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ migrations

    def applied_versions(self) -> list[int]:
        with self.engine.connect() as conn:
            if not sa.inspect(conn).has_table("schema_migrations"):
                return []
            return [r[0] for r in conn.execute(sa.select(migrations_table.c.version).order_by("version"))]

    def migrate(self) -> list[int]:
        """Apply the missing migrations in order, each in its own transaction; returns those applied."""
        with self.engine.begin() as conn:
            migrations_table.create(conn, checkfirst=True)
        done = set(self.applied_versions())
        applied = []
        for version, name, fn in MIGRATIONS:
            if version in done:
                continue
            with self.engine.begin() as conn:
                if self.dialect == "postgresql":  # one migrator at a time
                    conn.execute(sa.text("SELECT pg_advisory_xact_lock(7160301)"))
                    if conn.execute(
                        sa.select(migrations_table.c.version).where(migrations_table.c.version == version)
                    ).first():
                        continue
                fn(conn)
                conn.execute(migrations_table.insert().values(version=version, name=name, applied_at=utcnow()))
            log.info("store migration %d applied: %s", version, name)
            applied.append(version)
        return applied

    # ------------------------------------------------------------------ writing

    def write_call(self, result: CallResult, metadata: Mapping[str, str] | None = None) -> None:
        """Store one scored call (replacing an earlier version of the same call_id)."""
        self.write_calls([(result, metadata)])

    def write_calls(self, items: Iterable[tuple[CallResult, Mapping[str, str] | None]]) -> int:
        """Store many calls in one transaction (idempotent per call_id). Returns the number written."""
        rows: dict[str, list[dict]] = {name: [] for name in _TABLES}
        ids: list[str] = []
        for result, meta in items:
            if result.call_id in ids:  # the later version wins
                i = ids.index(result.call_id)
                ids.pop(i)
                for name, rs in rows.items():
                    rows[name] = [r for r in rs if r["call_id"] != result.call_id]
            ids.append(result.call_id)
            for name, rs in call_rows(result, meta).items():
                rows[name] += rs
        if not ids:
            return 0
        with self.engine.begin() as conn:
            for chunk in _chunks(ids, 500):
                for table in _CHILDREN:
                    conn.execute(table.delete().where(table.c.call_id.in_(chunk)))
                conn.execute(calls.delete().where(calls.c.call_id.in_(chunk)))
            for name in ("calls", "utterances", "events", "advice", "call_metadata"):
                if rows[name]:
                    conn.execute(_TABLES[name].insert(), rows[name])
        return len(ids)

    # ------------------------------------------------------------------ reading

    def count(self, table: str = "calls") -> int:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(md.tables[table])).scalar_one()

    def call(self, call_id: str) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(calls).where(calls.c.call_id == call_id)).mappings().first()
            return dict(row) if row else None

    def advice_for(self, call_ids: list[str]) -> dict[str, dict]:
        """call_id -> {advice, basis_level, reasons (list or None after purge)}."""
        out: dict[str, dict] = {}
        with self.engine.connect() as conn:
            for chunk in _chunks(call_ids, 500):
                for r in conn.execute(sa.select(advice).where(advice.c.call_id.in_(chunk))).mappings():
                    out[r["call_id"]] = {
                        "advice": r["advice"],
                        "basis_level": r["basis_level"],
                        "reasons": json.loads(r["reasons"]) if r["reasons"] else None,
                    }
        return out

    # ------------------------------------------------------------------ retention

    def purge(self, older_than: str | timedelta | Duration, now: datetime | None = None) -> PurgeReport:
        """Delete transcripts (utterances, event quotes, advice reasons that quote) and audio references of
        calls that started (or, without a start time, were stored) before now - older_than. The call row with
        its levels, category, advice and pseudonymous caller stays for the statistics. Logs counts only."""
        now = now or utcnow()
        cutoff = parse_duration(older_than).before(now)
        when = sa.func.coalesce(calls.c.started_at, calls.c.stored_at)
        old = sa.select(calls.c.call_id).where(when < cutoff)
        with self.engine.begin() as conn:
            ids = tuple(conn.execute(old).scalars())
            n_calls = conn.execute(
                sa.select(sa.func.count()).select_from(calls).where(when < cutoff, calls.c.purged_at.is_(None))
            ).scalar_one()
            n_utts = conn.execute(utterances.delete().where(utterances.c.call_id.in_(old))).rowcount
            n_q = conn.execute(
                events.update().where(events.c.call_id.in_(old), events.c.quote != "").values(quote="")
            ).rowcount
            n_q += conn.execute(
                advice.update().where(advice.c.call_id.in_(old), advice.c.reasons.is_not(None)).values(reasons=None)
            ).rowcount
            n_audio = conn.execute(
                calls.update()
                .where(when < cutoff, sa.or_(calls.c.audio_ref.is_not(None), calls.c.file.is_not(None)))
                .values(audio_ref=None, file=None)
            ).rowcount
            conn.execute(calls.update().where(when < cutoff, calls.c.purged_at.is_(None)).values(purged_at=now))
            report = PurgeReport(cutoff, n_calls, n_utts, n_q, n_audio, ids)
            conn.execute(
                purge_log.insert().values(
                    purged_at=now, cutoff=cutoff, calls=n_calls, utterances=n_utts, quotes=n_q, audio_refs=n_audio
                )
            )
        log.warning(report.line())
        return report

    # ------------------------------------------------------------------ queries

    def norm_crossing_calls(
        self, since: datetime, until: datetime | None, min_level: int, min_calls: int
    ) -> list[dict]:
        """Calls at max_level >= min_level with a pseudonymous caller who has at least min_calls such calls
        in [since, until), ordered by caller and time: the input of the pattern-caller detection."""
        if min_level < 1:
            raise ValueError("min_level must be at least 1")
        # One range scan of the covering index ix_calls_pattern. No status filter (error records have
        # max_level 0) and length(caller_ref) > 0 rather than IS NOT NULL: both keep SQLite's planner on that
        # index instead of walking ix_calls_caller. Grouping in Python is cheaper than GROUP BY caller_ref,
        # which SQLite answers by walking the caller index.
        c = calls.c
        cond = [c.max_level >= min_level, c.started_at >= since, sa.func.length(c.caller_ref) > 0]
        if until is not None:
            cond.append(c.started_at < until)
        with self.engine.connect() as conn:
            keys = conn.execute(sa.select(c.caller_ref, c.call_id).where(*cond)).all()
            per: dict[str, int] = {}
            for ref, _ in keys:
                per[ref] = per.get(ref, 0) + 1
            wanted = [cid for ref, cid in keys if per[ref] >= min_calls]
            cols = [
                c.call_id,
                c.caller_ref,
                c.started_at,
                c.max_level,
                c.n_level3,
                c.n_level4,
                c.category,
                c.advice,
                c.month,
            ]
            rows = []
            for chunk in _chunks(wanted, 2000):
                rows += [dict(r) for r in conn.execute(sa.select(*cols).where(c.call_id.in_(chunk))).mappings()]
        rows.sort(key=lambda r: (r["caller_ref"], r["started_at"], r["call_id"]))
        return rows

    def quarter_figures(self, start: datetime, end: datetime, details: bool = True) -> dict:
        """Aggregates of the calls that started in [start, end): the figures of the quarterly review.

        One grouped scan of the covering index ix_calls_quarter gives every count; with `details` the calls
        with a missing werkinstructie step are listed too."""
        c = calls.c
        in_q = [c.started_at >= start, c.started_at < end, c.status == "ok"]
        keys = [c.month, c.category, c.advice, c.max_level, c.missing_end, c.missing_boundary]
        with self.engine.connect() as conn:
            groups = conn.execute(sa.select(*keys, sa.func.count()).where(*in_q).group_by(*keys)).all()
            gaps = []
            if details:
                gaps = (
                    conn.execute(
                        sa.select(
                            c.call_id, c.started_at, c.max_level, c.category, c.missing_end, c.missing_boundary,
                            c.missing_steps,
                        )
                        .where(*in_q, sa.or_(c.missing_end, c.missing_boundary))
                        .order_by(c.started_at, c.call_id)
                    )
                    .mappings()
                    .all()
                )  # fmt: skip
        incidents: dict[tuple[str, str], int] = {}
        advice_counts: dict[tuple[str, int], int] = {}
        total = n_end = n_boundary = 0
        for month, category, adv, level, m_end, m_boundary, n in groups:
            total += n
            if category is not None:
                incidents[(month, category)] = incidents.get((month, category), 0) + n
            if adv is not None:
                advice_counts[(adv, level)] = advice_counts.get((adv, level), 0) + n
            n_end += n if m_end else 0
            n_boundary += n if m_boundary else 0
        return {
            "n_calls": total,
            "incidents": [(m, cat, n) for (m, cat), n in sorted(incidents.items())],
            "advice": [(a, lv, n) for (a, lv), n in sorted(advice_counts.items())],
            "missing_end": n_end,
            "missing_boundary": n_boundary,
            "werkinstructie": [dict(g) for g in gaps],
        }


def _chunks(xs: list, n: int):
    for i in range(0, len(xs), n):
        yield xs[i : i + n]
