"""The Medications page in a real browser: highlight, tooltip, table, a correction stored, script not run."""

from __future__ import annotations

import pytest

from tests.browser import helpers as h

pytestmark = h.BROWSER_MARKS

NOTE = ("Continue metoprolol 25 mg PO BID and lisinopril 10 mg daily for pain.\n"
        "<img src=x onerror=\"window.__pwned=1\"><script>window.__pwned = 1</script>")


@pytest.fixture(scope="module")
def server(tiny_triage_artifact, tiny_drug_artifact):
    yield from h.serve(("dr.browser.drugs", "clinician"))


def test_medications_page_in_a_browser(server):
    from core.db.store import list_feedback

    with h.chromium_page() as page:
        h.open_app(page, server)
        h.sign_in(page, "dr.browser.drugs")
        h.go_to(page, "Medications", "Medications in a note")
        h.paste_and_run(page, NOTE, "Find medications")
        note = page.locator(".nl-highlight")
        note.wait_for()
        drugs = note.locator("mark.nl-drug")
        assert drugs.all_inner_texts() == ["metoprolol", "lisinopril"]
        assert "current" in drugs.first.get_attribute("title")
        assert "DB" in drugs.first.get_attribute("title")
        assert "<script>window.__pwned = 1</script>" in note.inner_text()
        assert page.evaluate("window.__pwned") is None
        page.locator(".nl-heatmap").wait_for()
        page.get_by_text("Export as FHIR R4").first.wait_for()  # drawn after the heat map: it may come a run later

        page.get_by_text("Add a missed drug").click()
        h.wait_idle(page)
        page.get_by_role("textbox", name="Words of the note", exact=True).fill("pain")
        page.locator("[data-testid='stBaseButton-secondaryFormSubmit']", has_text="Send correction").click()
        h.wait_idle(page)
        page.get_by_text("Saved feedback #").wait_for()
        rows = [r for r in list_feedback("drugs", limit=50) if r.user_name == "dr.browser.drugs"]
        assert len(rows) == 1 and rows[0].correction["kind"] == "missed_drug" and rows[0].note_text == NOTE
