"""Shared fixtures: an isolated environment (temp models/data/db folders, offline hub) and tiny models."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests.pg import db_engine, pg_server, pg_url  # noqa: F401 - fixtures for every folder (PostgreSQL runs)

_TMP = Path(tempfile.mkdtemp(prefix="notelens-tests-"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HOME", str(_TMP / "hf"))
os.environ.setdefault("MPLCONFIGDIR", str(_TMP / "mpl"))
os.environ["NOTELENS_MODELS_DIR"] = str(_TMP / "models")
os.environ["NOTELENS_DATA_DIR"] = str(_TMP / "data")
os.environ["NOTELENS_DB_URL"] = f"sqlite:///{_TMP / 'data' / 'test.db'}"
os.environ.setdefault("NOTELENS_DEVICE", "cpu")
os.environ["NOTELENS_AUTO_TRAIN"] = "0"  # no background trainer from the app: each test brings its own tiny models

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"

CARDIO = ("Chest pain radiating to the left arm with dyspnea. ECG shows ST elevation; troponin elevated. "
          "Cardiac catheterization and echocardiogram. Metoprolol 25 mg PO BID, aspirin 81 mg daily.")
ORTHO = ("Right knee pain after a fall. X-ray shows a tibial plateau fracture. Plan open reduction internal "
         "fixation; arthroscopy of the knee. Ibuprofen 600 mg PO q6h prn pain.")


def ensure_account(name: str, role: str, password: str) -> str:
    """Make sure the settings' database (``NOTELENS_DB_URL``) has an enabled account ``name`` with ``role`` and
    ``password`` (the page and browser tests sign in with it)."""
    from core import auth
    from core.db.engine import init_db

    init_db()
    if auth.get_user(name) is None:
        auth.add_user(name, role, password)
    else:
        auth.enable_user(name)
        auth.set_role(name, role)
        auth.set_password(name, password)
    return name


@pytest.fixture
def auth_db_url(tmp_path, monkeypatch):
    """A fresh temporary database as the settings' default (what commands and callers without an engine use), with
    no admin password in the environment."""
    from core import auth
    from core.config import get_settings
    from core.db.engine import dispose_engine

    url = f"sqlite:///{tmp_path / 'notelens.db'}"
    monkeypatch.setenv("NOTELENS_DB_URL", url)
    monkeypatch.delenv(auth.ADMIN_PASSWORD_ENV, raising=False)
    get_settings.cache_clear()
    yield url
    dispose_engine(url)
    get_settings.cache_clear()


@pytest.fixture
def fresh_db(auth_db_url):
    """A fresh, migrated temporary database as the settings' default, and fresh shared page caches (the review
    pages' tests: each starts from an empty queue)."""
    import streamlit as st

    from core.db.engine import init_db

    st.cache_resource.clear()
    init_db()
    yield auth_db_url
    st.cache_resource.clear()


def tiny_records(n: int = 40) -> list[tuple[str, str]]:
    """A two-service toy corpus the tiny model can learn in a few steps."""
    out = []
    for i in range(n):
        if i % 2:
            out.append((CARDIO + (" Follow up in cardiology clinic." * (i % 5)), "cardiology_pulmonology"))
        else:
            out.append((ORTHO + (" Follow up in orthopedic clinic." * (i % 5)), "orthopedics"))
    return out


@pytest.fixture(scope="session")
def tiny_triage_artifact() -> Path:
    """A tiny (2-layer, 32-dim) triage model trained for a few steps and saved as the current artifact."""
    from core.labels import SERVICES
    from core.tasks import get_task

    task = get_task("triage")
    if task.current() is not None:
        return task.current()
    recs = tiny_records()
    cfg = task.config(epochs=20, max_length=64, infer_max_length=64, batch_size=8, lr=3e-3, head_lr=3e-3,
                      freeze_embeddings=False, seed=3, tiny=True, labels=SERVICES)
    return task.train(recs[:30], recs[30:], cfg, source="tests", progress=False).path


@pytest.fixture(scope="session")
def tiny_triage(tiny_triage_artifact):
    from core.tasks import get_task

    return get_task("triage").load(tiny_triage_artifact)


# -- drugs --------------------------------------------------------------------------------------------
TOY_DRUGS = ("metoprolol", "aspirin", "lisinopril", "warfarin", "ibuprofen", "atorvastatin", "furosemide",
             "amoxicillin", "insulin", "metformin")
TOY_SIGS = (("25 mg", "STRENGTH"), ("81 mg", "STRENGTH"), ("10 mg", "STRENGTH"), ("500 mg", "STRENGTH"))
TOY_FREQS = ("daily", "BID", "TID", "at bedtime")


