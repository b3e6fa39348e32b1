"""The Streamlit side of the pages, the same for every task: cached models and per-session state.

- Shared resources (``st.cache_resource``, one per process, shared by every user): each task's model, keyed by
  the artifact versions it runs on, so training a new version makes the next run load it; the database
  (migrated once). Nothing computed from a note is cached here.
- Per-session state (``st.session_state``): each page's last run and the prediction ids already recorded for
  (task, note hash, model version), so reruns neither recompute nor store a prediction twice, and a random
  explanation-cache scope. Explanations are cached in memory by the attribution engine, keyed by that scope (so
  one session never gets another's), model version, note hash, target, method and options; never on disk.
- A stored prediction holds the note's hash and the task's text-free record (:meth:`core.tasks.base.Task.record`:
  offsets, labels, codes, vocabulary names, scores, versions), never the note or words of it.

Not a page: ``app.py`` routes only the pages it lists.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import streamlit as st

from core.feedback import Correction
from core.tasks import TASKS, ModelMissing, Task, get_task
from core.tasks import workflows as wf

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "assets" / "samples"
#: Widget-key prefix of each page's note input (the pages' widgets must not share keys).
PREFIX = {"triage": "", "drugs": "drugs_", "treatments": "treat_"}
NOTE_KEY = "note_text"
SAMPLE_KEY = "sample_choice"
UPLOAD_KEY = "note_upload"
INPUT_ERROR_KEY = "input_error"
_PREDICTIONS_KEY = "recorded_predictions"
#: Most (task, note hash, model version) -> prediction id entries a session remembers: a session that runs
#: thousands of notes must not grow without bound; forgetting an old entry only means re-running that note stores
#: its prediction again.
MAX_RECORDED = 256
#: Session key of the random token that scopes this session's cached explanations.
_EXPLAIN_SCOPE_KEY = "explain_cache_scope"
#: Session keys of the signed-in account (set by :mod:`pages.auth`, re-checked by ``app.py`` on every run).
AUTH_USER_KEY, AUTH_ROLE_KEY = "auth_user", "auth_role"
#: Feedback role recorded for each sign-in role: the feedback table takes only :data:`core.db.models.USER_ROLES`
#: (clinician, annotator, reviewer), so an admin's feedback is recorded as a reviewer's, the closest role there.
FEEDBACK_ROLE = {"clinician": "clinician", "annotator": "annotator", "admin": "reviewer"}
#: Widget keys of each page's explanation pickers: (what to explain, method).
EXPLAIN_KEYS = {"triage": ("explain_target", "explain_method"), "drugs": ("drug_explain_choice", "drug_explain_method"),
                "treatments": ("treat_explain", "treat_explain_method")}


# -- shared resources ---------------------------------------------------------------------------------------
@st.cache_resource(show_spinner="Loading the model...", max_entries=8)
def _load(name: str, versions: tuple[str, ...]) -> Any:
    task = get_task(name)
    task.warm()
    return task.load()


def _versions(task: Task) -> tuple[str, ...]:
    return tuple(str(TASKS[n].current()) for n in (*task.requires, task.name))


def model(name: str) -> Any | None:
    """The task's model over its current artifacts, or None when it cannot run (not trained)."""
    task = get_task(name)
    try:
        return _load(task.name, _versions(task))
    except ModelMissing:
        return None


def require_model(name: str) -> Any:
    """:func:`model`, or :class:`ModelMissing` saying how to train it."""
    loaded = model(name)
    if loaded is None:
        raise ModelMissing(get_task(name).train_hint())
    return loaded


def versions() -> dict[str, str]:
    """Each task's current model version (without loading any), for the sidebar."""
    return {name: (task.current().name if task.current() else "none trained") for name, task in TASKS.items()}


@st.cache_resource(show_spinner=False)
def _database(url: str) -> Any:
    from core.db.engine import init_db

    return init_db(url)


def database() -> Any:
    """The migrated database engine (migrations run once per process and URL)."""
    from core.config import get_settings

    return _database(get_settings().database_url)


# -- input --------------------------------------------------------------------------------------------------
def sample_notes() -> dict[str, Path]:
    """Sample notes shipped in ``assets/samples``: display name -> file."""
    return {p.stem.replace("_", " ").capitalize(): p for p in sorted(SAMPLES_DIR.glob("*.txt"))}


