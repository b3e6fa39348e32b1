"""``kill -9`` of the real server while a feedback click is in flight: the database stays whole, every feedback
the page acknowledged is stored, and a new server on the same database starts, signs in and takes feedback."""

from __future__ import annotations

import random
import re
import signal
import sqlite3
from pathlib import Path

import pytest

from tests.browser import helpers as h

pytestmark = h.BROWSER_MARKS

USER = "dr.browser.kill9"
NOTE = ("Right knee pain after a fall. X-ray shows a tibial plateau fracture. Plan open reduction internal "
        "fixation. Ibuprofen 600 mg PO q6h prn pain. Seen with marker kilnovar.")


@pytest.fixture(scope="module")
def accounts(tiny_triage_artifact):
    h.create_account(USER, "clinician")


def acked_id(page) -> int:
    text = page.get_by_text(re.compile(r"feedback #\d+")).first.inner_text()
    return int(re.search(r"feedback #(\d+)", text).group(1))


def flag(page, comment: str) -> None:
    h.pick(page, "Right service", "Orthopedics")
    page.get_by_role("textbox", name="Comment (optional)", exact=True).fill(comment)
    page.locator("[data-testid='stBaseButton-secondaryFormSubmit']", has_text="Flag as wrong").click()


def database_file() -> Path:
    from core.config import get_settings

    return Path(get_settings().database_url.removeprefix("sqlite:///"))


def test_sigkill_of_the_server_during_feedback(accounts):
    from core.audit import verify
    from core.db.store import list_feedback

    acked: list[int] = []
    with h.streamlit_process() as (url, proc), h.chromium_page() as page:
        h.open_app(page, url)
        h.sign_in(page, USER)
        h.paste_and_triage(page, NOTE)
        page.locator("[data-testid='stBaseButton-secondary']", has_text="Looks right").click()
        h.wait_idle(page)
        page.get_by_text(re.compile(r"Thank you: feedback #\d+")).wait_for()
        acked.append(acked_id(page))
        flag(page, "first flag")
        h.wait_idle(page)
        page.get_by_text("feedback #").wait_for()
        page.wait_for_function(f"!document.body.innerText.includes('feedback #{acked[0]} ')")
        acked.append(acked_id(page))
        assert acked[1] != acked[0]

        flag(page, "in flight when the server dies")  # not waited for: the kill lands while it is on its way
        page.wait_for_timeout(random.Random(9).uniform(20, 400))
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(30) == -signal.SIGKILL

    con = sqlite3.connect(database_file())
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        stored = dict(con.execute("SELECT id, user_name FROM feedback WHERE user_name = ?", (USER,)))
    finally:
        con.close()
    assert all(stored.get(fid) == USER for fid in acked), (acked, stored)
    assert len(stored) in (2, 3)  # the click in flight was stored whole or not at all
    assert verify().ok

    with h.streamlit_process() as (url, _proc), h.chromium_page() as page:
        h.open_app(page, url)  # the sign-in form
        h.sign_in(page, USER)
        h.paste_and_triage(page, NOTE)
        flag(page, "after the restart")
        h.wait_idle(page)
        page.get_by_text("feedback #").wait_for()
        after = acked_id(page)
    rows = {r.id: r for r in list_feedback("triage", limit=10_000) if r.user_name == USER}
    assert set(acked) | {after} <= set(rows) and rows[after].comment == "after the restart"
    assert verify().ok
    print(f"kill -9 of the server: {len(acked)} acknowledged rows found, {len(stored) - len(acked)} of the click in "
          f"flight stored; a new server signed in and stored #{after}")
