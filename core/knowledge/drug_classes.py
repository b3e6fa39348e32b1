"""Which drugs count as the same kind, for the safety checks of :mod:`core.treatments.safety`: drug allergy
groups (``data/allergy_groups.yaml``) and the class families of therapeutic duplication
(``data/class_families.yaml``).

Every word here is compared with lower-cased text, so the schemas refuse upper case (such a word would never
match), and a group's ``cross`` must name another group.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field

from core.knowledge import DATA_DIR
from core.knowledge.fields import Loc, Lower, Table, Text, Unique, entries
from core.knowledge.schema import Row, load_cached

ALLERGY_GROUPS_PATH: Path = DATA_DIR / "allergy_groups.yaml"
CLASS_FAMILIES_PATH: Path = DATA_DIR / "class_families.yaml"

_Words = Annotated[tuple[Lower, ...], Unique]


class AllergyGroup(Row):
    """One allergy group (see the file's header)."""

    terms: Annotated[_Words, Field(min_length=1)]
    members: Annotated[_Words, Field(min_length=1)]
    class_words: _Words
    cross: _Words = ()


class AllergyGroups(Table):
    """``allergy_groups.yaml``: the groups, in order, and the reference they follow."""

    source: Text
    groups: Annotated[dict[str, AllergyGroup], Field(min_length=1)]

    @classmethod
    def cross_errors(cls, raw: dict[str, Any]) -> Iterable[tuple[Loc, str]]:
        groups = entries(raw, "groups")
        names = {name for name, _ in groups}
        for name, group in groups:
            cross = group.get("cross")
            for i, other in enumerate(cross if isinstance(cross, list) else ()):
                if isinstance(other, str) and (other not in names or other == name):
                    yield ("groups", name, "cross", i), f"cross-reactive group {other!r} is not another group"


class ClassFamilies(Row):
    """``class_families.yaml``: family names, checked in order (the first one a class contains wins)."""

    families: Annotated[tuple[Lower, ...], Field(min_length=1), Unique]


def allergy_groups() -> AllergyGroups:
    """The shipped allergy groups, read through their schema (once per process)."""
    return load_cached(ALLERGY_GROUPS_PATH, AllergyGroups)


def class_families() -> tuple[str, ...]:
    """The shipped class families, in order (read once per process)."""
    return load_cached(CLASS_FAMILIES_PATH, ClassFamilies).families
