"""The clinical-note synthesizer: exact spans, determinism, coverage, codes, held-out drugs, lengths."""

from __future__ import annotations

import json
import re
import statistics
import time
from collections import Counter, defaultdict

import pytest

from core.labels import ATTRIBUTE_LABELS, DRUG_CLASS_LABEL, SERVICES
from core.lexicon import drugs as lexicon_drugs
from core.synth import WRITTEN_CONDITION_STATUSES as CONDITION_STATUSES
from core.synth import WRITTEN_DRUG_STATUSES as DRUG_STATUSES
from core.synth import NoteSynthesizer, SyntheticNote

DRUG_FAMILY = {"DRUG", *ATTRIBUTE_LABELS, DRUG_CLASS_LABEL}


@pytest.fixture(scope="module")
def synth() -> NoteSynthesizer:
    return NoteSynthesizer(seed=13)


@pytest.fixture(scope="module")
def notes(synth: NoteSynthesizer) -> list[SyntheticNote]:
    return synth.generate(600)


def test_span_text_and_bounds(notes: list[SyntheticNote]) -> None:
    for note in notes:
        assert note.spans, note.seed
        for sp in note.spans:
            assert 0 <= sp.start < sp.end <= len(note.text)
            covered = note.text[sp.start:sp.end]
            assert covered == sp.text_of(note.text)
            assert covered == covered.strip() and covered, (note.seed, sp)
            assert sp.label in DRUG_FAMILY | {"CONDITION"}


def test_no_overlap_within_label_family(notes: list[SyntheticNote]) -> None:
    for note in notes:
        for family in (DRUG_FAMILY, {"CONDITION"}):
            spans = sorted((s for s in note.spans if s.label in family), key=lambda s: s.start)
            for a, b in zip(spans, spans[1:]):
                assert a.end <= b.start, (note.seed, a, b)


def test_attributes_link_to_exactly_one_drug(notes: list[SyntheticNote]) -> None:
    n_attr = 0
    for note in notes:
        drugs_by_group = Counter(s.group for s in note.spans if s.label == "DRUG")
        assert all(v == 1 for v in drugs_by_group.values()), note.seed
        for sp in note.spans:
            if sp.label in ATTRIBUTE_LABELS:
                n_attr += 1
                assert drugs_by_group.get(sp.group) == 1, (note.seed, sp)
                drug = next(s for s in note.spans if s.label == "DRUG" and s.group == sp.group)
                assert drug.start < sp.start  # attributes follow their drug
    assert n_attr > 1000


def test_statuses_are_valid_and_all_occur(notes: list[SyntheticNote]) -> None:
    seen: dict[str, set[str]] = defaultdict(set)
    for note in notes:
        for sp in note.spans:
            if sp.label in ("DRUG", DRUG_CLASS_LABEL):
                assert sp.status in DRUG_STATUSES
                seen[sp.label].add(sp.status)
            elif sp.label == "CONDITION":
                assert sp.status in CONDITION_STATUSES
                seen["CONDITION"].add(sp.status)
            else:
                assert sp.status is None
    assert seen["DRUG"] == set(DRUG_STATUSES)
    assert seen["CONDITION"] == set(CONDITION_STATUSES)
    labels = Counter(sp.label for n in notes for sp in n.spans)
    assert all(labels[lab] > 0 for lab in ATTRIBUTE_LABELS), labels


def test_negated_drug_mentions_read_as_negations(notes: list[SyntheticNote]) -> None:
    cues = re.compile(r"\b(denies( taking)?|not on|not taking( any)?|never taken|not currently taking|no)\s*$", re.I)
    for note in notes:
        for sp in note.spans:
            if sp.label == "DRUG" and sp.status == "negated":
                assert cues.search(note.text[max(0, sp.start - 40):sp.start]), note.text[sp.start - 40:sp.end]


def test_same_seed_same_notes_different_seed_different() -> None:
    a = NoteSynthesizer(seed=7).generate(60)
    b = NoteSynthesizer(seed=7).generate(60)
    c = NoteSynthesizer(seed=8).generate(60)
    assert [n.to_dict() for n in a] == [n.to_dict() for n in b]
    assert sum(x.text == y.text for x, y in zip(a, c)) == 0
    s1, s2 = NoteSynthesizer(seed=7), NoteSynthesizer(seed=7)
    assert [s1.note("ent").text for _ in range(3)] == [s2.note("ent").text for _ in range(3)]
    assert len({s1.note().text for _ in range(5)}) == 5


def test_all_services_balanced(notes: list[SyntheticNote]) -> None:
    counts = Counter(n.service for n in notes)
    assert set(counts) == set(SERVICES)
    assert max(counts.values()) - min(counts.values()) <= 1
    only = NoteSynthesizer(seed=1).generate(10, services=["urology", "ophthalmology"])
    assert Counter(n.service for n in only) == {"urology": 5, "ophthalmology": 5}
    assert NoteSynthesizer(seed=1).note(service="psychiatry").service == "psychiatry"
    with pytest.raises(ValueError):
        NoteSynthesizer(seed=1).note(service="cardiology")


