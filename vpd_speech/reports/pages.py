"""HTML reports people look at: one self-contained page per call and an index of the batch (all text Dutch).

`write_reports(out_dir, results, audio)` writes ``<out_dir>/<call_id>.html`` for every scored call and
``<out_dir>/index.html`` beside them. A page opens offline in any browser: no CDN, no external file
unless the audio is placed beside it (``embed_audio=False``).

The escalation plot is an SVG drawn here in Python (server-side), not a JavaScript chart library: a
plotting library such as plotly.js would add ~3.5 MB to every page, while the SVG of a 30-minute call is a
few tens of kB, shows without JavaScript (also printed or in a mail preview), and carries its tooltips as
native ``<title>`` elements. A small inline script only wires clicks (plot markers and transcript rows seek
the audio), a playhead and the current-row highlight.

Privacy: a page holds only its own call. With ``redact=True`` (the default) BSN, phone numbers, e-mail,
IBAN and postcode + house number are masked in the transcript, quotes, reasons and observations
(`vpd_speech.reports.redact`); an unredacted page says so in a red banner.
"""

from __future__ import annotations

import base64
import functools
import io
import itertools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from vpd_speech.labels import LEVEL_NAMES_NL, ROLE_NAMES_NL
from vpd_speech.reports.redact import KIND_NAMES_NL, find_pii, mask
from vpd_speech.resources import shipped
from vpd_speech.schema import CallResult, Episode, Timeline, Utterance
from vpd_speech.timeline.check import STEP_NAME_NL
from vpd_speech.timeline.options import fmt_time

TEMPLATES = shipped("vpd_speech.reports", "templates")

# Colours of the norm matrix columns: neutral, emotion, criticism, aggression, threat.
LEVEL_COLOURS: dict[int, str] = {0: "#8fa3ad", 1: "#e9c46a", 2: "#f4a261", 3: "#e63946", 4: "#6a040f"}
ACT_NAMES_NL: dict[str, str] = {**STEP_NAME_NL, "overig": "overig"}
ADVICE_NL: dict[str, str] = {"melden": "melden", "niet_melden": "niet melden"}

EVENT_NAMES_NL: dict[str, str] = {
    "first_emotion": "eerste emotie",
    "first_criticism": "eerste kritiek",
    "norm_crossed": "norm overschreden",
    "threat": "bedreiging",
    "possible_norm_crossed": "mogelijke normoverschrijding",
    "possible_threat": "mogelijke bedreiging",
    "behaviour_named": "gedrag benoemd",
    "boundary_set": "grens gesteld",
    "caller_corrected": "burger corrigeerde",
    "repeated_after_correction": "opnieuw over de grens",
    "ended_by_agent": "gesprek beëindigd",
    "caller_hung_up": "burger hing op",
    "calm_restored": "rust hersteld",
}
# Events drawn as markers on the plot (the others are in the list below it).
MARKER_SHAPES: dict[str, str] = {
    "boundary_set": "triangle",
    "behaviour_named": "triangle",
    "caller_corrected": "circle",
    "ended_by_agent": "square",
    "caller_hung_up": "square",
    "norm_crossed": "diamond",
    "threat": "diamond",
    "repeated_after_correction": "diamond",
    "possible_norm_crossed": "diamond-open",
    "possible_threat": "diamond-open",
}

