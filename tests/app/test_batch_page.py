"""The Batch page: an annotator uploads a JSONL of notes, runs triage and medications, sees the summary, the table
and the downloads; no note text reaches the database."""

from __future__ import annotations

import json

import pyarrow.parquet as pq

from tests.app.helpers import click, open_page
from tests.conftest import CARDIO, ORTHO

ODD = "Qwerflux"


def _upload(at, name: str, data: bytes):
    at.file_uploader(key="batch_upload").set_value((name, data, "application/octet-stream"))
    at.run()
    assert not at.exception, at.exception
    return at


def test_a_batch_runs_shows_its_summary_and_stores_nothing(tiny_triage_artifact, tiny_drug_artifact):
    from core.config import get_settings

    rows = [{"id": "a", "text": CARDIO + f" {ODD} 10 mg daily."}, {"id": "b", "text": "  "},
            {"id": "c", "text": ORTHO}, {"id": "a", "text": ORTHO}]
    at = open_page("batch", "batch.annotator", "annotator")
    assert at.title[0].value == "Batch"
    assert at.button(key="batch_run").disabled  # nothing uploaded yet
    _upload(at, "notes.jsonl", "".join(json.dumps(r) + "\n" for r in rows).encode())
    click(at, "Run")
    assert not at.error, [e.value for e in at.error]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Notes"] == "3" and metrics["Errors"] == "1"  # the repeated id ran once, the empty note failed
    table = at.dataframe[0].value
    assert list(table["id"]) == ["a", "b", "c"]
    assert list(table["service"])[0] == "cardiology_pulmonology" and list(table["service"])[2] == "orthopedics"
    assert "empty" in list(table["error"])[1]
    assert len(at.get("plotly_chart")) >= 2  # services and drugs (red flags: none in these notes)
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Download JSONL", "Download Parquet"]
    db = get_settings().database_url.removeprefix("sqlite:///")
    with open(db, "rb") as fh:
        assert ODD.encode() not in fh.read()


def test_a_file_without_the_text_column_is_refused_plainly(tiny_triage_artifact):
    at = open_page("batch", "batch.annotator", "annotator")
    _upload(at, "notes.csv", b"id,body\n1,some note\n")
    click(at, "Run")
    assert at.error and "no column 'text'" in at.error[0].value
    assert not at.dataframe


def test_the_parquet_table_reads_back(tiny_triage_artifact):
    import io

    from core import batch

    out = batch.run_batch([{"id": "x", "text": CARDIO}], ["triage"])
    buffer = io.BytesIO()
    pq.write_table(batch.parquet_table(out), buffer)
    back = pq.read_table(io.BytesIO(buffer.getvalue())).to_pylist()
    assert back[0]["id"] == "x" and back[0]["ok"] is True
    assert json.loads(back[0]["triage"])["service"] == "cardiology_pulmonology"
