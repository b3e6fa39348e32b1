"""The first-run training panel through AppTest (pages/training.py): what a page waiting for its model shows, from
status files this test writes in an empty temporary models folder (no trainer runs; the test holds the trainer's
lock where one should be alive)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.config import get_settings
from core.training_status import TaskStatus, TrainerLock, write_status
from tests.app.helpers import APP, TIMEOUT, sign_in


@pytest.fixture
def models(monkeypatch, tmp_path) -> Iterator:
    monkeypatch.setenv("NOTELENS_MODELS_DIR", str(tmp_path))  # a fresh install: no model trained
    get_settings.cache_clear()
    st.cache_resource.clear()
    yield tmp_path
    monkeypatch.undo()
    get_settings.cache_clear()
    st.cache_resource.clear()


def first_run(models, triage: TaskStatus) -> None:
    """Triage as given, the three others waiting their turn."""
    write_status(models, triage)
    for order, name in enumerate(("drugs", "conditions", "treatments"), start=1):
        write_status(models, TaskStatus(name, order))


def run_app(page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    sign_in(at, "dr.test")
    at.run()
    if page is not None:
        at.switch_page(page)
        at.run()
    assert not at.exception, at.exception
    return at


def test_a_page_waiting_for_its_model_shows_the_training(models):
    now = time.time()
    first_run(models, TaskStatus("triage", 0, "running", "training", step=40, total=125, started=now - 50,
                                 stage_started=now - 40, log=["starting", "synthesizing notes", "training"]))
    lock = TrainerLock(models)  # a trainer is alive
    assert lock.acquire()
    try:
        at = run_app()
    finally:
        lock.release()
    assert at.title[0].value == "Triage a clinical note"
    waiting = at.info[0].value
    assert waiting.startswith("Waiting for the triage model: training, step 40/125, about ")
    assert "s left" in waiting or "min left" in waiting
    assert any("Triage**: training, step 40/125" in m.value for m in at.markdown)
    assert sum("waiting its turn" in m.value for m in at.markdown) == 3
    assert [e.label for e in at.expander] == ["Triage log"]
    assert at.code[0].value == "starting\nsynthesizing notes\ntraining"
    assert not at.text_area  # the page stops: no note box until the model is ready
    assert not at.error
    assert any(m.value == "**Training the default models**" for m in at.sidebar.markdown)
    assert any("none trained" in c.value for c in at.sidebar.caption)  # the versions still show


def test_a_failed_task_shows_its_message_and_the_command_to_retry(models):
    first_run(models, TaskStatus("triage", 0, "failed", "training", step=3, total=125,
                                 error="RuntimeError: out of memory in **[x](http://attacker.invalid/)**",
                                 retry="notelens train triage   (or: make models)"))
    at = run_app()
    errors = [e.value for e in at.error]
    assert any("out of memory" in e and "`notelens train triage   (or: make models)`" in e for e in errors)
    assert not any("**[x](http://attacker" in e for e in errors)  # an exception's message is escaped


def test_training_left_unfinished_by_a_dead_trainer_says_how_to_resume(models):
    first_run(models, TaskStatus("triage", 0, "running", "training", step=3, total=125))  # no trainer holds the lock
    at = run_app()
    stopped = [w.value for w in at.warning]
    assert len(stopped) == 4  # every unfinished task
    assert all("stopped" in w and "make run" in w and "make models" in w for w in stopped)


@pytest.mark.parametrize("stage, shown", [("", ""), ("measuring explanations", "; measuring explanations")])
def test_done_models_are_listed_as_ready(models, stage, shown):
    """A ready model is listed as such, also while its explanations are measured (it serves meanwhile)."""
    first_run(models, TaskStatus("triage", 0, "done", stage, step=125, total=125, started=1.0, updated=181.0,
                                 version="triage-v1"))
    write_status(models, TaskStatus("drugs", 1, "running", "synthesizing notes", started=time.time()))
    lock = TrainerLock(models)
    assert lock.acquire()
    try:
        at = run_app("pages/drugs.py")
    finally:
        lock.release()
    assert at.info[0].value.startswith("Waiting for the drugs model: synthesizing notes.")
    assert any(f"Triage**: ready (`triage-v1`), trained in 3 min{shown}" in m.value for m in at.markdown)
    assert shown or not any("measuring" in m.value for m in at.markdown)
    assert any("Drugs**: synthesizing notes" in m.value for m in at.markdown)


def test_a_model_gone_after_it_trained_falls_back_to_the_train_hint(models):
    write_status(models, TaskStatus("triage", 0, "done", "", version="triage-v1"))
    at = run_app()
    assert any("No triage model is trained yet" in e.value for e in at.error)
    assert not at.info