# Leerdoelwijzer "telefonisch contact" (seed 002) and the questions of "Leren als individu".
Q_SIGNALEN = "Ik herken de eerste signalen van spanning, frustratie of irritatie bij de burger."
Q_EMOTIE_UITEN = "Ik geef de burger gelegenheid om zijn of haar emoties te uiten."
Q_BEGRIP = "Ik toon in mijn woordgebruik en intonatie begrip voor emotie bij burgers."
Q_ACTIEF = (
    "Ik reageer actief op spanning of emotie van de burger, zodat de situatie niet uit de hand loopt "
    "of voorkómen kan worden."
)
Q_VERPLAATSEN = "Ik ben in staat me in de situatie van de burger te verplaatsen."
Q_CONFRONTEER = "Ik confronteer de burger met normoverschrijdend gedrag als dat zich voor doet aan de telefoon."
Q_NORM = "Ik benoem in gesprekken met burgers de grens of norm zoals we die in ons team hebben gesteld."
Q_CORRIGEREN = (
    "Ik geef de burger de gelegenheid zijn/haar verbale uitingen of intonatie te corrigeren door aan te "
    "geven wat wenselijk is."
)
Q_VASTHOUDEN = "Als ik een grens heb gesteld dan houd ik daar in het telefonisch contact met de burger ook aan vast."
Q_GEMAKKELIJK = "Ik vind het stellen van grenzen en het benoemen van de norm gemakkelijk."
Q_BEHEERST = "Ik blijf beheerst reageren tijdens een oplopend incident."
Q_REGIE = "Ik houd de leiding over de situatie bij een incident en houd de regie over mijn reactie."
Q_VERHOUDING = "Ik reageer in verhouding tot de aard van het incident en het daarbij behorende risico."
Q_EIGEN_SPANNING = (
    "Ik herken mijn eigen spanningssignalen in een situatie waarin er sprake is van (dreigend) "
    "normoverschrijdend gedrag."
)
Q_HULP_COLLEGA = "Als ik na het contact met een burger hulp nodig heb van een collega dan zal ik daar om vragen."
Q_SCHADE = (
    "Hoe zorg ik dat ik geen schade oploop, wat doe ik om herhaling te voorkomen (nazorg, bespreken van "
    "incidenten in het team/met leidinggevende, incidenten melden, incidentgesprekken, opleggen van "
    "maatregelen, aangifte doen, schade verhalen)?"
)
Q_SCHREEF = "Wat doe ik als het gedrag over de schreef gaat?"
Q_STOPPEN = "Wat doe ik om te stoppen (de-escaleren en grens stellen en houden)?"


@dataclass
class Reflection:
    question: str
    why: str


def reflection_questions(result: CallResult) -> list[Reflection]:
    """Leerdoelwijzer questions that relate to what happened in this call, each with the moment it is about."""
    t = result.timeline
    if t is None:
        return []
    out: list[Reflection] = []
    seen: set[str] = set()

    def add(q: str, why: str) -> None:
        if q not in seen:
            seen.add(q)
            out.append(Reflection(q, why))

    first = {}
    for ev in t.events:
        first.setdefault(ev.kind, ev)
    crossed = first.get("threat") or first.get("norm_crossed")
    if "first_emotion" in first:
        ev = first["first_emotion"]
        add(Q_SIGNALEN, f"De burger werd emotioneel om {fmt_time(ev.time)}.")
        add(Q_EMOTIE_UITEN, f"Emotie om {fmt_time(ev.time)}.")
        add(Q_BEGRIP, f"Emotie om {fmt_time(ev.time)}.")
    if "first_criticism" in first:
        ev = first["first_criticism"]
        add(Q_ACTIEF, f"Kritiek op de regels of de organisatie om {fmt_time(ev.time)}.")
        add(Q_VERPLAATSEN, f"Kritiek om {fmt_time(ev.time)}.")
    if crossed is not None:
        what = "een bedreiging" if crossed.kind == "threat" else "agressie gericht op de medewerker"
        add(Q_SCHREEF, f"Om {fmt_time(crossed.time)} was er {what}.")
        if "behaviour_named" in first or "boundary_set" in first:
            ev = first.get("behaviour_named") or first["boundary_set"]
            add(Q_CONFRONTEER, f"Het gedrag werd benoemd om {fmt_time(ev.time)}.")
        else:
            add(Q_CONFRONTEER, "Na de normoverschrijding is het gedrag niet benoemd.")
            add(Q_NORM, "Na de normoverschrijding is geen grens gesteld.")
    if "boundary_set" in first:
        ev = first["boundary_set"]
        add(Q_VASTHOUDEN, f"Er werd een grens gesteld om {fmt_time(ev.time)}.")
        if first.get("norm_crossed") is not None and "threat" not in first:
            add(Q_CORRIGEREN, f"Na de grens om {fmt_time(ev.time)} kon de burger zich corrigeren.")
    if "repeated_after_correction" in first:
        ev = first["repeated_after_correction"]
        add(Q_VASTHOUDEN, f"De burger ging om {fmt_time(ev.time)} opnieuw over de grens.")
        add(Q_REGIE, f"De burger ging om {fmt_time(ev.time)} opnieuw over de grens.")
        add(Q_BEHEERST, f"De burger ging om {fmt_time(ev.time)} opnieuw over de grens.")
    if "threat" in first:
        ev = first["threat"]
        add(Q_VERHOUDING, f"Bedreiging om {fmt_time(ev.time)}.")
        if "ended_by_agent" not in first:
            add(Q_STOPPEN, "Na de bedreiging is het gesprek niet door de medewerker beëindigd.")
    if "ended_by_agent" in first:
        ev = first["ended_by_agent"]
        add(Q_REGIE, f"Het gesprek werd beëindigd om {fmt_time(ev.time)}.")
    if t.max_level >= 3 or (t.advice is not None and t.advice.advice == "melden"):
        add(Q_HULP_COLLEGA, "Na een gesprek met normoverschrijdend gedrag.")
        add(Q_SCHADE, "Meldadvies: " + (ADVICE_NL[t.advice.advice] if t.advice else "-") + ".")
    return out


