"""Shared fixtures: an isolated environment (temp models/data/db folders, offline hub) and tiny models."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

_TMP = Path(tempfile.mkdtemp(prefix="notelens-tests-"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HOME", str(_TMP / "hf"))
os.environ.setdefault("MPLCONFIGDIR", str(_TMP / "mpl"))
os.environ["NOTELENS_MODELS_DIR"] = str(_TMP / "models")
os.environ["NOTELENS_DATA_DIR"] = str(_TMP / "data")
os.environ["NOTELENS_DB_URL"] = f"sqlite:///{_TMP / 'data' / 'test.db'}"
os.environ.setdefault("NOTELENS_DEVICE", "cpu")

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"

CARDIO = ("Chest pain radiating to the left arm with dyspnea. ECG shows ST elevation; troponin elevated. "
          "Cardiac catheterization and echocardiogram. Metoprolol 25 mg PO BID, aspirin 81 mg daily.")
ORTHO = ("Right knee pain after a fall. X-ray shows a tibial plateau fracture. Plan open reduction internal "
         "fixation; arthroscopy of the knee. Ibuprofen 600 mg PO q6h prn pain.")


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
    from core.modeling import current_artifact
    from core.triage.train import TrainConfig, train_and_save

    existing = current_artifact("triage")
    if existing is not None:
        return existing
    recs = tiny_records()
    cfg = TrainConfig(epochs=20, max_length=64, infer_max_length=64, batch_size=8, lr=3e-3, head_lr=3e-3,
                      freeze_embeddings=False, seed=3)
    _, _, path = train_and_save(recs[:30], recs[30:], list(SERVICES), cfg, source="tests", tiny=True, progress=False,
                                log=lambda _msg: None)
    return path


@pytest.fixture(scope="session")
def tiny_triage(tiny_triage_artifact):
    from core.triage.pipeline import TriagePipeline

    return TriagePipeline.from_artifact(tiny_triage_artifact)
