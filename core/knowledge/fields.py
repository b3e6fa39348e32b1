"""Field types and the table base the data-file schemas share (see :mod:`core.knowledge.schema`).

The types check a value without changing it (a blank name is an error, not something quietly stripped), and
their messages name the offending value, since pydantic's own ("Input should be ...") would not. :class:`Table`
adds checks across rows (a row citing an unknown source, an id used twice) that run and report together with
the field errors, each at the row it is about, so that one run shows every mistake in a file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Annotated, Any

from pydantic import AfterValidator, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from core.knowledge.schema import Row

#: Where an error points: keys and indexes from the top of the document, as pydantic writes them.
Loc = tuple[str | int, ...]


def _non_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must be a non-empty string")
    return value


def _lower(value: str) -> str:
    if not value.strip() or value != value.lower():
        raise ValueError(f"{value!r} must be a non-empty lower-case string")
    return value


def _compiles(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression ({exc})") from None
    return value


#: A non-blank string.
Text = Annotated[str, AfterValidator(_non_blank)]
#: A non-blank lower-case string (for words compared with lower-cased text: an upper-case one would never match).
Lower = Annotated[str, AfterValidator(_lower)]
#: A regular expression, as text that compiles.
RegexText = Annotated[str, AfterValidator(_compiles)]


def one_of(what: str, allowed: Sequence[str], listed: str | None = None) -> Any:
    """A string field limited to ``allowed``, whose error names the value (``line 'second' is not one of ...``).

    Args:
        what: What the value is, for the message (``line``, ``tag``).
        allowed: The allowed values.
        listed: How to name the allowed values in the message; by default they are listed.
    """
    choices = frozenset(allowed)
    names = listed or ", ".join(allowed)

    def check(value: str) -> str:
        if value not in choices:
            raise ValueError(f"{what} {value!r} is not one of {names}")
        return value

    return Annotated[str, AfterValidator(check)]


def matching(what: str, pattern: str) -> Any:
    """A string field that must match ``pattern`` whole (``drugbank_id 'DB123' must look like DB00000``)."""
    rx = re.compile(pattern)

    def check(value: str) -> str:
        if not rx.fullmatch(value):
            raise ValueError(f"{value!r} is not {what}")
        return value

    return Annotated[str, AfterValidator(check)]


def _unique(items: Sequence[Any]) -> Sequence[Any]:
    repeated = [x for i, x in enumerate(items) if x in items[:i]]
    if repeated:
        raise ValueError(f"listed twice: {', '.join(map(repr, dict.fromkeys(repeated)))}")
    return items


#: Validator for a list whose items must differ (``Annotated[tuple[str, ...], Unique]``).
Unique = AfterValidator(_unique)


class Regex(Row):
    """A regular expression with its case sensitivity (patterns ignore case unless the row says otherwise)."""

    pattern: RegexText
    ignore_case: bool = True

    def compile(self) -> re.Pattern[str]:
        return re.compile(self.pattern, re.IGNORECASE if self.ignore_case else 0)


class Table(Row):
    """The top of a data file: a :class:`Row` whose :meth:`cross_errors` check rows against each other.

    They read the raw document (as ``yaml.safe_load`` gives it), so they run even when some rows are invalid
    and report alongside the field errors; they must therefore expect anything where a row should be.
    """

    @classmethod
    def cross_errors(cls, raw: dict[str, Any]) -> Iterable[tuple[Loc, str]]:
        """``(location, message)`` for each mistake across rows of ``raw``; none by default."""
        return ()

    @model_validator(mode="wrap")
    @classmethod
    def _with_cross_errors(cls, data: Any, handler: Any) -> Any:
        errors: list[InitErrorDetails] = []
        model = None
        try:
            model = handler(data)
        except ValidationError as exc:
            errors = [_detail(e["type"], tuple(e["loc"]), e["msg"], e.get("input")) for e in exc.errors()]
        if isinstance(data, dict):
            errors += [_detail("cross_reference", loc, msg, None) for loc, msg in cls.cross_errors(data)]
        if errors:
            raise ValidationError.from_exception_data(cls.__name__, errors)
        return model


def _detail(kind: str, loc: Loc, message: str, value: Any) -> InitErrorDetails:
    return InitErrorDetails(type=PydanticCustomError(kind, "{detail}", {"detail": message}), loc=loc, input=value)


def rows(raw: Any, key: str) -> list[tuple[int, dict[str, Any]]]:
    """``(index, row)`` of the mappings in the list ``raw[key]`` (for :meth:`Table.cross_errors`)."""
    items = raw.get(key) if isinstance(raw, dict) else None
    if not isinstance(items, list):
        return []
    return [(i, r) for i, r in enumerate(items) if isinstance(r, dict)]


def entries(raw: Any, key: str) -> list[tuple[str, dict[str, Any]]]:
    """``(name, entry)`` of the mappings in the mapping ``raw[key]`` (for :meth:`Table.cross_errors`)."""
    items = raw.get(key) if isinstance(raw, dict) else None
    if not isinstance(items, dict):
        return []
    return [(k, v) for k, v in items.items() if isinstance(v, dict)]


def repeated(values: Iterable[tuple[Loc, Any]], what: str) -> list[tuple[Loc, str]]:
    """An error at each later occurrence of a value already seen (``condition id 'gout' is used twice``)."""
    seen: set[Any] = set()
    out: list[tuple[Loc, str]] = []
    for loc, value in values:
        if not isinstance(value, str):
            continue
        if value in seen:
            out.append((loc, f"{what} {value!r} is used twice"))
        seen.add(value)
    return out
