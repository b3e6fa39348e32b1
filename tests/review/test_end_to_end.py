"""The review loop end to end (issue 14's "Done when"), seeded: two annotators answer the same 20 notes for triage and
drugs with planted disagreements; agreement equals hand-computed figures (library and `agreement TASK`); an admin
adjudicates; the gold exports round-trip; a tiny triage model retrains on the gold as a candidate beside the serving
tiny test model; the Models page lists and compares both versions; promote and roll back switch what the pages load.

The notes are hand-written from a fixed seed. Annotator A answers the truth; B's answers differ on purpose:

- triage, 4 of 20 notes (services C = cardiology_pulmonology, O = orthopedics, N = neurology_neurosurgery);
- drugs (two ``DRUG`` spans per note, the first with a ``STRENGTH``): 2 second drugs labelled ``DRUG_CLASS``, 3 first
  drugs cut to their first word (boundary), 1 second drug left out, 1 first drug ``discontinued`` (status).
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import time
from pathlib import Path

import pytest
import streamlit as st
from typer.testing import CliRunner

from core import registry
from core.audit import list_events
from core.cli import app as cli
from core.config import get_settings
from core.exchange import export_docs
from core.review import data
from core.review import queue as q
from core.review.agreement import pairwise
from core.tasks import get_task
from core.tasks import workflows as wf
from tests.app.helpers import open_page, run_note

A, B, ADMIN = "ann.e2e.a", "ann.e2e.b", "admin.e2e"
C, O, N = "cardiology_pulmonology", "orthopedics", "neurology_neurosurgery"
#: A's (true) service of each note: 8 C, 7 O, 5 N.
SERVICE = [C] * 8 + [O] * 7 + [N] * 5
#: Note index -> B's service where B disagrees with A.
TRIAGE_B = {0: O, 1: N, 8: N, 15: C}
COMPLAINT = {
    C: ("Chest pain radiating to the left arm; troponin elevated.", "Dyspnea on exertion, crackles at both bases.",
        "Palpitations with an irregular pulse; ECG shows atrial fibrillation."),
    O: ("Right knee pain after a fall; X-ray shows a tibial plateau fracture.", "Low back pain after lifting a box.",
        "Swollen ankle after a twist playing football; cannot bear weight."),
    N: ("Sudden weakness of the left arm and slurred speech for an hour.", "Worst headache of her life, neck stiff.",
        "New seizure at home; postictal confusion on arrival."),
}
FIRST_DRUGS = ("metoprolol succinate", "insulin glargine", "nifedipine XL", "carbidopa levodopa", "diltiazem CD")
SECOND_DRUGS = ("atorvastatin", "lisinopril", "warfarin", "furosemide", "gabapentin", "sertraline")
STRENGTHS = ("25 mg", "10 mg", "40 mg", "100 mg", "5 mg")
#: Planted drug disagreements (note indices, all distinct).
AS_CLASS, CUT, LEFT_OUT, STATUS = (2, 9), (3, 10, 16), (4,), (11,)


def make_notes(seed: int = 14) -> list[tuple[str, dict]]:
    """20 (note, A's drug answer) pairs; offsets found by construction, not by search."""
    rng = random.Random(seed)
    out = []
    for i, service in enumerate(SERVICE):
        d1, d2, strength = rng.choice(FIRST_DRUGS), rng.choice(SECOND_DRUGS), rng.choice(STRENGTHS)
        head = f"Note {i + 1}. {rng.choice(COMPLAINT[service])} Continue "
        s1 = len(head)
        s_str = s1 + len(d1) + 1
        middle = f"{d1} {strength} PO daily and "
        s2 = s1 + len(middle)
        text = head + middle + f"{d2} at bedtime. Lives alone."
        answer = {"spans": [
            {"start": s1, "end": s1 + len(d1), "label": "DRUG", "status": "current",
             "attributes": [{"start": s_str, "end": s_str + len(strength), "label": "STRENGTH"}]},
            {"start": s2, "end": s2 + len(d2), "label": "DRUG", "status": "current", "attributes": []}]}
        assert text[s1:s1 + len(d1)] == d1 and text[s2:s2 + len(d2)] == d2 and text[s_str:].startswith(strength)
        out.append((text, answer))
    return out


def b_drugs(i: int, text: str, answer: dict) -> dict:
    """B's drug answer on note ``i``: A's, with the planted change."""
    first, second = (json.loads(json.dumps(s)) for s in answer["spans"])
    if i in AS_CLASS:
        second["label"] = "DRUG_CLASS"
    if i in CUT:
        first["end"] = first["start"] + text[first["start"]:first["end"]].index(" ")
    if i in STATUS:
        first["status"] = "discontinued"
    return {"spans": [first] if i in LEFT_OUT else [first, second]}


def answer_all(task: str, who: str, answers: dict[str, dict]) -> int:
    """``who`` takes items from the queue until none is left and answers each from ``answers`` (by note text)."""
    done = 0
    while (item := q.next_item(task, who)) is not None:
        q.submit(item.id, who, "correct", answers[item.note_text], seconds=3.0)
        done += 1
    return done


@pytest.fixture
def models_dir(fresh_db, tmp_path, monkeypatch):
    """A fresh database and an empty models folder as the settings' defaults (what the pages and the registry use)."""
    before = get_settings().models_dir
    root = tmp_path / "models"
    monkeypatch.setenv("NOTELENS_MODELS_DIR", str(root))
    get_settings.cache_clear()
    st.cache_resource.clear()
    yield root
    monkeypatch.setenv("NOTELENS_MODELS_DIR", str(before))
    get_settings.cache_clear()
    st.cache_resource.clear()


def loaded_version(name: str) -> str:
    """The version of the model the pages load for ``name`` (pages.state's cache, keyed by the serving versions)."""
    from pages import state

    task = get_task(name)
    return task.version(state.require_model(name))


def test_two_annotators_to_a_promoted_and_rolled_back_model(models_dir: Path, tmp_path: Path,
                                                             tiny_triage_artifact: Path):
    t0 = time.perf_counter()
    notes = make_notes()
    texts = [t for t, _ in notes]
    assert len(set(texts)) == 20
    for task in ("triage", "drugs"):
        for text in texts:
            q.enqueue(task, note_hash=hashlib.sha256(text.encode()).hexdigest(), note_text=text, source="batch",
                      actor=ADMIN, overlap_share=1.0)

    # -- two annotators, blind, every item doubled --------------------------------------------------------------
    triage_a = {t: {"label": SERVICE[i]} for i, t in enumerate(texts)}
    triage_b = {t: {"label": TRIAGE_B.get(i, SERVICE[i])} for i, t in enumerate(texts)}
    drugs_a = dict(notes)
    drugs_b = {t: b_drugs(i, t, a) for i, (t, a) in enumerate(notes)}
    for task, by in (("triage", {A: triage_a, B: triage_b}), ("drugs", {A: drugs_a, B: drugs_b})):
        assert answer_all(task, A, by[A]) == 20
        assert answer_all(task, B, by[B]) == 20
        assert answer_all(task, A, by[A]) == 0  # nobody gets an item twice

    # -- agreement, triage: Cohen's kappa from the 3x3 table (rows A, columns B) ---------------------------------
    #            B:C  B:O  B:N | A
    #   A:C        6    1    1 |  8
    #   A:O        0    6    1 |  7
    #   A:N        1    0    4 |  5
    #   B          7    7    6 | 20
    # p_o = (6 + 6 + 4) / 20 = 0.8; p_e = (8*7 + 7*7 + 5*6) / 20**2 = 135/400 = 0.3375
    # kappa = (0.8 - 0.3375) / (1 - 0.3375) = 0.4625 / 0.6625 = 37/53 = 0.69811... -> 0.6981
    triage_report = pairwise("triage", data.annotations("triage")).as_dict()
    assert triage_report["n_items"] == 20 and triage_report["annotators"] == [A, B]
    assert triage_report["overall"]["kappa"] == 0.6981 and triage_report["overall"]["agreement"] == 0.8

    # -- agreement, drugs: span F1 from counts (A the reference; A marks 2 DRUG spans on each of 20 notes) -------
    # n_a = 40; n_b = 40 - 1 (left out) = 39, of which 2 DRUG_CLASS and 37 DRUG.
    # strict: A spans not matched = 2 relabelled + 3 cut + 1 left out = 6 -> matched 34
    #   P = 34/39 = 0.8718, R = 34/40 = 0.85, F1 = 2*34 / (40 + 39) = 68/79 = 0.8608
    #   by label: DRUG 2*34 / (40 + 37) = 68/77 = 0.8831; DRUG_CLASS 0 / (0 + 2) = 0.0
    # overlapping: the 3 cut spans overlap theirs -> matched 37: F1 = 74/79 = 0.9367; DRUG 74/77 = 0.961
    # status on the 34 strict matches: 33 equal -> 33/34 = 0.9706; kappa: A always "current", so
    #   p_e = 1 * 33/34 = p_o and kappa = 0.0
    # attributes: the same 20 STRENGTH spans on both sides -> F1 1.0
    drugs_report = pairwise("drugs", data.annotations("drugs")).as_dict()
    overall = drugs_report["overall"]
    assert drugs_report["n_items"] == 20 and drugs_report["labels"] == ["DRUG", "DRUG_CLASS"]
    strict, overlapping = overall["strict"], overall["overlapping"]
    assert (strict["matched"], strict["n_a"], strict["n_b"]) == (34, 40, 39)
    assert (strict["precision"], strict["recall"], strict["f1"]) == (0.8718, 0.85, 0.8608)
    assert strict["by_label"]["DRUG"]["f1"] == 0.8831 and strict["by_label"]["DRUG_CLASS"]["f1"] == 0.0
    assert (overlapping["matched"], overlapping["f1"], overlapping["by_label"]["DRUG"]["f1"]) == (37, 0.9367, 0.961)
    assert overall["status"] == {"n_spans": 34, "agreement": 0.9706, "kappa": 0.0}
    assert overall["attributes"]["f1"] == 1.0

    # the same figures from `python -m core.cli agreement TASK` (last line JSON)
    runner = CliRunner()
    for task, report in (("triage", triage_report), ("drugs", drugs_report)):
        res = runner.invoke(cli, ["agreement", task])
        assert res.exit_code == 0, res.output
        assert json.loads(res.stdout.strip().splitlines()[-1]) == report

    # -- adjudication: the planted disagreements, and only they, wait; the admin takes A's answer ---------------
    waiting = {task: q.disagreements(task) for task in ("triage", "drugs")}
    assert sorted(texts.index(d.note_text) for d in waiting["triage"]) == sorted(TRIAGE_B)
    assert sorted(texts.index(d.note_text) for d in waiting["drugs"]) == sorted(
        (*AS_CLASS, *CUT, *LEFT_OUT, *STATUS))
    for task, items in waiting.items():
        for d in items:
            assert [who for who, _, _ in d.answers] == [A, B]
            q.adjudicate(d.id, d.answers[0][2], actor=ADMIN)
        assert q.disagreements(task) == []
    for task, n_adjudicated in (("triage", 4), ("drugs", 7)):
        gold = data.gold(task)
        assert len(gold) == 20
        assert sorted(g.method for g in gold) == ["adjudicated"] * n_adjudicated + ["unanimous"] * (20 - n_adjudicated)
        assert {g.decided_by for g in gold if g.method == "adjudicated"} == {ADMIN}
        assert {g.decided_by for g in gold if g.method == "unanimous"} == {f"{A},{B}"}
    assert [g.answer for g in data.gold("triage")] == [triage_a[t] for t in texts]
    assert [q.canonical(g.answer) for g in data.gold("drugs")] == [q.canonical(drugs_a[t]) for t in texts]

    # -- exports round-trip: what train/evaluate --data read back is the gold, unchanged -------------------------
    triage_gold = data.examples("triage").examples
    assert triage_gold == [(t, SERVICE[i]) for i, t in enumerate(texts)]
    path = export_docs("triage", triage_gold, "csv", tmp_path / "gold.csv")
    assert get_task("triage").read_data(path) == triage_gold

    def spans_of(docs):
        return [(d.text, sorted((s.start, s.end, s.label, s.group, s.status) for s in d.spans)) for d in docs]

    drug_gold = data.examples("drugs").examples
    assert len(drug_gold) == 20 and sum(len(d.spans) for d in drug_gold) == 60  # 40 drugs, 20 strengths
    for fmt, name in (("jsonl", "gold.jsonl"), ("iob", "gold.iob")):
        back = get_task("drugs").read_data(export_docs("drugs", drug_gold, fmt, tmp_path / name))
        if fmt == "jsonl":  # every field is kept
            assert spans_of(back) == spans_of(drug_gold)
        else:  # IOB keeps text, offsets and labels
            assert [(t, [s[:3] for s in ss]) for t, ss in spans_of(back)] == [
                (t, [s[:3] for s in ss]) for t, ss in spans_of(drug_gold)]
    t_data = time.perf_counter() - t0

    # -- the tiny test model serves; one retrained on the gold is a candidate that does not serve ---------------
    triage = get_task("triage")
    shutil.copytree(tiny_triage_artifact, models_dir / "triage" / tiny_triage_artifact.name)
    (models_dir / "triage" / "CURRENT").write_text(tiny_triage_artifact.name + "\n", encoding="utf-8")
    first = {"version": tiny_triage_artifact.name}
    assert triage.current().name == first["version"]
    tiny = {"tiny": True, "n_notes": 16, "val_notes": 16, "epochs": 1, "max_length": 48, "infer_max_length": 48,
            "batch_size": 8, "progress": False}
    unlocked = sum(not data.locked(hashlib.sha256(t.encode()).hexdigest()) for t in texts)
    assert 0 < unlocked < 20  # the default locked share keeps some gold out of training
    second = wf.train(triage, with_feedback=True, **tiny)
    assert not second["serving"] and second["source"].endswith("+feedback")
    assert second["n_train"] == 16 + 2 * unlocked  # the synthetic notes plus every unlocked gold note, weighted 2
    assert triage.current().name == first["version"] and loaded_version("triage") == first["version"]
    t_train = time.perf_counter() - t0 - t_data

    # -- the Models page lists both and compares them -------------------------------------------------------------
    saved = {v.version: v for v in registry.versions(triage)}
    assert set(saved) == {first["version"], second["version"]}
    at = open_page("models", ADMIN, "admin")
    table = at.dataframe[0].value
    assert list(table["version"]) == [second["version"], first["version"]]
    assert list(table["serving"]) == ["", "✓"]
    assert (at.selectbox(key="models_compare_a").value, at.selectbox(key="models_compare_b").value) == (
        first["version"], second["version"])
    diff = next(d.value for d in at.dataframe if {"evaluation", "metric", "A", "B", "B - A"} <= set(d.value.columns))
    rows = {r["metric"]: r for r in diff.to_dict("records") if r["evaluation"] == "training validation"}
    val_a, val_b = saved[first["version"]].metrics["validation"], saved[second["version"]].metrics["validation"]
    for metric in ("accuracy", "macro_f1", "n"):
        assert (rows[metric]["A"], rows[metric]["B"]) == (round(val_a[metric], 4), round(val_b[metric], 4)), metric
        assert rows[metric]["B - A"] == round(val_b[metric] - val_a[metric], 4)

    # -- promote, then roll back: what the pages load follows -----------------------------------------------------
    page = open_triage_page()
    assert shown_version(page) == first["version"]
    done = registry.promote(triage, second["version"], actor=ADMIN, reason="retrained on the adjudicated gold")
    assert done.changed and (done.from_version, done.to_version) == (first["version"], second["version"])
    assert triage.current().name == second["version"] and loaded_version("triage") == second["version"]
    assert shown_version(page) == second["version"]  # an open page picks the new model at its next run
    (event,) = list_events(5, action="model_promoted")
    assert event.actor == ADMIN and event.target == f"model:triage/{second['version']}"
    assert event.details["reason"] == "retrained on the adjudicated gold"

    back = registry.rollback(triage, actor=ADMIN, reason="checking roll back")
    assert back.to_version == first["version"] and triage.current().name == first["version"]
    assert loaded_version("triage") == first["version"] and shown_version(page) == first["version"]
    (event,) = list_events(5, action="model_rolled_back")
    assert event.actor == ADMIN and event.target == f"model:triage/{first['version']}"
    print(f"data, agreement, adjudication, exports {t_data:.1f} s; a tiny training {t_train:.1f} s; "
          f"total {time.perf_counter() - t0:.1f} s")


def open_triage_page():
    """The Triage page (pages/triage.py alone) with a clinician signed in."""
    at = open_page("triage", "dr.e2e", "clinician")
    assert at.title[0].value == "Triage a clinical note"
    return at


def shown_version(at) -> str:
    """Triage a note on the open page and read the model version its result caption names."""
    run_note(at, "note_text", COMPLAINT[C][0] + " Aspirin 81 mg daily.", "Triage")
    captions = [c.value for c in at.caption if "Model `" in c.value]
    assert len(captions) == 1, [c.value for c in at.caption]
    return captions[0].split("Model `", 1)[1].split("`", 1)[0]

