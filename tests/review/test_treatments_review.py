"""Treatment suggestions in the review loop: the ranker's record as a starting answer, decisions checked, unanimity
that ignores order and notes, adjudication, agreement (kappa over (item, candidate) verdicts, reason agreement) checked
by hand, gold as the ranker's training notes, and what enters the queue."""

from __future__ import annotations

import hashlib
import json

import pytest
from typer.testing import CliRunner

from core.cli import app
from core.db.engine import init_db
from core.review import agreement, data, forms, intake
from core.review import queue as q
from core.review.agreement import Annotation, Decision

RECORD = {"suggestions": [
    {"condition_id": "hypertension", "condition": "Hypertension", "drug": "lisinopril", "class": "ACE inhibitor",
     "line": "first", "source": "ACC/AHA 2017 (guideline, 2017)", "score": 1.2, "fit": 0.77, "withheld": False},
    {"condition_id": "hypertension", "condition": "Hypertension", "drug": "amlodipine", "line": "first",
     "source": "ACC/AHA 2017 (guideline, 2017)", "score": 0.4, "fit": 0.6, "withheld": False},
    {"condition_id": "hypertension", "condition": "Hypertension", "drug": "lisinopril", "withheld": False},  # twice
    {"condition_id": "hypertension", "condition": "Hypertension", "drug": "spironolactone", "withheld": True}],
    "withheld": [], "conditions": {"entities": [{"start": 12, "end": 24, "label": "CONDITION", "score": 0.97}]}}
PAIRS = [("hypertension", "lisinopril"), ("hypertension", "amlodipine")]


def decision(condition: str, drug: str, verdict: str = "accept", reason: str | None = None,
             note: str | None = None) -> dict:
    return {"condition": condition, "drug": drug, "verdict": verdict, "reason": reason, "note": note}


def test_prefill_takes_the_suggestions_in_order_all_accepted_and_leaves_withheld_out():
    rows = forms.prefill_decisions(RECORD)
    assert [(r["condition"], r["drug"], r["verdict"], r["reason"]) for r in rows] == [
        ("hypertension", "lisinopril", "accept", None), ("hypertension", "amlodipine", "accept", None)]
    assert rows[0]["source"] == "ACC/AHA 2017 (guideline, 2017)" and rows[0]["condition_name"] == "Hypertension"
    assert forms.decisions_answer(rows, PAIRS) == {"decisions": [decision(*p) for p in PAIRS]}
    answer = {"decisions": [decision("hypertension", "amlodipine", "reject", "allergy", "rash in 2019")]}
    assert forms.prefill_decisions(answer) == answer["decisions"]  # a stored answer reads back as it is
    assert forms.prefill_decisions(None) == [] and forms.prefill_decisions({"suggestions": []}) == []


def test_decisions_are_checked_row_by_row_with_clear_messages():
    good = [decision("hypertension", "lisinopril", "accept", "allergy"),  # a reason left on an accept is dropped
            decision("hypertension", "amlodipine", "reject", " interaction ", " on simvastatin ")]
    assert forms.decisions_answer(good, PAIRS)["decisions"] == [
        decision("hypertension", "lisinopril"), decision("hypertension", "amlodipine", "reject", "interaction",
                                                         "on simvastatin")]
    bad = [decision("hypertension", "lisinopril", "reject"),
           decision("hypertension", "amlodipine", "maybe"),
           decision("hypertension", "lisinopril", "reject", "because"),
           decision("", "x"),
           decision("hypertension", "nifedipine", "reject", "other"),
           decision("hypertension", "losartan", "accept", note="x" * 201)]
    with pytest.raises(ValueError) as err:
        forms.decisions_answer(bad, PAIRS)
    lines = str(err.value).splitlines()
    assert lines[0].startswith("row 1: a rejection needs a reason (one of contraindicated, interaction, allergy")
    assert lines[1] == "row 2: verdict must be accept or reject, not 'maybe'"
    assert lines[2].startswith("row 3: the same treatment as row 1; reason must be one of ")
    assert lines[3].startswith("row 4: name the condition and the drug")
    assert lines[4] == ("row 5: nifedipine for hypertension is not one of this note's suggestions; the reason 'other' "
                        "needs a note saying why")
    assert lines[5] == ("row 6: losartan for hypertension is not one of this note's suggestions; the note is 201 "
                        "characters, at most 200")
    assert len(lines) == 6  # every candidate has a row, so none is reported undecided
    with pytest.raises(ValueError, match="^no decision on amlodipine for hypertension$"):
        forms.decisions_answer([decision("hypertension", "lisinopril")], PAIRS)


