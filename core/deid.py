"""De-identification of notes that leave the machine: names, dates, phone numbers, e-mail addresses, record numbers
and street addresses become typed placeholders (``[NAME]``, ``[DATE]``, ``[PHONE]``, ``[EMAIL]``, ``[MRN]``,
``[ADDRESS]``), and the document's annotation spans move so that they still cover the same words.

Detection is Presidio's ``AnalyzerEngine`` over a blank spaCy English pipeline (spaCy's English models are not on
PyPI, and nothing here downloads): Presidio's recognizers for dates, phone numbers and e-mail addresses, plus the
project's own for record numbers after a cue, street addresses, dates written with month names, and names
(:func:`find_names`: after a title, after a cue word, before a credential, a known first name followed by a
capitalised word, then every other mention of a found name in the note). Replacement is Presidio's
``AnonymizerEngine``. The words and lists are data: ``core/knowledge/data/deid.yaml``.

The rule for annotations: an identifier that overlaps an annotation span is not replaced at all (it is listed in
:attr:`Deidentified.kept`), so an annotated clinical span's words never change; spans before, after or touching a
replaced identifier are moved by the difference in length.
"""

from __future__ import annotations

import dataclasses
import importlib
import threading
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import Any

import regex
from pydantic import field_validator

from core.knowledge.schema import Row, load_cached

DATA = Path(__file__).resolve().parent / "knowledge" / "data" / "deid.yaml"
ENTITIES = ("NAME", "DATE", "PHONE", "MRN", "ADDRESS", "EMAIL")
#: Presidio scores below this are not replaced (pattern-only guesses need a context word to pass it).
SCORE_THRESHOLD = 0.4

__all__ = ["DATA", "ENTITIES", "Deidentified", "Replacement", "deidentify", "deidentify_doc", "find_names",
           "name_lexicon", "rules"]


class DeidRules(Row):
    """``core/knowledge/data/deid.yaml`` (its header comment says what each list is for)."""

    placeholders: dict[str, str]
    name_lexicon_locales: tuple[str, ...]
    titles: tuple[str, ...]
    name_cues: tuple[str, ...]
    name_labels: tuple[str, ...]
    credentials: tuple[str, ...]
    name_followers: tuple[str, ...]
    name_particles: tuple[str, ...]
    not_names: tuple[str, ...]
    months: tuple[str, ...]
    street_suffixes: tuple[str, ...]
    unit_words: tuple[str, ...]
    record_cues: tuple[str, ...]
    phone_cues: tuple[str, ...]
    phone_regions: tuple[str, ...]
    date_cues: tuple[str, ...]
    address_cues: tuple[str, ...]

    @field_validator("placeholders")
    @classmethod
    def _every_entity(cls, v: dict[str, str]) -> dict[str, str]:
        if set(v) != set(ENTITIES):
            raise ValueError(f"placeholders must name exactly {', '.join(ENTITIES)}")
        return v


def rules() -> DeidRules:
    return load_cached(DATA, DeidRules)