def on_sample_chosen(prefix: str = "") -> None:
    """Callback: put the chosen sample note in the text box (``prefix`` tells pages' widgets apart)."""
    name = st.session_state.get(prefix + SAMPLE_KEY)
    path = sample_notes().get(name) if name else None
    if path is not None:
        st.session_state[prefix + NOTE_KEY] = path.read_text(encoding="utf-8")
        st.session_state.pop(prefix + INPUT_ERROR_KEY, None)


def on_file_uploaded(prefix: str = "") -> None:
    """Callback: put the uploaded file's text in the text box, or keep the box and report why not (a file that is
    not text is refused by :func:`core.text.decode_upload`; the message names the file, unescaped)."""
    from core.text import NoteError, read_upload

    upload = st.session_state.get(prefix + UPLOAD_KEY)
    if upload is None:
        return
    try:
        st.session_state[prefix + NOTE_KEY] = read_upload(upload.getvalue(), upload.name)
        st.session_state.pop(prefix + INPUT_ERROR_KEY, None)
    except NoteError as err:
        st.session_state[prefix + INPUT_ERROR_KEY] = str(err)


def input_error(prefix: str = "") -> str | None:
    """A problem with the last upload, to show above the text box."""
    return st.session_state.get(prefix + INPUT_ERROR_KEY)


# -- runs ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class NoteRun:
    """One note as a page shows it: the cleaned text, its hash, the task's result and its stored prediction."""

    task: str
    text: str
    note_hash: str
    result: Any
    prediction_id: int
    seconds: float
    model: Any = field(repr=False, compare=False, default=None)

    @property
    def model_version(self) -> str:
        return self.result.model_version


def _run_key(name: str) -> str:
    return f"{name}_run"


def _feedback_key(page: str, name: str) -> str:
    return f"{page}_{name}_feedback"


def run_note(name: str, raw_text: str) -> NoteRun:
    """Clean a note, run the task on it, record the prediction once and keep the run in the session.

    The note is cleaned first, so bad input is reported even when no model is trained. The prediction (hash of
    the note, the task's text-free record of the result, model version) is stored once per (task, note, model
    version) in this session; neither the note nor any words of it are stored. A new run forgets the page's
    previous feedback and explanation choices.

    Raises:
        core.text.NoteError: the note is empty or too long (message fit for the user).
        ModelMissing: no model is trained.
    """
    from core.text import clean_note

    task = get_task(name)
    text = clean_note(raw_text)
    loaded = require_model(name)
    t0 = time.perf_counter()
    result = task.run(loaded, text)
    seconds = time.perf_counter() - t0
    digest, prediction_id = _record_once(name, text, result)
    run = NoteRun(name, text, digest, result, prediction_id, seconds, loaded)
    st.session_state[_run_key(name)] = run
    for key in [k for k in st.session_state if str(k).startswith(f"{name}_") and str(k).endswith("_feedback")]:
        st.session_state.pop(key, None)
    for key in EXPLAIN_KEYS.get(name, ()):
        st.session_state.pop(key, None)
    return run


def _record_once(name: str, text: str, result: Any) -> tuple[str, int]:
    """(note hash, prediction id): a prediction is stored once per (task, note, model version) per session, as
    :meth:`core.tasks.base.Task.record` (offsets and codes, no words of the note)."""
    from core.db.store import record_prediction
    from core.text import note_hash

    database()
    digest = note_hash(text)
    recorded: dict[tuple[str, str, str], int] = st.session_state.setdefault(_PREDICTIONS_KEY, {})
    key = (name, digest, result.model_version)
    if key in recorded:
        recorded[key] = recorded.pop(key)  # most recently used last
    else:
        recorded[key] = record_prediction(name, result.model_version, text, get_task(name).record(result))
        while len(recorded) > MAX_RECORDED:
            del recorded[next(iter(recorded))]
    return digest, recorded[key]


def forget_notes() -> None:
    """Drop every note of this session (the text boxes, runs, recorded prediction ids, feedback sent, explanation
    choices) and start a new explanation-cache scope: at sign-out, so the next account on this browser sees none of
    them."""
    keys = {_PREDICTIONS_KEY, _EXPLAIN_SCOPE_KEY, *(_run_key(n) for n in TASKS),
            *(p + k for p in PREFIX.values() for k in (NOTE_KEY, INPUT_ERROR_KEY, SAMPLE_KEY)),
            *(k for pair in EXPLAIN_KEYS.values() for k in pair)}
    for key in list(st.session_state):
        k = str(key)
        if k in keys or (k.endswith("_feedback") and k.split("_", 1)[0] in TASKS):
            st.session_state.pop(key, None)


