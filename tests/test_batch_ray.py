"""``batch --engine ray`` (core.batch_ray): on a small local Ray instance, the same rows as the local engine, error
rows included, resumable, and the explanation stage; the CLI picks the engine."""

from __future__ import annotations

import json
import math

import pytest
from typer.testing import CliRunner

from core import batch
from tests.conftest import CARDIO, ORTHO

ray = pytest.importorskip("ray", reason="Ray Data is not installed (pip install -r requirements.txt)")
batch_ray = pytest.importorskip("core.batch_ray")

pytestmark = pytest.mark.slow

TASKS = ["triage", "drugs", "conditions", "treatments"]
NOTES = [CARDIO, ORTHO, "Assessment: gout. Denies asthma. Continue metoprolol 25 mg PO daily.",
         "Mother with hypertension. " + ORTHO, "Short note: asthma, on metformin 500 mg BID."]


@pytest.fixture(scope="module")
def local_ray(tiny_triage_artifact, tiny_drug_artifact, tiny_condition_artifact, tiny_ranker_artifact):
    """A two-CPU Ray started here (its workers inherit this process's settings, so they find the tiny models)."""
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def _input(tmp_path):
    rows = [{"id": f"n{i}", "text": NOTES[i % len(NOTES)] + f" Visit {i}."} for i in range(10)]
    rows[3]["text"] = "   "  # an empty note: an error row
    rows[6]["text"] = 42  # not text: an error row
    src = tmp_path / "notes.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return src


def _read(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _close(a, b) -> bool:
    """Equal, floats to 1e-5 (the actors run torch on one thread, this process on several)."""
    if isinstance(a, float) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-6)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    return a == b


def test_ray_engine_writes_the_local_engines_rows_and_resumes(tmp_path, local_ray):
    src = _input(tmp_path)
    local = batch.run_file(src, tmp_path / "local.jsonl", TASKS)
    summary = batch_ray.run_file(src, tmp_path / "ray.jsonl", TASKS, batch_size=4, chunk_size=3)
    assert {k: summary[k] for k in ("n", "written", "errors", "skipped_existing")} == \
        {k: local[k] for k in ("n", "written", "errors", "skipped_existing")} == \
        {"n": 10, "written": 10, "errors": 2, "skipped_existing": 0}
    ours, theirs = _read(tmp_path / "ray.jsonl"), _read(tmp_path / "local.jsonl")
    assert [r["id"] for r in ours] == [f"n{i}" for i in range(10)]
    assert [r["ok"] for r in ours] == [i not in (3, 6) for i in range(10)]
    assert ours[6]["error"] == theirs[6]["error"] == "the note is not text (int)"
    assert all(r["treatments"] is not None for r in ours if r["ok"])
    for mine, ref in zip(ours, theirs):
        assert _close(mine, ref), mine["id"]

    # the CLI's --engine ray resumes: every id is in the output already
    from core.cli import app

    result = CliRunner().invoke(app, ["batch", str(src), "--out", str(tmp_path / "ray.jsonl"), "--engine", "ray",
                                      "--tasks", ",".join(TASKS)])
    assert result.exit_code == 0, result.output
    last = json.loads(result.stdout.strip().splitlines()[-1])
    assert (last["written"], last["skipped_existing"]) == (0, 10)


def test_the_explanation_stage_adds_what_the_local_engine_adds(tmp_path, local_ray):
    src = tmp_path / "two.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(NOTES[:2])),
                   encoding="utf-8")
    batch.run_file(src, tmp_path / "local.jsonl", ["triage"], explain=True)
    batch_ray.run_file(src, tmp_path / "ray.jsonl", ["triage"], explain=True, batch_size=2)
    ours, theirs = _read(tmp_path / "ray.jsonl"), _read(tmp_path / "local.jsonl")
    assert all(r["triage"]["explanation"]["top_words"] for r in ours)
    assert [[w for w, _ in r["triage"]["explanation"]["top_words"]] for r in ours] == \
        [[w for w, _ in r["triage"]["explanation"]["top_words"]] for r in theirs]
