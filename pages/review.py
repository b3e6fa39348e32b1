"""Review page (annotators, admins): answer the review queue one note at a time.

Each item shows the note and the model's output to start from; the annotator accepts it, corrects it (triage: the
service; span tasks: a table of spans with label and status; treatments: accept or reject each suggested treatment,
with a reason for a rejection), skips it (someone else gets it) or marks the text as not a clinical note. Items are
handed out and answers stored by :mod:`core.review.queue` (blind: the page only ever shows the signed-in annotator's
own item and never another annotator's answer); what an answer may be is checked in :mod:`core.review.forms`. The
seconds between showing an item and answering it are stored with the answer.
"""

import time
from typing import Any

import pandas as pd
import streamlit as st

from core.explain.render import escape_markdown
from core.labels import REJECT_REASON_TEXT, REJECT_REASONS, SERVICES, service_title
from core.review import forms
from core.review import queue as rq
from pages import state
from pages.components import review_task, show_outcome

user, role = state.require("annotate")  # first: nothing of the page for someone not signed in or not allowed
engine = state.database()

#: The last answer's outcome, shown once above the next item: (kind: success/error, message).
OUTCOME_KEY = "review_outcome"
#: Item id -> when it was first shown (``time.monotonic``), for the seconds stored with the answer.
SHOWN_KEY = "review_shown_at"

st.title("Review")
st.caption("Notes waiting for an answer. Accept the model's output or correct it; skip a note to hand it to someone "
           "else. Other annotators' answers on the same note are never shown (blind).")

task = review_task("review_task")
show_outcome(OUTCOME_KEY)

item = rq.next_item(task, user, engine=engine)
progress = rq.counts(task, user, engine=engine)
c1, c2 = st.columns(2)
c1.metric("Open items", progress.open, help="Items of this task still waiting for an answer (from anyone).")
c2.metric("Answered by you", progress.answered, help="Your answers on this task (skips not counted).")

if item is None:
    st.info("Nothing left for you in this task's queue.", icon=":material/done_all:")
    st.stop()

shown = st.session_state.setdefault(SHOWN_KEY, {})
shown.setdefault(item.id, time.monotonic())


def send(verdict: str, answer: Any = None) -> None:
    """Store the answer (idempotent: a double click stores one row), then show the next item."""
    seconds = round(time.monotonic() - shown.get(item.id, time.monotonic()), 1)
    try:
        done = rq.submit(item.id, user, verdict, answer, seconds=seconds, engine=engine)
    except ValueError as exc:
        st.session_state[OUTCOME_KEY] = ("error", escape_markdown(str(exc)))
    else:
        shown.pop(item.id, None)
        st.session_state[OUTCOME_KEY] = ("success", f"Saved (annotation #{done.annotation_id}).")
    st.rerun()


# Every control's key names the item: a click made on an item that has meanwhile been answered elsewhere (another
# tab) finds no button of that key on the next item and stores nothing.
st.subheader(f"Item #{item.id}")
st.caption(f"Source: {escape_markdown(item.source)} · model {escape_markdown(item.model_version or '-')}"
           + (" · answered by two annotators" if item.overlap > 1 else ""))
text = item.note_text
if not text:
    st.warning("This item's note text is not kept (it was purged or never stored): there is nothing to annotate. "
               "Skip it.", icon=":material/visibility_off:")
    if st.button("Skip", icon=":material/skip_next:", key=f"review_skip_{item.id}"):
        send("skip")
    st.stop()

with st.container(border=True):
    st.markdown(escape_markdown(text).replace("\n", "  \n"))

if task in forms.LABEL_TASKS:
    model_label = forms.prefill_label(item.prefill)
    st.caption(f"The model said: **{escape_markdown(service_title(model_label))}**" if model_label
               else "The model was not sure: choose the service.")
    chosen = st.selectbox("Service", SERVICES, index=SERVICES.index(model_label) if model_label else None,
                          format_func=service_title, placeholder="Choose a service", key=f"review_service_{item.id}")
    b1, b2, b3, b4 = st.columns(4)
    if b1.button("Accept", type="primary", icon=":material/check:", disabled=model_label is None,
                 key=f"review_accept_{item.id}"):
        send("accept", forms.label_answer(model_label))
    if b2.button("Submit correction", icon=":material/edit:", key=f"review_correct_{item.id}"):
        if chosen is None:
            st.error("Choose a service first.")
        else:
            send("accept" if chosen == model_label else "correct", forms.label_answer(chosen))
