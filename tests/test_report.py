"""Case reports (core.report): every result and explanation in one self-contained, escaped HTML file and a PDF;
de-identification moves every offset onto the new text."""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser

import pytest

from core import report as rp
from tests.conftest import CARDIO

PAYLOAD = ('<script>alert(1)</script> <img src=x onerror=alert(2)> <a href="javascript:alert(3)">x</a> '
           "see http://attacker.invalid/steal and url(https://attacker.invalid/x.png) ")
NOTE = ("Patient: John Smith. Seen on 03/14/2024. " + PAYLOAD + CARDIO
        + " History of asthma. Allergic to penicillin. Assessment: gout. Hypertension. Plan lisinopril.")


class _Collect(HTMLParser):
    """Tags, attributes and text of a document (the standard library parser: what a browser tokenizes)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []
        self.text: list[str] = []

        self.css: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend((k, v or "") for k, v in attrs)
        self.css.extend(v or "" for k, v in attrs if k == "style")

    def handle_endtag(self, tag):
        self.tags.append("/" + tag)

    def handle_data(self, data):
        (self.css if self.tags and self.tags[-1] == "style" else self.text).append(data)


def _parse(doc: str) -> _Collect:
    p = _Collect()
    p.feed(doc)
    p.close()
    return p


@pytest.fixture(scope="module")
def runs(tiny_triage, tiny_drugs, tiny_conditions, tiny_ranker):
    """Each task's result on :data:`NOTE` and the explanation of its first target (gradient x input: fast)."""
    from core.tasks import get_task
    from core.treatments.suggest import TreatmentEngine

    engine = TreatmentEngine(tiny_conditions, drugs=tiny_drugs, ranker=tiny_ranker)
    models = {"triage": tiny_triage, "drugs": tiny_drugs, "conditions": tiny_conditions, "treatments": engine}
    results, explanations = {}, {}
    for name, model in models.items():
        task = get_task(name)
        results[name] = task.run(model, NOTE)
        targets = task.targets(results[name])
        if targets and not (name == "treatments" and model.ranker is None):
            explanations[name] = task.explain(model, NOTE, results[name], targets[0].key, "gxi", use_cache=False)
    assert "triage" in explanations
    return results, explanations


def test_the_html_is_self_contained_escaped_and_names_every_model(runs):
    results, explanations = runs
    when = datetime.datetime(2026, 12, 5, 10, 30, tzinfo=datetime.UTC)
    report = rp.build_report(NOTE, results, explanations, user='dr <b onmouseover="x">who</b>', created=when)
    doc = rp.render_html(report)
    parsed = _parse(doc)
    assert "script" not in parsed.tags and "img" not in parsed.tags and "a" not in parsed.tags
    assert not [k for k, _ in parsed.attrs if k.lower().startswith("on")]
    assert not [k for k, _ in parsed.attrs if k.lower() in ("src", "href", "action", "formaction", "srcset")]
    assert parsed.css and not [c for c in parsed.css if re.search(r"url\(|@import|expression\(", c, re.IGNORECASE)]
    assert not [v for _, v in parsed.attrs if v.strip().lower().startswith(("javascript:", "http:", "https:"))]
    assert ("http-equiv", "Content-Security-Policy") in parsed.attrs
    assert ("content", "default-src 'none'; style-src 'unsafe-inline'; img-src data:") in parsed.attrs
    # the payload is there, as text: escaped in the source, intact once parsed
    assert "&lt;script&gt;" in doc and "&lt;img src=x onerror=" in doc and "<script" not in doc.lower()
    assert "&lt;a href=&quot;javascript:" in doc
    text = "".join(parsed.text)
    assert "<script>alert(1)</script>" in text and "http://attacker.invalid/steal" in text
    assert 'dr <b onmouseover="x">who</b>' in text and "2026-12-05 10:30 UTC" in text
    for name, result in results.items():
        assert html_escape(str(result.model_version)) in doc, name
    assert f"knowledge base v{results['treatments'].versions['kb']}" in text
    # the suggestions with their knowledge-base basis and every flag's reason and basis
    suggestions = results["treatments"].suggestions
    assert suggestions and any(s.flags for s in suggestions)
    for s in suggestions:
        assert s.drug in text and s.source in text
        assert all(f.message in text and f.basis in text for f in s.flags)
    for section in ("Note", "Triage", "Medications", "Conditions", "Treatment suggestions", "Explanations"):
        assert f"<h2>{section}</h2>" in doc
    assert "Decision support only" in text and "not de-identified" in text
    # the explanations are highlighted words of the note, with the method and faithfulness figures
    assert doc.count('class="nl-heatmap"') == len(explanations)
    assert "Gradient x input" in text and "comprehensiveness" in text


