"""The schema comes from Alembic migrations, matches the models, and init_db is idempotent."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, Table, inspect, text

from core.db.engine import (
    alembic_config,
    current_revision,
    dispose_engine,
    get_engine,
    head_revision,
    init_db,
)
from core.db.models import Base
from core.db.store import count_rows, record_feedback, record_prediction

REPO_ROOT = Path(__file__).resolve().parents[2]


def _diff(engine, metadata=Base.metadata):
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, metadata)


def test_init_db_creates_schema_from_migrations(engine, db_path):
    assert db_path.is_file()
    tables = set(inspect(engine).get_table_names())
    assert {"predictions", "feedback", "alembic_version"} <= tables
    assert head_revision() is not None
    assert current_revision(engine) == head_revision()


def test_migration_head_matches_models(engine):
    assert _diff(engine) == []


def test_compare_detects_drift(engine):
    """Sanity check of the check above: a model change not in the migrations shows up."""
    drifted = MetaData()
    for table in Base.metadata.tables.values():
        table.to_metadata(drifted)
    Table("extra_table", drifted, Column("id", Integer, primary_key=True))
    kinds = [d[0] for d in _diff(engine, drifted)]
    assert "add_table" in kinds


def test_init_db_twice_is_harmless(engine, db_url):
    pid = record_prediction("triage", "v1", "note", {"label": "cardio"}, engine=engine)
    record_feedback(pid, user_name="ann", user_role="annotator", verdict="correct", engine=engine)
    assert init_db(db_url) is engine  # cached: returns at once
    assert init_db(db_url, force=True) is engine  # really runs "upgrade head" again
    assert count_rows(engine=engine) == {"predictions": 1, "feedback": 1}
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1


def test_init_db_from_many_threads(db_url):
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def work() -> None:
        try:
            barrier.wait()
            init_db(db_url, force=True)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert current_revision(get_engine(db_url)) == head_revision()


def test_init_db_from_many_processes(tmp_path):
    db = tmp_path / "procs" / "shared.db"
    url = f"sqlite:///{db}"
    code = "import sys; from core.db.engine import init_db; init_db(sys.argv[1])"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, url],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    results = [p.communicate(timeout=60) + (p.returncode,) for p in procs]
    for _, err, rc in results:
        assert rc == 0, err
    try:
        engine = get_engine(url)
        assert current_revision(engine) == head_revision()
        assert _diff(engine) == []
    finally:
        dispose_engine(url)


def test_alembic_cli_from_another_cwd(tmp_path):
    """`alembic -c <repo>/alembic.ini upgrade head` works outside the repo, URL from settings."""
    db = tmp_path / "cli" / "cli.db"
    env = {**os.environ, "NOTELENS_DB_URL": f"sqlite:///{db}", "PYTHONPATH": str(REPO_ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "alembic", "-c", str(REPO_ROOT / "alembic.ini"), "upgrade", "head"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    url = f"sqlite:///{db}"
    try:
        assert current_revision(get_engine(url)) == head_revision()
    finally:
        dispose_engine(url)


def test_downgrade_and_upgrade_again(engine, db_url):
    cfg = alembic_config(db_url)
    cfg.attributes["configure_logger"] = False
    command.downgrade(cfg, "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    init_db(db_url, force=True)
    assert _diff(engine) == []
