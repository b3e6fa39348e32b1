"""Batch runs (core.batch): readers, error rows, batched path == per-note loop, resumable JSONL and Parquet outputs,
the ``batch`` command."""

from __future__ import annotations

import json
import sys

import pytest
from typer.testing import CliRunner

from core import batch
from tests.conftest import CARDIO, ORTHO

NOTES = [CARDIO, ORTHO, "Assessment: gout. Denies asthma. Continue metoprolol 25 mg PO daily.",
         CARDIO + " Patient takes warfarin 10 mg PO daily and aspirin 81 mg daily for pain. " * 3,
         "Mother with hypertension. " + ORTHO, "Short note: asthma, on metformin 500 mg BID."]


@pytest.fixture(scope="module")
def models(tiny_triage_artifact, tiny_drug_artifact, tiny_condition_artifact, tiny_ranker_artifact):
    return batch.load_models(["triage", "drugs", "conditions", "treatments"])


def _rows(n: int) -> list[dict]:
    return [{"id": f"n{i}", "text": NOTES[i % len(NOTES)] + f" Visit {i}."} for i in range(n)]


def _jsonl(path, rows) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


# -- readers ------------------------------------------------------------------------------------------------
def test_csv_reader_custom_columns_row_numbers_and_missing_columns(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text('note_id,body,x\n7,"first, with a comma\nand a newline",a\n,second,b\n9,third,c\n',
                    encoding="utf-8")
    rows = list(batch.read_rows(path, id_column="note_id", text_column="body"))
    assert rows[0] == {"id": "7", "text": "first, with a comma\nand a newline"}
    assert rows[1]["id"] == "row 2" and "no note_id" in rows[1]["error"]
    assert rows[2] == {"id": "9", "text": "third"}
    # no 'id' column and the default name: the row's number is its id
    plain = tmp_path / "plain.csv"
    plain.write_text("text\nalpha\nbeta\n", encoding="utf-8")
    assert [r["id"] for r in batch.read_rows(plain)] == ["1", "2"]
    with pytest.raises(batch.BatchError, match="body"):
        batch.read_rows(plain, text_column="body")
    with pytest.raises(batch.BatchError, match="note_id"):
        batch.read_rows(plain, id_column="note_id")


def test_jsonl_reader_marks_bad_lines_and_folder_reader_refuses_binary(tmp_path):
    path = tmp_path / "notes.jsonl"
    path.write_text('{"id": 1, "text": "a note"}\nnot json\n\n{"id": 3}\n[1, 2]\n{"text": "no id"}\n',
                    encoding="utf-8")
    rows = list(batch.read_rows(path))
    assert rows[0] == {"id": "1", "text": "a note"}
    assert rows[1]["id"] == "line 2" and "not a JSON object" in rows[1]["error"]
    assert rows[2]["id"] == "3" and "'text'" in rows[2]["error"]
    assert rows[3]["id"] == "line 5" and "error" in rows[3]
    assert rows[4] == {"id": "6", "text": "no id"}
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "b.txt").write_text("second note", encoding="utf-8")
    (folder / "a.txt").write_text("first note", encoding="utf-8")
    (folder / "c.txt").write_bytes(b"\x00\x01binary")
    (folder / "ignored.md").write_text("not a note", encoding="utf-8")
    rows = list(batch.read_rows(folder))
    assert [r["id"] for r in rows] == ["a.txt", "b.txt", "c.txt"]
    assert rows[0]["text"] == "first note" and "error" in rows[2]
    assert batch.count_rows(folder) == 3 and batch.count_rows(path) == 5
    with pytest.raises(batch.BatchError):
        batch.read_rows(tmp_path / "notes.xlsx")


def test_the_reader_streams(tmp_path):
    path = tmp_path / "big.jsonl"
    _jsonl(path, [{"id": i, "text": "x"} for i in range(1000)])
    rows = batch.read_rows(path)
    assert next(rows) == {"id": "0", "text": "x"}  # a generator: nothing read ahead into a list
    assert [len(c) for c in batch.chunks(range(10), 4)] == [4, 4, 2]


