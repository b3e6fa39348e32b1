"""The case-report downloads on the pages (pages.components.report_downloads): two buttons for the current run,
de-identification on by default; the file is made on click (the browser suite downloads it)."""

from __future__ import annotations

from tests.app.helpers import open_app, run_note
from tests.conftest import CARDIO


def _labels(at) -> list[str]:
    return [b.proto.label for b in at.get("download_button")]


def test_triage_and_medication_pages_offer_the_case_report(tiny_triage_artifact, tiny_drug_artifact):
    for at in open_app(None, "Triage a clinical note"):
        run_note(at, "note_text", CARDIO, "Triage")
        assert at.checkbox(key="triage_report_deid").value is True
        assert _labels(at) == ["Download the case report (HTML)", "Download the case report (PDF)"]
        at.checkbox(key="triage_report_deid").uncheck().run()
        assert not at.exception, at.exception
        assert any("note as written" in c.value for c in at.caption)
    for at in open_app("pages/drugs.py", "Medications in a note"):
        run_note(at, "drugs_note_text", CARDIO, "Find medications")
        assert at.checkbox(key="drugs_report_deid").value is True
        assert "Download the case report (PDF)" in _labels(at)
