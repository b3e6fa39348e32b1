"""The admin pages through AppTest: managing users (and the rules that keep an admin in), the audit trail's filters
and its audited CSV export, the admin-only feedback export, and nothing of them for the other roles."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core import auth
from core.audit import list_events, record
from tests.app.helpers import APP, account, click, open_page

PAGES = Path(APP).parent / "pages"


@pytest.fixture(autouse=True)
def _fresh(auth_db_url):
    """A fresh database for each test (so 'the last admin' means something) and fresh shared caches."""
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def page(name: str, user: str, role: str) -> AppTest:
    return open_page(name, user, role)


def alerts(at: AppTest) -> str:
    return "\n".join(str(e.value) for e in [*at.error, *at.success, *at.warning]).replace("\\", "")


# -- users ------------------------------------------------------------------------------------------------------
def test_an_admin_adds_a_user_with_a_one_time_password_changes_the_role_and_disables_them():
    at = page("users", "root", "admin")
    assert at.title[0].value == "Users"
    assert list(at.dataframe[0].value["name"]) == ["root"]
    assert "hash" not in " ".join(at.dataframe[0].value.columns)

    at.text_input(key="users_add_name").input("Nurse.Kim")
    at.selectbox(key="users_add_role").select("annotator")
    click(at, "Add user")
    assert "Added nurse.kim (annotator)" in alerts(at), alerts(at)
    (one_time,) = [c.value for c in at.code]
    assert auth.get_user("nurse.kim").role == "annotator"
    assert auth.authenticate("nurse.kim", one_time).ok
    assert set(at.dataframe[0].value["name"]) == {"root", "nurse.kim"}  # the table already shows the change
    click(at, "Add user")  # any later run: the password is gone, and the name box was emptied
    assert not at.code and "Added" not in alerts(at)
    assert "user name" in alerts(at)

    at.selectbox(key="users_pick").select("nurse.kim")
    at.selectbox(key="users_pick_role").select("clinician")
    click(at, "Change role")
    assert "nurse.kim is now clinician" in alerts(at) and auth.get_user("nurse.kim").role == "clinician"
    click(at, "Disable")
    assert auth.get_user("nurse.kim").disabled
    table = at.dataframe[0].value.set_index("name")
    assert bool(table.loc["nurse.kim", "disabled"]) and table.loc["nurse.kim", "role"] == "clinician"
    click(at, "Enable")
    assert not auth.get_user("nurse.kim").disabled
    click(at, "Reset password")
    (reset,) = [c.value for c in at.code]
    assert reset != one_time and auth.authenticate("nurse.kim", reset).ok

    events = [e for e in reversed(list_events(100)) if e.target == "user:nurse.kim" and e.actor == "root"]
    assert [e.action for e in events] == ["user_added", "role_changed", "user_disabled", "user_enabled",
                                          "password_changed"]
    assert one_time not in str([e.as_dict() for e in list_events(100)])


def test_a_typed_password_must_match_and_is_not_kept():
    at = page("users", "root", "admin")
    at.text_input(key="users_add_name").input("bob")
    at.text_input(key="users_add_pw").input("a long password 1")
    at.text_input(key="users_add_pw2").input("a long password 2")
    click(at, "Add user")
    assert "passwords differ" in alerts(at) and auth.get_user("bob") is None
    assert at.text_input(key="users_add_pw").value == "" and at.text_input(key="users_add_pw2").value == ""
    at.text_input(key="users_add_pw").input("a long password 1")
    at.text_input(key="users_add_pw2").input("a long password 1")
    click(at, "Add user")
    assert "Added bob (clinician)" in alerts(at) and not at.code  # typed: nothing to show
    assert auth.authenticate("bob", "a long password 1").ok


def test_the_admin_cannot_disable_or_demote_themselves_or_the_last_admin():
    at = page("users", "root", "admin")
    at.selectbox(key="users_pick").select("root")
    click(at, "Disable")
    assert "cannot disable your own account" in alerts(at)
    at.selectbox(key="users_pick_role").select("clinician")
    click(at, "Change role")
    assert "cannot change your own role" in alerts(at)
    assert auth.get_user("root").role == "admin" and not auth.get_user("root").disabled
    # The CLI acts as "system", not as an admin: the last enabled admin is refused there too (core.auth).
    with pytest.raises(ValueError, match="last enabled admin"):
        auth.disable_user("root")
    with pytest.raises(ValueError, match="last enabled admin"):
        auth.set_role("root", "annotator")
    assert not [e for e in list_events(100) if e.target == "user:root" and e.action != "user_added"]


def test_a_demoted_admin_cannot_use_a_form_drawn_before():
    account("second", "admin")
    at = page("users", "root", "admin")
    auth.set_role("root", "annotator", actor="second")  # meanwhile, in another session
    at.text_input(key="users_add_name").input("eve")
    click(at, "Add user")
    assert auth.get_user("eve") is None
    assert any("does not allow this page" in e.value for e in at.error) and not at.dataframe


# -- audit trail ------------------------------------------------------------------------------------------------
def test_the_audit_page_filters_and_its_export_is_audited():
    account("root", "admin")
    for i in range(3):
        record("alice", "note_text_viewed", f"feedback:drugs-{i}", {"rows": i})
    record("bob", "note_text_viewed", "feedback:triage")
    record("alice", "export", "prediction:7")
    at = page("audit", "root", "admin")
    assert at.title[0].value == "Audit trail"
    assert any("Chain intact" in s.value for s in at.success)

    at.selectbox(key="audit_actor").select("alice")
    at.multiselect(key="audit_actions").select("note_text_viewed")
    at.text_input(key="audit_target").input("DRUGS")
    at.run()
    assert not at.exception, at.exception
    shown = at.dataframe[0].value
    assert list(shown["target"]) == ["feedback:drugs-2", "feedback:drugs-1", "feedback:drugs-0"]
    assert any("3 events match" in c.value for c in at.caption)
    assert not list_events(1, action="audit_exported")  # looking is not exporting

    click(at, "Prepare CSV export")
    flt, done = at.session_state["audit_export"]
    rows = list(csv.DictReader(io.StringIO(done.csv)))
    assert [r["target"] for r in rows] == ["feedback:drugs-2", "feedback:drugs-1", "feedback:drugs-0"]
    assert {r["actor"] for r in rows} == {"alice"} and json.loads(rows[0]["details"]) == {"rows": 2}
    assert at.get("download_button")
    (event,) = list_events(1, action="audit_exported")
    assert (event.actor, event.target) == ("root", "audit_events")
    assert event.details == {"filter": {"actor": "alice", "actions": ["note_text_viewed"], "target_contains": "DRUGS"},
                             "rows": 3, "total": 3}

    at.text_input(key="audit_target").input("")  # another filter: the prepared file is no longer offered
    at.run()
    assert not at.get("download_button") and len(at.dataframe[0].value) == 3


def test_the_audit_page_refuses_a_backwards_date_range_and_reports_a_broken_chain():
    from datetime import date

    from sqlalchemy import text

    from core.db.engine import get_engine

    account("root", "admin")
    tampered = record("alice", "export", "prediction:1", {"n": 1})
    record("alice", "export", "prediction:2", {"n": 2})
    at = page("audit", "root", "admin")
    at.date_input(key="audit_since").set_value(date(2026, 3, 2))
    at.date_input(key="audit_until").set_value(date(2026, 3, 1))
    at.run()
    assert "starts" in alerts(at) and not at.dataframe
    with get_engine().begin() as conn:
        conn.execute(text("UPDATE audit_events SET target = 'prediction:9' WHERE id = :id"), {"id": tampered.id})
    at.run()
    assert any(f"Chain broken at row {tampered.id}" in e.value for e in at.error)


@pytest.mark.parametrize("name", ["users", "audit"])
@pytest.mark.parametrize("role", ["clinician", "annotator"])
def test_other_roles_get_the_refusal_and_nothing_of_the_admin_pages(name, role):
    at = page(name, f"not.admin.{role}", role)
    assert [e.value for e in at.error] == [f"Your role ({role}) does not allow this page."]
    assert not at.title and not at.dataframe and not at.text_input and not at.button and not at.selectbox
    assert not at.code and not at.get("download_button")


# -- feedback export --------------------------------------------------------------------------------------------
def _stored_feedback() -> None:
    from core.db.engine import init_db
    from core.db.store import record_feedback, record_prediction

    init_db()
    prediction = record_prediction("triage", "test-v1", "A kept export note.", {"service": "orthopedics"})
    record_feedback(prediction, user_name="dr.kim", user_role="clinician", verdict="correct",
                    note_text="A kept export note.")


def test_only_an_admin_can_export_feedback():
    _stored_feedback()
    at = page("feedback", "ann", "annotator")
    assert at.title[0].value == "Feedback review"
    assert not any(b.label == "Prepare export" for b in at.button) and not at.get("download_button")
    assert "Export feedback" not in " ".join(s.value for s in at.subheader)
    assert not auth.can("annotator", "export")


def test_a_feedback_export_is_audited_with_its_task_rows_and_whether_texts_were_included():
    _stored_feedback()
    at = page("feedback", "root", "admin")
    at.selectbox(key="feedback_export_task").select("triage")
    click(at, "Prepare export")
    (choice, file_name, data, n) = at.session_state["feedback_export"]
    rows = list(csv.DictReader(io.StringIO(data)))
    assert file_name == "notelens-feedback-triage.csv" and n == len(rows) == 1
    assert rows[0]["user"] == "dr.kim" and rows[0]["verdict"] == "correct" and "note" not in rows[0]
    assert at.get("download_button")
    (event,) = list_events(1, action="feedback_exported")
    assert (event.actor, event.target) == ("root", "feedback:triage")
    assert event.details == {"task": "triage", "rows": 1, "note_texts": False, "format": "csv"}

    at.radio(key="feedback_export_format").set_value("JSONL")
    at.checkbox(key="feedback_export_texts").check()
    at.run()
    assert not at.get("download_button")  # the CSV was for other choices
    click(at, "Prepare export")
    (_, file_name, data, _) = at.session_state["feedback_export"]
    (line,) = [json.loads(x) for x in data.splitlines()]
    assert file_name.endswith(".jsonl") and line["note"] == "A kept export note." and line["user"] == "dr.kim"
    (event,) = list_events(1, action="feedback_exported")
    assert event.details == {"task": "triage", "rows": 1, "note_texts": True, "format": "jsonl"}
    assert "A kept export note." not in str(event.details)

