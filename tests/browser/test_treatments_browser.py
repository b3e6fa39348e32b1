"""The Treatments page in a real browser: conditions, suggestions, withheld, a feedback stored, script not run."""

from __future__ import annotations

import pytest

from tests.browser import helpers as h

pytestmark = h.BROWSER_MARKS

NOTE = ("Assessment: hypertension. She is 20 weeks pregnant.\n"
        "<img src=x onerror=\"window.__pwned=1\"><script>window.__pwned = 1</script>")


@pytest.fixture(scope="module")
def server(tiny_triage_artifact, tiny_drug_artifact, tiny_condition_artifact, tiny_ranker_artifact):
    yield from h.serve(("dr.browser.treatments", "clinician"))


def test_treatments_page_in_a_browser(server):
    from core.db.store import list_feedback

    with h.chromium_page() as page:
        h.open_app(page, server)
        h.sign_in(page, "dr.browser.treatments")
        h.go_to(page, "Treatments", "Treatment suggestions")
        assert page.get_by_text("Decision support only").count() >= 1
        h.paste_and_run(page, NOTE, "Suggest treatments")
        page.get_by_text("Candidate treatments", exact=True).wait_for()
        page.get_by_text("Not suggested: ").wait_for()
        page.locator(".nl-heatmap").wait_for()
        assert "<script>window.__pwned = 1</script>" in page.locator(".nl-heatmap").inner_text().replace("\n", "")
        assert page.evaluate("window.__pwned") is None

        page.get_by_role("textbox", name="Treatment", exact=True).fill("methyldopa")
        page.locator("[data-testid='stBaseButton-secondaryFormSubmit']", has_text="Add").click()
        h.wait_idle(page)
        page.get_by_text("Saved feedback #").wait_for()
        rows = [r for r in list_feedback("treatments", limit=50) if r.user_name == "dr.browser.treatments"]
        assert len(rows) == 1 and rows[0].correction["drug"] == "methyldopa" and rows[0].note_text == NOTE