# ----------------------------------------------------------------------------------------- audio


LOW_RATES = {"mp3": (8000, 11025, 12000), "opus": (8000, 12000)}  # rates below 16 kHz each codec encodes


def encode_audio(path: Path, fmt: str = "mp3", bitrate: int = 24000, sample_rate: int = 16000) -> tuple[bytes, str]:
    """Decode any audio file and encode it small for the page: mono, `bitrate` bit/s, at `sample_rate` or
    at the source's own lower rate (a telephone call stays 8 kHz: half the encoding time, and the bits go
    to the band that was recorded).

    mp3 (the default) plays in every browser; "opus" (Ogg Opus) sounds better at 16 kbit/s but older
    Safari versions do not play it. Returns (bytes, MIME type).
    """
    import av

    codec, container, mime = {"mp3": ("libmp3lame", "mp3", "audio/mpeg"), "opus": ("libopus", "ogg", "audio/ogg")}[fmt]
    buf = io.BytesIO()
    with av.open(str(path)) as src, av.open(buf, "w", format=container) as dst:
        source_rate = src.streams.audio[0].rate if src.streams.audio else 0
        rate = source_rate if source_rate in LOW_RATES[fmt] and source_rate < sample_rate else sample_rate
        # lame's quality 7 (no psychoacoustic noise shaping) encodes in half the time of its default at the
        # same bit rate; on the 3-minute example call the waveform SNR is 26 dB against 22 dB
        options = {"compression_level": "7"} if fmt == "mp3" else {}
        stream = dst.add_stream(codec, rate=rate, options=options)
        stream.layout = "mono"
        stream.bit_rate = bitrate
        sample_fmt = "s16p" if fmt == "mp3" else "s16"
        stream.format = sample_fmt
        stream.codec_context.open()
        # Frames of exactly the encoder's frame size: the encoder drops samples of frames of other sizes.
        resampler = av.AudioResampler(
            format=sample_fmt, layout="mono", rate=rate, frame_size=stream.codec_context.frame_size or None
        )
        for frame in src.decode(audio=0):
            frame.pts = None
            for f in resampler.resample(frame):
                for packet in stream.encode(f):
                    dst.mux(packet)
        for f in resampler.resample(None):
            for packet in stream.encode(f):
                dst.mux(packet)
        for packet in stream.encode(None):
            dst.mux(packet)
    return buf.getvalue(), mime


