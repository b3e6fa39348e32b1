"""Async twins of :mod:`tests.browser.helpers`' steps, for driving several sessions at once (Playwright's async
API): the eight-sessions test and the 200-run memory bench (``bench/bench_sessions_memory.py``) share them.

``TIMEOUT_MS`` bounds every wait; the bench raises it (its server is busier for longer).
"""

from __future__ import annotations

from tests.browser import helpers as h

TIMEOUT_MS = 150_000


async def idle(page) -> None:
    """Wait until the script has finished its rerun (give a triggered rerun a moment to start first)."""
    await page.wait_for_timeout(200)
    await page.wait_for_selector(h.IDLE, timeout=TIMEOUT_MS)


async def sign_in(page, url: str, name: str, password: str = h.PASSWORD) -> None:
    """Open the app, fill the sign-in form and wait for the default page."""
    await page.goto(url)
    await page.get_by_text("Sign in to NoteLens").wait_for()
    await idle(page)
    await page.get_by_role("textbox", name="User name", exact=True).fill(name)
    await page.get_by_label("Password", exact=True).fill(password)
    await page.locator("[data-testid='stBaseButton-primaryFormSubmit']", has_text="Sign in").click()
    await idle(page)
    await page.get_by_text("Triage a clinical note").wait_for()
    await idle(page)


async def go_to(page, link: str, heading: str) -> None:
    """Follow the sidebar's ``link`` and wait for the page's ``heading``."""
    await page.get_by_role("link", name=link).click()
    await idle(page)
    await page.get_by_text(heading).first.wait_for()


async def paste_and_run(page, note: str, button: str) -> None:
    """Paste ``note`` into the page's note box, press its primary ``button`` and wait for the explanation."""
    box = page.get_by_role("textbox", name="Clinical note", exact=True)
    await box.fill(note)
    await box.press("Control+Enter")
    await idle(page)
    await page.locator("[data-testid='stBaseButton-primary']", has_text=button).click()
    await idle(page)
    await page.locator(".nl-heatmap").first.wait_for()
    await idle(page)
