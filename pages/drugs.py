"""Medications page: a note in; every medication mention highlighted with its attributes, status and identity."""

import streamlit as st

from core.drugs.fhir import bundle_json, exported_mentions
from core.drugs.present import class_rows, legend_html, medication_rows, note_html
from core.explain.render import escape_markdown
from core.labels import ATTRIBUTE_TEXT, DRUG_STATUS_TEXT
from pages import state
from pages.components import (
    explain_picker,
    explanation,
    explanation_panel,
    note_input,
    report_downloads,
    require_model,
    span_corrections,
)

state.require("run")  # first: nothing of the page for someone not signed in or not allowed

st.title("Medications in a note")
st.caption("NoteLens highlights every medication mention with its strength, dose, route, frequency, form and "
           "duration, says whether the patient is actually on it, and names the drug (DrugBank). Check it against "
           "the note: it supports, and never replaces, a clinician's reading.")
require_model("drugs")

# -- input ------------------------------------------------------------------------------------------
run = note_input("drugs", button="Find medications", icon=":material/medication:",
                 placeholder="Paste a note here: medication list, history, plan...")
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
if result.classes:
    st.markdown(f"**Drug classes named ({len(result.classes)})**: not medications, so not counted above, not "
                "exported and not used as current medications by the treatment checks.")
    st.dataframe(class_rows(result), hide_index=True, width="stretch",
                 column_config={"confidence": st.column_config.ProgressColumn(format="%.2f", min_value=0,
                                                                              max_value=1)})
orphans = result.orphan_attributes
if orphans:
    st.caption("Attributes not linked to any drug: " + ", ".join(
        f"{a.label.lower()} “{escape_markdown(run.text[a.start:a.end])}”" for a in orphans))

if n:
    st.download_button("Export as FHIR R4 (MedicationStatement bundle)", bundle_json(result),
                       file_name="medications.fhir.json", mime="application/fhir+json", icon=":material/download:",
                       help=f"{len(exported_mentions(result))} of {n} mentions: negated, allergy and family mentions "
                            "are not exported as medications taken.")

# -- explanation ----------------------------------------------------------------------------------------
if n:
    st.subheader("Why is this a drug?")
    index, method = explain_picker(run, "Explain")
    exp = explanation(run, index, method)
    top = ", ".join(f"“{w.text}”" for w in exp.top(5)) or "none"
    explanation_panel(run.text, exp, legend="the belief it is a drug", what="the entity's probability",
                      sentence=f"The words that most raised the model's belief that “{result.mentions[index].text}” "
                               f"is a drug: {top}.")

# -- corrections --------------------------------------------------------------------------------------------
st.subheader("Correct the model")
span_corrections(run, "drugs", result, "drug_fix", status_text=DRUG_STATUS_TEXT, attribute_text=ATTRIBUTE_TEXT)

# -- case report ---------------------------------------------------------------------------------------
report_downloads(run, {"drugs": result}, {"drugs": exp} if n else {})
