"""Exports page (admins only): the review queue's gold of one task as a file that ``train TASK --data`` and
``evaluate TASK --data`` read back (the formats of :mod:`core.exchange`, as ``notelens export``), de-identified
unless the admin turns it off (:mod:`core.deid`).

Each export is audited (``export``: the task, format, example count and whether it was de-identified; never a
note's text) before the file is offered.
"""

import tempfile
from pathlib import Path

import streamlit as st

from core import audit
from core.exchange import FORMATS, ExportError, export_docs
from core.explain.render import escape_markdown
from pages import state

user, role = state.require("export")  # first: nothing of the page for someone not signed in or not allowed
state.database()

#: The prepared export: ((task, format, with single answers, de-identified), file name, data, examples).
EXPORT_KEY = "gold_export"
#: Each format's file suffix (what the readers tell formats by) and type.
FILES = {"csv": (".csv", "text/csv"), "jsonl": (".jsonl", "application/jsonl"), "iob": (".iob", "text/plain"),
         "spacy": (".spacy", "application/octet-stream"), "fhir": (".ndjson", "application/fhir+ndjson")}

st.title("Exports")
st.caption("The reviewed answers (gold) of one task as training or evaluation data: `train TASK --data` and "
           "`evaluate TASK --data` read the file back with the same text, offsets and labels.")

c1, c2 = st.columns(2)
task_name = c1.selectbox("Task", list(FORMATS), key="exports_task")
fmt = c2.selectbox("Format", list(FORMATS[task_name]), key=f"exports_format_{task_name}")
include_single = st.checkbox("Also items only one annotator answered", value=False, key="exports_single",
                             help="Off: only answers two annotators agreed on, or an admin adjudicated.")
deid = st.checkbox("De-identify", value=True, key="exports_deid")
st.caption("Names, dates, phone numbers, e-mail and street addresses and record numbers become [NAME], [DATE], "
           "[PHONE], [EMAIL], [ADDRESS], [MRN]; annotated spans keep their words. An export that leaves this "
           "machine should stay de-identified.")
if not deid:
    st.warning("This file will hold the notes as written, identifiers included: keep it on this machine.",
               icon=":material/warning:")

choice = (task_name, fmt, include_single, deid)
prepared = st.session_state.get(EXPORT_KEY)
if prepared is not None and prepared[0] != choice:  # made for other choices: not offered for these
    st.session_state.pop(EXPORT_KEY, None)
    prepared = None
if st.button("Prepare export", icon=":material/description:", key="exports_prepare",
             help="Writes an export event (you, the task, format, count, de-identified or not), then offers the file."):
    from core.review.data import examples

    found = examples(task_name, include_single=include_single, for_export=True)
    suffix, _ = FILES[fmt]
    file_name = f"notelens-{task_name}-gold{'-deid' if deid else ''}{suffix}"
    try:
        if not found.examples:
            raise ExportError("no reviewed answers to export for this task yet"
                              + ("" if include_single else " (try including single answers)"))
        with st.spinner("De-identifying..." if deid else "Writing..."), tempfile.TemporaryDirectory() as tmp:
            data = export_docs(task_name, found.examples, fmt, Path(tmp) / file_name, deidentify=deid).read_bytes()
    except ExportError as err:
        st.error(escape_markdown(str(err)), icon=":material/error:")
    else:
        audit.record(user, "export", f"gold:{task_name}",
                     {"task": task_name, "format": fmt, "examples": len(found.examples), "deidentified": deid,
                      "include_single": include_single, "left_out_without_text": found.without_text,
                      "left_out_single": found.single_left_out, "via": "page"})
        prepared = (choice, file_name, data, len(found.examples))
        st.session_state[EXPORT_KEY] = prepared
if prepared is not None:
    (_, export_fmt, _, _), file_name, data, n = prepared
    st.download_button(f"Download {file_name} ({n} examples)", data, file_name=file_name,
                       mime=FILES[export_fmt][1], icon=":material/download:", on_click="ignore")
