"""The pages in a real browser (Playwright driving Debian's chromium): no console errors, the plot is drawn,
clicking an utterance seeks the audio, the index filters work, a 600-utterance page renders quickly.

Needs `pip install playwright` and `apt-get install chromium` (Playwright's own browser download is not used).
Screenshots go to test-artifacts/ (gitignored).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from test_report import DREIGING, DREIGING_WAV, make_long_call

from vpd_speech.reports.outputs import read_call
from vpd_speech.reports.pages import render_call, write_reports

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--autoplay-policy=no-user-gesture-required"]  # fmt: skip

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is missing (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def _open(browser, path: Path):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, errors, requests


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    results = [read_call(DREIGING)]
    write_reports(out, results, {results[0].call_id: DREIGING_WAV})
    return out, results[0]


def test_call_page_plot_and_seek(browser, reports):
    out, result = reports
    page, errors, requests = _open(browser, out / f"{result.call_id}.html")
    assert errors == []
    assert all(u.startswith(("file:", "data:")) for u in requests), requests
    assert page.locator("#plot rect.lvl").count() == len(result.timeline.levels)
    assert page.locator("#plot .ev-marker").count() >= 3
    box = page.locator("#plot").bounding_box()
    assert box["width"] > 600 and box["height"] > 100
    page.wait_for_function("document.getElementById('audio').readyState >= 1", timeout=10_000)
    assert page.evaluate("document.getElementById('audio').duration") == pytest.approx(
        23.9, abs=1.0
    )  # PyAV decodes 23.2 s of this file

    row = page.locator("#u4")  # the agent sets the boundary at 14.36 s
    row.click()
    page.wait_for_function("Math.abs(document.getElementById('audio').currentTime - 14.36) < 0.6", timeout=5_000)
    assert "now" in row.get_attribute("class")
    page.locator("#plot .ev-marker[data-kind=threat] .sym").click()
    page.wait_for_function("Math.abs(document.getElementById('audio').currentTime - 13.29) < 0.6", timeout=5_000)
    title = page.locator("#plot .ev-marker[data-kind=threat] title").text_content()
    assert "alles kapot" in title
    page.evaluate("document.getElementById('audio').pause()")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "call_page.png"), full_page=True)
    page.close()


def test_index_filters(browser, tmp_path):
    from test_report import _cls, make_call

    from vpd_speech.schema import Utterance

    calm = make_call([Utterance(id=0, speaker="B", role="caller", start=0, end=2, text="Goedemorgen.",
                                classification=_cls("caller", "neutraal"))], 5.0, call_id="rustig")  # fmt: skip
    write_reports(tmp_path, [calm, read_call(DREIGING)], None)
    page, errors, _ = _open(browser, tmp_path / "index.html")
    visible = "#calls tbody tr:not(.hidden)"
    assert errors == [] and page.locator(visible).count() == 2
    page.select_option("#f-level", "4")
    assert page.locator(visible).count() == 1 and page.locator("#n-shown").text_content() == "1"
    page.select_option("#f-level", "")
    page.select_option("#f-advice", "niet_melden")
    assert page.locator(visible).count() == 1
    assert "rustig" in page.locator(visible).first.text_content()
    page.select_option("#f-advice", "")
    page.locator(".count[data-level='0']").click()
    assert page.locator(visible).count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "index.png"), full_page=True)
    page.locator(".count[data-level='0']").click()
    assert page.locator(visible).count() == 2
    page.locator("a", has_text="dreiging").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("dreiging_741de7539a.html")
    page.close()


def test_long_call_renders_quickly(browser, tmp_path):
    path = tmp_path / "lang.html"
    path.write_text(render_call(make_long_call(600), None), encoding="utf-8")
    t0 = time.perf_counter()
    page, errors, _ = _open(browser, path)
    page.locator("#plot").wait_for()
    elapsed = time.perf_counter() - t0
    assert errors == []
    assert page.locator("tr.utt").count() == 600
    assert elapsed < 5, f"600 utterances took {elapsed:.1f} s to load"
    page.locator("#u301").click()  # no audio: the row is highlighted anyway
    assert "now" in page.locator("#u301").get_attribute("class")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "long_call.png"))
    print(f"600-utterance page ({path.stat().st_size / 1000:.0f} kB) loaded in {elapsed:.2f} s")
    page.close()
