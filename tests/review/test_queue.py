"""The review queue (core.review.queue): enqueue once per note, blind assignment, overlap, answers once per
annotator, gold, adjudication, concurrent submissions."""

from __future__ import annotations

import hashlib
import threading

import pytest
from sqlalchemy import func, select

from core import audit
from core.db.engine import init_db, session_scope
from core.db.models import Annotation, Gold, ReviewAssignment
from core.review import queue as q


@pytest.fixture
def engine(tmp_path):
    from core.db.engine import dispose_engine

    url = f"sqlite:///{tmp_path / 'review.db'}"
    yield init_db(url)
    dispose_engine(url)


def note(i: int) -> tuple[str, str]:
    text = f"Note {i}: chest pain, on metoprolol 25 mg."
    return text, hashlib.sha256(text.encode()).hexdigest()


def add(engine, i: int, *, share: float = 0.0, task: str = "drugs") -> int:
    text, h = note(i)
    return q.enqueue(task, note_hash=h, note_text=text, source="batch", actor="admin", overlap_share=share,
                     prefill={"spans": []}, engine=engine)


ANSWER = {"spans": [{"start": 20, "end": 30, "label": "DRUG", "status": "current"}]}
OTHER = {"spans": [{"start": 20, "end": 30, "label": "DRUG", "status": "negated"}]}


def test_doubled_share_is_stable_and_close_to_the_share():
    hashes = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(4000)]
    share = sum(q.doubled(h, 0.25) for h in hashes) / len(hashes)
    assert 0.22 < share < 0.28
    assert [q.doubled(h, 0.25) for h in hashes[:50]] == [q.doubled(h, 0.25) for h in hashes[:50]]
    assert not any(q.doubled(h, 0.0) for h in hashes) and all(q.doubled(h, 1.0) for h in hashes)
    with pytest.raises(ValueError):
        q.doubled(hashes[0], 1.5)


def test_enqueue_once_per_task_and_note_and_checks_the_text(engine):
    first = add(engine, 1)
    assert add(engine, 1) == first and add(engine, 1, task="triage") != first
    text, h = note(2)
    with pytest.raises(ValueError, match="does not match"):
        q.enqueue("drugs", note_hash=h, note_text=text + "x", source="batch", actor="admin", engine=engine)
    with pytest.raises(ValueError, match="source"):
        q.enqueue("drugs", note_hash=h, source="somewhere", actor="admin", engine=engine)
    events = audit.list_events(10, action="review_enqueued", engine=engine)
    assert len(events) == 2 and all("Note" not in str(e.details) for e in events)


def test_single_overlap_item_becomes_gold_from_one_answer(engine):
    item_id = add(engine, 1)
    item = q.next_item("drugs", "ann.a", engine=engine)
    assert item.id == item_id and item.overlap == 1 and item.note_text.startswith("Note 1")
    assert q.next_item("drugs", "ann.a", engine=engine).id == item_id  # the pending one comes back
    assert q.next_item("drugs", "ann.b", engine=engine) is None  # overlap 1: nobody else gets it
    done = q.submit(item_id, "ann.a", "correct", ANSWER, seconds=12.5, engine=engine)
    assert (done.created, done.state, done.gold_method) == (True, "done", "single")
    again = q.submit(item_id, "ann.a", "correct", {"spans": list(ANSWER["spans"])}, engine=engine)
    assert (again.annotation_id, again.created) == (done.annotation_id, False)  # double click: one row
    with pytest.raises(ValueError, match="already answered"):
        q.submit(item_id, "ann.a", "correct", OTHER, engine=engine)
    with session_scope(engine) as s:
        gold = s.scalar(select(Gold))
        assert (gold.answer, gold.method, gold.decided_by) == (ANSWER, "single", "ann.a")
    assert q.next_item("drugs", "ann.a", engine=engine) is None


def test_double_overlap_is_blind_agreement_gives_gold_disagreement_goes_to_adjudication(engine):
    agree, differ = add(engine, 1, share=1.0), add(engine, 2, share=1.0)
    a1, b1 = q.next_item("drugs", "ann.a", engine=engine), q.next_item("drugs", "ann.b", engine=engine)
    assert a1.id == b1.id == agree and a1.overlap == 2
    assert q.next_item("drugs", "ann.c", engine=engine).id == differ  # agree has its two annotators
    q.submit(agree, "ann.a", "correct", ANSWER, engine=engine)
    assert q.view(agree, "ann.b", engine=engine).own_answer is None  # blind: b does not see a's answer
    assert q.view(agree, "ann.a", engine=engine).own_answer == ANSWER
    assert q.submit(agree, "ann.b", "correct", ANSWER, engine=engine).gold_method == "unanimous"

    assert q.next_item("drugs", "ann.a", engine=engine).id == differ
    q.submit(differ, "ann.a", "correct", ANSWER, engine=engine)
    assert q.submit(differ, "ann.c", "correct", OTHER, engine=engine).state == "adjudication"
    assert [a[0] for a in q.answers(differ, engine=engine)] == ["ann.a", "ann.c"]
    with pytest.raises(ValueError, match="not waiting"):
        q.adjudicate(agree, ANSWER, actor="admin", engine=engine)
    gold_id = q.adjudicate(differ, OTHER, actor="admin", engine=engine)
    with session_scope(engine) as s:
        gold = s.get(Gold, gold_id)
        assert (gold.method, gold.decided_by, gold.answer) == ("adjudicated", "admin", OTHER)
    assert audit.verify(engine=engine).ok


