"""Evaluators of treatment suggestions and interaction checks on tab-separated files.

``evaluate_treatments``: a file of drug-disease pairs (columns ``disease``, ``drug``, ``drugbank_id``,
``category``: ``DM`` disease modifying, ``SYM`` symptomatic, ``NOT`` non-indication). For each disease a
short note is written ("Assessment and plan: 1. <disease>. ..."), and the suggestions are compared with
the file: a suggestion is right when its DrugBank id is a DM or SYM drug of that disease.

Identity: the product's DrugBank ids come from the drug dictionary package, which files some drugs under
another id than DrugBank's own (salt forms such as fluticasone propionate, and renumbered entries), so
each file drug is also resolved by its *name* through the product's own normaliser, and a suggestion
matches a file drug when they share an id. The ``*_id_only`` figures compare the raw ids alone. The same
resolution applies to ``NOT`` rows (it can only find more non-indications).

- ``coverage``: share of diseases for which a present condition of the knowledge base was recognised.
- ``precision_at_k``: over the covered diseases, the right share of the first ``min(k, n)`` suggestions
  (``n`` the number of suggestions; a covered disease with none counts as 0).
- ``not_in_top5``: suggestions among the first five that the file marks ``NOT`` (must be 0).

``evaluate_interactions``: a file of drug pairs (``drug_a``, ``drug_b``). For each pair a note lists
both as current medications; the pair is *recognized* when the drug model finds both with a dictionary
identity, and *flagged* when the interaction checker reports an interaction between them.
``recall`` = flagged / recognized.

``evaluate_standard``: precision's side. Guideline combinations (``standard_combinations.yaml``: ACE inhibitor +
thiazide, metformin + DPP-4 inhibitor, DAPT...) are checked pair by pair; ``major_share`` is the share whose most
severe flag is major or contraindicated (target <= 5%), ``any_share`` the share with any flag, and pairs flagged
above the ceiling the file allows are listed with what fired.

``alert_burden``: flags per note on synthesized notes, from the synthesizer's gold current medications (no model):
every unordered pair of a note's current drugs is checked as the Treatments page checks a candidate against them.
"""

from __future__ import annotations

import csv
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NOTE_TEMPLATE = "ASSESSMENT AND PLAN:\n1. {disease}. Discussed treatment options with the patient.\n"
PAIR_TEMPLATE = "MEDICATIONS: {a} and {b}, both taken daily.\n"


def _rows(path: Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(missing)} (tab-separated, with a header)")
        return [{k: (v or "").strip() for k, v in r.items() if k} for r in reader]


@dataclass
class Indication:
    """One disease of an indications file: the DrugBank ids of its right (DM, SYM) and NOT drugs, each with the
    file's ids alone (``*_raw``) and with the product's resolution of the drug names added."""

    disease: str
    right: set[str] = field(default_factory=set)
    not_: set[str] = field(default_factory=set)
    right_raw: set[str] = field(default_factory=set)
    not_raw: set[str] = field(default_factory=set)


def read_indications(path: Path, *, resolve_names: bool = True) -> list[Indication]:
    """The diseases of a drug-disease pairs file, in file order.

    With ``resolve_names``, the id the product's dictionary gives each drug name is added (see above).
    """
    from core.drugs.normalize import normalize

    out: dict[str, Indication] = {}
    for r in _rows(path, ("disease", "drug", "drugbank_id", "category")):
        cat = r["category"].upper()
        if cat not in ("DM", "SYM", "NOT"):
            raise ValueError(f"{path}: unknown category {r['category']!r} (DM, SYM or NOT)")
        d = out.setdefault(r["disease"], Indication(r["disease"]))
        ids = {r["drugbank_id"]} - {""}
        (d.not_raw if cat == "NOT" else d.right_raw).update(ids)
        if resolve_names and r["drug"]:
            ident = normalize(r["drug"])
            if ident is not None and ident.drugbank_id and ident.method != "fuzzy":
                ids.add(ident.drugbank_id)
        (d.not_ if cat == "NOT" else d.right).update(ids)
    return list(out.values())