def toy_doc(*pieces: str | tuple[str, str]):
    """A document from pieces: plain text, or ``(text, label)`` for a span of that label."""
    from core.ner.data import AnnotatedDoc
    from core.spans import Span

    parts, spans, pos = [], [], 0
    for piece in pieces:
        text, label = piece if isinstance(piece, tuple) else (piece, None)
        if label:
            spans.append(Span(pos, pos + len(text), label))
        parts.append(text)
        pos += len(text)
    return AnnotatedDoc("".join(parts), tuple(spans))


def toy_drug_docs(n: int = 60):
    """Sentences naming toy drugs with a sig, for a tiny drug model to learn in a few steps."""
    return [toy_doc("Continue " if i % 3 else "Patient takes ", (TOY_DRUGS[i % len(TOY_DRUGS)], "DRUG"), " ",
                    (TOY_SIGS[i % 4][0], "STRENGTH"), " ", ("PO", "ROUTE"), " ", (TOY_FREQS[i % 4], "FREQUENCY"),
                    " and ", (TOY_DRUGS[(i * 7 + 3) % len(TOY_DRUGS)], "DRUG"), " ",
                    (TOY_SIGS[(i + 1) % 4][0], "STRENGTH"), " ", ("daily", "FREQUENCY"), " for pain. Walks the dog.")
            for i in range(n)]


def same_alone_and_together(call, jobs) -> None:
    """Run ``call(*job)`` for each job alone, then all jobs in threads at once (three rounds after a common
    start): every threaded result's word scores must equal the job's result alone (Captum hooks the shared
    model, so without the model's lock concurrent explanations come out wrong)."""
    import threading

    import numpy as np

    alone = [call(*job) for job in jobs]
    results: dict[int, object] = {}
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(jobs))

    def work(i: int) -> None:
        try:
            barrier.wait()
            for _ in range(3):
                results[i] = call(*jobs[i])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    for i in range(len(jobs)):
        np.testing.assert_allclose([w.score for w in results[i].words], [w.score for w in alone[i].words],
                                   rtol=1e-6, atol=1e-9)


def tiny_span_artifact(name: str, docs) -> Path:
    """A tiny span tagger (drugs, conditions) trained on toy documents and saved as the task's current artifact."""
    from core.tasks import get_task

    task = get_task(name)
    if task.current() is not None:
        return task.current()
    cfg = task.config(epochs=40, max_length=64, infer_max_length=128, infer_stride=16, tokens_per_batch=512,
                      lr=3e-3, head_lr=3e-3, freeze_embeddings=False, seed=5, tiny=True, measure_heldout=False)
    return task.train(docs, (), cfg, source="tests", progress=False).path


@pytest.fixture(scope="session")
def tiny_drug_artifact() -> Path:
    """A tiny drug model trained on toy sentences and saved as the current drug artifact."""
    return tiny_span_artifact("drugs", toy_drug_docs())


@pytest.fixture(scope="session")
def tiny_drugs(tiny_drug_artifact):
    from core.tasks import get_task

    return get_task("drugs").load(tiny_drug_artifact)


TOY_CONDITIONS = ("hypertension", "type 2 diabetes", "asthma", "gout", "migraine", "atrial fibrillation",
                  "community-acquired pneumonia", "osteoarthritis")


def toy_condition_docs(n: int = 48):
    """Toy notes with CONDITION spans (present, negated and family mentions)."""
    k = len(TOY_CONDITIONS)
    return [toy_doc("Assessment: ", (TOY_CONDITIONS[i % k], "CONDITION"), ". Denies ",
                    (TOY_CONDITIONS[(i * 3 + 1) % k], "CONDITION"), ". Mother with ",
                    (TOY_CONDITIONS[(i * 5 + 2) % k], "CONDITION"), ". Walks daily.")
            for i in range(n)]


@pytest.fixture(scope="session")
def tiny_condition_artifact() -> Path:
    """A tiny condition model trained on toy sentences and saved as the current condition artifact."""
    return tiny_span_artifact("conditions", toy_condition_docs())


@pytest.fixture(scope="session")
def tiny_conditions(tiny_condition_artifact):
    from core.tasks import get_task

    return get_task("conditions").load(tiny_condition_artifact)


@pytest.fixture(scope="session")
def tiny_ranker_artifact() -> Path:
    """A tiny ranker trained for a few steps on synthesized plan notes, saved as the current ranker."""
    from core.tasks import get_task

    task = get_task("treatments")
    if task.current() is not None:
        return task.current()
    cfg = task.config(n_notes=48, val_notes=8, notes_per_batch=8, max_length=96, epochs=2, lr=1e-3, seed=3, tiny=True)
    return task.train(None, None, cfg, source="tests", progress=False).path


@pytest.fixture(scope="session")
def tiny_ranker(tiny_ranker_artifact):
    from core.tasks import get_task

    return get_task("treatments").load_from(tiny_ranker_artifact)
