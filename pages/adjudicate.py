"""Adjudication page (admins): settle the review items whose annotators disagreed.

For one item of a task it shows the note and, side by side, the model's output and every annotator's answer (this
page is not blind: it is an admin's), pre-selects the majority (:func:`core.review.agreement.majority`, among three or
more answers; an item in adjudication with two answers or fewer has none, and the first answering annotator's answer is
pre-selected instead, which the page says),
and records the chosen answer as gold with the admin's name (:func:`core.review.queue.adjudicate`, audited). Triage is
settled by choosing the service; a span task or treatments by choosing one of the answers shown (editing spans or
decisions here can come later).
"""

from typing import Any

import pandas as pd
import streamlit as st

from core.explain.render import escape_markdown
from core.labels import SERVICES, service_title
from core.review import forms
from core.review import queue as rq
from core.review.agreement import Annotation, majority
from pages import state
from pages.components import review_task, show_outcome

user, role = state.require("adjudicate")  # first: nothing of the page for someone not allowed
engine = state.database()

#: The last decision's outcome, shown once above the next item: (kind: success/error, message).
OUTCOME_KEY = "adjudicate_outcome"

st.title("Adjudication")
st.caption("Items whose annotators disagreed. Compare the model's output with each answer, choose the final one and "
           "record it as gold (your name is kept with it).")

task = review_task("adjudicate_task")
show_outcome(OUTCOME_KEY)

items = rq.disagreements(task, engine=engine)
st.metric("Waiting for adjudication", len(items))
if not items:
    st.info("No disagreement to settle in this task.", icon=":material/done_all:")
    st.stop()

by_id = {d.id: d for d in items}
chosen_id = st.selectbox("Item", list(by_id), format_func=lambda i: f"#{i} ({len(by_id[i].answers)} answers)",
                         key="adjudicate_item")
item = by_id[chosen_id]
text = item.note_text or ""
st.subheader(f"Item #{item.id}")
st.caption(f"Model {escape_markdown(item.model_version or '-')}")
if text:
    with st.container(border=True):
        st.markdown(escape_markdown(text).replace("\n", "  \n"))
else:
    st.warning("This item's note text is not kept (purged): the answers can be compared but not read against it.",
               icon=":material/visibility_off:")

# The candidate answers, in order: the model's output, then each annotator's. key -> (title, answer, choosable): the
# model's output is shown even when it is not a valid answer (uncertain triage, spans breaking a rule), but then it
# cannot be chosen; "not a clinical note" is shown as such (answer None).
candidates: dict[str, tuple[str, Any, bool]] = {}
if task in forms.LABEL_TASKS:
    model_label = forms.prefill_label(item.prefill)
    candidates["model"] = ("Model", forms.label_answer(model_label) if model_label else {"label": None},
                           model_label is not None)
elif task in forms.DECISION_TASKS:  # the model's suggestions, every one accepted
    suggested = forms.prefill_decisions(item.prefill)
    candidates["model"] = ("Model", forms.decisions_answer(suggested), True)
else:
    model = forms.check_spans(task, forms.prefill_rows(task, item.prefill), text).answer if text else None
    candidates["model"] = ("Model", model if model is not None else item.prefill, model is not None)
for who, verdict, answer in item.answers:
    answering = verdict in rq.ANSWERING
    candidates[f"ann:{who}"] = (f"{who} ({verdict})", answer if answering else None, answering)

answered = [Annotation.from_answer(item.id, who, task, answer)
            for who, verdict, answer in item.answers if verdict in rq.ANSWERING]
first_ann = next((k for k, (_, _a, ok) in candidates.items() if k.startswith("ann:") and ok), None)
major = majority(answered) if answered else None
note_on_choice = ""
preselect: Any = None  # triage: a service; span task: a candidate key
if task in forms.LABEL_TASKS:
    if major is not None and major.n_annotators > 2 and major.label is not None:
        preselect, note_on_choice = major.label, "The majority's service is pre-selected."
    elif first_ann is not None:
        preselect = Annotation.from_answer(item.id, "", task, candidates[first_ann][1]).label
        note_on_choice = "No majority (the annotators are split): the first answering annotator's service is " \
                         "pre-selected."
