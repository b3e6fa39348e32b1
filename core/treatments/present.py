"""Rows and sentences the Treatment page shows (plain data; the page escapes what it renders)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.knowledge.kb import KnowledgeBase
from core.labels import CONDITION_STATUS_TEXT
from core.treatments.safety import Flag
from core.treatments.suggest import Suggestion, TreatmentResult

TAG_TEXT = {"renal_impairment": "renal impairment", "hepatic_impairment": "hepatic impairment",
            "gi_bleeding": "GI bleeding history", "bleeding_risk": "bleeding risk",
            "qt_prolongation": "QT prolongation", "heart_failure": "heart failure",
            "urinary_retention": "urinary retention", "myasthenia_gravis": "myasthenia gravis",
            "active_infection": "active infection", "coronary_disease": "coronary disease"}

#: How the page names each knowledge-base role (``line``, :data:`core.labels.THERAPY_LINES`).
ROLE_TEXT: dict[str, str] = {"first": "first-line", "alternative": "alternative", "adjunct": "adjunct (add-on)",
                             "supportive": "supportive", "specialist": "specialist only"}


def role_text(line: str) -> str:
    """The readable role of a knowledge-base line (``adjunct`` -> ``adjunct (add-on)``)."""
    return ROLE_TEXT.get(line, line)


def condition_rows(result: TreatmentResult) -> list[dict[str, Any]]:
    """One row per condition mention: words, status, ICD-10-CM, knowledge-base condition."""
    rows = []
    for m in result.conditions.mentions:
        n = m.normalized
        rows.append({"mention": m.text, "status": CONDITION_STATUS_TEXT.get(m.status, m.status),
                     "decided by": m.trigger or "",
                     "ICD-10-CM": n.code if n else "", "title": n.title if n else "unresolved",
                     "knowledge base": (n.kb_id or "") if n else "", "match": n.method if n else "",
                     "found by": m.source})
    return rows


def context_lines(result: TreatmentResult) -> list[str]:
    """Markdown lines: the patient context tags with their evidence, current medications, allergies."""
    ctx = result.context
    out = []
    if ctx.tags:
        parts = []
        for tag in sorted(ctx.tags):
            ev = ctx.why(tag)
            words = ", ".join(dict.fromkeys(f"“{e.text}”" for e in ev))
            parts.append(f"{TAG_TEXT.get(tag, tag.replace('_', ' '))} ({words})")
        out.append("**Patient context:** " + "; ".join(_md(p) for p in parts))
    if result.current:
        out.append("**Current medications:** " + ", ".join(_md(c.quote.text) for c in result.current))
    if result.allergies:
        out.append("**Allergies:** " + ", ".join(_md(a.text) for a in result.allergies))
    return out


def _md(text: str) -> str:
    from core.explain.render import escape_markdown

    return escape_markdown(text)


def _flags_cell(s: Suggestion) -> str:
    return "; ".join(f"{f.severity}: {f.kind}" + (f" ({', '.join(e.text for e in f.evidence)})" if f.evidence else "")
                     for f in distinct_flags(s))


def kb_basis(s: Suggestion, kb: KnowledgeBase) -> dict[str, str]:
    """The knowledge-base facts behind a suggestion: the cited source's title, its issuing body and year, and the
    knowledge base's version (the row is found by condition and drug; "unknown" where the source is not listed)."""
    try:
        row = next((t for t in kb.condition(s.condition_id).treatments if t.drug == s.drug), None)
    except KeyError:
        row = None
    src = kb.sources.get(row.source) if row is not None else None
    return {"source": src.title if src else s.source, "body": src.body if src else "unknown",
            "year": str(src.year) if src else "unknown", "KB version": str(kb.version)}


def suggestion_rows(items: Sequence[Suggestion], kb: KnowledgeBase | None = None) -> list[dict[str, Any]]:
    """One row per suggestion; with ``kb``, its source is the cited guideline's title, with body, year and the
    knowledge base's version (:func:`kb_basis`)."""
    return [{"#": s.rank, "treatment": s.drug, "role": role_text(s.line), "class": s.drug_class, "fit": round(s.fit, 3),
             "flags": _flags_cell(s) or "none", "DrugBank": s.drugbank_id or "", "source": s.source,
             **(kb_basis(s, kb) if kb is not None else {})}
            for s in items]


