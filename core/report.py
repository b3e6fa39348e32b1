"""Case reports: one note's results, explanations and suggestions as a file to hand out (HTML, and PDF).

The HTML is one self-contained file: inline CSS only, no script, no URL of any kind (a Content-Security-Policy meta
tag forbids loading anything but inline styles and ``data:`` images), and every string that comes from the note,
the user or a file goes through :func:`html.escape` (the page renderers of :mod:`core.explain.render`,
:mod:`core.drugs.present`, :mod:`core.treatments.present` and :mod:`core.triage.present` are reused, and they escape
too). The PDF (fpdf2, offline) holds the same sections as text.

De-identification (:func:`build_report` with ``deidentify=True``) runs :func:`core.deid.deidentify` with every
offset the results quote as annotation spans, so the findings' words never change, and moves every offset of the
results and of the explanations onto the de-identified text; an explanation word that was an identifier is dropped
(its placeholder is shown unscored). Identifiers that a finding covers are left as written, as in exports; the
report says how many.
"""

from __future__ import annotations

import dataclasses
import datetime
import html
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from core.explain.attribution import METHODS, Explanation
from core.explain.render import (
    heatmap_html,
    heatmap_legend_html,
    highlight_spans_html,
    summary_sentence,
    top_words_rows,
    trust_caveats,
)
from core.labels import CONDITION_STATUS_TEXT, DRUG_STATUS_TEXT, service_title

#: The tasks a report shows, in the order it shows them.
REPORT_TASKS = ("triage", "drugs", "conditions", "treatments")
TASK_TITLES = {"triage": "Triage", "drugs": "Medications", "conditions": "Conditions",
               "treatments": "Treatment suggestions"}
#: The Content-Security-Policy of the HTML report: inline styles and ``data:`` images only, nothing fetched.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
FOOTER = ("Decision support only. NoteLens suggests; it does not diagnose, route or prescribe. Every result here is a "
          "model's output on the note shown, to be checked against the full record by a clinician, who decides.")


@dataclass(frozen=True)
class CaseReport:
    """Everything a case report shows, with offsets into :attr:`note` (the de-identified text when
    :attr:`deidentified`).

    Attributes:
        results: Task name (``triage``, ``drugs``, ``conditions``, ``treatments``) -> the task's result object.
        explanations: Task name -> the :class:`~core.explain.attribution.Explanation` of that result's explained
            target.
        replaced: Identifiers replaced by placeholders (de-identified reports).
        covered: Findings that covered an identifier and now cover its placeholder (de-identified reports: a model
            that took a name for a drug or a condition).
    """

    title: str
    note: str
    deidentified: bool
    user: str
    created: datetime.datetime
    results: dict[str, Any]
    explanations: dict[str, Explanation]
    replaced: int = 0
    covered: int = 0

    @property
    def versions(self) -> dict[str, str]:
        """Task name -> the model version of its result (the treatment result's names every model it used)."""
        return {name: str(getattr(r, "model_version", "?")) for name, r in self.results.items()}


# -- offsets -------------------------------------------------------------------------------------------------
def _is_offsets(obj: Any, n: int) -> bool:
    a, b = getattr(obj, "start", None), getattr(obj, "end", None)
    return (isinstance(a, int) and isinstance(b, int) and not isinstance(a, bool) and not isinstance(b, bool)
            and 0 <= a <= b <= n)


def _is_pair(value: Any, n: int) -> bool:
    return (isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, int) for v in value)
            and 0 <= value[0] <= value[1] <= n)


#: Fields whose strings are the product's, never the note's (left as they are when a report is de-identified).
_OWN_FIELDS = frozenset({"model_version", "versions", "method", "label", "status", "kind", "severity", "code"})