def html_escape(s: str) -> str:
    import html

    return html.escape(s, quote=True)


def test_deidentified_report_replaces_the_name_and_date_and_keeps_every_offset_on_its_words(runs):
    results, explanations = runs
    report = rp.build_report(NOTE, results, explanations, user="alice", deidentify=True)
    assert report.deidentified and report.replaced >= 2
    assert "John Smith" not in report.note and "03/14/2024" not in report.note
    assert "[NAME]" in report.note and "[DATE]" in report.note
    # every finding still covers its words in the new text (a finding on the name now covers its placeholder)
    pairs = [*zip(results["drugs"].mentions, report.results["drugs"].mentions, strict=True),
             *zip(results["treatments"].conditions.mentions, report.results["treatments"].conditions.mentions,
                  strict=True)]
    assert pairs
    for a, b in pairs:
        assert report.note[b.span.start:b.span.end] == b.text
        if not {"John", "Smith", "03/14/2024"} & set(a.text.split()):
            assert b.text == a.text
        assert "John" not in b.text and "Smith" not in b.text
    for name, exp in report.explanations.items():
        assert all(report.note[w.start:w.end] == w.text for w in exp.words), name
        assert not any(w.text in ("John", "Smith") for w in exp.words)
    doc = rp.render_html(report)
    text = "".join(_parse(doc).text)
    assert "John Smith" not in doc and "03/14/2024" not in doc
    assert "De-identified" in text and "<script>alert(1)</script>" in text


def test_pdf_is_a_pdf_and_non_latin_text_does_not_crash(runs):
    results, explanations = runs
    note = NOTE + " Пациент жалуется на боль. 患者胸痛。 مريض 😀 \u200b"
    triage = results["triage"]
    report = rp.build_report(note, {"triage": triage}, {"triage": explanations["triage"]}, user="Zoë 王")
    pdf = rp.render_pdf(report)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF") and len(pdf) > 2000
    # DejaVu Sans (matplotlib's copy) draws Cyrillic and Latin accents; what it lacks prints as "?"
    assert rp._font_files() is not None
    assert rp._Pdf(report).safe("患 Zoë Ж\x07") == "? Zoë Ж "
    doc = rp.render_html(report)
    assert "患者胸痛" in doc and "Zoë 王" in doc


def test_full_pdf_and_without_a_unicode_font(runs, monkeypatch):
    results, explanations = runs
    report = rp.build_report(NOTE + " Пациент 患者 Zoë", results, explanations, user="alice")
    assert rp.render_pdf(report).startswith(b"%PDF-")
    monkeypatch.setattr(rp, "_font_files", lambda: None)   # no DejaVu: a core font, text transliterated to Latin-1
    assert rp._Pdf(report).safe("Пациент 患者 Zoë\tok") == "Patsient Huan Zhe  Zoë ok"
    assert rp.render_pdf(report).startswith(b"%PDF-")


def test_build_report_refuses_unknown_tasks_and_orphan_explanations(runs):
    results, explanations = runs
    with pytest.raises(ValueError, match="batch"):
        rp.build_report(NOTE, {"batch": results["triage"]}, {}, user="a")
    with pytest.raises(ValueError, match="triage"):
        rp.build_report(NOTE, {"drugs": results["drugs"]}, {"triage": explanations["triage"]}, user="a")
    with pytest.raises(ValueError, match="at least one"):
        rp.build_report(NOTE, {}, {}, user="a")
    naive = rp.build_report(NOTE, {"triage": results["triage"]}, {}, user="a",
                            created=datetime.datetime(2026, 1, 2, 3, 4))
    assert naive.created.tzinfo is not None and naive.created.hour == 3
