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