def _walk(obj: Any, n: int, fn: Callable[[int, int], tuple[int, int]], scrub: Callable[[str], str] | None = None,
          depth: int = 0) -> Any:
    """``obj`` with every note offset pair moved by ``fn`` (``start``/``end`` fields of dataclasses and named
    tuples, ``(start, end)`` tuples in ``*_span`` fields) and, given ``scrub``, every string passed through it,
    through nested dataclasses, named tuples, tuples, lists and dicts."""
    if isinstance(obj, str):
        return scrub(obj) if scrub is not None else obj
    if depth > 12 or obj is None or isinstance(obj, (bytes, int, float, bool)):
        return obj
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        changes: dict[str, Any] = {}
        names = {f.name for f in dataclasses.fields(obj) if f.init}
        for name in names - {"start", "end"}:
            value = getattr(obj, name)
            if name.endswith("_span") and _is_pair(value, n):
                new = fn(*value)
            elif name in _OWN_FIELDS:
                continue
            else:
                new = _walk(value, n, fn, scrub, depth + 1)
            if new is not value:
                changes[name] = new
        if {"start", "end"} <= names and _is_offsets(obj, n):
            changes["start"], changes["end"] = fn(obj.start, obj.end)
        return dataclasses.replace(obj, **changes) if changes else obj
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        items = {k: _walk(getattr(obj, k), n, fn, scrub, depth + 1) for k in obj._fields if k not in ("start", "end")}
        if {"start", "end"} <= set(obj._fields) and _is_offsets(obj, n):
            items["start"], items["end"] = fn(obj.start, obj.end)
        return obj._replace(**items)
    if isinstance(obj, (list, tuple)):
        return type(obj)(_walk(v, n, fn, scrub, depth + 1) for v in obj)
    if isinstance(obj, dict):
        return {k: v if k in _OWN_FIELDS else _walk(v, n, fn, scrub, depth + 1) for k, v in obj.items()}
    return obj


def _deidentified(text: str, results: dict[str, Any], explanations: dict[str, Explanation]
                  ) -> tuple[str, dict[str, Any], dict[str, Explanation], int, int]:
    """(de-identified text, results and explanations moved onto it, identifiers replaced, findings that covered
    one).

    Unlike exports (which keep an identifier an annotation covers, so annotated words never change), a report that
    leaves the building replaces every identifier: a finding that covered one (a model that took a name for a
    drug) now covers its placeholder, and every string the results quote has the identifier replaced too
    (case-insensitive, whole words). Explanation words that were identifiers are dropped (shown unscored).
    """
    import re

    from core.deid import deidentify

    out = deidentify(text)
    reps = sorted(out.replaced, key=lambda r: r.start)
    ends = [r.end for r in reps]
    shift = [0, *accumulate((r.new_end - r.new_start) - (r.end - r.start) for r in reps)]
    covered: set[tuple[int, int]] = set()

    def inside(pos: int, closing: bool) -> Any:
        return next((r for r in reps if (r.start < pos <= r.end if closing else r.start <= pos < r.end)), None)

    def move(a: int, b: int) -> tuple[int, int]:
        ra, rb = inside(a, False), inside(b, True) if b > a else None
        if any(a < r.end and r.start < b for r in reps):
            covered.add((a, b))
        return (ra.new_start if ra is not None else a + shift[bisect_right(ends, a)],
                rb.new_end if rb is not None else b + shift[bisect_right(ends, b)])

    found = {(text[r.start:r.end], out.text[r.new_start:r.new_end]) for r in reps}
    # a finding may quote part of a name or address ("John" of "John Smith"): each of their words goes too
    found |= {(w, out.text[r.new_start:r.new_end]) for r in reps if r.entity in ("NAME", "ADDRESS")
              for w in re.findall(r"\w[\w'’-]*", text[r.start:r.end]) if len(w) > 1 and not w.isdigit()}
    pairs = sorted(found, key=lambda p: -len(p[0]))
    pattern = (re.compile("|".join(rf"(?<!\w){re.escape(old)}(?!\w)" for old, _ in pairs), re.IGNORECASE)
               if pairs else None)
    lookup = {old.lower(): new for old, new in pairs}

    def scrub(value: str) -> str:
        return pattern.sub(lambda m: lookup.get(m.group().lower(), "[REDACTED]"), value) if pattern else value

    moved = {name: _walk(r, len(text), move, scrub) for name, r in results.items()}
    findings = len(covered)
    exps = {}
    for name, exp in explanations.items():
        words = tuple(dataclasses.replace(w, start=s, end=e) for w in exp.words
                      if not any(w.start < r.end and r.start < w.end for r in reps)
                      for s, e in [move(w.start, w.end)])
        exps[name] = dataclasses.replace(exp, words=words, target=scrub(exp.target))
    return out.text, moved, exps, len(reps), findings


