"""What the AppTest page tests share: opening the app on a page, pressing buttons, running a note, signing in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")
TIMEOUT = 120


def open_app(page: str | None, title: str) -> Iterator[AppTest]:
    """The app (fresh shared caches) on ``page`` (``pages/x.py``; None: the default page), showing ``title``."""
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
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


def sign_in(at: AppTest, name: str, role: str = "clinician") -> None:
    """Fill the sidebar's name and role for the next run.

    AppTest (streamlit 1.67) drops the sidebar's widgets from its tree after the first rerun of an
    st.navigation app and then resets them, so they are set through session state right before the run
    that needs them; the browser test types them for real.
    """
    at.session_state["user_name"] = name
    at.session_state["user_role"] = role
