"""NoteLens web app: the page router and the frame shared by every page (``streamlit run app.py``)."""

import streamlit as st

from core.db.models import USER_ROLES
from pages import state

st.set_page_config(page_title="NoteLens", page_icon=":material/stethoscope:", layout="wide")

page = st.navigation([
    st.Page("pages/triage.py", title="Triage", icon=":material/alt_route:", default=True),
    st.Page("pages/drugs.py", title="Medications", icon=":material/medication:"),
    st.Page("pages/treatments.py", title="Treatments", icon=":material/prescriptions:"),
    st.Page("pages/feedback.py", title="Feedback review", icon=":material/rate_review:"),
])

with st.sidebar:
    st.markdown("### NoteLens")
    triage = state.model("triage")
    st.caption("  \n".join(f"{name.capitalize()} model: `{version}`" for name, version in state.versions().items())
               + f"  \nDevice: `{triage.device if triage is not None else '-'}`")
    st.text_input("Your name", key="user_name", placeholder="Needed to send feedback")
    st.selectbox("Your role", USER_ROLES, key="user_role", format_func=str.capitalize)
    st.caption(":material/lock: Notes are processed in memory and not stored, unless you submit feedback "
               "on one (then its text is kept to retrain the model).")
    st.caption("Decision support only: a clinician reviews every routing, medication list and suggested "
               "treatment.")

page.run()
