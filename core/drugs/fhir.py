"""FHIR R4 export of a note's medications: a ``Bundle`` (type ``collection``) of ``MedicationStatement``s.

Built and validated with the ``fhir.resources`` models (``fhir.resources.R4B``: FHIR 4.3, whose
MedicationStatement has the R4 shape), never hand-written dicts. Statuses follow the assertion:
current -> ``active``, discontinued -> ``stopped``, historical -> ``completed``, hypothetical/planned ->
``intended``. Negated, allergy and family mentions are not medications the patient takes and are not
exported. Every statement says it was extracted by a model and is unverified.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.dosage import Dosage, DosageDoseAndRate
from fhir.resources.R4B.medicationstatement import MedicationStatement
from fhir.resources.R4B.quantity import Quantity
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.timing import Timing

from core.drugs.types import ATTRIBUTE_LABELS, DrugMention, DrugResult

DRUGBANK_SYSTEM = "https://go.drugbank.com/drugs"
STATUS_MAP: dict[str, str] = {"current": "active", "discontinued": "stopped", "historical": "completed",
                              "hypothetical": "intended"}
NOT_EXPORTED = frozenset({"negated", "allergy", "family"})
_NAMESPACE = uuid.UUID("6f1c3f2e-6a57-4d0e-9a3b-5e1f0c2d7a11")
_QUANTITY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mg|mcg|g|mL|ml|units?|U|mEq|%)\s*$")


def _sig(m: DrugMention) -> str:
    return " ".join(m.attribute(label) for label in ATTRIBUTE_LABELS if m.attribute(label))


def _dosage(m: DrugMention) -> Dosage | None:
    sig = _sig(m)
    if not sig:
        return None
    kwargs: dict = {"text": sig}
    if m.attribute("ROUTE"):
        kwargs["route"] = CodeableConcept(text=m.attribute("ROUTE"))
    if m.attribute("FREQUENCY"):
        kwargs["timing"] = Timing(code=CodeableConcept(text=m.attribute("FREQUENCY")))
    strength = m.attribute("STRENGTH") or ""
    q = _QUANTITY.match(strength)
    if q and ";" not in strength:
        kwargs["doseAndRate"] = [DosageDoseAndRate(doseQuantity=Quantity(value=float(q.group(1)), unit=q.group(2)))]
    return Dosage(**kwargs)


def medication_statement(m: DrugMention, *, subject: str, model_version: str, full_id: str,
                         date: dt.datetime) -> MedicationStatement:
    concept = CodeableConcept(text=m.text)
    if m.identity is not None and m.identity.drugbank_id:
        concept = CodeableConcept(text=m.text, coding=[Coding(system=DRUGBANK_SYSTEM, code=m.identity.drugbank_id,
                                                              display=m.identity.name)])
    dosage = _dosage(m)
    return MedicationStatement(
        id=full_id,
        status=STATUS_MAP[m.status],
        medicationCodeableConcept=concept,
        subject=Reference(reference=subject),
        dateAsserted=date.isoformat(timespec="seconds"),
        dosage=[dosage] if dosage is not None else None,
        note=[Annotation(text=f"Extracted by NoteLens model {model_version} from characters {m.start}-{m.end} of "
                              "the note; not verified by a clinician.")],
    )


def medication_bundle(result: DrugResult, *, note_id: str | None = None, subject: str = "Patient/unknown",
                      date: dt.datetime | None = None) -> Bundle:
    """The medications the patient takes, took or will take, as a FHIR R4 ``Bundle`` of ``MedicationStatement``."""
    date = date or dt.datetime.now(dt.timezone.utc)
    entries = []
    for m in result.mentions:
        if m.status in NOT_EXPORTED or m.status not in STATUS_MAP:
            continue
        rid = str(uuid.uuid5(_NAMESPACE, f"{note_id or ''}|{result.model_version}|{m.start}|{m.end}|{m.text}"))
        statement = medication_statement(m, subject=subject, model_version=result.model_version, full_id=rid, date=date)
        entries.append(BundleEntry(fullUrl=f"urn:uuid:{rid}", resource=statement))
    return Bundle(type="collection", timestamp=date.isoformat(timespec="seconds"), entry=entries or None)


def bundle_json(result: DrugResult, **kwargs) -> str:
    """:func:`medication_bundle` serialized as indented JSON."""
    return medication_bundle(result, **kwargs).model_dump_json(indent=2, exclude_none=True)
