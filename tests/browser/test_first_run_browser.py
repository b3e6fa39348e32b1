"""A first run in a real browser: the app served over an EMPTY models folder with the tiny training preset starts
the background trainer, shows the training panel, and the Triage page works as soon as the triage model is ready,
while the other models still train (they take longer: two span taggers and the ranker after it)."""

from __future__ import annotations

import os
import re
import signal
import time

from tests.browser.helpers import (
    BROWSER_MARKS,
    PASSWORD,
    ROOT,
    chromium_page,
    create_account,
    go_to,
    note_box,
    open_app,
    paste_and_triage,
    sign_in,
    streamlit_process,
)
from tests.conftest import CARDIO

pytestmark = BROWSER_MARKS

SCREENSHOT = ROOT / "assets" / "screenshot-first-run.png"
#: The training panel's progress bar while a model's training loop runs.
STEP = re.compile(r"^step \d+ of \d+$")


def _stop_trainer(models) -> None:
    """The trainer stops by itself once the server is gone; a test that failed midway does not wait for that."""
    from core.training_status import trainer_alive, trainer_pid

    pid = trainer_pid(models)
    if pid and trainer_alive(models):
        os.kill(pid, signal.SIGTERM)


def first_run_env(models) -> dict[str, str]:
    """The server's environment for a first run: an empty ``models`` folder, the tiny preset, the trainer on."""
    return {**os.environ, "NOTELENS_MODELS_DIR": str(models), "NOTELENS_TRAIN_PRESET": "tiny",
            "NOTELENS_AUTO_TRAIN": "1"}


def walk_first_run(models, user: str, shot=None, password: str = PASSWORD) -> None:
    """Serve a first run over the empty ``models`` folder, sign in as ``user``, see the training panel, triage while
    the other models train, then wait on the Medications page for the drug model (saving the page to ``shot``, a
    path, while it waits)."""
    from core.tasks import TASKS
    from core.training_status import read_statuses, trainer_alive

    t0 = time.monotonic()
    try:
        with streamlit_process(first_run_env(models)) as (url, _proc), \
                chromium_page(height=1100, timeout_ms=120_000) as page:
            served = time.monotonic() - t0
            open_app(page, url)
            sign_in(page, user, password)
            page.get_by_text("Waiting for the triage model").wait_for()
            assert trainer_alive(models)
            assert page.get_by_text("Training the default models").first.is_visible()  # the sidebar's panel
            for name in ("Drugs", "Conditions", "Treatments"):
                assert page.get_by_text(f"{name}:", exact=False).first.is_visible()
            note_box(page).wait_for(timeout=180_000)  # the page reran by itself with the triage model
            statuses = read_statuses(models)
            assert TASKS["triage"].current(models) is not None and statuses["triage"].state == "done"
            still = [n for n, s in statuses.items() if n != "triage" and s.state != "done"]
            assert still, f"every model was ready before the triage page worked: {statuses}"
            print(f"served in {served:.0f} s, triage page working at {time.monotonic() - t0:.0f} s while "
                  f"{', '.join(still)} trained", flush=True)

            paste_and_triage(page, CARDIO)
            assert page.locator("[data-testid='stAlertContentSuccess'], "
                                "[data-testid='stAlertContentWarning']").first.is_visible()
            print(f"triaged at {time.monotonic() - t0:.0f} s", flush=True)

            # The Medications page waits for the drug model the same way, then works
            go_to(page, "Medications", "Medications in a note")
            page.get_by_text(STEP).or_(note_box(page)).first.wait_for(timeout=180_000)
            if shot is not None:
                page.screenshot(path=str(shot))
            note_box(page).wait_for(timeout=180_000)
            assert page.get_by_text("Waiting for").count() == 0
            assert read_statuses(models)["drugs"].state == "done"
            print(f"medications page working at {time.monotonic() - t0:.0f} s", flush=True)
    finally:
        _stop_trainer(models)


def test_first_run_serves_at_once_and_triage_works_while_the_rest_trains(tmp_path):
    create_account("dr.firstrun", "clinician")
    shoot = os.environ.get("NOTELENS_SCREENSHOT") == "1" or not SCREENSHOT.exists()
    walk_first_run(tmp_path / "models", "dr.firstrun", SCREENSHOT if shoot else None)
