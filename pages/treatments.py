"""Treatment page: the conditions a note describes, candidate treatments with their basis, and their flags."""

import streamlit as st

from core.explain.render import escape_markdown
from core.labels import CONDITION_STATUS_TEXT
from core.treatments.present import (
    condition_rows,
    context_lines,
    flag_summary,
    legend_html,
    note_html,
    suggestion_rows,
    withheld_rows,
)
from core.treatments.suggest import DISCLAIMER
from pages import state
from pages.components import (
    FEEDBACK_NOTICE,
    SEVERITY_ICON,
    explain_picker,
    explanation,
    explanation_panel,
    note_input,
    report_downloads,
    require_model,
    send,
    span_corrections,
)

state.require("run")  # first: nothing of the page for someone not signed in or not allowed

P = state.PREFIX["treatments"]

st.title("Treatment suggestions")
st.warning(DISCLAIMER, icon=":material/info:")
require_model("treatments")

# -- input ------------------------------------------------------------------------------------------
run = note_input("treatments", button="Suggest treatments", icon=":material/prescriptions:",
                 placeholder="Paste a note here: history, medications, allergies, assessment...")
result = run.result

# -- conditions and patient context ------------------------------------------------------------------------
mentions = result.conditions.mentions
st.subheader(f"{len(mentions)} condition mention{'s' if len(mentions) != 1 else ''} "
             f"({len(result.conditions.present())} present)")
v = result.versions
st.caption(f"Conditions `{v.get('conditions')}`, ranker `{v.get('ranker')}`, knowledge base v{v.get('kb')}; "
           f"{run.seconds * 1000:.0f} ms. Only present conditions drive suggestions.")
st.html(legend_html())
st.html(note_html(run.text, result))
if mentions:
    st.dataframe(condition_rows(result), hide_index=True, width="stretch")
else:
    st.info("No condition found in this note.", icon=":material/search_off:")
for line in context_lines(result):
    st.markdown(line)

# -- suggestions ------------------------------------------------------------------------------------------
st.subheader("Candidate treatments")
st.caption("Within each condition: candidates without a major flag and not already taken first, then by the "
           "ranker's fit for this note; an adjunct (add-on), supportive (symptom relief or prevention) or "
           "specialist-only row never ranks above a first-line one the patient can start. The role and the source "
           "are the knowledge-base row's.")
groups = result.by_condition()
if not groups:
    st.info("No present condition of the knowledge base was found, so there is nothing to suggest.",
            icon=":material/search_off:")
if result.unmatched:
    st.caption("Present, but the knowledge base has no treatment row for: " + ", ".join(
        dict.fromkeys(f"“{escape_markdown(m.text)}”" for m in result.unmatched)))
for items in groups.values():
    first = items[0]
    said = ", ".join(dict.fromkeys(f"“{e.text}”" for e in first.evidence))
    with st.container(border=True):
        st.markdown(f"**{escape_markdown(first.condition_name)}** (the note says {escape_markdown(said)})")
        st.dataframe(suggestion_rows(items, run.model.kb), hide_index=True, width="stretch",
                     column_config={"fit": st.column_config.ProgressColumn(format="%.2f", min_value=0, max_value=1,
                                                                           help="sigmoid of the ranker's score"),
                                    "role": st.column_config.TextColumn(
                                        help="the knowledge-base row's role for this condition: first-line, "
                                             "alternative, adjunct (add-on to a primary agent), supportive (symptom "
                                             "relief or prevention around the disease) or specialist only"),
                                    "#": st.column_config.NumberColumn(width="small")})
        headline, details = flag_summary(items)
        for severity, line in headline:
            st.markdown(f"{SEVERITY_ICON[severity]} {escape_markdown(line)}")
        if details:
            with st.expander(f"{len(details)} more flag{'s' if len(details) != 1 else ''} (moderate, minor, "
                             "other sources)"):
                for severity, line in details:
                    st.markdown(f"{SEVERITY_ICON[severity]} {escape_markdown(line)}")
if result.withheld:
    with st.expander(f"Not suggested: {len(result.withheld)} contraindicated candidate"
                     f"{'s' if len(result.withheld) != 1 else ''}", icon=":material/block:"):
        st.dataframe(withheld_rows(result), hide_index=True, width="stretch")

# -- explanation ----------------------------------------------------------------------------------------
if result.suggestions and run.model.ranker is not None:
    st.subheader("Why this order?")
    index, method = explain_picker(run, "Explain the score of")
    exp = explanation(run, index, method)
    s = result.suggestions[index]
    top = ", ".join(f"“{w.text}”" for w in exp.top(5)) or "none"
    explanation_panel(run.text, exp, legend=f"the rank of {s.drug}",
                      what=f"{s.drug}'s share among the candidates for {s.condition_name}",
                      sentence=f"The words that most raised {s.drug} among the treatments of {s.condition_name}: "
                               f"{top}.")

# -- feedback -----------------------------------------------------------------------------------------------
st.subheader("Feedback on the suggestions")
st.caption(FEEDBACK_NOTICE)
with st.form(P + "judge"):
    labels = {i: t.label for i, t in enumerate(state.targets(run))}
    index = st.selectbox("Suggestion", list(labels), format_func=labels.get, key=P + "judge_pick",
                         placeholder="No suggestion to judge" if not labels else None)
    verdict = st.radio("Verdict", ["accept", "reject"], horizontal=True, key=P + "judge_verdict",
                       format_func={"accept": "Accept", "reject": "Reject"}.get)
    reason = st.text_input("Reason (needed to reject)", key=P + "judge_reason",
                           placeholder="e.g. not first-line here, patient declined, interaction")
    if st.form_submit_button("Send feedback", icon=":material/rate_review:"):
        send(run, verdict, index=index, reason=reason)

with st.form(P + "missing"):
    st.markdown("**Add a missing treatment**")
    conds = {m.normalized.kb_id: m.normalized.title for m in result.conditions.present()
             if m.normalized and m.normalized.kb_id}
    c1, c2 = st.columns(2)
    cond_id = c1.selectbox("For", list(conds), format_func=conds.get, key=P + "missing_cond")
    drug = c2.text_input("Treatment", key=P + "missing_drug")
    why = st.text_input("Why (optional)", key=P + "missing_reason")
    if st.form_submit_button("Add", icon=":material/add:"):
        send(run, "add_missing", condition_id=cond_id, drug=drug or "", reason=why)

for feedback_id, correction in state.feedback_done(run):
    st.success(f"Saved feedback #{feedback_id} ({escape_markdown(correction.summary)}).", icon=":material/task_alt:")

# -- condition corrections ------------------------------------------------------------------------------------
with st.expander("Correct the conditions found", icon=":material/edit:"):
    span_corrections(run, "conditions", result.conditions, P + "cond_fix", status_text=CONDITION_STATUS_TEXT)

# -- case report ---------------------------------------------------------------------------------------
report_downloads(run, {"treatments": result},
                 {"treatments": exp} if result.suggestions and run.model.ranker is not None else {})