AudioSource = str | Path | Mapping[str, str | Path] | None


def find_audio(result: CallResult, audio: AudioSource) -> Path | None:
    """The audio file of a call: from a mapping (call_id or file name -> path) or a folder, else its `file`."""
    candidates: list[Path] = []
    if isinstance(audio, Mapping):
        for key in (result.call_id, result.file, Path(result.file).name):
            if key in audio:
                candidates.append(Path(audio[key]))
    elif audio is not None:
        folder = Path(audio)
        candidates += [folder / result.file, folder / Path(result.file).name]
    candidates.append(Path(result.file))
    return next((p for p in candidates if p.is_file()), None)


# ----------------------------------------------------------------------------------------- text


def utterance_html(u: Utterance, redact: bool) -> Markup:
    """The utterance text, escaped, with evidence spans in <mark> and personal data masked."""
    text = u.text
    marks = []
    if u.classification is not None:
        for ev in u.classification.evidence:
            if 0 <= ev.start < ev.end <= len(text):
                marks.append((ev.start, ev.end, ev.kind))
    pii = find_pii(text) if redact else []
    # Boundaries of all spans; each piece between two boundaries is plain, marked, masked or both.
    cuts = sorted(
        {0, len(text), *[m[0] for m in marks], *[m[1] for m in marks], *[p.start for p in pii], *[p.end for p in pii]}
    )
    out: list[str] = []
    done_pii: set[int] = set()
    for a, b in itertools.pairwise(cuts):
        p_idx = next((i for i, p in enumerate(pii) if p.start <= a and b <= p.end), None)
        kinds = sorted({k for s, e, k in marks if s <= a and b <= e})
        if p_idx is not None:
            if p_idx in done_pii:
                continue
            done_pii.add(p_idx)
            piece = Markup('<span class="pii" title="gemaskeerd">{}</span>').format(
                mask(text[pii[p_idx].start : pii[p_idx].end])
            )
        else:
            piece = escape(text[a:b])
        if kinds:
            piece = Markup('<mark class="ev ev-{}" title="{}">{}</mark>').format(kinds[0], ", ".join(kinds), piece)
        out.append(str(piece))
    return Markup("".join(out))


def _m(text: str, redact: bool) -> str:
    return mask(text) if redact else text


# ----------------------------------------------------------------------------------------- plot

PLOT_W, PLOT_H = 1000, 260
PAD_L, PAD_R, PAD_T, PAD_B = 92, 46, 26, 30