def withheld_rows(result: TreatmentResult) -> list[dict[str, Any]]:
    return [{"treatment": s.drug, "for": s.condition_name, "why not": "; ".join(
        f.message for f in s.flags if f.severity == "contraindicated"), "basis": "; ".join(
        dict.fromkeys(f.basis for f in s.flags if f.severity == "contraindicated"))} for s in result.withheld]


def flag_text(s: Suggestion, f: Flag) -> str:
    return f"{s.drug}: {f.message} (basis: {f.basis})"


def distinct_flags(s: Suggestion) -> list[Flag]:
    """One flag per (kind, note words): the most severe (several sources often report the same pair)."""
    from core.labels import severity_rank

    best: dict[tuple[str, tuple[str, ...]], Flag] = {}
    for f in s.flags:
        k = (f.kind, tuple(e.text.lower() for e in f.evidence))
        if k not in best or severity_rank(f.severity) < severity_rank(best[k].severity):
            best[k] = f
    return sorted(best.values(), key=lambda f: severity_rank(f.severity))


def flag_summary(items: Sequence[Suggestion]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(headline, details): ``(severity, text)`` lines. Headlines are each suggestion's major flags, one per
    kind and note words; details are every other flag (minor, moderate and repeats), shown on request, so
    that the page shows severity first and not a wall of warnings."""
    head: list[tuple[str, str]] = []
    rest: list[tuple[str, str]] = []
    for s in items:
        top = [f for f in distinct_flags(s) if f.severity in ("contraindicated", "major")]
        head.extend((f.severity, flag_text(s, f)) for f in top)
        rest.extend((f.severity, flag_text(s, f)) for f in s.flags if f not in top)
    return head, rest


def suggestion_label(s: Suggestion) -> str:
    return f"{s.drug} for {s.condition_name} (#{s.rank}, {role_text(s.line)}, fit {s.fit:.2f})"


#: Background of a condition mention by status, and of the patient-context evidence.
CONDITION_COLORS = {"present": "#bfdbfe", "negated": "#e5e7eb", "possible": "#a7f3d0", "historical": "#fde68a",
                    "family": "#ddd6fe",
                    "hypothetical": "#fbcfe8", "context": "#fecaca"}


@dataclass(frozen=True)
class _Mark:
    start: int
    end: int
    kind: str
    title: str


def note_html(text: str, result: TreatmentResult) -> str:
    """The note as escaped HTML: condition mentions coloured by status (tooltip: status, ICD-10-CM, knowledge
    base) and the words that set the patient context (tooltip: why)."""
    from core.explain.render import highlight_spans_html

    marks = []
    for m in result.conditions.mentions:
        n = m.normalized
        code = f"{n.code} {n.title}" if n else "unresolved"
        marks.append(_Mark(m.span.start, m.span.end, m.status,
                           f"{CONDITION_STATUS_TEXT.get(m.status, m.status)}; {code}" + (f"; drives: {n.kb_id}"
                                                                               if n and n.kb_id and m.present else "")))
    for e in result.context.evidence:
        if not any(e.start < k.end and k.start < e.end for k in marks):
            marks.append(_Mark(e.start, e.end, "context", f"patient context: {e.reason}"))
    return highlight_spans_html(text, sorted(marks, key=lambda k: (k.start, -k.end)), lambda k: f"nl-cond-{k.kind}",
                                title_for=lambda k: k.title,
                                style_for=lambda k: f"background-color:{CONDITION_COLORS[k.kind]};padding:0 0.1rem;")


def legend_html() -> str:
    import html

    chip = "padding:0.1rem 0.4rem;border-radius:0.2rem;"
    names = {**CONDITION_STATUS_TEXT, "context": "patient context"}
    return ('<div class="nl-legend" style="font-size:0.85rem;opacity:0.85;">'
            + " ".join(f'<span style="background-color:{c};{chip}">{html.escape(names[k])}</span>'
                       for k, c in CONDITION_COLORS.items()) + "</div>")
