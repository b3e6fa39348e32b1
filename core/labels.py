"""The product's vocabulary, defined once: triage services, entity labels, assertion statuses and severities,
each with the words the pages show for it.

Everything that lists a service, a status or a severity (models, rules, the synthesizer, the knowledge base's
schema, the pages) reads it from here, so the lists cannot drift apart.
"""

from __future__ import annotations

# -- triage services ----------------------------------------------------------------------------------
#: The 15 services a note is routed to (the same names as the evaluation data's README), with what each sees.
SERVICE_DESCRIPTIONS: dict[str, str] = {
    "cardiology_pulmonology": "Heart, blood vessels and lungs: chest pain, heart failure, arrhythmia, COPD, asthma.",
    "gastroenterology": "Digestive tract, liver and pancreas: abdominal pain, GI bleeding, endoscopy.",
    "neurology_neurosurgery": "Brain, spine and nerves: stroke, seizures, headache, spinal surgery.",
    "orthopedics": "Bones, joints, muscles and feet: fractures, arthritis, sports injuries, podiatry.",
    "obstetrics_gynecology": "Pregnancy, delivery and the female reproductive system.",
    "urology": "Urinary tract and male reproductive organs: stones, prostate, bladder.",
    "nephrology": "Kidney function: chronic kidney disease, dialysis, electrolyte disorders.",
    "hematology_oncology": "Blood disorders and cancer: anemia, lymphoma, chemotherapy.",
    "ent": "Ear, nose and throat: sinusitis, hearing loss, tonsils, neck masses.",
    "ophthalmology": "Eyes and vision: cataract, glaucoma, retina.",
    "psychiatry": "Mental health: depression, anxiety, psychosis, substance use.",
    "dermatology": "Skin, hair and nails: rashes, lesions, skin cancer.",
    "endocrinology": "Hormones and metabolism: diabetes, thyroid, adrenal, pituitary.",
    "pediatrics": "Infants, children and newborns.",
    "general_medicine": "Primary care and general internal medicine: checkups, multiple chronic problems.",
}
SERVICES: tuple[str, ...] = tuple(SERVICE_DESCRIPTIONS)

UNCERTAIN = "uncertain"
"""Outcome returned instead of a service when the calibrated confidence is below the threshold."""

_SERVICE_TITLES = {"ent": "ENT", "obstetrics_gynecology": "Obstetrics / Gynecology",
                   "cardiology_pulmonology": "Cardiology / Pulmonology",
                   "neurology_neurosurgery": "Neurology / Neurosurgery",
                   "hematology_oncology": "Hematology / Oncology"}


def service_title(label: str) -> str:
    """Human-readable name of a service label ("ent" -> "ENT", "obstetrics_gynecology" -> "Obstetrics / Gynecology")."""
    return _SERVICE_TITLES.get(label, label.replace("_", " ").title())


# -- entity labels ------------------------------------------------------------------------------------
#: The n2c2 2018 medication attributes.
ATTRIBUTE_LABELS: tuple[str, ...] = ("STRENGTH", "DOSE", "ROUTE", "FREQUENCY", "FORM", "DURATION")
#: A class of drugs named as such ("statins", "beta blockers", "allergic to penicillins"): not a medicine a
#: patient takes, so never a medication mention (kept apart from ``DRUG`` on the pages, in the FHIR export and in
#: the treatment checks' current medications).
DRUG_CLASS_LABEL = "DRUG_CLASS"
#: What the drug model tags: the n2c2 2018 medication scheme (a drug and its attributes), then drug classes
#: (last, so the tags of the older labels keep their positions).
DRUG_LABELS: tuple[str, ...] = ("DRUG", *ATTRIBUTE_LABELS, DRUG_CLASS_LABEL)
#: How the pages name each attribute (column headers).
ATTRIBUTE_TEXT: dict[str, str] = {label: label.lower() for label in ATTRIBUTE_LABELS}
CONDITION_LABELS: tuple[str, ...] = ("CONDITION",)

# -- assertion statuses ---------------------------------------------------------------------------------
#: Status of a medication mention (medspacy ConText, :mod:`core.nlp.context`) -> how the pages say it.
DRUG_STATUS_TEXT: dict[str, str] = {
    "current": "current", "negated": "negated (not taken)", "allergy": "allergy",
    "discontinued": "discontinued / held", "historical": "past use", "hypothetical": "planned / hypothetical",
    "family": "someone else (family)",
}
DRUG_STATUSES: tuple[str, ...] = tuple(DRUG_STATUS_TEXT)
#: Statuses under which the patient takes the drug now (FHIR export, interaction checks).
TAKEN_STATUSES: frozenset[str] = frozenset({"current"})
#: Statuses of a drug mention that are not medications the patient takes (left out of the FHIR export).
NOT_TAKEN_STATUSES: frozenset[str] = frozenset({"negated", "allergy", "family"})

#: Status of a condition mention -> how the pages say it. Only ``present`` drives treatment suggestions;
#: ``possible`` (suspected: "concern for", "rule out") counts for red flags.
CONDITION_STATUS_TEXT: dict[str, str] = {
    "present": "present", "negated": "negated", "possible": "possible (suspected)", "historical": "past history",
    "family": "family history", "hypothetical": "hypothetical",
}
CONDITION_STATUSES: tuple[str, ...] = tuple(CONDITION_STATUS_TEXT)

# -- severities ---------------------------------------------------------------------------------------------
#: Severity of a safety flag on a treatment suggestion, most severe first -> what it means for the suggestion.
SEVERITY_TEXT: dict[str, str] = {
    "contraindicated": "Contraindicated: never suggested", "major": "Major", "moderate": "Moderate", "minor": "Minor",
}
SEVERITIES: tuple[str, ...] = tuple(SEVERITY_TEXT)
#: Severity of an urgency red flag, most urgent first.
RED_FLAG_SEVERITIES: tuple[str, ...] = ("critical", "high")


def severity_rank(severity: str) -> int:
    """Position of a safety-flag severity, most severe 0 (an unknown one sorts last)."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


#: Role of a knowledge-base treatment row: ``first`` line, ``alternative``, ``adjunct`` (added to a primary agent),
#: ``supportive`` (symptom relief or prevention around the disease) or ``specialist`` (started by a specialist only).
THERAPY_LINES: tuple[str, ...] = ("first", "alternative", "adjunct", "supportive", "specialist")

#: Why an annotator rejects a suggested treatment in the review queue -> how the pages say it.
REJECT_REASON_TEXT: dict[str, str] = {
    "contraindicated": "contraindicated for this patient", "interaction": "interacts with a current medication",
    "allergy": "allergy", "already_taking": "already taken (the drug or its class)",
    "not_indicated": "not indicated", "patient_preference": "patient preference", "other": "other (say why)",
}
REJECT_REASONS: tuple[str, ...] = tuple(REJECT_REASON_TEXT)

# -- people -------------------------------------------------------------------------------------------------
#: Roles of signed-in users, least privileged first (each role may do what the ones before it may:
#: :data:`core.auth.PERMISSIONS`).
ROLES: tuple[str, ...] = ("clinician", "annotator", "admin")
