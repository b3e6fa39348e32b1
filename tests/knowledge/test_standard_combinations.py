"""The guideline combinations file (standard_combinations.yaml): it loads through its schema, a broken row fails
with the file, line and row, and every drug it names is one the drug dictionary resolves."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from core.drugs.normalize import normalize
from core.knowledge.interactions import STANDARD_COMBINATIONS_PATH, StandardCombinations, standard_combinations
from tests.knowledge.test_tables import _broken as broken_copy


def _broken(change: Callable[[dict[str, Any]], Any], tmp_path: Path) -> str:
    return broken_copy(STANDARD_COMBINATIONS_PATH, StandardCombinations, change, tmp_path)


def _row(raw: dict[str, Any], row_id: str) -> dict[str, Any]:
    return next(r for r in raw["combinations"] if r["id"] == row_id)


def test_shipped_file_loads_with_60_to_100_cited_pairs():
    data = standard_combinations()
    assert 60 <= len(data.combinations) <= 100
    first = data.combinations[0]
    assert (first.id, first.a, first.b, first.ceiling) == ("acei-thiazide", "lisinopril", "hydrochlorothiazide",
                                                           "moderate")
    assert {c.source for c in data.combinations} <= set(data.sources)
    assert all(c.why for c in data.combinations if c.ceiling == "moderate")
    assert _row_of(data, "hf-acei-mra").ceiling == "moderate"     # the monitored HFrEF combination


def _row_of(data: StandardCombinations, row_id: str) -> Any:
    return next(c for c in data.combinations if c.id == row_id)


@pytest.mark.parametrize(("change", "expected"), [
    (lambda raw: _row(raw, "acei-thiazide").update(ceiling="major"),
     r"combinations\[0\] \(acei-thiazide\) > ceiling: .*ceiling 'major' is not one of none, minor, moderate"),
    (lambda raw: _row(raw, "acei-ccb").update(source="ACC-1999"),
     r"combinations\[\d+\] \(acei-ccb\) > source: source 'ACC-1999' is not in sources"),
    (lambda raw: _row(raw, "acei-ccb").update(b="benazepril"),
     r"combinations\[\d+\] \(acei-ccb\) > b: a pair needs two drugs, 'benazepril' is written twice"),
    (lambda raw: _row(raw, "hf-acei-mra").pop("why"),
     r"combinations\[\d+\] \(hf-acei-mra\) > why: a moderate ceiling must say why"),
    (lambda raw: raw["combinations"].append(dict(_row(raw, "acei-ccb"), id="again", a="amlodipine", b="benazepril")),
     r"combinations\[\d+\] \(again\) > b: pair 'amlodipine \+ benazepril' is used twice"),
    (lambda raw: _row(raw, "acei-ccb").update(dose="10 mg"),
     r"combinations\[\d+\] \(acei-ccb\) > dose: Extra inputs are not permitted"),
    (lambda raw: _row(raw, "acei-ccb").update(a="Benazepril"),
     r"combinations\[\d+\] \(acei-ccb\) > a: .*must be a non-empty lower-case string"),
])
def test_a_broken_row_names_the_file_line_and_row(change, expected, tmp_path):
    assert re.search(expected, _broken(change, tmp_path))


def test_every_pair_resolves_to_two_different_dictionary_drugs():
    for c in standard_combinations().combinations:
        hits = [normalize(name) for name in (c.a, c.b)]
        assert all(h is not None and h.method != "fuzzy" for h in hits), (c.id, c.a, c.b)
        assert hits[0].canonical != hits[1].canonical, c.id