else:
    majority_answer = None
    if major is not None and major.n_annotators > 2 and task in forms.DECISION_TASKS:
        try:  # a majority that leaves a candidate undecided or a rejection without a reason cannot be chosen
            majority_answer = forms.decisions_answer([{**d.to_dict(), "note": None} for d in major.decisions],
                                                     [(r["condition"], r["drug"]) for r in suggested])
        except ValueError:
            majority_answer = None
    elif major is not None and major.n_annotators > 2:
        majority_answer = {"spans": [s.to_dict() for s in major.spans]}
    same = next((k for k, (_, a, ok) in candidates.items()
                 if majority_answer is not None and ok and rq.comparable(a) == rq.comparable(majority_answer)), None)
    if same is not None:
        preselect, note_on_choice = same, "The majority's answer is pre-selected."
    elif majority_answer is not None:
        candidates["majority"] = ("Majority", majority_answer, True)
        preselect, note_on_choice = "majority", ("The decisions" if task in forms.DECISION_TASKS else "The spans") \
            + " most annotators gave are pre-selected."
    elif first_ann is not None:
        preselect = first_ann
        note_on_choice = "No majority (the annotators are split): the first answering annotator's answer is " \
                         "pre-selected."


def show(answer: Any) -> None:
    """One candidate answer: the service, or its spans or decisions as a table (cells are plain text, never
    markdown)."""
    if answer is None:
        st.caption("Not a clinical note")
    elif task in forms.LABEL_TASKS:
        label = Annotation.from_answer(item.id, "", task, answer).label
        st.markdown(f"**{escape_markdown(service_title(label))}**" if label else "Not sure (uncertain)")
    elif task in forms.DECISION_TASKS:
        st.dataframe(pd.DataFrame(forms.prefill_decisions(answer), columns=list(forms.DECISION_FIELDS)),
                     hide_index=True, width="stretch")
    else:
        rows = forms.prefill_rows(task, answer)
        st.dataframe(pd.DataFrame([{**r, "text": text[r["start"]:r["end"]]} for r in rows],
                                  columns=[*forms.SPAN_FIELDS, "text"]), hide_index=True, width="stretch")


for col, (key, (title, answer, _ok)) in zip(st.columns(len(candidates)), candidates.items()):
    with col:
        st.markdown(f"**{escape_markdown(title)}**" + (" :material/star:" if key == preselect else ""))
        show(answer)

st.caption(note_on_choice)
final: Any = None
if task in forms.LABEL_TASKS:
    service = st.selectbox("Final service", SERVICES,
                           index=SERVICES.index(preselect) if preselect in SERVICES else None,
                           format_func=service_title, placeholder="Choose a service",
                           key=f"adjudicate_service_{item.id}")
    final = forms.label_answer(service) if service is not None else None
else:
    keys = [k for k, (_, _a, ok) in candidates.items() if ok]
    pick = st.radio("Final answer", keys, index=keys.index(preselect) if preselect in keys else None,
                    format_func=lambda k: escape_markdown(candidates[k][0]), key=f"adjudicate_pick_{item.id}")
    final = candidates[pick][1] if pick is not None else None

if st.button("Record as gold", type="primary", icon=":material/gavel:", key=f"adjudicate_record_{item.id}",
             disabled=final is None):
    try:
        gold_id = rq.adjudicate(item.id, final, actor=user, engine=engine)
    except ValueError as exc:
        st.session_state[OUTCOME_KEY] = ("error", escape_markdown(str(exc)))
    else:
        st.session_state[OUTCOME_KEY] = ("success", f"Item #{item.id} settled (gold #{gold_id}).")
    st.rerun()
