"""De-identification (core/deid.py): planted identifiers become typed placeholders, annotation spans keep their
words, exports stay readable by the tasks, and nothing is downloaded."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from core.deid import deidentify, deidentify_doc, find_names
from core.exchange import export_docs
from core.ner.data import AnnotatedDoc
from core.spans import Span
from core.tasks import get_task

ROOT = Path(__file__).resolve().parent.parent

NOTE = ("Patient: Dagny Quilaez, DOB: 11/10/1940   MRN: 48213377\n"
        "Date of service: January 20, 2023\n"
        "Primary care physician: Dr. Florence Lovley\n"
        "Mr. O'Brien is a 67-year-old man seen by Ana de la Cruz, MD on 2023-01-05.\n"
        "Call (555) 201-3344 or +44(0)115 4960914. Email jo.smith@example.org.\n"
        "Lives at 1224 Diane Rue Suite 757, Springfield, IL 62704. Hospital number: A1234567.\n"
        "Started warfarin 5 mg for atrial fibrillation.\n")

PLANTED = {"NAME": ["Dagny Quilaez", "Florence Lovley", "O'Brien", "Ana de la Cruz"],
           "DATE": ["11/10/1940", "January 20, 2023", "2023-01-05"],
           "PHONE": ["(555) 201-3344", "+44(0)115 4960914"], "MRN": ["48213377", "A1234567"],
           "ADDRESS": ["1224 Diane Rue Suite 757, Springfield, IL 62704"], "EMAIL": ["jo.smith@example.org"]}


def _spans(text: str, *pairs: tuple[str, str]) -> list[Span]:
    """Spans on the first occurrence of each ``(words, label)`` after the previous one."""
    out, at = [], 0
    for words, label in pairs:
        start = text.index(words, at)
        out.append(Span(start, start + len(words), label))
        at = start + len(words)
    return out


def _same_words(old_text: str, old: list, new_text: str, new: tuple) -> None:
    assert len(old) == len(new)
    for a, b in zip(old, new, strict=True):
        label = a["label"] if isinstance(a, dict) else a.label
        start, end = (b["start"], b["end"]) if isinstance(b, dict) else (b.start, b.end)
        assert (new_text[start:end], (b["label"] if isinstance(b, dict) else b.label)) == (
            old_text[a["start"]:a["end"]] if isinstance(a, dict) else old_text[a.start:a.end], label)


def test_each_planted_identifier_becomes_its_placeholder() -> None:
    out = deidentify(NOTE)
    for entity, values in PLANTED.items():
        for value in values:
            assert value not in out.text, (entity, value)
        assert f"[{entity}]" in out.text, entity
    assert {r.entity for r in out.replaced} == set(PLANTED)
    assert "Started warfarin 5 mg for atrial fibrillation." in out.text
    assert "Dr. [NAME]" in out.text and "Mr. [NAME] is a 67-year-old" in out.text   # titles stay: not identifying
    for r in out.replaced:   # each replacement says where its placeholder is
        assert out.text[r.new_start:r.new_end] == f"[{r.entity}]"


def test_spans_keep_their_words_with_unicode_tabs_and_adjacent_identifiers() -> None:
    text = ("華法林\tRE: José García-López (DOB 03/04/1950)\t華法林 5 mg 🙂 seen by Dr. Okafor\twarfarin "
            "daily; 01/02/2023 (555) 201-3344 aspirin\tMRN: 7654321\n")
    spans = _spans(text, ("華法林", "DRUG"), ("華法林", "DRUG"), ("5 mg", "STRENGTH"), ("warfarin", "DRUG"),
                   ("daily", "FREQUENCY"), ("aspirin", "DRUG"))
    out = deidentify(text, spans)
    assert "García" not in out.text and "Okafor" not in out.text and "7654321" not in out.text
    assert "[DATE] [PHONE] aspirin" in out.text   # adjacent identifiers, each with its own placeholder
    assert all(isinstance(s, Span) for s in out.spans)
    _same_words(text, spans, out.text, out.spans)


def test_an_identifier_right_before_or_after_a_span_moves_it() -> None:
    text = "Dr. Okafor:warfarin 5 mg;01/02/2023"
    spans = [{"start": 11, "end": 19, "label": "DRUG", "status": "current"},
             {"start": 20, "end": 24, "label": "STRENGTH"}]
    out = deidentify(text, spans)
    assert out.text == "Dr. [NAME]:warfarin 5 mg;[DATE]"
    assert out.spans[0] == {"start": 11, "end": 19, "label": "DRUG", "status": "current"}
    _same_words(text, spans, out.text, out.spans)


def test_a_span_overlapping_an_identifier_is_kept_as_written() -> None:
    text = "Mr. Parkinson has a resting tremor. Seen on 01/02/2023."
    spans = _spans(text, ("Parkinson", "CONDITION"))
    out = deidentify(text, spans)
    assert out.text == "Mr. Parkinson has a resting tremor. Seen on [DATE]."
    assert [(a, b, e) for a, b, e in out.kept] == [(4, 13, "NAME")]
    _same_words(text, spans, out.text, out.spans)
    assert "Parkinson" not in deidentify(text).text   # without the annotation it is a name


def test_names_from_titles_cues_credentials_and_known_first_names() -> None:
    def names(text: str) -> set[str]:
        return {text[a:b] for a, b, _ in find_names(text)}

    assert names("Seen by Dr. Bartholomew Quixote today.") == {"Bartholomew Quixote"}
    assert names("PATIENT NAME: QUILAEZ, DAGNY\n") == {"QUILAEZ, DAGNY"}
    assert names("Discussed with daughter Saoirse.") == {"Saoirse"}
    assert names("Signed: Kasimir Thorwick, RN") == {"Kasimir Thorwick"}
    assert names("John Zanwell reports pain. Zanwell denies fever.") == {"John Zanwell", "Zanwell"}
    assert names("Patient Education: reviewed. Plan: Continue Metformin.\nCC: hemoptysis") == set()


def test_jsonl_and_iob_exports_read_back_with_the_same_span_words(tmp_path: Path) -> None:
    text = "Patient: Ada Okafor, DOB 03/04/1950.\tStarted warfarin 5 mg on 01/02/2023; call 555-201-3344."
    doc = AnnotatedDoc(text, tuple(_spans(text, ("warfarin", "DRUG"), ("5 mg", "STRENGTH"))))
    for fmt, name in {"jsonl": "gold.jsonl", "iob": "gold.iob", "spacy": "gold.spacy"}.items():
        back = get_task("drugs").read_data(export_docs("drugs", [doc], fmt, tmp_path / name, deidentify=True))
        assert len(back) == 1
        assert "Okafor" not in back[0].text and "1950" not in back[0].text and "555-201" not in back[0].text
        assert [(back[0].text[s.start:s.end], s.label) for s in back[0].spans] == [("warfarin", "DRUG"),
                                                                                 ("5 mg", "STRENGTH")], fmt
    plain = get_task("drugs").read_data(export_docs("drugs", [doc], "jsonl", tmp_path / "plain.jsonl"))
    assert plain[0].text == text   # off unless asked


def test_triage_and_fhir_exports_are_deidentified(tmp_path: Path) -> None:
    path = export_docs("triage", [("Mr. Quixote, DOB 03/04/1950, chest pain.", "cardiology")], "csv",
                       tmp_path / "t.csv", deidentify=True)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert rows == [{"text": "Mr. [NAME], DOB [DATE], chest pain.", "label": "cardiology"}]
    doc = deidentify_doc(AnnotatedDoc("Dr. Okafor started warfarin.", (Span(19, 27, "DRUG"),)))
    assert doc.text == "Dr. [NAME] started warfarin." and doc.text[doc.spans[0].start:doc.spans[0].end] == "warfarin"
    fhir = export_docs("drugs", [AnnotatedDoc("Dr. Okafor started warfarin.", (Span(19, 27, "DRUG"),))], "fhir",
                       tmp_path / "f.ndjson", deidentify=True).read_text(encoding="utf-8")
    assert "Okafor" not in fhir and "warfarin" in fhir


def test_building_and_running_the_engines_opens_no_socket() -> None:
    code = ("import socket\n"
            "def deny(*a, **k):\n    raise OSError('network used')\n"
            "socket.socket.connect = deny\nsocket.create_connection = deny\nsocket.getaddrinfo = deny\n"
            "from core.deid import deidentify\n"
            "out = deidentify('Mr. Quixote, jo@example.org, 555-201-3344, 01/02/2023')\n"
            "print(out.text)\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "Mr. [NAME], [EMAIL], [PHONE], [DATE]"