# -- run_batch ------------------------------------------------------------------------------------------------
def test_bad_notes_are_error_rows_and_the_run_goes_on(models):
    rows = [{"id": "a", "text": CARDIO}, {"id": "b", "text": "   "}, {"id": "c", "text": 42},
            {"id": "d", "text": "x" * 200_001}, {"id": "e", "error": "line 5 is not a JSON object"}, "junk",
            {"id": "f", "text": ORTHO}]
    out = batch.run_batch(rows, ["triage", "drugs"], models=models)
    assert [r["id"] for r in out] == ["a", "b", "c", "d", "e", "", "f"]
    assert [r["ok"] for r in out] == [True, False, False, False, False, False, True]
    assert "empty" in out[1]["error"] and "not text" in out[2]["error"] and "too long" in out[3]["error"]
    assert out[4]["error"] == "line 5 is not a JSON object"
    assert out[1]["triage"] is None and out[1]["drugs"] is None
    assert out[0]["triage"]["service"] == "cardiology_pulmonology" and out[6]["triage"]["service"] == "orthopedics"
    assert {m["text"] for m in out[0]["drugs"]["mentions"]} >= {"Metoprolol"}
    assert out[0]["model_versions"]["triage"].startswith("triage-")


def test_a_note_a_model_fails_on_is_an_error_row(models, monkeypatch):
    pipe = models["drugs"]
    real = type(pipe).postprocess

    def fail_on_gout(self, text, entities):
        if "gout" in text:
            raise RuntimeError("boom")
        return real(self, text, entities)

    monkeypatch.setattr(type(pipe), "postprocess", fail_on_gout)
    out = batch.run_batch(_rows(6), ["drugs"], models=models)
    assert [r["ok"] for r in out] == [True, True, False, True, True, True]
    assert out[2]["error"] == "RuntimeError: boom"


def _essentials(row: dict) -> dict:
    """What must not change between the batched path and the loop: answers, spans, codes, suggestions."""
    t, d, c, s = row["triage"], row["drugs"], row["conditions"], row["treatments"]
    return {"service": t["service"], "outcome": t["outcome"], "flags": [f["name"] for f in t["red_flags"]],
            "n_windows": t["n_windows"], "n_tokens": t["n_tokens"],
            "drugs": [(m["start"], m["end"], m["status"], m["identity"] and m["identity"]["drugbank_id"])
                      for m in d["mentions"]],
            "entities": [(e["start"], e["end"], e["label"]) for e in d["entities"]],
            "conditions": [(m["span"]["start"], m["span"]["end"], m["status"]) for m in c["mentions"]],
            "suggestions": [(x["condition_id"], x["drug"]) for x in s["suggestions"]]}


def test_batched_results_equal_the_per_note_loop(models):
    rows = _rows(12)
    fast = batch.run_batch(rows, list(batch.TASK_ORDER), models=models)
    loop = batch.run_batch(rows, list(batch.TASK_ORDER), models=models, batched=False)
    assert [r["id"] for r in fast] == [r["id"] for r in loop] == [r["id"] for r in rows]
    assert all(r["ok"] for r in fast + loop)
    assert [_essentials(r) for r in fast] == [_essentials(r) for r in loop]
    for a, b in zip(fast, loop):
        assert a["triage"]["scores"] == pytest.approx(b["triage"]["scores"], abs=2e-3)
    assert any(r["drugs"]["mentions"] for r in fast) and any(r["conditions"]["mentions"] for r in fast)


def test_explain_adds_the_first_targets_explanation(models):
    out = batch.run_batch([{"id": "a", "text": CARDIO}], ["triage"], models=models, explain=True)
    exp = out[0]["triage"]["explanation"]
    assert exp["target"] == out[0]["triage"]["service"] and exp["top_words"]


# -- outputs and resuming -----------------------------------------------------------------------------------
def test_jsonl_run_resumes_without_duplicates_and_repairs_a_cut_line(tmp_path, models):
    rows = _rows(10)
    src, half = tmp_path / "in.jsonl", tmp_path / "half.jsonl"
    _jsonl(src, rows)
    _jsonl(half, rows[:5])
    whole = tmp_path / "whole.jsonl"
    first = batch.run_file(src, whole, ["triage", "drugs"], chunk_size=4, models=models)
    assert first["written"] == 10 and first["skipped_existing"] == 0 and first["errors"] == 0

    out = tmp_path / "out.jsonl"
    seen: list[int] = []
    summary = batch.run_file(half, out, ["triage", "drugs"], chunk_size=2, models=models,
                             progress=lambda n, rate: seen.append(n))
    assert summary["written"] == 5 and seen == [2, 2, 1]
    with out.open("ab") as fh:  # a run killed in the middle of a line
        fh.write(b'{"id": "n5", "ok": tr')
    again = batch.run_file(src, out, ["triage", "drugs"], chunk_size=4, models=models)
    assert again["n"] == 10 and again["skipped_existing"] == 5 and again["written"] == 5
    lines = out.read_text(encoding="utf-8").splitlines()
    got = [json.loads(line) for line in lines]
    assert sorted(r["id"] for r in got) == sorted(r["id"] for r in rows)  # every id once
    ref = {r["id"]: r for r in map(json.loads, whole.read_text(encoding="utf-8").splitlines())}
    for r in got:
        assert r["triage"]["service"] == ref[r["id"]]["triage"]["service"]
        assert r["drugs"]["entities"] == ref[r["id"]]["drugs"]["entities"]
    assert batch.run_file(src, out, ["triage", "drugs"], models=models)["written"] == 0