def plot_svg(result: CallResult, duration: float, redact: bool) -> Markup:
    """The escalation timeline as inline SVG: level bands, caller levels, arousal curve, event markers."""
    t = result.timeline or Timeline()
    dur = max(duration, 1.0)
    iw, ih = PLOT_W - PAD_L - PAD_R, PLOT_H - PAD_T - PAD_B
    band = ih / 5

    def x(s: float) -> float:
        return round(PAD_L + iw * min(max(s, 0.0), dur) / dur, 1)

    def y_level(level: float) -> float:
        return round(PAD_T + ih - band * (level + 0.5), 1)

    parts: list[str] = [
        (
            f'<svg id="plot" viewBox="0 0 {PLOT_W} {PLOT_H}" role="img" aria-label="Escalatietijdlijn" '
            f'xmlns="http://www.w3.org/2000/svg" font-size="11">'
        )
    ]
    for level in range(5):
        top = PAD_T + ih - band * (level + 1)
        parts.append(
            f'<rect x="{PAD_L}" y="{top:.1f}" width="{iw}" height="{band:.1f}" fill="{LEVEL_COLOURS[level]}" '
            f'fill-opacity="0.10"/><text x="{PAD_L - 6}" y="{top + band / 2 + 4:.1f}" text-anchor="end" '
            f'fill="#333">{escape(LEVEL_NAMES_NL[level])}</text>'
        )
    # time axis: about 8 ticks at round steps
    step = next((s for s in (5, 10, 15, 30, 60, 120, 300, 600, 900) if dur / s <= 10), 1800)
    tick = 0.0
    while tick <= dur + 1e-6:
        parts.append(
            f'<line x1="{x(tick)}" x2="{x(tick)}" y1="{PAD_T}" y2="{PAD_T + ih}" stroke="#000" stroke-opacity="0.08"/>'
            f'<text x="{x(tick)}" y="{PLOT_H - 10}" text-anchor="middle" fill="#555">{fmt_time(tick)}</text>'
        )
        tick += step
    # caller levels: one bar per caller utterance at its counted level
    utt_by_id = {u.id: u for u in result.utterances}
    path = []
    for p in t.levels:
        u = utt_by_id.get(p.utterance_id)
        x0, x1 = x(p.start), max(x(p.end), x(p.start) + 1.5)
        yl = y_level(p.counted_level)
        path.append(f"M{x0},{yl}H{x1}")
        tip = f"{fmt_time(p.start)} burger: {LEVEL_NAMES_NL[p.counted_level]}"
        if p.guard:
            tip += f" (classificatie {LEVEL_NAMES_NL[p.level]}, {'twijfel' if p.guard == 'borderline' else 'onzekere transcriptie'})"
        if u is not None:
            tip += f" — „{_m(u.text.strip(), redact)}”"
        parts.append(
            f'<rect class="lvl seek" data-t="{p.start:.2f}" data-u="{p.utterance_id}" x="{x0}" y="{yl - 7}" '
            f'width="{x1 - x0:.1f}" height="14" rx="3" fill="{LEVEL_COLOURS[p.counted_level]}">'
            f"<title>{escape(tip)}</title></rect>"
        )
        if p.guard and p.level > p.counted_level:
            parts.append(
                f'<rect x="{x0}" y="{y_level(p.level) - 6}" width="{x1 - x0:.1f}" height="12" rx="3" fill="none" '
                f'stroke="{LEVEL_COLOURS[p.level]}" stroke-dasharray="3 2"/>'
            )
    # arousal (caller only), z-score clipped to [-3, 3] on the right axis
    if t.arousal_curve:

        def y_ar(z: float) -> float:
            return round(PAD_T + ih / 2 - (max(-3.0, min(3.0, z)) / 3.0) * (ih / 2), 1)

        pts = " ".join(f"{x(s)},{y_ar(z)}" for s, z in t.arousal_curve)
        parts.append(
            f'<polyline id="arousal" points="{pts}" fill="none" stroke="#3a6ea5" stroke-width="1.5" '
            f'stroke-dasharray="5 3" opacity="0.85"><title>Opwinding in de stem van de burger (ondersteunend, '
            f"geen niveau)</title></polyline>"
            f'<text x="{PLOT_W - PAD_R + 4}" y="{PAD_T + 8}" fill="#3a6ea5">+3</text>'
            f'<text x="{PLOT_W - PAD_R + 4}" y="{PAD_T + ih / 2 + 4:.1f}" fill="#3a6ea5">0</text>'
            f'<text x="{PLOT_W - PAD_R + 4}" y="{PAD_T + ih}" fill="#3a6ea5">−3</text>'
        )
    # event markers above the plot area
    for i, ev in enumerate(t.events):
        shape = MARKER_SHAPES.get(ev.kind)
        if shape is None:
            continue
        cx, cy = x(ev.time), PAD_T - 12
        colour = "#1d3557" if ev.role == "agent" else LEVEL_COLOURS.get(ev.level or 0, "#333")
        tip = f"{fmt_time(ev.time)} {EVENT_NAMES_NL.get(ev.kind, ev.kind)}"
        if ev.quote:
            tip += f": „{_m(ev.quote, redact)}”"
        if shape == "triangle":
            geom = f'<path class="sym" d="M{cx - 6},{cy + 5}L{cx + 6},{cy + 5}L{cx},{cy - 6}Z" fill="{colour}"/>'
        elif shape == "circle":
            geom = f'<circle class="sym" cx="{cx}" cy="{cy}" r="5.5" fill="{colour}"/>'
        elif shape == "square":
            geom = f'<rect class="sym" x="{cx - 5.5}" y="{cy - 5.5}" width="11" height="11" fill="{colour}"/>'
        else:
            fill = "#fff" if shape == "diamond-open" else colour
            geom = f'<path class="sym" d="M{cx},{cy - 7}L{cx + 6},{cy}L{cx},{cy + 7}L{cx - 6},{cy}Z" fill="{fill}" stroke="{colour}" stroke-width="1.5"/>'
        parts.append(
            f'<g class="ev-marker seek" data-t="{ev.span[0] if ev.span[1] > ev.span[0] else ev.time:.2f}" '
            f'data-kind="{ev.kind}" data-u="{ev.utterance_id if ev.utterance_id is not None else ""}">'
            f'<line x1="{cx}" x2="{cx}" y1="{cy}" y2="{PAD_T + ih}" stroke="{colour}" stroke-opacity="0.35" '
            f'stroke-dasharray="2 3" pointer-events="none"/>{geom}<title>{escape(tip)}</title></g>'
        )
    parts.append(
        f'<line id="playhead" x1="{PAD_L}" x2="{PAD_L}" y1="{PAD_T - 18}" y2="{PAD_T + ih}" stroke="#111" '
        f'stroke-width="1.2" visibility="hidden"/>'
        f'<rect id="plot-hit" x="{PAD_L}" y="{PAD_T + ih}" width="{iw}" height="{PAD_B}" fill="transparent"/>'
        "</svg>"
    )
    return Markup("".join(parts))