def test_codes_are_valid(notes: list[SyntheticNote]) -> None:
    import simple_icd_10_cm as icd

    codes = {sp.code for n in notes for sp in n.spans if sp.label == "CONDITION" and sp.code}
    assert len(codes) > 300
    bad = sorted(c for c in codes if not icd.is_valid_item(c))
    assert not bad
    n_cond = sum(1 for n in notes for sp in n.spans if sp.label == "CONDITION")
    n_coded = sum(1 for n in notes for sp in n.spans if sp.label == "CONDITION" and sp.code)
    assert n_coded / n_cond > 0.95
    db = [sp.code for n in notes for sp in n.spans if sp.label == "DRUG" and sp.code]
    assert len(db) > 1000 and all(re.fullmatch(r"DB\d{5}", c) for c in db)


def test_drug_codes_match_the_dictionary(notes: list[SyntheticNote]) -> None:
    infos, _ = lexicon_drugs.drug_index()
    for note in notes[:200]:
        for sp in note.spans:
            if sp.label == "DRUG" and sp.code:
                canon = sp.meta["canonical"]
                assert canon in infos and infos[canon].drugbank_id == sp.code, sp


def test_heldout_drugs_never_in_train_split() -> None:
    train = NoteSynthesizer(seed=3, drug_split="train", heldout_fraction=0.15)
    held_names = train.heldout_drug_names
    assert len(train.heldout_canonicals) > 100
    n_drugs = 0
    for note in train.generate(450):
        for sp in note.spans:
            if sp.label == "DRUG":
                n_drugs += 1
                assert sp.meta["canonical"] not in train.heldout_canonicals, sp
                assert note.text[sp.start:sp.end].lower() not in held_names, sp
    assert n_drugs > 1000
    heldout = NoteSynthesizer(seed=3, drug_split="heldout", heldout_fraction=0.15)
    held_spans = [sp for n in heldout.generate(150) for sp in n.spans if sp.label == "DRUG"]
    assert len(held_spans) > 200
    assert all(sp.meta["canonical"] in heldout.heldout_canonicals for sp in held_spans)
    assert heldout.heldout_canonicals == train.heldout_canonicals


def test_exclude_drugs() -> None:
    s = NoteSynthesizer(seed=5, exclude_drugs=["metformin", "Lipitor", "aspirin"])
    for note in s.generate(300):
        for sp in note.spans:
            if sp.label == "DRUG":
                assert sp.meta["canonical"] not in {"metformin", "atorvastatin", "aspirin"}, sp


def test_length_spread_and_styles(notes: list[SyntheticNote]) -> None:
    words = sorted(len(n.text.split()) for n in notes)
    assert words[0] >= 55 and words[-1] <= 1400
    assert 120 <= statistics.median(words) <= 400
    assert words[int(0.9 * len(words))] >= 2.5 * words[int(0.1 * len(words))]
    styles = Counter(n.style for n in notes)
    assert len(styles) == 8 and min(styles.values()) >= 20
    texts = [n.text for n in notes]
    assert any("PREOPERATIVE DIAGNOSIS" in t and "PROCEDURE IN DETAIL" in t for t in texts)
    assert any(t.startswith("Dear Dr.") for t in texts)
    assert any(re.search(r",[A-Z ]+:,  ", t) for t in texts)  # MTSamples comma-joined sections
    assert sum("NKDA" in t or "No known drug allergies" in t for t in texts) > 30


def test_service_vocabulary_is_distinctive(notes: list[SyntheticNote]) -> None:
    cues = {"ophthalmology": r"intraocular|cataract|retina|glaucoma|OD|OU",
            "urology": r"cystoscop|prostat|ureter|bladder|stone",
            "pediatrics": r"month-old|year-old|day-old|week-old",
            "obstetrics_gynecology": r"uter|pregnan|gestation|cervi|ovar|vagin"}
    for svc, pat in cues.items():
        sv = [n for n in notes if n.service == svc]
        hits = sum(bool(re.search(pat, n.text, re.I)) for n in sv)
        assert hits / len(sv) > 0.8, svc
    # incidental comorbidities: notes of other services also mention hypertension/diabetes
    other = [n for n in notes if n.service not in ("cardiology_pulmonology", "general_medicine", "endocrinology")]
    assert sum(bool(re.search(r"hypertension|HTN|diabetes|DM2", n.text, re.I)) for n in other) > 0.15 * len(other)


def test_to_dict_is_json(notes: list[SyntheticNote]) -> None:
    d = json.loads(json.dumps(notes[0].to_dict()))
    assert d["service"] == notes[0].service and d["text"] == notes[0].text
    assert d["spans"][0]["start"] == notes[0].spans[0].start


def test_generation_speed(synth: NoteSynthesizer) -> None:
    t = time.perf_counter()
    synth.generate(400)
    assert time.perf_counter() - t < 4.0
