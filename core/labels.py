"""The triage services NoteLens routes notes to.

The product keeps its own copy of the 15 service labels (the same names as the evaluation data's
README) with a one-line description of each, used in the UI and by the synthesizer.
"""

from __future__ import annotations

SERVICES: tuple[str, ...] = (
    "cardiology_pulmonology",
    "gastroenterology",
    "neurology_neurosurgery",
    "orthopedics",
    "obstetrics_gynecology",
    "urology",
    "nephrology",
    "hematology_oncology",
    "ent",
    "ophthalmology",
    "psychiatry",
    "dermatology",
    "endocrinology",
    "pediatrics",
    "general_medicine",
)

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

UNCERTAIN = "uncertain"
"""Outcome returned instead of a service when the calibrated confidence is below the threshold."""


def service_title(label: str) -> str:
    """Human-readable name of a service label ("ent" -> "ENT", "obstetrics_gynecology" -> "Obstetrics / Gynecology")."""
    special = {"ent": "ENT", "obstetrics_gynecology": "Obstetrics / Gynecology",
               "cardiology_pulmonology": "Cardiology / Pulmonology",
               "neurology_neurosurgery": "Neurology / Neurosurgery",
               "hematology_oncology": "Hematology / Oncology"}
    return special.get(label, label.replace("_", " ").title())
