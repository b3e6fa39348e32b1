"""What the Review page edits, without the UI framework: the model's output turned into a starting answer, and an edited
answer checked before it is stored.

Answers are stored in the form :meth:`core.review.agreement.Annotation.from_answer` reads: ``{"label": service}``
for triage, ``{"spans": [{"start", "end", "label", "status", "attributes": [{"start", "end", "label"}]}, ...]}`` for
the span tasks: a drug's attributes (strength, route ...) are kept under their drug, as the drug model links them and
as :mod:`core.review.agreement` scores them. The page edits a flat table (one row per span, an attribute row naming
its drug by the drug's start offset); these functions turn the model's record into that table and the edited table
back into an answer, so that the page stays thin and the rules are tested without a browser.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from core.labels import (
    ATTRIBUTE_LABELS,
    CONDITION_LABELS,
    CONDITION_STATUSES,
    DRUG_LABELS,
    DRUG_STATUSES,
    SERVICES,
    UNCERTAIN,
)

#: Tasks the Review page handles: one label per note, or spans.
LABEL_TASKS: tuple[str, ...] = ("triage",)
SPAN_TASKS: tuple[str, ...] = ("drugs", "conditions")
REVIEW_TASKS: tuple[str, ...] = (*LABEL_TASKS, *SPAN_TASKS)
#: A span task's labels and statuses (the same vocabularies the task pages use).
SPAN_LABELS: dict[str, tuple[str, ...]] = {"drugs": DRUG_LABELS, "conditions": CONDITION_LABELS}
SPAN_STATUSES: dict[str, tuple[str, ...]] = {"drugs": DRUG_STATUSES, "conditions": CONDITION_STATUSES}
#: Columns of the span table, in the editor's order: ``drug`` is, on an attribute's row, its drug's start offset.
SPAN_FIELDS: tuple[str, ...] = ("start", "end", "label", "status", "drug")
#: The label attributes belong to.
DRUG = "DRUG"


def prefill_label(prefill: Any) -> str | None:
    """The service the model chose, from a triage record (``label``, ``service`` or ``outcome``); ``None`` when there
    is none or it is not a known service (an "uncertain" outcome leaves the choice to the annotator)."""
    if isinstance(prefill, str):
        candidates: list[Any] = [prefill]
    elif isinstance(prefill, dict):
        if prefill.get("uncertain") is True or prefill.get("outcome") == UNCERTAIN:
            return None
        candidates = [prefill.get(k) for k in ("label", "service", "outcome")]
    else:
        return None
    return next((c for c in candidates if isinstance(c, str) and c in SERVICES), None)


def label_answer(service: Any) -> dict[str, str]:
    """A triage answer.

    Raises:
        ValueError: ``service`` is not one of :data:`core.labels.SERVICES`.
    """
    if service not in SERVICES:
        raise ValueError(f"choose a service (one of {', '.join(SERVICES)}), not {service!r}")
    return {"label": service}


def _start_end(entity: dict[str, Any]) -> tuple[Any, Any]:
    inner = entity.get("span") if isinstance(entity.get("span"), dict) else entity
    return inner.get("start"), inner.get("end")


def prefill_rows(task: str, prefill: Any) -> list[dict[str, Any]]:
    """The span table to start from, in text order, one row per span (:data:`SPAN_FIELDS`): from a stored answer
    (``spans``, attributes nested) or a task's record (``entities``; a mention's status fills in an entity without
    one, and a drug mention's linked attributes name their drug). Spans of other labels are left out."""
    if task not in SPAN_TASKS:
        raise ValueError(f"{task!r} is not a span task ({', '.join(SPAN_TASKS)})")
    if isinstance(prefill, list):
        prefill = {"spans": prefill}
    if not isinstance(prefill, dict):
        return []
    entities = list(prefill.get("spans") or prefill.get("entities") or [])
    status_of: dict[tuple[Any, Any], str] = {}
    drug_of: dict[tuple[Any, Any, Any], int] = {}
    for parent in [*(prefill.get("mentions") or ()), *entities]:
        if not isinstance(parent, dict):
            continue
        start, end = _start_end(parent)
        if parent.get("status"):
            status_of.setdefault((start, end), parent["status"])
        for a in parent.get("attributes") or ():
            if isinstance(a, dict) and isinstance(start, int):
                drug_of[(a.get("start"), a.get("end"), a.get("label"))] = start
                if "attributes" in parent:  # an answer's nested attribute is a row of its own
                    entities.append(a)
    default_label = CONDITION_LABELS[0] if task == "conditions" else None
    rows: dict[tuple[int, int, str], dict[str, Any]] = {}
    for e in entities:
        if not isinstance(e, dict):
            continue
        start, end = _start_end(e)
        label = e.get("label") or default_label
        if not isinstance(start, int) or not isinstance(end, int) or label not in SPAN_LABELS[task]:
            continue
        attribute = label in ATTRIBUTE_LABELS
        rows.setdefault((start, end, label), {
            "start": start, "end": end, "label": label,
            "status": None if attribute else (e.get("status") or status_of.get((start, end))),
            "drug": drug_of.get((start, end, label)) if attribute else None})
    return [rows[k] for k in sorted(rows)]


