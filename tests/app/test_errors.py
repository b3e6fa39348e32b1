"""A failing page: a clear message with an error id on the page, the id, type and frames in the log, no note text."""

from __future__ import annotations

import logging

from streamlit.testing.v1 import AppTest

from pages.errors import log_failure


def test_the_log_has_the_id_type_and_frames_but_not_the_message(caplog):
    def analyse(note: str) -> None:
        raise ValueError(f"could not parse {note!r}")  # the message quotes the note; the code line does not

    note = "Patient: Zebulon Quixote, DOB 1957-03-14"
    try:
        analyse(note)
    except ValueError as exc:
        with caplog.at_level(logging.ERROR, logger="notelens"):
            error_id = log_failure(exc)
    logged = caplog.text
    assert error_id in logged and "ValueError" in logged and "in analyse" in logged
    assert "Zebulon" not in logged and "1957" not in logged


def _failing_app() -> None:
    import streamlit as st

    from pages.errors import run_page

    class Page:
        def run(self) -> None:
            if st.session_state.get("mode") == "stop":
                st.write("stopped here")
                st.stop()
            raise KeyError("Zebulon Quixote")

    run_page(Page())


def test_a_failing_page_shows_an_error_id_and_no_traceback():
    at = AppTest.from_function(_failing_app).run()
    assert not at.exception
    (error,) = at.error
    assert "Error id" in error.value and "Zebulon" not in error.value and "KeyError" not in error.value


def test_st_stop_is_not_a_failure():
    at = AppTest.from_function(_failing_app)
    at.session_state["mode"] = "stop"
    at.run()
    assert not at.exception and not at.error and at.markdown[0].value == "stopped here"
