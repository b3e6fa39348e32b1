"""Feedback review page: what people said about each task's outputs, newest first."""

import streamlit as st

from core.tasks import TASKS
from pages import state

st.title("Feedback review")
st.caption("Verdicts and corrections sent from the Triage, Medications and Treatments pages. Note texts are hidden "
           "unless you ask for them.")

show_text = st.checkbox("Show note texts", value=False)
COLUMNS = {"time": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
           "confidence": st.column_config.NumberColumn(format="percent"),
           "note": st.column_config.TextColumn(width="large")}

for name, task in TASKS.items():
    rows = state.feedback_table(name, show_text=show_text)
    st.subheader(f"{task.page or name.capitalize()}: {name}")
    if not rows:
        st.caption(f"None yet: feedback sent from the {task.page} page appears here.")
        continue
    verdicts = {v: sum(r["verdict"] == v for r in rows) for v in ("correct", "partially_correct", "wrong")}
    st.metric(f"Feedback received ({name})", len(rows), help="The most recent rows, at most 500.")
    st.caption(f"{verdicts['correct']} confirmed, {verdicts['partially_correct']} partly corrected, "
               f"{verdicts['wrong']} flagged as wrong.")
    st.dataframe(rows, hide_index=True, width="stretch", column_config=COLUMNS)
