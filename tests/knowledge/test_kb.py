"""The treatment knowledge base: the shipped file's schema and content, the typed loader and the validator."""

from __future__ import annotations

import copy
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from core.knowledge.kb import KB_PATH, LINES, SERVICES, TAGS, KnowledgeBase, load_kb, validate
from core.knowledge.schema import DataFileError


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load(KB_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_kb()


def _rows(kb: KnowledgeBase):
    return [(c, t) for c in kb.conditions for t in c.treatments]


def test_shipped_kb_validates(raw):
    assert validate(raw) == []


def test_services_are_the_fifteen_triage_services():
    assert len(SERVICES) == len(set(SERVICES)) == 15


def test_size_and_service_coverage(kb):
    assert len(kb.conditions) >= 80
    per_service = Counter(c.service for c in kb.conditions)
    assert set(per_service) <= set(SERVICES)
    thin = {s: per_service[s] for s in SERVICES if per_service[s] < 3}
    assert not thin, f"services with fewer than 3 conditions: {thin}"


def test_ids_unique_and_snake_case(kb):
    ids = [c.id for c in kb.conditions]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", i) for i in ids)


def test_every_row_cites_a_complete_source(kb):
    for cond, t in _rows(kb):
        src = kb.sources.get(t.source)
        assert src is not None, f"{cond.id}/{t.drug}: unknown source {t.source}"
        assert src.title.strip() and src.body.strip(), t.source
        assert 1990 <= src.year <= 2026, (t.source, src.year)
    cited = {t.source for _, t in _rows(kb)}
    assert cited == set(kb.sources), f"sources nobody cites: {sorted(set(kb.sources) - cited)}"


def test_tags_lines_and_row_counts(kb):
    for cond in kb.conditions:
        assert 3 <= len(cond.treatments) <= 10, cond.id
        assert cond.treatments[0].line == "first", f"{cond.id}: no first-line row first"
        lines = [t.line for t in cond.treatments]
        assert all(line in LINES for line in lines), cond.id
        n_first = lines.count("first")
        assert lines[:n_first] == ["first"] * n_first, f"{cond.id}: first-line rows must come first"
        assert [t.rank for t in cond.treatments] == list(range(len(cond.treatments)))
        for t in cond.treatments:
            for tag in (*t.contraindications, *t.cautions, *t.preferred_in):
                assert tag in TAGS, f"{cond.id}/{t.drug}: unknown tag {tag}"
            assert not set(t.contraindications) & set(t.preferred_in), f"{cond.id}/{t.drug}"


def test_drugs_unique_within_a_condition(kb):
    for cond in kb.conditions:
        ids = [t.drugbank_id for t in cond.treatments]
        assert len(ids) == len(set(ids)), cond.id


def test_synonyms_are_lower_case_and_unambiguous(kb):
    owner: dict[str, str] = {}
    for name, cond in kb.all_names():
        if name != cond.name:
            # lower case, except abbreviations (HIV, B12, HbSS, mCRPC) and single-letter designators (B-cell, type I)
            for word in re.findall(r"[A-Za-z][\w']*", name):
                if word != word.lower() and len(word) > 1:
                    capitals = sum(ch.isupper() or ch.isdigit() for ch in word)
                    assert capitals >= 2, f"{cond.id}: {name!r} is not lower case"
        key = name.lower()
        assert owner.setdefault(key, cond.id) == cond.id, f"{name!r} names {owner[key]} and {cond.id}"


def test_drugbank_ids_match_the_drug_dictionary(kb):
    from core.drugs.normalize import normalize

    bad = []
    for cond, t in _rows(kb):
        assert re.fullmatch(r"DB\d{5}", t.drugbank_id), t.drugbank_id
        ident = normalize(t.drug)
        if ident is None or ident.method == "fuzzy" or ident.drugbank_id != t.drugbank_id:
            bad.append(f"{cond.id}/{t.drug}: kb {t.drugbank_id}, dictionary {ident}")
    assert not bad, "\n".join(bad)


def test_icd_prefixes_are_valid_icd10cm(kb):
    import simple_icd_10_cm as icd

    bad = [(c.id, code) for c in kb.conditions for code in c.icd10
           if not (icd.is_valid_item(code) or icd.is_valid_item(code.replace(".", "")))]
    assert not bad


def test_lookup_methods(kb):
    assert kb.condition("hypertension").name == "Essential hypertension"
    with pytest.raises(KeyError):
        kb.condition("no_such_condition")
    assert kb.by_icd("I10")[0].id == "hypertension"
    assert kb.by_icd("e11.65")[0].id == "type_2_diabetes"
    assert kb.by_icd("E1122")[0].id == "chronic_kidney_disease"       # longest prefix (E11.22) first
    assert "type_2_diabetes" in [c.id for c in kb.by_icd("E11.22")]
    assert kb.by_icd("Z99.89") == [] and kb.by_icd("") == []
    names = dict(kb.all_names())
    assert names["HTN"].id == "hypertension"
    assert names["acquired immunodeficiency syndrome"].id == "hiv_infection"
    assert names["primary biliary cirrhosis"].id == "primary_biliary_cholangitis"
    assert names["endogenous depression"].id == "major_depressive_disorder"
    assert "DB00722" in kb.treatment_drugs()                            # lisinopril
    first = kb.condition("hypertension").treatments[0]
    assert (first.drug, first.drugbank_id, first.line, first.rank) == ("lisinopril", "DB00722", "first", 0)
    assert "pregnancy" in first.contraindications


def test_known_clinical_facts(kb):
    def row(cid: str, drug: str):
        return next(t for t in kb.condition(cid).treatments if t.drug == drug)

    assert "renal_impairment" in row("type_2_diabetes", "metformin").contraindications
    assert "pregnancy" in row("epilepsy", "valproic acid").contraindications
    assert {"asthma", "bradycardia"} <= set(row("esophageal_varices", "propranolol").contraindications)
    assert "coronary_disease" in row("migraine", "sumatriptan").contraindications
    assert "pregnancy" in row("preeclampsia", "labetalol").preferred_in
    assert "seizures" in row("nicotine_dependence", "bupropion").contraindications
    assert "gi_bleeding" in row("osteoarthritis", "naproxen").contraindications


def test_load_kb_is_cached_and_typed(kb):
    assert load_kb() is kb
    assert isinstance(kb.conditions, tuple) and isinstance(kb.conditions[0].treatments, tuple)


def test_validate_reports_broken_rows(raw):
    broken = copy.deepcopy(raw)
    rows = broken["conditions"][0]["treatments"]
    rows[0]["source"] = "NO-SUCH-GUIDELINE"
    rows[1]["contraindications"] = ["pregnancy", "purple_skin"]
    rows[2]["line"] = "second"
    del rows[3]["drugbank_id"]
    broken["conditions"][1]["service"] = "astrology"
    broken["conditions"].append(copy.deepcopy(broken["conditions"][2]))
    errors = validate(broken)
    text = "\n".join(errors)
    first = broken["conditions"][0]["id"]
    # every mistake is reported at once, each at its row: field errors and cross-row ones alike
    assert f"conditions[0] ({first}) > treatments[0] ({rows[0]['drug']}) > source: " in text
    assert "source 'NO-SUCH-GUIDELINE' is not in sources" in text
    assert "tag 'purple_skin' is not one of" in text
    assert "line 'second' is not one of first, alternative, adjunct" in text
    assert f"treatments[3] ({rows[3]['drug']}) > drugbank_id: Field required" in text
    assert "service 'astrology' is not one of" in text
    assert f"conditions[{len(broken['conditions']) - 1}]" in text and "used twice" in text
    assert len(errors) == 6
    assert validate({}) and validate([]) and validate({"version": 1, "sources": {}, "conditions": []})


@pytest.mark.parametrize("change, message", [
    (lambda c: c["treatments"].append(dict(c["treatments"][0], drug="zz-new")),      # a first-line row last
     "first-line rows must come before other lines"),
    (lambda c: c["treatments"][1].update(drug=c["treatments"][0]["drug"]), "drug listed twice"),
    (lambda c: c["treatments"][0].update(contraindications=["pregnancy"], preferred_in=["pregnancy"]),
     "tags both contraindicate and prefer it: pregnancy"),
    (lambda c: c["treatments"][0].update(cautions=["asthma", "asthma"]), "listed twice: 'asthma'"),
    (lambda c: c["treatments"][0].update(drugbank_id="DB123"), "'DB123' is not a DrugBank id"),
    (lambda c: c["treatments"][0].update(dose="10 mg"), "dose: Extra inputs are not permitted"),
    (lambda c: c.update(id="High-BP"), "'High-BP' is not a snake_case id"),
    (lambda c: c.update(icd10=["I10", "hypertension"]), "'hypertension' is not an ICD-10-CM code"),
    (lambda c: c.update(icd10=[]), "icd10: Tuple should have at least 1 item"),
    (lambda c: c.update(treatments=[]), "treatments: Tuple should have at least 1 item"),
    (lambda c: c.update(synonyms=["ok", "  "]), "must be a non-empty string"),
    (lambda c: c.pop("name"), "name: Field required"),
])
def test_validate_reports_each_broken_condition(raw, change, message):
    broken = copy.deepcopy(raw)
    assert broken["conditions"][0]["treatments"][-1]["line"] != "first"
    change(broken["conditions"][0])
    errors = validate(broken)
    assert any(message in e for e in errors), errors


def test_validate_reports_bad_sources(raw):
    broken = copy.deepcopy(raw)
    key = next(iter(broken["sources"]))
    broken["sources"][key] = {"title": "", "year": "recent"}
    broken["version"] = True
    errors = "\n".join(validate(broken))
    assert f"sources > {key} > title: Value error, must be a non-empty string" in errors
    assert f"sources > {key} > body: Field required" in errors
    assert f"sources > {key} > year: Input should be a valid integer" in errors
    assert "version: Input should be a valid integer" in errors


def test_load_kb_raises_on_invalid_file(raw, tmp_path: Path):
    broken = copy.deepcopy(raw)
    broken["conditions"][0]["treatments"][0]["line"] = "best"
    path = tmp_path / "kb.yaml"
    path.write_text(yaml.safe_dump(broken, sort_keys=False), encoding="utf-8")
    with pytest.raises(DataFileError, match="line 'best'") as err:
        load_kb(path)
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "line: best" in text)
    assert str(err.value).startswith(f"{path}:{line}: conditions[0] ")


