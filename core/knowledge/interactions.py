"""Schemas of the drug-drug interaction data: NoteLens' own rules (``data/interactions.yaml``), the tables
that bridge English drug names to the French ANSM thesaurus (``data/ansm_bridge.yaml``) and the guideline
combinations the checks must not flag as major (``data/standard_combinations.yaml``, their precision set).

:mod:`core.treatments.interactions` holds the checking; this module only reads the files, so that a rule naming
an unknown group or source, or a group without members, fails when the file is read (with its line and row)
rather than as a ``KeyError`` in the middle of a check.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, Field

from core.knowledge import DATA_DIR
from core.knowledge.fields import Loc, Lower, Table, Text, Unique, entries, one_of, repeated, rows
from core.knowledge.schema import Row, load_cached, load_yaml
from core.labels import SEVERITIES

#: NoteLens' interaction rules.
RULES_PATH: Path = DATA_DIR / "interactions.yaml"
#: English -> French tables for the ANSM thesaurus.
ANSM_BRIDGE_PATH: Path = DATA_DIR / "ansm_bridge.yaml"
#: Guideline combinations that should raise no major flag.
STANDARD_COMBINATIONS_PATH: Path = DATA_DIR / "standard_combinations.yaml"

_Severity = one_of("severity", SEVERITIES)


class RuleSource(Row):
    """A reference the rules cite, under its key in ``sources``."""

    title: Text
    body: Text
    year: Annotated[int, Field(strict=True, ge=1900, le=2100)]


class GroupSpec(Row):
    """A drug group: generic names the drug dictionary resolves (matched lower-cased)."""

    description: Text
    source: Text
    members: Annotated[tuple[Text, ...], Field(min_length=1)]


class RuleSpec(Row):
    """An interaction between any drug of group ``a`` and any drug of group ``b`` (either order)."""

    id: Text
    a: Text
    b: Text
    severity: _Severity
    mechanism: Text
    advice: Text
    source: Text


class AnsmLevelReading(Row):
    """How the checker reads the conditions of an ANSM entry's severity levels (``ansm_levels`` in the rules file;
    see :meth:`core.treatments.interactions.InteractionChecker.ansm_levels`). Phrases are compared with the folded
    (lower case, unaccented) condition text."""

    ignored: Annotated[tuple[Lower, ...], Unique] = ()
    outside_indication: Annotated[tuple[Lower, ...], Unique] = ()


class InteractionRules(Table):
    """The whole rules file: groups and rules cite listed sources, rules name listed groups, rule ids differ."""

    version: Annotated[int, Field(strict=True, ge=1)]
    sources: dict[str, RuleSource] = {}
    groups: dict[str, GroupSpec] = {}
    rules: tuple[RuleSpec, ...] = ()
    ansm_levels: AnsmLevelReading = AnsmLevelReading()

    @classmethod
    def cross_errors(cls, raw: dict[str, Any]) -> Iterable[tuple[Loc, str]]:
        sources = raw.get("sources") if isinstance(raw.get("sources"), dict) else {}
        groups = raw.get("groups") if isinstance(raw.get("groups"), dict) else {}
        for name, group in entries(raw, "groups"):
            src = group.get("source")
            if isinstance(src, str) and src not in sources:
                yield ("groups", name, "source"), f"source {src!r} is not in sources"
        for i, rule in rows(raw, "rules"):
            for key, known, what in (("a", groups, "group"), ("b", groups, "group"), ("source", sources, "source")):
                value = rule.get(key)
                if isinstance(value, str) and value not in known:
                    yield ("rules", i, key), f"{what} {value!r} is not in {what}s"
        yield from repeated(((("rules", i, "id"), r.get("id")) for i, r in rows(raw, "rules")), "rule id")


def _upper(value: str) -> str:
    if value != value.upper():
        raise ValueError(f"{value!r} must be upper case (labels are compared upper-cased, without accents)")
    return value


def _one_word(value: str) -> str:
    if " " in value:
        raise ValueError(f"{value!r} must be one word (it is compared with a name's first word)")
    return value


_French = Annotated[tuple[Lower, ...], Field(min_length=1), Unique]


class AnsmSpelling(Row):
    """Words of the English -> French spelling rules."""

    anions: dict[Lower, Lower]          # "sodium chloride" -> "sodium (chlorure de)"
    cations: dict[Lower, Lower]         # "heparin sodium" -> "heparine sodique"
    cation_words: Annotated[tuple[Lower, ...], Unique]
    anion_words: Annotated[tuple[Lower, ...], Unique]


class AnsmBridgeTables(Row):
    """``ansm_bridge.yaml``: severities, hand-written aliases, names never bridged and spelling words."""

    severities: dict[Annotated[Text, AfterValidator(_upper)], _Severity]
    aliases: dict[Lower, _French]
    prefix_aliases: dict[Annotated[Lower, AfterValidator(_one_word)], Lower]
    deny: Annotated[tuple[Lower, ...], Unique]
    spelling: AnsmSpelling


#: The most severe flag a standard combination may rightly raise (never major: that is what the set measures).
CEILINGS: tuple[str, ...] = ("none", "minor", "moderate")


class StandardCombination(Row):
    """Two drugs a guideline regimen gives together; ``ceiling`` is the most severe flag still clinically right
    (``moderate`` when the regimen itself asks for monitoring, said in ``why``)."""

    id: Text
    a: Lower
    b: Lower
    ceiling: one_of("ceiling", CEILINGS)  # type: ignore[valid-type]
    source: Text
    regimen: Text
    why: Text | None = None


class StandardCombinations(Table):
    """``standard_combinations.yaml``: pairs cite listed sources, ids and pairs differ, a pair is two drugs, and a
    ``moderate`` ceiling says why."""

    version: Annotated[int, Field(strict=True, ge=1)]
    sources: dict[str, RuleSource] = {}
    combinations: Annotated[tuple[StandardCombination, ...], Field(min_length=1)]

    @classmethod
    def cross_errors(cls, raw: dict[str, Any]) -> Iterable[tuple[Loc, str]]:
        sources = raw.get("sources") if isinstance(raw.get("sources"), dict) else {}
        pairs = []
        for i, row in rows(raw, "combinations"):
            src = row.get("source")
            if isinstance(src, str) and src not in sources:
                yield ("combinations", i, "source"), f"source {src!r} is not in sources"
            a, b = row.get("a"), row.get("b")
            if isinstance(a, str) and isinstance(b, str):
                if a == b:
                    yield ("combinations", i, "b"), f"a pair needs two drugs, {a!r} is written twice"
                pairs.append((("combinations", i, "b"), " + ".join(sorted((a, b)))))
            if row.get("ceiling") == "moderate" and not row.get("why"):
                yield ("combinations", i, "why"), "a moderate ceiling must say why (what the regimen monitors)"
        yield from repeated(((("combinations", i, "id"), r.get("id")) for i, r in rows(raw, "combinations")), "id")
        yield from repeated(pairs, "pair")


def interaction_rules(path: Path = RULES_PATH) -> InteractionRules:
    """A rules file read through its schema: the shipped one once per process, another one at each call (as
    before: a custom file may change between two checkers)."""
    path = Path(path)
    return load_cached(path, InteractionRules) if path == RULES_PATH else load_yaml(path, InteractionRules)


def standard_combinations(path: Path = STANDARD_COMBINATIONS_PATH) -> StandardCombinations:
    """The guideline combinations read through their schema (the shipped file once per process)."""
    path = Path(path)
    if path == STANDARD_COMBINATIONS_PATH:
        return load_cached(path, StandardCombinations)
    return load_yaml(path, StandardCombinations)


def ansm_bridge_tables() -> AnsmBridgeTables:
    """The shipped ANSM bridge tables read through their schema (once per process)."""
    return load_cached(ANSM_BRIDGE_PATH, AnsmBridgeTables)