def build_report(text: str, results: dict[str, Any], explanations: dict[str, Any], *, user: str,
                 title: str = "NoteLens case report", deidentify: bool = False,
                 created: datetime.datetime | None = None) -> CaseReport:
    """A case report of ``text``.

    Args:
        text: The note the results were computed on (offsets refer to it).
        results: Task name -> the task's result (as ``task.run`` returns it); unknown names are refused.
        explanations: Task name -> the explanation of one target of that task's result (tasks without one are
            left out of the explanations section).
        user: Who made the report (the signed-in user, or ``cli:<OS user>``).
        title: The report's title.
        deidentify: Replace identifiers in the note (:mod:`core.deid`) and move every offset onto the new text.
        created: When (default now); a naive time is taken as UTC.

    Raises:
        ValueError: an unknown task, an explanation without its result, or no result at all.
    """
    unknown = sorted(set(results) - set(REPORT_TASKS)) + sorted(set(explanations) - set(results))
    if unknown:
        raise ValueError(f"nothing to report for {', '.join(unknown)} (tasks: {', '.join(REPORT_TASKS)}, each "
                         "explanation with its result)")
    if not results:
        raise ValueError("a case report needs at least one result")
    results = {n: results[n] for n in REPORT_TASKS if n in results}
    explanations = {n: explanations[n] for n in REPORT_TASKS if explanations.get(n) is not None}
    moment = created or datetime.datetime.now(datetime.UTC)
    moment = (moment.replace(tzinfo=datetime.UTC) if moment.tzinfo is None else moment).astimezone(datetime.UTC)
    replaced = covered = 0
    if deidentify:
        text, results, explanations, replaced, covered = _deidentified(text, results, explanations)
    return CaseReport(title=str(title), note=text, deidentified=bool(deidentify), user=str(user), created=moment,
                      results=results, explanations=explanations, replaced=replaced, covered=covered)


# -- what each section says (plain data; both renderers use it) ------------------------------------------------
def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, (list, tuple)):
        return ", ".join(_fmt(v) for v in value)
    return str(value)


def deid_sentence(report: CaseReport) -> str:
    """What a de-identified report says about its de-identification."""
    n = report.replaced
    said = (f"De-identified: {n} identifier{'s' if n != 1 else ''} (names, dates, phone numbers, e-mail addresses, "
            "record numbers, street addresses) replaced by placeholders. Detection is automatic and can miss one: "
            "read the note before sharing this report.")
    if report.covered:
        said += (f" {report.covered} finding{'s' if report.covered != 1 else ''} covered an identifier (a model took "
                 "it for a medication or a condition) and now cover its placeholder.")
    return said


def _when(report: CaseReport) -> str:
    return report.created.strftime("%Y-%m-%d %H:%M UTC")


def version_rows(report: CaseReport) -> list[dict[str, str]]:
    """One row per task: its model version (the treatment row names the condition model, ranker and knowledge
    base)."""
    rows = []
    for name, r in report.results.items():
        detail = ""
        if name == "treatments":
            v = r.versions
            detail = (f"conditions {v.get('conditions')}, medications {v.get('drugs', 'not used')}, ranker "
                      f"{v.get('ranker')}, knowledge base v{v.get('kb')}")
        rows.append({"task": TASK_TITLES[name], "model version": str(r.model_version), "details": detail})
    return rows


def triage_facts(report: CaseReport) -> dict[str, Any]:
    """The triage outcome: headline, sentence, figures, red flags and the five most likely services."""
    from core.triage.present import outcome_text, red_flag_rows

    r = report.results["triage"]
    headline, detail = outcome_text(r)
    return {"headline": headline, "detail": detail,
            "figures": [{"service": service_title(r.service), "probability": f"{r.confidence:.1%}",
                         "threshold": f"{r.threshold:.1%}", "uncertain": "yes: a person decides" if r.uncertain
                         else "no", "windows": r.n_windows, "tokens": r.n_tokens}],
            "red_flags": [{"red flag": f["name"], "severity": f["severity"], "description": f["description"],
                           "triggered by": ", ".join(f"“{w}”" for w in f["triggers"])}
                          for f in red_flag_rows(r, report.note)],
            "services": [{"service": s.title, "probability": f"{s.probability:.1%}"} for s in r.scores[:5]]}


