"""Pattern callers: pseudonymous callers whose norm-crossing calls repeat within a time window.

A caller is flagged when at least `min_calls` of their calls at level >= `min_level` (default 3:
aggression or threat) fall within `window` of each other, counted from `since`. Flags are advice for the
coördinator agressie en geweld, with the calls attached; they are never a verdict.

Levels 1-2 (emotion, criticism) are allowed behaviour and never flag a caller on their own. A team that
agreed on a stricter norm (the matrix says "no, unless it persists and a pattern arises") may lower
`min_level` to 1 or 2, but only with `team_norm=True` (`vpd patterns --team-norm --min-level 2`); the
output then carries a warning that emotion and criticism are allowed.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from vpd_speech.labels import LEVEL_NAMES_NL
from vpd_speech.store.database import Duration, parse_duration

DEFAULT_MIN_CALLS = 3
DEFAULT_MIN_LEVEL = 3
DEFAULT_WINDOW = "90d"

ADVICE_NOTE_NL = (
    "Een signaal is advies voor de coördinator, geen oordeel: bekijk de gesprekken zelf voordat u besluit. "
    "Een patroon kan een gesprek met niet_melden alsnog tot melden maken."
)
TEAM_NORM_WARNING_NL = (
    "Let op: emotie (niveau 1) en kritiek (niveau 2) zijn toegestaan gedrag. Burgers mogen klagen en boos zijn. "
    "Deze lijst telt ook die niveaus mee volgens een teamafspraak (--team-norm); een burger is daarmee nog "
    "geen patroonbeller."
)


class PatternError(ValueError):
    pass


def parse_date(text: str | datetime) -> datetime:
    if isinstance(text, datetime):
        return text
    try:
        return datetime.fromisoformat(str(text).strip())
    except ValueError as e:
        raise PatternError(f"not a date: {text!r} (use YYYY-MM-DD)") from e


@dataclass
class PatternCall:
    call_id: str
    started_at: datetime
    max_level: int
    advice: str | None
    category: str | None
    link: str  # report/<call_id>.html, relative to the out folder

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES_NL.get(self.max_level, str(self.max_level))


@dataclass
class PatternCaller:
    caller_ref: str
    calls: list[PatternCall]

    @property
    def n_calls(self) -> int:
        return len(self.calls)

    def n_level(self, level: int) -> int:
        return sum(c.max_level == level for c in self.calls)

    @property
    def max_level(self) -> int:
        return max(c.max_level for c in self.calls)

    @property
    def first_call(self) -> datetime:
        return self.calls[0].started_at

    @property
    def last_call(self) -> datetime:
        return self.calls[-1].started_at

    @property
    def months(self) -> dict[str, int]:
        return dict(sorted(Counter(c.started_at.strftime("%Y-%m") for c in self.calls).items()))

    @property
    def n_niet_melden(self) -> int:
        return sum(c.advice == "niet_melden" for c in self.calls)


@dataclass
class PatternReport:
    since: datetime
    until: datetime | None
    min_calls: int
    min_level: int
    window: Duration
    team_norm: bool
    callers: list[PatternCaller] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        return [TEAM_NORM_WARNING_NL] if self.min_level < 3 else []

    @property
    def months(self) -> list[str]:
        return sorted({m for c in self.callers for m in c.months})


def _in_windows(times: list[datetime], min_calls: int, window: Duration) -> list[bool]:
    """Which calls lie in some run of >= min_calls calls spanning at most `window` (times sorted)."""
    keep = [False] * len(times)
    j = 0
    for i in range(len(times)):
        j = max(j, i)
        end = window.after(times[i])
        while j + 1 < len(times) and times[j + 1] <= end:
            j += 1
        if j - i + 1 >= min_calls:
            for k in range(i, j + 1):
                keep[k] = True
    return keep


def find_pattern_callers(
    store,
    since: str | datetime,
    until: str | datetime | None = None,
    min_calls: int = DEFAULT_MIN_CALLS,
    min_level: int = DEFAULT_MIN_LEVEL,
    window: str | timedelta | Duration = DEFAULT_WINDOW,
    team_norm: bool = False,
) -> PatternReport:
    """Flag pseudonymous callers with `min_calls` calls at level >= `min_level` within `window` ('90d',
    '13w', '3m' calendar months, '1y'; `store.parse_duration`)."""
    if min_calls < 2:
        raise PatternError("--min-calls must be at least 2: one call is not a pattern")
    if not 1 <= min_level <= 4:
        raise PatternError("--min-level must be 1-4")
    if min_level < 3 and not team_norm:
        raise PatternError(
            "levels 1-2 (emotion, criticism) are allowed behaviour and never flag a caller on their own; "
            "use --team-norm with --min-level 1 or 2 only where the team agreed on that norm"
        )
    since_dt = parse_date(since)
    until_dt = parse_date(until) if until is not None else None
    try:
        win = parse_duration(window)
    except ValueError as e:
        raise PatternError(f"--window: {e}") from None
    rows = store.norm_crossing_calls(since_dt, until_dt, min_level, min_calls)
    report = PatternReport(since_dt, until_dt, min_calls, min_level, win, team_norm)
    by_caller: dict[str, list[dict]] = {}
    for r in rows:
        by_caller.setdefault(r["caller_ref"], []).append(r)
    for ref, rs in by_caller.items():
        keep = _in_windows([r["started_at"] for r in rs], min_calls, win)
        chosen = [r for r, k in zip(rs, keep) if k]
        if not chosen:
            continue
        report.callers.append(
            PatternCaller(
                ref,
                [
                    PatternCall(
                        r["call_id"],
                        r["started_at"],
                        int(r["max_level"]),
                        r["advice"],
                        r["category"],
                        f"report/{r['call_id']}.html",
                    )
                    for r in chosen
                ],
            )
        )
    report.callers.sort(key=lambda c: (-c.max_level, -c.n_calls, c.caller_ref))
    return report


# --------------------------------------------------------------------------- outputs

CSV_COLUMNS = [
    "caller_ref", "n_calls", "n_level3", "n_level4", "max_level", "first_call", "last_call", "months",
    "n_niet_melden", "call_ids", "links",
]  # fmt: skip


def csv_rows(report: PatternReport) -> list[dict]:
    return [
        {
            "caller_ref": c.caller_ref,
            "n_calls": c.n_calls,
            "n_level3": c.n_level(3),
            "n_level4": c.n_level(4),
            "max_level": c.max_level,
            "first_call": c.first_call.isoformat(),
            "last_call": c.last_call.isoformat(),
            "months": ";".join(f"{m}:{n}" for m, n in c.months.items()),
            "n_niet_melden": c.n_niet_melden,
            "call_ids": ";".join(x.call_id for x in c.calls),
            "links": ";".join(x.link for x in c.calls),
        }
        for c in report.callers
    ]


def render_csv(report: PatternReport) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(csv_rows(report))
    return buf.getvalue()


def render_table(report: PatternReport) -> str:
    """The terminal view: one line per caller with month counts, then the calls."""
    until = f" tot {report.until:%Y-%m-%d}" if report.until else ""
    lines = [
        (
            f"Patroonbellers sinds {report.since:%Y-%m-%d}{until}: >= {report.min_calls} gesprekken op niveau "
            f">= {report.min_level} binnen {report.window.nl}"
        ),
    ]
    lines += [f"! {w}" for w in report.warnings]
    if not report.callers:
        lines.append("Geen patroonbellers gevonden.")
        return "\n".join(lines)
    months = report.months
    head = f"{'burger (pseudoniem)':<20} {'gespr':>5} {'niv3':>4} {'niv4':>4}  {'eerste':<10} {'laatste':<10}  "
    lines.append(head + " ".join(f"{m:>7}" for m in months))
    for c in report.callers:
        per = c.months
        lines.append(
            f"{c.caller_ref:<20} {c.n_calls:>5} {c.n_level(3):>4} {c.n_level(4):>4}  {c.first_call:%Y-%m-%d} "
            f"{c.last_call:%Y-%m-%d}  " + " ".join(f"{per.get(m, 0):>7}" for m in months)
        )
        for x in c.calls:
            lines.append(
                f"    {x.started_at:%Y-%m-%d %H:%M}  {x.max_level} {x.level_name:<16} {x.advice or '-':<11} {x.link}"
            )
    lines.append(ADVICE_NOTE_NL)
    return "\n".join(lines)


def render_html(report: PatternReport, link_prefix: str = "", header=None) -> str:
    """The pattern page; `header`: markup put above it (the web app's navigation)."""
    from vpd_speech.reports.pages import template_env

    return (
        template_env()
        .get_template("patterns.html.j2")
        .render(r=report, note=ADVICE_NOTE_NL, link_prefix=link_prefix, generated=datetime.now().replace(microsecond=0),
                header=header)
    )  # fmt: skip


def write_outputs(report: PatternReport, out_dir: Path, stem: str = "patterns") -> dict[str, Path]:
    """patterns.html and patterns.csv in the out folder (links to report/<call_id>.html work from there)."""
    from vpd_speech.reports.outputs import write_atomic

    out_dir = Path(out_dir)
    paths = {"html": out_dir / f"{stem}.html", "csv": out_dir / f"{stem}.csv"}
    write_atomic(paths["html"], render_html(report))
    write_atomic(paths["csv"], render_csv(report))
    return paths
