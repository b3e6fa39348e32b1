"""The drug config's ``exclude_drugs``: a gap in the training data on purpose (bench/corrections_needed.py)."""

from __future__ import annotations

from core.drugs.train import DrugTrainConfig, synthetic_docs
from core.lexicon.drugs import resolve_drug

GONE = {"amoxicillin", "ciprofloxacin"}


def _drug_canonicals(cfg: DrugTrainConfig) -> tuple[set[str], str]:
    docs = synthetic_docs(cfg, "all", n_notes=240, n_passages=150, seed=3)
    names = set()
    for d in docs:
        for s in d.spans:
            if s.label == "DRUG":
                info = resolve_drug(d.text[s.start:s.end])
                names.add(info.canonical if info else d.text[s.start:s.end].lower())
    return names, "\n".join(d.text for d in docs).lower()


def test_excluded_names_and_their_brands_are_never_written() -> None:
    before, _ = _drug_canonicals(DrugTrainConfig())
    assert before >= GONE  # without the option both drugs are written
    after, text = _drug_canonicals(DrugTrainConfig(exclude_drugs=("Amoxicillin", "Cipro")))  # a brand names its drug
    assert not GONE & after
    assert "amoxicillin" not in text and "ciprofloxacin" not in text and "cipro " not in text
    assert len(after) > 100  # the rest is still written
