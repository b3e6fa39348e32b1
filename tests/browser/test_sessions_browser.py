"""Eight signed-in browser sessions at once: each runs Triage, Medications and Treatments on its own note and
sends feedback, all together, against one real server.

Each note carries a made-up marker word of its session. Every page must show its own marker and no other
session's; every feedback the pages acknowledge ("feedback #N") must be stored exactly once, with the session's
user and role, on a prediction of that page's task made from that session's note (the prediction keeps only
the note's hash: it must be the hash of the note text stored with the feedback).

One chromium, one browser context (its own cookies, its own Streamlit session) per user, driven with Playwright's
async API so that the eight sessions really overlap.
"""

from __future__ import annotations

import asyncio
import re
import time

import pytest

from core.labels import service_title
from tests.browser import helpers as h
from tests.browser.async_steps import TIMEOUT_MS, go_to, idle, paste_and_run, sign_in

pytestmark = h.BROWSER_MARKS

#: (user, sign-in role): mixed roles, as the issue asks.
USERS = [(f"session.{i}", ("clinician", "annotator", "admin")[i % 3]) for i in range(8)]
#: Made-up words, none a part of another, each in one session's note only.
MARKERS = ["zorvexil", "quambrite", "flindor", "yestrapol", "krumbanet", "vospleth", "drellium", "pantovik"]
TASKS = ("triage", "drugs", "treatments")
T0 = [time.monotonic()]  # progress lines (pytest -s) count from the sessions' start


def note_of(marker: str) -> str:
    return (f"Assessment: hypertension. Chest pain radiating to the left arm with dyspnea, seen with {marker}. "
            "ECG shows ST elevation; troponin elevated. Continue metoprolol 25 mg PO BID and lisinopril 10 mg "
            f"daily for pain. Plan reviewed with {marker} today.")


@pytest.fixture(scope="module")
def server(tiny_triage_artifact, tiny_drug_artifact, tiny_condition_artifact, tiny_ranker_artifact):
    yield from h.serve(*USERS)


async def submit(page, button: str) -> None:
    await page.locator("[data-testid='stBaseButton-secondaryFormSubmit']", has_text=button).click()
    await idle(page)


async def acknowledged(page, pattern: str) -> int:
    """The feedback id the page says it saved (the success message's "feedback #N")."""
    ack = page.get_by_text(re.compile(pattern)).first
    await ack.wait_for()
    return int(re.search(r"feedback #(\d+)", await ack.inner_text()).group(1))


async def only_own_marker(page, own: str) -> None:
    """The page shows ``own`` (in the note it renders) and no other session's marker anywhere in its DOM."""
    text = re.sub(r"\s+", "", await page.locator("[data-testid='stApp']").inner_text())
    html = await page.content()
    assert own in text
    foreign = [m for m in MARKERS if m != own and (m in text or m in html)]
    assert foreign == [], f"{own}'s page shows other sessions' notes: {foreign}"


async def one_session(browser, url: str, i: int, start: asyncio.Barrier) -> dict[str, int]:
    """Sign in as user ``i``, then (once every session is signed in) run the three pages and send feedback on
    each; returns the feedback id each page acknowledged."""
    user, _role = USERS[i]
    marker = MARKERS[i]
    note = note_of(marker)
    ctx = await browser.new_context(viewport={"width": 1440, "height": 1000})
    try:
        page = await ctx.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        await sign_in(page, url, user)
        await start.wait()
        acks: dict[str, int] = {}

        await paste_and_run(page, note, "Triage")
        await page.get_by_text("Most likely services").wait_for()
        if i % 2:
            await page.get_by_role("combobox", name="Right service", exact=True).click()
            await page.keyboard.type(service_title("orthopedics"))
            await page.get_by_role("option").filter(has_text=service_title("orthopedics")).first.wait_for()
            await page.keyboard.press("Enter")  # the typed filter leaves one option, focused (it may lie off-screen)
            await page.get_by_role("textbox", name="Comment (optional)", exact=True).fill(f"not cardiac {marker}")
            await submit(page, "Flag as wrong")
        else:
            await page.locator("[data-testid='stBaseButton-secondary']", has_text="Looks right").click()
            await idle(page)
        acks["triage"] = await acknowledged(page, r"Thank you: feedback #\d+")
        print(f"{time.monotonic() - T0[0]:6.1f} s  {user}: triage feedback #{acks['triage']}", flush=True)
        await only_own_marker(page, marker)

        await go_to(page, "Medications", "Medications in a note")
        await paste_and_run(page, note, "Find medications")
        if i % 2:
            await page.locator("[data-testid='stRadio']").get_by_text("Add a missed drug", exact=True).click()
            await idle(page)
            await page.get_by_role("textbox", name="Words of the note", exact=True).fill("pain")
        else:
            await page.locator("[data-testid='stRadio']").get_by_text("All correct", exact=True).click()
            await idle(page)
        await submit(page, "Send correction")
        acks["drugs"] = await acknowledged(page, r"Saved feedback #\d+")
        print(f"{time.monotonic() - T0[0]:6.1f} s  {user}: drugs feedback #{acks['drugs']}", flush=True)
        await only_own_marker(page, marker)

        await go_to(page, "Treatments", "Treatment suggestions")
        await paste_and_run(page, note, "Suggest treatments")
        await page.get_by_role("textbox", name="Treatment", exact=True).fill("methyldopa")
        await submit(page, "Add")
        acks["treatments"] = await acknowledged(page, r"Saved feedback #\d+")
        print(f"{time.monotonic() - T0[0]:6.1f} s  {user}: treatments feedback #{acks['treatments']}", flush=True)
        await only_own_marker(page, marker)
        return acks
    finally:
        await ctx.close()


async def all_sessions(url: str) -> list[dict[str, int]]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(h.CHROMIUM), headless=True, args=h.CHROMIUM_ARGS)
        try:
            start = asyncio.Barrier(len(USERS))
            return await asyncio.gather(*(one_session(browser, url, i, start) for i in range(len(USERS))))
        finally:
            await browser.close()


def test_eight_sessions_at_once_keep_their_results_and_feedback_apart(server):
    from core.db.store import hash_text, list_feedback
    from pages.state import FEEDBACK_ROLE

    T0[0] = time.monotonic()
    acks = asyncio.run(all_sessions(server))
    seconds = time.monotonic() - T0[0]

    users = {name: (i, role) for i, (name, role) in enumerate(USERS)}
    rows = [r for r in list_feedback(limit=10_000) if r.user_name in users]
    assert len(rows) == len(USERS) * len(TASKS), [(r.user_name, r.task) for r in rows]
    assert len({r.id for r in rows}) == len(rows)
    by_key = {(r.user_name, r.task): r for r in rows}
    assert len(by_key) == len(rows), "a session's feedback on a page was stored twice"
    for name, (i, role) in users.items():
        for task in TASKS:
            row = by_key[(name, task)]
            assert row.id == acks[i][task], (name, task, row.id, acks[i][task])
            assert row.user_role == FEEDBACK_ROLE[role]
            assert row.note_text == note_of(MARKERS[i])
            assert row.input_hash == hash_text(row.note_text), "feedback on a prediction of another note"
    print(f"{len(USERS)} sessions, {len(rows)} feedback rows acknowledged and found in {seconds:.0f} s")
