"""Per-annotator figures (core.review.data.annotator_stats) and the adjudication read helper (queue.disagreements),
on a real migrated database filled through the queue."""

from __future__ import annotations

import hashlib

import pytest

from core.db.engine import init_db
from core.review import queue as q
from core.review.data import annotator_stats

A = {"spans": [{"start": 0, "end": 10, "label": "DRUG", "status": "current"},
               {"start": 11, "end": 16, "label": "DRUG", "status": "current"}]}
A_REORDERED = {"spans": list(reversed(A["spans"]))}
B = {"spans": [{"start": 0, "end": 10, "label": "DRUG", "status": "negated"}]}


@pytest.fixture
def engine(tmp_path):
    from core.db.engine import dispose_engine

    url = f"sqlite:///{tmp_path / 'review.db'}"
    yield init_db(url)
    dispose_engine(url)


def add(engine, i: int, share: float) -> int:
    text = f"Note {i}: metoprolol 25 mg daily."
    return q.enqueue("drugs", note_hash=hashlib.sha256(text.encode()).hexdigest(), note_text=text, source="batch",
                     actor="admin", prefill={"spans": []}, overlap_share=share, engine=engine)


def answer(engine, who: str, verdict: str, ans, seconds: float | None) -> int:
    item = q.next_item("drugs", who, engine=engine)
    q.submit(item.id, who, verdict, ans, seconds=seconds, engine=engine)
    return item.id


def test_stats_count_items_median_seconds_and_agreement_with_gold(engine):
    add(engine, 1, 1.0)  # doubled: ann.a and ann.b agree (span order differs) -> unanimous gold
    add(engine, 2, 1.0)  # doubled: they disagree -> adjudicated to ann.b's answer
    add(engine, 3, 0.0)  # single: ann.a alone -> gold is their answer
    answer(engine, "ann.a", "accept", A, 10.0)
    answer(engine, "ann.b", "correct", A_REORDERED, 30.0)
    second = answer(engine, "ann.a", "accept", A, 20.0)
    answer(engine, "ann.b", "correct", B, None)
    assert [d.id for d in q.disagreements("drugs", engine=engine)] == [second]
    answer(engine, "ann.a", "accept", A, 60.0)
    stats = {s.annotator: s for s in annotator_stats("drugs", engine=engine)}
    assert stats["ann.a"].items == 3 and stats["ann.a"].median_seconds == 20.0
    assert stats["ann.a"].with_gold == 2 and stats["ann.a"].agree_with_gold == 2  # item 2 has no gold yet
    q.adjudicate(second, B, actor="admin", engine=engine)
    stats = {s.annotator: s for s in annotator_stats("drugs", engine=engine)}
    assert (stats["ann.a"].with_gold, stats["ann.a"].agree_with_gold, stats["ann.a"].agreement) == (3, 2, 0.6667)
    assert (stats["ann.b"].items, stats["ann.b"].median_seconds, stats["ann.b"].agreement) == (2, 30.0, 1.0)
    assert q.disagreements("drugs", engine=engine) == []


def test_skips_are_not_items_and_no_gold_gives_no_agreement(engine):
    add(engine, 1, 0.0)
    add(engine, 2, 1.0)
    answer(engine, "ann.a", "skip", None, 5.0)
    answer(engine, "ann.a", "accept", A, None)
    [only] = annotator_stats("drugs", engine=engine)
    assert (only.annotator, only.items, only.median_seconds, only.with_gold, only.agreement) == \
        ("ann.a", 1, None, 0, None)
    assert annotator_stats("triage", engine=engine) == []
