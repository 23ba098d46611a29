"""Call pages and the batch index (vpd_speech.reports.pages): self-contained, masked, fast for long calls."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from vpd_speech.labels import CALLER_LABELS
from vpd_speech.reports.outputs import read_call
from vpd_speech.reports.pages import (
    reflection_questions,
    render_call,
    render_index,
    utterance_html,
    write_call_page,
    write_index,
    write_reports,
)
from vpd_speech.schema import ArousalPoint, AudioInfo, CallResult, Classification, Evidence, Utterance
from vpd_speech.timeline.build import build_timeline

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
DREIGING = DATA / "dreiging_741de7539a.json"
DREIGING_WAV = ROOT / "examples" / "calls" / "dreiging.wav"


def _cls(role: str, label: str, prob: float = 0.9, evidence=()) -> Classification:
    level = CALLER_LABELS.index(label) if role == "caller" else None
    return Classification(label=label, level=level, probabilities={label: prob}, evidence=list(evidence))


def make_call(utterances: list[Utterance], duration: float, call_id: str = "test_call", **meta) -> CallResult:
    arousal = [
        ArousalPoint(utterance_id=u.id, start=u.start, end=u.end, arousal=((u.id * 37) % 7 - 3) / 2)
        for u in utterances
        if u.role == "caller"
    ]
    tl = build_timeline(utterances, duration, arousal=arousal)
    return CallResult(
        call_id=call_id,
        file=f"{call_id}.wav",
        audio=AudioInfo(file=f"{call_id}.wav", sha256="0" * 64, bytes=1, channels=2, duration_s=duration),
        metadata={k: str(v) for k, v in meta.items()},
        utterances=utterances,
        timeline=tl,
    )


def make_long_call(n: int = 600) -> CallResult:
    """A synthetic 30-minute call: n utterances of 3 s, caller escalating and calming in waves."""
    cycle = ["neutraal", "emotie_ik", "kritiek_jullie", "emotie_ik", "agressie_jij", "neutraal", "kritiek_jullie"]
    acts = ["erkennen_emotie", "uitleggen", "mogelijkheden", "gedrag_benoemen", "grens_stellen", "overig", "afronden"]
    utts = []
    for i in range(n):
        start = i * 3.0
        if i % 2:
            label = cycle[(i // 2) % len(cycle)]
            text = {
                "neutraal": "Ik bel over mijn aanvraag van vorige week, nummer 06-12345678.",
                "emotie_ik": "Ik word hier echt gek van, ik heb dit geld nodig.",
                "kritiek_jullie": "Jullie zijn een schande, jullie doen nooit wat je belooft.",
                "agressie_jij": "Jij bent een idioot, hou je mond.",
            }[label]
            ev = []
            if label == "agressie_jij":
                ev = [
                    Evidence(start=0, end=3, text="Jij", kind="jij"),
                    Evidence(start=13, end=19, text="idioot", kind="insult"),
                ]
            utts.append(Utterance(id=i, speaker="B", role="caller", start=start, end=start + 2.6, text=text,
                                  classification=_cls("caller", label, 0.85, ev)))  # fmt: skip
        else:
            act = acts[(i // 2) % len(acts)]
            utts.append(Utterance(id=i, speaker="A", role="agent", start=start, end=start + 2.6,
                                  text="Ik begrijp dat dit vervelend is, maar zo werken wij.",
                                  classification=_cls("agent", act, 0.7)))  # fmt: skip
    return make_call(utts, n * 3.0, call_id="lang_gesprek", started_at="2026-03-02T09:15:00", agent_id="mw-042")


def _external_refs(html: str) -> list[str]:
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", html)
    return [r for r in refs if not r.startswith(("data:", "#")) and "://" in r]


def test_call_page_is_self_contained_with_audio_plot_and_checklist(tmp_path):
    result = read_call(DREIGING)
    paths = write_reports(tmp_path, [result], {result.call_id: DREIGING_WAV})
    page = tmp_path / f"{result.call_id}.html"
    assert page in paths and (tmp_path / "index.html") in paths
    html = page.read_text(encoding="utf-8")
    assert _external_refs(html) == []
    assert "<script src" not in html and "<link" not in html
    assert 'src="data:audio/mpeg;base64,' in html
    assert len(html.encode()) < 300_000  # a 24 s call with embedded audio
    assert '<svg id="plot"' in html and 'class="ev-marker seek"' in html and 'id="arousal"' in html
    assert '<mark class="ev ev-threat"' in html and "alles kapot</mark>" in html
    assert "melden" in html and "Bedreiging om 00:10" in html
    assert "GRENS STELLEN EN EINDE GESPREK" in html and "gesprek beëindigen" in html
    assert "Als ik een grens heb gesteld dan houd ik daar" in html
    assert 'data-t="14.36"' in html  # the agent's boundary row seeks to its start


def test_audio_beside_the_page(tmp_path):
    result = read_call(DREIGING)
    write_reports(tmp_path, [result], DREIGING_WAV.parent, embed_audio=False)
    mp3 = tmp_path / f"{result.call_id}.mp3"
    assert mp3.is_file() and 20_000 < mp3.stat().st_size < 120_000  # 24 s at 24 kbit/s
    html = (tmp_path / f"{result.call_id}.html").read_text(encoding="utf-8")
    assert f'src="{mp3.name}"' in html and "base64" not in html


def test_page_without_audio_says_so():
    html = render_call(read_call(DREIGING), None)
    assert "Audio niet beschikbaar" in html and "<audio" not in html


def test_personal_data_masked_and_evidence_offsets_kept():
    text = "Mijn bsn is 111222333 en jij bent een idioot, bel 06-12345678."
    at = text.index("idioot")
    u = Utterance(id=1, speaker="B", role="caller", start=1.0, end=5.0, text=text,
                  classification=_cls("caller", "agressie_jij", 0.9,
                                      [Evidence(start=at, end=at + 6, text="idioot", kind="insult")]))  # fmt: skip
    html = str(utterance_html(u, redact=True))
    assert "111222333" not in html and "12345678" not in html
    assert "[BSN]" in html and "[telefoonnummer]" in html
    assert '<mark class="ev ev-insult" title="insult">idioot</mark>' in html
    raw = str(utterance_html(u, redact=False))
    assert "111222333" in raw and "idioot</mark>" in raw

    agent = Utterance(id=2, speaker="A", role="agent", start=6.0, end=8.0, text="U scheldt mij uit.",
                      classification=_cls("agent", "gedrag_benoemen"))  # fmt: skip
    call = make_call([u, agent], 10.0)
    page = render_call(call, None, redact=True)
    assert "111222333" not in page and "06-12345678" not in page and "NIET GEMASKEERD" not in page
    unredacted = render_call(call, None, redact=False)
    assert "111222333" in unredacted and "NIET GEMASKEERD" in unredacted


def test_evidence_overlapping_personal_data_stays_masked():
    text = "ik weet dat je op 1234 AB 12 woont"
    u = Utterance(id=1, speaker="B", role="caller", start=0, end=3, text=text,
                  classification=_cls("caller", "dreiging", 0.9,
                                      [Evidence(start=0, end=len(text), text=text, kind="doxxing")]))  # fmt: skip
    html = str(utterance_html(u, redact=True))
    assert "1234 AB" not in html and "[adres]" in html and html.count("<mark") >= 1


def test_reflection_questions_follow_the_events():
    qs = [q.question for q in reflection_questions(read_call(DREIGING))]
    assert any(q.startswith("Als ik een grens heb gesteld") for q in qs)
    assert any(q.startswith("Wat doe ik als het gedrag over de schreef gaat") for q in qs)
    calm = make_call([Utterance(id=0, speaker="B", role="caller", start=0, end=2, text="Goedemorgen.",
                                classification=_cls("caller", "neutraal"))], 5.0)  # fmt: skip
    assert reflection_questions(calm) == []


def test_index_sorted_by_level_with_counts_and_links(tmp_path):
    calm = make_call([Utterance(id=0, speaker="B", role="caller", start=0, end=2, text="Goedemorgen.",
                                classification=_cls("caller", "neutraal"))], 5.0, call_id="rustig")  # fmt: skip
    broken = CallResult(call_id="kapot", file="kapot.wav", status="error", error="leeg bestand")
    results = [calm, broken, read_call(DREIGING)]
    write_reports(tmp_path, results, None)
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert html.index("dreiging_741de7539a.html") < html.index("rustig.html") < html.index("leeg bestand")
    assert 'id="count-4">1<' in html and 'id="count-0">1<' in html and 'id="count-3">0<' in html
    assert 'id="f-level"' in html and 'id="f-advice"' in html
    assert not (tmp_path / "kapot.html").exists()
    (tmp_path / "rustig.html").unlink()
    write_call_page(tmp_path, calm, None)  # resumed batch: only the new call's page, the index over all
    write_index(tmp_path, results)
    assert (tmp_path / "rustig.html").is_file()
    assert "dreiging_741de7539a.html" in (tmp_path / "index.html").read_text(encoding="utf-8")
    assert _external_refs(html) == []
    assert render_index([], {}).count("<tr data-level") == 0


def test_long_call_page_is_small_and_fast(tmp_path):
    call = make_long_call(600)
    assert len(call.utterances) == 600 and call.timeline.max_level == 3
    t0 = time.perf_counter()
    html = render_call(call, None)
    elapsed = time.perf_counter() - t0
    size = len(html.encode())
    print(f"600 utterances: {size / 1000:.0f} kB, rendered in {elapsed:.2f} s")
    assert size < 1_000_000
    assert elapsed < 10
    assert html.count('<tr class="utt') == 600
    assert "12345678" not in html
    assert "02-03-2026 09:15" in html and "mw-042" in html


@pytest.mark.parametrize("fmt, mime", [("mp3", "audio/mpeg"), ("opus", "audio/ogg")])
def test_audio_encoding_is_small(fmt, mime):
    from vpd_speech.reports.pages import encode_audio

    data, got = encode_audio(DREIGING_WAV, fmt, 24000 if fmt == "mp3" else 16000)
    assert got == mime
    assert 10_000 < len(data) < 24 * 1000 / 8 * 24 * 1.3  # about bitrate * duration
