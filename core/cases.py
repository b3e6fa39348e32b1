"""The curated demo cases of meeting mode: notes the project wrote (``assets/cases/*.txt``), never evaluation data,
listed with what each shows in ``assets/cases/cases.yaml`` and read through :class:`CasesFile`.

A meeting walks through them in order; together they must show every capability in :data:`CAPABILITIES` (the
schema refuses a list that misses one), so a presenter never has to improvise a note.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field

from core.knowledge.fields import Loc, Table, Text, Unique, matching, one_of, repeated, rows
from core.knowledge.schema import Row, load_yaml

CASES_DIR: Path = Path(__file__).resolve().parent.parent / "assets" / "cases"
CASES_PATH: Path = CASES_DIR / "cases.yaml"

#: What the cases must show between them (tag -> what it means on the screen).
CAPABILITIES: dict[str, str] = {
    "clear_routing": "a routing above the confidence threshold",
    "uncertain_routing": "a routing below the threshold, deferred to a person",
    "red_flags": "urgent findings raised by the red-flag rules",
    "negated_medication": "a medication the note says the patient does not take",
    "allergy_medication": "a medication the patient is allergic to",
    "interaction_flag": "a candidate treatment flagged for an interaction with a current medication",
    "withheld_candidate": "a contraindicated candidate withheld from the suggestions",
    "long_note": "a note longer than one model window",
    "faithful_explanation": "an explanation whose highlighted words carry the prediction",
    "warned_explanation": "an explanation the page warns about",
}
#: The analyses a case can ask to explain first.
EXPLAIN_TASKS: tuple[str, ...] = ("triage", "drugs", "treatments")

_Tag = one_of("capability", tuple(CAPABILITIES))
_FileName = matching("a .txt file name in assets/cases", r"[a-z0-9_]+\.txt")


class ExplainSpec(Row):
    """Which result to explain first: the triage score of ``item`` (a service; default the routed one), the
    medication mention whose text is ``item`` (default the first), or the suggestion of the drug ``item``."""

    task: one_of("task", EXPLAIN_TASKS)  # type: ignore[valid-type]
    item: Text | None = None


class CaseSpec(Row):
    """One case of ``cases.yaml``."""

    id: matching("a snake_case id", r"[a-z][a-z0-9_]*")  # type: ignore[valid-type]
    title: Text
    file: _FileName  # type: ignore[valid-type]
    shows: Text
    tags: Annotated[tuple[_Tag, ...], Field(min_length=1), Unique]  # type: ignore[valid-type]
    explain: ExplainSpec


class CasesFile(Table):
    """``cases.yaml``: the cases in presentation order; ids and files unique, every capability shown."""

    cases: Annotated[tuple[CaseSpec, ...], Field(min_length=8)]

    @classmethod
    def cross_errors(cls, raw: dict[str, Any]) -> Iterable[tuple[Loc, str]]:
        listed = rows(raw, "cases")
        yield from repeated(((("cases", i, "id"), r.get("id")) for i, r in listed), "case id")
        yield from repeated(((("cases", i, "file"), r.get("file")) for i, r in listed), "case file")
        shown = {t for _, r in listed for t in (r.get("tags") if isinstance(r.get("tags"), list) else ())}
        missing = [t for t in CAPABILITIES if t not in shown]
        if missing:
            yield ("cases",), f"no case shows {', '.join(missing)}"


@dataclass(frozen=True)
class Case:
    """A demo case with its note read."""

    id: str
    title: str
    file: str
    shows: str
    tags: tuple[str, ...]
    explain_task: str
    explain_item: str | None
    text: str


def explain_target(case: Case, result: Any) -> Any:
    """The target of ``result`` (the case's :attr:`Case.explain_task` result) that the case explains first, as the
    task's ``targets`` key: a service label, a mention index or a suggestion index; None when the result has no
    such item (a model that reads the note differently): the page then starts from the task's first target."""
    item = (case.explain_item or "").lower()
    if case.explain_task == "triage":
        return case.explain_item or result.service
    if case.explain_task == "drugs":
        found = [i for i, m in enumerate(result.mentions) if not item or m.text.lower() == item]
    else:
        found = [i for i, s in enumerate(result.suggestions) if not item or s.drug.lower() == item]
    return found[0] if found else None


def load_cases(path: Path = CASES_PATH) -> list[Case]:
    """The cases of ``path`` in order, each with its note.

    Raises:
        core.knowledge.schema.DataFileError: the list does not follow its schema, or a note file is missing or
            empty.
    """
    from core.knowledge.schema import DataFileError

    spec = load_yaml(path, CasesFile)
    out = []
    for c in spec.cases:
        note = path.parent / c.file
        try:
            text = note.read_text(encoding="utf-8")
        except OSError as exc:
            raise DataFileError(f"{path.name}: case {c.id}: cannot read {c.file} ({exc.strerror or exc})") from None
        if not text.strip():
            raise DataFileError(f"{path.name}: case {c.id}: {c.file} is empty")
        out.append(Case(c.id, c.title, c.file, c.shows, c.tags, c.explain.task, c.explain.item, text))
    return out
