"""The ranker: the knowledge base's teacher relevances, save/load round trip, and scoring."""

import pytest

from core.knowledge.kb import load_kb
from core.synth.plans import PlanWriter, relevance, target_distribution
from core.treatments.ranker import RankerPipeline, candidate_text


def test_relevance_follows_the_knowledge_base():
    htn = load_kb().condition("hypertension")
    drugs = [t.drug for t in htn.treatments]
    plain = dict(zip(drugs, relevance(htn, set(), set(), set())))
    assert plain["lisinopril"] > plain["labetalol"] > 0               # first-line above alternatives
    pregnant = dict(zip(drugs, relevance(htn, {"pregnancy"}, set(), set())))
    assert pregnant["lisinopril"] == 0.0                               # contraindicated
    assert pregnant["labetalol"] == max(pregnant.values())             # preferred in pregnancy
    taking = dict(zip(drugs, relevance(htn, set(), {"amlodipine"}, set())))
    assert taking["amlodipine"] < plain["amlodipine"]
    allergic = dict(zip(drugs, relevance(htn, set(), set(), {"losartan"})))
    assert allergic["losartan"] == 0.0


def test_target_distribution_is_a_softmax():
    p = target_distribution([1.0, 0.5, 0.0])
    assert sum(p) == pytest.approx(1.0) and p[0] > p[1] > p[2]


def test_plan_notes_state_their_context():
    notes = PlanWriter(load_kb(), seed=1).generate(40)
    preg = [n for n in notes if "pregnancy" in n.tags]
    assert preg and all("pregnan" in n.text.lower() or "gestation" in n.text.lower() for n in preg)
    assert all(len(n.relevance) == len(n.condition.treatments) for n in notes)
    assert all("Assessment: " in n.text for n in notes)


def test_save_load_round_trip_gives_the_same_scores(tiny_ranker, tmp_path):
    gout = load_kb().condition("gout")
    cands = [candidate_text(gout, t) for t in gout.treatments]
    text = "Assessment: gout. eGFR 25."
    before = tiny_ranker.scores(text, cands)
    from dataclasses import replace

    from core.modeling import load_info, save_artifact

    # the one artifact writer every task saves through, into another folder
    info = replace(load_info(tiny_ranker.artifact), version="ranker-copy")
    path = save_artifact(tiny_ranker.model, tiny_ranker.tokenizer, info, models_dir=tmp_path, make_current=False)
    assert path == tmp_path / "ranker" / "ranker-copy" and not list((tmp_path / "ranker").glob(".*tmp"))
    loaded = RankerPipeline.from_artifact(path)
    assert loaded.scores(text, cands) == pytest.approx(before, abs=1e-5)
    assert loaded.artifact == path and loaded.version == "ranker-copy"
    assert tiny_ranker.scores(text, []) == []


def test_feedback_becomes_training_notes(tiny_conditions):
    from core.db.engine import init_db
    from core.db.store import record_feedback, record_prediction
    from core.tasks import get_task
    from core.tasks.workflows import stored_feedback
    from core.treatments.suggest import TreatmentEngine

    init_db()
    text = "Assessment: hypertension. 70-year-old man. Feedback test note."
    result = TreatmentEngine(tiny_conditions)(text)
    pid = record_prediction("treatments", "test", text, get_task("treatments").record(result))
    for kind, drug in (("reject", "lisinopril"), ("add_missing", "nifedipine"), ("add_missing", "unknownol")):
        record_feedback(pid, user_name="Dr F", user_role="clinician",
                        verdict={"reject": "wrong", "add_missing": "partially_correct"}[kind],
                        correction={"kind": kind, "condition_id": "hypertension", "drug": drug, "drugbank_id": None,
                                    "reason": "test"}, note_text=text)
    notes = [n for n in stored_feedback(get_task("ranker")) if n.text == text]
    assert len(notes) == 1
    rel = dict(zip((t.drug for t in notes[0].condition.treatments), notes[0].relevance))
    assert rel["lisinopril"] == 0.0
    assert rel["nifedipine"] == max(rel.values()) >= 1.0
    assert "elderly" in notes[0].tags


def test_plan_notes_are_the_same_in_every_process():
    import os
    import subprocess
    import sys

    code = ("import hashlib; from core.synth.plans import PlanWriter; from core.knowledge.kb import load_kb; "
            "print(hashlib.sha256(''.join(n.text for n in PlanWriter(load_kb(), 5).generate(60)).encode())"
            ".hexdigest())")
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(outs) == 1


def test_training_features_are_the_same_in_every_process():
    """Context tags are dropped in a fixed order, so a retrain does not depend on Python's string hashing."""
    import os
    import subprocess
    import sys

    code = ("import hashlib, random; from core.synth.plans import PlanWriter; from core.knowledge.kb import load_kb; "
            "from core.treatments.train import note_features; rng = random.Random(3); "
            "print(hashlib.sha256(repr([note_features(n, rng, 0.5) for n in PlanWriter(load_kb(), 5).generate(40)])"
            ".encode()).hexdigest())")
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(outs) == 1
