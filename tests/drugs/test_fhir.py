"""FHIR R4 (fhir.resources R4B models) export of drug mentions, on hand-built results (no model needed)."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.medicationstatement import MedicationStatement

from core.drugs.fhir import DRUGBANK_SYSTEM, UCUM_SYSTEM, bundle_json, exported_mentions, medication_bundle, sig_text
from core.drugs.types import DrugIdentity, DrugMention, DrugResult
from core.spans import Span

TEXT = ("Lasix 40 mg PO daily. Stopped lisinopril. Took amoxicillin as a child. May start Zorblax 2 tabs if needed. "
        "Denies aspirin. Allergic to penicillin. Mother on warfarin.")
DATE = dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
VERSION = "drugs-test-7"

FUROSEMIDE = DrugIdentity("furosemide", "Furosemide", "DB00695", "brand", 1.0, "lasix")
LISINOPRIL = DrugIdentity("lisinopril", "Lisinopril", "DB00722", "exact", 1.0, "lisinopril")
AMOXICILLIN = DrugIdentity("amoxicillin", "Amoxicillin", "DB01060", "exact", 1.0, "amoxicillin")
ASPIRIN = DrugIdentity("aspirin", "Aspirin", "DB00945", "exact", 1.0, "aspirin")
PENICILLINS = DrugIdentity("penicillins", "Penicillins", None, "variant", 1.0, "penicillin")
WARFARIN = DrugIdentity("warfarin", "Warfarin", "DB00682", "exact", 1.0, "warfarin")


def mention(word: str, group: int, status: str, identity: DrugIdentity | None,
            attrs: tuple[tuple[str, str], ...] = (), trigger: str | None = None) -> DrugMention:
    start = TEXT.index(word)
    spans, texts, pos = [], {}, start + len(word)
    for sub, label in attrs:
        i = TEXT.index(sub, pos)
        spans.append(Span(i, i + len(sub), label, group=group, meta={"text": sub}))
        texts[label] = sub
        pos = i + len(sub)
    return DrugMention(Span(start, start + len(word), "DRUG", group=group, status=status,
                            code=identity.drugbank_id if identity else None, score=0.9),
                       word, tuple(spans), identity, status, trigger, None, texts)


@pytest.fixture(scope="module")
def result() -> DrugResult:
    mentions = (
        mention("Lasix", 0, "current", FUROSEMIDE, (("40 mg", "STRENGTH"), ("PO", "ROUTE"), ("daily", "FREQUENCY"))),
        mention("lisinopril", 1, "discontinued", LISINOPRIL, trigger="Stopped"),
        mention("amoxicillin", 2, "historical", AMOXICILLIN),
        mention("Zorblax", 3, "hypothetical", None, (("2 tabs", "DOSE"),)),
        mention("aspirin", 4, "negated", ASPIRIN),
        mention("penicillin", 5, "allergy", PENICILLINS),
        mention("warfarin", 6, "family", WARFARIN),
    )
    entities = tuple(sorted([m.span for m in mentions] + [a for m in mentions for a in m.attributes],
                            key=lambda s: s.start))
    return DrugResult(mentions, entities, VERSION, n_tokens=40)


def statements(bundle: Bundle) -> list[MedicationStatement]:
    return [e.resource for e in bundle.entry or []]


def test_statuses_follow_the_assertion_and_negated_allergy_family_are_left_out(result):
    bundle = medication_bundle(result, note_id="note-1", date=DATE)
    assert bundle.type == "collection"
    got = [(s.medicationCodeableConcept.text, s.status) for s in statements(bundle)]
    assert got == [("Lasix", "active"), ("lisinopril", "stopped"), ("amoxicillin", "completed"),
                   ("Zorblax", "intended")]
    assert [m.text for m in exported_mentions(result)] == ["Lasix", "lisinopril", "amoxicillin", "Zorblax"]
    js = bundle_json(result, note_id="note-1", date=DATE)
    for excluded in ("aspirin", "penicillin", "warfarin", "DB00945", "DB00682"):
        assert excluded not in js


def test_resolved_mentions_are_coded_with_drugbank_and_unresolved_ones_keep_text_only(result):
    lasix, lisinopril, _, zorblax = statements(medication_bundle(result, note_id="note-1", date=DATE))
    coding = lasix.medicationCodeableConcept.coding
    assert [(c.system, c.code, c.display) for c in coding] == [(DRUGBANK_SYSTEM, "DB00695", "Furosemide")]
    assert lasix.medicationCodeableConcept.text == "Lasix"   # as written, not the generic name
    assert lisinopril.medicationCodeableConcept.coding[0].code == "DB00722"
    assert zorblax.medicationCodeableConcept.coding is None
    assert zorblax.medicationCodeableConcept.text == "Zorblax"


def test_dosage_text_route_timing_and_dose_quantity(result):
    lasix, lisinopril, _, zorblax = statements(medication_bundle(result, note_id="note-1", date=DATE))
    (dosage,) = lasix.dosage
    assert dosage.text == "40 mg PO daily" == sig_text(result.mentions[0])
    assert dosage.route.text == "PO"
    assert dosage.timing.code.text == "daily"
    q = dosage.doseAndRate[0].doseQuantity
    assert (float(q.value), q.unit, q.system, q.code) == (40.0, "mg", UCUM_SYSTEM, "mg")
    assert lisinopril.dosage is None                      # no attributes, no dosage
    assert lisinopril.statusReason[0].text == "Stopped"   # what said it was stopped
    (zdose,) = zorblax.dosage
    assert zdose.text == "2 tabs" and zdose.route is None and zdose.timing is None
    q = zdose.doseAndRate[0].doseQuantity
    assert (float(q.value), q.unit, q.system) == (2.0, "tablet", None)   # a count, not a UCUM unit


def test_ambiguous_doses_get_no_dose_quantity():
    text = "Tylenol 325 mg 1-2 tabs q6h"
    ident = DrugIdentity("acetaminophen", "Acetaminophen", "DB00316", "brand", 1.0, "tylenol")
    m = DrugMention(Span(0, 7, "DRUG", group=0), "Tylenol", (), ident, "current",
                    attribute_texts={"STRENGTH": "325 mg", "DOSE": "1-2 tabs", "FREQUENCY": "q6h"})
    (s,) = statements(medication_bundle(DrugResult((m,), (), VERSION), date=DATE))
    assert s.dosage[0].text == "325 mg 1-2 tabs q6h"
    assert s.dosage[0].doseAndRate is None
    assert text.startswith(s.medicationCodeableConcept.text)


def test_note_says_which_model_and_characters_and_that_it_is_unverified(result):
    lasix = statements(medication_bundle(result, note_id="note-1", date=DATE))[0]
    (note,) = lasix.note
    assert note.text == f"Extracted by NoteLens model {VERSION} from characters 0-5 of the note; unverified."
    assert lasix.subject.reference == "Patient/unknown"
    other = statements(medication_bundle(result, subject="Patient/42", date=DATE))[0]
    assert other.subject.reference == "Patient/42"


def test_json_round_trip_validates(result):
    js = bundle_json(result, note_id="note-1", date=DATE)
    raw = json.loads(js)
    assert raw["resourceType"] == "Bundle" and raw["type"] == "collection"
    assert raw["timestamp"] == "2026-03-04T05:06:07Z"
    assert [e["resource"]["resourceType"] for e in raw["entry"]] == ["MedicationStatement"] * 4
    assert js.startswith("{\n  ")   # indented
    back = Bundle.model_validate_json(js)
    resources = statements(back)
    assert all(isinstance(r, MedicationStatement) for r in resources)
    assert [r.status for r in resources] == ["active", "stopped", "completed", "intended"]
    assert [r.medicationCodeableConcept.coding[0].code if r.medicationCodeableConcept.coding else None
            for r in resources] == ["DB00695", "DB00722", "DB01060", None]
    assert back.model_dump_json(indent=2) == js


def test_resource_ids_are_deterministic_uuid5(result):
    a = medication_bundle(result, note_id="note-1", date=DATE)
    b = medication_bundle(result, note_id="note-1", date=DATE + dt.timedelta(days=1))
    c = medication_bundle(result, note_id="note-2", date=DATE)
    urls = [e.fullUrl for e in a.entry]
    assert urls == [e.fullUrl for e in b.entry]
    assert set(urls).isdisjoint(e.fullUrl for e in c.entry)
    assert len(set(urls)) == 4
    for e in a.entry:
        assert e.fullUrl == f"urn:uuid:{e.resource.id}"
        assert uuid.UUID(e.resource.id).version == 5


def test_naive_dates_are_taken_as_utc_and_empty_results_give_an_empty_collection():
    empty = DrugResult((), (), VERSION)
    js = bundle_json(empty, date=dt.datetime(2026, 1, 2, 3, 4, 5))
    raw = json.loads(js)
    assert raw["type"] == "collection" and "entry" not in raw
    assert raw["timestamp"] == "2026-01-02T03:04:05Z"
    assert Bundle.model_validate_json(js).entry is None
