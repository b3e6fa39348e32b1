"""What the Review page edits, without the UI framework: the model's output turned into a starting answer, and an edited
answer checked before it is stored.

Answers are stored in the form :meth:`core.review.agreement.Annotation.from_answer` reads: ``{"label": service}``
for triage, ``{"spans": [{"start", "end", "label", "status", "attributes": [{"start", "end", "label"}]}, ...]}`` for
the span tasks: a drug's attributes (strength, route ...) are kept under their drug, as the drug model links them and
as :mod:`core.review.agreement` scores them. The page edits a flat table (one row per span, an attribute row naming
its drug by the drug's start offset); these functions turn the model's record into that table and the edited table
back into an answer, so that the page stays thin and the rules are tested without a browser.

Treatments are answered with one decision per suggested candidate: ``{"decisions": [{"condition": a knowledge-base
condition id, "drug": the knowledge base's drug name, "verdict": "accept" | "reject", "reason": one of
core.labels.REJECT_REASONS (a rejection needs one), "note": optional text}]}``. The candidates are the ranker's
suggestions as its record lists them (contraindicated ones are withheld, never suggested, so never judged).
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
    REJECT_REASONS,
    SERVICES,
    UNCERTAIN,
)

#: Tasks the Review page handles: one label per note, or spans.
LABEL_TASKS: tuple[str, ...] = ("triage",)
SPAN_TASKS: tuple[str, ...] = ("drugs", "conditions")
#: Tasks answered with an accept or reject decision per suggested candidate.
DECISION_TASKS: tuple[str, ...] = ("treatments",)
REVIEW_TASKS: tuple[str, ...] = (*LABEL_TASKS, *SPAN_TASKS, *DECISION_TASKS)
#: A span task's labels and statuses (the same vocabularies the task pages use).
SPAN_LABELS: dict[str, tuple[str, ...]] = {"drugs": DRUG_LABELS, "conditions": CONDITION_LABELS}
SPAN_STATUSES: dict[str, tuple[str, ...]] = {"drugs": DRUG_STATUSES, "conditions": CONDITION_STATUSES}
#: Columns of the span table, in the editor's order: ``drug`` is, on an attribute's row, its drug's start offset.
SPAN_FIELDS: tuple[str, ...] = ("start", "end", "label", "status", "drug")
#: The label attributes belong to.
DRUG = "DRUG"
#: A treatment decision's fields, in the answer's order, and its verdicts.
DECISION_FIELDS: tuple[str, ...] = ("condition", "drug", "verdict", "reason", "note")
DECISION_VERDICTS: tuple[str, ...] = ("accept", "reject")
#: The longest note an annotator may add to a decision (a short why, not a second note).
MAX_DECISION_NOTE = 200


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


def prefill_decisions(prefill: Any) -> list[dict[str, Any]]:
    """The decisions to start from, one row per candidate (:data:`DECISION_FIELDS`): a stored answer's
    (``decisions``) as it is, or the ranker's record's suggestions in its order, each pre-set to accept (withheld
    candidates are not suggested and are left out; a candidate listed twice counts once). Rows from a record also
    carry what the page shows beside them: ``condition_name``, ``class``, ``line`` and the knowledge base's
    ``source``."""
    if not isinstance(prefill, dict):
        return []
    if isinstance(prefill.get("decisions"), list):
        return [{f: d.get(f) for f in DECISION_FIELDS} for d in prefill["decisions"] if isinstance(d, dict)]
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for s in prefill.get("suggestions") or ():
        if not isinstance(s, dict) or s.get("withheld") is True:
            continue
        condition, drug = s.get("condition_id") or s.get("condition"), s.get("drug")
        if not isinstance(condition, str) or not isinstance(drug, str) or (condition, drug) in seen:
            continue
        seen.add((condition, drug))
        rows.append({"condition": condition, "drug": drug, "verdict": "accept", "reason": None, "note": None,
                     "condition_name": s.get("condition") or condition, "class": s.get("class"),
                     "line": s.get("line"), "source": s.get("source")})
    return rows


def _cell(value: Any) -> str | None:
    """A table cell as stripped text, ``None`` when empty."""
    return None if _blank(value) else str(value).strip()


def decisions_answer(rows: list[dict[str, Any]],
                     candidates: list[tuple[str, str]] | None = None) -> dict[str, list[dict[str, Any]]]:
    """Check edited treatment decisions and turn them into an answer (rows numbered from 1, in the given order):
    each row names a condition and a drug, once; the verdict is accept or reject; a rejection gives a reason of
    :data:`core.labels.REJECT_REASONS` (``other`` also a note saying why); a note is at most
    :data:`MAX_DECISION_NOTE` characters. A reason left on an accepted row is dropped (the page keeps a cell's value
    when the verdict is switched back). With ``candidates`` ((condition, drug) pairs: the item's suggestions), every
    candidate is decided and no other is.

    Raises:
        ValueError: one line per bad row ("row N: ..."), then one per candidate left undecided.
    """
    errors: list[str] = []
    decisions: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], int] = {}
    allowed = None if candidates is None else set(candidates)
    for n, row in enumerate(rows, 1):
        problems = []
        condition, drug = _cell(row.get("condition")), _cell(row.get("drug"))
        verdict, reason, note = _cell(row.get("verdict")), _cell(row.get("reason")), _cell(row.get("note"))
        if condition is None or drug is None:
            problems.append("name the condition and the drug")
        elif (condition, drug) in seen:
            problems.append(f"the same treatment as row {seen[(condition, drug)]}")
        elif allowed is not None and (condition, drug) not in allowed:
            problems.append(f"{drug} for {condition} is not one of this note's suggestions")
        if verdict not in DECISION_VERDICTS:
            problems.append(f"verdict must be accept or reject, not {verdict!r}")
        if verdict == "accept":
            reason = None
        elif verdict == "reject" and reason is None:
            problems.append(f"a rejection needs a reason (one of {', '.join(REJECT_REASONS)})")
        elif reason is not None and reason not in REJECT_REASONS:
            problems.append(f"reason must be one of {', '.join(REJECT_REASONS)}, not {reason!r}")
        elif reason == "other" and note is None:
            problems.append("the reason 'other' needs a note saying why")
        if note is not None and len(note) > MAX_DECISION_NOTE:
            problems.append(f"the note is {len(note)} characters, at most {MAX_DECISION_NOTE}")
        if condition is not None and drug is not None:
            seen.setdefault((condition, drug), n)
        if problems:
            errors.append(f"row {n}: " + "; ".join(problems))
        else:
            decisions.append({"condition": condition, "drug": drug, "verdict": verdict, "reason": reason,
                              "note": note})
    for condition, drug in candidates or ():
        if (condition, drug) not in seen:
            errors.append(f"no decision on {drug} for {condition}")
    if errors:
        raise ValueError("\n".join(errors))
    return {"decisions": decisions}
