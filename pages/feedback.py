"""Feedback review page: what people said about routings, medication lists and treatment suggestions, newest first."""

import streamlit as st

from core import resources as R

st.title("Feedback review")
st.caption("Verdicts and corrections sent from the Triage, Medications and Treatments pages. Note texts are hidden unless you "
           "ask for them.")

show_text = st.checkbox("Show note texts", value=False)
frame = R.feedback_frame(show_text=show_text)
drug_frame = R.drug_feedback_frame(show_text=show_text)
treatment_frame = R.treatment_feedback_frame(show_text=show_text)

if frame.empty:
    st.info("No triage feedback yet. Triage a note and use “Looks right” or “Flag as wrong”.")
else:
    wrong = int((frame["verdict"] == "wrong").sum())
    st.metric("Feedback received", len(frame), help="Most recent 500 rows.")
    st.caption(f"{wrong} flagged as wrong, {len(frame) - wrong} confirmed.")
    st.dataframe(frame, hide_index=True, width="stretch",
                 column_config={"time": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
                                "confidence": st.column_config.NumberColumn(format="percent"),
                                "note": st.column_config.TextColumn(width="large")})

for title, other, empty in (
        ("Medication corrections", drug_frame, "None yet: corrections sent from the Medications page appear here."),
        ("Treatment suggestion feedback", treatment_frame,
         "None yet: accepts, rejections and missing treatments sent from the Treatments page appear here.")):
    st.subheader(title)
    if other.empty:
        st.caption(empty)
    else:
        st.dataframe(other, hide_index=True, width="stretch",
                     column_config={"time": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
                                    "note": st.column_config.TextColumn(width="large")})