# ----------------------------------------------------------------------------------------- pages


def _started(result: CallResult) -> str:
    raw = result.metadata.get("started_at", "")
    if not raw:
        return ""
    try:
        return datetime.fromisoformat(raw).strftime("%d-%m-%Y %H:%M")
    except ValueError:
        return raw


def duration_of(result: CallResult) -> float:
    if result.audio is not None and result.audio.duration_s:
        return float(result.audio.duration_s)
    return max((u.end for u in result.utterances), default=0.0)


def _episode_ctx(ep: Episode, redact: bool) -> dict:
    w = ep.werkinstructie
    return {
        "index": ep.index + 1,
        "span": f"{fmt_time(ep.start)}–{fmt_time(ep.end)}",
        "start": ep.start,
        "peak": ep.peak_level,
        "peak_name": LEVEL_NAMES_NL[ep.peak_level],
        "approach": ep.approach,
        "steps": [
            {
                "name": STEP_NAME_NL.get(s.act, s.act),
                "done": s.done,
                "time": fmt_time(s.time) if s.time is not None else "",
                "t": s.time,
            }
            for s in w.steps
        ],
        "in_order": w.in_order,
        "observations": [_m(o, redact) for o in w.observations],
    }


def call_context(result: CallResult, audio_src: str | None, redact: bool) -> dict:
    t = result.timeline or Timeline()
    dur = duration_of(result)
    levels = {p.utterance_id: p for p in t.levels}
    rows = []
    for u in sorted(result.utterances, key=lambda u: (u.start, u.id)):
        c = u.classification
        if u.role == "caller":
            p = levels.get(u.id)
            level = p.counted_level if p else (c.level or 0 if c else 0)
            tag, tag_class = LEVEL_NAMES_NL[level], f"l{level}"
            if p is not None and p.guard:
                tag += " ?" if p.level > p.counted_level else ""
            prob = p.probability if p else (c.probabilities.get(c.label) if c and c.probabilities else None)
            guard = (
                {"borderline": "twijfel", "low_confidence": "onzekere transcriptie"}.get(p.guard)
                if p and p.guard
                else ""
            )
        else:
            act = c.label if c else "overig"
            tag, tag_class = ACT_NAMES_NL.get(act, act), f"act act-{act}"
            prob = c.probabilities.get(c.label) if c and c.probabilities else None
            guard = ""
        rows.append({
            "id": u.id, "start": u.start, "time": fmt_time(u.start), "role": u.role,
            "role_nl": ROLE_NAMES_NL[u.role], "html": utterance_html(u, redact), "tag": tag,
            "tag_class": tag_class, "prob": f"{prob:.2f}".replace(".", ",") if prob is not None else "",
            "guard": guard,
        })  # fmt: skip
    events = [
        {"time": fmt_time(ev.time), "t": ev.span[0] if ev.span[1] > ev.span[0] else ev.time,
         "name": EVENT_NAMES_NL.get(ev.kind, ev.kind), "kind": ev.kind, "note": _m(ev.note, redact),
         "quote": _m(ev.quote, redact), "role": ev.role}
        for ev in t.events
    ]  # fmt: skip
    advice = t.advice
    return {
        "call_id": result.call_id,
        "file": Path(result.file).name,
        "status": result.status,
        "error": result.error,
        "started": _started(result),
        "duration": fmt_time(dur),
        "duration_s": dur,
        "agent": result.metadata.get("agent_id", ""),
        "max_level": t.max_level,
        "max_name": LEVEL_NAMES_NL[t.max_level],
        "advice": advice.advice if advice else "",
        "advice_nl": ADVICE_NL.get(advice.advice, "") if advice else "",
        "reasons": [_m(r, redact) for r in advice.reasons] if advice else [],
        "pattern_can_raise": bool(advice and advice.pattern_can_raise),
        "boundary_set": t.boundary_set,
        "ended_by_agent": t.ended_by_agent,
        "plot": plot_svg(result, dur, redact),
        "rows": rows,
        "events": events,
        "episodes": [_episode_ctx(ep, redact) for ep in t.episodes],
        "reflections": reflection_questions(result),
        "audio_src": audio_src,
        "redact": redact,
        "masked_kinds": ", ".join(KIND_NAMES_NL.values()),
        "colours": LEVEL_COLOURS,
        "level_names": LEVEL_NAMES_NL,
        "has_arousal": bool(t.arousal_curve),
        "plot_x0": PAD_L,
        "plot_w": PLOT_W - PAD_L - PAD_R,
    }