@pytest.fixture
def engine(tmp_path):
    from core.db.engine import dispose_engine

    url = f"sqlite:///{tmp_path / 'review.db'}"
    yield init_db(url)
    dispose_engine(url)


def _item(engine, i: int, share: float = 1.0) -> int:
    text = f"Note {i}. Assessment: hypertension. Plan as below."
    return q.enqueue("treatments", note_hash=hashlib.sha256(text.encode()).hexdigest(), note_text=text,
                     source="batch", actor="admin", prefill=RECORD, overlap_share=share, engine=engine)


def _answer(engine, item: int, who: str, answer: dict) -> q.Submitted:
    assert q.next_item("treatments", who, engine=engine).id == item
    return q.submit(item, who, "correct", answer, engine=engine)


def test_same_decisions_in_another_order_with_other_notes_are_unanimous(engine):
    item = _item(engine, 1)
    a = {"decisions": [decision("hypertension", "lisinopril"),
                       decision("hypertension", "amlodipine", "reject", "allergy", "ankle oedema before")]}
    b = {"decisions": [decision("hypertension", "amlodipine", "reject", "allergy"),
                       decision("hypertension", "lisinopril", note="fine")]}
    assert _answer(engine, item, "ann.a", a).state == "open"
    done = _answer(engine, item, "ann.b", b)
    assert (done.state, done.gold_method) == ("done", "unanimous")
    (g,) = data.gold("treatments", engine=engine)
    assert g.answer == a and g.decided_by == "ann.a,ann.b"
    with pytest.raises(ValueError, match="already answered"):  # a resubmission must match exactly, note included
        q.submit(item, "ann.a", "correct", {"decisions": list(reversed(a["decisions"]))[:1]}, engine=engine)
    assert q.submit(item, "ann.a", "correct", {"decisions": list(reversed(a["decisions"]))}, engine=engine).created \
        is False
    stats = data.annotator_stats("treatments", engine=engine)
    assert [(s.annotator, s.agree_with_gold, s.with_gold) for s in stats] == [("ann.a", 1, 1), ("ann.b", 1, 1)]


def test_another_verdict_or_reason_goes_to_adjudication(engine):
    verdict_item, reason_item = _item(engine, 2), _item(engine, 3)
    accept_all = {"decisions": [decision(*p) for p in PAIRS]}
    rejects = {"decisions": [decision("hypertension", "lisinopril", "reject", "allergy"),
                             decision("hypertension", "amlodipine")]}
    other_reason = {"decisions": [decision("hypertension", "lisinopril", "reject", "interaction"),
                                  decision("hypertension", "amlodipine")]}
    _answer(engine, verdict_item, "ann.a", accept_all)
    assert _answer(engine, verdict_item, "ann.b", rejects).state == "adjudication"
    _answer(engine, reason_item, "ann.a", rejects)
    assert _answer(engine, reason_item, "ann.b", other_reason).state == "adjudication"
    waiting = q.disagreements("treatments", engine=engine)
    assert [d.id for d in waiting] == [verdict_item, reason_item] and waiting[0].prefill == RECORD
    assert [(who, answer) for who, _, answer in waiting[0].answers] == [("ann.a", accept_all), ("ann.b", rejects)]
    q.adjudicate(verdict_item, rejects, actor="admin", engine=engine)
    (g,) = data.gold("treatments", engine=engine)
    assert (g.item_id, g.answer, g.method, g.decided_by) == (verdict_item, rejects, "adjudicated", "admin")


def ann(item: int, who: str, *verdicts: tuple[str, str, str, str | None]) -> Annotation:
    return Annotation(item, who, "treatments", decisions=tuple(Decision(*v) for v in verdicts))


