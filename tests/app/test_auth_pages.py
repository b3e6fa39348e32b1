"""Sign-in through AppTest: nothing before signing in, the form, every page's own role check, signing out."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import streamlit as st
from streamlit.proto.TextInput_pb2 import TextInput as TextInputProto
from streamlit.testing.v1 import AppTest

from core.auth import PAGE_ACTIONS, can
from core.labels import ROLES
from tests.app.helpers import APP, PASSWORD, TIMEOUT, account, button, sign_in

ROOT = Path(APP).parent
PAGE_FILES = sorted(p.stem for p in (ROOT / "pages").glob("*.py") if p.stem in PAGE_ACTIONS)
REFUSALS = ("Sign in to use NoteLens", "does not allow this page")


@pytest.fixture(autouse=True)
def _fresh_caches():
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=TIMEOUT)


def texts(at: AppTest) -> str:
    """Everything the run showed as text (titles, captions, markdown, alerts)."""
    found = [*at.title, *at.header, *at.subheader, *at.caption, *at.markdown, *at.error, *at.info, *at.warning,
             *at.success]
    return "\n".join(str(el.value) for el in found)


def submit(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="sign_in_name").input(name)
    at.text_input(key="sign_in_password").input(password)
    button(at, "Sign in").click()
    at.run()
    assert not at.exception, at.exception
    return at


def test_without_a_session_only_the_sign_in_form_shows():
    at = app()
    at.run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Sign in to NoteLens"]
    password = at.text_input(key="sign_in_password")
    assert password.proto.type == TextInputProto.PASSWORD
    shown = texts(at)
    assert "Triage a clinical note" not in shown and "model:" not in shown and "Signed in as" not in shown
    assert not at.sidebar.caption and not at.sidebar.button  # no sidebar: no navigation, no model info
    assert not at.text_area and not at.dataframe and not at.get("plotly_chart")  # no note box, no page content


def test_wrong_password_is_refused_then_the_right_one_signs_in():
    from core.audit import list_events

    account("auth.form", "clinician")
    at = app()
    at.run()
    submit(at, "auth.form", "not-the-password-at-all")
    assert any("Wrong user name or password" in e.value for e in at.error)
    assert "auth_user" not in at.session_state
    submit(at, "nobody.here", "not-the-password-at-all")  # an unknown name gets the same message
    assert any("Wrong user name or password" in e.value for e in at.error)

    submit(at, "auth.form", PASSWORD)  # too soon after a failure: refused without checking
    assert any("Wait" in e.value for e in at.error) and "auth_user" not in at.session_state
    time.sleep(1.2)
    submit(at, "Auth.Form", PASSWORD)
    assert not any("Wrong" in e.value or "Wait" in e.value for e in at.error), [e.value for e in at.error]
    assert at.session_state["auth_user"] == "auth.form" and at.session_state["auth_role"] == "clinician"
    assert at.title[0].value == "Triage a clinical note"
    events = list_events(20, actor="auth.form")
    assert [e.action for e in events][:2] == ["sign_in", "sign_in_failed"]


def test_markup_in_the_name_is_not_rendered():
    at = app()
    at.run()
    submit(at, "**bold** <img src=x>", "not-the-password-at-all")
    assert at.error and "**bold**" not in at.error[0].value


@pytest.mark.parametrize("page", PAGE_FILES)
@pytest.mark.parametrize("role", [*ROLES, None])
def test_each_page_checks_the_role_itself(page, role):
    """A page run on its own (not through app.py's navigation) shows itself only to a role allowed to open it."""
    at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=TIMEOUT)
    if role is not None:
        sign_in(at, f"matrix.{role}", role)
    at.run()
    assert not at.exception, at.exception
    refused = [e.value for e in at.error if any(r in e.value for r in REFUSALS)]
    if role is not None and can(role, PAGE_ACTIONS[page]):
        assert not refused and at.title, refused
    else:
        assert refused and not at.title and not at.text_area and not at.dataframe and not at.checkbox


