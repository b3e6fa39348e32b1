"""Migration 0004 rewrites the outputs stored before it (``to_dict``: words of the note) into the text-free form a
prediction now stores (``Task.record``), keeps every row and the offsets feedback training needs, and its frozen
rewrite agrees with the application's ``to_record``."""

from __future__ import annotations

import importlib.util
import json

import pytest
from alembic import command
from sqlalchemy import text

from core.conditions.types import ConditionCode, ConditionMention, ConditionResult
from core.db.engine import MIGRATIONS_DIR, alembic_config, current_revision, get_engine, head_revision, init_db
from core.db.store import count_rows, iter_feedback, record_feedback
from core.drugs.types import DrugClassMention, DrugIdentity, DrugMention, DrugResult
from core.lexicon.drug_classes import ClassIdentity
from core.spans import Quote, Span
from core.tasks import get_task
from core.treatments.safety import Flag
from core.treatments.suggest import Suggestion

NOTE = "Allergies: Zorblaxin. Pt DENIES taking METFORMIN 500 mg; stopped Lisinoprill. Assessment: hypertension."
WORDS = ("Zorblaxin", "DENIES", "METFORMIN", "Lisinoprill", "stopped", "500 mg", "Allergies", "Assessment")


def _load_migration():
    path = next((MIGRATIONS_DIR / "versions").glob("0004_*.py"))
    spec = importlib.util.spec_from_file_location("migration_0004", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


migration = _load_migration()


def at(word: str) -> tuple[int, int]:
    start = NOTE.index(word)
    return start, start + len(word)


def drug_result() -> DrugResult:
    strength = Span(*at("500 mg"), "STRENGTH", group=0, score=0.9,
                    meta={"text": "500 mg", "link_score": 0.9, "link_rule": "after"})
    metformin = DrugMention(Span(*at("METFORMIN"), "DRUG", group=0, status="negated", code="DB00331", score=0.98),
                            "METFORMIN", (strength,),
                            DrugIdentity("metformin", "Metformin", "DB00331", "exact", 1.0, "metformin"),
                            "negated", "DENIES taking", (at("DENIES")[0], at("METFORMIN")[0] - 1), {})
    lisinopril = DrugMention(Span(*at("Lisinoprill"), "DRUG", group=1, status="discontinued", code="DB00722"),
                             "Lisinoprill", (), DrugIdentity("lisinopril", "Lisinopril", "DB00722", "fuzzy", 0.95,
                                                             "lisinopril"),
                             "discontinued", "stopped", at("stopped"))
    cls = DrugClassMention(Span(*at("Zorblaxin"), "DRUG_CLASS", group=0, status="allergy"), "Zorblaxin",
                           ClassIdentity("ACE inhibitor", "ace inhibitor", "zorblaxin"), "allergy")
    return DrugResult((metformin, lisinopril), (metformin.span, strength, lisinopril.span, cls.span), "drugs-v1",
                      n_tokens=20, classes=(cls,))


def condition_result() -> ConditionResult:
    htn = ConditionMention(Span(*at("hypertension"), "CONDITION", group=0, status="present", code="I10",
                                meta={"source": "dictionary"}), "hypertension", "present",
                           normalized=ConditionCode("I10", "Essential (primary) hypertension", "hypertension", "kb"))
    zor = ConditionMention(Span(*at("Zorblaxin"), "CONDITION", group=1, status="historical"), "Zorblaxin",
                           "historical", "Allergies:", at("Allergies:"))
    return ConditionResult((htn, zor), "conditions-v1")


def old_treatments_output() -> dict:
    """A treatments output as pages stored it before 0004 (``TreatmentResult.to_dict``)."""
    flag = Flag("allergy", "contraindicated", "The note lists an allergy to Zorblaxin, which covers this drug.",
                "Allergy list in the note", (Quote(*at("Zorblaxin"), "Zorblaxin"),))
    s = Suggestion("hypertension", "Essential hypertension", "lisinopril", "DB00722", "ACE inhibitor", "first", 0,
                   "ACC/AHA (2017)", 1.5, 0.8, (flag,), (Quote(*at("hypertension"), "hypertension"),), rank=1)
    return {"conditions": condition_result().to_dict(), "suggestions": [], "withheld": [s.to_dict()],
            "context_tags": ["elderly"], "age": 82, "current": [["Lisinoprill", "DB00722"], ["Qwerflux", None]],
            "allergies": ["Zorblaxin"], "versions": {"conditions": "conditions-v1"}, "disclaimer": "Decision support"}


def _cfg(url):
    cfg = alembic_config(url)
    cfg.attributes["configure_logger"] = False
    return cfg


def _outputs(engine) -> dict[int, dict]:
    with engine.connect() as conn:
        return {i: json.loads(o) if isinstance(o, str) else o
                for i, o in conn.execute(text("SELECT id, output FROM predictions ORDER BY id")).all()}


@pytest.fixture(params=["sqlite", "postgresql"])
def old_db(request, db_url):
    """A database at 0003 with predictions stored the old way (to_dict) and feedback keeping a note (SQLite, then
    PostgreSQL: tests/pg.py)."""
    if request.param == "postgresql":
        db_url = request.getfixturevalue("pg_url")
    command.upgrade(_cfg(db_url), "0003_feedback_dedupe_key")
    engine = get_engine(db_url)
    rows = [(1, "drugs", drug_result().to_dict()), (2, "conditions", condition_result().to_dict()),
            (3, "treatments", old_treatments_output()),
            (4, "triage", {"service": "orthopedics", "confidence": 0.9, "red_flags": [{"name": "chest pain",
                                                                                      "triggers": [[0, 5]]}]})]
    with engine.begin() as conn:
        for pid, task, output in rows:
            conn.execute(text("INSERT INTO predictions (id, task, model_version, input_hash, output, created_at) "
                              "VALUES (:i, :t, 'v1', :h, :o, '2026-05-01 10:00:00')"),
                         {"i": pid, "t": task, "h": "0" * 64, "o": json.dumps(output)})
        conn.execute(text("INSERT INTO feedback (id, prediction_id, user_name, user_role, verdict, correction, "
                          "note_text, dedupe_key, created_at) VALUES (1, 1, 'ann', 'annotator', 'partially_correct', "
                          ":c, :n, 'k1', '2026-05-01 10:05:00')"),
                     {"c": json.dumps({"kind": "missed_drug", "start": at("Zorblaxin")[0], "end": at("Zorblaxin")[1],
                                       "text": "Zorblaxin"}), "n": NOTE})
        if engine.dialect.name == "postgresql":  # rows inserted with their ids leave the id sequences behind
            for table in ("predictions", "feedback"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))
    assert any(w in json.dumps(_outputs(engine)) for w in WORDS)
    return db_url


