"""Exports that ``train TASK --data`` and ``evaluate TASK --data`` read back unchanged: same text, spans and labels.

Formats per task (:data:`FORMATS`; :func:`export_docs` is what the CLI calls):

* ``triage``: ``csv``, columns ``text,label`` (every field quoted; commas, quotes and newlines in notes survive).
* ``drugs`` and ``conditions``:

  - ``jsonl``: ``{"text", "spans": [{"start", "end", "label", ...}]}`` per line, character offsets (what
    ``evaluate drugs`` reads), with each span's group, status, code and score.
  - ``iob``: CoNLL-style ``token<TAB>tag``, one block per document opened by ``# text = "<JSON string>"`` so
    the reader recovers the exact text (tabs, newlines, runs of spaces) and so exact offsets. Tokens are the runs
    of non-whitespace, split further at every span edge, so no span is widened or shifted to a token boundary.
  - ``spacy``: a spaCy ``DocBin`` (``.spacy``; what ``spacy train`` takes), the spans as ``doc.ents`` and their
    other fields (group, status, code, score) in ``doc.user_data``. The text is cut into tokens at every whitespace
    change and span edge, so every span is exactly a token range.
  - ``fhir`` (drugs only, one way: no task reads it back): NDJSON, one FHIR R4 ``Bundle`` of
    ``MedicationStatement`` per document (:mod:`core.drugs.fhir`), attributes linked to their drug by ``group``.

* ``treatments``: ``jsonl``, judged notes ``{"text", "condition", "accept", "reject", "reviewed"}`` (what
  ``train treatments --data`` reads).

What a format cannot hold is refused with an error naming the document and span, never dropped or moved: in IOB
and DocBin, overlapping spans and spans that begin or end on whitespace; in IOB, labels with whitespace and
documents with no word; in the CSV, empty notes and labels with surrounding whitespace (the reader skips or
strips them).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from core.ner.data import DOCBIN_SPANS_KEY, IOB_TEXT_PREFIX, AnnotatedDoc, jsonl_line

PathLike = str | os.PathLike[str]

__all__ = ["FORMATS", "ExportError", "drug_result", "export_docs", "segments", "write_docbin", "write_drug_fhir",
           "write_iob", "write_judged_jsonl", "write_spans_jsonl", "write_triage_csv"]


class ExportError(ValueError):
    """A document or record the chosen format cannot hold exactly."""


def _open(path: PathLike) -> Path:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    return p


def _where(k: int, doc: AnnotatedDoc, span: Any = None) -> str:
    head = doc.text[:30].replace("\n", " ")
    out = f"document {k + 1} ({head!r}{'...' if len(doc.text) > 30 else ''})"
    if span is not None:
        out += f", span {span.start}..{span.end} {span.label} {doc.text[span.start:span.end]!r}"
    return out


# -- triage -------------------------------------------------------------------------------------------------
def write_triage_csv(records: Iterable[tuple[str, str]], path: PathLike) -> Path:
    """Write ``(text, label)`` records as a ``text,label`` CSV that ``train triage --data`` reads back unchanged.

    Raises:
        ExportError: a note that is empty or only whitespace, or a label that is empty or has surrounding
            whitespace (the reader would skip or strip them).
    """
    rows = list(records)
    for k, (text, label) in enumerate(rows):
        if not text.strip():
            raise ExportError(f"record {k + 1}: the note is empty; the reader would skip it")
        if not label or label != label.strip():
            raise ExportError(f"record {k + 1}: label {label!r} is empty or has surrounding whitespace")
    p = _open(path)
    with p.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow(["text", "label"])
        writer.writerows(rows)
    return p


# -- span tasks ---------------------------------------------------------------------------------------------
def write_spans_jsonl(docs: Iterable[AnnotatedDoc], path: PathLike) -> Path:
    """JSONL with character offsets and every span field (see :func:`core.ner.data.write_jsonl`).

    Raises:
        ExportError: a span outside its text or without a label (the reader would refuse the file).
    """
    docs = list(docs)
    for k, d in enumerate(docs):
        for s in d.spans:
            if not 0 <= s.start < s.end <= len(d.text) or not s.label:
                raise ExportError(f"{_where(k, d, s)}: offsets are not within the text or the label is empty")
    p = _open(path)
    with p.open("w", encoding="utf-8", newline="\n") as fh:
        for d in docs:
            fh.write(jsonl_line({"text": d.text, "spans": [s.to_dict() for s in d.spans]}) + "\n")
    return p


def _check_spans(k: int, doc: AnnotatedDoc) -> None:
    """Refuse what token-based formats cannot hold: overlapping spans, spans with whitespace at an edge."""
    last = None
    for s in doc.spans:
        if not 0 <= s.start < s.end <= len(doc.text):
            raise ExportError(f"{_where(k, doc, s)}: offsets are not within the text")
        if doc.text[s.start].isspace() or doc.text[s.end - 1].isspace():
            raise ExportError(f"{_where(k, doc, s)}: begins or ends on whitespace, which no token can hold")
        if last is not None and s.start < last.end:
            raise ExportError(f"{_where(k, doc, s)}: overlaps span {last.start}..{last.end} {last.label}; "
                              "IOB and DocBin hold one label per token (export JSONL instead)")
        last = s


def segments(doc: AnnotatedDoc) -> list[tuple[int, int]]:
    """The text cut at every change between whitespace and non-whitespace and at every span edge.

    Joined, the segments are the text; every span is a run of whole segments.
    """
    text = doc.text
    cuts = {0, len(text)} | {s.start for s in doc.spans} | {s.end for s in doc.spans}
    cuts |= {i for i in range(1, len(text)) if text[i].isspace() != text[i - 1].isspace()}
    edges = sorted(c for c in cuts if 0 <= c <= len(text))
    return [(a, b) for a, b in zip(edges, edges[1:]) if b > a]


def write_iob(docs: Iterable[AnnotatedDoc], path: PathLike) -> Path:
    """CoNLL-style IOB2, each document one block opened by its exact text as ``# text = "<JSON string>"``.

    :func:`core.ner.data.read_iob` reads it back to the same text and spans (readers that do not know the
    ``# text`` line see a comment, as in CoNLL-U).

    Raises:
        ExportError: a document without a word, a label with whitespace, or a span IOB cannot hold (see
            :func:`_check_spans`).
    """
    blocks = []
    for k, doc in enumerate(docs):
        _check_spans(k, doc)
        if not doc.text.strip():
            raise ExportError(f"{_where(k, doc)}: no word to write (IOB has no empty sentence)")
        for s in doc.spans:
            if any(c.isspace() for c in s.label) or not s.label:
                raise ExportError(f"{_where(k, doc, s)}: an IOB tag cannot hold an empty label or whitespace")
        words = [(a, b) for a, b in segments(doc) if not doc.text[a].isspace()]
        starts = [a for a, _ in words]
        tags = {}
        for s in doc.spans:
            for i in range(bisect_left(starts, s.start), bisect_left(starts, s.end)):
                tags[starts[i]] = f"{'B' if starts[i] == s.start else 'I'}-{s.label}"
        lines = [IOB_TEXT_PREFIX + jsonl_line(doc.text)]
        lines += [f"{doc.text[a:b]}\t{tags.get(a, 'O')}" for a, b in words]
        blocks.append("\n".join(lines) + "\n")
    p = _open(path)
    p.write_text("\n".join(blocks), encoding="utf-8", newline="\n")
    return p


def write_docbin(docs: Iterable[AnnotatedDoc], path: PathLike) -> Path:
    """A spaCy ``DocBin`` whose docs have the exact text and the spans as ``doc.ents``; spans' other fields go to
    ``doc.user_data[DOCBIN_SPANS_KEY]`` (read back by :func:`core.ner.data.read_docbin`, ignored by spaCy).

    Raises:
        ExportError: a span DocBin's entities cannot hold (see :func:`_check_spans`), or one spaCy does not
            align to tokens exactly.
    """
    from spacy.tokens import Doc, DocBin  # slow to import: only for this format
    from spacy.vocab import Vocab

    vocab = Vocab()
    docbin = DocBin(store_user_data=True)
    for k, d in enumerate(docs):
        _check_spans(k, d)
        segs = segments(d)
        doc = Doc(vocab, words=[d.text[a:b] for a, b in segs], spaces=[False] * len(segs))
        ents = []
        for s in d.spans:
            span = doc.char_span(s.start, s.end, label=s.label, alignment_mode="strict")
            if span is None:
                raise ExportError(f"{_where(k, d, s)}: not on spaCy token boundaries")
            ents.append(span)
        doc.ents = ents
        if any(s.to_dict().keys() - {"start", "end", "label"} for s in d.spans):
            doc.user_data[DOCBIN_SPANS_KEY] = [s.to_dict() for s in d.spans]
        if doc.text != d.text:
            raise ExportError(f"{_where(k, d)}: spaCy did not keep the text as written")
        docbin.add(doc)
    p = _open(path)
    docbin.to_disk(p)
    return p


def drug_result(doc: AnnotatedDoc, model_version: str = "reviewed") -> Any:
    """A document's ``DRUG`` spans as a :class:`core.drugs.types.DrugResult`, for FHIR.

    Each drug's status is its span's (``current`` when unset), its DrugBank id the span's ``code``; attribute
    spans (``STRENGTH``, ``DOSE`` ...) belong to the drug with the same ``group``.
    """
    from core.drugs.types import DrugIdentity, DrugMention, DrugResult
    from core.labels import ATTRIBUTE_LABELS

    drugs = [s for s in doc.spans if s.label == "DRUG"]
    mentions = []
    for s in drugs:
        words = doc.text[s.start:s.end]
        attributes = tuple(a for a in doc.spans if a.label in ATTRIBUTE_LABELS and a.group is not None
                           and a.group == s.group)
        texts: dict[str, list[str]] = {}
        for a in attributes:
            texts.setdefault(a.label, []).append(doc.text[a.start:a.end])
        identity = (DrugIdentity(canonical=words.lower(), name=words, drugbank_id=s.code, method="export",
                                 score=1.0, matched=words) if s.code else None)
        mentions.append(DrugMention(s, words, attributes=attributes, identity=identity, status=s.status or "current",
                                    attribute_texts={k: "; ".join(v) for k, v in texts.items()}))
    return DrugResult(tuple(mentions), doc.spans, model_version)


def write_drug_fhir(docs: Iterable[AnnotatedDoc], path: PathLike, *, subject: str = "Patient/unknown",
                    model_version: str = "reviewed", date: dt.datetime | None = None) -> Path:
    """NDJSON (as FHIR bulk data): one ``Bundle`` of ``MedicationStatement`` per document, note id ``doc-<n>``.

    Negated, allergy and family mentions are left out, as in :func:`core.drugs.fhir.medication_bundle`.
    """
    from core.drugs.fhir import medication_bundle

    date = date or dt.datetime.now(dt.UTC)
    p = _open(path)
    with p.open("w", encoding="utf-8", newline="\n") as fh:
        for k, doc in enumerate(docs):
            bundle = medication_bundle(drug_result(doc, model_version), note_id=f"doc-{k + 1}", subject=subject,
                                       date=date)
            fh.write(bundle.model_dump_json() + "\n")
    return p


# -- what the CLI calls -------------------------------------------------------------------------------------
Writer = Callable[[Any, PathLike], Path]
def write_judged_jsonl(rows: Iterable[dict[str, Any]], path: PathLike) -> Path:
    """Treatments: one judged note per line (:func:`core.review.data.judged_rows`), what ``train treatments
    --data`` reads (:func:`core.treatments.train.read_judged`)."""
    import json

    p = _open(path)
    with p.open("w", encoding="utf-8", newline="\n") as fh:
        for k, row in enumerate(rows):
            if not isinstance(row.get("text"), str) or not row["text"].strip() or not row.get("condition"):
                raise ExportError(f"judged note {k + 1}: needs a non-empty text and a condition")
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return p


_SPAN_FORMATS: dict[str, Writer] = {"jsonl": write_spans_jsonl, "iob": write_iob, "spacy": write_docbin}
#: task name -> format name -> writer(docs or records, path).
FORMATS: dict[str, dict[str, Writer]] = {"triage": {"csv": write_triage_csv},
                                         "drugs": {**_SPAN_FORMATS, "fhir": write_drug_fhir},
                                         "conditions": dict(_SPAN_FORMATS),
                                         "treatments": {"jsonl": write_judged_jsonl}}
#: Suffixes the readers need to recognise a format (``load_annotated`` picks DocBin by ``.spacy``, JSONL by
#: ``.jsonl``/``.json`` or a first ``{``).
_SUFFIX_RULES: dict[str, tuple[Sequence[str], bool]] = {"spacy": ((".spacy",), True),
                                                        "iob": ((".json", ".jsonl", ".spacy"), False)}


def export_docs(task_name: str, docs_or_records: Iterable[Any], fmt: str, path: PathLike, *,
                deidentify: bool = False) -> Path:
    """Write a task's examples in one of its :data:`FORMATS`, to a file ``train/evaluate TASK --data`` reads.

    Args:
        task_name: ``triage``, ``drugs``, ``conditions`` or ``treatments``.
        docs_or_records: ``(text, label)`` records for triage, :class:`AnnotatedDoc` for span tasks, judged-note
            rows for treatments (:func:`core.review.data.judged_rows`).
        fmt: A format name of the task (``csv``; ``jsonl``, ``iob``, ``spacy``; ``fhir`` for drugs).
        path: The output file; a DocBin's must end in ``.spacy`` and an IOB file's must not end in ``.json``,
            ``.jsonl`` or ``.spacy`` (the readers tell formats by suffix).
        deidentify: Replace names, dates, phone numbers, e-mail addresses, record numbers and street addresses
            with typed placeholders first (:func:`core.deid.deidentify`), the spans moved to the same words; an
            identifier that overlaps a span is left as written, so no annotation changes.

    Raises:
        KeyError: an unknown task or format (the message lists the known ones).
        ExportError: no example, the path's suffix would make the reader take it for another format, or an
            example the format cannot hold exactly.
    """
    formats = FORMATS.get(task_name)
    if formats is None:
        raise KeyError(f"no export for task {task_name!r}; tasks with exports: {', '.join(FORMATS)}")
    if fmt not in formats:
        raise KeyError(f"no {fmt!r} export for {task_name}; choose one of {', '.join(formats)}")
    suffix = Path(path).suffix.lower()
    if fmt in _SUFFIX_RULES:
        suffixes, required = _SUFFIX_RULES[fmt]
        if (suffix in suffixes) != required:
            need = f"end in {suffixes[0]}" if required else f"not end in {', '.join(suffixes)}"
            raise ExportError(f"{path}: a {fmt} export must {need}, so that --data reads it as {fmt}")
    examples = list(docs_or_records)
    if not examples:
        raise ExportError(f"nothing to export for {task_name}: --data refuses an empty file")
    if deidentify:
        from core import deid  # Presidio's imports take seconds: only when asked

        if task_name == "triage":
            examples = [(deid.deidentify(text).text, label) for text, label in examples]
        elif task_name == "treatments":
            examples = [{**row, "text": deid.deidentify(row["text"]).text} for row in examples]
        else:
            examples = [deid.deidentify_doc(d) for d in examples]
    return formats[fmt](examples, path)
