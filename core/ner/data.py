"""Annotated drug-entity data: read IOB, JSONL and spaCy DocBin files into character-span documents.

Three formats are read:

* **IOB** (CoNLL-style): one token per line, the token in the first column and its tag (``B-X``,
  ``I-X`` or ``O``) in the last, columns separated by a tab or by spaces (extra middle columns are
  ignored); a blank line ends a sentence; ``-DOCSTART-`` lines are skipped. Each sentence becomes one
  document whose text is its tokens joined by a single space, unless a ``# text = "..."`` line (a JSON
  string, or CoNLL-U's raw text) opens the sentence: then that is the text, and each token is found in it in
  order with only whitespace between tokens, so offsets are exact (what :func:`core.exchange.write_iob` writes).
  ``I-X`` that does not continue an ``X`` span starts a new one (IOB1 files read the same as IOB2).
* **JSONL**: one object per line, ``{"text": ..., "spans": [{"start": s, "end": e, "label": "DRUG"}, ...]}``
  with character offsets into ``text`` (extra span fields ``group``, ``status``, ``code``, ``score`` and
  ``meta``, as written by :func:`write_jsonl`, are kept).
* **spaCy DocBin** (suffix ``.spacy``): each ``Doc``'s text and its ``doc.ents``, with their other span fields
  when the doc's ``user_data`` keeps them (see :func:`read_docbin`).

A label map (``{"Chemical": "DRUG"}``, see :func:`parse_label_map`) renames entity types; when one is
given, types it does not name are dropped (treated as outside any entity).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from core.spans import Span

__all__ = ["AnnotatedDoc", "parse_label_map", "read_iob", "read_jsonl", "read_docbin", "load_annotated",
           "write_jsonl", "jsonl_line", "gold_labels"]

PathLike = str | os.PathLike[str]

_TAG_RE = re.compile(r"^([BI])-(\S+)$")
_JSONL_SUFFIXES = frozenset({".jsonl", ".json"})
_DOCBIN_SUFFIX = ".spacy"
#: ``Doc.user_data`` key under which a NoteLens DocBin keeps each entity's other fields (group, status, code, score,
#: meta) as :meth:`core.spans.Span.to_dict` writes them; spaCy's ``doc.ents`` hold offsets and labels only.
DOCBIN_SPANS_KEY = "notelens_spans"
#: Text before a sentence's own text in an IOB file (as in CoNLL-U).
IOB_TEXT_PREFIX = "# text = "
#: Characters ``str.splitlines`` breaks on that ``json.dumps(ensure_ascii=False)`` leaves unescaped.
_LINE_BREAKS_JSON_KEEPS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


@dataclass(frozen=True)
class AnnotatedDoc:
    """A text with its gold entity spans.

    Attributes:
        text: The document (for IOB input, the sentence's tokens joined by single spaces).
        spans: Gold spans over ``text``, sorted by ``(start, end, label)`` (a list is accepted and stored
            as a sorted tuple).
        tokens: Character offsets ``(start, end)`` of the given tokens when the source was IOB; ``None``
            for JSONL.
    """

    text: str
    spans: tuple[Span, ...] = ()
    tokens: tuple[tuple[int, int], ...] | None = None

    def __post_init__(self) -> None:
        spans = tuple(sorted(self.spans, key=lambda s: (s.start, s.end, s.label)))
        object.__setattr__(self, "spans", spans)
        if self.tokens is not None and not isinstance(self.tokens, tuple):
            object.__setattr__(self, "tokens", tuple(tuple(t) for t in self.tokens))


def parse_label_map(items: Sequence[str] | None) -> dict[str, str] | None:
    """Parse ``--label-map`` items such as ``["Chemical=DRUG", "Drug=DRUG"]``.

    An item may also hold several comma-separated pairs (``"Chemical=DRUG,Drug=DRUG"``).

    Args:
        items: ``SOURCE=TARGET`` strings, or ``None``.

    Returns:
        ``{SOURCE: TARGET}``, or ``None`` when ``items`` is ``None`` or empty.

    Raises:
        ValueError: On an item that is not ``SOURCE=TARGET`` with both sides non-empty, or when one
            source type is mapped to two different targets.
    """
    if not items:
        return None
    out: dict[str, str] = {}
    for item in items:
        for pair in str(item).split(","):
            pair = pair.strip()
            if not pair:
                continue
            src, sep, dst = pair.partition("=")
            src, dst = src.strip(), dst.strip()
            if not sep or not src or not dst or "=" in dst or any(c.isspace() for c in src + dst):
                raise ValueError(f"malformed label map item {pair!r}: expected SOURCE=TARGET, e.g. Chemical=DRUG")
            if out.get(src, dst) != dst:
                raise ValueError(f"label map: {src!r} mapped to both {out[src]!r} and {dst!r}")
            out[src] = dst
    return out or None


def _map_label(label: str, label_map: Mapping[str, str] | None) -> str | None:
    """The label after mapping; ``None`` when a map is given and does not name it."""
    if label_map is None:
        return label
    return label_map.get(label)


def _read_text(path: Path) -> str:
    if not path.exists():
        raise FileNotFoundError(f"annotated data file not found: {path}")
    if path.is_dir():
        raise IsADirectoryError(f"expected an annotated data file, got a directory: {path}")
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text ({exc})") from exc


def jsonl_line(obj: Any) -> str:
    """``obj`` as one JSON line (non-ASCII kept readable) that ``str.splitlines`` never breaks: U+0085, U+2028 and
    U+2029, which JSON allows raw inside strings, are escaped."""
    line = json.dumps(obj, ensure_ascii=False)
    for char, escaped in _LINE_BREAKS_JSON_KEEPS.items():
        line = line.replace(char, escaped)
    return line


def _iob_text(value: str, where: str) -> str:
    """The text of a ``# text = ...`` line: a JSON string when quoted, else the raw rest of the line (CoNLL-U)."""
    if value.startswith('"'):
        try:
            text = json.loads(value)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{where}: '# text =' holds a malformed JSON string ({exc.msg})") from None
        if not isinstance(text, str):
            raise ValueError(f"{where}: '# text =' must hold a JSON string")
        return text
    return value


def _iob_docs(lines: Iterable[str], path: PathLike, label_map: Mapping[str, str] | None) -> list[AnnotatedDoc]:
    docs: list[AnnotatedDoc] = []
    words: list[str] = []
    tags: list[tuple[str, str] | None] = []  # (prefix, type) or None for O
    text: str | None = None  # the sentence's own text, from a "# text = " line
    opened = 0  # line number of that line

    def flush() -> None:
        nonlocal text
        if words:
            docs.append(_iob_sentence(words, tags, label_map, text, f"{path}:{opened}"))
        words.clear()
        tags.clear()
        text = None

    for lineno, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            flush()
            continue
        if line.startswith(IOB_TEXT_PREFIX):
            flush()
            text, opened = _iob_text(line[len(IOB_TEXT_PREFIX):], f"{path}:{lineno}"), lineno
            continue
        cols = line.split("\t") if "\t" in line else line.split()
        cols = [c.strip() for c in cols]
        cols = [cols[0]] + [c for c in cols[1:] if c]  # tolerate repeated tabs
        if cols[0] == "-DOCSTART-" and text is None:  # inside a sentence with its text, a word like any other
            flush()
            continue
        if len(cols) < 2 or not cols[0]:
            raise ValueError(f"{path}:{lineno}: expected 'token<TAB>tag', got {line!r}")
        token, tag = cols[0], cols[-1]
        if tag == "O":
            tags.append(None)
        else:
            m = _TAG_RE.match(tag)
            if m is None:
                raise ValueError(f"{path}:{lineno}: malformed tag {tag!r} (expected O, B-TYPE or I-TYPE)")
            tags.append((m.group(1), m.group(2)))
        words.append(token)
    flush()
    return docs


def _aligned(words: Sequence[str], text: str, where: str) -> list[tuple[int, int]]:
    """Each word's offsets in ``text``, found in order with only whitespace before it."""
    offsets: list[tuple[int, int]] = []
    pos = 0
    for k, w in enumerate(words):
        while pos < len(text) and text[pos].isspace():  # words hold no whitespace
            pos += 1
        if not text.startswith(w, pos):
            raise ValueError(f"{where}: token {k + 1} {w!r} is not the next word of the sentence's text "
                             f"(found {text[pos:pos + len(w) + 10]!r})")
        offsets.append((pos, pos + len(w)))
        pos += len(w)
    return offsets


def _iob_sentence(words: Sequence[str], tags: Sequence[tuple[str, str] | None],
                  label_map: Mapping[str, str] | None, text: str | None = None, where: str = "") -> AnnotatedDoc:
    offsets: list[tuple[int, int]] = []
    if text is None:
        pos = 0
        for w in words:
            offsets.append((pos, pos + len(w)))
            pos += len(w) + 1
        text = " ".join(words)
    else:
        offsets = _aligned(words, text, where)
    spans: list[Span] = []
    # The open span: (original type, start offset, end offset); continuation is decided on the
    # original types, as written in the file, and the map applied when the span is closed.
    cur: tuple[str, int, int] | None = None

    def close() -> None:
        nonlocal cur
        if cur is not None:
            label = _map_label(cur[0], label_map)
            if label is not None:
                spans.append(Span(cur[1], cur[2], label))
        cur = None

    for (start, end), tag in zip(offsets, tags):
        if tag is None:
            close()
        elif tag[0] == "I" and cur is not None and cur[0] == tag[1]:
            cur = (cur[0], cur[1], end)
        else:  # B-X, or an I-X that does not continue an X span (IOB1)
            close()
            cur = (tag[1], start, end)
    close()
    return AnnotatedDoc(text, tuple(spans), tuple(offsets))


def read_iob(path: PathLike, label_map: Mapping[str, str] | None = None) -> list[AnnotatedDoc]:
    """Read a two-column IOB file, one document per sentence (its own text when a ``# text = `` line gives it).

    Args:
        path: The file (UTF-8; a byte-order mark is dropped).
        label_map: Entity type renames; when given, types it does not name are dropped.

    Returns:
        One :class:`AnnotatedDoc` per non-empty sentence, with token offsets.

    Raises:
        FileNotFoundError: When the file does not exist.
        ValueError: On a malformed line (the message names the line number).
    """
    p = Path(path)
    return _iob_docs(_read_text(p).splitlines(), p, label_map)


def _check_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _jsonl_span(obj: Any, text: str, where: str, k: int, label_map: Mapping[str, str] | None) -> Span | None:
    if not isinstance(obj, dict):
        raise ValueError(f"{where}: spans[{k}] is not an object")
    start, end, label = obj.get("start"), obj.get("end"), obj.get("label")
    if not _check_int(start) or not _check_int(end):
        raise ValueError(f"{where}: spans[{k}] needs integer 'start' and 'end'")
    if not 0 <= start < end <= len(text):
        raise ValueError(f"{where}: spans[{k}] offsets {start}..{end} are not within the text "
                         f"(0 <= start < end <= {len(text)})")
    if not isinstance(label, str) or not label:
        raise ValueError(f"{where}: spans[{k}] needs a non-empty string 'label'")
    mapped = _map_label(label, label_map)
    if mapped is None:
        return None
    group, status, code, score, meta = (obj.get(f) for f in ("group", "status", "code", "score", "meta"))
    if group is not None and not _check_int(group):
        raise ValueError(f"{where}: spans[{k}].group must be an integer")
    if status is not None and not isinstance(status, str):
        raise ValueError(f"{where}: spans[{k}].status must be a string")
    if code is not None and not isinstance(code, str):
        raise ValueError(f"{where}: spans[{k}].code must be a string")
    if score is not None and (isinstance(score, bool) or not isinstance(score, (int, float))):
        raise ValueError(f"{where}: spans[{k}].score must be a number")
    if meta is not None and not isinstance(meta, dict):
        raise ValueError(f"{where}: spans[{k}].meta must be an object")
    return Span(start, end, mapped, group=group, status=status, code=code,
                score=float(score) if score is not None else None, meta=dict(meta or {}))


def jsonl_objects(lines: Iterable[str], path: PathLike) -> Iterator[tuple[str, dict[str, Any]]]:
    """``("file:line", object)`` for each non-blank line of a JSONL file.

    Raises:
        ValueError: a line that is not JSON, or not a JSON object (the message names the file and line).
    """
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{where}: invalid JSON ({exc.msg} at column {exc.colno})") from None
        if not isinstance(obj, dict):
            raise ValueError(f"{where}: expected a JSON object, got {type(obj).__name__}")
        yield where, obj


def _jsonl_docs(lines: Iterable[str], path: PathLike, label_map: Mapping[str, str] | None) -> list[AnnotatedDoc]:
    docs: list[AnnotatedDoc] = []
    for where, obj in jsonl_objects(lines, path):
        text = obj.get("text")
        if not isinstance(text, str):
            raise ValueError(f"{where}: 'text' must be a string")
        raw_spans = obj.get("spans")
        if not isinstance(raw_spans, list):
            raise ValueError(f"{where}: 'spans' must be a list")
        spans = [_jsonl_span(s, text, where, k, label_map) for k, s in enumerate(raw_spans)]
        docs.append(AnnotatedDoc(text, tuple(s for s in spans if s is not None)))
    return docs


def read_jsonl(path: PathLike, label_map: Mapping[str, str] | None = None) -> list[AnnotatedDoc]:
    """Read a JSONL file of ``{"text", "spans"}`` objects, validating every line.

    Args:
        path: The file (UTF-8; a byte-order mark is dropped). Blank lines are skipped.
        label_map: Entity type renames; when given, spans of types it does not name are dropped.

    Returns:
        One :class:`AnnotatedDoc` per object (``tokens`` is ``None``).

    Raises:
        FileNotFoundError: When the file does not exist.
        ValueError: ``"{path}:{lineno}: ..."`` on invalid JSON, a non-object line, a non-string ``text``,
            a missing or non-list ``spans``, or a span without integer offsets
            ``0 <= start < end <= len(text)`` and a string label.
    """
    p = Path(path)
    return _jsonl_docs(_read_text(p).splitlines(), p, label_map)


def load_annotated(path: PathLike, label_map: Mapping[str, str] | None = None) -> list[AnnotatedDoc]:
    """Read an annotated file, JSONL, IOB or spaCy DocBin.

    The file is a DocBin when its suffix is ``.spacy``; JSONL when its suffix is ``.jsonl``/``.json`` or its first
    non-blank line starts with ``{``; IOB otherwise.

    Args:
        path: The file.
        label_map: Entity type renames (see :func:`parse_label_map`); when given, unmapped types are dropped.

    Raises:
        FileNotFoundError: When the file does not exist.
        ValueError: On malformed content (the message names the file and line).
    """
    p = Path(path)
    if p.suffix.lower() == _DOCBIN_SUFFIX:
        return read_docbin(p, label_map)
    lines = _read_text(p).splitlines()
    first = next((ln.lstrip() for ln in lines if ln.strip()), "")
    if p.suffix.lower() in _JSONL_SUFFIXES or first.startswith("{"):
        return _jsonl_docs(lines, p, label_map)
    return _iob_docs(lines, p, label_map)


def write_jsonl(docs: Iterable[AnnotatedDoc], path: PathLike) -> Path:
    """Write documents as JSONL that :func:`read_jsonl` reads back to equal documents.

    Args:
        docs: The documents (token offsets are not written).
        path: The output file; its parent folder is created when missing.

    Returns:
        The path written.
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    with p.open("w", encoding="utf-8", newline="\n") as fh:
        for d in docs:
            fh.write(jsonl_line({"text": d.text, "spans": [s.to_dict() for s in d.spans]}))
            fh.write("\n")
    return p


def read_docbin(path: PathLike, label_map: Mapping[str, str] | None = None) -> list[AnnotatedDoc]:
    """Read a spaCy ``DocBin`` (``.spacy``, as ``spacy train`` takes): each doc's text and its ``doc.ents``.

    Args:
        path: The file.
        label_map: Entity type renames; when given, types it does not name are dropped.

    Returns:
        One :class:`AnnotatedDoc` per doc, with the doc's token offsets; an entity's group, status, code, score
        and meta come from ``doc.user_data[DOCBIN_SPANS_KEY]`` where it lists the entity (as
        :func:`core.exchange.write_docbin` writes it).

    Raises:
        FileNotFoundError: When the file does not exist.
        ValueError: When the file is not a DocBin, or a kept span field has the wrong type.
    """
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"annotated data file not found: {p}")
    from spacy.tokens import DocBin  # slow to import: only for DocBin files
    from spacy.vocab import Vocab

    try:
        docbin = DocBin().from_disk(p)
    except Exception as exc:  # msgpack/zlib errors of a file that is not a DocBin
        raise ValueError(f"{p}: not a spaCy DocBin ({type(exc).__name__}: {exc})") from None
    out = []
    for k, doc in enumerate(docbin.get_docs(Vocab())):
        kept = doc.user_data.get(DOCBIN_SPANS_KEY)
        fields = {(o.get("start"), o.get("end"), o.get("label")): o for o in kept or () if isinstance(o, dict)}
        spans = []
        for e in doc.ents:
            label = _map_label(e.label_, label_map)
            if label is None:
                continue
            obj = fields.get((e.start_char, e.end_char, e.label_))
            span = _jsonl_span(obj, doc.text, f"{p}: doc {k + 1}", 0, None) if obj else None
            spans.append(replace(span, label=label) if span else Span(e.start_char, e.end_char, label))
        out.append(AnnotatedDoc(doc.text, tuple(spans), tuple((t.idx, t.idx + len(t.text)) for t in doc)))
    return out


def gold_labels(docs: Iterable[AnnotatedDoc]) -> list[str]:
    """The sorted entity labels annotated in ``docs``."""
    return sorted({s.label for d in docs for s in d.spans})