@dataclass(frozen=True)
class Checked:
    """An edited span table checked: the answer when every row is good, else one message per bad row."""

    answer: dict[str, list[dict[str, Any]]] | None
    errors: tuple[str, ...]


def _whole(value: Any) -> int | None:
    """A table cell as a whole number (editors hand numbers back as floats, empty cells as NaN or None)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip()
        if not value.lstrip("-").isdigit():
            return None
        return int(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if math.isfinite(number) and number.is_integer() else None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (isinstance(value, str)
                                                                                    and not value.strip())


def _owner(drugs: list[int], start: int) -> int:
    """Start of the drug an unlinked attribute belongs to: the last drug starting before it (a sig follows its drug:
    "metoprolol 25 mg daily"), else the first one after it."""
    before = [d for d in drugs if d <= start]
    return max(before) if before else min(drugs)


def check_spans(task: str, rows: list[dict[str, Any]], text: str) -> Checked:
    """Check an edited span table against the note and turn it into an answer (rows numbered from 1, from the top):
    offsets are whole numbers with ``0 <= start < end <= len(text)``, the label is the task's, the status is one of
    the task's for an entity and empty for a drug attribute, no span is listed twice, and an attribute's ``drug`` is
    the start of a ``DRUG`` row (left empty: the drug before it, else the one after). Fully empty rows (added, never
    filled) are dropped."""
    labels, statuses = SPAN_LABELS[task], SPAN_STATUSES[task]
    good: list[tuple[int, dict[str, Any], int | None]] = []  # (row number, span, its drug's start as typed)
    errors: list[str] = []
    seen: dict[tuple[int, int, str], int] = {}
    for n, row in enumerate(rows, 1):
        if all(_blank(row.get(f)) for f in SPAN_FIELDS):
            continue
        problems = []
        start, end = _whole(row.get("start")), _whole(row.get("end"))
        if start is None or end is None:
            problems.append("start and end must be whole numbers")
        elif not 0 <= start < end <= len(text):
            problems.append(f"needs 0 <= start < end <= {len(text)} (the note's length), has start {start}, end {end}")
        label = row.get("label")
        label = label.strip() if isinstance(label, str) else label
        if label not in labels:
            problems.append(f"label must be one of {', '.join(labels)}")
        status = None if _blank(row.get("status")) else str(row.get("status")).strip()
        drug = None if _blank(row.get("drug")) else _whole(row.get("drug"))
        if label in ATTRIBUTE_LABELS:
            if status is not None:
                problems.append(f"a {label} attribute has no status (leave it empty)")
            if drug is None and not _blank(row.get("drug")):
                problems.append("drug must be the start offset of a DRUG row")
        else:
            if label in labels and status not in statuses:
                problems.append(f"status must be one of {', '.join(statuses)}")
            if not _blank(row.get("drug")):
                problems.append("only an attribute row names its drug (leave drug empty)")
        if not problems:
            key = (start, end, label)
            if key in seen:
                problems.append(f"the same span as row {seen[key]}")
            seen.setdefault(key, n)
        if problems:
            errors.append(f"row {n}: " + "; ".join(problems))
        else:
            good.append((n, {"start": start, "end": end, "label": label, "status": status}, drug))
    spans = [{**span, "attributes": []} for _, span, _ in good if span["label"] not in ATTRIBUTE_LABELS]
    drugs = {span["start"]: span for span in spans if span["label"] == DRUG}
    for n, span, drug in good:
        if span["label"] not in ATTRIBUTE_LABELS:
            continue
        if not drugs:
            errors.append(f"row {n}: a {span['label']} attribute needs a DRUG row to belong to")
            continue
        if drug is None:
            drug = _owner(list(drugs), span["start"])
        elif drug not in drugs:
            errors.append(f"row {n}: no DRUG row starts at {drug} (drug is the start offset of the attribute's drug)")
            continue
        drugs[drug].setdefault("attributes", []).append({"start": span["start"], "end": span["end"],
                                                         "label": span["label"]})
    if errors:
        return Checked(None, tuple(sorted(errors, key=lambda e: int(e.split(":")[0].split()[1]))))
    for span in spans:
        span["attributes"] = sorted(span["attributes"], key=lambda a: (a["start"], a["end"], a["label"]))
    return Checked({"spans": sorted(spans, key=lambda s: (s["start"], s["end"], s["label"]))}, ())
