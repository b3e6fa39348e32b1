"""What the AppTest page tests share: opening the app on a page, pressing buttons, running a note, signing in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.conftest import ensure_account

APP = str(Path(__file__).resolve().parents[2] / "app.py")
TIMEOUT = 120
#: Password of every test account (:func:`account`).
PASSWORD = "test-password-123"
#: Account open_app signs in unless told otherwise.
DEFAULT_USER = ("dr.test", "clinician")


def open_app(page: str | None, title: str, user: tuple[str, str] = DEFAULT_USER) -> Iterator[AppTest]:
    """The app (fresh shared caches) on ``page`` (``pages/x.py``; None: the default page), showing ``title``,
    with ``user`` (name, role) signed in."""
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    sign_in(at, *user)
    at.run()  # the Triage page is the default one (AppTest drops the sidebar after a switch_page)
    if page is not None:
        at.switch_page(page)
        at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == title
    yield at
    st.cache_resource.clear()


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def run_note(at: AppTest, key: str, text: str, label: str) -> AppTest:
    """Type ``text`` in the note box ``key`` and press the page's primary button ``label``."""
    at.text_area(key=key).input(text)
    button(at, label).click()
    at.run()
    assert not at.exception, at.exception
    return at


def account(name: str, role: str = "clinician") -> str:
    """Make sure the test database has an enabled account ``name`` with ``role`` (password :data:`PASSWORD`)."""
    return ensure_account(name, role, PASSWORD)


def sign_in(at: AppTest, name: str, role: str = "clinician") -> None:
    """Sign ``name`` in with ``role`` for the next run, as the sign-in form would (the form itself is tested in
    test_auth_pages.py): the account exists in the test database and the session holds it."""
    at.session_state["auth_user"] = account(name, role)
    at.session_state["auth_role"] = role
    at.session_state["auth_last_activity"] = datetime.now(UTC)


def open_page(name: str, user: str, role: str, **picks: str) -> AppTest:
    """``pages/<name>.py`` alone (no router) with ``user`` signed in, after choosing ``picks`` (selectbox key ->
    option) in order, each followed by a run."""
    at = AppTest.from_file(str(Path(APP).parent / "pages" / f"{name}.py"), default_timeout=TIMEOUT)
    sign_in(at, user, role)
    at.run()
    assert not at.exception, at.exception
    for key, option in picks.items():
        at.selectbox(key=key).select(option)
        at.run()
        assert not at.exception, at.exception
    return at


def click(at: AppTest, label: str) -> AppTest:
    """Press the button ``label`` and run."""
    button(at, label).click()
    at.run()
    assert not at.exception, at.exception
    return at