def current_run(name: str) -> NoteRun | None:
    """The page's last run in this session, if any."""
    return st.session_state.get(_run_key(name))


def clear_run(name: str) -> None:
    st.session_state.pop(_run_key(name), None)


# -- access -------------------------------------------------------------------------------------------------
def require(action: str) -> tuple[str, str]:
    """(name, role) of the signed-in account; otherwise, or when its role may not do ``action``
    (:func:`core.auth.can`), show why and stop the page. Every page calls it first, so a page run on its own
    (not through ``app.py``'s navigation) shows nothing to someone not signed in or not allowed.

    The account is re-read here too (:func:`pages.auth.current_account`: disabled, deleted, idle), not only in
    ``app.py``: a page must not trust a session that was valid when the router last ran."""
    from core.auth import can
    from pages.auth import current_account

    name, role = current_account() or ("", "")
    if not name:
        st.error("Sign in to use NoteLens.", icon=":material/lock:")
        st.stop()
    if not can(role, action):
        st.error(f"Your role ({role}) does not allow this page.", icon=":material/block:")
        st.stop()
    return name, role


# -- explanations -------------------------------------------------------------------------------------------
def default_method(run: NoteRun) -> str:
    return get_task(run.task).default_method(run.result)


def explain_scope() -> str:
    """This session's explanation-cache scope: a random token made on first use and kept in the session."""
    if _EXPLAIN_SCOPE_KEY not in st.session_state:
        st.session_state[_EXPLAIN_SCOPE_KEY] = secrets.token_hex(16)
    return str(st.session_state[_EXPLAIN_SCOPE_KEY])


def explain(run: NoteRun, target: Any, method: str) -> Any:
    """Word-level explanation of ``target`` of the run's result (cached in memory by the attribution engine, for
    this session only: :func:`explain_scope`).

    Raises:
        ModelMissing: the model changed since the note was run (the page says to run it again).
    """
    task = get_task(run.task)
    loaded = require_model(run.task)
    if task.version(loaded) != task.version(run.model):
        raise ModelMissing("The model changed since this note was read: run it again.")
    from core.explain.attribution import cache_scope

    with cache_scope(explain_scope()):
        return task.explain(loaded, run.text, run.result, target, method)


# -- feedback -----------------------------------------------------------------------------------------------
def current_user() -> tuple[str, str]:
    """(name, feedback role) of the signed-in account (``("", "")`` when nobody is signed in)."""
    name = str(st.session_state.get(AUTH_USER_KEY) or "")
    return (name, FEEDBACK_ROLE.get(str(st.session_state.get(AUTH_ROLE_KEY) or ""), "")) if name else ("", "")


def submit(run: NoteRun, kind: str, *, task: str | None = None, comment: str | None = None,
           **fields: Any) -> tuple[int, Correction]:
    """Check and store a correction of the run's result (or of its ``task`` part, e.g. the conditions of a
    treatments run), with the note text (retraining needs it; the page says so before sending).

    Raises:
        ValueError: no user name, or an invalid correction (message fit for the user).
    """
    name = task or run.task
    user, role = current_user()
    if not user:
        raise ValueError("Sign in before sending feedback.")
    result = run.result if name == run.task else getattr(run.result, name)
    correction = get_task(name).correction(run.text, result, kind, **fields)
    prediction_id = run.prediction_id if name == run.task else _record_once(name, run.text, result)[1]
    feedback_id = wf.record_feedback(get_task(name), prediction_id, correction, user_name=user, user_role=role,
                                     comment=comment, note_text=run.text)
    # The store is idempotent: the same act sent again returns the id stored first, so list it once (moved last).
    done = [d for d in st.session_state.get(_feedback_key(run.task, name), []) if d[0] != feedback_id]
    st.session_state[_feedback_key(run.task, name)] = [*done, (feedback_id, correction)]
    return feedback_id, correction


def feedback_done(run: NoteRun, task: str | None = None) -> list[tuple[int, Correction]]:
    """Feedback sent on the current run (or on its ``task`` part): (feedback id, correction), oldest first."""
    return list(st.session_state.get(_feedback_key(run.task, task or run.task), []))


def feedback_table(name: str, *, show_text: bool = False) -> list[dict[str, Any]]:
    """Recent feedback on a task's predictions, newest first (note text only when ``show_text``)."""
    database()
    return wf.feedback_table(get_task(name), show_text=show_text)


def targets(run: NoteRun) -> list[Any]:
    """What of the run's result can be explained or judged (:meth:`core.tasks.base.Task.targets`)."""
    return get_task(run.task).targets(run.result)
