"""Feedback review page: what people said about each task's outputs, newest first.

Reviewers (annotators, admins) see verdicts and corrections; showing the kept note texts is audited
(``note_text_viewed``). Exporting the stored feedback (training data, optionally with the note texts) is an admin's
(``export``) and audited (``feedback_exported``) before the file is offered.
"""

import streamlit as st

from core import audit
from core.auth import can
from core.tasks import TASKS
from core.tasks import workflows as wf
from pages import state

user, role = state.require("review")  # first: nothing of the page for someone not signed in or not allowed

st.title("Feedback review")
st.caption("Verdicts and corrections sent from the Triage, Medications and Treatments pages. Note texts are hidden "
           "unless you ask for them.")

# Only roles allowed to read the kept note texts get the control; each showing is audited.
show_text = can(role, "feedback_review") and st.checkbox("Show note texts", value=False, key="show_note_texts")
COLUMNS = {"time": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
           "confidence": st.column_config.NumberColumn(format="percent"),
           "note": st.column_config.TextColumn(width="large")}

for name, task in TASKS.items():
    rows = state.feedback_table(name, show_text=show_text)
    if show_text and rows:
        audit.record(user, "note_text_viewed", f"feedback:{name}", {"task": name, "rows": len(rows)})
    st.subheader(f"{task.page or name.capitalize()}: {name}")
    if not rows:
        st.caption(f"None yet: feedback sent from the {task.page} page appears here.")
        continue
    verdicts = {v: sum(r["verdict"] == v for r in rows) for v in ("correct", "partially_correct", "wrong")}
    st.metric(f"Feedback received ({name})", len(rows), help="The most recent rows, at most 500.")
    st.caption(f"{verdicts['correct']} confirmed, {verdicts['partially_correct']} partly corrected, "
               f"{verdicts['wrong']} flagged as wrong.")
    st.dataframe(rows, hide_index=True, width="stretch", column_config=COLUMNS)

# -- export (admins) --------------------------------------------------------------------------------------------
#: The prepared export: ((task, format, with texts), file name, data, rows).
EXPORT_KEY = "feedback_export"
#: Most rows one export holds (the store's own cap on one read), newest first.
EXPORT_ROWS = 10_000
FORMATS = {"CSV": ("csv", "text/csv"), "JSONL": ("jsonl", "application/jsonl")}

if can(role, "export"):
    st.divider()
    st.subheader("Export feedback (CSV / JSONL)")
    st.caption("The stored verdicts and corrections of one task, newest first, as training data. Each export is "
               "audited (you, the task, the row count, whether note texts were included).")
    c1, c2, c3 = st.columns(3)
    task_name = c1.selectbox("Task", list(TASKS), key="feedback_export_task")
    fmt = c2.radio("Format", list(FORMATS), horizontal=True, key="feedback_export_format")
    with_text = c3.checkbox("Include note texts", value=False, key="feedback_export_texts",
                            help="The notes kept with the feedback (retraining needs them). Leave off unless the "
                                 "file goes somewhere allowed to hold patient notes.")
    choice = (task_name, fmt, with_text)
    prepared = st.session_state.get(EXPORT_KEY)
    if prepared is not None and prepared[0] != choice:  # made for other choices: not offered for these
        st.session_state.pop(EXPORT_KEY, None)
        prepared = None
    if st.button("Prepare export", icon=":material/description:", key="feedback_export_prepare"):
        rows = wf.feedback_table(TASKS[task_name], show_text=with_text, limit=EXPORT_ROWS)
        ext, _ = FORMATS[fmt]
        audit.record(user, "feedback_exported", f"feedback:{task_name}",
                     {"task": task_name, "rows": len(rows), "note_texts": with_text, "format": ext})
        data = audit.table_csv(rows) if ext == "csv" else audit.table_jsonl(rows)
        prepared = (choice, f"notelens-feedback-{task_name}.{ext}", data, len(rows))
        st.session_state[EXPORT_KEY] = prepared
    if prepared is not None:
        (_, export_fmt, _), file_name, data, n = prepared
        st.download_button(f"Download {file_name} ({n} rows)", data, file_name=file_name,
                           mime=FORMATS[export_fmt][1], icon=":material/download:", on_click="ignore")
