"""The Exports page (admins): the gold as a downloadable file, de-identified unless turned off, each export audited
without note text; nothing of it for the other roles."""

from __future__ import annotations

import hashlib
import io
import json

import pytest

from core.audit import list_events
from core.review import queue as q
from tests.app.helpers import click, open_page

NOTE = "Patient: Ada Okafor, DOB 03/04/1950. Started warfarin 5 mg on 01/02/2023."


def _gold() -> None:
    """One drugs item two annotators agreed on (gold)."""
    item = q.enqueue("drugs", note_hash=hashlib.sha256(NOTE.encode()).hexdigest(), note_text=NOTE, source="batch",
                     actor="admin", overlap_share=1.0)
    start = NOTE.index("warfarin")
    dose = NOTE.index("5 mg")
    answer = {"spans": [{"start": start, "end": start + 8, "label": "DRUG", "status": "current",
                         "attributes": [[dose, dose + 4, "STRENGTH"]]}]}
    for who in ("ann.a", "ann.b"):
        assert q.next_item("drugs", who).id == item
        q.submit(item, who, "correct", answer)


def _download(at) -> tuple[str, bytes]:
    (button,) = at.get("download_button")
    (_, file_name, data, _) = at.session_state["gold_export"]
    assert file_name in button.proto.label
    return file_name, data


def test_an_admin_downloads_a_deidentified_export_and_it_is_audited(fresh_db):
    _gold()
    at = open_page("exports", "root", "admin", exports_task="drugs")
    assert at.title[0].value == "Exports"
    assert at.checkbox(key="exports_deid").value is True   # on by default
    assert not at.get("download_button")
    click(at, "Prepare export")
    file_name, data = _download(at)
    assert file_name == "notelens-drugs-gold-deid.jsonl"
    (line,) = [json.loads(x) for x in io.StringIO(data.decode("utf-8"))]
    assert "Okafor" not in line["text"] and "1950" not in line["text"] and "01/02/2023" not in line["text"]
    assert "[NAME]" in line["text"] and "[DATE]" in line["text"]
    assert sorted((line["text"][s["start"]:s["end"]], s["label"]) for s in line["spans"]) == [
        ("5 mg", "STRENGTH"), ("warfarin", "DRUG")]
    (event,) = list_events(1, action="export")
    assert (event.actor, event.target) == ("root", "gold:drugs")
    assert {k: event.details[k] for k in ("task", "format", "examples", "deidentified")} == {
        "task": "drugs", "format": "jsonl", "examples": 1, "deidentified": True}
    assert "warfarin" not in json.dumps(event.details) and "Okafor" not in json.dumps(event.details)


def test_turning_deidentification_off_warns_and_exports_the_text_as_written(fresh_db):
    _gold()
    at = open_page("exports", "root", "admin", exports_task="drugs")
    at.selectbox(key="exports_format_drugs").select("iob")
    at.checkbox(key="exports_deid").uncheck()
    at.run()
    assert any("identifiers included" in w.value for w in at.warning)
    click(at, "Prepare export")
    file_name, data = _download(at)
    assert file_name == "notelens-drugs-gold.iob" and "Ada Okafor" in data.decode("utf-8")
    (event,) = list_events(1, action="export")
    assert event.details["deidentified"] is False and event.details["format"] == "iob"
    at.checkbox(key="exports_deid").check()   # other choices: the prepared file is no longer offered
    at.run()
    assert not at.get("download_button")


def test_nothing_to_export_says_so_and_audits_nothing(fresh_db):
    at = open_page("exports", "root", "admin", exports_task="triage")
    click(at, "Prepare export")
    assert any("no reviewed answers" in e.value for e in at.error)
    assert not at.get("download_button") and not list_events(1, action="export")


@pytest.mark.parametrize("role", ["clinician", "annotator"])
def test_other_roles_are_refused(fresh_db, role):
    at = open_page("exports", f"not.admin.{role}", role)
    assert [e.value for e in at.error] == [f"Your role ({role}) does not allow this page."]
    assert not at.title and not at.selectbox and not at.button and not at.get("download_button")
