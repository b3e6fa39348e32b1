"""Which notes enter the review queue, and why.

A note enters only with its text, and its text is kept only by a person's act (privacy rules: a plain run stores no
text). So the queue is fed when someone sends feedback on a result, which keeps the note: the item's source says why
it is worth an annotator's time, in this order:

- ``flagged``: the person said the result was wrong or partly wrong;
- ``uncertain``: the triage model answered "uncertain" (its own calibrated doubt);
- ``low_confidence``: an entity the model found scored under :data:`LOW_CONFIDENCE` (for treatments: a condition
  the condition model found, under the record's ``conditions``; the ranker's fit is a ranking score, not a
  probability, and is not read as confidence);
- ``qc_sample``: none of these, but the note falls in the quality-control share (``qc_share`` of confirmed results,
  chosen by the note hash so the choice is stable): a check on what the model gets right.

An admin's batch enters through :func:`core.review.queue.enqueue` with source ``batch``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from core.review import queue

#: An entity scored under this is worth a second look.
LOW_CONFIDENCE = 0.6


def reason(task: str, output: dict[str, Any], verdict: str, note_hash: str, *, qc_share: float = 0.1) -> str | None:
    """Why a note with this result and verdict belongs in the queue, or ``None``."""
    if verdict in ("wrong", "partially_correct"):
        return "flagged"
    if output.get("uncertain") is True:
        return "uncertain"
    nested = output.get("conditions") if isinstance(output.get("conditions"), dict) else {}  # a treatments record
    found = output.get("entities") or output.get("mentions") or nested.get("entities") or nested.get("mentions") or []
    scores = [e.get("score") for e in found if isinstance(e, dict)]
    if any(isinstance(s, int | float) and s < LOW_CONFIDENCE for s in scores):
        return "low_confidence"
    return "qc_sample" if _qc(note_hash, qc_share) else None


def _qc(note_hash: str, share: float) -> bool:
    """In the quality-control share: hex digits 8-16 of the hash (the overlap uses 0-8, so the two are independent)."""
    return queue.doubled(note_hash[8:16], share)


def offer(task: str, *, prediction_id: int, output: dict[str, Any], model_version: str, verdict: str,
          note_text: str, note_hash: str, actor: str, overlap_share: float = 0.2, qc_share: float = 0.1,
          engine: Engine | None = None) -> int | None:
    """Enqueue the note if :func:`reason` gives one (prefilled with the model's stored output); returns the item id."""
    why = reason(task, output, verdict, note_hash, qc_share=qc_share)
    if why is None:
        return None
    return queue.enqueue(task, note_hash=note_hash, note_text=note_text, source=why, actor=actor, prefill=output,
                         model_version=model_version, prediction_id=prediction_id, overlap_share=overlap_share,
                         engine=engine)


def read_batch(path: Path) -> list[str]:
    """Notes of an admin's batch file, cleaned: ``.txt`` (one note), ``.csv`` (a ``text`` column), ``.jsonl``
    (``{"text": ...}`` per line). Empty notes are refused with the row that holds them.

    Raises:
        ValueError: an unknown suffix, a missing column, a bad line or an empty note (naming where).
    """
    import csv
    import json

    from core.text import NoteError, clean_note, read_upload

    suffix = path.suffix.lower()
    if suffix == ".txt":
        try:
            return [read_upload(path.read_bytes(), path.name)]
        except NoteError as err:
            raise ValueError(str(err)) from None
    if suffix == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            if "text" not in (reader.fieldnames or []):
                raise ValueError(f"{path.name}: a batch CSV needs a 'text' column")
            raw = [(f"row {i}", row["text"]) for i, row in enumerate(reader, start=2)]
    elif suffix == ".jsonl":
        raw = []
        for i, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
            if line.strip():
                try:
                    raw.append((f"line {i}", json.loads(line)["text"]))
                except (ValueError, KeyError, TypeError):
                    raise ValueError(f"{path.name}: line {i} is not a JSON object with a 'text'") from None
    else:
        raise ValueError(f"{path.name}: a batch is a .txt, .csv (text column) or .jsonl ({{\"text\"}}) file")
    notes = []
    for where, text in raw:
        try:
            notes.append(clean_note(text if isinstance(text, str) else ""))
        except NoteError as err:
            raise ValueError(f"{path.name}, {where}: {err}") from None
    return notes


def load_batch(task: str, notes: list[str], *, actor: str, predict: Any = None, overlap_share: float = 0.2,
               engine: Engine | None = None) -> list[int]:
    """Enqueue an admin's notes (source ``batch``); ``predict(text) -> (model_version, record)`` pre-fills each
    item with the model's text-free output when given. Returns the item ids (an already queued note keeps its item)."""
    from core.db.store import hash_text

    ids = []
    for text in notes:
        version, record = predict(text) if predict is not None else (None, None)
        ids.append(queue.enqueue(task, note_hash=hash_text(text), note_text=text, source="batch", actor=actor,
                                 prefill=record, model_version=version, overlap_share=overlap_share, engine=engine))
    return ids
