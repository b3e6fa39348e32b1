"""What a prediction stores (``Task.record``) holds no string taken from the note: offsets that slice back to the
words, labels, codes and vocabulary names only, for every task (tiny models on a note of odd words)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from core.drugs.normalize import normalize
from core.drugs.types import DrugClassMention, DrugMention, DrugResult
from core.lexicon.drug_classes import ClassIdentity
from core.spans import Span
from core.tasks import get_task
from core.treatments.suggest import TreatmentEngine

#: Mixed-case, misspelled and made-up words: none is a vocabulary name, label or code as written here.
NOTE = ("Allergies: Zorblaxin. Pt DENIES taking METFORMIN; stopped Lisinoprill. Continue metoprolol 25 mg PO daily "
        "and Qwerflux 10 mg BID. Assessment: hypertension. Mother with gout.")
ODD = ("Zorblaxin", "DENIES", "METFORMIN", "Lisinoprill", "stopped", "Qwerflux", "qwerflux", "zorblaxin",
       "Allergies:", "Mother", "Continue", "25 mg")


def strings(value: Any) -> list[str]:
    """Every string of a JSON value, keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *strings(v))]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in strings(v)]
    return []


def assert_text_free(record: dict[str, Any], shown: dict[str, Any]) -> None:
    """No odd word of the note is in ``record`` (the page's ``to_dict``, ``shown``, has some: the check can fail),
    and the record is plain JSON."""
    dumped = json.dumps(record, allow_nan=False)
    assert any(w in json.dumps(shown) for w in ODD)
    leaked = sorted({w for w in ODD for s in strings(record) if w in s})
    assert not leaked, f"the stored record holds words of the note: {leaked}"
    assert json.loads(dumped) == record


def test_drug_record_is_offsets_and_dictionary_identities(tiny_drugs):
    task = get_task("drugs")
    result = task.run(tiny_drugs, NOTE)
    record = task.record(result)
    assert_text_free(record, result.to_dict())
    words = {NOTE[m["start"]:m["end"]]: m for m in record["mentions"]}
    assert {"METFORMIN", "Lisinoprill", "metoprolol"} <= set(words)
    metformin = words["METFORMIN"]
    assert metformin["status"] == "negated" and NOTE[slice(*metformin["trigger_span"])].startswith("DENIES")
    assert metformin["identity"] == {"canonical": "metformin", "name": "Metformin", "drugbank_id": "DB00331",
                                     "method": "exact", "score": 1.0}
    assert NOTE[slice(*words["Lisinoprill"]["trigger_span"])] == "stopped"
    assert words["Lisinoprill"]["identity"]["drugbank_id"] == "DB00722"
    strength = next(a for a in words["metoprolol"]["attributes"] if a["label"] == "STRENGTH")
    assert NOTE[strength["start"]:strength["end"]] == "25 mg" and "text" not in strength.get("meta", {})
    assert [(e["start"], e["end"], e["label"]) for e in record["entities"]] == [(e.start, e.end, e.label)
                                                                                 for e in result.entities]


def test_a_hand_built_drug_result_keeps_no_words():
    """Every field of a drug result that holds words (mention, trigger, attribute meta, matched form, class form)."""
    a = NOTE.index("METFORMIN")
    trigger = (NOTE.index("DENIES"), NOTE.index("DENIES") + 6)
    strength = Span(NOTE.index("25 mg"), NOTE.index("25 mg") + 5, "STRENGTH", group=0, meta={"text": "25 mg",
                                                                                               "link_rule": "before"})
    mention = DrugMention(Span(a, a + 9, "DRUG", group=0, status="negated"), "METFORMIN", (strength,),
                          normalize("METFORMIN"), "negated", "DENIES", trigger, {"STRENGTH": "25 mg"})
    z = NOTE.index("Zorblaxin")
    cls = DrugClassMention(Span(z, z + 9, "DRUG_CLASS", group=0, status="allergy"), "Zorblaxin",
                           ClassIdentity("ACE inhibitor", "ace inhibitor", "Zorblaxin"), "allergy")
    result = DrugResult((mention,), (mention.span, strength, cls.span), "test", classes=(cls,))
    record = result.to_record()
    assert_text_free(record, result.to_dict())
    (m,) = record["mentions"]
    assert NOTE[m["start"]:m["end"]] == "METFORMIN" and NOTE[slice(*m["trigger_span"])] == "DENIES"
    assert m["attributes"][0]["meta"] == {"link_rule": "before"}
    assert record["classes"] == [{"start": z, "end": z + 9, "score": None, "status": "allergy",
                                  "identity": {"name": "ACE inhibitor", "family": "ace inhibitor"}}]


