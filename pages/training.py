"""The training panel: what the first-run trainer is doing (not a page itself: ``app.py`` and
:func:`pages.components.require_model` show it).

The app starts the trainer once per server process (:func:`start`); the trainer writes each task's state under
``<models>/.training/`` (:mod:`core.training_status`) and the panel reads it, refreshing itself every
:data:`REFRESH_SECONDS` while something trains, and rerunning the page when a model becomes ready.
"""

from __future__ import annotations

import logging

import streamlit as st

from core.config import get_settings
from core.explain.render import escape_markdown
from core.tasks import get_task
from core.tasks.background import ensure_background_training, retry_command
from core.training_status import LOG_FILE, TaskStatus, read_statuses, status_dir, trainer_alive

#: Seconds between two refreshes of the panel while a model trains.
REFRESH_SECONDS = 2.0
#: How the panel names each state.
STATE_TEXT = {"waiting": "waiting", "running": "training", "done": "ready", "failed": "failed",
              "skipped": "not trained", "stopped": "stopped"}
_ACTIVE = ("waiting", "running")
_STOPPED = ("the trainer stopped before it finished: start the app again (`make run`) to resume with the models "
            "still missing, or train them now with `make models`")


@st.cache_resource(show_spinner=False)
def start() -> bool:
    """Start the background trainer when a default model is missing (once per server process; the trainer's lock
    keeps it to one trainer however many processes or sessions ask)."""
    settings = get_settings()
    if not settings.auto_train:
        return False
    try:
        return ensure_background_training(settings)
    except OSError as exc:  # e.g. a read-only models folder: the pages still say how to train by hand
        logging.getLogger(__name__).warning("could not start the background trainer: %s", exc)
        return False


def statuses() -> dict[str, TaskStatus]:
    """Each task's training status, in training order; a task left waiting or running by a trainer that is gone
    shows as stopped."""
    models_dir = get_settings().models_dir
    out = read_statuses(models_dir)
    if any(s.state in _ACTIVE for s in out.values()) and not trainer_alive(models_dir):
        for s in out.values():
            if s.state in _ACTIVE:
                s.state, s.error, s.retry = "stopped", _STOPPED, retry_command(get_task(s.task))
    return out


def title(name: str) -> str:
    """How the panel names a task's model ("the triage model")."""
    return f"the {name} model"


def duration(seconds: float) -> str:
    """``"40 s"``, ``"3 min"``: a duration as a person reads it."""
    return f"{max(1, round(seconds))} s" if seconds < 90 else f"{round(seconds / 60)} min"


def summary(s: TaskStatus) -> str:
    """One line: "training, step 40/125, about 1 min left"."""
    if s.state == "running":
        parts = [s.stage or "starting"]
        if s.stage == "training" and s.total:
            parts.append(f"step {s.step}/{s.total}")
        eta = s.eta()
        if eta is not None:
            parts.append(f"about {duration(eta)} left")
        return ", ".join(parts)
    if s.state == "done":
        measuring = f"; {s.stage}" if s.stage else ""  # "measuring explanations": it serves meanwhile
        return f"ready (`{s.version}`), trained in {duration(s.elapsed())}{measuring}"
    return STATE_TEXT.get(s.state, s.state)


def task_status(s: TaskStatus, *, log: bool = True) -> None:
    """One task's line: state, progress bar with time left, the error with its retry command, the log tail."""
    name = f"**{s.task.capitalize()}**"
    if s.state == "running":
        st.markdown(f":material/model_training: {name}: {summary(s)}")
        st.progress(s.fraction, text=f"step {s.step} of {s.total}" if s.total else None)
    elif s.state == "done":
        st.markdown(f":green[:material/check_circle:] {name}: {summary(s)}")
    elif s.state == "waiting":
        st.markdown(f":material/hourglass_empty: {name}: waiting its turn")
    else:
        show = st.error if s.state == "failed" else st.warning
        why = escape_markdown(s.error or "")  # an exception's message: any characters
        show(f"{name}: {STATE_TEXT.get(s.state, s.state)}. {why}\n\nTo retry: `{s.retry}` (the trainer's output: "
             f"`{status_dir(get_settings().models_dir) / LOG_FILE}`)",
             icon=":material/error:" if s.state == "failed" else ":material/warning:")
    if log and s.log:
        with st.expander(f"{s.task.capitalize()} log", expanded=False):
            st.code("\n".join(s.log), language=None)


def _done(current: dict[str, TaskStatus]) -> tuple[str, ...]:
    return tuple(n for n, s in current.items() if s.state == "done")


@st.fragment(run_every=REFRESH_SECONDS)
def _waiting(name: str, done_before: tuple[str, ...]) -> None:
    current = statuses()
    if _done(current) != done_before:
        st.rerun()  # a model became ready: the whole page runs again, with it if it was the page's
    needed = [n for n in (*get_task(name).requires, name) if n in current and current[n].state != "done"]
    first = current[needed[0]] if needed else None
    if first is not None:
        what = summary(first)
        if first.state == "waiting":
            running = [s.task for s in current.values() if s.state == "running"]
            what = f"{running[0]} trains first" if running else "the trainer is starting"
        st.info(f"Waiting for {title(first.task)}: {what}. This page opens by itself when it is ready.",
                icon=":material/hourglass_top:")
    st.caption("First run: the default models are trained in the background, one at a time, triage first; each "
               "page works as soon as its model is ready.")
    for s in current.values():
        task_status(s)


def wait_for(name: str) -> bool:
    """Show, in place of the page, the training of the models ``name`` needs (refreshing, and rerunning the page
    once its model is ready); False when nothing is training or recorded for them (the caller says how to train)."""
    current = statuses()
    needed = {*get_task(name).requires, name}
    if all(current[n].state == "done" for n in needed & set(current)):
        return False  # nothing of it trains, or the model went missing after it trained
    _waiting(name, _done(current))
    return True


@st.fragment(run_every=REFRESH_SECONDS)
def _sidebar(done_before: tuple[str, ...]) -> None:
    current = statuses()
    if _done(current) != done_before:
        st.rerun()  # a model became ready: the page and the sidebar's versions follow
    st.markdown("**Training the default models**")
    for s in current.values():
        if s.state == "running":
            st.caption(f"{s.task.capitalize()}: {summary(s)}")
            st.progress(s.fraction)
        elif s.state == "done":
            st.caption(f":green[:material/check_circle:] {s.task.capitalize()}: ready")
        elif s.state == "waiting":
            st.caption(f":material/hourglass_empty: {s.task.capitalize()}: waiting")
        else:
            st.caption(f":red[:material/error:] {s.task.capitalize()}: {STATE_TEXT.get(s.state, s.state)} "
                       f"(retry: `{s.retry}`)")


def sidebar() -> None:
    """A compact panel in the sidebar while a default model trains or failed to (nothing otherwise)."""
    current = statuses()
    if any(s.state != "done" for s in current.values()):
        _sidebar(_done(current))