def _alt(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first (so "patient name" wins over "patient")."""
    return "|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True))


# -- names ----------------------------------------------------------------------------------------------------
@cache
def name_lexicon() -> tuple[frozenset[str], frozenset[str]]:
    """The first and last names the name finder knows: Faker's lists for the YAML's ``name_lexicon_locales``."""
    people = [importlib.import_module(f"faker.providers.person.{loc}").Provider for loc in rules().name_lexicon_locales]
    return (frozenset[str]().union(*(getattr(p, "first_names", ()) for p in people)),
            frozenset[str]().union(*(getattr(p, "last_names", ()) for p in people)))


@cache
def _names() -> dict[str, Any]:
    """Compiled name rules and the lexicon."""
    r = rules()
    firsts, lasts = name_lexicon()
    stop = {w.lower() for w in r.not_names + r.titles}
    letter = r"(?<![\p{L}\d])"
    return {
        "stop": stop, "particles": set(r.name_particles), "firsts": firsts - set(r.not_names), "lasts": lasts,
        "title": regex.compile(letter + rf"(?:(?:{_alt(r.titles)})\.?|(?:{_alt(t.upper() for t in r.titles)})\.)"
                               r"[ \t]+"),
        "cue": regex.compile(letter + rf"(?:{_alt(r.name_cues)})(?![\p{{L}}])[ \t]*[:\-]?", regex.IGNORECASE),
        "label": regex.compile(letter + rf"(?:{_alt(r.name_labels)})(?![\p{{L}}])[ \t]*[:\-]?", regex.IGNORECASE),
        "after": regex.compile(rf"(?<![\p{{L}}]),?[ \t]*(?:(?:{_alt(r.credentials)})(?![\p{{L}}])|"
                               rf"{'|'.join(r.name_followers)})"),
    }


_WORD = regex.compile(r"\p{L}[\p{L}'’\-]*")
_SEP = regex.compile(r"[ \t]+|,[ \t]*")
_BLANK = regex.compile(r"[ \t]*,?[ \t]*")


def _name_word(tok: str, caps: bool) -> bool:
    """A capitalised word (``Okafor``, ``O'Brien``, ``García-López``; ``OKAFOR`` where ``caps``) that is no
    heading or common word."""
    n = _names()
    if tok.lower() in n["stop"] or len(tok) < 2 or not tok[0].isupper():
        return False
    return caps or not tok.isupper()


def _run(text: str, pos: int, *, caps: bool, min_words: int = 1, comma: bool = False
         ) -> tuple[int, int, list[str]] | None:
    """The name written from ``pos`` on the same line: up to 4 name words, initials (``J.``) and particles
    (``de la``, ``van``) before or inside them, and where ``comma``, one comma after the first word (``OKAFOR,
    ADA``); ``None`` when fewer than ``min_words`` name words."""
    n = _names()
    i, start, end, words, commas, lead = pos, None, None, [], 0, None
    while len(words) < 4:
        m = _WORD.match(text, i)
        if not m:
            break
        tok = m.group()
        if len(tok) == 1 and tok.isupper() and text[m.end():m.end() + 1] == ".":   # an initial
            i = m.end() + 1
            lead = m.start() if lead is None else lead
        elif tok in n["particles"]:
            i = m.end()
            lead = m.start() if lead is None else lead
        elif _name_word(tok, caps):
            start = (m.start() if lead is None else lead) if start is None else start
            end, i, lead = m.end(), m.end(), None
            words.append(tok)
        else:
            break
        sep = _SEP.match(text, i)
        if not sep or ("," in sep.group() and (not comma or commas or len(words) != 1)):
            break
        commas += "," in sep.group()
        i = sep.end()
    if start is None or end is None or len(words) < min_words:
        return None
    return start, end, words


def _run_before(text: str, pos: int, caps: bool) -> tuple[int, int, list[str]] | None:
    """The name that ends just before ``pos`` on its line (up to 4 words): for credentials and followers."""
    line_start = text.rfind("\n", 0, pos) + 1
    toks = list(_WORD.finditer(text, line_start, pos))
    first = None
    for m in reversed(toks):
        tok, gap = m.group(), text[m.end():(first.start() if first else pos)]
        initial = len(tok) == 1 and tok.isupper()
        if gap.strip(" \t") not in ("", ".", ","[:first is None]) or ("." in gap and not initial) or not (
                _name_word(tok, caps) or initial or (first is not None and tok in _names()["particles"])):
            break
        first = m
    return _run(text, first.start(), caps=caps, min_words=1) if first else None


def find_names(text: str) -> list[tuple[int, int, float]]:
    """Names in ``text`` as ``(start, end, score)``, overlapping finds merged; the title or cue before a name is not
    part of it."""
    n = _names()
    found: list[tuple[int, int, float]] = []
    words: set[str] = set()

    def add(run: tuple[int, int, list[str]] | None, score: float) -> None:
        if run:
            found.append((run[0], run[1], score))
            words.update(w for w in run[2] if len(w) > 2)

    for m in n["title"].finditer(text):
        add(_run(text, m.end(), caps=True), 0.85)
    for m in n["cue"].finditer(text):
        add(_run(text, _BLANK.match(text, m.end()).end(), caps=False), 0.7)
    for m in n["label"].finditer(text):   # a name in capitals only after "Label:" ("PATIENT: OKAFOR, ADA")
        run = _run(text, _BLANK.match(text, m.end()).end(), caps=m.group().endswith(":"), comma=True)
        if run and (len(run[2]) > 1 or run[2][0].title() in n["firsts"] or run[2][0].title() in n["lasts"]):
            add(run, 0.7)
    for m in n["after"].finditer(text):
        add(_run_before(text, m.start(), caps=True), 0.8)
    for m in _WORD.finditer(text):
        tok = m.group()
        if (tok in n["firsts"] or tok.title() in n["firsts"] and tok.isupper()) and _name_word(tok, caps=True):
            add(_run(text, m.start(), caps=tok.isupper(), min_words=2), 0.6)
    if words:   # every other mention of a found name ("Mr Okafor ... Okafor reports")
        again = regex.compile(rf"(?<![\p{{L}}])(?:{_alt(words | {w.upper() for w in words})})(?![\p{{L}}])")
        found += [(m.start(), m.end(), 0.5) for m in again.finditer(text)]
    merged: list[tuple[int, int, float]] = []
    for a, b, score in sorted(found):
        if merged and a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]), max(score, merged[-1][2]))
        else:
            merged.append((a, b, score))
    return merged


# -- the engines ----------------------------------------------------------------------------------------------
def _pattern_recognizers() -> list[Any]:
    """Presidio's date, phone and e-mail recognizers, and the project's record number, address and month-name
    date patterns (Presidio scores them; a context word within five words before raises a score by 0.35)."""
    from presidio_analyzer import Pattern, PatternRecognizer
    from presidio_analyzer.predefined_recognizers import DateRecognizer, EmailRecognizer, PhoneRecognizer

    r = rules()

    class OfflineEmail(EmailRecognizer):
        """Presidio's e-mail recognizer, its domain check on tldextract's bundled suffix list (no download)."""

        def validate_result(self, pattern_text: str) -> bool:
            return _tld_extract()(pattern_text).fqdn != ""

    mon = rf"(?:{_alt(r.months)})\.?"
    day = r"\d{1,2}(?:st|nd|rd|th)?"
    # street addresses are matched case-sensitively: capitalised street words ("1224 Diane Rue"), not prose
    word = r"(?:\p{Lu}[\p{L}'\-]*\.?|\d+(?:st|nd|rd|th)?)"
    suffix = _alt(r.street_suffixes + tuple(x.upper() for x in r.street_suffixes))
    unit = rf"(?:[ \t]*,?[ \t]*(?:{_alt(r.unit_words)})\.?[ \t]*[\w\-]+)?"
    city = rf"(?:[ \t]*,?[ \t]*{word}(?:[ \t]+{word}){{0,3}},?[ \t]+[A-Z]{{2}},?[ \t]+\d{{5}}(?:-\d{{4}})?)?"
    street = (rf"(?-i:\b\d{{1,6}}[A-Z]?[ \t]+(?:{word}[ \t]+){{1,4}}?(?:{suffix})\.?(?![\p{{L}}])"
              + unit + city + ")")
    cue = _alt(r.record_cues)
    record = rf"(?<=\b(?:{cue})[ \t]*(?:number|no\.?|#)?[ \t]*[:#]?[ \t]*)[A-Z]{{0,3}}-?\d[\d\-]{{3,12}}\d(?!\d)"
    phone = (r"(?<![\w+])(?:\+\d{1,3}[-. \t]?|00\d{1,2}[-. \t]?)?(?:\(\d{3}\)|\d{3})[-. \t]?\d{3}[-. \t]\d{4}"
             r"(?:[ \t]*(?:x|ext\.?|extension)[ \t]*\d{1,6})?(?!\d)")
    uk_phone = r"(?<![\w+])(?:\+44[ \t]?(?:\(0\))?[ \t]?|\(?0)\d{2,4}\)?[ \t]?\d{3,4}[ \t]?\d{3,4}(?!\d)"
    return [
        # Presidio's date patterns but "m/yy", which is as often a score ("pain 5/10")
        DateRecognizer(supported_entity="DATE", context=list(r.date_cues),
                       patterns=[p for p in DateRecognizer.PATTERNS if p.score > 0.1]),
        PatternRecognizer("DATE", name="MonthNameDates", context=list(r.date_cues), patterns=[
            Pattern("month day year", rf"\b{mon}[ \t]+{day},?[ \t]+\d{{4}}\b", 0.8),
            Pattern("day month year", rf"\b{day}[ \t]+(?:of[ \t]+)?{mon},?[ \t]+\d{{4}}\b", 0.8),
            Pattern("month year", rf"\b{mon}[ \t]+\d{{4}}\b", 0.5),
            Pattern("month day", rf"\b{mon}[ \t]+{day}\b", 0.2)]),
        PhoneRecognizer(supported_entity="PHONE", context=list(r.phone_cues), supported_regions=r.phone_regions),
        PatternRecognizer("PHONE", name="PhoneShapes", context=list(r.phone_cues), patterns=[
            Pattern("north american", phone, 0.5), Pattern("uk", uk_phone, 0.45),
            Pattern("ten digits", r"(?<![\w+])\d{10}(?!\d)", 0.3)]),
        OfflineEmail(supported_entity="EMAIL"),
        PatternRecognizer("MRN", name="RecordNumbers", context=list(r.record_cues), patterns=[
            Pattern("after a cue", record, 0.85), Pattern("long number", r"\b[A-Z]{0,3}\d{6,12}\b", 0.2)]),
        PatternRecognizer("ADDRESS", name="StreetAddresses", context=list(r.address_cues), patterns=[
            Pattern("street", street, 0.7),
            Pattern("city state zip", r"(?-i:\b\p{Lu}[\p{L}'.\-]+(?:[ \t]+\p{Lu}[\p{L}'.\-]+){0,3},[ \t]+[A-Z]{2}"
                    r"[ \t]+\d{5}(?:-\d{4})?\b)", 0.6)]),
    ]


@cache
def _tld_extract() -> Any:
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def _build() -> tuple[Any, Any]:
    import spacy
    from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry, RecognizerResult
    from presidio_analyzer.nlp_engine import SpacyNlpEngine
    from presidio_anonymizer import AnonymizerEngine

    class BlankEnglish(SpacyNlpEngine):
        """spaCy's blank English tokenizer; the lemma is the lower-cased word (what context words are matched
        against). Loads no model, so it never downloads one."""

        def load(self) -> None:
            self.nlp = {"en": spacy.blank("en")}

        def _doc_to_nlp_artifact(self, doc: Any, language: str) -> Any:
            for token in doc:
                token.lemma_ = token.lower_
            return super()._doc_to_nlp_artifact(doc, language)

    class NameRecognizer(EntityRecognizer):
        """The project's name finder (:func:`find_names`) as a Presidio recognizer."""

        def load(self) -> None:
            _names()

        def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[Any]:
            return [RecognizerResult("NAME", a, b, s) for a, b, s in find_names(text)]

    registry = RecognizerRegistry(recognizers=[*_pattern_recognizers(), NameRecognizer(["NAME"], name="Names")])
    engine = BlankEnglish(models=[{"lang_code": "en", "model_name": "blank"}])
    engine.load()
    analyzer = AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=["en"])
    return analyzer, AnonymizerEngine()


