"""The check before a candidate serves (core.tasks.comparison): both versions scored on the same locked gold,
synthetic held-out and registered files; a worse candidate refused unless overridden (recorded in HISTORY.jsonl);
item outcomes that say which notes turned from wrong to right, keyed by note-hash prefix, with no note text."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

from core import registry
from core.config import get_settings
from core.db.engine import init_db
from core.modeling import EVALUATIONS_FILE
from core.review import queue as q
from core.spans import Span
from core.tasks import comparison as cmp
from core.tasks import get_task
from tests.conftest import CARDIO, ORTHO, tiny_records, toy_doc

TRIAGE = get_task("triage")
LABELS = ("cardiology_pulmonology", "orthopedics")
FLIP = {LABELS[0]: LABELS[1], LABELS[1]: LABELS[0]}
#: Locked gold notes (not in the training records): three of each service.
GOLD = [(CARDIO + f" Seen on ward {i}.", LABELS[0]) for i in range(3)] + \
       [(ORTHO + f" Seen on ward {i}.", LABELS[1]) for i in range(3)]


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    """A good tiny triage model (serving) and a candidate trained on flipped labels, in a temporary models folder."""
    root = tmp_path_factory.mktemp("models")
    recs = tiny_records()
    cfg = TRIAGE.config(epochs=20, max_length=64, infer_max_length=64, batch_size=8, lr=3e-3, head_lr=3e-3,
                        freeze_embeddings=False, seed=3, tiny=True, labels=LABELS, val_notes=6)
    good = TRIAGE.train(recs[:30], recs[30:], cfg, source="tests", models_dir=root, progress=False)
    flipped = [(t, FLIP[lab]) for t, lab in recs]
    bad = TRIAGE.train(flipped[:30], flipped[30:], cfg, source="tests flipped", models_dir=root, make_current=False,
                       progress=False)
    return root, good.path, bad.path


@pytest.fixture
def gold_db(auth_db_url, monkeypatch):
    """A fresh database whose every gold note is locked, holding :data:`GOLD` (one annotator each)."""
    monkeypatch.setenv("NOTELENS_REVIEW_LOCKED_SHARE", "1.0")
    get_settings.cache_clear()
    init_db()
    items = {}
    for text, label in GOLD:
        h = hashlib.sha256(text.encode()).hexdigest()
        item = q.enqueue("triage", note_hash=h, note_text=text, source="batch", actor="admin", overlap_share=0.0)
        assert q.next_item("triage", "ann").id == item
        q.submit(item, "ann", "correct", {"label": label})
        items[h] = item
    yield items
    monkeypatch.undo()
    get_settings.cache_clear()


def test_a_worse_candidate_is_refused_and_an_override_promotes_it_with_the_record(versions, gold_db):
    root, good, bad = versions
    assert registry.serving(TRIAGE, root) == good.name
    hook = cmp.compare_hook(TRIAGE, models_dir=root)
    with pytest.raises(registry.PromotionRefused) as refused:
        registry.promote(TRIAGE, bad.name, actor="root", reason="retrained", models_dir=root, compare=hook)
    assert refused.value.metric == "locked gold split macro-F1 (n=6)"
    assert refused.value.candidate_score < refused.value.serving_score
    assert registry.serving(TRIAGE, root) == good.name and registry.history(TRIAGE, root) == []

    report = hook.report
    assert report.worse and report.decision_set == cmp.LOCKED and report.notes == []
    locked, synthetic = report.sets
    assert (locked.kind, locked.n, synthetic.kind, synthetic.n) == (cmp.LOCKED, 6, cmp.SYNTHETIC, 6)
    assert locked.serving["macro_f1"] == refused.value.serving_score
    # what turned right -> wrong are exactly the notes the flipped model misses and the good one gets
    good_right = _right_ids(TRIAGE.load(good))
    bad_right = _right_ids(TRIAGE.load(bad))
    assert locked.turned_wrong == sorted(good_right - bad_right) and locked.turned_wrong
    assert locked.turned_right == sorted(bad_right - good_right)
    # each changed locked item names its review item: the id is the note hash's prefix
    by_prefix = {h[:16]: item for h, item in gold_db.items()}
    assert locked.review_items == {i: by_prefix[i] for i in locked.turned_wrong + locked.turned_right}

    switch = registry.promote(TRIAGE, bad.name, actor="root", reason="retrained", models_dir=root, compare=hook,
                              override_reason="the flipped labels are the new convention")
    assert switch.changed and registry.serving(TRIAGE, root) == bad.name
    (entry,) = registry.history(TRIAGE, root)
    assert entry["comparison"] == {"metric": "locked gold split macro-F1 (n=6)",
                                   "candidate": report.candidate_score, "serving": report.serving_score,
                                   "override": "the flipped labels are the new convention"}

    # the good model back over the flipped one: better, so no override needed
    back = registry.promote(TRIAGE, good.name, actor="root", reason="undo", models_dir=root, compare=hook)
    assert back.changed and "override" not in back.comparison
    assert back.comparison["candidate"] > back.comparison["serving"]

    for path in (good, bad):
        raw = (path / EVALUATIONS_FILE).read_text(encoding="utf-8")
        assert "troponin" not in raw and "ward" not in raw and "fracture" not in raw  # no note text
        entries = [json.loads(line) for line in raw.splitlines()]
        locked_entries = [e for e in entries if e["set"] == cmp.LOCKED]
        assert len(locked_entries) == 3 and set(locked_entries[-1]["items"]) == set(by_prefix)
        assert locked_entries[-1]["metrics"]["confusion"]["labels"] == list(LABELS)
    changed = cmp.recorded_changes(good, bad)
    assert {c["evaluation"] for c in changed} == {cmp.LOCKED, synthetic.name}
    assert next(c for c in changed if c["evaluation"] == cmp.LOCKED)["turned_wrong"] == locked.turned_wrong


def _right_ids(model) -> set[str]:
    probs = model.predict_proba([t for t, _ in GOLD])
    return {cmp.item_id(t) for (t, lab), p in zip(GOLD, probs) if model.labels[int(p.argmax())] == lab}


def test_without_locked_gold_the_synthetic_set_decides_and_registered_files_are_scored(versions, auth_db_url,
                                                                                     tmp_path):
    root, good, bad = versions
    init_db()
    csv = tmp_path / "mine.csv"
    csv.write_text("text,label\n" + "".join(f'"{t}",{lab}\n' for t, lab in GOLD[1:5]), encoding="utf-8")
    entry = cmp.register_eval_file(TRIAGE, csv, actor="root", models_dir=root)
    assert entry.sha256 == hashlib.sha256(csv.read_bytes()).hexdigest() and entry.added_by == "root"
    assert [f.path for f in cmp.eval_files(TRIAGE, root)] == [str(csv.resolve())]
    bad_file = tmp_path / "bad.csv"
    bad_file.write_text("note\nhello\n", encoding="utf-8")
    with pytest.raises(ValueError):
        cmp.register_eval_file(TRIAGE, bad_file, actor="root", models_dir=root)

    report = cmp.compare_versions(TRIAGE, bad, good, models_dir=root, record=False)
    assert [s.kind for s in report.sets] == [cmp.SYNTHETIC, cmp.FILE]
    assert report.sets[1].name == str(csv.resolve()) and report.sets[1].n == 4
    assert report.metric == "synthetic held-out macro-F1 (n=6)"
    assert report.notes == ["the locked gold split holds no item yet: the decision uses the synthetic held-out notes"]
    assert report.sets[1].sha256 == entry.sha256
    assert not (bad / EVALUATIONS_FILE).exists() or "mine.csv" not in (bad / EVALUATIONS_FILE).read_text()

    cmp.unregister_eval_file(TRIAGE, csv, models_dir=root)
    assert cmp.eval_files(TRIAGE, root) == []
    with pytest.raises(ValueError, match="not a registered"):
        cmp.unregister_eval_file(TRIAGE, csv, models_dir=root)


class _StubTriage:
    """A triage pipeline that answers from a table (text -> probabilities)."""

    labels = ["a", "b"]
    threshold = 0.0

    def __init__(self, table):
        self.table = table

    def predict_proba(self, texts):
        return np.array([self.table[t] for t in texts])


def test_item_outcomes_and_what_turned_on_a_hand_built_case():
    examples = [("n1", "a"), ("n2", "b"), ("n3", "a"), ("n4", "b")]
    ids = [cmp.item_id(t) for t, _ in examples]
    old = _StubTriage({"n1": [0.9, 0.1], "n2": [0.8, 0.2], "n3": [0.3, 0.7], "n4": [0.4, 0.6]})
    new = _StubTriage({"n1": [0.2, 0.8], "n2": [0.1, 0.9], "n3": [0.6, 0.4], "n4": [0.3, 0.7]})
    before, after = cmp.score(TRIAGE, old, examples, ids), cmp.score(TRIAGE, new, examples, ids)
    assert list(before.items.values()) == [1, 0, 0, 1] and list(after.items.values()) == [0, 1, 1, 1]
    assert ids[0] == hashlib.sha256(b"n1").hexdigest()[:16]
    right, wrong = cmp.changes(before.items, after.items)
    assert right == sorted([ids[1], ids[2]]) and wrong == [ids[0]]
    assert after.metrics["accuracy"] == 0.75

    class Tagger:
        def entities(self, texts):
            return [[Span(5, 12, "DRUG")], [Span(0, 4, "DRUG"), Span(9, 14, "DRUG")]]

    docs = [toy_doc("Take ", ("aspirin", "DRUG"), " daily."), toy_doc("Stop ", ("warfarin", "DRUG"), " now.")]
    doc_ids = [cmp.item_id(d.text) for d in docs]
    scored = cmp.score(get_task("drugs"), Tagger(), docs, doc_ids)
    assert scored.items == {doc_ids[0]: [1, 1, 0, 0], doc_ids[1]: [0, 0, 2, 1]}  # right; 2 false, 1 missed
    assert scored.metrics["strict"]["f1"] == pytest.approx(2 * (1 / 3) * 0.5 / (1 / 3 + 0.5), abs=1e-4)


def test_treatments_without_locked_gold_decide_on_the_synthetic_ranking_and_say_so(tmp_path, monkeypatch,
                                                                                    auth_db_url):
    """The treatment ranker: NDCG@3, on the synthetic held-out notes while no locked gold exists (loading and scoring
    stubbed: the decision is what is tested here)."""
    from core.modeling import ArtifactInfo

    init_db()
    treatments = get_task("treatments")
    paths = []
    for version in ("r1", "r2"):
        path = tmp_path / "ranker" / version
        path.mkdir(parents=True)
        info = ArtifactInfo(task="ranker", version=version, labels=["score"], base_model="tiny", created="2026",
                            seed=3, data_hash="ab" * 32, training={"seed": 3, "val_notes": 4})
        (path / "metadata.json").write_text(info.to_json(), encoding="utf-8")
        paths.append(path)
    monkeypatch.setattr(cmp, "_load", lambda task, path: path.name)
    ndcg = {"r1": 0.6, "r2": 0.7}
    monkeypatch.setattr(cmp, "score", lambda task, model, examples, ids: cmp.Scored(
        {"ndcg@3": ndcg[model], "top1_agreement": 0.5, "n": len(examples)}, {}))
    report = cmp.compare_versions(treatments, paths[0], paths[1], models_dir=tmp_path, record=False)
    assert [s.kind for s in report.sets] == [cmp.SYNTHETIC] and report.sets[0].n == 4
    assert report.metric == "synthetic held-out NDCG@3 (n=4)" and report.worse
    assert (report.candidate_score, report.serving_score) == (0.6, 0.7)
    assert report.notes == ["the locked gold split holds no item yet: the decision uses the synthetic held-out notes"]
    assert report.sets[0].difference == {"ndcg@3": -0.1, "top1_agreement": 0.0}
