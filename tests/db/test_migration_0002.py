"""Migration 0002 (users, audit_events) upgrades a database made at 0001 without touching its rows, and
downgrades again."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from core import auth
from core.audit import verify
from core.db.engine import alembic_config, current_revision, get_engine, head_revision, init_db
from core.db.store import count_rows, list_feedback, record_prediction


def _cfg(url):
    cfg = alembic_config(url)
    cfg.attributes["configure_logger"] = False
    return cfg


def test_a_0001_database_with_rows_upgrades_to_head(db_url):
    command.upgrade(_cfg(db_url), "0001_initial")
    engine = get_engine(db_url)
    assert "users" not in inspect(engine).get_table_names()
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO predictions (id, task, model_version, input_hash, output, created_at) "
                          "VALUES (1, 'triage', 'v1', :h, '{\"label\": \"ent\"}', '2026-05-01 10:00:00')"),
                     {"h": "0" * 64})
        conn.execute(text("INSERT INTO feedback (id, prediction_id, user_name, user_role, verdict, created_at) "
                          "VALUES (1, 1, 'ann', 'annotator', 'correct', '2026-05-01 10:05:00')"))

    assert init_db(db_url) is engine
    assert current_revision(engine) == head_revision()
    assert {"users", "audit_events"} <= set(inspect(engine).get_table_names())
    assert count_rows(engine=engine) == {"predictions": 1, "feedback": 1}
    assert list_feedback(engine=engine)[0].user_name == "ann"
    assert verify(engine=engine).as_dict() == {"ok": True, "rows": 0}
    assert auth.bootstrap_admin("a long admin password", engine=engine) == "a long admin password"
    assert verify(engine=engine).rows == 1


def test_downgrading_0002_keeps_the_0001_rows(engine, db_url):
    auth.add_user("alice", "clinician", "a long enough password", engine=engine)
    record_prediction("drugs", "v2", "a note", {"mentions": []}, engine=engine)
    command.downgrade(_cfg(db_url), "0001_initial")
    tables = set(inspect(engine).get_table_names())
    assert "users" not in tables and "audit_events" not in tables
    assert {"predictions", "feedback"} <= tables
    assert count_rows(engine=engine) == {"predictions": 1, "feedback": 0}
    init_db(db_url, force=True)
    assert auth.list_users(engine=engine) == []
