"""Draft incident registration (for the municipality's incident registration, often called GIR).

`build_incident(result)` turns one scored call into a draft with the facts a registration asks for: date
and time, duration, category, a factual description built from the timeline events (times and masked
quotes), what the agent did, the meldadvies with its reasons, and the audio spans the description rests on.
It is a *concept*: a person checks and completes it before registering. `write_incident` writes it as
JSON and as a one-row CSV (semicolon separated, for Dutch spreadsheet defaults); `write_incidents` does so
for every call whose advice is "melden".
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from vpd_speech.labels import LEVEL_NAMES_NL
from vpd_speech.reports.redact import mask
from vpd_speech.schema import CallResult, TimelineEvent
from vpd_speech.timeline.options import fmt_time

INCIDENTS_DIR = "incidents"
# Incident categories, most serious first: a call's category is the first that applies (`categories`).
CATEGORIES = ("bedreiging", "seksuele intimidatie", "intimidatie", "verbale agressie")

# What the description says per event kind (who did what); the quote follows.
_SENTENCE_NL: dict[str, str] = {
    "first_emotion": "De burger uitte emotie over de eigen situatie",
    "first_criticism": "De burger uitte kritiek op regels, beleid of organisatie",
    "norm_crossed": "De burger richtte verbale agressie op de medewerker",
    "threat": "De burger uitte een bedreiging",
    "possible_norm_crossed": "Mogelijk verbale agressie (onzekere herkenning, niet meegeteld)",
    "possible_threat": "Mogelijk een bedreiging (onzekere herkenning, niet meegeteld)",
    "behaviour_named": "De medewerker benoemde het gedrag",
    "boundary_set": "De medewerker stelde een grens",
    "caller_corrected": "De burger ging verder zonder agressie",
    "repeated_after_correction": "De burger ging na het aanspreken opnieuw over de grens",
    "ended_by_agent": "De medewerker beëindigde het gesprek",
    "caller_hung_up": "De burger verbrak de verbinding",
    "calm_restored": "Het gesprek kwam tot rust",
}
_AGENT_NL: dict[str, str] = {
    "behaviour_named": "gedrag benoemd",
    "boundary_set": "grens gesteld",
    "ended_by_agent": "gesprek beëindigd",
}
CSV_COLUMNS = [
    "call_id", "status", "datum_tijd", "duur", "duur_s", "medewerker", "kanaal", "categorie", "categorieen",
    "hoogste_niveau", "omschrijving", "handelen_medewerker", "grens_gesteld", "gesprek_beeindigd_door_medewerker",
    "burger_hing_op", "meldadvies", "redenen", "audiofragmenten", "bestand", "audio_sha256", "gemaskeerd",
    "aangemaakt",
]  # fmt: skip


def categories(result: CallResult) -> list[str]:
    """Incident categories from the counted levels and the evidence kinds of the caller's level 3/4 utterances,
    in the order of CATEGORIES; the first is the call's category (the draft's `categorie`, the store's
    `category` for the quarterly review).

    bedreiging: threat or self-harm evidence, or counted level 4 without sexual or doxxing evidence;
    seksuele intimidatie: sexual evidence; intimidatie: doxxing evidence ("ik weet waar je woont");
    verbale agressie: a counted level 3, or insult/curse evidence. So a level-4 call with sexual and threat
    evidence is a bedreiging that also lists seksuele intimidatie.
    """
    t = result.timeline
    if t is None:
        return []
    counted = {p.utterance_id: p.counted_level for p in t.levels}
    kinds: set[str] = set()
    max_counted = 0
    for u in result.utterances:
        level = counted.get(u.id, 0)
        if u.role != "caller" or level < 3:
            continue
        max_counted = max(max_counted, level)
        if u.classification is not None:
            kinds |= {e.kind for e in u.classification.evidence}
    found = []
    if "sexual" in kinds:
        found.append("seksuele intimidatie")
    if "threat" in kinds or "self_harm" in kinds or (max_counted == 4 and not kinds & {"sexual", "doxxing"}):
        found.append("bedreiging")
    if "doxxing" in kinds:
        found.append("intimidatie")
    if any(lvl == 3 for lvl in counted.values()) or "insult" in kinds or "curse" in kinds:
        found.append("verbale agressie")
    return [c for c in CATEGORIES if c in found]


def _span(ev: TimelineEvent) -> tuple[float, float]:
    return ev.span if ev.span[1] > ev.span[0] else (ev.time, ev.time)


def _started(result: CallResult) -> str:
    return result.metadata.get("started_at", "")


def build_incident(result: CallResult, redact: bool = True) -> dict:
    """The draft registration of one call as a plain dict (JSON-ready, Dutch field names)."""
    t = result.timeline
    if result.status != "ok" or t is None:
        raise ValueError(f"call {result.call_id} has no timeline (status {result.status}): no incident draft")

    def m(s: str) -> str:
        return mask(s) if redact else s

    duration = (
        result.audio.duration_s
        if result.audio and result.audio.duration_s
        else max((u.end for u in result.utterances), default=0.0)
    )
    lines, spans, acts = [], [], []
    for ev in t.events:
        if ev.kind in ("first_emotion", "calm_restored"):
            continue
        sentence = _SENTENCE_NL.get(ev.kind, ev.note or ev.kind)
        quote = m(ev.quote.strip())
        end = "" if quote[-1:] in ".!?" else "."
        lines.append(f"{fmt_time(ev.time)} {sentence}" + (f": „{quote}”{end}" if quote else "."))
        a, b = _span(ev)
        spans.append({"gebeurtenis": ev.kind, "van_s": round(a, 2), "tot_s": round(b, 2),
                      "van": fmt_time(a), "tot": fmt_time(b), "utterance_id": ev.utterance_id})  # fmt: skip
        if ev.kind in _AGENT_NL:
            acts.append(f"{_AGENT_NL[ev.kind]} ({fmt_time(ev.time)})")
    if not acts:
        acts.append("geen grens gesteld en het gesprek niet beëindigd")
    cats = categories(result)
    advice = t.advice
    return {
        "status": "concept",
        "call_id": result.call_id,
        "datum_tijd": _started(result),
        "duur": fmt_time(duration),
        "duur_s": round(float(duration), 1),
        "medewerker": result.metadata.get("agent_id", ""),
        "kanaal": "telefoon",
        "categorie": cats[0] if cats else "",
        "categorieen": cats,
        "hoogste_niveau": f"{t.max_level} {LEVEL_NAMES_NL[t.max_level]}",
        "omschrijving": " ".join(lines) if lines else "Geen gebeurtenissen in de tijdlijn.",
        "handelen_medewerker": acts,
        "grens_gesteld": t.boundary_set,
        "gesprek_beeindigd_door_medewerker": t.ended_by_agent,
        "burger_hing_op": any(ev.kind == "caller_hung_up" for ev in t.events),
        "meldadvies": advice.advice if advice else "",
        "redenen": [m(r) for r in advice.reasons] if advice else [],
        "audiofragmenten": spans,
        "bestand": result.file,
        "audio_sha256": result.audio.sha256 if result.audio else "",
        "gemaskeerd": redact,
        "aangemaakt": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def incident_csv(drafts: Iterable[dict]) -> str:
    """Drafts as CSV (';' separated, lists joined with ' | ', audio spans as 'kind van-tot')."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, delimiter=";", lineterminator="\n")
    w.writeheader()
    for d in drafts:
        row = dict(d)
        row["categorieen"] = " | ".join(d["categorieen"])
        row["handelen_medewerker"] = " | ".join(d["handelen_medewerker"])
        row["redenen"] = " | ".join(d["redenen"])
        row["audiofragmenten"] = " | ".join(f"{s['gebeurtenis']} {s['van']}-{s['tot']}" for s in d["audiofragmenten"])
        for k in ("grens_gesteld", "gesprek_beeindigd_door_medewerker", "burger_hing_op", "gemaskeerd"):
            row[k] = "ja" if d[k] else "nee"
        w.writerow({k: row.get(k, "") for k in CSV_COLUMNS})
    return buf.getvalue()


