"""The Model facts page in a real browser: a clinician opens it from the sidebar and sees one card per task, the
trained one with its version and tables, the others saying they are not trained.

With ``NOTELENS_SCREENSHOT=1`` the first card is saved to ``assets/screenshot-model-facts.png``. The README's
screenshot, from the real models: ``python -m tests.browser.screenshots facts``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser import helpers as h

pytestmark = h.BROWSER_MARKS

SCREENSHOT = h.ROOT / "assets" / "screenshot-model-facts.png"
USER = "dr.browser.facts"
#: Viewport height: the whole first card fits.
HEIGHT = 3400


@pytest.fixture(scope="module")
def server(tiny_triage_artifact):
    yield from h.serve((USER, "clinician"))


def open_facts(page, url: str, user: str = USER, password: str = h.PASSWORD):
    """Sign in, follow the sidebar's Model facts link and return the first card once it is drawn."""
    h.open_app(page, url)
    h.sign_in(page, user, password)
    h.go_to(page, "Model facts", "One card per model")
    # the innermost block holding a card's last heading and not the page's caption: the first card
    card = (page.locator("[data-testid='stVerticalBlock']").filter(has_text="Ongoing maintenance and update schedule")
            .filter(has_not_text="One card per model").first)
    card.get_by_text("Ongoing maintenance and update schedule").wait_for()
    return card


def shoot(page, card, out: Path) -> None:
    """Save ``card``: a page screenshot clipped to it (Streamlit scrolls inside its main container, so the viewport
    is tall enough to hold the whole card, and an element screenshot would scroll it)."""
    page.wait_for_timeout(500)                                             # the tables' canvases
    box = card.bounding_box()
    page.screenshot(path=str(out), clip={"x": box["x"], "y": box["y"], "width": box["width"],
                                         "height": min(box["height"], HEIGHT - box["y"])})


def test_model_facts_page_in_a_browser(server, tiny_triage_artifact):
    from core.modeling import load_info
    from core.tasks import TASKS

    with h.chromium_page(height=HEIGHT, timeout_ms=45_000) as page:
        card = open_facts(page, server)
        text = card.inner_text()
        assert load_info(tiny_triage_artifact).version in text
        for heading in ("Purpose and intended use", "Cautioned out-of-scope use", "Fairness process",
                        "Quantitative performance", "Explanation method and measured faithfulness"):
            assert heading in text
        assert "No validation on real notes from this site" in text
        card.locator("[data-testid='stDataFrame']").first.wait_for()         # drawn once its script has loaded
        assert card.locator("[data-testid='stDataFrame']").count() >= 3
        untrained = [t for t in TASKS.values() if t.current() is None]          # the server's models folder
        assert (page.get_by_text("model is trained yet").count() >= 1) == bool(untrained)
        if os.environ.get("NOTELENS_SCREENSHOT") == "1":
            shoot(page, card, SCREENSHOT)