_LOCK = threading.Lock()
_ENGINES: tuple[Any, Any] | None = None


def _engines() -> tuple[Any, Any]:
    """The analyzer and anonymizer, built once per process (the first call takes seconds: Presidio's imports)."""
    global _ENGINES
    with _LOCK:
        if _ENGINES is None:
            _ENGINES = _build()
        return _ENGINES


# -- replacing ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Replacement:
    """One replaced identifier: where it was, where its placeholder is, what kind (never its text)."""

    start: int
    end: int
    new_start: int
    new_end: int
    entity: str


@dataclass(frozen=True)
class Deidentified:
    """The text with placeholders, the spans moved onto it, what was replaced, and the identifiers left in place
    because an annotation overlaps them (``(start, end, entity)`` in the original text)."""

    text: str
    spans: tuple[Any, ...]
    replaced: tuple[Replacement, ...]
    kept: tuple[tuple[int, int, str], ...] = ()


def _moved(span: Any, start: int, end: int) -> Any:
    if isinstance(span, dict):
        return {**span, "start": start, "end": end}
    if hasattr(span, "model_copy"):
        return span.model_copy(update={"start": start, "end": end})
    return dataclasses.replace(span, start=start, end=end)


def _identifiers(text: str) -> list[tuple[int, int, str, float]]:
    """Analyzer results above the threshold, overlapping ones merged into one (the highest score's entity)."""
    analyzer, _ = _engines()
    hits = sorted((h.start, h.end, h.entity_type, h.score) for h in analyzer.analyze(
        text=text, language="en", entities=list(ENTITIES), score_threshold=SCORE_THRESHOLD))
    merged: list[tuple[int, int, str, float]] = []
    for a, b, ent, score in hits:
        if merged and a < merged[-1][1]:
            pa, pb, pent, pscore = merged[-1]
            merged[-1] = (pa, max(pb, b), *((ent, score) if score > pscore else (pent, pscore)))
        else:
            merged.append((a, b, ent, score))
    return merged


