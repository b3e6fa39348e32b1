"""Migration 0003 (feedback.dedupe_key, unique) keys a 0002 database's feedback, leaving later duplicates NULL,
and downgrades again without losing rows."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from core.db.engine import alembic_config, current_revision, get_engine, head_revision, init_db
from core.db.store import count_rows, feedback_dedupe_key, record_feedback


def _cfg(url):
    cfg = alembic_config(url)
    cfg.attributes["configure_logger"] = False
    return cfg


def _keys(engine) -> dict[int, str | None]:
    with engine.connect() as conn:
        return dict(conn.execute(text("SELECT id, dedupe_key FROM feedback ORDER BY id")).all())


@pytest.fixture(params=["sqlite", "postgresql"])
def old_db(request, db_url):
    """A database at 0002 holding one act stored three times (a triple click), and two other acts (SQLite, then
    PostgreSQL: tests/pg.py)."""
    if request.param == "postgresql":
        db_url = request.getfixturevalue("pg_url")
    command.upgrade(_cfg(db_url), "0002_users_audit")
    engine = get_engine(db_url)
    assert "dedupe_key" not in {c["name"] for c in inspect(engine).get_columns("feedback")}
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO predictions (id, task, model_version, input_hash, output, created_at) "
                          "VALUES (1, 'triage', 'v1', :h, '{\"service\": \"x\"}', '2026-05-01 10:00:00')"),
                     {"h": "0" * 64})
        insert = text("INSERT INTO feedback (id, prediction_id, user_name, user_role, verdict, correction, comment, "
                      "created_at) VALUES (:id, 1, :user, 'clinician', :verdict, :correction, :comment, "
                      "'2026-05-01 10:05:00')")
        for row in [(1, "ann", "wrong", '"orthopedics"', "knee"), (2, "ann", "wrong", '"orthopedics"', "knee"),
                    (3, "ann", "correct", None, None), (4, "ann", "wrong", '"orthopedics"', "knee"),
                    (5, "bo", "wrong", '"orthopedics"', "knee")]:
            conn.execute(insert, dict(zip(("id", "user", "verdict", "correction", "comment"), row, strict=True)))
        if engine.dialect.name == "postgresql":  # rows inserted with their ids leave the id sequences behind
            for table in ("predictions", "feedback"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))
    return db_url


def test_upgrading_keys_the_first_of_each_act_and_leaves_duplicates_null(old_db):
    engine = init_db(old_db)
    assert current_revision(engine) == head_revision()  # 0003 and every later revision
    unique = inspect(engine).get_unique_constraints("feedback")
    assert [(u["name"], u["column_names"]) for u in unique] == [("uq_feedback_dedupe_key", ["dedupe_key"])]
    knee = feedback_dedupe_key(1, "ann", "wrong", "orthopedics", "knee")
    assert _keys(engine) == {1: knee, 2: None, 3: feedback_dedupe_key(1, "ann", "correct", None, None), 4: None,
                             5: feedback_dedupe_key(1, "bo", "wrong", "orthopedics", "knee")}
    assert count_rows(engine=engine)["feedback"] == 5  # no row is deleted

    # the acts stored before the migration are recognised: sending one again returns its first row
    assert record_feedback(1, user_name="ann", user_role="clinician", verdict="wrong", correction="orthopedics",
                           comment="knee", engine=engine) == 1
    assert record_feedback(1, user_name="ann", user_role="clinician", verdict="correct", engine=engine) == 3
    assert count_rows(engine=engine)["feedback"] == 5
    new = record_feedback(1, user_name="ann", user_role="clinician", verdict="wrong", correction="orthopedics",
                          comment="another", engine=engine)
    assert new == 6 and count_rows(engine=engine)["feedback"] == 6

    # the constraint is in the database itself, not only in the store's look-up
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text("UPDATE feedback SET dedupe_key = :k WHERE id = 2"), {"k": knee})


def test_downgrading_0003_keeps_every_row(old_db):
    engine = init_db(old_db)
    command.downgrade(_cfg(old_db), "0002_users_audit")
    assert "dedupe_key" not in {c["name"] for c in inspect(engine).get_columns("feedback")}
    assert inspect(engine).get_unique_constraints("feedback") == []
    assert count_rows(engine=engine) == {"predictions": 1, "feedback": 5}
    assert {ix["name"] for ix in inspect(engine).get_indexes("feedback")} >= {"ix_feedback_created_at"}
    init_db(old_db, force=True)
    assert current_revision(engine) == head_revision()
    assert _keys(engine)[1] == feedback_dedupe_key(1, "ann", "wrong", "orthopedics", "knee")
