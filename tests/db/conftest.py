"""Fixtures for the database tests: every test gets its own SQLite file under tmp_path."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from core.config import get_settings  # noqa: E402
from core.db.engine import dispose_engine, init_db  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point the default database at a temp file so no test touches data/notelens.db."""
    monkeypatch.setenv("NOTELENS_DB_URL", f"sqlite:///{tmp_path / 'default' / 'default.db'}")
    get_settings.cache_clear()
    yield
    dispose_engine()
    get_settings.cache_clear()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Path of a not-yet-existing SQLite file in a not-yet-existing folder."""
    return tmp_path / "nested" / "dir" / "notelens.db"


@pytest.fixture
def db_url(db_path: Path) -> Iterator[str]:
    url = f"sqlite:///{db_path}"
    yield url
    dispose_engine(url)


@pytest.fixture
def engine(db_url: str) -> Engine:
    """A migrated database (schema from Alembic, not create_all)."""
    return init_db(db_url)
