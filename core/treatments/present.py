"""Rows and sentences the Treatment page shows (no streamlit here; the page escapes what it renders)."""

from __future__ import annotations

from typing import Any, Sequence

from core.treatments.safety import Flag
from core.treatments.suggest import Suggestion, TreatmentResult

SEVERITY_ICON = {"contraindicated": ":red[:material/block:] **Contraindicated**",
                 "major": ":orange[:material/warning:] **Major**",
                 "moderate": ":blue[:material/info:] Moderate", "minor": ":gray[:material/info:] Minor"}
STATUS_TEXT = {"present": "present", "negated": "negated", "historical": "past history", "family": "family history",
               "hypothetical": "hypothetical"}
TAG_TEXT = {"renal_impairment": "renal impairment", "hepatic_impairment": "hepatic impairment",
            "gi_bleeding": "GI bleeding history", "bleeding_risk": "bleeding risk",
            "qt_prolongation": "QT prolongation", "heart_failure": "heart failure",
            "urinary_retention": "urinary retention", "myasthenia_gravis": "myasthenia gravis",
            "active_infection": "active infection", "coronary_disease": "coronary disease"}


def condition_rows(result: TreatmentResult) -> list[dict[str, Any]]:
    """One row per condition mention: words, status, ICD-10-CM, knowledge-base condition."""
    rows = []
    for m in result.conditions.mentions:
        n = m.normalized
        rows.append({"mention": m.text, "status": STATUS_TEXT.get(m.status, m.status), "decided by": m.trigger or "",
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
        out.append("**Current medications:** " + ", ".join(_md(t) for t, _ in result.current))
    if result.allergies:
        out.append("**Allergies:** " + ", ".join(_md(a.text) for a in result.allergies))
    return out


def _md(text: str) -> str:
    from core.explain.render import escape_markdown

    return escape_markdown(text)


def _flags_cell(s: Suggestion) -> str:
    return "; ".join(f"{f.severity}: {f.kind}" for f in s.flags)


def suggestion_rows(items: Sequence[Suggestion]) -> list[dict[str, Any]]:
    return [{"#": s.rank, "treatment": s.drug, "class": s.drug_class, "line": s.line, "fit": round(s.fit, 3),
             "flags": _flags_cell(s) or "none", "DrugBank": s.drugbank_id or "", "source": s.source}
            for s in items]


def withheld_rows(result: TreatmentResult) -> list[dict[str, Any]]:
    return [{"treatment": s.drug, "for": s.condition_name, "why not": "; ".join(
        f.message for f in s.flags if f.severity == "contraindicated"), "basis": "; ".join(
        dict.fromkeys(f.basis for f in s.flags if f.severity == "contraindicated"))} for s in result.withheld]


def flag_text(s: Suggestion, f: Flag) -> str:
    return f"{s.drug}: {f.message} (basis: {f.basis})"


def suggestion_label(s: Suggestion) -> str:
    return f"{s.drug} for {s.condition_name} (#{s.rank}, fit {s.fit:.2f})"
