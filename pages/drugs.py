"""Drug page: a note in; every medication mention highlighted with its attributes, status and identity."""

import streamlit as st

from core import resources as R
from core.drugs.corrections import KINDS, attribute_fix, false_drug, find_text, missed_drug, status_fix
from core.drugs.present import legend_html, medication_rows, mention_label, note_html
from core.labels import ATTRIBUTE_LABELS, DRUG_STATUS_TEXT, DRUG_STATUSES
from core.explain.attribution import DEFAULT_METHODS, METHODS
from core.explain.render import escape_markdown
from pages.components import explanation_panel, method_picker, note_input

P = R.DRUG_PREFIX

st.title("Medications in a note")
st.caption("NoteLens highlights every medication mention with its strength, dose, route, frequency, form and "
           "duration, says whether the patient is actually on it, and names the drug (DrugBank). Check it against "
           "the note: it supports, and never replaces, a clinician's reading.")

if R.drug_pipeline() is None:
    st.error(R.DRUG_TRAIN_HINT, icon=":material/model_training:")
    st.stop()

# -- input ------------------------------------------------------------------------------------------
run = note_input(P, button="Find medications", icon=":material/medication:",
                 placeholder="Paste a note here: medication list, history, plan...", run=R.run_drugs,
                 clear=R.clear_drug_run, current=R.current_drug_run)
result = run.result

# -- highlighted note and medication table ------------------------------------------------------------
n = len(result.mentions)
taken = sum(1 for m in result.mentions if m.taken)
st.subheader(f"{n} medication mention{'s' if n != 1 else ''} ({taken} current)")
st.caption(f"Model `{result.model_version}`, {run.seconds * 1000:.0f} ms, {result.n_tokens} tokens"
           f"{f' in {result.n_windows} windows' if result.n_windows > 1 else ''}. Hover a highlight for details.")
st.html(legend_html())
st.html(note_html(run.text, result))

if n:
    st.dataframe(medication_rows(result), hide_index=True, width="stretch",
                 column_config={"confidence": st.column_config.ProgressColumn(format="%.2f", min_value=0, max_value=1),
                                "#": st.column_config.NumberColumn(width="small")})
    unresolved = [m.text for m in result.mentions if not m.resolved]
    if unresolved:
        st.caption("Unresolved (found by the model, unknown to the drug dictionary): "
                   + ", ".join(f"“{escape_markdown(t)}”" for t in unresolved))
else:
    st.info("No medication mention found.", icon=":material/search_off:")
orphans = result.orphan_attributes
if orphans:
    st.caption("Attributes not linked to any drug: " + ", ".join(
        f"{a.label.lower()} “{escape_markdown(run.text[a.start:a.end])}”" for a in orphans))

if n:
    from core.drugs.fhir import bundle_json

    exported = sum(1 for m in result.mentions if m.status not in ("negated", "allergy", "family"))
    st.download_button("Export as FHIR R4 (MedicationStatement bundle)", bundle_json(result),
                       file_name="medications.fhir.json", mime="application/fhir+json", icon=":material/download:",
                       help=f"{exported} of {n} mentions: negated, allergy and family mentions are not exported "
                            "as medications taken.")

# -- explanation ----------------------------------------------------------------------------------------
if n:
    st.subheader("Why is this a drug?")
    pick_col, method_col = st.columns([3, 2])
    index = pick_col.selectbox("Explain", range(n), key=R.DRUG_EXPLAIN_KEY,
                               format_func=lambda i: mention_label(result.mentions[i]))
    method = method_picker(method_col, DEFAULT_METHODS["drugs"], "drug_explain_method")
    with st.spinner(f"Explaining with {METHODS[method]}..."):
        explanation = R.explain_mention(run, index, method)
    top = ", ".join(f"“{w.text}”" for w in explanation.top(5)) or "none"
    explanation_panel(run.text, explanation, legend="the belief it is a drug", what="the entity's probability",
                      sentence=f"The words that most raised the model's belief that “{result.mentions[index].text}” "
                               f"is a drug: {top}.")

# -- corrections --------------------------------------------------------------------------------------------
st.subheader("Correct the model")
kind = st.radio("What is wrong?", list(KINDS), format_func=KINDS.get, horizontal=True, key="drug_fix_kind")
with st.form("drug_fix"):
    correction_args: dict = {}
    if kind in ("false_drug", "attribute", "status"):
        if not n:
            st.caption("There is no drug mention to correct: use “Add a missed drug”.")
        correction_args["index"] = st.selectbox("Drug", range(n), format_func=lambda i: mention_label(result.mentions[i]),
                                                key="drug_fix_mention")
    if kind == "missed_drug":
        st.caption("Type the drug as it is written in the note (and which occurrence), or give character offsets.")
        c1, c2, c3, c4 = st.columns([3, 1, 1, 1])
        correction_args["needle"] = c1.text_input("Words of the note", key="drug_fix_text")
        correction_args["occurrence"] = c2.number_input("Occurrence", min_value=1, value=1, key="drug_fix_occurrence")
        correction_args["start"] = c3.number_input("or start", min_value=0, value=None, key="drug_fix_start")
        correction_args["end"] = c4.number_input("end", min_value=0, value=None, key="drug_fix_end")
    if kind == "attribute":
        c1, c2 = st.columns(2)
        correction_args["label"] = c1.selectbox("Attribute", ATTRIBUTE_LABELS, format_func=str.lower, key="drug_fix_label")
        correction_args["value"] = c2.text_input("Its text in the note (blank: the drug has none)", key="drug_fix_value")
    if kind == "status":
        correction_args["status"] = st.selectbox("Right status", DRUG_STATUSES, format_func=DRUG_STATUS_TEXT.get,
                                                 key="drug_fix_status")
    comment = st.text_input("Comment (optional)", key="drug_fix_comment")
    st.caption("Sending stores this note's text with your correction, so the model can be retrained on it.")
    if st.form_submit_button("Send correction", icon=":material/edit:"):
        try:
            if kind in ("false_drug", "attribute", "status") and correction_args.get("index") is None:
                raise ValueError("Choose the drug to correct.")
            if kind == "false_drug":
                correction = false_drug(result, correction_args["index"])
            elif kind == "missed_drug":
                start, end = correction_args["start"], correction_args["end"]
                if start is None or end is None:
                    start, end = find_text(run.text, correction_args["needle"] or "", int(correction_args["occurrence"]))
                correction = missed_drug(run.text, int(start), int(end), result)
            elif kind == "attribute":
                correction = attribute_fix(run.text, result, correction_args["index"], correction_args["label"],
                                           correction_args["value"] or "")
            elif kind == "status":
                correction = status_fix(result, correction_args["index"], correction_args["status"])
            else:
                correction = {"kind": "confirm"}
            R.submit_drug_correction(run, correction, comment)
        except ValueError as err:
            st.error(str(err))

for feedback_id, correction in R.drug_feedback_done():
    what = KINDS.get(correction.get("kind"), "correction")
    about = f": “{escape_markdown(correction['text'])}”" if correction.get("text") else ""
    st.success(f"Saved feedback #{feedback_id} ({what}{about}).", icon=":material/task_alt:")
