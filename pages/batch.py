"""Batch page (annotators and admins): a file of many notes through the chosen tasks, with progress, summary charts,
the result table and a download (JSONL or Parquet), as ``notelens batch`` does (:mod:`core.batch`).

The uploaded notes are the user's own: read in memory (and a temporary file deleted after the run), never stored in
the database nor logged; the results stay in this browser session until downloaded.
"""

from __future__ import annotations

import io
import json
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import pyarrow.parquet as pq
import streamlit as st

from core import batch
from core.explain.render import escape_markdown
from core.tasks import ModelMissing, get_task
from pages import state

user, role = state.require("batch")  # first: nothing of the page for someone not signed in or not allowed

#: The last run's (file name, tasks, output rows, seconds), this session only.
RESULT_KEY = "batch_result"
CHUNK = 16

st.title("Batch")
st.caption("Run many notes at once: a CSV or JSONL with an id and a text column, or one .txt note. The file is read "
           "in memory and not stored; the results stay in this session until you download them. For larger files "
           "use `notelens batch INPUT --out OUTPUT` (resumable, any size).")

upload = st.file_uploader("Notes file", type=["csv", "jsonl", "txt"], key="batch_upload")
c1, c2 = st.columns(2)
id_column = c1.text_input("Id column", value="id", key="batch_id_column",
                          help="Without such a column, a row's number is its id.")
text_column = c2.text_input("Text column", value="text", key="batch_text_column")
tasks = st.multiselect("Tasks", list(batch.TASK_ORDER), default=["triage", "drugs"], key="batch_tasks",
                       format_func=lambda t: {"drugs": "medications"}.get(t, t))


def _models(names: list[str]) -> dict[str, Any]:
    """The pages' cached models; the treatment engine brings its own drug and condition pipelines."""
    out = {}
    for name in names:
        loaded = state.model(name)
        if loaded is None:
            raise ModelMissing(get_task(name).train_hint())
        out[name] = loaded
    return out


def _run(data: bytes, file_name: str, names: list[str]) -> None:
    with st.spinner("Loading the models..."):
        models = _models(names)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(file_name).name
        path.write_bytes(data)
        rows = list(batch.read_rows(path, id_column=id_column.strip() or "id",
                                    text_column=text_column.strip() or "text"))
        path.unlink()
    if not rows:
        raise batch.BatchError(f"{file_name}: no notes")
    bar = st.progress(0.0, text=f"0 of {len(rows)} notes")
    out: list[dict[str, Any]] = []
    t0 = time.perf_counter()
    seen: set[str] = set()
    for chunk in batch.chunks(rows, CHUNK):
        todo = []
        for r in chunk:  # a repeated id is run once
            if r["id"] not in seen:
                seen.add(r["id"])
                todo.append(r)
        out.extend(batch.run_batch(todo, names, models=models))
        rate = len(out) / max(time.perf_counter() - t0, 1e-9)
        bar.progress(min(1.0, len(seen) / len(rows)), text=f"{len(seen)} of {len(rows)} notes ({rate:.1f} notes/s)")
    bar.empty()
    st.session_state[RESULT_KEY] = (file_name, names, out, time.perf_counter() - t0)


if st.button("Run", type="primary", icon=":material/play_arrow:", key="batch_run",
             disabled=upload is None or not tasks):
    try:
        _run(upload.getvalue(), upload.name, batch.task_list(tasks))
    except (ValueError, ModelMissing) as err:  # BatchError and NoteError are ValueErrors: bad file, missing column
        st.session_state.pop(RESULT_KEY, None)
        st.error(escape_markdown(str(err)), icon=":material/error:")

result = st.session_state.get(RESULT_KEY)
if result is None:
    st.stop()
file_name, names, rows, seconds = result
errors = [r for r in rows if not r["ok"]]
m1, m2, m3 = st.columns(3)
m1.metric("Notes", len(rows))
m2.metric("Errors", len(errors))
m3.metric("Notes per second", f"{len(rows) / max(seconds, 1e-9):.1f}")


def _bar(title: str, counts: Counter, k: int = 15) -> None:
    top = counts.most_common(k)[::-1]
    fig = go.Figure(go.Bar(x=[n for _, n in top], y=[name for name, _ in top], orientation="h"))
    fig.update_layout(title=title, height=120 + 24 * len(top), margin={"l": 10, "r": 10, "t": 40, "b": 10})
    st.plotly_chart(fig, width="stretch")


ok = [r for r in rows if r["ok"]]
charts = []
if "triage" in names:
    charts.append(("Services", Counter(r["triage"]["outcome"] for r in ok)))
    charts.append(("Red flags", Counter(f["name"] for r in ok for f in r["triage"]["red_flags"])))
if "drugs" in names:
    charts.append(("Top drugs", Counter((m["identity"] or {}).get("canonical") or m["text"].lower()
                                        for r in ok for m in r["drugs"]["mentions"])))
if "conditions" in names:
    charts.append(("Top conditions", Counter(m["text"].lower() for r in ok for m in r["conditions"]["mentions"]
                                             if m["status"] == "present")))
for col, (title, counts) in zip(st.columns(max(1, len(charts))), charts):
    with col:
        if counts:
            _bar(title, counts)
        else:
            st.caption(f"{title}: none")


def _flat(r: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {"id": r["id"], "ok": r["ok"], "error": r["error"] or ""}
    t, d, c, s = (r.get(n) or {} for n in ("triage", "drugs", "conditions", "treatments"))
    if "triage" in names:
        row.update({"service": t.get("outcome", ""), "confidence": t.get("confidence"),
                    "red flags": ", ".join(f["name"] for f in t.get("red_flags", []))})
    if "drugs" in names:
        row["drugs"] = ", ".join(m["text"] for m in d.get("mentions", []))
    if "conditions" in names:
        row["conditions"] = ", ".join(f"{m['text']} ({m['status']})" for m in c.get("mentions", []))
    if "treatments" in names:
        row["suggestions"] = ", ".join(f"{x['drug']} for {x['condition_name']}" for x in s.get("suggestions", []))
    return row


st.dataframe([_flat(r) for r in rows], hide_index=True, width="stretch")
stem = Path(file_name).stem
jsonl = "".join(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in rows).encode("utf-8")
d1, d2 = st.columns(2)
d1.download_button("Download JSONL", jsonl, file_name=f"{stem}-notelens.jsonl", mime="application/jsonl",
                   icon=":material/download:", on_click="ignore", key="batch_download_jsonl")
buffer = io.BytesIO()
pq.write_table(batch.parquet_table(rows), buffer)
d2.download_button("Download Parquet", buffer.getvalue(), file_name=f"{stem}-notelens.parquet",
                   mime="application/vnd.apache.parquet", icon=":material/download:", on_click="ignore",
                   key="batch_download_parquet")
