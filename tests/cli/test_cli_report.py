"""``report FILE --out report.html [--pdf ...]``: the case report of one note; a missing model is exit 2."""

import json
from html.parser import HTMLParser

from typer.testing import CliRunner

from core.cli import app
from core.config import get_settings
from tests.conftest import CARDIO

runner = CliRunner()


def _last_json(output: str) -> dict:
    return json.loads([line for line in output.strip().splitlines() if line.strip()][-1])


def _text(doc: str) -> str:
    """The text a browser shows of ``doc`` (tags dropped, entities resolved)."""
    parts: list[str] = []
    parser = HTMLParser()
    parser.handle_data = parts.append
    parser.feed(doc)
    parser.close()
    return "".join(parts)


def test_report_writes_the_html_and_pdf(tmp_path, tiny_triage_artifact, tiny_drug_artifact, tiny_condition_artifact,
                                        tiny_ranker_artifact):
    note = tmp_path / "note <x>.txt"
    note.write_text("Patient: John Smith, seen 03/14/2024. <script>alert(1)</script> " + CARDIO
                    + " History of hypertension.", encoding="utf-8")
    out, pdf = tmp_path / "out" / "report.html", tmp_path / "report.pdf"
    res = runner.invoke(app, ["report", str(note), "--out", str(out), "--pdf", str(pdf), "--user", "dr <b>x</b>"])
    assert res.exit_code == 0, res.output
    summary = _last_json(res.stdout)
    assert summary["out"] == str(out) and summary["pdf"] == str(pdf) and summary["deidentified"] is True
    assert summary["tasks"] == ["triage", "drugs", "conditions", "treatments"]
    assert set(summary["versions"]) == set(summary["tasks"]) and "triage" in summary["explained"]
    doc = out.read_text(encoding="utf-8")
    assert "<script" not in doc.lower() and "<script>alert(1)</script>" in _text(doc)  # escaped, shown as text
    assert "John Smith" not in doc and "03/14/2024" not in doc and "[NAME]" in doc
    assert "dr &lt;b&gt;x&lt;/b&gt;" in doc
    for version in summary["versions"].values():
        assert version in doc
    assert pdf.read_bytes().startswith(b"%PDF-")
    # --no-deid keeps the note as written; one task only; no PDF
    res = runner.invoke(app, ["report", str(note), "--out", str(out), "--no-deid", "--tasks", "triage",
                              "--no-explain"])
    assert res.exit_code == 0, res.output
    summary = _last_json(res.stdout)
    assert summary["pdf"] is None and summary["tasks"] == ["triage"] and summary["explained"] == []
    doc = out.read_text(encoding="utf-8")
    assert "John Smith" in doc and "not de-identified" in doc and "<h2>Medications</h2>" not in doc


def test_report_without_a_model_or_with_a_bad_task_is_exit_2(tmp_path, monkeypatch):
    note = tmp_path / "note.txt"
    note.write_text(CARDIO, encoding="utf-8")
    res = runner.invoke(app, ["report", str(note), "--out", str(tmp_path / "r.html"), "--tasks", "nonsense"])
    assert res.exit_code == 2 and "nonsense" in res.output
    monkeypatch.setenv("NOTELENS_MODELS_DIR", str(tmp_path / "empty"))
    get_settings.cache_clear()
    try:
        res = runner.invoke(app, ["report", str(note), "--out", str(tmp_path / "r.html"), "--tasks", "triage"])
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert res.exit_code == 2 and "train" in res.output.lower()
    assert not (tmp_path / "r.html").exists()
