"""FHIR R4 export of a note's medications: a ``Bundle`` (type ``collection``) of ``MedicationStatement``.

Built with the ``fhir.resources`` models, so every resource is validated as it is constructed. The models
come from ``fhir.resources.R4B`` (FHIR 4.3, whose MedicationStatement has the R4 shape; the package's
top-level models are R5, where MedicationStatement changed).

Statuses follow the mention's assertion: current -> ``active``, discontinued -> ``stopped``, historical ->
``completed``, hypothetical -> ``intended``. Negated, allergy and family mentions are not medications the
patient takes and are not exported. Every statement carries a note saying it was extracted by a model
and is unverified.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.dosage import Dosage, DosageDoseAndRate
from fhir.resources.R4B.medicationstatement import MedicationStatement
from fhir.resources.R4B.quantity import Quantity
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.timing import Timing

from core.drugs.types import DrugMention, DrugResult
from core.labels import NOT_TAKEN_STATUSES

DRUGBANK_SYSTEM = "https://go.drugbank.com/drugs"
UCUM_SYSTEM = "http://unitsofmeasure.org"
#: Assertion status -> MedicationStatement.status. Statuses not listed are not exported.
STATUS_MAP: dict[str, str] = {"current": "active", "discontinued": "stopped", "historical": "completed",
                              "hypothetical": "intended"}
#: Mentions of drugs the patient does not take (not exported).
NOT_EXPORTED: frozenset[str] = NOT_TAKEN_STATUSES
#: Attribute labels joined, in this order, into the dosage text.
SIG_ORDER: tuple[str, ...] = ("STRENGTH", "DOSE", "FORM", "ROUTE", "FREQUENCY", "DURATION")
#: Namespace of the deterministic resource ids (uuid5).
ID_NAMESPACE = uuid.UUID("6f1c3f2e-6a57-4d0e-9a3b-5e1f0c2d7a11")

# unit as written -> (display unit, UCUM code or None for a non-UCUM count unit)
_UNITS: dict[str, tuple[str, str | None]] = {
    "mg": ("mg", "mg"), "mcg": ("mcg", "ug"), "ug": ("mcg", "ug"), "µg": ("mcg", "ug"), "g": ("g", "g"),
    "gm": ("g", "g"), "gram": ("g", "g"), "grams": ("g", "g"), "ml": ("mL", "mL"), "l": ("L", "L"),
    "meq": ("mEq", "meq"), "mmol": ("mmol", "mmol"), "unit": ("unit", "[U]"), "units": ("unit", "[U]"),
    "u": ("unit", "[U]"), "iu": ("IU", "[iU]"),
    "tab": ("tablet", None), "tabs": ("tablet", None), "tablet": ("tablet", None), "tablets": ("tablet", None),
    "cap": ("capsule", None), "caps": ("capsule", None), "capsule": ("capsule", None),
    "capsules": ("capsule", None), "puff": ("puff", None), "puffs": ("puff", None),
    "drop": ("drop", None), "drops": ("drop", None), "patch": ("patch", None),
}
_QUANTITY = re.compile(r"(\d+(?:\.\d+)?|\.\d+)\s*([a-zµ]+)")
_ONE = frozenset({"1", "one", "1 tab", "1 tablet", "one tablet", "1 cap", "1 capsule", "one capsule"})


def _quantity(text: str | None) -> Quantity | None:
    """A ``Quantity`` for text that is exactly a number and a known unit ("25 mg", "2 tablets"), else None."""
    if not text or ";" in text:
        return None
    m = _QUANTITY.fullmatch(text.strip().lower())
    if m is None or m.group(2) not in _UNITS:
        return None
    unit, code = _UNITS[m.group(2)]
    value = float(m.group(1))
    kwargs: dict[str, Any] = {"value": int(value) if value.is_integer() else value, "unit": unit}
    if code is not None:
        kwargs.update(system=UCUM_SYSTEM, code=code)
    return Quantity(**kwargs)


def _dose_quantity(m: DrugMention) -> Quantity | None:
    """The amount per administration where the mention states it unambiguously.

    The DOSE when it is a quantity ("2 tablets", "10 units"); else the STRENGTH ("25 mg") when there is no
    DOSE or the dose is one unit ("1 tab"). Anything else ("1-2 tabs", "25 mg; 50 mg") gives None.
    """
    dose = m.attribute("DOSE")
    if dose:
        q = _quantity(dose)
        if q is not None:
            return q
        if dose.strip().lower() not in _ONE:
            return None
    return _quantity(m.attribute("STRENGTH"))


def sig_text(m: DrugMention) -> str:
    """The mention's attributes (strength, dose, form, route, frequency, duration) as one line."""
    return " ".join(t for t in (m.attribute(label) for label in SIG_ORDER) if t)


