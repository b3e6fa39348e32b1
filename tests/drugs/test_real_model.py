"""The real base encoder (all-MiniLM-L6-v2) as a drug tagger: a short fine-tune learns, offsets stay exact."""

import pytest

pytestmark = pytest.mark.slow


def test_real_encoder_learns_drug_spans_in_a_few_steps(tmp_path):
    from core.drugs.train import DrugTrainConfig, synthetic_docs, train_and_save

    cfg = DrugTrainConfig(n_notes=16, n_passages=80, max_length=96, epochs=1.0, tokens_per_batch=512, seed=3,
                          unknown_min_score=0.0)
    docs = synthetic_docs(cfg)
    pipe, info, path = train_and_save(docs, cfg, source="tests", models_dir=tmp_path, make_current=False,
                                      progress=False, measure_heldout=False, log=lambda _m: None)
    assert info.training["steps"] >= 10 and info.training["final_loss"] < 1.0
    assert (path / "model.safetensors").exists() and info.base_model.startswith("all-MiniLM-L6-v2")
    text = "Pretreatment with haloperidol attenuated the catalepsy. Continue lisinopril 10 mg PO daily."
    result = pipe(text)
    for e in result.entities:
        assert 0 <= e.start < e.end <= len(text)
    found = {m.text.lower() for m in result.mentions}
    assert found & {"haloperidol", "lisinopril"}, result.entities
