"""The project's ConText rules and status maps as data (``data/context_rules.yaml``), read through a schema.

Each rule becomes one medspaCy ``ConTextRule`` with the same arguments, in file order. Patterns are written
with a little shorthand (``lower``, ``optional``, ``orth``, shared word lists as ``$name``; see the file's
header) that :meth:`Token.spacy` expands to spaCy's token dictionaries. Python callbacks stay here, in
:data:`CALLBACKS`, and rules name them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from core.knowledge.fields import Loc, Table, Text, Unique, matching, one_of, rows
from core.knowledge.schema import Row, load_cached
from core.labels import CONDITION_STATUSES, DRUG_STATUSES

CONTEXT_RULES_PATH: Path = Path(__file__).resolve().parent / "data" / "context_rules.yaml"

#: Target labels the pipeline gives drug and condition spans (core.nlp.context.DRUG_LABEL, CONDITION_LABEL).
TARGET_LABELS = ("DRUG", "CONDITION")

_NO_GAP_TOKENS = {",", ";", ".", ":"}


def near_before(max_gap: int) -> Callable[[Any, Any, Any], bool]:
    """on_modifies callback: forward targets always; a target *before* the modifier only when it is at most
    ``max_gap`` tokens away with no clause punctuation between ("lisinopril 10 mg discontinued")."""

    def check(target, modifier, _between) -> bool:
        if target.start >= modifier.end:
            return True
        if target.end > modifier.start:  # overlap: ConText already refuses these
            return True
        gap = target.doc[target.end:modifier.start]
        return len(gap) <= max_gap and not any(t.text in _NO_GAP_TOKENS for t in gap)

    return check


#: Callbacks rules may name (``on_modifies: {callback: near_before, max_gap: 3}``).
CALLBACKS: dict[str, Callable[..., Callable[[Any, Any, Any], bool]]] = {"near_before": near_before}

_Category = matching("a ConText category (upper case, e.g. NEGATED_EXISTENCE)", r"[A-Z][A-Z_]*")
_Direction = one_of("direction", ("FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE", "PSEUDO"))
_Label = one_of("target label", TARGET_LABELS)
_Words = Annotated[tuple[Text, ...], Field(min_length=1)]
_Callback = one_of("callback", tuple(CALLBACKS))
_DrugStatus = one_of("drug status", DRUG_STATUSES)
_ConditionStatus = one_of("condition status", CONDITION_STATUSES)
_ListName = matching("a word-list name", r"[a-z_]+")


class Token(Row):
    """One token of a pattern: exactly one of ``lower``, ``optional`` (a ``lower`` that may be absent) and
    ``orth``; ``sent_start`` and ``op`` add spaCy's ``IS_SENT_START`` and ``OP``."""

    lower: _Words | None = None
    optional: _Words | None = None
    orth: Text | _Words | None = None
    sent_start: bool | None = None
    op: Literal["?", "*", "+", "!"] | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Token:
        given = [k for k in ("lower", "optional", "orth") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"a token needs exactly one of lower, optional and orth, not {given or 'none'}")
        if self.optional is not None and self.op is not None:
            raise ValueError("optional already means op '?'")
        return self

    def spacy(self, words: dict[str, tuple[str, ...]]) -> dict[str, Any]:
        """The spaCy token pattern, ``$name`` items replaced by the word list ``words[name]``."""
        if self.orth is not None:
            out: dict[str, Any] = {"ORTH": self.orth if isinstance(self.orth, str) else {"IN": list(self.orth)}}
        else:
            listed = self.lower if self.lower is not None else self.optional
            out = {"LOWER": {"IN": [w for item in listed for w in _expand(item, words)]}}
        if self.sent_start is not None:
            out["IS_SENT_START"] = self.sent_start
        op = "?" if self.optional is not None else self.op
        if op is not None:
            out["OP"] = op
        return out


def _expand(item: str, words: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    return words[item[1:]] if item.startswith("$") else (item,)


class OnModifies(Row):
    """A callback of :data:`CALLBACKS` with its argument."""

    callback: _Callback
    max_gap: Annotated[int, Field(strict=True, ge=0)]

    def build(self) -> Callable[[Any, Any, Any], bool]:
        return CALLBACKS[self.callback](self.max_gap)


class ContextRuleSpec(Row):
    """One ConText rule (the arguments of medspaCy's ``ConTextRule`` of the same names)."""

    literal: Text
    category: _Category
    direction: _Direction
    max_scope: Annotated[int, Field(strict=True, ge=1)] | None = None
    allowed_types: Annotated[tuple[_Label, ...], Unique] | None = None
    on_modifies: OnModifies | None = None
    pattern: Annotated[tuple[Token, ...], Field(min_length=1)]

    def build(self, words: dict[str, tuple[str, ...]]) -> Any:
        """The medspaCy ``ConTextRule``."""
        from medspacy.context import ConTextRule

        return ConTextRule(self.literal, self.category, direction=self.direction, max_scope=self.max_scope,
                           allowed_types=None if self.allowed_types is None else set(self.allowed_types),
                           on_modifies=None if self.on_modifies is None else self.on_modifies.build(),
                           pattern=[t.spacy(words) for t in self.pattern])


class StatusMaps(Row):
    """ConText category -> status, per kind (categories missing from a map are ignored for that kind)."""

    drug: dict[_Category, _DrugStatus]
    condition: dict[_Category, _ConditionStatus]


class ContextRules(Table):
    """``context_rules.yaml``: status maps, tie-break precedence, shared word lists and the rules in order."""

    statuses: StatusMaps
    precedence: Annotated[tuple[_Category, ...], Unique]
    words: dict[_ListName, _Words] = {}
    rules: tuple[ContextRuleSpec, ...]

    @model_validator(mode="after")
    def _precedence_covers_statuses(self) -> ContextRules:
        missing = [c for c in (*self.statuses.drug, *self.statuses.condition) if c not in self.precedence]
        if missing:
            raise ValueError(f"precedence lacks categories the status maps use: {', '.join(dict.fromkeys(missing))}")
        return self

    @classmethod
    def cross_errors(cls, raw: dict[str, Any]) -> Iterable[tuple[Loc, str]]:
        words = raw.get("words") if isinstance(raw.get("words"), dict) else {}
        for i, rule in rows(raw, "rules"):
            for j, token in rows(rule, "pattern"):
                for key in ("lower", "optional"):
                    listed = token.get(key)
                    for k, item in enumerate(listed if isinstance(listed, list) else ()):
                        if isinstance(item, str) and item.startswith("$") and item[1:] not in words:
                            yield ("rules", i, "pattern", j, key, k), f"word list {item[1:]!r} is not in words"

    def build(self) -> list[Any]:
        """The medspaCy ``ConTextRule`` objects, in file order."""
        return [rule.build(self.words) for rule in self.rules]


def context_rules() -> ContextRules:
    """The shipped ConText rules, read through their schema (once per process)."""
    return load_cached(CONTEXT_RULES_PATH, ContextRules)