def test_showing_note_texts_is_audited():
    from core.audit import list_events
    from core.db.engine import init_db
    from core.db.store import record_feedback, record_prediction

    init_db()
    prediction = record_prediction("triage", "test-v1", "A kept note.", {"service": "orthopedics"})
    record_feedback(prediction, user_name="auth.viewer", user_role="annotator", verdict="correct",
                    note_text="A kept note.")
    at = AppTest.from_file(str(ROOT / "pages" / "feedback.py"), default_timeout=TIMEOUT)
    sign_in(at, "auth.viewer", "annotator")
    at.run()
    assert not at.exception, at.exception
    assert not list_events(10, actor="auth.viewer", action="note_text_viewed")  # texts hidden: nothing to audit
    at.checkbox(key="show_note_texts").check()
    at.run()
    assert not at.exception, at.exception
    assert "A kept note." in set(at.dataframe[0].value["note"])
    (event,) = [e for e in list_events(10, actor="auth.viewer", action="note_text_viewed")
                if e.target == "feedback:triage"]
    assert event.details["rows"] >= 1 and "A kept note." not in str(event.details)


ADMIN_PAGE_TITLES = {"feedback": "Feedback review", "users": "Users", "audit": "Audit trail", "exports": "Exports"}


@pytest.mark.parametrize("role", ROLES)
def test_navigation_routes_only_the_allowed_pages(role):
    for name, title in ADMIN_PAGE_TITLES.items():
        at = app()  # fresh each time: after a switch AppTest reruns only the page, without app.py's navigation
        sign_in(at, f"nav.{role}", role)
        at.run()
        assert not at.exception, at.exception
        if can(role, PAGE_ACTIONS[name]):
            at.switch_page(f"pages/{name}.py")
            at.run()
            assert not at.exception and at.title[0].value == title
        else:
            with pytest.raises(ValueError, match="Could not find a navigation page") as refused:
                at.switch_page(f"pages/{name}.py")  # not routed for this role
            assert "pages/drugs.py" in str(refused.value)


def test_every_page_with_an_action_exists_and_is_checked():
    """The role x page matrix above covers every page of PAGE_ACTIONS: none is declared without its file."""
    assert sorted(PAGE_ACTIONS) == PAGE_FILES


def test_a_disabled_account_is_signed_out_on_the_next_run():
    from core import auth
    from core.audit import list_events

    at = app()
    sign_in(at, "auth.disabled", "clinician")
    at.run()
    assert at.title[0].value == "Triage a clinical note"
    auth.disable_user("auth.disabled")
    at.run()  # AppTest reruns only the page after the first run: the page's own check signs out
    assert not at.exception, at.exception
    assert "auth_user" not in at.session_state and not at.title and not at.text_area
    assert any("Sign in to use NoteLens" in e.value for e in at.error)
    (event,) = list_events(1, actor="auth.disabled", action="sign_out")
    assert event.details == {"reason": "account_disabled"}

    fresh = app()  # and through app.py: only the sign-in form, saying why
    sign_in(fresh, "auth.disabled2", "clinician")
    auth.disable_user("auth.disabled2")
    fresh.run()
    assert [t.value for t in fresh.title] == ["Sign in to NoteLens"] and "auth_user" not in fresh.session_state
    assert any("disabled" in i.value for i in fresh.info)


def test_an_idle_session_is_signed_out():
    from core.audit import list_events
    from core.config import get_settings

    at = app()
    sign_in(at, "auth.idle", "clinician")
    idle = get_settings().session_idle_minutes
    at.session_state["auth_last_activity"] = datetime.now(UTC) - timedelta(minutes=idle + 1)
    at.run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Sign in to NoteLens"]
    assert any(f"Signed out after {idle} minutes idle" in i.value for i in at.info)
    (event,) = list_events(1, actor="auth.idle", action="sign_out")
    assert event.details == {"reason": "idle"}


def test_sign_out_button():
    from core.audit import list_events

    at = app()
    sign_in(at, "auth.out", "annotator")
    at.run()
    assert any("Signed in as auth.out (annotator)" in c.value.replace("\\", "") for c in at.sidebar.caption)
    button(at, "Sign out").click()
    at.run()  # AppTest reruns only the page: it refuses (a real server reruns app.py, which shows the form)
    assert not at.exception, at.exception
    assert "auth_user" not in at.session_state and not at.title and not at.text_area
    assert any("Sign in to use NoteLens" in e.value for e in at.error)
    (event,) = list_events(1, actor="auth.out", action="sign_out")
    assert event.details == {"reason": "button"}
