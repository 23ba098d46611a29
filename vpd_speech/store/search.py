"""Queries over calls for the web app: the filtered call list, full-text search, CSV export, an agent's trend.

`CallFilter` holds what a person filters on (level, meldadvies, dates, team, werkinstructie gaps, words in
the transcript) plus `agent_id`, the scope an agent account is held to: the web app sets it from the
account, never from the request. The list is ordered newest first (calls without a start time last) and
paged; its count stops at `COUNT_CAP`, so a broad filter over a million calls stays fast.

Search finds calls with an utterance that holds the words in that order, case-blind and whole words
("ik weet waar je woont"): SQLite's FTS5 table `utterances_fts`, PostgreSQL's to_tsvector('simple', ...)
with its GIN index (both made by migration 3). Purged calls have no utterances left and are not found.

Nothing here ranks or compares agents: there is no per-agent aggregate except `agent_trend` of one
agent, which the web app shows only to that agent.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime

import sqlalchemy as sa

from vpd_speech.reports.redact import mask
from vpd_speech.store.database import Store, add_months, calls, utcnow, utterances

COUNT_CAP = 10_000
PER_PAGE = 50
GAPS = ("missing_end", "missing_boundary", "any")
ADVICES = ("melden", "niet_melden")
FRAGMENT_CHARS = 240
LIST_COLUMNS = [
    calls.c.call_id, calls.c.started_at, calls.c.duration_s, calls.c.team, calls.c.max_level, calls.c.category,
    calls.c.advice, calls.c.boundary_set, calls.c.ended_by_agent, calls.c.missing_end, calls.c.missing_boundary,
    calls.c.missing_steps, calls.c.purged_at,
]  # fmt: skip
EXPORT_COLUMNS = [c.name for c in LIST_COLUMNS]  # no agent_id, no caller_ref, no transcript


class FilterError(ValueError):
    """A filter value the list cannot use; the message says which."""


@dataclass(frozen=True)
class CallFilter:
    levels: tuple[int, ...] = ()
    advice: str | None = None
    since: datetime | None = None  # started at or after (UTC, naive like the store)
    until: datetime | None = None  # started before (UTC)
    team: str | None = None
    gap: str | None = None  # missing_end, missing_boundary or any (either)
    text: str = ""  # words in this order in one utterance
    agent_id: str | None = field(default=None, compare=False)  # an agent's scope, set by the web app only

    def __post_init__(self) -> None:
        if any(lv not in range(5) for lv in self.levels):
            raise FilterError("level must be 0-4")
        if self.advice not in (None, *ADVICES):
            raise FilterError(f"advice must be one of {', '.join(ADVICES)}")
        if self.gap not in (None, *GAPS):
            raise FilterError(f"gap must be one of {', '.join(GAPS)}")
        if self.since and self.until and self.until <= self.since:
            raise FilterError("the last day lies before the first")

    def scoped(self, agent_id: str | None) -> CallFilter:
        return replace(self, agent_id=agent_id)


@dataclass(frozen=True)
class CallPage:
    rows: list[dict]
    total: int  # matching calls, at most COUNT_CAP
    capped: bool  # there are more than COUNT_CAP
    page: int
    per_page: int
    has_next: bool
    fragments: dict[str, dict]  # call_id -> first matching utterance (masked), when searching


def search_words(text: str) -> list[str]:
    """The words of a search: letters and digits, apostrophes inside words kept ("z'n")."""
    return re.findall(r"\w+(?:'\w+)*", text.lower())


def _matching_utterances(dialect: str, words: list[str]) -> sa.ColumnElement[bool]:
    """A condition on `utterances`: the text holds the words in this order."""
    phrase = " ".join(words)
    if dialect == "postgresql":  # the GIN index is on exactly this expression
        vector = sa.func.to_tsvector(sa.literal_column("'simple'::regconfig"), utterances.c.text)
        return vector.op("@@")(sa.func.phraseto_tsquery(sa.literal_column("'simple'::regconfig"), phrase))
    hits = sa.text("SELECT rowid FROM utterances_fts WHERE utterances_fts MATCH :fts_phrase")
    hits = hits.bindparams(fts_phrase='"' + phrase.replace('"', '""') + '"').columns(sa.column("rowid"))
    return sa.literal_column("utterances.rowid").in_(hits)


def _conditions(store: Store, f: CallFilter) -> list[sa.ColumnElement[bool]]:
    c = calls.c
    cond: list[sa.ColumnElement[bool]] = [c.status == "ok"]
    if f.agent_id is not None:
        cond.append(c.agent_id == f.agent_id)
    if f.levels:
        cond.append(c.max_level.in_(sorted(set(f.levels))))
    if f.advice:
        cond.append(c.advice == f.advice)
    if f.since:
        cond.append(c.started_at >= f.since)
    if f.until:
        cond.append(c.started_at < f.until)
    if f.team:
        cond.append(c.team == f.team)
    if f.gap == "missing_end":
        cond.append(c.missing_end == sa.true())  # the same expression as the partial index's
    elif f.gap == "missing_boundary":
        cond.append(c.missing_boundary == sa.true())
    elif f.gap == "any":
        cond.append(sa.or_(c.missing_end == sa.true(), c.missing_boundary == sa.true()))
    words = search_words(f.text)
    if words:
        found = sa.select(utterances.c.call_id).where(_matching_utterances(store.dialect, words))
        cond.append(c.call_id.in_(found))
    return cond


def _order():
    return calls.c.started_at.desc().nulls_last(), calls.c.call_id.desc()


def find_calls(store: Store, f: CallFilter, page: int = 1, per_page: int = PER_PAGE) -> CallPage:
    """One page of the calls that match, newest first, with the count (up to COUNT_CAP)."""
    page = max(1, page)
    cond = _conditions(store, f)
    listed = sa.select(*LIST_COLUMNS).where(*cond).order_by(*_order()).limit(per_page + 1)
    matching = sa.select(calls.c.call_id).where(*cond).limit(COUNT_CAP + 1).subquery()
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(listed.offset((page - 1) * per_page)).mappings()]
        if 0 < len(rows) <= per_page or page == 1 and not rows:  # the last page: the count is known
            total = (page - 1) * per_page + len(rows)
        else:
            total = conn.execute(sa.select(sa.func.count()).select_from(matching)).scalar_one()
        fragments = _fragments(conn, store.dialect, f, [r["call_id"] for r in rows[:per_page]])
    return CallPage(rows[:per_page], min(total, COUNT_CAP), total > COUNT_CAP, page, per_page, len(rows) > per_page,
                    fragments)  # fmt: skip


def _fragments(conn, dialect: str, f: CallFilter, call_ids: list[str]) -> dict[str, dict]:
    """The first matching utterance of each listed call, masked like every export, for the result list."""
    words = search_words(f.text)
    if not words or not call_ids:
        return {}
    u = utterances.c
    q = (
        sa.select(u.call_id, u.start_s, u.role, u.text)
        .where(u.call_id.in_(call_ids), _matching_utterances(dialect, words))
        .order_by(u.call_id, u.start_s)
    )
    out: dict[str, dict] = {}
    for r in conn.execute(q).mappings():
        if r["call_id"] not in out:
            text = mask(r["text"] or "")
            cut = text if len(text) <= FRAGMENT_CHARS else text[: FRAGMENT_CHARS - 1] + "…"
            out[r["call_id"]] = {"start_s": r["start_s"], "role": r["role"], "text": cut}
    return out


def export_csv(store: Store, f: CallFilter, chunk: int = 2000) -> Iterator[str]:
    """The calls of a filter as CSV text in pieces (';' separated, UTF-8 with BOM for Excel), every match."""
    # The list's order, in a form no index walks: an export reads every match, so the filter's own index and
    # one sort beat walking the list index through all calls (SQLite chose that walk: 3 s for 10,000 of 1M).
    c = calls.c
    q = sa.select(*LIST_COLUMNS).where(*_conditions(store, f)).order_by(c.started_at.is_(None), *_order())
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    yield "\ufeff" + buf.getvalue()
    with store.engine.connect() as conn:
        if store.dialect == "postgresql":  # plan the cursor for all its rows, not for a fast first tenth
            conn.exec_driver_sql("SET LOCAL cursor_tuple_fraction = 1.0")
        for part in conn.execute(q, execution_options={"stream_results": True, "yield_per": chunk}).partitions():
            buf.seek(0)
            buf.truncate()
            for r in part:
                writer.writerow(["" if v is None else _cell(v) for v in r])
            yield buf.getvalue()


def _cell(v) -> str:
    if isinstance(v, bool):
        return "ja" if v else "nee"
    if isinstance(v, datetime):
        return v.isoformat(sep=" ")
    return str(v)


def teams(store: Store) -> list[str]:
    """The teams that occur in the store, for the filter's choice list."""
    with store.engine.connect() as conn:
        q = sa.select(calls.c.team).where(calls.c.team.is_not(None)).group_by(calls.c.team).order_by(calls.c.team)
        return [t for (t,) in conn.execute(q)]


