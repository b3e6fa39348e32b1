"""Meeting mode in a real browser (tiny models): ``?mode=meeting`` after sign-in, the eight cases walked with the
→ key, every analysis on screen, and the case report downloaded and opened with JavaScript off: no script in it and
no request for anything but the file itself."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.cases import load_cases
from tests.browser import helpers as h

pytestmark = h.BROWSER_MARKS

USER = "dr.browser.meeting"


@pytest.fixture(scope="module")
def server(tiny_triage_artifact, tiny_drug_artifact, tiny_condition_artifact, tiny_ranker_artifact):
    yield from h.serve((USER, "clinician"))


def case_shown(page, number: int, title: str, n: int) -> None:
    """Wait for case ``number`` with its analyses and explanation."""
    page.get_by_role("heading", name=f"{number}. {title}").wait_for()
    page.get_by_text(f"{number} / {n}", exact=True).wait_for()
    h.wait_idle(page)
    for heading in ("Route", "Medications", "Conditions", "Treatment suggestions", "Why?", "Case report"):
        assert page.get_by_role("heading", name=heading, exact=True).count() == 1, (number, heading)
    page.locator(".nl-heatmap").wait_for()


def open_meeting(page, url: str, user: str = USER, password: str = h.PASSWORD) -> None:
    """Open ``?mode=meeting`` and sign in: the presenter view starts at case 1."""
    page.goto(f"{url}/?mode=meeting")
    page.get_by_text("Sign in to NoteLens").wait_for()
    h.wait_idle(page)
    h.submit_sign_in(page, user, password)


def next_case(page, number: int, title: str, n: int) -> None:
    """Press → (with the focus on the page, not a widget: the shortcut is the page's) and wait for case ``number``."""
    page.locator("h1").first.click()
    page.keyboard.press("ArrowRight")
    case_shown(page, number, title, n)


def test_meeting_mode_walks_the_cases_and_hands_out_a_report(server, tmp_path):
    cases = load_cases()
    n = len(cases)
    with h.chromium_page(height=1200) as page:
        watch = h.Watch(page, server)
        open_meeting(page, server)

        case_shown(page, 1, cases[0].title, n)
        assert page.locator("[data-testid='stSidebar']").count() == 0 or not page.locator(
            "[data-testid='stSidebar']").is_visible()  # the presenter view has no sidebar
        assert page.get_by_role("textbox").count() == 0  # no note box, no feedback form
        assert page.evaluate("parseFloat(getComputedStyle(document.querySelector("
                             "'[data-testid=stMain] .stMarkdown p')).fontSize)") >= 20  # the larger type
        if os.environ.get("NOTELENS_SCREENSHOT") == "1":
            page.screenshot(path=str(h.ROOT / "assets" / "screenshot-meeting.png"))
        for number, case in enumerate(cases[1:], start=2):
            next_case(page, number, case.title, n)
        page.keyboard.press("ArrowRight")  # past the last case: back to the first
        page.get_by_role("heading", name=f"1. {cases[0].title}").wait_for()
        h.wait_idle(page)

        with page.expect_download() as info:
            page.get_by_role("button", name="Download the case report (HTML)").click()
        report = Path(tmp_path / info.value.suggested_filename)
        info.value.save_as(report)
        assert not watch.outside and not watch.dialogs, (watch.outside, watch.dialogs)

        body = report.read_text(encoding="utf-8")
        assert "<script" not in body.lower()
        browser = page.context.browser
        offline = browser.new_context(java_script_enabled=False)
        try:
            viewer = offline.new_page()
            requests: list[str] = []
            viewer.on("request", lambda r: requests.append(r.url))
            viewer.route("**/*", lambda route: route.continue_() if route.request.url == report.as_uri()
                         else route.abort())
            viewer.goto(report.as_uri())
            viewer.wait_for_load_state("load")
            assert set(requests) <= {report.as_uri()}, requests  # nothing but the file itself
            assert viewer.locator("script").count() == 0
            assert "Expressive aphasia" in viewer.locator("body").inner_text()  # the first case's note
        finally:
            offline.close()
