"""Refresh the README's screenshots through the browser suite's own steps, from the real trained models.

``python -m tests.browser.screenshots [--out DIR] [NAME ...]`` (default: all of them, see :data:`SHOTS`, into
``assets/``; ``--out``: into DIR instead, to look before replacing) serves the app over the
models in ``NOTELENS_MODELS_DIR`` (default ``models/``) with ``NOTELENS_AUTO_TRAIN=0``, a throwaway database and data
folder (a temporary account signs in: the real database and its users are never touched), and writes the
``screenshot*.png`` files. ``first-run`` is the exception: like its browser test it serves an empty temporary models
folder with the tiny training preset. The real models are slow on a CPU: several minutes in all.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from tests.browser import helpers as h

#: How long one step may take with the real models on a loaded CPU.
SLOW_MS = 900_000.0
USER = "readme.screenshots"
#: The meeting mode's case on the README's screenshot (3: a negated drug, an allergy and a withheld candidate).
MEETING_CASE = 3
#: Page link (None: the default page), primary button and viewport height of the pages shot with a sample note
#: (Streamlit scrolls inside its main container, so a full-page shot only shows the viewport: use a tall one).
SAMPLE_PAGES = {"triage": (None, "Triage", 2300), "medications": ("Medications", "Find medications", 2600),
                "treatments": ("Treatments", "Suggest treatments", 3400)}


def shot_sample_page(out: Path, name: str, sample: str = "Chest pain emergency") -> None:
    """Run a sample note on a page (triage, medications or treatments) and save the page."""
    link, button, height = SAMPLE_PAGES[name]
    with h.streamlit_server(timeout=300) as url, h.chromium_page(height=height, timeout_ms=SLOW_MS) as page:
        h.open_app(page, url)
        h.sign_in(page, USER)
        if link is not None:
            h.go_to(page, link, button)
        h.choose_sample(page, sample)
        page.locator("[data-testid='stBaseButton-primary']", has_text=button).click()
        h.wait_idle(page)
        page.locator(".nl-heatmap").wait_for()
        h.wait_idle(page)
        page.screenshot(path=str(out), full_page=True)


def shot_facts(out: Path) -> None:
    """The Model facts page's first card (its browser test's steps)."""
    from tests.browser import test_model_facts_browser as facts

    with h.streamlit_server(timeout=300) as url, h.chromium_page(height=facts.HEIGHT, timeout_ms=SLOW_MS) as page:
        card = facts.open_facts(page, url, USER)
        card.locator("[data-testid='stDataFrame']").first.wait_for()
        facts.shoot(page, card, out)


def shot_meeting(out: Path, case: int = MEETING_CASE) -> None:
    """Meeting mode at case ``case`` (its browser test's steps), the whole page."""
    from core.cases import load_cases
    from tests.browser import test_meeting_browser as meeting

    cases = load_cases()
    with h.streamlit_server(timeout=300) as url, h.chromium_page(width=1600, height=2900, timeout_ms=SLOW_MS) as page:
        meeting.open_meeting(page, url, USER)
        meeting.case_shown(page, 1, cases[0].title, len(cases))
        for number in range(2, case + 1):
            meeting.next_case(page, number, cases[number - 1].title, len(cases))
        page.wait_for_timeout(1500)  # the highlighted note and tables settle
        page.screenshot(path=str(out), full_page=True)


def shot_first_run(out: Path) -> None:
    """The first-run panel: an empty models folder, the tiny preset (its browser test's steps)."""
    from tests.browser.test_first_run_browser import walk_first_run

    with tempfile.TemporaryDirectory(prefix="notelens-first-run-") as tmp:
        walk_first_run(Path(tmp) / "models", USER, out)


#: Name: (output file, what takes it).
SHOTS = {
    "triage": ("screenshot.png", lambda out: shot_sample_page(out, "triage")),
    "medications": ("screenshot-medications.png", lambda out: shot_sample_page(out, "medications")),
    "treatments": ("screenshot-treatments.png", lambda out: shot_sample_page(out, "treatments")),
    "facts": ("screenshot-model-facts.png", shot_facts),
    "meeting": ("screenshot-meeting.png", shot_meeting),
    "first-run": ("screenshot-first-run.png", shot_first_run),
}


def screenshot_env(base: Path) -> dict[str, str]:
    """The caller's environment (the real models) with a throwaway database and data folder under ``base`` and no
    background trainer."""
    env = dict(h.CALLER_ENV)
    env.setdefault("NOTELENS_MODELS_DIR", str(h.ROOT / "models"))
    env.update({"NOTELENS_DATA_DIR": str(base / "data"), "NOTELENS_DB_URL": f"sqlite:///{base / 'shots.db'}",
                "NOTELENS_AUTO_TRAIN": "0", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"})
    env.pop("NOTELENS_TRAIN_PRESET", None)
    return env


def main(names: list[str], out_dir: Path = h.ROOT / "assets") -> None:
    from core.config import get_settings

    unknown = [n for n in names if n not in SHOTS]
    if unknown:
        raise SystemExit(f"unknown screenshot {', '.join(unknown)}: choose from {', '.join(SHOTS)}")
    h.IDLE_MS = SLOW_MS
    with tempfile.TemporaryDirectory(prefix="notelens-screenshots-") as tmp:
        os.environ.clear()
        os.environ.update(screenshot_env(Path(tmp)))
        get_settings.cache_clear()
        h.create_account(USER, "clinician")
        for name in names or list(SHOTS):
            file, take = SHOTS[name]
            out = out_dir / file
            take(out)
            print(out, flush=True)


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--out"] and len(args) > 1:
        main(args[2:], Path(args[1]).resolve())
    else:
        main(args)