def test_repeated_ids_in_the_input_are_run_once(tmp_path, models):
    src = tmp_path / "in.jsonl"
    _jsonl(src, [{"id": "a", "text": CARDIO}, {"id": "a", "text": ORTHO}, {"id": "b", "text": ORTHO}])
    summary = batch.run_file(src, tmp_path / "out.jsonl", ["triage"], models=models)
    assert summary["written"] == 2 and summary["duplicates"] == 1


def test_parquet_output_is_one_part_per_chunk_and_resumes(tmp_path, models):
    import pyarrow.parquet as pq

    rows = _rows(7) + [{"id": "empty", "text": ""}]
    src = tmp_path / "in.jsonl"
    _jsonl(src, rows[:5])
    out = tmp_path / "out.parquet"
    assert batch.run_file(src, out, ["triage", "drugs"], chunk_size=3, models=models)["written"] == 5
    _jsonl(src, rows)
    summary = batch.run_file(src, out, ["triage", "drugs"], chunk_size=3, models=models)
    assert summary["skipped_existing"] == 5 and summary["written"] == 3 and summary["errors"] == 1
    parts = sorted(p.name for p in out.iterdir())
    assert parts == ["part-00000.parquet", "part-00001.parquet", "part-00002.parquet", "part-00003.parquet"]
    table = pq.read_table(out).to_pylist()
    assert sorted(r["id"] for r in table) == sorted(r["id"] for r in rows)
    by_id = {r["id"]: r for r in table}
    assert by_id["empty"]["ok"] is False and by_id["empty"]["triage"] is None
    assert json.loads(by_id["n0"]["triage"])["service"] == "cardiology_pulmonology"
    with pytest.raises(batch.BatchError, match="folder"):
        batch.writer_for(src, "parquet")
    with pytest.raises(batch.BatchError):
        batch.writer_for(tmp_path / "out.xlsx")


# -- the command ----------------------------------------------------------------------------------------------
def test_the_batch_command(tmp_path, models, monkeypatch):
    from core.cli import app

    src = tmp_path / "notes.csv"
    src.write_text("note_id,body\n1,\"" + CARDIO + "\"\n2,\"\"\n3,\"" + ORTHO + "\"\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    runner = CliRunner()
    args = ["batch", str(src), "--out", str(out), "--tasks", "triage,drugs", "--id-column", "note_id",
            "--text-column", "body", "--chunk-size", "2"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout.strip().splitlines()[-1])
    assert {k: summary[k] for k in ("n", "written", "skipped_existing", "errors")} == \
        {"n": 3, "written": 3, "skipped_existing": 0, "errors": 1}
    assert summary["output"] == str(out) and summary["notes_per_s"] > 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["1", "2", "3"] and set(rows[0]) >= {"triage", "drugs", "model_versions"}
    assert json.loads(runner.invoke(app, args).stdout.strip().splitlines()[-1])["skipped_existing"] == 3

    res = runner.invoke(app, ["batch", str(src), "--out", str(out), "--tasks", "nonsense"])
    assert res.exit_code == 2 and "unknown task" in res.output
    res = runner.invoke(app, ["batch", str(src), "--out", str(out), "--text-column", "missing"])
    assert res.exit_code == 2 and "missing" in res.output
    monkeypatch.setitem(sys.modules, "core.batch_ray", None)  # Ray's engine absent
    res = runner.invoke(app, ["batch", str(src), "--out", str(out), "--engine", "ray", "--id-column", "note_id",
                              "--text-column", "body"])
    assert res.exit_code == 2 and "--engine ray is not available" in res.output


def test_a_bucket_of_notes_fits_the_shared_sentence_splits():
    """Each task runs over a whole bucket in turn: every note's sentence split must still be kept when the next task
    asserts its mentions (else the batched path splits each note once per task)."""
    from core.nlp import context

    assert batch.BUCKET <= context._SENTS_KEPT