def medication_facts(report: CaseReport) -> dict[str, list[dict[str, Any]]]:
    from core.drugs.present import class_rows, medication_rows

    r = report.results["drugs"]
    orphans = [{"attribute": a.label.lower(), "words": report.note[a.start:a.end]} for a in r.orphan_attributes]
    return {"medications": medication_rows(r), "classes": class_rows(r), "orphans": orphans}


def _conditions_of(report: CaseReport) -> Any:
    if "conditions" in report.results:
        return report.results["conditions"]
    return report.results["treatments"].conditions if "treatments" in report.results else None


def condition_facts(report: CaseReport) -> list[dict[str, Any]]:
    """One row per condition mention (the treatment page's columns)."""
    cres = _conditions_of(report)
    rows = []
    for m in cres.mentions if cres is not None else ():
        n = m.normalized
        rows.append({"mention": m.text, "status": CONDITION_STATUS_TEXT.get(m.status, m.status),
                     "decided by": m.trigger or "", "ICD-10-CM": n.code if n else "",
                     "title": n.title if n else "unresolved", "knowledge base": (n.kb_id or "") if n else "",
                     "found by": m.source})
    return rows


def treatment_facts(report: CaseReport) -> dict[str, Any]:
    """Patient context, suggestions by condition (each with its knowledge-base basis and every flag), withheld
    candidates and present conditions the knowledge base has no row for."""
    from core.labels import severity_rank
    from core.treatments.present import TAG_TEXT, role_text, withheld_rows
    from core.treatments.suggest import DISCLAIMER

    r = report.results["treatments"]
    kb = r.versions.get("kb")
    context = [{"context": TAG_TEXT.get(tag, tag.replace("_", " ")),
                "note words": ", ".join(dict.fromkeys(f"“{e.text}”" for e in r.context.why(tag)))}
               for tag in sorted(r.context.tags)]
    context += [{"context": "current medication", "note words": f"“{c.quote.text}”"} for c in r.current]
    context += [{"context": "allergy", "note words": f"“{a.text}”"} for a in r.allergies]
    groups = []
    for items in r.by_condition().values():
        first = items[0]
        groups.append({
            "condition": first.condition_name,
            "said": ", ".join(dict.fromkeys(f"“{e.text}”" for e in first.evidence)),
            "rows": [{"#": s.rank, "treatment": s.drug, "role": role_text(s.line), "class": s.drug_class,
                      "fit": round(s.fit, 3), "DrugBank": s.drugbank_id or "",
                      "basis (knowledge base source)": s.source, "knowledge base": f"v{kb}",
                      "flags": len(s.flags)} for s in items],
            # every flag, most severe first (the page folds repeats from other sources away; a report keeps them)
            "flags": [{"treatment": s.drug, "severity": f.severity, "kind": f.kind, "why": f.message,
                       "basis": f.basis, "note words": ", ".join(f"“{e.text}”" for e in f.evidence)}
                      for s in items for f in sorted(s.flags, key=lambda f: severity_rank(f.severity))]})
    return {"disclaimer": DISCLAIMER, "context": context, "groups": groups, "withheld": withheld_rows(r),
            "unmatched": list(dict.fromkeys(m.text for m in r.unmatched)), "kb": kb}


def explanation_facts(report: CaseReport, name: str) -> dict[str, Any]:
    """What one explanation says: what it explains, the method, a sentence, the faithfulness figures, the caveats
    the pages show and the top words."""
    exp = report.explanations[name]
    if name == "triage":
        target = service_title(exp.target)
        what, legend = f"the probability of {target}", "the service"
        sentence = summary_sentence(exp, target)
    else:
        target = exp.target
        what = {"drugs": "the entity's probability", "conditions": "the entity's probability"}.get(
            name, "the suggestion's share among its condition's candidates")
        legend = {"drugs": "the belief it is a drug", "conditions": "the belief it is a condition"}.get(
            name, "the suggestion's rank")
        top = ", ".join(f"“{w.text}”" for w in exp.top(5)) or "none"
        sentence = f"The words that most raised {what} of {target}: {top}."
    figures = {"comprehensiveness": None if exp.comprehensiveness is None else f"{exp.comprehensiveness:+.2f}",
               "sufficiency": None if exp.sufficiency is None else f"{exp.sufficiency:+.2f}",
               "convergence gap": "n/a" if exp.delta is None else f"{exp.delta:.1%}",
               "top words removed or kept": exp.top_k, "steps": exp.n_steps}
    return {"target": target, "method": METHODS.get(exp.method, exp.method), "what": what, "legend": legend,
            "sentence": sentence, "figures": figures, "caveats": trust_caveats(exp, what),
            "model_version": exp.model_version, "top_words": top_words_rows(exp, k=8)}