def test_nobody_is_given_the_same_item_twice_and_a_skip_hands_it_on(engine):
    item_id = add(engine, 1)
    assert q.next_item("drugs", "ann.a", engine=engine).id == item_id
    assert q.submit(item_id, "ann.a", "skip", engine=engine).state == "open"
    assert q.next_item("drugs", "ann.a", engine=engine) is None  # never again to a
    assert q.next_item("drugs", "ann.b", engine=engine).id == item_id  # the skip freed the place
    assert q.submit(item_id, "ann.b", "accept", {"spans": []}, engine=engine).state == "done"


def test_not_a_clinical_note_from_everyone_excludes_the_item(engine):
    item_id = add(engine, 1)
    q.next_item("drugs", "ann.a", engine=engine)
    assert q.submit(item_id, "ann.a", "not_clinical", {"ignored": True}, engine=engine).state == "excluded"
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(Gold)) == 0
        assert s.scalar(select(Annotation.answer)) is None


def test_refusals(engine):
    item_id = add(engine, 1)
    with pytest.raises(ValueError, match="not assigned"):
        q.submit(item_id, "ann.a", "accept", {}, engine=engine)
    with pytest.raises(ValueError, match="not assigned"):
        q.view(item_id, "ann.a", engine=engine)
    q.next_item("drugs", "ann.a", engine=engine)
    with pytest.raises(ValueError, match="verdict"):
        q.submit(item_id, "ann.a", "maybe", engine=engine)
    with pytest.raises(ValueError, match="needs the answer"):
        q.submit(item_id, "ann.a", "correct", engine=engine)


def test_many_annotators_at_once_keep_every_answer_and_never_share_an_item(db_engine):
    engine = db_engine  # SQLite, then PostgreSQL (tests/pg.py)
    ids = [add(engine, i, share=1.0) for i in range(6)]
    names = [f"ann.{i}" for i in range(6)]
    done: dict[str, list[int]] = {n: [] for n in names}
    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            while (item := q.next_item("drugs", name, engine=engine)) is not None:
                q.submit(item.id, name, "correct", ANSWER, engine=engine)
                done[name].append(item.id)
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=work, args=(n,)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert all(len(v) == len(set(v)) for v in done.values())  # nobody got an item twice
    assert sum(len(v) for v in done.values()) == 2 * len(ids)  # every item answered by exactly two people
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(Annotation)) == 2 * len(ids)
        assert s.scalar(select(func.count()).select_from(ReviewAssignment)) == 2 * len(ids)
        assert s.scalar(select(func.count()).select_from(Gold)) == len(ids)


def test_retention_clears_old_review_texts_and_forget_removes_the_notes_items(engine):
    from datetime import timedelta

    from core.db.models import ReviewItem, utcnow
    from core.db.retention import forget, purge

    old, new = add(engine, 1), add(engine, 2)
    q.next_item("drugs", "ann.a", engine=engine)
    q.submit(old, "ann.a", "correct", {"spans": [], "reason": "free text about the note"}, engine=engine)
    with session_scope(engine) as s:
        s.get(ReviewItem, old).created_at = utcnow() - timedelta(days=400)
        s.commit()
    report = purge(365, actor="system", engine=engine)
    assert report.review_texts == 1
    with session_scope(engine) as s:
        assert s.get(ReviewItem, old).note_text is None and s.get(ReviewItem, new).note_text is not None
        assert s.scalar(select(Annotation.answer).where(Annotation.item_id == old)) == {"spans": [],
                                                                                         "reason": None}
        assert s.scalar(select(Gold.answer).where(Gold.item_id == old))["reason"] is None
    gone = forget(note(2)[1], actor="admin", engine=engine)
    assert gone.review_items == 1
    with session_scope(engine) as s:
        assert s.get(ReviewItem, new) is None and s.get(ReviewItem, old) is not None
    assert audit.verify(engine=engine).ok


def test_counts_open_items_and_one_annotators_answers(engine):
    first, second = add(engine, 1), add(engine, 2)
    add(engine, 3)
    add(engine, 4, task="triage")
    assert q.counts("drugs", "ann.a", engine=engine) == q.Counts(open=3, answered=0)
    assert q.next_item("drugs", "ann.a", engine=engine).id == first
    q.submit(first, "ann.a", "correct", ANSWER, engine=engine)
    assert q.next_item("drugs", "ann.a", engine=engine).id == second
    q.submit(second, "ann.a", "skip", engine=engine)  # skipped: still open, not counted as answered
    assert q.counts("drugs", "ann.a", engine=engine) == q.Counts(open=2, answered=1)
    assert q.counts("drugs", "ann.b", engine=engine) == q.Counts(open=2, answered=0)
    assert q.counts("triage", "ann.a", engine=engine) == q.Counts(open=1, answered=0)
    with session_scope(engine) as s:  # counting assigns nothing
        assert s.scalar(select(func.count()).select_from(ReviewAssignment)) == 2
