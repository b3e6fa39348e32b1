"""How drug results are shown: colours by assertion status, the medication table, the highlighted note, and the
drug classes the note names (a colour and a table of their own: a class is not a medication).

No UI code here: the page calls these and renders what they return (all HTML escaped).
"""

from __future__ import annotations

import html
from typing import Any

from core.drugs.types import DrugMention, DrugResult
from core.explain.render import highlight_spans_html
from core.labels import ATTRIBUTE_LABELS, ATTRIBUTE_TEXT, DRUG_CLASS_LABEL, DRUG_STATUS_TEXT
from core.spans import Span

#: Background colour of a drug by assertion status (attributes use a lighter tint of their drug's).
STATUS_COLORS: dict[str, tuple[str, str]] = {
    "current": ("#bbf7d0", "#dcfce7"),
    "negated": ("#e5e7eb", "#f3f4f6"),
    "allergy": ("#fecaca", "#fee2e2"),
    "discontinued": ("#fed7aa", "#ffedd5"),
    "historical": ("#ddd6fe", "#ede9fe"),
    "hypothetical": ("#bfdbfe", "#dbeafe"),
    "family": ("#fde68a", "#fef3c7"),
}
UNLINKED_COLOR = "#fef9c3"
#: A drug class ("statins"): one colour whatever its status, outlined rather than filled like a drug.
CLASS_COLOR = "#e0f2fe"
CLASS_BORDER = "#0369a1"
CLASS_STYLE = (f"background-color:{CLASS_COLOR};padding:0 0.15rem;border-radius:0.2rem;font-style:italic;"
               f"outline:1px dashed {CLASS_BORDER};")


def _style(span: Span) -> str:
    if span.label == DRUG_CLASS_LABEL:
        return CLASS_STYLE
    drug, attr = STATUS_COLORS.get(span.status or "current", STATUS_COLORS["current"])
    if span.label == "DRUG":
        return f"background-color:{drug};padding:0 0.15rem;border-radius:0.2rem;font-weight:600;"
    if span.group is None:
        return f"background-color:{UNLINKED_COLOR};padding:0 0.1rem;border-bottom:1px dashed #a16207;"
    return f"background-color:{attr};padding:0 0.1rem;border-bottom:2px solid {drug};"


def _title(result: DrugResult):
    mentions = {m.span.group: m for m in result.mentions}
    classes = {c.span.group: c for c in result.classes}

    def title(span: Span) -> str:
        score = f" · confidence {span.score:.0%}" if span.score is not None else ""
        if span.label == DRUG_CLASS_LABEL:
            c = classes.get(span.group)
            name = c.identity.name if c is not None and c.identity is not None else "class not in the class table"
            return (f"drug class (not a medication) · {name} · "
                    f"{DRUG_STATUS_TEXT.get(span.status or '', span.status)}{score}")
        if span.label == "DRUG":
            m = mentions.get(span.group)
            ident = "unresolved (not in the drug dictionary)"
            if m is not None and m.identity is not None:
                ident = f"{m.identity.name} ({m.identity.drugbank_id or 'no DrugBank id'})"
            return (f"#{(span.group or 0) + 1} drug · {DRUG_STATUS_TEXT.get(span.status or '', span.status)} · "
                    f"{ident}{score}")
        owner = mentions.get(span.group)
        of = (f" of #{span.group + 1} {owner.text}" if owner is not None and span.group is not None
              else " (not linked to a drug)")
        return f"{span.label.lower()}{of}{score}"

    return title


def note_html(text: str, result: DrugResult) -> str:
    """The note as escaped HTML with drugs and attributes highlighted (tooltip: status, identity, confidence)."""
    return highlight_spans_html(text, result.render_spans(), lambda s: f"nl-{s.label.lower().replace('_', '-')}",
                                title_for=_title(result), style_for=_style)


def legend_html() -> str:
    items = [f'<span style="background-color:{drug};padding:0 0.3rem;border-radius:0.2rem;margin-right:0.4rem">'
             f"{html.escape(DRUG_STATUS_TEXT[s])}</span>" for s, (drug, _) in STATUS_COLORS.items()]
    items.append(f'<span style="background-color:{UNLINKED_COLOR};padding:0 0.3rem;border-bottom:1px dashed #a16207">'
                 "attribute not linked to a drug</span>")
    items.append(f'<span style="{CLASS_STYLE}margin-right:0.4rem">drug class (not a medication)</span>')
    return ('<div style="font-size:0.85rem;line-height:1.9">Drugs in bold, their attributes underlined in the '
            "drug's colour: " + " ".join(items) + "</div>")


def mention_label(m: DrugMention) -> str:
    """``#2 Lasix (furosemide)``: how a mention is named in pickers."""
    ident = f" ({m.identity.name})" if m.identity is not None and m.identity.name.lower() != m.text.lower() else ""
    return f"#{(m.span.group or 0) + 1} {m.text}{ident}"


def medication_rows(result: DrugResult) -> list[dict[str, Any]]:
    """One row per drug mention: as written, normalized name, DrugBank id, attributes, status, confidence."""
    rows = []
    for m in result.mentions:
        row: dict[str, Any] = {
            "#": (m.span.group or 0) + 1,
            "drug (as written)": m.text,
            "normalized name": m.identity.name if m.identity else "unresolved",
            "DrugBank id": (m.identity.drugbank_id or "") if m.identity else "",
            "match": m.identity.method if m.identity else "",
        }
        for label in ATTRIBUTE_LABELS:
            row[ATTRIBUTE_TEXT[label]] = m.attribute(label) or ""
        row["status"] = DRUG_STATUS_TEXT.get(m.status, m.status)
        row["decided by"] = m.trigger or ""
        row["confidence"] = m.span.score
        rows.append(row)
    return rows


def class_rows(result: DrugResult) -> list[dict[str, Any]]:
    """One row per drug class the note names: as written, the class the knowledge base calls it, its status."""
    return [{"class (as written)": c.text, "class": c.identity.name if c.identity else "not in the class table",
             "status": DRUG_STATUS_TEXT.get(c.status, c.status), "confidence": c.span.score}
            for c in result.classes]