@functools.cache
def template_env() -> Environment:
    """The one Jinja environment of the package templates (call pages, index, patterns, quarterly review):
    autoescaped, with the `tojson_attr` filter and the Dutch level names; made once, templates compiled once."""
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["j2", "html"]))
    env.filters["tojson_attr"] = lambda v: json.dumps(v)
    env.globals["level_names"] = LEVEL_NAMES_NL
    return env


def render_call(
    result: CallResult, audio_src: str | None = None, redact: bool = True, header: Markup | None = None
) -> str:
    """The HTML of one call page. `audio_src`: a data: URI, a relative file name, or None. `header`: markup
    put above the page (the web app's navigation); the static pages have none."""
    context = call_context(result, audio_src, redact)
    return template_env().get_template("call.html.j2").render(**context, header=header)


def render_index(results: Sequence[CallResult], pages: Mapping[str, str], redact: bool = True) -> str:
    """The batch overview: every call sorted by highest level, filterable by level and advice."""
    calls = []
    for r in results:
        t = r.timeline
        calls.append({
            "call_id": r.call_id, "file": Path(r.file).name, "page": pages.get(r.call_id),
            "status": r.status, "error": r.error or "",
            "level": t.max_level if t and r.status == "ok" else -1,
            "level_name": LEVEL_NAMES_NL[t.max_level] if t and r.status == "ok" else "fout",
            "advice": t.advice.advice if t and t.advice else "",
            "advice_nl": ADVICE_NL.get(t.advice.advice, "") if t and t.advice else "",
            "reason": _m(t.advice.reasons[0], redact) if t and t.advice and t.advice.reasons else "",
            "duration": fmt_time(duration_of(r)), "started": _started(r),
            "agent": r.metadata.get("agent_id", ""),
            "boundary_set": bool(t and t.boundary_set), "ended_by_agent": bool(t and t.ended_by_agent),
        })  # fmt: skip
    calls.sort(key=lambda c: (-c["level"], c["advice"] != "melden", c["started"], c["file"]))
    counts = {lvl: sum(1 for c in calls if c["level"] == lvl) for lvl in range(5)}
    n_errors = sum(1 for c in calls if c["level"] < 0)
    n_melden = sum(1 for c in calls if c["advice"] == "melden")
    return template_env().get_template("index.html.j2").render(
        calls=calls, counts=counts, n_errors=n_errors, n_melden=n_melden, colours=LEVEL_COLOURS,
        level_names=LEVEL_NAMES_NL, generated=datetime.now().strftime("%d-%m-%Y %H:%M"),
    )  # fmt: skip


