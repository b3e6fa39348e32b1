"""The review tables read back (core.review.data) and `notelens agreement TASK` on them."""

from __future__ import annotations

import hashlib
import json

from typer.testing import CliRunner

from core.cli import app
from core.db.engine import init_db
from core.review import data
from core.review import queue as q


def _enqueue(task: str, i: int) -> int:
    text = f"Review note {i}: chest pain, metoprolol 25 mg daily."
    return q.enqueue(task, note_hash=hashlib.sha256(text.encode()).hexdigest(), note_text=text, source="batch",
                     actor="admin", overlap_share=1.0)


def test_agreement_command_on_two_annotators(auth_db_url):
    init_db(auth_db_url)
    labels_a = ["cardiology_pulmonology", "orthopedics", "cardiology_pulmonology", "orthopedics"]
    labels_b = ["cardiology_pulmonology", "orthopedics", "orthopedics", "orthopedics"]
    for i, (a, b) in enumerate(zip(labels_a, labels_b, strict=True)):
        item = _enqueue("triage", i)
        for who, label in (("ann.a", a), ("ann.b", b)):
            assert q.next_item("triage", who).id == item
            q.submit(item, who, "correct", {"label": label})
    assert len(data.annotations("triage")) == 8
    assert [g.answer for g in data.gold("triage")] == [{"label": "cardiology_pulmonology"}, {"label": "orthopedics"},
                                                       {"label": "orthopedics"}]  # item 2 waits for adjudication
    res = CliRunner().invoke(app, ["agreement", "triage"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout.strip().splitlines()[-1])
    # 4 items, 3 agree: p_o = 0.75; a says C,O,C,O and b C,O,O,O: p_e = 0.5*0.25 + 0.5*0.75 = 0.5; kappa 0.5
    assert out["n_items"] == 4
    text = json.dumps(out)
    assert '"kappa": 0.5' in text and '"agreement": 0.75' in text
    res = CliRunner().invoke(app, ["agreement", "nonsense"])
    assert res.exit_code == 2


NOTES = ["Pt on metoprolol\t25 mg daily; denies aspirin.", "Mère: warfarine 5 mg — 患者 takes lisinopril 10 mg 🙂",
         "No meds. Allergy: penicillin (rash)."]


def _spans(text: str) -> list[dict]:
    out = []
    for word, status in (("metoprolol", "current"), ("aspirin", "negated"), ("lisinopril", "current"),
                         ("warfarine", "current"), ("penicillin", "allergy")):
        at = text.find(word)
        if at >= 0:
            out.append({"start": at, "end": at + len(word), "label": "DRUG", "status": status})
    dose = text.find("25 mg")
    if dose >= 0:
        out[0]["attributes"] = [[dose, dose + 5, "STRENGTH"]]
    return out


def test_gold_exports_round_trip_through_read_data(auth_db_url, tmp_path):
    from core.tasks import get_task

    init_db(auth_db_url)
    for i, text in enumerate(NOTES):
        item = q.enqueue("drugs", note_hash=hashlib.sha256(text.encode()).hexdigest(), note_text=text,
                         source="batch", actor="admin", overlap_share=1.0 if i < 2 else 0.0)
        for who in ("ann.a", "ann.b")[: 2 if i < 2 else 1]:
            assert q.next_item("drugs", who).id == item
            q.submit(item, who, "correct", {"spans": _spans(text)})
    expected = {text: sorted((s["start"], s["end"], s["label"]) for s in _spans(text)) for text in NOTES}
    for s in _spans(NOTES[0]):  # the attribute is exported as its own span
        for a, b, label in s.get("attributes", []):
            expected[NOTES[0]] = sorted([*expected[NOTES[0]], (a, b, label)])
    runner = CliRunner()
    for fmt, name in (("jsonl", "gold.jsonl"), ("iob", "gold.iob"), ("spacy", "gold.spacy")):
        res = runner.invoke(app, ["export", "drugs", "--format", fmt, "--out", str(tmp_path / name)])
        assert res.exit_code == 0, res.output
        out = json.loads(res.stdout.strip().splitlines()[-1])
        assert (out["examples"], out["left_out_single"]) == (2, 1)  # the third note has one annotator only
        docs = get_task("drugs").read_data(tmp_path / name)
        assert {d.text: sorted((s.start, s.end, s.label) for s in d.spans) for d in docs} == {
            t: expected[t] for t in NOTES[:2]}
    res = runner.invoke(app, ["export", "drugs", "--format", "jsonl", "--out", str(tmp_path / "all.jsonl"),
                              "--include-single"])
    assert json.loads(res.stdout.strip().splitlines()[-1])["examples"] == 3
    res = runner.invoke(app, ["export", "drugs", "--format", "docx", "--out", str(tmp_path / "x.docx")])
    assert res.exit_code == 2 and "choose one of" in res.output


def test_cli_export_deidentifies_by_default(auth_db_url, tmp_path):
    """A file written by `export` may leave the machine: identifiers go unless --no-deid, the spans stay on their
    words either way."""
    from core.tasks import get_task

    init_db(auth_db_url)
    text = "Seen by Dr. Margaret Okafor on 03/14/2024, MRN 84512093; continue metoprolol 25 mg daily."
    drug = text.index("metoprolol")
    item = q.enqueue("drugs", note_hash=hashlib.sha256(text.encode()).hexdigest(), note_text=text, source="batch",
                     actor="admin", overlap_share=0.0)
    assert q.next_item("drugs", "ann.a").id == item
    q.submit(item, "ann.a", "correct", {"spans": [{"start": drug, "end": drug + 10, "label": "DRUG",
                                                    "status": "present"}]})
    runner = CliRunner()
    for flags, name in (([], "deid.jsonl"), (["--no-deid"], "plain.jsonl")):
        res = runner.invoke(app, ["export", "drugs", "--format", "jsonl", "--out", str(tmp_path / name),
                                  "--include-single", *flags])
        assert res.exit_code == 0, res.output
        assert json.loads(res.stdout.strip().splitlines()[-1])["deidentified"] is (not flags)
    (deid,) = get_task("drugs").read_data(tmp_path / "deid.jsonl")
    (plain,) = get_task("drugs").read_data(tmp_path / "plain.jsonl")
    assert plain.text == text
    for secret in ("Okafor", "03/14/2024", "84512093"):
        assert secret not in deid.text
    assert [deid.text[s.start:s.end] for s in deid.spans] == ["metoprolol"]
