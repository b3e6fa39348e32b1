"""NoteLens persistence: predictions and feedback in SQLite (or any SQLAlchemy database).

Start-up: ``init_db()`` (runs the Alembic migrations). Then use the plain functions in
:mod:`core.db.store` (``record_prediction``, ``record_feedback``, ``list_feedback``,
``iter_feedback``, ``count_rows``).
"""

from core.db.engine import get_engine, init_db, session_scope, write_session
from core.db.models import USER_ROLES, VERDICTS, Feedback, Prediction
from core.db.store import (
    FeedbackRecord,
    count_rows,
    iter_feedback,
    list_feedback,
    record_feedback,
    record_prediction,
)

__all__ = [
    "USER_ROLES",
    "VERDICTS",
    "Feedback",
    "FeedbackRecord",
    "Prediction",
    "count_rows",
    "iter_feedback",
    "get_engine",
    "init_db",
    "list_feedback",
    "record_feedback",
    "record_prediction",
    "session_scope",
    "write_session",
]