# --------------------------------------------------------------------------- one agent's own trend


@dataclass(frozen=True)
class TrendMonth:
    month: str
    calls: int
    aggression: int  # calls that reached level 3 or 4
    boundary_after_aggression: int  # of those, calls where the agent set a boundary
    threats: int  # calls that reached level 4
    ended_after_threat: int  # of those, calls the agent ended
    step_missing: int  # calls with a werkinstructie step missing at level 3-4

    @staticmethod
    def share(part: int, whole: int) -> int | None:
        return round(100 * part / whole) if whole else None


def agent_trend(store: Store, agent_id: str, months: int = 12, now: datetime | None = None) -> list[TrendMonth]:
    """Per month of the last `months`, for one agent's own calls: how often aggression and threats came, and
    how often the werkinstructie's boundary and ending followed. For the agent's own intervisie only."""
    c = calls.c
    start = add_months((now or utcnow()).replace(day=1, hour=0, minute=0, second=0), 1 - months)

    def n(cond) -> sa.ColumnElement[int]:
        return sa.func.sum(sa.case((cond, 1), else_=0))

    q = (
        sa.select(
            c.month, sa.func.count(),
            n(c.max_level >= 3), n(sa.and_(c.max_level >= 3, c.boundary_set == sa.true())),
            n(c.max_level == 4), n(sa.and_(c.max_level == 4, c.ended_by_agent == sa.true())),
            n(sa.or_(c.missing_end == sa.true(), c.missing_boundary == sa.true())),
        )
        .where(c.agent_id == agent_id, c.status == "ok", c.started_at >= start)
        .group_by(c.month)
        .order_by(c.month)
    )  # fmt: skip
    with store.engine.connect() as conn:
        found = {r[0]: TrendMonth(*(r[0], *(int(x or 0) for x in r[1:]))) for r in conn.execute(q)}
    labels = [add_months(start, k).strftime("%Y-%m") for k in range(months)]
    return [found.get(m, TrendMonth(m, 0, 0, 0, 0, 0, 0)) for m in labels]
