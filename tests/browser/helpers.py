"""Run the real app (``streamlit run``) and drive Debian's chromium through Playwright.

The browser tests' shared steps; :mod:`tests.browser.screenshots` runs the same steps over the real trained models to
refresh the README's screenshots: ``python -m tests.browser.screenshots [NAME ...]``.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

#: The environment this process started with, before tests.conftest (imported below) points the settings at temporary
#: folders: what :mod:`tests.browser.screenshots` serves (the real models).
CALLER_ENV = dict(os.environ)

from tests.conftest import ensure_account  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
#: How long :func:`wait_idle` waits for a rerun by default (the screenshots' real models need longer than tiny ones).
IDLE_MS = 90_000.0
#: Password of the accounts the browser tests create (:func:`create_account`).
PASSWORD = "browser-test-password"


#: Marks of every real-browser test module (``pytestmark = BROWSER_MARKS``).
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                                                     "(`make test` installs it)"),
]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(env: dict[str, str] | None = None, timeout: float = 90.0) -> Iterator[str]:
    """``streamlit run app.py`` on a free loopback port (inheriting ``env``); yields its URL."""
    with streamlit_process(env, timeout) as (url, _proc):
        yield url


@contextlib.contextmanager
def streamlit_process(env: dict[str, str] | None = None,
                      timeout: float = 90.0) -> Iterator[tuple[str, subprocess.Popen]]:
    """:func:`streamlit_server`, yielding (URL, the server's process) for tests that watch or kill the server
    (its memory, ``kill -9``); a server already gone at the end is fine."""
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]
    # The log stays open across the yield as the server's stdout; it is closed and removed in the finally below.
    log = tempfile.NamedTemporaryFile(prefix="notelens-streamlit-", suffix=".log", delete=False)  # noqa: SIM115
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env or os.environ.copy(), stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{Path(log.name).read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"streamlit not healthy after {timeout} s:\n{Path(log.name).read_text()[-3000:]}")
            time.sleep(0.25)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        os.unlink(log.name)


@contextlib.contextmanager
def chromium_page(width: int = 1440, height: int = 1000, timeout_ms: float = 45_000) -> Iterator[object]:
    """A Playwright page in Debian's chromium (never ``playwright install``)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.set_default_timeout(timeout_ms)
            yield page
        finally:
            browser.close()


def wait_idle(page, timeout_ms: float | None = None) -> None:
    """Wait until the script has finished its rerun (give a triggered rerun a moment to start first)."""
    page.wait_for_timeout(200)
    page.wait_for_selector(IDLE, timeout=IDLE_MS if timeout_ms is None else timeout_ms)


def open_app(page, url: str) -> None:
    """Open the app: until someone signs in it shows only the sign-in form (:func:`sign_in`)."""
    page.goto(url)
    page.wait_for_selector("[data-testid='stApp']")
    page.get_by_text("Sign in to NoteLens").wait_for()
    wait_idle(page)


def create_account(name: str, role: str = "clinician", password: str = PASSWORD) -> str:
    """Make sure the database the server uses (this process's ``NOTELENS_DB_URL``) has an enabled account."""
    return ensure_account(name, role, password)


def serve(*accounts: tuple[str, str]):
    """A server over the tests' temporary models and database, with ``accounts`` (name, role) created in it
    (password :data:`PASSWORD`), for a module's ``server`` fixture."""
    assert os.environ["NOTELENS_DB_URL"] and os.environ["NOTELENS_MODELS_DIR"]
    for name, role in accounts:
        create_account(name, role)
    with streamlit_server() as url:
        yield url


def submit_sign_in(page, name: str, password: str = PASSWORD) -> None:
    """Fill the sign-in form, press *Sign in* and wait for the rerun."""
    page.get_by_role("textbox", name="User name", exact=True).fill(name)
    page.get_by_label("Password", exact=True).fill(password)
    page.locator("[data-testid='stBaseButton-primaryFormSubmit']", has_text="Sign in").click()
    wait_idle(page)


def sign_in(page, name: str, password: str = PASSWORD) -> None:
    """Fill the sign-in form and wait for the default page."""
    submit_sign_in(page, name, password)
    page.get_by_text("Triage a clinical note").wait_for()
    wait_idle(page)


def go_to(page, link: str, heading: str) -> None:
    """Follow the sidebar's ``link`` and wait for the page's ``heading``."""
    page.get_by_role("link", name=link).click()
    wait_idle(page)
    page.get_by_text(heading).first.wait_for()


def paste_and_run(page, note: str, button: str) -> None:
    """Paste ``note`` into the page's note box and press its primary ``button``."""
    box = page.get_by_role("textbox", name="Clinical note", exact=True)
    box.fill(note)
    box.press("Control+Enter")
    wait_idle(page)
    page.locator("[data-testid='stBaseButton-primary']", has_text=button).click()
    wait_idle(page)


def paste_and_triage(page, note: str) -> None:
    paste_and_run(page, note, "Triage")
    page.get_by_text("Most likely services").wait_for()
    page.locator(".nl-heatmap").wait_for()


def pick(page, label: str, option: str) -> None:
    """Choose ``option`` in the selectbox labelled ``label`` (typing filters the list and opens it)."""
    page.get_by_role("combobox", name=label, exact=True).click()
    page.keyboard.type(option)
    page.get_by_role("option").filter(has_text=option).first.click()


def choose_sample(page, name: str) -> None:
    pick(page, "Start from a sample note", name)
    wait_idle(page)


def flag_as_wrong(page, service_title: str, comment: str) -> None:
    pick(page, "Right service", service_title)
    page.get_by_role("textbox", name="Comment (optional)", exact=True).fill(comment)
    page.locator("[data-testid='stBaseButton-secondaryFormSubmit']", has_text="Flag as wrong").click()
    wait_idle(page)
    page.get_by_text("feedback #").wait_for()


class Watch:
    """What a page did that it never should: dialogs it opened (``alert``) and requests to hosts other than the
    app's (dialogs are dismissed so the page goes on)."""

    def __init__(self, page, url: str) -> None:
        from urllib.parse import urlparse

        self.dialogs: list[str] = []
        self.outside: list[str] = []
        host = urlparse(url).hostname

        def on_request(request) -> None:
            parsed = urlparse(request.url)
            if parsed.scheme not in ("data", "blob", "about") and parsed.hostname != host:
                self.outside.append(request.url)

        def on_dialog(dialog) -> None:
            self.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("request", on_request)
        page.on("dialog", on_dialog)


def upload(page, name: str, data: bytes, mime: str = "text/plain") -> None:
    """Give the page's file uploader a file called ``name`` holding ``data`` and wait for the rerun."""
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        {"name": name, "mimeType": mime, "buffer": data})
    wait_idle(page)


def note_box(page):
    return page.get_by_role("textbox", name="Clinical note", exact=True)