def _write(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_part_files_extend_the_shipped_kb(raw, tmp_path: Path, monkeypatch):
    import core.knowledge.kb as kbmod

    main = _write(tmp_path / "kb.yaml", {"version": 1, "sources": raw["sources"], "conditions": raw["conditions"][:2]})
    parts = tmp_path / "kb"
    parts.mkdir()
    extra = copy.deepcopy(raw["conditions"][2])
    extra["treatments"][0]["source"] = "NEW-2024"
    _write(parts / "a.yaml", {"sources": {"NEW-2024": {"title": "A guideline", "body": "X", "year": 2024}},
                              "conditions": [extra]})
    monkeypatch.setattr(kbmod, "KB_PATH", main)
    monkeypatch.setattr(kbmod, "KB_PARTS_DIR", parts)
    merged = kbmod.load_kb(main)
    assert [c.id for c in merged.conditions] == [c["id"] for c in raw["conditions"][:3]]
    assert merged.sources["NEW-2024"].title == "A guideline"
    # read alone (not the shipped path), a file has no parts
    alone = _write(tmp_path / "alone.yaml",
                   {"version": 1, "sources": raw["sources"], "conditions": raw["conditions"][:2]})
    assert len(kbmod.load_kb(alone).conditions) == 2


@pytest.mark.parametrize("problem", ["same id", "unknown source", "same source"])
def test_part_files_conflicts_name_the_file(raw, tmp_path: Path, monkeypatch, problem):
    import core.knowledge.kb as kbmod

    main = _write(tmp_path / "kb.yaml", {"version": 1, "sources": raw["sources"], "conditions": raw["conditions"][:2]})
    parts = tmp_path / "kb"
    parts.mkdir()
    extra = copy.deepcopy(raw["conditions"][0 if problem == "same id" else 2])
    sources = {}
    if problem == "unknown source":
        extra["treatments"][0]["source"] = "NOWHERE-1999"
    if problem == "same source":
        key = next(iter(raw["sources"]))
        sources = {key: raw["sources"][key]}
    _write(parts / "b.yaml", {"sources": sources, "conditions": [extra]} if sources else {"conditions": [extra]})
    monkeypatch.setattr(kbmod, "KB_PATH", main)
    monkeypatch.setattr(kbmod, "KB_PARTS_DIR", parts)
    expected = {"same id": "is already in kb.yaml", "unknown source": "'NOWHERE-1999' is not in sources",
                "same source": "is already listed"}[problem]
    with pytest.raises(DataFileError, match=expected) as err:
        kbmod.load_kb(main)
    assert str(err.value).startswith("b.yaml: ")
