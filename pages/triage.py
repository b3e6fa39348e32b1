"""Triage page: a note in; the service to route it to, red flags and why, and a way to say it is wrong."""

import streamlit as st

from core import resources as R
from core.explain.attribution import METHODS
from core.explain.render import escape_markdown, highlight_spans_html, probability_figure, summary_sentence
from core.labels import SERVICE_DESCRIPTIONS, SERVICES, service_title
from pages.components import explanation_panel, method_picker, note_input

st.title("Triage a clinical note")
st.caption("NoteLens suggests the service a note should be routed to, flags urgent findings and shows which "
           "words drove the suggestion. It supports, and never replaces, a clinician's judgement.")

if R.triage_pipeline() is None:
    st.error(R.TRAIN_HINT, icon=":material/model_training:")
    st.stop()

# -- input ------------------------------------------------------------------------------------------
run = note_input("", button="Triage", icon=":material/alt_route:", height=260, read_as="triaged",
                 placeholder="Paste a note here: history, examination, results, assessment and plan.",
                 run=R.run_triage, clear=R.clear_run, current=R.current_run)
result = run.result

# -- outcome, probabilities and red flags --------------------------------------------------------------
headline, detail = R.outcome_text(result)
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
    flags = R.red_flag_rows(result, run.text)
    if not flags:
        st.caption("No red flags found by the rules (they look for a fixed list of urgent findings; "
                   "their absence does not mean the note is not urgent).")
    for flag in flags:
        show = st.error if R.is_severe(flag["severity"]) else st.warning
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
target_col, method_col = st.columns([3, 2])
probability = {s.label: s.probability for s in result.scores}
target = target_col.selectbox("Explain the score of", [s.label for s in result.scores], key=R.TARGET_KEY,
                              format_func=lambda label: f"{service_title(label)} ({probability[label]:.0%})")
method = method_picker(method_col, R.default_method(run), R.METHOD_KEY)
if method == "ig" and result.n_windows > R.IG_DEFAULT_MAX_WINDOWS:
    method_col.caption(f"This note spans {result.n_windows} windows: Integrated Gradients may take minutes.")
with st.spinner(f"Explaining with {METHODS[method]}..."):
    explanation = R.explain_run(run, target, method)

explanation_panel(run.text, explanation, sentence=summary_sentence(explanation, service_title(target)),
                  what=f"the probability of {service_title(target)}", legend="the service")

# -- feedback ---------------------------------------------------------------------------------------
st.subheader("Is this routing right?")
if st.button("Looks right", icon=":material/thumb_up:"):
    try:
        R.submit_feedback(run, verdict="correct", correction=result.service, comment=None)
    except ValueError as err:
        st.error(str(err))

with st.form("flag_wrong"):
    st.markdown("**Flag as wrong**: tell us where this note should have gone.")
    right = st.selectbox("Right service", SERVICES, index=None, format_func=service_title,
                         placeholder="Choose the service...", key="correct_service")
    comment = st.text_area("Comment (optional)", key="feedback_comment", height=80)
    st.caption("Sending stores this note's text with your feedback, so the model can be retrained on it.")
    if st.form_submit_button("Flag as wrong", icon=":material/flag:"):
        try:
            R.submit_feedback(run, verdict="wrong", correction=right, comment=comment)
        except ValueError as err:
            st.error(str(err))

done = R.feedback_done()
if done:
    feedback_id, verdict, correction = done
    said = f"routed to {service_title(correction)}" if verdict == "wrong" else "marked as right"
    st.success(f"Thank you: feedback #{feedback_id} saved ({said}).", icon=":material/task_alt:")
