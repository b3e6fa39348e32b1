"""A page that fails shows a clear message and an error id; the server log gets the id, the exception's type and
where it was raised, never its message (which may quote the note)."""

from __future__ import annotations

import logging
import traceback
import uuid
from typing import Any

import streamlit as st

log = logging.getLogger("notelens")


def log_failure(exc: BaseException) -> str:
    """Log ``exc`` without its message (frames and type only) and return the error id the page shows."""
    error_id = uuid.uuid4().hex[:10]
    frames = "".join(traceback.TracebackException.from_exception(exc).stack.format())
    log.error("error id %s: %s raised\n%s", error_id, type(exc).__qualname__, frames)
    return error_id


def run_page(page: Any) -> None:
    """Run the routed page; an unexpected exception becomes a message with an error id (``st.stop``/``st.rerun``
    are not exceptions of this kind and pass through)."""
    try:
        page.run()
    except Exception as exc:  # noqa: BLE001 - every failure of a page is reported the same way
        error_id = log_failure(exc)
        st.error(f"Something went wrong on this page; nothing you entered was stored. Error id `{error_id}`: give "
                 "it to your administrator, the server log has the details.", icon=":material/error:")
