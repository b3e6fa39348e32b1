"""Cases with an age range (a well-child visit, a neonatal circumcision) get patients of those ages."""

from __future__ import annotations

from core.synth import NoteSynthesizer, tables


def test_a_case_with_ages_draws_its_patient_in_them() -> None:
    ranges = {c.id: c.ages for svc in ("pediatrics", "urology") for c in tables.cases(svc) if c.ages}
    assert {"newborn_nicu", "pediatric_circumcision", "orchiopexy"} <= set(ranges)
    notes = NoteSynthesizer(seed=5).generate(240, ["pediatrics", "urology"])
    ranged = [n for n in notes if n.meta["case"] in ranges]
    assert len(ranged) >= 20
    outside = [(n.meta["case"], n.meta["age_years"]) for n in ranged
               if not ranges[n.meta["case"]][0] <= n.meta["age_years"] <= ranges[n.meta["case"]][1]]
    assert not outside
    # urology draws adults, so its children's cases must have redrawn the age
    assert any(n.meta["case"] in ("pediatric_circumcision", "orchiopexy", "hypospadias_repair") for n in ranged)
    assert not any("{" in n.text for n in ranged)


def test_a_case_of_one_sex_writes_a_patient_of_that_sex() -> None:
    male_only = {c.id for c in tables.cases("urology") if c.sex == "male"}
    assert {"pediatric_circumcision", "orchiopexy", "hypospadias_repair"} <= male_only
    notes = [n for n in NoteSynthesizer(seed=11).generate(300, ["urology"]) if n.meta["case"] in male_only]
    assert len(notes) >= 10
    assert {n.meta["sex"] for n in notes} == {"male"}
    assert not any(w in n.text.lower().split() for n in notes for w in ("she", "her", "girl", "female"))
