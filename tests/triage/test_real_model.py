"""A few steps of the real pipeline on the real base encoder (all-MiniLM-L6-v2): slower, but the path users run."""

import pytest

from core.explain.note import explain_note
from core.tasks import get_task
from core.triage.train import synthetic_records

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def real_pipe(tmp_path_factory):
    train = synthetic_records(96, seed=5)
    val = synthetic_records(30, seed=6)
    task = get_task("triage")
    cfg = task.config(max_length=128, infer_max_length=512, epochs=1.0, batch_size=16, seed=5, val_notes=30)
    trained = task.train(train, val, cfg, source="test", progress=False, models_dir=tmp_path_factory.mktemp("models"),
                         make_current=False)
    return trained.model, trained.info, trained.path


def test_real_encoder_trains_calibrates_and_saves(real_pipe):
    pipe, info, path = real_pipe
    assert (path / "model.safetensors").exists() and (path / "tokenizer.json").exists()
    assert info.training["steps"] == 6 and info.training["freeze_layers"] == 2
    assert 0.05 <= info.calibration["temperature"] <= 20
    # the description-initialised head plus six steps already route an obvious note
    note = ("Cataract of the right eye with decreased visual acuity. Slit lamp examination shows a dense nuclear "
            "sclerotic cataract. Plan phacoemulsification with intraocular lens implantation.")
    assert pipe(note).service == "ophthalmology"


def test_real_encoder_integrated_gradients_converge(real_pipe):
    pipe, _, _ = real_pipe
    note = ("Chest pain radiating to the left arm with diaphoresis. ECG with ST elevation; troponin elevated. "
            "Taken for cardiac catheterization.")
    exp = explain_note(pipe, note, "cardiology_pulmonology", use_cache=False)
    assert exp.delta is not None and exp.delta <= 0.05
    top = {w.text.lower() for w in exp.top(8)}
    assert top & {"chest", "cardiac", "ecg", "troponin", "catheterization", "st", "elevation", "diaphoresis"}