def test_condition_record_is_offsets_and_codes(tiny_conditions):
    task = get_task("conditions")
    result = task.run(tiny_conditions, NOTE)
    record = task.record(result)
    assert_text_free(record, result.to_dict())
    by_word = {NOTE[m["span"]["start"]:m["span"]["end"]]: m for m in record["mentions"]}
    assert by_word["hypertension"]["normalized"]["code"] == "I10"
    assert by_word["gout"]["status"] == "family" and NOTE[slice(*by_word["gout"]["trigger_span"])] == "Mother"
    assert all("text" not in m and "trigger" not in m for m in record["mentions"])


def test_treatment_record_keeps_codes_and_offsets_not_words(tiny_conditions):
    """Current drugs (one the dictionary does not know), allergies and the flags that quote them."""
    text = ("Assessment: hypertension. Assessment: community-acquired pneumonia. Continue LISINOPRIL 10 mg daily and "
            "Qwerflux 5 mg. Allergies: Zorblaxin, PENICILLIN. 82 y/o, eGFR 25.")
    named = (("LISINOPRIL", "current"), ("Qwerflux", "current"), ("Zorblaxin", "allergy"), ("PENICILLIN", "allergy"))
    mentions = []
    for i, (word, status) in enumerate(named):
        start = text.index(word)
        mentions.append(DrugMention(Span(start, start + len(word), "DRUG", group=i, status=status), word, (),
                                    normalize(word), status))
    drugs = DrugResult(tuple(mentions), tuple(m.span for m in mentions), "test")
    result = TreatmentEngine(tiny_conditions, drugs=None, ranker=None)(text, drug_result=drugs)
    record = get_task("treatments").record(result)
    shown = json.dumps(result.to_dict())
    for word in ("LISINOPRIL", "Qwerflux", "Zorblaxin", "PENICILLIN"):
        assert word in shown
    dumped = json.dumps(record)
    for word in ("LISINOPRIL", "Qwerflux", "qwerflux", "Zorblaxin", "zorblaxin", "PENICILLIN"):
        assert word not in dumped, word
    assert [text[c["start"]:c["end"]] for c in record["current"]] == ["LISINOPRIL", "Qwerflux"]
    assert [c["canonical"] for c in record["current"]] == ["lisinopril", None]  # the unresolved one is not named
    assert [text[a["start"]:a["end"]] for a in record["allergies"]] == ["Zorblaxin", "PENICILLIN"]
    assert record["allergies"][1]["drugbank_id"] == normalize("PENICILLIN").drugbank_id
    flagged = [f for s in (*record["suggestions"], *record["withheld"]) for f in s["flags"]]
    assert {"duplication", "allergy"} <= {f["kind"] for f in flagged}
    assert all("message" not in f and all(len(e) == 2 for e in f["evidence"]) for f in flagged)
    duplication = next(f for f in flagged if f["kind"] == "duplication")
    assert [text[a:b] for a, b in duplication["evidence"]] == ["LISINOPRIL"]
    htn = next(s for s in record["suggestions"] if s["condition_id"] == "hypertension")
    assert [text[a:b] for a, b in htn["evidence"]] == ["hypertension"]
    assert record["context_evidence"] and {e["tag"] for e in record["context_evidence"]} <= set(record["context_tags"])


def test_treatment_task_record_of_the_full_engine(tiny_drug_artifact, tiny_condition_artifact):
    task = get_task("treatments")
    result = task.run(task.load(), NOTE)
    record = task.record(result)
    assert_text_free(record, result.to_dict())
    assert record["conditions"]["mentions"] and record["versions"] == dict(result.versions)


def test_triage_record_has_red_flags_as_offsets(tiny_triage):
    task = get_task("triage")
    text = "Crushing chest pain with diaphoresis, Zorblaxin DENIES. " + NOTE
    result = task.run(tiny_triage, text)
    record = task.record(result)
    dumped = json.dumps(record)
    assert not [w for w in ODD if w in dumped]
    assert record["service"] == result.service and record["scores"]
    for flag in record["red_flags"]:
        assert all(text[a:b].strip() for a, b in flag["triggers"])


@pytest.mark.parametrize("name", ["triage", "drugs", "conditions", "treatments"])
def test_every_task_records_through_to_record(name):
    class Result:
        def to_record(self) -> dict[str, Any]:
            return {"recorded": name}

        def to_dict(self) -> dict[str, Any]:  # pragma: no cover - must not be what is stored
            raise AssertionError("to_dict is for the page, not the store")

    assert get_task(name).record(Result()) == {"recorded": name}
