"""Alembic environment for NoteLens.

Two ways in:

- programmatically, from :func:`core.db.engine.init_db`, which passes an open connection (already
  inside a ``BEGIN IMMEDIATE`` transaction) in ``config.attributes["connection"]``;
- from the command line (``alembic -c alembic.ini upgrade head``): the URL comes from the
  ``sqlalchemy.url`` option when set, else from ``core.config.get_settings().database_url``.

``render_as_batch=True`` so that ALTERs on SQLite are done by table copy ("batch mode").
"""

from __future__ import annotations

from logging.config import fileConfig
from typing import Any

from alembic import context
from sqlalchemy import Connection

from core.db.models import Base, UTCDateTime

config = context.config

if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from core.config import get_settings

    return get_settings().database_url


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Render project types as plain SQLAlchemy types in generated migrations."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False


def _configure_kwargs() -> dict[str, Any]:
    return {
        "target_metadata": target_metadata,
        "render_as_batch": True,
        "compare_type": True,
        "render_item": _render_item,
    }


def run_migrations_offline() -> None:
    """Emit SQL to stdout (``alembic upgrade head --sql``)."""
    context.configure(
        url=_url(),
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        **_configure_kwargs(),
    )
    with context.begin_transaction():
        context.run_migrations()


def _run(connection: Connection) -> None:
    context.configure(connection=connection, **_configure_kwargs())
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run against a live database, in one write transaction."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from core.db.engine import get_engine, write_connection

    with write_connection(get_engine(_url())) as conn:
        _run(conn)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
