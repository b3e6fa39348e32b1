"""Agreement page (annotators, admins): how far the annotators agree, per task and per pair, and each annotator's
work (items answered, time per item, agreement with gold).

Figures come from :mod:`core.review.agreement` (Cohen's kappa for triage, strict and overlapping span F1 for the span
tasks, kappa of the accept/reject decisions per suggested treatment and reason agreement for treatments, computed on
the items two annotators both answered) and :func:`core.review.data.annotator_stats`; this page only
lays them out. Annotator names are shown in tables (plain text), never as markdown.
"""

import pandas as pd
import streamlit as st

from core.review import data
from core.review.agreement import pairwise
from pages import state
from pages.components import review_task

user, role = state.require("review")  # first: nothing of the page for someone not allowed
engine = state.database()

st.title("Agreement")
st.caption("Agreement between annotators on the notes two of them answered, and each annotator's work. "
           "Figures left empty are undefined (no item to compare yet), not zero.")

task = review_task("agreement_task")
report = pairwise(task, data.annotations(task, engine=engine)).as_dict()
overall = report["overall"]

c1, c2, c3 = st.columns(3)
c1.metric("Doubly annotated items", report["n_items"], help="Items at least two annotators answered.")
if report["kind"] == "labels":
    c2.metric("Cohen's kappa", overall["kappa"] if overall["kappa"] is not None else "-")
    c3.metric("Raw agreement", overall["agreement"] if overall["agreement"] is not None else "-")
    pairs = pd.DataFrame([{"annotator a": p["a"], "annotator b": p["b"], "items": p["n_items"], "kappa": p["kappa"],
                           "agreement": p["agreement"]} for p in report["pairs"]],
                         columns=["annotator a", "annotator b", "items", "kappa", "agreement"])
elif report["kind"] == "decisions":
    c2.metric("Cohen's kappa (accept/reject)", overall["kappa"] if overall["kappa"] is not None else "-",
              help=f"Over the {overall['n_candidates']} suggested treatments both annotators of a pair decided.")
    c3.metric("Reason agreement", overall["reasons"]["agreement"] if overall["reasons"]["agreement"] is not None
              else "-", help="On the treatments both annotators rejected: the share with the same reason.")
    pairs = pd.DataFrame([{"annotator a": p["a"], "annotator b": p["b"], "items": p["n_items"],
                           "treatments": p["n_candidates"], "kappa": p["kappa"], "agreement": p["agreement"],
                           "rejected by both": p["reasons"]["n_rejected_by_both"],
                           "reason agreement": p["reasons"]["agreement"]} for p in report["pairs"]],
                         columns=["annotator a", "annotator b", "items", "treatments", "kappa", "agreement",
                                  "rejected by both", "reason agreement"])
else:
    c2.metric("Strict span F1", overall["strict"]["f1"] if overall["strict"]["f1"] is not None else "-")
    c3.metric("Overlapping span F1", overall["overlapping"]["f1"] if overall["overlapping"]["f1"] is not None else "-")
    pairs = pd.DataFrame([{"annotator a": p["a"], "annotator b": p["b"], "items": p["n_items"],
                           "strict F1": p["strict"]["f1"], "overlapping F1": p["overlapping"]["f1"],
                           "status agreement": p["status"]["agreement"]} for p in report["pairs"]],
                         columns=["annotator a", "annotator b", "items", "strict F1", "overlapping F1",
                                  "status agreement"])

st.subheader("Per pair of annotators")
if pairs.empty:
    st.info("No two annotators have answered this task yet.", icon=":material/group:")
else:
    st.dataframe(pairs, hide_index=True, width="stretch")

if report["kind"] == "spans" and report["labels"]:
    st.subheader("By label")
    st.dataframe(pd.DataFrame([{"label": lab, "strict F1": overall["strict"]["by_label"][lab]["f1"],
                                "overlapping F1": overall["overlapping"]["by_label"][lab]["f1"]}
                               for lab in report["labels"]]), hide_index=True, width="stretch")

st.subheader("Per annotator")
stats = data.annotator_stats(task, engine=engine)
if not stats:
    st.info("Nobody has answered an item of this task yet.", icon=":material/person_off:")
else:
    st.dataframe(pd.DataFrame([{"annotator": s.annotator, "items": s.items, "median seconds": s.median_seconds,
                                "items with gold": s.with_gold, "agreement with gold": s.agreement} for s in stats]),
                 hide_index=True, width="stretch")
    st.caption("Agreement with gold: the share of an annotator's answered items with gold whose answer equals it "
               "(single-annotator gold included, so it is 1 for work nobody checked).")
