"""Feedback review page: what people said about each task's outputs, newest first."""

import streamlit as st

from core import audit
from core.auth import can
from core.tasks import TASKS
from pages import state

user, role = state.require("review")  # first: nothing of the page for someone not signed in or not allowed

st.title("Feedback review")
st.caption("Verdicts and corrections sent from the Triage, Medications and Treatments pages. Note texts are hidden "
           "unless you ask for them.")

# Only roles allowed to read the kept note texts get the control; each showing is audited.
show_text = can(role, "feedback_review") and st.checkbox("Show note texts", value=False, key="show_note_texts")
COLUMNS = {"time": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
           "confidence": st.column_config.NumberColumn(format="percent"),
           "note": st.column_config.TextColumn(width="large")}

for name, task in TASKS.items():
    rows = state.feedback_table(name, show_text=show_text)
    if show_text and rows:
        audit.record(user, "note_text_viewed", f"feedback:{name}", {"task": name, "rows": len(rows)})
    st.subheader(f"{task.page or name.capitalize()}: {name}")
    if not rows:
        st.caption(f"None yet: feedback sent from the {task.page} page appears here.")
        continue
    verdicts = {v: sum(r["verdict"] == v for r in rows) for v in ("correct", "partially_correct", "wrong")}
    st.metric(f"Feedback received ({name})", len(rows), help="The most recent rows, at most 500.")
    st.caption(f"{verdicts['correct']} confirmed, {verdicts['partially_correct']} partly corrected, "
               f"{verdicts['wrong']} flagged as wrong.")
    st.dataframe(rows, hide_index=True, width="stretch", column_config=COLUMNS)