def evaluate_treatments(engine: Any, truth: Sequence[Indication], *,
                        progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Precision@3/5, non-indications in the top 5 and coverage (see the module docstring)."""
    from core.treatments.suggest import top_suggestions

    details = []
    p3: list[float] = []
    p5: list[float] = []
    p3_raw: list[float] = []
    not5 = not5_raw = 0
    covered = 0
    for i, sets in enumerate(truth):
        disease = sets.disease
        res = engine(NOTE_TEMPLATE.format(disease=disease))
        recognised = bool(res.suggestions or res.withheld)
        top = top_suggestions(res, 5)
        ids = [s.drugbank_id for s in top]
        row: dict[str, Any] = {"disease": disease, "covered": recognised,
                               "conditions": sorted({s.condition_id for s in (*res.suggestions, *res.withheld)}),
                               "top5": [f"{s.drug} ({s.drugbank_id})" for s in top]}
        if recognised:
            covered += 1
            for k, acc, right in ((3, p3, sets.right), (5, p5, sets.right), (3, p3_raw, sets.right_raw)):
                first = ids[:k]
                acc.append(sum(x in right for x in first) / len(first) if first else 0.0)
            bad = [x for x in ids[:5] if x in sets.not_]
            not5 += len(bad)
            not5_raw += sum(x in sets.not_raw for x in ids[:5])
            row.update(p3=p3[-1], p5=p5[-1], not_in_top5=bad)
        details.append(row)
        if progress:
            progress(i + 1, len(truth))
    n = len(truth)
    return {"precision_at_3": round(sum(p3) / len(p3), 4) if p3 else 0.0,
            "precision_at_5": round(sum(p5) / len(p5), 4) if p5 else 0.0,
            "precision_at_3_id_only": round(sum(p3_raw) / len(p3_raw), 4) if p3_raw else 0.0,
            "not_in_top5": not5, "not_in_top5_id_only": not5_raw, "coverage": round(covered / n, 4) if n else 0.0,
            "n_diseases": n,
            "n_covered": covered, "details": details}


def evaluate_interactions(drugs: Any, checker: Any, path: Path, *,
                          progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Recall of the interaction checker over pairs the drug model recognizes (see the module docstring)."""
    from core.treatments.interactions import DrugRef

    rows = _rows(path, ("drug_a", "drug_b"))
    recognized = flagged = 0
    by_origin: dict[str, int] = {}
    misses = []
    for i, r in enumerate(rows):
        res = drugs(PAIR_TEMPLATE.format(a=r["drug_a"], b=r["drug_b"]))
        refs = []
        for m in res.mentions:
            if m.status == "current" and m.identity is not None and m.identity.drugbank_id:
                ref = DrugRef(m.identity.canonical, m.identity.drugbank_id)
                if ref not in refs:
                    refs.append(ref)
        if len(refs) >= 2:
            recognized += 1
            found = checker.check(refs[0], refs[1])
            if found:
                flagged += 1
                by_origin[found[0].origin] = by_origin.get(found[0].origin, 0) + 1
            else:
                misses.append(f"{r['drug_a']} + {r['drug_b']}")
        if progress:
            progress(i + 1, len(rows))
    return {"recall": round(flagged / recognized, 4) if recognized else 0.0, "n_pairs": len(rows),
            "n_recognized": recognized, "n_flagged": flagged, "flagged_by": by_origin, "missed": misses}


#: The severities a flag can have, most severe first, with ``none`` for a pair nothing flags.
_TIERS = ("contraindicated", "major", "moderate", "minor", "none")
#: Severities that count as a major flag (an interruptive alert).
MAJOR = frozenset({"contraindicated", "major"})


def _fired(it: Any) -> str:
    """What raised an interaction: the NoteLens rule id, or the ANSM entry and level."""
    if it.rule_id:
        return f"rule {it.rule_id}"
    entry = it.mechanism.rsplit(" [", 1)[-1].rstrip("]") if " [" in it.mechanism else ""
    return f"{it.source} [{entry}]" if entry else it.source


def evaluate_standard(checker: Any, combinations: Iterable[Any]) -> dict[str, Any]:
    """Flags raised by guideline combinations (rows with ``id``, ``a``, ``b``, ``ceiling``; see the module
    docstring). A drug the dictionary does not resolve leaves its pair out, listed in ``unresolved``."""
    from core.drugs.normalize import normalize
    from core.treatments.interactions import DrugRef

    counts = dict.fromkeys(_TIERS, 0)
    major: list[dict[str, Any]] = []
    above: list[dict[str, Any]] = []
    unresolved: list[str] = []
    n = 0
    for c in combinations:
        refs = []
        for name in (c.a, c.b):
            hit = normalize(name)
            if hit is None or hit.method == "fuzzy":
                unresolved.append(f"{c.id}: {name}")
            else:
                refs.append(DrugRef(hit.canonical, hit.drugbank_id))
        if len(refs) < 2:
            continue
        n += 1
        found = checker.check(*refs)
        top = found[0].severity if found else "none"
        counts[top] += 1
        row = {"id": c.id, "pair": f"{c.a} + {c.b}", "severity": top, "ceiling": c.ceiling,
               "fired": [f"{it.severity}: {_fired(it)}" for it in found]}
        if top in MAJOR:
            major.append(row)
        if _TIERS.index(top) < _TIERS.index(c.ceiling):
            above.append(row)
    flagged = n - counts["none"]
    return {"n_pairs": n, "major_share": round(len(major) / n, 4) if n else 0.0,
            "any_share": round(flagged / n, 4) if n else 0.0, "n_major": len(major), "n_flagged": flagged,
            "by_severity": counts, "target_major_share": 0.05,
            "meets_target": bool(n) and len(major) / n <= 0.05, "flagged_major": major,
            "above_ceiling": above, "unresolved": unresolved}


def current_medications(note: Any) -> list[Any]:
    """The gold current drugs of a synthesized note (:class:`core.synth.generator.SyntheticNote`), as the
    Treatments page builds them from the drug model's mentions: canonical name and DrugBank id, once each."""
    from core.treatments.interactions import DrugRef

    out: list[Any] = []
    for span in note.spans:
        if span.label != "DRUG" or span.status != "current":
            continue
        name = span.meta.get("canonical") or span.text_of(note.text).lower()
        ref = DrugRef(name, span.code)
        if ref not in out:
            out.append(ref)
    return out


def alert_burden(checker: Any, medication_lists: Sequence[Sequence[Any]]) -> dict[str, Any]:
    """Interaction flags per note by severity over the notes' current medication lists (see the module docstring).

    ``flags`` counts every interaction shown (a pair can raise a NoteLens rule and an ANSM entry), ``pairs``
    the flagged drug pairs by their most severe flag; ``share_major`` is the share of notes with at least one
    major or contraindicated flag.
    """
    per_note: dict[str, list[int]] = {t: [] for t in _TIERS[:-1]}
    pairs_major: list[int] = []
    n_drugs: list[int] = []
    for refs in medication_lists:
        found = checker.check_all(refs)
        n_drugs.append(len(refs))
        for t in per_note:
            per_note[t].append(sum(1 for it in found if it.severity == t))
        tops: dict[tuple[str, str], str] = {}
        for it in found:        # sorted most severe first: the first flag of a pair is its top one
            tops.setdefault((it.a.name, it.b.name), it.severity)
        pairs_major.append(sum(1 for t in tops.values() if t in MAJOR))
    n = len(medication_lists)
    totals = [sum(v) for v in zip(*per_note.values())] if n else []
    majors = [a + b for a, b in zip(per_note["contraindicated"], per_note["major"])]

    def summary(values: Sequence[int]) -> dict[str, float]:
        return {"mean": round(statistics.fmean(values), 3) if values else 0.0,
                "median": float(statistics.median(values)) if values else 0.0}

    return {"n_notes": n, "drugs_per_note": summary(n_drugs), "flags_per_note": summary(totals),
            "by_severity": {t: summary(v) for t, v in per_note.items()},
            "major_pairs_per_note": summary(pairs_major),
            "share_notes_with_major": round(sum(1 for m in majors if m) / n, 4) if n else 0.0,
            "share_notes_with_any": round(sum(1 for t in totals if t) / n, 4) if n else 0.0}
