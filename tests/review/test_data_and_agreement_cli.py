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
