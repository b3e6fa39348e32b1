"""The real app in a real browser: streamlit run + Debian's chromium through Playwright."""

from __future__ import annotations

import os
from urllib.parse import urlparse

import pytest

from tests.browser.helpers import (
    BROWSER_MARKS,
    ROOT,
    choose_sample,
    chromium_page,
    create_account,
    flag_as_wrong,
    open_app,
    paste_and_triage,
    sign_in,
    streamlit_server,
    wait_idle,
)
from tests.conftest import CARDIO

pytestmark = BROWSER_MARKS


@pytest.fixture(scope="module")
def server(tiny_triage_artifact):
    # The server inherits this process's environment (conftest's temporary models folder and database),
    # so it serves the tiny model and writes feedback where this test can read it.
    assert os.environ["NOTELENS_DB_URL"] and os.environ["NOTELENS_MODELS_DIR"]
    create_account("dr.browser", "annotator")  # an annotator: the test also opens the review page
    with streamlit_server() as url:
        yield url


def test_triage_and_flag_in_a_browser(server):
    from core.db.store import list_feedback

    comment = "Browser test: this is a cardiac note, route it elsewhere."
    with chromium_page() as page:
        outside: list[str] = []  # nothing leaves the machine: every request the page makes goes to the app
        page.on("request", lambda r: outside.append(r.url)
                if urlparse(r.url).scheme in ("http", "https", "ws", "wss")
                and urlparse(r.url).hostname != urlparse(server).hostname else None)
        open_app(page, server)
        assert "NoteLens" in page.title()
        assert page.get_by_text("Notes are processed in memory and not stored").count() == 0  # form only
        assert page.get_by_role("link", name="Feedback review").count() == 0
        sign_in(page, "dr.browser")
        assert page.get_by_text("Notes are processed in memory and not stored").is_visible()
        assert page.get_by_text("Signed in as dr.browser (annotator)").is_visible()

        note = CARDIO + "\n<script>window.__pwned = 1</script>"
        paste_and_triage(page, note)
        outcome = page.locator("[data-testid='stAlertContentSuccess'], [data-testid='stAlertContentWarning']").first
        assert "Route to" in outcome.inner_text() or "Uncertain" in outcome.inner_text()
        assert page.locator(".js-plotly-plot").count() == 1
        heat = page.locator(".nl-heatmap")
        assert "<script>window.__pwned = 1</script>" in heat.inner_text()  # shown as text, not run
        assert page.evaluate("window.__pwned") is None
        assert heat.locator("span[title]").count() > 5

        flag_as_wrong(page, "Orthopedics", comment)
        rows = [r for r in list_feedback(task="triage", limit=50) if r.comment == comment]
        assert len(rows) == 1
        row = rows[0]
        assert (row.user_name, row.user_role, row.verdict, row.correction) == ("dr.browser", "annotator", "wrong",
                                                                              "orthopedics")
        assert row.note_text == note
        assert f"feedback #{row.id}" in page.get_by_text("feedback #").inner_text()

        if os.environ.get("NOTELENS_SCREENSHOT") == "1":
            page.screenshot(path=str(ROOT / "assets" / "screenshot.png"), full_page=True)

        # the review page lists it; a sample note fills the box
        page.get_by_role("link", name="Feedback review").click()
        wait_idle(page)
        page.get_by_text("Feedback received (triage)").wait_for()
        page.get_by_role("link", name="Triage").click()
        wait_idle(page)
        choose_sample(page, "Knee injury")
        note = page.get_by_role("textbox", name="Clinical note", exact=True).input_value()
        assert "anterior cruciate ligament" in note
        assert not outside, f"the browser fetched from outside the app: {sorted(set(outside))}"