# -- HTML --------------------------------------------------------------------------------------------------------
_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;max-width:64rem;margin:1.5rem auto;
padding:0 1rem;color:#111827;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:0.2rem}h2{font-size:1.25rem;border-bottom:1px solid #d1d5db;padding-bottom:0.2rem;
margin-top:2rem}h3{font-size:1.05rem;margin-bottom:0.3rem}
table{border-collapse:collapse;margin:0.5rem 0 1rem;font-size:0.9rem;display:block;overflow-x:auto;max-width:100%}
th,td{border:1px solid #d1d5db;
padding:0.25rem 0.5rem;text-align:left;vertical-align:top}th{background:#f3f4f6}
.nl-meta{color:#4b5563;font-size:0.9rem}
.nl-warn{background:#fef3c7;border-left:4px solid #d97706;padding:0.5rem 0.75rem;margin:0.5rem 0}
.nl-flag-contraindicated,.nl-flag-major,.nl-flag-critical,.nl-flag-high{color:#991b1b;font-weight:600}
.nl-caption{color:#4b5563;font-size:0.85rem}footer{margin-top:2.5rem;border-top:1px solid #d1d5db;padding-top:0.5rem;
font-size:0.9rem;color:#374151}
.nl-heatmap,.nl-highlight{max-height:none!important;overflow:visible!important}
"""


def _e(value: Any) -> str:
    return html.escape(_fmt(value), quote=True)


def _table(rows: Sequence[dict[str, Any]], *, empty: str = "None.") -> str:
    if not rows:
        return f'<p class="nl-caption">{_e(empty)}</p>'
    heads = list(rows[0])
    head = "".join(f"<th>{_e(h)}</th>" for h in heads)
    body = "".join("<tr>" + "".join(f"<td>{_e(row.get(h))}</td>" for h in heads) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _p(text: str, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<p{attr}>{_e(text)}</p>"


@dataclass(frozen=True)
class _Mark:
    start: int
    end: int
    kind: str
    style: str
    title: str


def _note_marks(report: CaseReport) -> list[_Mark]:
    """Medication and condition spans of the note, in the pages' colours."""
    from core.drugs.present import CLASS_STYLE, STATUS_COLORS
    from core.treatments.present import CONDITION_COLORS

    marks = []
    drugs = report.results.get("drugs")
    if drugs is not None:
        for m in drugs.mentions:
            color = STATUS_COLORS.get(m.status, STATUS_COLORS["current"])[0]
            name = m.identity.name if m.identity else "unresolved"
            marks.append(_Mark(m.span.start, m.span.end, "drug", f"background-color:{color};font-weight:600;",
                               f"medication · {DRUG_STATUS_TEXT.get(m.status, m.status)} · {name}"))
            for a in m.attributes:
                marks.append(_Mark(a.start, a.end, "attribute", f"border-bottom:2px solid {color};",
                                   f"{a.label.lower()} of {m.text}"))
        for c in drugs.classes:
            marks.append(_Mark(c.span.start, c.span.end, "drug-class", CLASS_STYLE,
                               f"drug class (not a medication) · {DRUG_STATUS_TEXT.get(c.status, c.status)}"))
    cres = _conditions_of(report)
    for m in cres.mentions if cres is not None else ():
        n = m.normalized
        marks.append(_Mark(m.span.start, m.span.end, "condition",
                           f"background-color:{CONDITION_COLORS.get(m.status, '#e5e7eb')};",
                           f"condition · {CONDITION_STATUS_TEXT.get(m.status, m.status)} · "
                           f"{f'{n.code} {n.title}' if n else 'unresolved'}"))
    return marks


def _legend(report: CaseReport) -> str:
    from core.drugs.present import legend_html as drug_legend
    from core.treatments.present import legend_html as condition_legend

    parts = []
    if "drugs" in report.results:
        parts.append(drug_legend())
    if _conditions_of(report) is not None:
        parts.append('<div class="nl-caption">Conditions, by status:</div>' + condition_legend())
    return "".join(parts)


def _header(report: CaseReport) -> str:
    out = [f"<h1>{_e(report.title)}</h1>",
           f'<p class="nl-meta">Made {_e(_when(report))} by {_e(report.user)} with NoteLens.</p>']
    if report.deidentified:
        said = deid_sentence(report)
        out.append(f'<p class="nl-warn">{_e(said)}</p>')
    else:
        out.append('<p class="nl-warn">This report holds the note as written (not de-identified): share it only '
                   "where the note itself may go.</p>")
    out.append("<h2>Models</h2>" + _table(version_rows(report)))
    return "".join(out)


def _note_section(report: CaseReport) -> str:
    marks = sorted(_note_marks(report), key=lambda k: (k.start, -k.end))
    body = highlight_spans_html(report.note, marks, lambda k: f"nl-{k.kind}", title_for=lambda k: k.title,
                                style_for=lambda k: k.style + "padding:0 0.1rem;border-radius:0.2rem;")
    return "<h2>Note</h2>" + _legend(report) + body


def _triage_section(report: CaseReport) -> str:
    f = triage_facts(report)
    flags = "".join(f'<p class="nl-flag-{_e(r["severity"]).lower()}">{_e(r["red flag"])} ({_e(r["severity"])}): '
                    f'{_e(r["description"])} Triggered by {_e(r["triggered by"])}.</p>' for r in f["red_flags"])
    return ("<h2>Triage</h2>" + f"<h3>{_e(f['headline'])}</h3>" + _p(f["detail"]) + _table(f["figures"])
            + "<h3>Red flags</h3>" + (flags or _p("No red flag found by the rules (their absence does not mean the "
                                                 "note is not urgent).", "nl-caption"))
            + "<h3>Most likely services</h3>" + _table(f["services"]))


def _medication_section(report: CaseReport) -> str:
    f = medication_facts(report)
    out = "<h2>Medications</h2>" + _table(f["medications"], empty="No medication mention found.")
    if f["classes"]:
        out += "<h3>Drug classes named (not medications)</h3>" + _table(f["classes"])
    if f["orphans"]:
        out += "<h3>Attributes not linked to a drug</h3>" + _table(f["orphans"])
    return out


def _condition_section(report: CaseReport) -> str:
    return ("<h2>Conditions</h2>" + _p("Only present conditions drive treatment suggestions.", "nl-caption")
            + _table(condition_facts(report), empty="No condition found in this note."))


def _treatment_section(report: CaseReport) -> str:
    f = treatment_facts(report)
    out = ["<h2>Treatment suggestions</h2>", f'<p class="nl-warn">{_e(f["disclaimer"])}</p>']
    if f["context"]:
        out.append("<h3>Patient context</h3>" + _table(f["context"]))
    if not f["groups"]:
        out.append(_p("No present condition of the knowledge base was found, so there is nothing to suggest.",
                      "nl-caption"))
    for g in f["groups"]:
        out.append(f"<h3>{_e(g['condition'])}</h3>" + _p(f"The note says {g['said']}.", "nl-caption")
                   + _table(g["rows"]))
        if g["flags"]:
            out.append("<p><b>Flags</b></p>" + _table(g["flags"]))
    if f["withheld"]:
        out.append("<h3>Withheld (contraindicated: never suggested)</h3>" + _table(f["withheld"]))
    if f["unmatched"]:
        out.append(_p("Present, but the knowledge base has no treatment row for: "
                      + ", ".join(f"“{t}”" for t in f["unmatched"]) + ".", "nl-caption"))
    return "".join(out)


def _explanation_section(report: CaseReport) -> str:
    if not report.explanations:
        return ""
    out = ["<h2>Explanations</h2>", _p("Each shows which words of the note raised (green) or lowered (red) one "
                                       "output of a model, and how faithful that reading measured.", "nl-caption")]
    for name, exp in report.explanations.items():
        f = explanation_facts(report, name)
        out.append(f"<h3>{_e(TASK_TITLES[name])}: {_e(f['target'])}</h3>")
        out.append(_p(f"{f['method']}; model {f['model_version'] or report.versions.get(name, '?')}.", "nl-caption"))
        out.append(_p(f["sentence"]))
        out.extend(f'<p class="nl-warn">{_e(c)}</p>' for c in f["caveats"])
        out.append(_table([f["figures"]]))
        out.append(heatmap_legend_html(f["legend"]) + heatmap_html(report.note, exp.words))
        out.append(_table(f["top_words"], empty="No word moved the score noticeably."))
    return "".join(out)


SECTIONS: dict[str, Callable[[CaseReport], str]] = {"triage": _triage_section, "drugs": _medication_section,
                                                    "conditions": _condition_section,
                                                    "treatments": _treatment_section}


def render_html(report: CaseReport) -> str:
    """The report as one self-contained HTML document (no script, no URL; every note-derived string escaped)."""
    body = [_header(report), _note_section(report)]
    for name in REPORT_TASKS:
        if name == "conditions" and "treatments" in report.results:
            continue  # shown just before the suggestions it drives
        if name == "treatments" and name in report.results:
            body.append(_condition_section(report))
        if name in report.results:
            body.append(SECTIONS[name](report))
    body.append(_explanation_section(report))
    body.append(f"<footer><b>{_e(FOOTER)}</b><br>{_e(report.title)}, {_e(_when(report))}, {_e(report.user)}."
                "</footer>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            '<meta name="referrer" content="no-referrer">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(report.title)}</title><style>{_CSS}</style></head><body>"
            + "".join(body) + "</body></html>\n")


# -- PDF -----------------------------------------------------------------------------------------------------------
#: Where a Unicode font is found offline: matplotlib's bundled DejaVu Sans (a pinned dependency), then Debian's.
_FONT_DIRS = ("mpl-data/fonts/ttf", "/usr/share/fonts/truetype/dejavu")
#: Tables wider than this are written as one line per row ("column: value; ...") in the PDF.
_PDF_MAX_COLUMNS = 6
#: So are tables with a cell longer than this (a row taller than a page cannot be drawn as a table row).
_PDF_MAX_CELL = 240


def _font_files() -> tuple[str, str] | None:
    """(regular, bold) DejaVu Sans files, or None (the PDF then uses a core font and transliterates)."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("matplotlib")
    roots = [Path(spec.origin).parent / _FONT_DIRS[0]] if spec and spec.origin else []
    for root in [*roots, Path(_FONT_DIRS[1])]:
        regular, bold = root / "DejaVuSans.ttf", root / "DejaVuSans-Bold.ttf"
        if regular.is_file():
            return str(regular), str(bold if bold.is_file() else regular)
    return None


class _Pdf:
    """The few drawing steps the report needs, over fpdf2, with text the font cannot draw made safe; a wide table, or
    one with long cells (interaction monographs), is written one paragraph per row."""

    def __init__(self, report: CaseReport) -> None:
        from fpdf import FPDF

        self.pdf = FPDF(format="A4")
        self.pdf.set_auto_page_break(True, margin=15)
        self.pdf.set_title(report.title)
        self.pdf.set_author(report.user)
        self.pdf.set_creator("NoteLens")
        self.pdf.set_creation_date(report.created)
        files = _font_files()
        if files:
            self.pdf.add_font("dejavu", "", files[0])
            self.pdf.add_font("dejavu", "B", files[1])
            self.family, self.cmap = "dejavu", set(self.pdf.fonts["dejavu"].cmap)
        else:
            self.family, self.cmap = "helvetica", None
        self.pdf.add_page()
        self.pdf.set_font(self.family, size=10)

    def safe(self, value: Any) -> str:
        """``value`` as text the font can draw: control characters become spaces; a character the Unicode font
        lacks becomes "?" (with a core font: a transliteration to Latin-1)."""
        text = "".join(c if c == "\n" or c.isprintable() else " " for c in _fmt(value))
        if self.cmap is not None:
            return "".join(c if c == "\n" or ord(c) in self.cmap else "?" for c in text)
        from unidecode import unidecode

        return "".join(c if ord(c) < 256 else unidecode(c) or "?" for c in text).encode("latin-1", "replace").decode(
            "latin-1")

    def heading(self, text: str, size: int = 13) -> None:
        self.pdf.ln(2)
        self.pdf.set_font(self.family, "B", size)
        self.pdf.multi_cell(0, size * 0.55, self.safe(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_font(self.family, "", 10)
        self.pdf.ln(1)

    def para(self, text: str, size: float = 10, bold: bool = False) -> None:
        self.pdf.set_font(self.family, "B" if bold else "", size)
        self.pdf.multi_cell(0, size * 0.5, self.safe(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_font(self.family, "", 10)
        self.pdf.ln(1)

    def table(self, rows: Sequence[dict[str, Any]], empty: str = "None.") -> None:
        if not rows:
            self.para(empty, 9)
            return
        heads = list(rows[0])
        if len(heads) > _PDF_MAX_COLUMNS or any(len(_fmt(v)) > _PDF_MAX_CELL for row in rows for v in row.values()):
            for row in rows:
                self.para("; ".join(f"{h}: {_fmt(row.get(h))}" for h in heads if _fmt(row.get(h))), 8.5)
            return
        self.pdf.set_font(self.family, "", 8.5)
        with self.pdf.table(first_row_as_headings=True, line_height=4.5, text_align="LEFT") as table:
            for cells in [heads, *([_fmt(row.get(h)) for h in heads] for row in rows)]:
                line = table.row()
                for cell in cells:
                    line.cell(self.safe(cell))
        self.pdf.set_font(self.family, "", 10)
        self.pdf.ln(2)

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def render_pdf(report: CaseReport) -> bytes:
    """The report as a PDF: the same sections as the HTML, as text (the explanations as their top words; the HTML
    report shows them highlighted in the note)."""
    doc = _Pdf(report)
    doc.heading(report.title, 16)
    doc.para(f"Made {_when(report)} by {report.user} with NoteLens.", 9)
    if report.deidentified:
        doc.para(deid_sentence(report), 9, bold=True)
    else:
        doc.para("This report holds the note as written (not de-identified).", 9, bold=True)
    doc.heading("Models")
    doc.table(version_rows(report))
    doc.heading("Note")
    doc.para(report.note, 9.5)
    if doc.cmap is not None and any(c != "\n" and c.isprintable() and ord(c) not in doc.cmap for c in report.note):
        doc.para("Characters this PDF's font cannot draw are shown as \"?\"; the HTML report shows them.", 8)
    if "triage" in report.results:
        f = triage_facts(report)
        doc.heading("Triage")
        doc.para(f["headline"], bold=True)
        doc.para(f["detail"], 9)
        doc.table(f["figures"])
        doc.para("Red flags", bold=True)
        doc.table(f["red_flags"], "No red flag found by the rules (their absence does not mean the note is not "
                  "urgent).")
        doc.para("Most likely services", bold=True)
        doc.table(f["services"])
    if "drugs" in report.results:
        f = medication_facts(report)
        doc.heading("Medications")
        doc.table(f["medications"], "No medication mention found.")
        if f["classes"]:
            doc.para("Drug classes named (not medications)", bold=True)
            doc.table(f["classes"])
        if f["orphans"]:
            doc.para("Attributes not linked to a drug", bold=True)
            doc.table(f["orphans"])
    if _conditions_of(report) is not None:
        doc.heading("Conditions")
        doc.table(condition_facts(report), "No condition found in this note.")
    if "treatments" in report.results:
        f = treatment_facts(report)
        doc.heading("Treatment suggestions")
        doc.para(f["disclaimer"], 9, bold=True)
        if f["context"]:
            doc.para("Patient context", bold=True)
            doc.table(f["context"])
        if not f["groups"]:
            doc.para("No present condition of the knowledge base was found, so there is nothing to suggest.", 9)
        for g in f["groups"]:
            doc.para(f"{g['condition']} (the note says {g['said']})", bold=True)
            doc.table(g["rows"])
            if g["flags"]:
                doc.para("Flags", 9, bold=True)
                doc.table(g["flags"])
        if f["withheld"]:
            doc.para("Withheld (contraindicated: never suggested)", bold=True)
            doc.table(f["withheld"])
        if f["unmatched"]:
            doc.para("Present, but the knowledge base has no treatment row for: " + ", ".join(f["unmatched"]), 9)
    if report.explanations:
        doc.heading("Explanations")
        for name in report.explanations:
            f = explanation_facts(report, name)
            doc.para(f"{TASK_TITLES[name]}: {f['target']} ({f['method']})", bold=True)
            doc.para(f["sentence"], 9)
            for caveat in f["caveats"]:
                doc.para(caveat, 9, bold=True)
            doc.table([f["figures"]])
            doc.table(f["top_words"], "No word moved the score noticeably.")
    doc.heading("Decision support only", 11)
    doc.para(FOOTER, 9)
    return doc.output()