def test_upgrading_rewrites_old_outputs_without_the_notes_words(old_db):
    engine = init_db(old_db)
    assert current_revision(engine) == head_revision()  # 0004 and every later revision
    assert count_rows(engine=engine) == {"predictions": 4, "feedback": 1}
    out = _outputs(engine)
    dumped = json.dumps(out)
    assert not [w for w in WORDS if w in dumped]
    # the frozen rewrite gives what the application now stores
    assert out[1] == get_task("drugs").record(drug_result())
    assert out[2] == get_task("conditions").record(condition_result())
    assert [NOTE[m["start"]:m["end"]] for m in out[1]["mentions"]] == ["METFORMIN", "Lisinoprill"]
    assert [NOTE[slice(*m["trigger_span"])] for m in out[1]["mentions"]] == ["DENIES taking", "stopped"]
    treat = out[3]
    assert treat["conditions"] == out[2]
    (withheld,) = treat["withheld"]
    assert withheld["drug"] == "lisinopril" and withheld["drugbank_id"] == "DB00722"
    assert withheld["evidence"] == [list(at("hypertension"))]
    assert withheld["flags"] == [{"kind": "allergy", "severity": "contraindicated", "basis": "Allergy list in the note",
                                  "evidence": [list(at("Zorblaxin"))]}]
    assert [c["drugbank_id"] for c in treat["current"]] == ["DB00722", None]
    assert len(treat["allergies"]) == 1 and treat["context_tags"] == ["elderly"] and treat["age"] == 82
    assert out[4] == {"service": "orthopedics", "confidence": 0.9,
                      "red_flags": [{"name": "chest pain", "triggers": [[0, 5]]}]}  # triage: already text-free


def test_feedback_on_a_rewritten_prediction_still_trains(old_db):
    engine = init_db(old_db)
    task = get_task("drugs")
    (doc,) = task.feedback_examples(iter_feedback("drugs", engine=engine))
    assert doc.text == NOTE
    # the stored offsets and labels with the correction applied (the missed drug replaces the class span there)
    assert {(doc.text[s.start:s.end], s.label) for s in doc.spans} == {
        ("METFORMIN", "DRUG"), ("500 mg", "STRENGTH"), ("Lisinoprill", "DRUG"), ("Zorblaxin", "DRUG")}
    (row,) = list(iter_feedback("drugs", engine=engine))
    assert task.feedback_columns(row)["text"] == "Zorblaxin"  # sliced from the note kept with the feedback
    assert record_feedback(1, user_name="bo", user_role="clinician", verdict="correct", engine=engine) > 1


def test_rewriting_is_idempotent_and_downgrade_keeps_rows(old_db):
    engine = init_db(old_db)
    once = _outputs(engine)
    assert {i: migration.text_free(t, o) for (i, o), t in zip(once.items(), ("drugs", "conditions", "treatments",
                                                                              "triage"))} == once
    command.downgrade(_cfg(old_db), "0003_feedback_dedupe_key")
    assert current_revision(engine) == "0003_feedback_dedupe_key"
    assert _outputs(engine) == once and count_rows(engine=engine) == {"predictions": 4, "feedback": 1}
    init_db(old_db, force=True)
    assert current_revision(engine) == head_revision() and _outputs(engine) == once