def write_reports(
    out_dir: str | Path,
    results: Sequence[CallResult],
    audio_dir_or_paths: AudioSource = None,
    embed_audio: bool = True,
    redact: bool = True,
    audio_format: str = "mp3",
    audio_bitrate: int = 24000,
) -> list[Path]:
    """Write ``<call_id>.html`` per scored call and ``index.html`` into `out_dir`; return the paths.

    `audio_dir_or_paths`: a folder that holds the calls' audio files, or a mapping call_id (or file name)
    -> audio path; calls whose audio is not found get a page without a player. With `embed_audio` the
    compressed audio sits inside the page as base64; otherwise it is written beside it as
    ``<call_id>.mp3`` (or ``.ogg``). `redact=False` writes unredacted pages (marked as such).
    """
    written: list[Path] = []
    for r in results:
        if r.status == "ok":
            written += write_call_page(out_dir, r, find_audio(r, audio_dir_or_paths), embed_audio, redact,
                                       audio_format, audio_bitrate)
    return written + [write_index(out_dir, results, redact)]


def write_call_page(
    out_dir: str | Path,
    result: CallResult,
    audio_path: Path | None,
    embed_audio: bool = True,
    redact: bool = True,
    audio_format: str = "mp3",
    audio_bitrate: int = 24000,
) -> list[Path]:
    """``<call_id>.html`` of one scored call (and its audio file when not embedded); the paths written."""
    from vpd_speech.reports.outputs import write_atomic

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    src = None
    if audio_path is not None:
        data, mime = encode_audio(audio_path, audio_format, audio_bitrate)
        if embed_audio:
            src = f"data:{mime};base64," + base64.b64encode(data).decode("ascii")
        else:
            name = f"{result.call_id}.{'mp3' if audio_format == 'mp3' else 'ogg'}"
            write_atomic(out / name, data)
            written.append(out / name)
            src = name
    page = out / f"{result.call_id}.html"
    write_atomic(page, render_call(result, src, redact))
    return [*written, page]


def write_index(out_dir: str | Path, results: Sequence[CallResult], redact: bool = True) -> Path:
    """``index.html`` over all `results`, linking the call pages that are on disk (a resumed batch writes
    only the pages of its new calls)."""
    from vpd_speech.reports.outputs import write_atomic

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    pages = {r.call_id: f"{r.call_id}.html" for r in results
             if r.status == "ok" and (out / f"{r.call_id}.html").is_file()}
    index = out / "index.html"
    write_atomic(index, render_index(results, pages, redact))
    return index