def _dosage(m: DrugMention) -> Dosage | None:
    sig = sig_text(m)
    if not sig:
        return None
    kwargs: dict[str, Any] = {"text": sig}
    if m.attribute("ROUTE"):
        kwargs["route"] = CodeableConcept(text=m.attribute("ROUTE"))
    if m.attribute("FREQUENCY"):
        kwargs["timing"] = Timing(code=CodeableConcept(text=m.attribute("FREQUENCY")))
    q = _dose_quantity(m)
    if q is not None:
        kwargs["doseAndRate"] = [DosageDoseAndRate(doseQuantity=q)]
    return Dosage(**kwargs)


def medication_concept(m: DrugMention) -> CodeableConcept:
    """The drug as written, coded with its DrugBank id when the mention was resolved to one."""
    if m.identity is None or not m.identity.drugbank_id:
        return CodeableConcept(text=m.text)
    return CodeableConcept(text=m.text, coding=[Coding(system=DRUGBANK_SYSTEM, code=m.identity.drugbank_id,
                                                       display=m.identity.name)])


def statement_id(m: DrugMention, *, note_id: str | None, model_version: str) -> str:
    """A deterministic UUID for a mention: the same note, model and offsets always give the same id."""
    return str(uuid.uuid5(ID_NAMESPACE, f"{note_id or ''}|{model_version}|{m.start}-{m.end}|{m.text}"))


def medication_statement(m: DrugMention, *, resource_id: str, subject: str, model_version: str,
                         date: dt.datetime) -> MedicationStatement:
    """One mention as a ``MedicationStatement`` (the mention's status must be in :data:`STATUS_MAP`)."""
    dosage = _dosage(m)
    kwargs: dict[str, Any] = {}
    if m.status == "discontinued" and m.trigger:
        kwargs["statusReason"] = [CodeableConcept(text=m.trigger)]
    return MedicationStatement(
        id=resource_id,
        status=STATUS_MAP[m.status],
        medicationCodeableConcept=medication_concept(m),
        subject=Reference(reference=subject),
        dateAsserted=date,
        dosage=[dosage] if dosage is not None else None,
        note=[Annotation(text=f"Extracted by NoteLens model {model_version} from characters {m.start}-{m.end} "
                              "of the note; unverified.")],
        **kwargs,
    )


def exported_mentions(result: DrugResult) -> list[DrugMention]:
    """The mentions that become statements (the patient takes, took or is to take the drug)."""
    return [m for m in result.mentions if m.status not in NOT_EXPORTED and m.status in STATUS_MAP]


def medication_bundle(result: DrugResult, *, note_id: str | None = None, subject: str = "Patient/unknown",
                      date: dt.datetime | None = None) -> Bundle:
    """The note's medications as a FHIR R4 ``Bundle`` (type ``collection``) of ``MedicationStatement``.

    Args:
        result: The drug pipeline's result for one note.
        note_id: Identifier of the note (part of the deterministic resource ids).
        subject: Reference to the patient.
        date: When the statements were asserted (default: now, UTC); also the bundle's timestamp.

    Returns:
        One entry per exported mention (see :func:`exported_mentions`), each with ``fullUrl``
        ``urn:uuid:<id>``; an empty collection when there is none.
    """
    date = date or dt.datetime.now(dt.UTC)
    if date.tzinfo is None:
        date = date.replace(tzinfo=dt.UTC)
    date = date.replace(microsecond=0)
    entries = []
    for m in exported_mentions(result):
        rid = statement_id(m, note_id=note_id, model_version=result.model_version)
        statement = medication_statement(m, resource_id=rid, subject=subject, model_version=result.model_version,
                                         date=date)
        entries.append(BundleEntry(fullUrl=f"urn:uuid:{rid}", resource=statement))
    bundle_id = str(uuid.uuid5(ID_NAMESPACE, f"bundle|{note_id or ''}|{result.model_version}"))
    return Bundle(id=bundle_id, type="collection", timestamp=date, entry=entries or None)


def bundle_json(result: DrugResult, **kwargs: Any) -> str:
    """:func:`medication_bundle` serialized by the library (indented JSON, empty elements left out)."""
    return medication_bundle(result, **kwargs).model_dump_json(indent=2)
