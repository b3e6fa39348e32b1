"""What the Review page edits, without Streamlit: the model's output turned into a starting answer, and an edited
answer checked before it is stored.

Answers are stored in the form :meth:`core.review.agreement.Annotation.from_answer` reads: ``{"label": service}``
for triage, ``{"spans": [{"start", "end", "label", "status"}, ...]}`` for the span tasks (drug attributes are spans of
their own label, without a status). Keeping the page thin lets these rules be tested without a browser.
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
#: Span columns of an answer, in the editor's order.
SPAN_FIELDS: tuple[str, ...] = ("start", "end", "label", "status")


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


def prefill_spans(task: str, prefill: Any) -> list[dict[str, Any]]:
    """The spans to start from: a stored answer (``spans``) or a task's record (``entities``; a mention's status
    fills in an entity without one), only the task's labels, as ``{"start", "end", "label", "status"}``, in text
    order."""
    if task not in SPAN_TASKS:
        raise ValueError(f"{task!r} is not a span task ({', '.join(SPAN_TASKS)})")
    if isinstance(prefill, list):
        prefill = {"spans": prefill}
    if not isinstance(prefill, dict):
        return []
    entities = prefill.get("spans") or prefill.get("entities") or []
    status_of = {}
    for m in prefill.get("mentions") or ():
        if isinstance(m, dict) and m.get("status"):
            status_of[_start_end(m)] = m["status"]
    default_label = CONDITION_LABELS[0] if task == "conditions" else None
    out = []
    for e in entities:
        if not isinstance(e, dict):
            continue
        start, end = _start_end(e)
        label = e.get("label") or default_label
        if not isinstance(start, int) or not isinstance(end, int) or label not in SPAN_LABELS[task]:
            continue
        status = None if label in ATTRIBUTE_LABELS else (e.get("status") or status_of.get((start, end)))
        out.append({"start": start, "end": end, "label": label, "status": status})
    return sorted(out, key=lambda s: (s["start"], s["end"], s["label"]))


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


def check_spans(task: str, rows: list[dict[str, Any]], text: str) -> Checked:
    """Check an edited span table against the note (rows numbered from 1 as the editor shows them): offsets are whole
    numbers with ``0 <= start < end <= len(text)``, the label is the task's, the status is one of the task's for an
    entity and empty for a drug attribute, and no span is listed twice. Fully empty rows (added, never filled) are
    dropped."""
    labels, statuses = SPAN_LABELS[task], SPAN_STATUSES[task]
    spans: list[dict[str, Any]] = []
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
        if label in ATTRIBUTE_LABELS:
            if status is not None:
                problems.append(f"a {label} attribute has no status (leave it empty)")
        elif label in labels and status not in statuses:
            problems.append(f"status must be one of {', '.join(statuses)}")
        if not problems:
            key = (start, end, label)
            if key in seen:
                problems.append(f"the same span as row {seen[key]}")
            seen.setdefault(key, n)
        if problems:
            errors.append(f"row {n}: " + "; ".join(problems))
        else:
            spans.append({"start": start, "end": end, "label": label, "status": status})
    if errors:
        return Checked(None, tuple(errors))
    return Checked({"spans": sorted(spans, key=lambda s: (s["start"], s["end"], s["label"]))}, ())