def write_incident(result: CallResult, out_dir: str | Path, redact: bool = True) -> tuple[Path, Path]:
    """Write ``<out_dir>/<call_id>.incident.json`` and ``.incident.csv``; return both paths."""
    from vpd_speech.reports.outputs import write_atomic

    draft = build_incident(result, redact=redact)
    out = Path(out_dir)
    js = out / f"{result.call_id}.incident.json"
    cs = out / f"{result.call_id}.incident.csv"
    write_atomic(js, json.dumps(draft, ensure_ascii=False, indent=1))
    write_atomic(cs, "\ufeff" + incident_csv([draft]))  # BOM: Excel opens UTF-8 with the accents intact
    return js, cs


def write_incidents(results: Iterable[CallResult], out_dir: str | Path, redact: bool = True) -> list[Path]:
    """A draft for every scored call whose meldadvies is "melden"."""
    paths: list[Path] = []
    for r in results:
        if r.status == "ok" and r.timeline and r.timeline.advice and r.timeline.advice.advice == "melden":
            paths.extend(write_incident(r, out_dir, redact=redact))
    return paths


def load_call(call: str | Path, out_dir: str | Path | None = None) -> CallResult:
    """A call result from a JSON path, or from a call_id (or its prefix) in ``<out_dir>/calls/``."""
    from vpd_speech.reports.outputs import CALLS_DIR, read_call

    p = Path(call)
    if p.is_file():
        return read_call(p)
    folder = Path(out_dir or "out") / CALLS_DIR
    exact = folder / f"{call}.json"
    if exact.is_file():
        return read_call(exact)
    matches = sorted(folder.glob(f"{call}*.json"))
    if len(matches) == 1:
        return read_call(matches[0])
    if len(matches) > 1:
        raise FileNotFoundError(f"{call} matches {len(matches)} calls in {folder}; give the full call_id")
    raise FileNotFoundError(f"no call {call} (neither a file nor a call_id in {folder})")
