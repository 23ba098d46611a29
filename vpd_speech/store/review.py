"""The quarterly review (kwartaalrapportage) of the coördinator agressie en geweld, from the call store.

`quarterly_review(store, "2026Q3")` gathers, for the calls that started in the quarter:

- incidents per category and per month (category of a call: `store.incident_category`),
- meldadvies counts (melden / niet melden, per highest level),
- calls where a werkinstructie step was missing: a threat not followed by ending the call, aggression or
  threat without a boundary (`store.werkinstructie_gaps`),
- pattern callers within the quarter (`patterns.find_pattern_callers`, default norm: levels 3-4),
- the same figures for the previous quarter, for comparison.

`write_review` writes `review_<quarter>.html` (Dutch) and `review_<quarter>.csv` (long format: section,
key, month, value, previous). `notebooks/quarterly_review.ipynb` recomputes the same figures with pandas.
No figure is broken down per agent: per-agent results are for the agent's own intervisie only.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from vpd_speech.store.database import CATEGORIES, CATEGORY_NAMES_NL
from vpd_speech.store.patterns import (
    DEFAULT_MIN_CALLS,
    DEFAULT_MIN_LEVEL,
    DEFAULT_WINDOW,
    PatternReport,
    find_pattern_callers,
)

ADVICES = ("melden", "niet_melden")


class ReviewError(ValueError):
    pass


def parse_quarter(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*", text or "")
    if not m:
        raise ReviewError(f"not a quarter: {text!r} (use e.g. 2026Q3)")
    return int(m.group(1)), int(m.group(2))


def quarter_bounds(year: int, q: int) -> tuple[datetime, datetime]:
    start = datetime(year, 3 * (q - 1) + 1, 1)
    end = datetime(year + 1, 1, 1) if q == 4 else datetime(year, 3 * q + 1, 1)
    return start, end


def previous_quarter(year: int, q: int) -> tuple[int, int]:
    return (year - 1, 4) if q == 1 else (year, q - 1)


def quarter_months(year: int, q: int) -> list[str]:
    return [f"{year}-{3 * (q - 1) + k:02d}" for k in (1, 2, 3)]


def _summarise(raw: dict, months: list[str]) -> dict:
    incidents = {c: {m: 0 for m in months} for c in CATEGORIES}
    for month, cat, n in raw["incidents"]:
        per = incidents.setdefault(cat, {m: 0 for m in months})
        per[month] = per.get(month, 0) + int(n)
    advice = {a: 0 for a in ADVICES}
    advice_by_level: dict[int, dict[str, int]] = {}
    for a, level, n in raw["advice"]:
        advice[a] = advice.get(a, 0) + int(n)
        advice_by_level.setdefault(int(level), {x: 0 for x in ADVICES})[a] = int(n)
    return {
        "n_calls": int(raw["n_calls"]),
        "incidents": incidents,
        "incident_totals": {c: sum(v.values()) for c, v in incidents.items()},
        "n_incidents": sum(sum(v.values()) for v in incidents.values()),
        "advice": advice,
        "advice_by_level": dict(sorted(advice_by_level.items())),
        "missing_end": raw["missing_end"],
        "missing_boundary": raw["missing_boundary"],
        "werkinstructie": raw["werkinstructie"],
    }


@dataclass
class Review:
    quarter: str
    previous_quarter: str
    start: datetime
    end: datetime
    months: list[str]
    current: dict
    previous: dict
    patterns: PatternReport

    def figures(self) -> dict:
        """The headline figures as plain JSON-able data (the notebook reproduces exactly these)."""

        def head(d: dict) -> dict:
            return {
                "n_calls": d["n_calls"],
                "incident_totals": d["incident_totals"],
                "advice": d["advice"],
                "missing_end": d["missing_end"],
                "missing_boundary": d["missing_boundary"],
            }

        return {
            "quarter": self.quarter,
            **head(self.current),
            "incidents": self.current["incidents"],
            "pattern_callers": sorted(c.caller_ref for c in self.patterns.callers),
            "previous": {"quarter": self.previous_quarter, **head(self.previous)},
        }


def quarterly_review(
    store,
    quarter: str,
    min_calls: int = DEFAULT_MIN_CALLS,
    min_level: int = DEFAULT_MIN_LEVEL,
    window: str = DEFAULT_WINDOW,
    team_norm: bool = False,
) -> Review:
    year, q = parse_quarter(quarter)
    start, end = quarter_bounds(year, q)
    py, pq = previous_quarter(year, q)
    pstart, pend = quarter_bounds(py, pq)
    current = _summarise(store.quarter_figures(start, end), quarter_months(year, q))
    previous = _summarise(store.quarter_figures(pstart, pend, details=False), quarter_months(py, pq))
    patterns = find_pattern_callers(
        store, since=start, until=end, min_calls=min_calls, min_level=min_level, window=window, team_norm=team_norm
    )
    return Review(f"{year}Q{q}", f"{py}Q{pq}", start, end, quarter_months(year, q), current, previous, patterns)


# --------------------------------------------------------------------------- outputs


def csv_rows(review: Review) -> list[dict]:
    cur, prev = review.current, review.previous
    rows = [
        {"section": "gesprekken", "key": "totaal", "month": "", "value": cur["n_calls"], "previous": prev["n_calls"]}
    ]
    for cat, per in cur["incidents"].items():
        for m, n in per.items():
            rows.append({"section": "incident", "key": cat, "month": m, "value": n, "previous": ""})
        rows.append(
            {"section": "incident", "key": cat, "month": "kwartaal", "value": sum(per.values()),
             "previous": prev["incident_totals"].get(cat, 0)}
        )  # fmt: skip
    for a in ADVICES:
        rows.append(
            {
                "section": "meldadvies",
                "key": a,
                "month": "kwartaal",
                "value": cur["advice"][a],
                "previous": prev["advice"][a],
            }
        )
    for key in ("missing_end", "missing_boundary"):
        rows.append(
            {"section": "werkinstructie", "key": key, "month": "kwartaal", "value": cur[key], "previous": prev[key]}
        )
    for g in cur["werkinstructie"]:
        rows.append(
            {"section": "werkinstructie_gesprek", "key": g["call_id"], "month": g["started_at"].strftime("%Y-%m"),
             "value": g["missing_steps"] or "", "previous": ""}
        )  # fmt: skip
    for c in review.patterns.callers:
        rows.append(
            {"section": "patroonbeller", "key": c.caller_ref, "month": "kwartaal", "value": c.n_calls,
             "previous": ""}
        )  # fmt: skip
    return rows


def render_csv(review: Review) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=["section", "key", "month", "value", "previous"], lineterminator="\n")
    w.writeheader()
    w.writerows(csv_rows(review))
    return buf.getvalue()


def _change(cur: int, prev: int) -> str:
    if prev == 0:
        return "nieuw" if cur else "–"
    pct = 100.0 * (cur - prev) / prev
    return f"{pct:+.0f}%"


def render_html(review: Review, max_rows: int = 500, header=None) -> str:
    """The review page; `header`: markup put above it (the web app's navigation)."""
    from vpd_speech.labels import LEVEL_NAMES_NL
    from vpd_speech.reports.pages import template_env
    from vpd_speech.store.patterns import ADVICE_NOTE_NL
    from vpd_speech.timeline.check import STEP_NAME_NL

    return (
        template_env()
        .get_template("review.html.j2")
        .render(
            r=review,
            cats=CATEGORY_NAMES_NL,
            change=_change,
            level_names=LEVEL_NAMES_NL,
            steps=STEP_NAME_NL,
            note=ADVICE_NOTE_NL,
            max_rows=max_rows,
            generated=datetime.now().replace(microsecond=0),
            header=header,
        )
    )


def write_review(review: Review, out_dir: Path) -> dict[str, Path]:
    from vpd_speech.reports.outputs import write_atomic

    out_dir = Path(out_dir)
    paths = {"html": out_dir / f"review_{review.quarter}.html", "csv": out_dir / f"review_{review.quarter}.csv"}
    write_atomic(paths["html"], render_html(review))
    write_atomic(paths["csv"], render_csv(review))
    return paths


def render_text(review: Review) -> str:
    """A short terminal summary."""
    cur, prev = review.current, review.previous
    lines = [f"Kwartaal {review.quarter} ({cur['n_calls']} gesprekken; vorig kwartaal {prev['n_calls']})"]
    for cat in CATEGORIES:
        a, b = cur["incident_totals"].get(cat, 0), prev["incident_totals"].get(cat, 0)
        lines.append(f"  {CATEGORY_NAMES_NL[cat]:<24} {a:>6}  (vorig {b}, {_change(a, b)})")
    lines.append(f"  meldadvies melden {cur['advice']['melden']} (vorig {prev['advice']['melden']}), "
                 f"niet melden {cur['advice']['niet_melden']} (vorig {prev['advice']['niet_melden']})")  # fmt: skip
    lines.append(f"  dreiging zonder beëindigen {cur['missing_end']}, agressie zonder grens {cur['missing_boundary']}")
    lines.append(f"  patroonbellers {len(review.patterns.callers)}")
    return "\n".join(lines)