def test_kappa_over_candidates_and_reason_agreement_by_hand():
    # item 1: three hypertension candidates; item 2: two diabetes candidates. Verdicts on the 5 candidates:
    # a: acc rej acc | acc rej    b: acc rej rej | acc rej    -> 4 of 5 agree, p_o = 0.8
    # p_e = P_a(acc) P_b(acc) + P_a(rej) P_b(rej) = 3/5 * 2/5 + 2/5 * 3/5 = 0.48; kappa = 0.32 / 0.52 = 0.6154
    # both rejected amlodipine (allergy / interaction) and empagliflozin (not_indicated twice): reason agreement 0.5;
    # reason kappa: p_o 0.5, p_e = 0.5 * 0.5 (not_indicated on both sides) = 0.25, kappa = 0.25 / 0.75 = 0.3333
    h, d = "hypertension", "type_2_diabetes"
    anns = [
        ann(1, "ann.a", (h, "lisinopril", "accept", None), (h, "amlodipine", "reject", "allergy"),
            (h, "chlorthalidone", "accept", None)),
        ann(1, "ann.b", (h, "chlorthalidone", "reject", "patient_preference"), (h, "lisinopril", "accept", None),
            (h, "amlodipine", "reject", "interaction")),
        ann(2, "ann.a", (d, "metformin", "accept", None), (d, "empagliflozin", "reject", "not_indicated")),
        ann(2, "ann.b", (d, "metformin", "accept", None), (d, "empagliflozin", "reject", "not_indicated"),
            (d, "semaglutide", "accept", None)),  # decided by one annotator only: unpaired, not scored
        ann(3, "ann.a", (h, "lisinopril", "accept", None)),  # one annotator: not an agreement item
    ]
    report = agreement.pairwise("treatments", anns).as_dict()
    assert report["kind"] == "decisions" and report["n_items"] == 2
    (pair,) = report["pairs"]
    expected = {"a": "ann.a", "b": "ann.b", "n_items": 2, "n_candidates": 5, "unpaired": 1, "kappa": 0.6154,
                "agreement": 0.8, "reasons": {"n_rejected_by_both": 2, "agreement": 0.5, "kappa": 0.3333}}
    assert pair == expected
    assert report["overall"] == {**{k: v for k, v in expected.items() if k not in ("a", "b")}, "n_comparisons": 2}
    table = agreement.format_report(report)
    assert table.splitlines()[1].split() == ["pair", "items", "cands", "kappa", "agree", "both", "rej", "reason",
                                             "r.kappa"]
    assert "ann.a / ann.b        2      5   0.6154   0.8000         2   0.5000   0.3333" in table
    # the answers as stored read back to the same figures
    stored = [Annotation.from_answer(a.item_id, a.annotator, "treatments",
                                     {"decisions": [{**x.to_dict(), "note": "n"} for x in a.decisions]}) for a in anns]
    assert agreement.pairwise("treatments", stored).as_dict()["pairs"][0] == expected
    with pytest.raises(ValueError, match="accept or reject"):
        Annotation.from_answer(1, "x", "treatments", {"decisions": [decision(h, "lisinopril", "maybe")]})


def test_majority_of_three_decisions():
    h = "hypertension"
    anns = [ann(1, "a", (h, "lisinopril", "reject", "allergy"), (h, "amlodipine", "accept", None)),
            ann(1, "b", (h, "lisinopril", "reject", "interaction"), (h, "amlodipine", "accept", None)),
            ann(1, "c", (h, "lisinopril", "reject", "allergy"), (h, "amlodipine", "reject", "other"))]
    major = agreement.majority(anns)
    assert not major.unanimous and major.as_dict()["decisions"] == [
        {"condition": h, "drug": "amlodipine", "verdict": "accept", "reason": None},
        {"condition": h, "drug": "lisinopril", "verdict": "reject", "reason": "allergy"}]
    assert agreement.majority(anns[:1]).unanimous


def test_gold_becomes_the_rankers_training_notes():
    text = "Assessment: hypertension and type 2 diabetes. 70-year-old man."
    answer = {"decisions": [decision("hypertension", "lisinopril", "reject", "allergy"),
                            decision("hypertension", "amlodipine"),
                            decision("type_2_diabetes", "metformin"),
                            decision("not_in_the_kb", "x", "reject", "other", "why")]}
    notes = data.to_example("treatments", text, answer)
    assert [n.condition.id for n in notes] == ["hypertension", "type_2_diabetes"]  # unknown condition skipped
    assert all(n.text == text for n in notes) and "elderly" in notes[0].tags
    rel = dict(zip((t.drug for t in notes[0].condition.treatments), notes[0].relevance))
    assert rel["lisinopril"] == 0.0 and rel["amlodipine"] > 0.0  # an accept keeps the knowledge base's relevance
    from core.knowledge.kb import load_kb
    from core.treatments.train import judged_note

    untouched = judged_note(load_kb(), text, "type_2_diabetes", [])
    assert notes[1].relevance == untouched.relevance  # accepting every suggestion keeps the knowledge base's order
    assert data.to_examples("treatments", text, answer) == notes
    assert data.to_examples("triage", text, {"label": "endocrinology"}) == [(text, "endocrinology")]


def test_a_treatments_record_enters_the_queue_on_low_condition_confidence():
    h = hashlib.sha256(b"t").hexdigest()
    assert intake.reason("treatments", RECORD, "correct", h, qc_share=0.0) is None
    unsure = {**RECORD, "conditions": {"entities": [{"start": 0, "end": 5, "label": "CONDITION", "score": 0.4}]}}
    assert intake.reason("treatments", unsure, "correct", h, qc_share=0.0) == "low_confidence"
    assert intake.reason("treatments", RECORD, "wrong", h, qc_share=0.0) == "flagged"
    assert intake.reason("treatments", RECORD, "correct", h, qc_share=1.0) == "qc_sample"


