"""Gold from the review queue flows into training (weighted, never the locked split), and a model retrained on
people's answers is a candidate that does not serve until promoted."""

from __future__ import annotations

import hashlib

from core.db.engine import init_db
from core.review import data
from core.review import queue as q
from core.tasks import get_task
from core.tasks import workflows as wf


def _gold(text: str, label: str, annotators: tuple[str, ...]) -> None:
    h = hashlib.sha256(text.encode()).hexdigest()
    item = q.enqueue("triage", note_hash=h, note_text=text, source="batch", actor="admin",
                     overlap_share=1.0 if len(annotators) == 2 else 0.0)
    for who in annotators:
        assert q.next_item("triage", who).id == item
        q.submit(item, who, "correct", {"label": label})


def test_gold_is_weighted_and_the_locked_split_is_never_trained_on(auth_db_url):
    init_db(auth_db_url)
    texts = [f"Gold note {i}: knee swelling after a fall." for i in range(40)]
    for i, text in enumerate(texts):
        _gold(text, "orthopedics", ("ann.a", "ann.b") if i % 2 else ("ann.a",))
    locked = {t for t in texts if data.locked(hashlib.sha256(t.encode()).hexdigest())}
    assert 0 < len(locked) < len(texts)  # the default share (0.2) locks some of 40 notes, not all
    examples = wf.stored_feedback(get_task("triage"))
    counts = {t: sum(1 for text, _ in examples if text == t) for t in texts}
    for i, t in enumerate(texts):
        assert counts[t] == (0 if t in locked else 2 if i % 2 else 1), (i, t in locked)
    assert {label for _, label in examples} == {"orthopedics"}
    held = data.examples("triage", include_single=True, split="locked").examples
    assert sorted(text for text, _ in held) == sorted(locked)


def test_a_model_retrained_with_feedback_is_a_candidate(auth_db_url, tmp_path):
    init_db(auth_db_url)
    task = get_task("triage")
    models = tmp_path / "models"
    opts = {"tiny": True, "n_notes": 30, "epochs": 1, "max_length": 48, "infer_max_length": 48, "batch_size": 8}
    first = wf.train(task, models_dir=models, with_feedback=True, progress=False, **opts)
    assert first["serving"] and task.current(models).name == first["version"]  # nothing served yet: it serves
    second = wf.train(task, models_dir=models, with_feedback=True, progress=False, **opts)
    assert not second["serving"] and task.current(models).name == first["version"]
    plain = wf.train(task, models_dir=models, progress=False, **opts)  # a default retrain still serves at once
    assert plain["serving"] and task.current(models).name == plain["version"]