def deidentify(text: str, spans: Iterable[Any] = ()) -> Deidentified:
    """``text`` with each identifier replaced by its placeholder, and ``spans`` (dicts or objects with
    ``start``/``end``; returned as the same kind) moved to the same words in the new text.

    An identifier overlapping any span is left as written (see the module docstring).
    """
    from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

    spans = tuple(spans)
    edges = [(s["start"], s["end"]) if isinstance(s, dict) else (s.start, s.end) for s in spans]
    todo, kept = [], []
    for a, b, ent, score in _identifiers(text) if text.strip() else []:
        (kept if any(a < e and s < b for s, e in edges) else todo).append((a, b, ent, score))
    if not todo:
        return Deidentified(text, spans, (), tuple((a, b, e) for a, b, e, _ in kept))
    _, anonymizer = _engines()
    ops = {e: OperatorConfig("replace", {"new_value": p}) for e, p in rules().placeholders.items()}
    out = anonymizer.anonymize(text, [RecognizerResult(e, a, b, s) for a, b, e, s in todo], operators=ops,
                               merge_entities_with_spaces=False)
    placed = sorted((i.start, i.end, i.entity_type) for i in out.items)
    replaced = tuple(Replacement(a, b, ns, ne, ent) for (a, b, ent, _), (ns, ne, _) in zip(todo, placed, strict=True))
    ends = [r.end for r in replaced]
    shift = [0, *accumulate((r.new_end - r.new_start) - (r.end - r.start) for r in replaced)]

    def move(pos: int) -> int:
        return pos + shift[bisect_right(ends, pos)]

    moved = tuple(_moved(s, move(a), move(b)) for s, (a, b) in zip(spans, edges, strict=True))
    return Deidentified(out.text, moved, replaced, tuple((a, b, e) for a, b, e, _ in kept))


def deidentify_doc(doc: Any) -> Any:
    """An :class:`core.ner.data.AnnotatedDoc` de-identified, its spans moved (token offsets are dropped: they
    belonged to the old text)."""
    out = deidentify(doc.text, doc.spans)
    return dataclasses.replace(doc, text=out.text, spans=out.spans, tokens=None)