def test_rejected_suggestion_feedback_feeds_the_queue_and_gold_feeds_the_ranker(auth_db_url):
    from core.db.models import ReviewItem
    from core.db.store import record_prediction
    from core.tasks import get_task
    from core.tasks import workflows as wf

    init_db(auth_db_url)
    task = get_task("treatments")
    text = "Assessment: hypertension. 70-year-old man. Review loop test 4."
    h = hashlib.sha256(text.encode()).hexdigest()
    assert not data.locked(h) and q.doubled(h, 0.2)  # trained on, and answered by two annotators (default share)
    pid = record_prediction("treatments", "c+r+kb1", text, RECORD)
    rejected = task.correction(text, _Result(), "reject", index=0, reason="cough on ACE inhibitors")
    wf.record_feedback(task, pid, rejected, user_name="dr.a", user_role="clinician", note_text=text)
    from core.db.engine import session_scope

    with session_scope() as s:
        (item,) = s.query(ReviewItem).all()
        assert (item.task, item.source, item.prefill, item.prediction_id) == ("treatments", "flagged", RECORD, pid)
        item_id = item.id
    answer = {"decisions": [decision("hypertension", "lisinopril", "reject", "not_indicated"),
                            decision("hypertension", "amlodipine")]}
    notes = [n for n in wf.stored_feedback(task) if n.text == text]
    assert len(notes) == 1  # the page's rejection, while no gold exists
    for who in ("ann.a", "ann.b"):
        assert q.next_item("treatments", who).id == item_id
        q.submit(item_id, who, "correct", answer)
    (g,) = data.gold("treatments")
    assert g.method == "unanimous"
    notes = [n for n in wf.stored_feedback(task) if n.text == text]  # from the gold only (it supersedes the page's)
    assert len(notes) == wf.GOLD_WEIGHT["unanimous"] == 2
    rel = dict(zip((t.drug for t in notes[0].condition.treatments), notes[0].relevance))
    assert rel["lisinopril"] == 0.0 and rel["amlodipine"] > 0.0
    res = CliRunner().invoke(app, ["agreement", "ranker"])  # the CLI's agreement names the task by its alias too
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout.strip().splitlines()[-1])
    assert (out["task"], out["kind"]) == ("treatments", "decisions") and "overall" in out


class _Result:
    """The two suggestions of :data:`RECORD` as a treatment result the task's ``correction`` reads."""

    def __init__(self) -> None:
        from types import SimpleNamespace

        self.suggestions = [SimpleNamespace(condition_id=c, drug=d, drugbank_id=None) for c, d in PAIRS]


def test_treatments_gold_exports_as_judged_notes_that_train_reads_back(auth_db_url, tmp_path):
    """`export treatments --format jsonl` writes what `train treatments --data` reads: the same training notes the
    gold makes, every verdict and reason kept beside them."""
    from core.tasks import get_task

    init_db(auth_db_url)
    text = "Assessment: hypertension and type 2 diabetes. 70-year-old man.\tMère: 患者 🙂"
    answer = {"decisions": [decision("hypertension", "lisinopril", "reject", "allergy"),
                            decision("hypertension", "amlodipine"), decision("type_2_diabetes", "metformin")]}
    item = q.enqueue("treatments", note_hash=hashlib.sha256(text.encode()).hexdigest(), note_text=text,
                     source="batch", actor="admin", overlap_share=0.0)
    assert q.next_item("treatments", "ann.a").id == item
    q.submit(item, "ann.a", "correct", answer)
    res = CliRunner().invoke(app, ["export", "treatments", "--format", "jsonl", "--out", str(tmp_path / "t.jsonl"),
                                   "--include-single", "--no-deid"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout.strip().splitlines()[-1])["examples"] == 2  # one line per condition
    lines = [json.loads(ln) for ln in (tmp_path / "t.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["condition"], r["reject"]) for r in lines] == [("hypertension", ["lisinopril"]),
                                                              ("type_2_diabetes", [])]
    assert lines[0]["reviewed"][0] == {"drug": "lisinopril", "verdict": "reject", "reason": "allergy"}
    back = get_task("treatments").read_data(tmp_path / "t.jsonl")
    made = data.to_examples("treatments", text, answer)
    assert [(n.text, n.condition.id, n.tags, n.relevance) for n in back] == [
        (n.text, n.condition.id, n.tags, n.relevance) for n in made]
