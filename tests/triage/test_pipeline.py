"""The triage pipeline on a tiny model: windows, aggregation, calibration, round trip through an artifact."""

import numpy as np
import pytest

from core.labels import SERVICES, UNCERTAIN
from core.triage.pipeline import TriagePipeline
from tests.conftest import CARDIO, ORTHO


@pytest.fixture()
def pipe(tiny_triage):
    tiny_triage.detect_flags = False
    return tiny_triage


def test_probabilities_are_a_distribution_over_all_services(pipe):
    r = pipe(CARDIO)
    assert [s.label for s in r.scores][0] == r.service
    assert sorted(s.label for s in r.scores) == sorted(SERVICES)
    assert sum(s.probability for s in r.scores) == pytest.approx(1.0, abs=1e-6)
    assert [s.probability for s in r.scores] == sorted((s.probability for s in r.scores), reverse=True)


def test_long_note_is_covered_by_windows_not_truncated(pipe):
    # The orthopedic evidence sits only at the very end of a note many windows long.
    filler = "The patient was seen today. " * 200
    long_note = filler + ORTHO * 3
    windows = pipe.preprocess([long_note])
    assert len(windows.input_ids) > 3
    last_offsets = [b for row in windows.offsets for _, b in row]
    assert max(last_offsets) >= len(long_note.rstrip()) - 1  # the last characters are in some window
    r = pipe(long_note)
    assert r.n_windows == len(windows.input_ids)
    # A truncating classifier could not tell these apart: they differ only after the first 3 windows.
    other = filler + CARDIO * 3
    la, _ = pipe.note_logits([long_note])
    lb, _ = pipe.note_logits([other])
    assert not np.allclose(la, lb, atol=1e-4)
    ortho, cardio = pipe.labels.index("orthopedics"), pipe.labels.index("cardiology_pulmonology")
    assert la[0][ortho] - la[0][cardio] > lb[0][ortho] - lb[0][cardio]


def test_window_aggregation_is_token_weighted_mean(pipe):
    text = (CARDIO + " ") * 12
    windows = pipe.preprocess([text])
    per_window = pipe.forward(windows)
    w = np.array(windows.n_content, dtype=float)
    expected = (per_window * w[:, None]).sum(0) / w.sum()
    got, _ = pipe.note_logits([text])
    np.testing.assert_allclose(got[0], expected, rtol=1e-5)


def test_batch_and_single_agree(pipe):
    probs = pipe.predict_proba([CARDIO, ORTHO, CARDIO * 20])
    single = [pipe(t) for t in (CARDIO, ORTHO, CARDIO * 20)]
    for row, res in zip(probs, single):
        assert row[pipe.labels.index(res.service)] == pytest.approx(res.confidence, abs=2e-3)


def test_uncertain_outcome_below_threshold(tiny_triage_artifact):
    strict = TriagePipeline.from_artifact(tiny_triage_artifact, threshold=1.01, detect_flags=False)
    r = strict(CARDIO)
    assert r.uncertain and r.outcome == UNCERTAIN
    lenient = TriagePipeline.from_artifact(tiny_triage_artifact, threshold=0.0, detect_flags=False)
    assert lenient(CARDIO).outcome == lenient(CARDIO).service


def test_artifact_round_trip_gives_same_scores(pipe, tiny_triage_artifact):
    again = TriagePipeline.from_artifact(tiny_triage_artifact, detect_flags=False)
    assert again.version == pipe.version
    assert again(ORTHO).to_dict()["scores"] == pipe(ORTHO).to_dict()["scores"]


def test_result_dict_holds_no_note_text(pipe):
    d = pipe(CARDIO).to_dict()
    assert "Chest pain" not in str(d)
    assert set(d) >= {"outcome", "service", "confidence", "uncertain", "threshold", "scores", "model_version"}
