"""The real base encoder (all-MiniLM-L6-v2) as a drug tagger: a short fine-tune learns, offsets stay exact."""

import pytest

pytestmark = pytest.mark.slow


def test_real_encoder_learns_drug_spans_in_a_few_steps(tmp_path):
    from core.tasks import get_task

    task = get_task("drugs")
    # small batches: about 95 steps for the same compute (at 512 tokens, 40 steps left drugs at 0.4 confidence
    # before DRUG_CLASS and the unlabelled negatives were added, and below the tagging threshold after)
    cfg = task.config(n_notes=16, n_passages=80, max_length=96, epochs=1.0, tokens_per_batch=256, seed=3,
                      unknown_min_score=0.0, measure_heldout=False)
    trained = task.train(task.synthetic_train(cfg), (), cfg, source="tests", models_dir=tmp_path,
                         make_current=False, progress=False)
    pipe, info, path = trained.model, trained.info, trained.path
    assert info.training["steps"] >= 10 and info.training["final_loss"] < 1.0
    assert (path / "model.safetensors").exists() and info.base_model.startswith("all-MiniLM-L6-v2")
    text = "Pretreatment with haloperidol attenuated the catalepsy. Continue lisinopril 10 mg PO daily."
    result = pipe(text)
    for e in result.entities:
        assert 0 <= e.start < e.end <= len(text)
    found = {m.text.lower() for m in result.mentions}
    assert found & {"haloperidol", "lisinopril"}, result.entities
