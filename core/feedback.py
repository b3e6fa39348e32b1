"""What a person's feedback on a model's output is, before it is stored: the same for every task.

A page collects what the person picked; the task (:meth:`core.tasks.base.Task.correction`) checks it and turns it
into a :class:`Correction`; the store keeps it as a feedback row on the prediction it judges, and the task turns
stored rows back into training examples (:meth:`core.tasks.base.Task.feedback_examples`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Correction:
    """A checked correction, ready to store.

    Attributes:
        kind: What the person did (``confirm``, ``wrong``, ``false_drug``, ``reject``...), one of the task's kinds.
        verdict: ``correct``, ``partially_correct`` or ``wrong`` (:data:`core.db.models.VERDICTS`).
        payload: What ``Feedback.correction`` stores (JSON): a service, a span correction, a verdict on a drug.
        summary: One line saying what was recorded, for the page ("Not a drug: “Zebulon”").
    """

    kind: str
    verdict: str
    payload: Any
    summary: str
