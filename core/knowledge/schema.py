"""Reading the project's data files (YAML) against pydantic schemas, with errors that name the file and the row.

Every table NoteLens ships as data (the treatment knowledge base, interaction rules, clinical wording, drug
abbreviations, ConText rules...) is read through :func:`load_yaml`: a file that does not follow its schema fails
at once with a :class:`DataFileError` whose message says which file, which line, which row (by its id or name)
and what is wrong, e.g.::

    core/knowledge/data/kb.yaml:212: conditions[4] (hypertension) > treatments[2] (lisinopril) > line:
    Input should be 'first', 'alternative' or 'adjunct'
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

M = TypeVar("M", bound=BaseModel)


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's safe loader when PyYAML was built with it (20 times faster on the larger tables), refusing a key
    written twice in one mapping (YAML would silently keep the last, and no schema could see the first)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} is written twice (first on line {seen[key]})", key_node.start_mark)
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


_LOADER = _Loader

#: Fields that name a row in error messages, in order of preference.
_ROW_NAMES = ("id", "key", "name", "drug", "code", "title", "literal")


class Row(BaseModel):
    """Base of every data-file schema: unknown keys are errors (a typo is not silently ignored), rows are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class DataFileError(ValueError):
    """A data file that cannot be read or does not follow its schema; the message names the file and the row."""


def _node_at(node: Any, loc: tuple[Any, ...]) -> Any:
    """The YAML node reached by following ``loc`` (keys and indexes) from ``node``, as far as it goes."""
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = next((v for k, v in node.value if getattr(k, "value", None) == str(part)), None)
            if nxt is None:
                return node
            node = nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
        else:
            return node
    return node


def _describe(loc: tuple[Any, ...], raw: Any) -> str:
    """``conditions[4] (hypertension) > treatments[2] (lisinopril) > line`` for an error location."""
    parts: list[str] = []
    value = raw
    for part in loc:
        if isinstance(part, int) and isinstance(value, list) and 0 <= part < len(value):
            value = value[part]
            name = next((value[k] for k in _ROW_NAMES if isinstance(value, dict) and isinstance(value.get(k), str)),
                        None)
            label = f"[{part}]" + (f" ({name})" if name else "")
            parts[-1:] = [(parts[-1] if parts else "") + label]
            continue
        parts.append(str(part))
        value = value.get(part) if isinstance(value, dict) else None
    return " > ".join(parts) or "the whole file"


def _errors(exc: ValidationError, where: str, raw: Any, root: Any) -> str:
    lines = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        line = ""
        if root is not None:
            node = _node_at(root, loc)
            line = f":{node.start_mark.line + 1}"
        lines.append(f"{where}{line}: {_describe(loc, raw)}: {err['msg']}")
    return "\n".join(lines)


def validate_data(raw: Any, schema: type[M], where: str = "data", root: Any = None) -> M:
    """``raw`` (as ``yaml.safe_load`` returns it) validated as ``schema``.

    Args:
        raw: The parsed document.
        schema: Its pydantic model.
        where: What to call the document in messages (the file's path).
        root: The document's YAML node tree (``yaml.compose``), for line numbers.

    Raises:
        DataFileError: the document does not follow the schema (every error, one per line).
    """
    try:
        return schema.model_validate(raw)
    except ValidationError as exc:
        raise DataFileError(_errors(exc, where, raw, root)) from None


def load_yaml(path: Path, schema: type[M]) -> M:
    """Read a YAML data file and validate it as ``schema`` (see :func:`validate_data`).

    Raises:
        DataFileError: the file is missing, is not YAML, or does not follow the schema.
    """
    where = _shown(path)
    try:
        text = path.read_text(encoding="utf-8")
        raw = yaml.load(text, Loader=_LOADER)
    except OSError as exc:
        raise DataFileError(f"{where}: cannot read the file ({exc.strerror or exc})") from None
    except yaml.YAMLError as exc:
        raise DataFileError(f"{where}: not valid YAML ({exc})") from None
    try:
        return schema.model_validate(raw)
    except ValidationError as exc:  # only now is the node tree built, for the lines of the errors
        raise DataFileError(_errors(exc, where, raw, yaml.compose(text, Loader=_LOADER))) from None


@cache
def load_cached(path: Path, schema: type[M]) -> M:
    """:func:`load_yaml`, once per (file, schema) and process: shipped data files do not change while serving."""
    return load_yaml(path, schema)


def _shown(path: Path) -> str:
    """The path relative to the project when it is inside it (shorter messages), else as given."""
    from core.config import get_settings

    try:
        return str(path.resolve().relative_to(get_settings().home))
    except ValueError:
        return str(path)