elif task in forms.DECISION_TASKS:
    start_rows = forms.prefill_decisions(item.prefill)
    pairs = [(r["condition"], r["drug"]) for r in start_rows]
    start_answer = forms.decisions_answer(start_rows, pairs)  # every suggestion accepted
    # One row per suggestion, in the ranker's order; only verdict, reason and note can be edited (the table's rows
    # stay the suggestions', so row i is always the i-th candidate).
    table = pd.DataFrame([{"condition": r.get("condition_name") or r["condition"], "treatment": r["drug"],
                           "line": r.get("line"), "source": r.get("source"), "verdict": r["verdict"],
                           "reason": r["reason"], "note": r["note"]} for r in start_rows],
                         columns=["condition", "treatment", "line", "source", "verdict", "reason", "note"])
    if start_rows:
        st.caption(f"The model's suggestions ({len(start_rows)}), each accepted to start with. Reject one with a "
                   f"reason ('other': say why in the note); notes are at most {forms.MAX_DECISION_NOTE} characters.")
        edited = st.data_editor(
            table, num_rows="fixed", hide_index=True, width="stretch", key=f"review_decisions_{item.id}",
            disabled=["condition", "treatment", "line", "source"],
            column_config={
                "source": st.column_config.TextColumn("source (knowledge base)"),
                "verdict": st.column_config.SelectboxColumn("verdict", options=list(forms.DECISION_VERDICTS),
                                                            required=True),
                "reason": st.column_config.SelectboxColumn("reason", options=list(REJECT_REASONS),
                                                           format_func=lambda r: REJECT_REASON_TEXT.get(r, r),
                                                           help="Needed to reject."),
                "note": st.column_config.TextColumn("note", max_chars=forms.MAX_DECISION_NOTE),
            })
    else:
        edited = table
        st.caption("The model suggested no treatment for this note: accept if none was called for.")
    b1, b2, b3, b4 = st.columns(4)
    if b1.button("Accept", type="primary", icon=":material/check:", key=f"review_accept_{item.id}",
                 help="Accept every suggestion as it stands."):
        send("accept", start_answer)
    if b2.button("Submit correction", icon=":material/edit:", key=f"review_correct_{item.id}",
                 disabled=not start_rows):
        cells = edited.astype(object).where(edited.notna(), None)
        rows = [{"condition": c, "drug": d, "verdict": e.get("verdict"), "reason": e.get("reason"),
                 "note": e.get("note")} for (c, d), e in zip(pairs, cells.to_dict("records"))]
        try:
            checked = forms.decisions_answer(rows, pairs)
        except ValueError as exc:
            st.error("Some rows (counted from the top) need fixing before this can be saved:  \n"
                     + "  \n".join(escape_markdown(e) for e in str(exc).splitlines()))
        else:
            send("accept" if rq.comparable(checked) == rq.comparable(start_answer) else "correct", checked)
else:
    start_rows = forms.prefill_rows(task, item.prefill)
    start = forms.check_spans(task, start_rows, text)  # the model's output as an answer (None if it breaks a rule)
    labels, statuses = forms.SPAN_LABELS[task], forms.SPAN_STATUSES[task]
    table = pd.DataFrame([{**r, "text": text[r["start"]:r["end"]]} for r in start_rows],
                         columns=[*forms.SPAN_FIELDS, "text"])
    table = table.astype({"start": "Int64", "end": "Int64", "drug": "Int64"})  # whole numbers, empty allowed
    columns = [c for c in table.columns if task == "drugs" or c != "drug"]
    st.caption(f"The model's spans ({len(start_rows)}). Edit offsets, labels and statuses, add or delete rows; "
               f"offsets are characters from 0 to {len(text)}."
               + (" Attributes (strength, route ...) have no status; their *drug* is the start offset of the drug "
                  "they belong to (left empty: the drug before it)." if task == "drugs" else ""))
    edited = st.data_editor(
        table, num_rows="dynamic", hide_index=True, width="stretch", key=f"review_spans_{item.id}",
        column_order=columns,
        column_config={
            "start": st.column_config.NumberColumn("start", min_value=0, max_value=len(text), step=1),
            "end": st.column_config.NumberColumn("end", min_value=0, max_value=len(text), step=1),
            "label": st.column_config.SelectboxColumn("label", options=list(labels), required=True),
            "status": st.column_config.SelectboxColumn("status", options=list(statuses)),
            "drug": st.column_config.NumberColumn("drug", min_value=0, max_value=len(text), step=1,
                                                  help="On an attribute's row: the start offset of its drug."),
            "text": st.column_config.TextColumn("text (as the model found it)", disabled=True),
        })
    b1, b2, b3, b4 = st.columns(4)
    if b1.button("Accept", type="primary", icon=":material/check:", key=f"review_accept_{item.id}",
                 disabled=start.answer is None,
                 help=None if start.answer else "The model's output breaks a rule below: correct it instead."):
        send("accept", start.answer)
    if start.errors:
        st.caption("The model's output as it stands:  \n" + "  \n".join(escape_markdown(e) for e in start.errors))
    if b2.button("Submit correction", icon=":material/edit:", key=f"review_correct_{item.id}"):
        cells = edited.astype(object).where(edited.notna(), None)  # empty cells (NaN, <NA>) as None
        checked = forms.check_spans(task, cells.to_dict("records"), text)
        if checked.errors:
            st.error("Some rows (counted from the top) need fixing before this can be saved:  \n"
                     + "  \n".join(escape_markdown(e) for e in checked.errors))
        else:
            send("accept" if checked.answer == start.answer else "correct", checked.answer)
if b3.button("Skip", icon=":material/skip_next:", key=f"review_skip_{item.id}"):
    send("skip")
if b4.button("Not a clinical note", icon=":material/block:", key=f"review_not_clinical_{item.id}"):
    send("not_clinical")
