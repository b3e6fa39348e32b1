"""Reading annotated drug-entity files: IOB and JSONL, label maps, sniffing, round trips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.ner.data import AnnotatedDoc, gold_labels, load_annotated, parse_label_map, read_iob, read_jsonl, write_jsonl
from core.spans import Span

IOB = """\
-DOCSTART-\tO

Patient\tO
took\tO
aspirin\tB-Chemical
and\tO
acetylsalicylic\tB-Chemical
acid\tI-Chemical
for\tO
chest\tB-Disease
pain\tI-Disease
.\tO

Warfarin\tB-Chemical
"""


def _write(tmp_path: Path, name: str, content: str) -> Path:
    p = tmp_path / name
    p.write_text(content, encoding="utf-8")
    return p


def _triples(doc: AnnotatedDoc) -> list[tuple[str, str]]:
    return [(doc.text[s.start:s.end], s.label) for s in doc.spans]


# -- label maps ------------------------------------------------------------------------------------------

def test_parse_label_map():
    assert parse_label_map(["Chemical=DRUG", "Drug=DRUG"]) == {"Chemical": "DRUG", "Drug": "DRUG"}
    assert parse_label_map([" Chemical = DRUG "]) == {"Chemical": "DRUG"}
    assert parse_label_map(["Chemical=DRUG,Dose=DOSE"]) == {"Chemical": "DRUG", "Dose": "DOSE"}
    assert parse_label_map(None) is None
    assert parse_label_map([]) is None


@pytest.mark.parametrize("item", ["Chemical", "Chemical=", "=DRUG", "A=B=C", "Che mical=DRUG"])
def test_parse_label_map_malformed(item):
    with pytest.raises(ValueError, match="SOURCE=TARGET"):
        parse_label_map([item])


def test_parse_label_map_conflict():
    with pytest.raises(ValueError, match="mapped to both"):
        parse_label_map(["Chemical=DRUG", "Chemical=DOSE"])


# -- IOB -------------------------------------------------------------------------------------------------

def test_read_iob_sentences_offsets_and_spans(tmp_path):
    docs = read_iob(_write(tmp_path, "a.iob", IOB))
    assert len(docs) == 2  # DOCSTART skipped, no empty document
    d = docs[0]
    assert d.text == "Patient took aspirin and acetylsalicylic acid for chest pain ."
    assert d.spans == (Span(13, 20, "Chemical"), Span(25, 45, "Chemical"), Span(50, 60, "Disease"))
    assert _triples(d) == [("aspirin", "Chemical"), ("acetylsalicylic acid", "Chemical"),
                           ("chest pain", "Disease")]
    assert d.tokens is not None and len(d.tokens) == 10
    assert [d.text[a:b] for a, b in d.tokens] == d.text.split(" ")
    assert d.tokens[:3] == ((0, 7), (8, 12), (13, 20))
    assert docs[1].text == "Warfarin"
    assert docs[1].spans == (Span(0, 8, "Chemical"),)
    assert gold_labels(docs) == ["Chemical", "Disease"]


def test_read_iob_label_map_renames_and_drops(tmp_path):
    docs = read_iob(_write(tmp_path, "a.iob", IOB), {"Chemical": "DRUG"})
    assert _triples(docs[0]) == [("aspirin", "DRUG"), ("acetylsalicylic acid", "DRUG")]
    assert docs[0].tokens is not None and len(docs[0].tokens) == 10  # dropped types keep their tokens
    assert gold_labels(docs) == ["DRUG"]


def test_read_iob_iob1_and_type_changes(tmp_path):
    content = ("x\tO\naspirin\tI-Chemical\ntablets\tI-Chemical\nwarfarin\tB-Chemical\n"
               "heparin\tI-Drug\nflush\tI-Drug\n")
    d = read_iob(_write(tmp_path, "a.iob", content))[0]
    # An I- after O starts a span; an I- of another type starts a new one; B- always starts one.
    assert _triples(d) == [("aspirin tablets", "Chemical"), ("warfarin", "Chemical"), ("heparin flush", "Drug")]


def test_read_iob_space_separated_and_extra_columns(tmp_path):
    content = "Take NN O\nMetoprolol NNP B-Chemical\ntartrate NN I-Chemical\n\n\n\nnow RB O\n"
    docs = read_iob(_write(tmp_path, "a.txt", content))
    assert [d.text for d in docs] == ["Take Metoprolol tartrate", "now"]
    assert _triples(docs[0]) == [("Metoprolol tartrate", "Chemical")]
    assert docs[1].spans == ()


def test_read_iob_bom_and_crlf(tmp_path):
    p = tmp_path / "a.iob"
    p.write_bytes("\ufeffIbuprofen\tB-Chemical\r\n400\tO\r\n\r\nmg\tO\r\n".encode())
    docs = read_iob(p)
    assert [d.text for d in docs] == ["Ibuprofen 400", "mg"]
    assert _triples(docs[0]) == [("Ibuprofen", "Chemical")]


@pytest.mark.parametrize("bad", ["aspirin\tX-Chemical", "aspirin\tB-", "aspirin", "aspirin\tE-Chemical"])
def test_read_iob_malformed_line_names_the_line(tmp_path, bad):
    p = _write(tmp_path, "a.iob", f"Take\tO\n{bad}\nnow\tO\n")
    with pytest.raises(ValueError) as exc:
        read_iob(p)
    assert str(exc.value).startswith(f"{p}:2: ")


def test_read_iob_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="not found"):
        read_iob(tmp_path / "nope.iob")


# -- JSONL -----------------------------------------------------------------------------------------------

def _jsonl(tmp_path: Path, objs: list, name: str = "a.jsonl") -> Path:
    return _write(tmp_path, name, "\n".join(o if isinstance(o, str) else json.dumps(o) for o in objs) + "\n")


def test_read_jsonl(tmp_path):
    text = "Metoprolol 25 mg PO BID"
    p = _jsonl(tmp_path, [
        {"text": text, "spans": [{"start": 11, "end": 16, "label": "STRENGTH"},
                                 {"start": 0, "end": 10, "label": "DRUG"}]},
        "",
        {"text": "No meds.", "spans": []},
    ])
    docs = read_jsonl(p)
    assert len(docs) == 2
    assert docs[0].text == text and docs[0].tokens is None
    assert docs[0].spans == (Span(0, 10, "DRUG"), Span(11, 16, "STRENGTH"))  # sorted
    assert _triples(docs[0]) == [("Metoprolol", "DRUG"), ("25 mg", "STRENGTH")]
    assert docs[1].spans == ()
    assert gold_labels(docs) == ["DRUG", "STRENGTH"]


def test_read_jsonl_label_map(tmp_path):
    p = _jsonl(tmp_path, [{"text": "aspirin for pain", "spans": [{"start": 0, "end": 7, "label": "Chemical"},
                                                                  {"start": 12, "end": 16, "label": "Disease"}]}])
    assert read_jsonl(p, {"Chemical": "DRUG"})[0].spans == (Span(0, 7, "DRUG"),)
    assert read_jsonl(p)[0].spans == (Span(0, 7, "Chemical"), Span(12, 16, "Disease"))


@pytest.mark.parametrize("line, msg", [
    ("{not json", "invalid JSON"),
    ("[1, 2]", "expected a JSON object"),
    ({"text": 3, "spans": []}, "'text' must be a string"),
    ({"text": "abc"}, "'spans' must be a list"),
    ({"text": "abc", "spans": [[0, 1, "DRUG"]]}, r"spans\[0\] is not an object"),
    ({"text": "abc", "spans": [{"start": 0, "end": 4, "label": "DRUG"}]}, "not within the text"),
    ({"text": "abc", "spans": [{"start": 2, "end": 2, "label": "DRUG"}]}, "not within the text"),
    ({"text": "abc", "spans": [{"start": -1, "end": 2, "label": "DRUG"}]}, "not within the text"),
    ({"text": "abc", "spans": [{"start": "0", "end": 2, "label": "DRUG"}]}, "integer 'start' and 'end'"),
    ({"text": "abc", "spans": [{"start": 0.0, "end": 2, "label": "DRUG"}]}, "integer 'start' and 'end'"),
    ({"text": "abc", "spans": [{"start": True, "end": 2, "label": "DRUG"}]}, "integer 'start' and 'end'"),
    ({"text": "abc", "spans": [{"start": 0, "end": 2}]}, "string 'label'"),
])
def test_read_jsonl_validation_names_the_line(tmp_path, line, msg):
    p = _jsonl(tmp_path, [{"text": "ok", "spans": []}, "", line])
    with pytest.raises(ValueError, match=msg) as exc:
        read_jsonl(p)
    assert str(exc.value).startswith(f"{p}:3: ")


def test_load_annotated_sniffs_the_format(tmp_path):
    obj = {"text": "aspirin", "spans": [{"start": 0, "end": 7, "label": "DRUG"}]}
    for name in ("a.jsonl", "a.json", "a.txt"):  # by suffix, or by a first non-blank line starting with '{'
        docs = load_annotated(_write(tmp_path, name, "\n" + json.dumps(obj) + "\n"))
        assert docs == [AnnotatedDoc("aspirin", (Span(0, 7, "DRUG"),))]
    iob = load_annotated(_write(tmp_path, "b.iob", IOB), {"Chemical": "DRUG"})
    assert len(iob) == 2 and iob[0].tokens is not None
    assert _triples(iob[1]) == [("Warfarin", "DRUG")]
    with pytest.raises(FileNotFoundError, match="missing.jsonl"):
        load_annotated(tmp_path / "missing.jsonl")
    bom = tmp_path / "bom.jsonl"
    bom.write_bytes(b"\xef\xbb\xbf" + json.dumps(obj).encode())
    assert load_annotated(bom)[0].spans == (Span(0, 7, "DRUG"),)


def test_write_read_round_trip(tmp_path):
    drug = Span(0, 5, "DRUG", group=0, status="current", code="DB00695", score=0.9, meta={"k": "v"})
    docs = [AnnotatedDoc("Lasix 40 mg \u00e9 daily", (Span(6, 11, "STRENGTH"), drug)),
            AnnotatedDoc("nothing here", ())]
    p = write_jsonl(docs, tmp_path / "out" / "docs.jsonl")
    back = read_jsonl(p)
    assert back == docs
    assert back[0].spans[0].meta == {"k": "v"} and back[0].spans[0].code == "DB00695"
    assert "\u00e9" in p.read_text(encoding="utf-8")  # written as UTF-8, not escaped
    # IOB documents round-trip too (without their token offsets).
    iob = read_iob(_write(tmp_path, "a.iob", IOB))
    again = read_jsonl(write_jsonl(iob, tmp_path / "iob.jsonl"))
    assert [(d.text, d.spans) for d in again] == [(d.text, d.spans) for d in iob]
