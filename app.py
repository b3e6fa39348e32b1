"""NoteLens web app: the page router and the frame shared by every page (``streamlit run app.py``).

Nothing but the sign-in form is shown until someone signs in; then only the pages their role allows are routed
(:func:`core.auth.allowed_pages`), and each page checks the role again itself (:func:`pages.state.require`).
"""

from pathlib import Path

import streamlit as st

from core.auth import allowed_pages
from core.explain.render import escape_markdown
from pages import auth, errors, state, training

# The page icon is the app's own file: a ``:material/...:`` page icon makes the browser fetch it from Google's font
# server (nothing leaves the machine; tests/browser/test_triage_browser.py watches every request).
st.set_page_config(page_title="NoteLens", page_icon=str(Path(__file__).resolve().parent / "assets" / "icon.png"),
                   layout="wide")

#: Every page the app can route (file, title, icon), by :data:`core.auth.PAGE_ACTIONS` name.
PAGES = {
    "triage": ("pages/triage.py", "Triage", ":material/alt_route:"),
    "drugs": ("pages/drugs.py", "Medications", ":material/medication:"),
    "treatments": ("pages/treatments.py", "Treatments", ":material/prescriptions:"),
    "feedback": ("pages/feedback.py", "Feedback review", ":material/rate_review:"),
    "review": ("pages/review.py", "Review", ":material/checklist:"),
    "agreement": ("pages/agreement.py", "Agreement", ":material/handshake:"),
    "adjudicate": ("pages/adjudicate.py", "Adjudication", ":material/gavel:"),
    "users": ("pages/users.py", "Users", ":material/manage_accounts:"),
    "audit": ("pages/audit.py", "Audit trail", ":material/policy:"),
    "exports": ("pages/exports.py", "Exports", ":material/download:"),
    "models": ("pages/models.py", "Models", ":material/model_training:"),
    "batch": ("pages/batch.py", "Batch", ":material/dataset:"),
    "model_facts": ("pages/model_facts.py", "Model facts", ":material/fact_check:"),
    "meeting": ("pages/meeting.py", "Meeting mode", ":material/co_present:"),
}

training.start()  # once per server process: the missing default models train in the background (first run)
account = auth.current_account()
if account is None:
    st.navigation([st.Page(auth.sign_in_form, title="Sign in", icon=":material/login:")], position="hidden").run()
    st.stop()
user, role = account

allowed = [name for name in allowed_pages(role) if name in PAGES]
if st.query_params.get("mode") == "meeting" and "meeting" in allowed:  # the presenter view: that page alone
    errors.run_page(st.navigation([st.Page(PAGES["meeting"][0], title=PAGES["meeting"][1], icon=PAGES["meeting"][2],
                                           default=True)], position="hidden"))
    st.stop()
# expanded: an admin has 15 pages, and a collapsed menu would hide five behind "View more"
page = st.navigation([st.Page(PAGES[name][0], title=PAGES[name][1], icon=PAGES[name][2], default=(i == 0))
                      for i, name in enumerate(allowed)], expanded=True)

with st.sidebar:
    st.markdown("### NoteLens")
    st.caption(f":material/person: Signed in as {escape_markdown(user)} ({role})")
    st.button("Sign out", icon=":material/logout:", on_click=auth.sign_out, kwargs={"reason": "button"})
    triage = state.model("triage")
    st.caption("  \n".join(f"{name.capitalize()} model: `{version}`" for name, version in state.versions().items())
               + f"  \nDevice: `{triage.device if triage is not None else '-'}`")
    training.sidebar()
    st.caption(":material/lock: Notes are processed in memory and not stored, unless you submit feedback "
               "on one (then its text is kept to retrain the model).")
    st.caption("Decision support only: a clinician reviews every routing, medication list and suggested "
               "treatment.")

errors.run_page(page)
