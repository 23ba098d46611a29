"""The web app in a real browser (Playwright driving Debian's chromium), one test per role, and the live board
with an example call streamed through the real pipeline.

Needs `pip install playwright` and `apt-get install chromium` (Playwright's own browser download is not used).
Screenshots go to test-artifacts/ (gitignored); the README describes them.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from test_browser import ARTIFACTS, browser  # noqa: F401  (the module-scoped chromium fixture)
from test_web_http import PASSWORDS, seed_site

from vpd_speech.store import accounts as acc
from vpd_speech.web.app import BackgroundWeb, WebSettings

pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "calls"
MONITOR_TOKEN = "monitor-token-for-the-browser"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A seeded SQLite store with planted pattern callers, the documents of CALLS, one account per role."""
    ARTIFACTS.mkdir(exist_ok=True)
    tmp = tmp_path_factory.mktemp("web_browser")
    store, out, planted = seed_site("sqlite", tmp)
    for name, role, agent_id in [("anna", "agent", "a17"), ("quinn", "quality", None), ("cora", "coordinator", None)]:
        acc.add_account(store, name, role, PASSWORDS[name], agent_id=agent_id)
    web = BackgroundWeb(WebSettings(store, out))
    yield web, store, out, planted
    web.close()
    store.close()


def signed_in(browser, url: str, name: str):  # noqa: F811
    """A fresh browser context signed in through the login form; console errors are collected."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("response", lambda r: page.errors.append(f"{r.status} {r.url}") if r.status == 404 else None)
    page.goto(url + "/calls")
    assert "/login" in page.url
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORDS[name])
    page.click("form[action=login] button[type=submit]")
    page.wait_for_url(re.compile(r"/calls$"))
    assert page.locator("#vpd-who").inner_text().startswith(name)
    return context, page


def test_agent_sees_own_calls_and_403_on_a_colleagues(browser, site):  # noqa: F811
    web, store, _, _ = site
    context, page = signed_in(browser, web.url, "anna")
    rows = page.locator("#calls tr[data-call]")
    assert sorted(rows.evaluate_all("rs => rs.map(r => r.dataset.call)")) == ["anna_dreiging", "anna_emotie"]
    page.screenshot(path=str(ARTIFACTS / "web_agent_calls.png"), full_page=True)
    page.click("tr[data-call=anna_dreiging] a")
    page.wait_for_url(re.compile(r"/report/anna_dreiging\.html$"))
    assert page.locator("#plot rect.lvl").count() >= 2 and page.locator("ol.questions li").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "web_call_page.png"), full_page=True)
    for guess in ("bert_agressie", "c000001_seksueel", "does_not_exist"):  # typed into the address bar
        response = page.goto(f"{web.url}/report/{guess}.html")
        assert response.status == 403 and "Geen toegang" in page.locator("h1").inner_text(), guess
    assert page.goto(web.url + "/patterns").status == 403
    page.goto(web.url + "/trend")
    assert page.locator("#trend tr[data-month]").count() == 12
    page.screenshot(path=str(ARTIFACTS / "web_agent_trend.png"), full_page=True)
    assert [e for e in page.errors if "status of 403" not in e] == [], page.errors
    context.close()
    assert {e["call_id"] for e in _audit(store, "anna", "denied")} >= {"bert_agressie", "does_not_exist"}


def test_coordinator_sees_a_pattern_caller(browser, site):  # noqa: F811
    web, _, _, planted = site
    context, page = signed_in(browser, web.url, "cora")
    page.click("nav.vpd-bar a[href=patterns]")
    page.fill("input[name=since]", "2026-01-01")
    page.click(".vpd-controls button[type=submit]")
    page.wait_for_load_state("load")
    body = page.locator("body").inner_text()
    assert planted["pattern"][0] in body and "geen oordeel" in body
    assert not any(ref in body for ref in planted["emotional"])
    page.screenshot(path=str(ARTIFACTS / "web_patterns.png"), full_page=True)
    page.click("nav.vpd-bar a[href=audit]")
    assert page.locator("#audit tbody tr").count() >= 1
    assert page.errors == []
    context.close()


def test_search_finds_a_phrase(browser, site):  # noqa: F811
    web, _, _, _ = site
    context, page = signed_in(browser, web.url, "quinn")
    page.fill("#search", "ik weet je te vinden")
    page.check("#filters input[name=level][value='4']")
    page.click("#filters button[type=submit]")
    page.wait_for_load_state("load")
    assert "anna_dreiging" in page.locator("#calls tr[data-call]").evaluate_all("rs => rs.map(r => r.dataset.call)")
    assert "Ik weet je te vinden" in page.locator("#calls tr.fragment").first.inner_text()
    assert page.locator("#export").is_visible()
    page.screenshot(path=str(ARTIFACTS / "web_search.png"), full_page=True)
    assert page.errors == []
    context.close()


def test_live_board_shows_the_alert_of_a_streamed_call(browser, site, pipeline, tmp_path):  # noqa: F811
    from vpd_speech.run.stream.client import stream_file
    from vpd_speech.run.stream.monitor import MONITOR_PATH
    from vpd_speech.run.stream.server import BackgroundServer, StreamServer

    _, store, _, _ = site
    stream = BackgroundServer(StreamServer(pipeline.config, tmp_path / "out", pipeline=pipeline, store=store,
                                           monitor_token=MONITOR_TOKEN))  # fmt: skip
    web = BackgroundWeb(WebSettings(store, tmp_path / "out", live_url=stream.url + MONITOR_PATH,
                                    monitor_token=MONITOR_TOKEN))  # fmt: skip
    try:
        context, page = signed_in(browser, web.url, "cora")
        page.click("nav.vpd-bar a[href=live]")
        page.wait_for_selector("#status.ok", timeout=30_000)
        runs = []
        sender = threading.Thread(target=lambda: runs.append(stream_file(
            EXAMPLES / "dreiging.wav", stream.url, "dreiging_live", "left", speed=None,
            metadata={"agent_id": "a17", "team": "KCC-1"})))  # fmt: skip
        sender.start()
        page.wait_for_selector("tr[data-call=dreiging_live]", timeout=60_000)
        alert = page.wait_for_selector("#alerts li.alert[data-call=dreiging_live][data-kind=threat]", timeout=180_000)
        assert "Bedreiging" in alert.inner_text() and "a17" in alert.inner_text()
        page.wait_for_selector("tr[data-call=dreiging_live][data-status=klaar]", timeout=180_000)
        row = page.locator("tr[data-call=dreiging_live]").inner_text()
        assert "4 dreiging" in row and "melden" in row
        page.screenshot(path=str(ARTIFACTS / "web_live.png"), full_page=True)
        sender.join(60)
        assert runs and runs[0].final["advice"] == "melden"
        assert page.errors == []
        context.close()
    finally:
        web.close()
        stream.close()


def _audit(store, account: str, action: str) -> list[dict]:
    import sqlalchemy as sa

    q = sa.select(acc.audit_log).where(acc.audit_log.c.account == account, acc.audit_log.c.action == action)
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(q).mappings()]
