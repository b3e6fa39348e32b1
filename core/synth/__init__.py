"""Deterministic clinical-note synthesizer (training data for triage, drug NER and suggestions).

>>> from core.synth import NoteSynthesizer
>>> note = NoteSynthesizer(seed=13).note(service="urology")
>>> note.text[note.spans[0].start:note.spans[0].end] == note.spans[0].text_of(note.text)
True
"""

from core.synth.generator import (
                                  STYLES,
                                  WRITTEN_CONDITION_STATUSES,
                                  WRITTEN_DRUG_STATUSES,
                                  NoteSynthesizer,
                                  SyntheticNote,
)

__all__ = ["NoteSynthesizer", "SyntheticNote", "WRITTEN_DRUG_STATUSES", "WRITTEN_CONDITION_STATUSES", "STYLES"]
