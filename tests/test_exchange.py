"""Exports read back by the tasks' own readers (``train/evaluate TASK --data``) to the same text, spans and labels."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.exchange import FORMATS, ExportError, export_docs, segments, write_docbin, write_iob, write_triage_csv
from core.ner.data import AnnotatedDoc, read_iob, read_jsonl, write_jsonl
from core.spans import Span
from core.tasks import get_task

#: Scripts, marks and whitespace that break naive exporters: CJK, Arabic, Devanagari, emoji (astral, ZWJ
#: sequences), combining marks, tabs, runs of spaces, CR/LF and the other characters ``str.splitlines`` breaks on,
#: no-break space, quotes, commas and the characters IOB/JSON/CSV treat specially.
ALPHABET = list("abcXYZ019 ,.;:-\"'#{}[]\\/=") + [
    "\t", "\n", "\r", "  ", "\u00a0", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\u3000",
    "華", "法", "林", "مرحبا", "ह", "ि", "🙂", "👩\u200d⚕️", "e\u0301", "\u0301", "\u200b", "\ufeff",
    "-DOCSTART-", "# text = ", "B-DRUG", "O",
]
#: Pieces of text: the alphabet above, or any character (other than a lone surrogate, which UTF-8 cannot hold).
PIECES = st.sampled_from(ALPHABET) | st.characters(exclude_categories=("Cs",))
LABELS = ["DRUG", "STRENGTH", "CONDITION", "Chemical", "X-1", "藥"]
SPAN_FORMATS = {"jsonl": "data.jsonl", "iob": "data.iob", "spacy": "data.spacy"}
PROPERTY = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                              HealthCheck.too_slow])


@st.composite
def annotated(draw: st.DrawFn) -> AnnotatedDoc:
    """A text of the alphabet with non-overlapping spans (adjacent ones included) that begin and end on a
    non-whitespace character, as token formats require."""
    text = "".join(draw(st.lists(PIECES, min_size=1, max_size=25)))
    if not text.strip():
        text += "w"
    cuts = sorted(draw(st.sets(st.integers(0, len(text)), max_size=10)))
    spans = []
    for a, b in zip(cuts, cuts[1:]):
        if draw(st.booleans()) and not text[a].isspace() and not text[b - 1].isspace():
            spans.append(Span(a, b, draw(st.sampled_from(LABELS)), group=draw(st.none() | st.integers(0, 3)),
                              status=draw(st.none() | st.sampled_from(["current", "negated"])),
                              code=draw(st.none() | st.just("DB00682"))))
    return AnnotatedDoc(text, tuple(spans))


#: A document with a label the drug model knows, so the file passes ``read_data``'s check.
ANCHOR = AnnotatedDoc("Started warfarin 5 mg.", (Span(8, 16, "DRUG"), Span(17, 21, "STRENGTH")))


def _same(docs: list[AnnotatedDoc], fields: bool = True) -> list[tuple[str, tuple[Span, ...]]]:
    """Text and spans; only offsets and labels when ``fields`` is false (IOB holds no other field)."""
    return [(d.text, d.spans if fields else tuple(Span(s.start, s.end, s.label) for s in d.spans)) for d in docs]


@pytest.mark.parametrize("fmt", sorted(SPAN_FORMATS))
@PROPERTY
@given(docs=st.lists(annotated(), min_size=1, max_size=4))
def test_span_exports_read_back_by_the_task_unchanged(tmp_path: Path, fmt: str, docs: list[AnnotatedDoc]) -> None:
    data = [ANCHOR, *docs]
    path = export_docs("drugs", data, fmt, tmp_path / SPAN_FORMATS[fmt])
    back = get_task("drugs").read_data(path)
    assert _same(back, fmt != "iob") == _same(data, fmt != "iob")


@PROPERTY
@given(docs=st.lists(annotated(), min_size=1, max_size=4))
def test_conditions_read_the_same_exports(tmp_path: Path, docs: list[AnnotatedDoc]) -> None:
    data = [AnnotatedDoc("Known asthma.", (Span(6, 12, "CONDITION"),)), *docs]
    for fmt, name in SPAN_FORMATS.items():
        back = get_task("conditions").read_data(export_docs("conditions", data, fmt, tmp_path / name))
        assert _same(back, fmt != "iob") == _same(data, fmt != "iob"), fmt


def test_iob_splits_tokens_at_span_edges_and_keeps_the_text(tmp_path: Path) -> None:
    text = "Took  aspirin81mg\tbid\n華法林と مرحبا"
    doc = AnnotatedDoc(text, (Span(6, 13, "DRUG"), Span(13, 17, "STRENGTH"), Span(22, 25, "DRUG"),
                              Span(25, 26, "DRUG")))
    path = write_iob([doc], tmp_path / "x.iob")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == '# text = "Took  aspirin81mg\\tbid\\n華法林と مرحبا"'
    assert lines[1:] == ["Took\tO", "aspirin\tB-DRUG", "81mg\tB-STRENGTH", "bid\tO", "華法林\tB-DRUG",
                         "と\tB-DRUG", "مرحبا\tO"]
    [back] = read_iob(path)
    assert back.text == text and back.spans == doc.spans
    assert [text[a:b] for a, b in back.tokens] == ["Took", "aspirin", "81mg", "bid", "華法林", "と", "مرحبا"]


def test_segments_cover_the_text_and_every_span_edge() -> None:
    doc = AnnotatedDoc("ab  cd\te", (Span(1, 5, "X"),))
    segs = segments(doc)
    assert "".join(doc.text[a:b] for a, b in segs) == doc.text
    assert segs == [(0, 1), (1, 2), (2, 4), (4, 5), (5, 6), (6, 7), (7, 8)]


@pytest.mark.parametrize("writer", [write_iob, write_docbin], ids=["iob", "spacy"])
@pytest.mark.parametrize(("spans", "message"), [
    ((Span(0, 7, "DRUG"), Span(5, 7, "STRENGTH")), "overlaps span 0..7 DRUG"),
    ((Span(0, 8, "DRUG"),), "span 0..8 DRUG .aspirin .: begins or ends on whitespace"),
    ((Span(7, 10, "DRUG"),), "begins or ends on whitespace"),
])
def test_token_formats_refuse_what_they_cannot_hold(tmp_path: Path, writer, spans, message) -> None:
    doc = AnnotatedDoc("aspirin 81 mg", spans)
    with pytest.raises(ExportError, match=message) as err:
        writer([ANCHOR, doc], tmp_path / "x.spacy")
    assert "document 2 ('aspirin 81 mg')" in str(err.value)
    assert not (tmp_path / "x.spacy").exists()


def test_iob_refuses_labels_with_whitespace_and_documents_without_a_word(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="whitespace"):
        write_iob([AnnotatedDoc("aspirin", (Span(0, 7, "A DRUG"),))], tmp_path / "x.iob")
    with pytest.raises(ExportError, match="no word"):
        write_iob([AnnotatedDoc(" \n\t")], tmp_path / "x.iob")


def test_jsonl_keeps_overlaps_whitespace_edges_and_span_fields(tmp_path: Path) -> None:
    text = "take\u2028aspirin\x85 81 mg\u2029"
    spans = (Span(0, 12, "DRUG", group=1, status="current", code="DB00945", score=0.5), Span(4, 12, "DRUG"),
             Span(12, 16, "STRENGTH", group=1))
    path = export_docs("drugs", [AnnotatedDoc(text, spans)], "jsonl", tmp_path / "x.jsonl")
    assert len(path.read_text(encoding="utf-8").splitlines()) == 1
    [back] = read_jsonl(path)
    assert back.text == text and back.spans == tuple(sorted(spans, key=lambda s: (s.start, s.end, s.label)))


def test_write_jsonl_escapes_line_separators_that_splitlines_breaks_on(tmp_path: Path) -> None:
    doc = AnnotatedDoc("a\u2028b\x85c\u2029d", (Span(2, 3, "DRUG"),))
    path = write_jsonl([doc, doc], tmp_path / "x.jsonl")
    assert len(path.read_text(encoding="utf-8").splitlines()) == 2
    assert read_jsonl(path) == [doc, doc]


def test_docbin_holds_the_text_and_ents_for_spacy(tmp_path: Path) -> None:
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    text = "Took  aspirin81mg\n華法林"
    path = write_docbin([AnnotatedDoc(text, (Span(6, 13, "DRUG"), Span(18, 21, "DRUG")))], tmp_path / "x.spacy")
    [doc] = DocBin().from_disk(path).get_docs(Vocab())
    assert doc.text == text
    assert [(e.start_char, e.end_char, e.label_, e.text) for e in doc.ents] == [(6, 13, "DRUG", "aspirin"),
                                                                                (18, 21, "DRUG", "華法林")]


def test_iob_text_line_reader_checks_tokens_and_keeps_old_files(tmp_path: Path) -> None:
    old = tmp_path / "old.iob"
    old.write_text("Took\tO\naspirin\tB-DRUG\n\n#\tO\n", encoding="utf-8")
    assert _same(read_iob(old)) == [("Took aspirin", (Span(5, 12, "DRUG"),)), ("#", ())]
    conllu = tmp_path / "conllu.iob"
    conllu.write_text("# text = Took  aspirin.\nTook\tO\naspirin\tB-DRUG\n.\tO\n", encoding="utf-8")
    assert _same(read_iob(conllu)) == [("Took  aspirin.", (Span(6, 13, "DRUG"),))]
    bad = tmp_path / "bad.iob"
    bad.write_text('# text = "Took aspirin"\nTook\tO\nwarfarin\tB-DRUG\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.iob:1: token 2 'warfarin' is not the next word"):
        read_iob(bad)


@PROPERTY
@given(records=st.lists(st.tuples(st.lists(PIECES, min_size=1, max_size=20).map("".join).filter(str.strip),
                                  st.sampled_from(["cardiology", "neurology", "Ärzte, \"allg\""])),
                        min_size=1, max_size=6))
def test_triage_csv_reads_back_unchanged(tmp_path: Path, records: list[tuple[str, str]]) -> None:
    path = export_docs("triage", records, "csv", tmp_path / "t.csv")
    assert get_task("triage").read_data(path) == records


def test_triage_csv_quotes_commas_quotes_and_newlines(tmp_path: Path) -> None:
    records = [('Chest pain, "crushing"\r\nradiating\tleft', "cardiology"), ("頭痛\n\nمرحبا", "neurology")]
    path = write_triage_csv(records, tmp_path / "t.csv")
    with path.open(newline="", encoding="utf-8") as fh:
        assert list(csv.reader(fh)) == [["text", "label"], *map(list, records)]
    assert get_task("triage").read_data(path) == records


def test_triage_csv_refuses_rows_the_reader_would_skip_or_change(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="record 2: the note is empty"):
        write_triage_csv([("a", "cardiology"), (" \n", "cardiology")], tmp_path / "t.csv")
    with pytest.raises(ExportError, match="surrounding whitespace"):
        write_triage_csv([("a", " cardiology")], tmp_path / "t.csv")


def test_export_docs_checks_task_format_and_suffix(tmp_path: Path) -> None:
    assert set(FORMATS) == {"triage", "drugs", "conditions", "treatments"}
    assert set(FORMATS["drugs"]) == {"jsonl", "iob", "spacy", "fhir"}
    assert set(FORMATS["conditions"]) == set(SPAN_FORMATS)
    with pytest.raises(KeyError, match="choose one of jsonl, iob, spacy"):
        export_docs("drugs", [ANCHOR], "conll", tmp_path / "x")
    with pytest.raises(KeyError, match="tasks with exports"):
        export_docs("summaries", [], "csv", tmp_path / "x.csv")
    with pytest.raises(KeyError, match="choose one of jsonl"):
        export_docs("treatments", [], "csv", tmp_path / "x.csv")
    with pytest.raises(ExportError, match=r"must end in \.spacy"):
        export_docs("drugs", [ANCHOR], "spacy", tmp_path / "x.bin")
    with pytest.raises(ExportError, match=r"must not end in \.json"):
        export_docs("drugs", [ANCHOR], "iob", tmp_path / "x.json")
    with pytest.raises(ExportError, match="nothing to export"):
        export_docs("conditions", [], "jsonl", tmp_path / "x.jsonl")
    with pytest.raises(ExportError, match=r"document 2 \('aspirin'\), span 3..9 DRUG"):
        export_docs("drugs", [ANCHOR, AnnotatedDoc("aspirin", (Span(3, 9, "DRUG"),))], "jsonl", tmp_path / "x.jsonl")
    path = export_docs("drugs", [ANCHOR], "iob", tmp_path / "x.conll")
    assert json.loads(path.read_text(encoding="utf-8").splitlines()[0][len("# text = "):]) == ANCHOR.text


def test_drug_fhir_export_is_one_bundle_per_document(tmp_path: Path) -> None:
    text = "Warfarin 5 mg po daily. No aspirin.\n華法林 2 mg"
    doc = AnnotatedDoc(text, (Span(0, 8, "DRUG", group=0, code="DB00682"), Span(9, 13, "STRENGTH", group=0),
                              Span(14, 16, "ROUTE", group=0), Span(27, 34, "DRUG", group=1, status="negated"),
                              Span(36, 39, "DRUG", group=2, status="discontinued"), Span(40, 44, "STRENGTH", group=2)))
    path = export_docs("drugs", [doc, AnnotatedDoc("nothing")], "fhir", tmp_path / "meds.ndjson")
    first, second = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines())
    assert first["resourceType"] == "Bundle" and "entry" not in second
    statements = [e["resource"] for e in first["entry"]]
    assert [(m["medicationCodeableConcept"]["text"], m["status"]) for m in statements] == [("Warfarin", "active"),
                                                                                          ("華法林", "stopped")]
    assert statements[0]["medicationCodeableConcept"]["coding"][0]["code"] == "DB00682"
    assert statements[0]["dosage"][0]["text"] == "5 mg po"
    assert statements[1]["dosage"][0]["doseAndRate"][0]["doseQuantity"] == {"value": 2, "unit": "mg",
                                                                            "system": "http://unitsofmeasure.org",
                                                                            "code": "mg"}


def test_docbin_keeps_span_fields_and_honours_a_label_map(tmp_path: Path) -> None:
    from core.ner.data import read_docbin

    spans = (Span(0, 8, "DRUG", group=0, status="negated", code="DB00682", score=0.25, meta={"source": "review"}),
             Span(9, 13, "STRENGTH", group=0))
    path = write_docbin([AnnotatedDoc("warfarin 5 mg", spans)], tmp_path / "x.spacy")
    [back] = read_docbin(path)
    assert back.spans == spans and back.spans[0].meta == {"source": "review"}
    [mapped] = read_docbin(path, {"DRUG": "Chemical"})
    assert [(s.start, s.end, s.label, s.status) for s in mapped.spans] == [(0, 8, "Chemical", "negated")]


def test_evaluate_scores_every_export_of_the_same_documents_the_same(tmp_path: Path, tiny_drug_artifact) -> None:
    from typer.testing import CliRunner

    from core.cli import app
    from tests.conftest import toy_drug_docs

    odd = AnnotatedDoc("Took  華法林\twith metoprolol25 mg\n\nمرحبا", (Span(6, 9, "DRUG"), Span(15, 25, "DRUG"),
                                                                        Span(25, 30, "STRENGTH")))
    docs = [*toy_drug_docs(6), odd]
    scores = {}
    for fmt, name in SPAN_FORMATS.items():
        path = export_docs("drugs", docs, fmt, tmp_path / name)
        res = CliRunner().invoke(app, ["evaluate", "drugs", "--data", str(path)])
        assert res.exit_code == 0, res.output
        out = json.loads([line for line in res.stdout.strip().splitlines() if line.strip()][-1])
        scores[fmt] = (out["n_docs"], out["labels"], out["strict"], out["lenient"])
    assert scores["jsonl"][0] == len(docs) and scores["jsonl"][2]["f1"] > 0  # the model finds some: scores can differ
    assert scores["iob"] == scores["jsonl"] == scores["spacy"]
