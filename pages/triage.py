"""Triage page: a note in; the service to route it to, red flags and why, and a way to say it is wrong."""

import streamlit as st

from core.explain.render import escape_markdown, highlight_spans_html, probability_figure, summary_sentence
from core.labels import SERVICE_DESCRIPTIONS, SERVICES, service_title
from core.tasks.triage import IG_DEFAULT_MAX_WINDOWS
from core.triage.present import is_severe, outcome_text, red_flag_rows
from pages import state
from pages.components import (
    FEEDBACK_NOTICE,
    explain_picker,
    explanation,
    explanation_panel,
    note_input,
    report_downloads,
    require_model,
    send,
)

state.require("run")  # first: nothing of the page for someone not signed in or not allowed

st.title("Triage a clinical note")
st.caption("NoteLens suggests the service a note should be routed to, flags urgent findings and shows which "
           "words drove the suggestion. It supports, and never replaces, a clinician's judgement.")
require_model("triage")

# -- input ------------------------------------------------------------------------------------------
run = note_input("triage", button="Triage", icon=":material/alt_route:", height=260, read_as="triaged",
                 placeholder="Paste a note here: history, examination, results, assessment and plan.")
result = run.result

# -- outcome, probabilities and red flags --------------------------------------------------------------
headline, detail = outcome_text(result, run.model.artifact)
if result.uncertain:
    st.warning(f"### {headline}\n{detail}", icon=":material/person_search:")
else:
    st.success(f"### {headline}\n{detail}", icon=":material/check_circle:")
st.caption(f"{service_title(result.service)}: {SERVICE_DESCRIPTIONS.get(result.service, '')} "
           f"Model `{result.model_version}`, {run.seconds * 1000:.0f} ms, {result.n_tokens} tokens.")

chart_col, flags_col = st.columns([3, 2], gap="large")
with chart_col:
    st.subheader("Most likely services")
    st.plotly_chart(probability_figure(result.scores, result.threshold, k=5), width="stretch",
                    config={"displayModeBar": False})
with flags_col:
    st.subheader("Red flags")
    flags = red_flag_rows(result, run.text)
    if not flags:
        st.caption("No red flags found by the rules (they look for a fixed list of urgent findings; "
                   "their absence does not mean the note is not urgent).")
    for flag in flags:
        show = st.error if is_severe(flag["severity"]) else st.warning
        words = ", ".join(f"“{escape_markdown(w)}”" for w in flag["triggers"])
        show(f"**{escape_markdown(flag['name'])}** ({flag['severity']}). {escape_markdown(flag['description'])}  \n"
             f"Triggered by: {words}", icon=":material/emergency:")
    if flags:
        with st.expander("Show the trigger words in the note"):
            spans = [span for flag in flags for span in flag["spans"]]
            st.html(highlight_spans_html(run.text, spans, lambda s: "nl-flag",
                                         style_for=lambda s: "background-color:#fecaca;padding:0 0.1rem;"))

# -- explanation ------------------------------------------------------------------------------------
st.subheader("Why this service?")
target, method = explain_picker(run, "Explain the score of")
if method == "ig" and result.n_windows > IG_DEFAULT_MAX_WINDOWS:
    st.caption(f"This note spans {result.n_windows} windows: Integrated Gradients may take minutes.")
exp = explanation(run, target, method)
explanation_panel(run.text, exp, sentence=summary_sentence(exp, service_title(target)),
                  what=f"the probability of {service_title(target)}", legend="the service")

# -- feedback ---------------------------------------------------------------------------------------
st.subheader("Is this routing right?")
st.caption(FEEDBACK_NOTICE)
if st.button("Looks right", icon=":material/thumb_up:"):
    send(run, "confirm")

with st.form("flag_wrong"):
    st.markdown("**Flag as wrong**: tell us where this note should have gone.")
    right = st.selectbox("Right service", SERVICES, index=None, format_func=service_title,
                         placeholder="Choose the service...", key="correct_service")
    comment = st.text_area("Comment (optional)", key="feedback_comment", height=80)
    if st.form_submit_button("Flag as wrong", icon=":material/flag:"):
        send(run, "wrong", service=right, comment=comment)

done = state.feedback_done(run)
if done:
    feedback_id, correction = done[-1]
    st.success(f"Thank you: feedback #{feedback_id} saved ({correction.summary}).", icon=":material/task_alt:")

# -- case report ---------------------------------------------------------------------------------------
report_downloads(run, {"triage": result}, {"triage": exp})
