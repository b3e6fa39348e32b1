"""Meeting mode: the curated demo cases (``assets/cases``), one at a time, every analysis on one screen in large type
for a room: the route and its red flags, the medications, the conditions and the suggestions, and the explanation of
the result chosen. No note box, no feedback controls; ← and → step through the cases.

``?mode=meeting`` (``app.py``) opens it alone, without the sidebar (the presenter view); the toggle switches it.
Each analysis is recorded once as a prediction (text-free, as on the other pages), so a case report's download is
audited against it; no feedback is taken here.
"""

from __future__ import annotations

import time
from typing import Any

import streamlit as st

from core.cases import Case, explain_target, load_cases
from core.explain.render import escape_markdown, highlight_spans_html, summary_sentence
from core.knowledge.schema import DataFileError
from core.labels import CONDITION_STATUS_TEXT, DRUG_STATUS_TEXT, service_title
from core.tasks import get_task
from core.triage.present import is_severe, outcome_text, red_flag_rows
from pages import state
from pages.components import SEVERITY_ICON, explanation, explanation_panel, report_downloads, require_model

state.require("run")  # first: nothing of the page for someone not signed in or not allowed

#: The analyses shown for each case, in order (the treatments task also reads the conditions).
TASKS = ("triage", "drugs", "treatments")
INDEX_KEY, RUNS_KEY, PRESENTER_KEY = "meeting_index", "meeting_runs", "meeting_presenter"
#: The presenter view's larger type (the page's own widgets and markdown; the explanation heatmap keeps its style).
LARGE_TYPE = """<style>
[data-testid="stMain"] .stMarkdown p, [data-testid="stMain"] .stMarkdown li,
[data-testid="stMain"] [data-testid="stAlertContainer"] p { font-size: 1.3rem; line-height: 1.5; }
[data-testid="stMain"] h1 { font-size: 2.6rem; }
[data-testid="stMain"] h3 { font-size: 1.7rem; }
[data-testid="stMain"] .nl-highlight, [data-testid="stMain"] .nl-heatmap { font-size: 1.15rem !important; }
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"] { display: none; }
</style>"""


@st.cache_data(show_spinner=False)
def _cases() -> list[Case]:
    return load_cases()


def _presenter() -> bool:
    return st.query_params.get("mode") == "meeting"


def _set_presenter() -> None:
    """Toggle callback: the presenter view lives in the URL (``?mode=meeting``), so a reload keeps it."""
    if st.session_state.get(PRESENTER_KEY):
        st.query_params["mode"] = "meeting"
    else:
        st.query_params.pop("mode", None)


def _step(delta: int, n: int) -> None:
    st.session_state[INDEX_KEY] = (st.session_state.get(INDEX_KEY, 0) + delta) % n


def _runs(case: Case) -> dict[str, state.NoteRun | None]:
    """Each analysis of the case (None: its model is not trained), run once per session, note and model version."""
    from core.text import clean_note, note_hash

    text = clean_note(case.text)
    kept: dict[tuple[str, str, str], state.NoteRun] = st.session_state.setdefault(RUNS_KEY, {})
    out: dict[str, state.NoteRun | None] = {}
    for name in TASKS:
        loaded = state.model(name)
        if loaded is None:
            out[name] = None
            continue
        key = (note_hash(text), name, get_task(name).version(loaded))
        if key not in kept:
            with st.spinner(f"Running {get_task(name).page or name}..."):
                t0 = time.perf_counter()
                result = get_task(name).run(loaded, text)
                seconds = time.perf_counter() - t0
                digest, prediction_id = state._record_once(name, text, result)
                kept[key] = state.NoteRun(name, text, digest, result, prediction_id, seconds, loaded)
        out[name] = kept[key]
    return out


def _missing(name: str) -> None:
    st.info(escape_markdown(get_task(name).train_hint()), icon=":material/model_training:")


def _route(run: state.NoteRun) -> None:
    result = run.result
    st.subheader("Route")
    headline, detail = outcome_text(result, run.model.artifact)
    (st.warning if result.uncertain else st.success)(
        f"**{escape_markdown(headline)}**  \n{escape_markdown(detail)}",
        icon=":material/person_search:" if result.uncertain else ":material/check_circle:")
    st.caption(" · ".join(f"{escape_markdown(s.title)} {s.probability:.0%}" for s in result.scores[:3])
               + f" · model `{result.model_version}` · {result.n_tokens} tokens in {result.n_windows} "
                 f"window{'s' if result.n_windows != 1 else ''}")
    flags = red_flag_rows(result, run.text)
    if not flags:
        st.caption("No red flag found by the rules.")
    for flag in flags:
        show = st.error if is_severe(flag["severity"]) else st.warning
        words = ", ".join(f"“{escape_markdown(w)}”" for w in flag["triggers"])
        show(f"**{escape_markdown(flag['name'])}** ({escape_markdown(flag['severity'])}): {words}",
             icon=":material/emergency:")


def _medications(run: state.NoteRun) -> None:
    result = run.result
    st.subheader("Medications")
    if not result.mentions and not result.classes:
        st.caption("No medication mention found.")
    chips = []
    for m in (*result.mentions, *result.classes):
        status = DRUG_STATUS_TEXT.get(m.status, m.status)
        struck = m.status in ("negated", "allergy", "discontinued")
        name = escape_markdown(m.text)
        chips.append(f"{'~~' + name + '~~' if struck else '**' + name + '**'} ({escape_markdown(status)})")
    if chips:
        st.markdown(" · ".join(chips))
    st.caption(f"Model `{result.model_version}`.")


def _conditions(run: state.NoteRun) -> None:
    result = run.result
    st.subheader("Conditions")
    mentions = result.conditions.mentions
    if not mentions:
        st.caption("No condition found.")
    seen: dict[tuple[str, str], None] = {}
    for m in mentions:
        seen[(m.normalized.title if m.normalized else m.text, CONDITION_STATUS_TEXT.get(m.status, m.status))] = None
    st.markdown(" · ".join(f"{'**' + escape_markdown(t) + '**' if s == 'present' else escape_markdown(t)} "
                           f"({escape_markdown(s)})" for t, s in seen))


def _suggestions(run: state.NoteRun) -> None:
    from core.treatments.present import distinct_flags, kb_basis, role_text

    result = run.result
    st.subheader("Treatment suggestions")
    v = result.versions
    st.caption(f"Knowledge base v{escape_markdown(str(v.get('kb')))}, ranker `{v.get('ranker')}`. Decision support "
               "only: the clinician decides.")
    groups = result.by_condition()
    if not groups:
        st.caption("No present condition of the knowledge base, so nothing to suggest.")
    for items in groups.values():
        lines = [f"**{escape_markdown(items[0].condition_name)}**"]
        for s in items[:3]:
            basis = kb_basis(s, run.model.kb)
            lines.append(f"{s.rank}. **{escape_markdown(s.drug)}**, {escape_markdown(role_text(s.line))} "
                         f"({escape_markdown(basis['body'])} {escape_markdown(basis['year'])})")
            for f in distinct_flags(s):
                if f.severity in ("contraindicated", "major"):
                    lines.append(f"   {SEVERITY_ICON[f.severity]} {escape_markdown(f.message)}")
        st.markdown("  \n".join(lines))
        if items[3:]:  # the rest in one line, a major flag marked
            st.markdown("Also: " + ", ".join(
                escape_markdown(s.drug) + (" :orange[:material/warning:]" if s.top_severity == "major" else "")
                for s in items[3:]))
    for s in result.withheld:
        why = "; ".join(dict.fromkeys(f.message for f in s.flags if f.severity == "contraindicated"))
        st.markdown(f"{SEVERITY_ICON['contraindicated']} withheld: **{escape_markdown(s.drug)}** for "
                    f"{escape_markdown(s.condition_name)}: {escape_markdown(why)}")


def _note(runs: dict[str, state.NoteRun | None], text: str) -> None:
    """The note with its medications (bold, by status colour) or, without a drug model, its red-flag words."""
    drugs, triage = runs.get("drugs"), runs.get("triage")
    if drugs is not None:
        from core.drugs.present import legend_html, note_html

        st.html(legend_html())
        st.html(note_html(text, drugs.result))
    else:
        spans = [s for flag in red_flag_rows(triage.result, text) for s in flag["spans"]] if triage else []
        st.html(highlight_spans_html(text, spans, lambda s: "nl-flag",
                                     style_for=lambda s: "background-color:#fecaca;padding:0 0.1rem;"))


def _explainable(runs: dict[str, state.NoteRun | None]) -> list[tuple[str, Any, str]]:
    """(task, target, label) of every result that can be explained: the top services, the medications, the
    suggestions."""
    out = []
    for name, prefix in (("triage", "Route"), ("drugs", "Medication"), ("treatments", "Suggestion")):
        run = runs.get(name)
        if run is None or (name == "treatments" and run.model.ranker is None):
            continue
        targets = get_task(name).targets(run.result)
        out.extend((name, t.key, f"{prefix}: {t.label}") for t in (targets[:3] if name == "triage" else targets))
    return out


def _words(run: state.NoteRun, target: Any, exp: Any) -> tuple[str, str, str]:
    """(sentence, what, legend) for :func:`pages.components.explanation_panel`, as each task's page says them."""
    top = ", ".join(f"“{w.text}”" for w in exp.top(5)) or "none"
    if run.task == "triage":
        title = service_title(target)
        return summary_sentence(exp, title), f"the probability of {title}", "the service"
    if run.task == "drugs":
        text = run.result.mentions[target].text
        return (f"The words that most raised the model's belief that “{text}” is a drug: {top}.",
                "the entity's probability", "the belief it is a drug")
    s = run.result.suggestions[target]
    return (f"The words that most raised {s.drug} among the treatments of {s.condition_name}: {top}.",
            f"{s.drug}'s share among the candidates for {s.condition_name}", f"the rank of {s.drug}")


def _explain(case: Case, runs: dict[str, state.NoteRun | None]) -> dict[str, Any]:
    """The explanation of the result chosen (the case's own first), as {task: explanation} for the report."""
    items = _explainable(runs)
    if not items:
        return {}
    st.subheader("Why?")
    first = runs.get(case.explain_task)
    wanted = explain_target(case, first.result) if first is not None else None
    default = next((i for i, (n, k, _) in enumerate(items) if n == case.explain_task and k == wanted), 0)
    labels = {i: label for i, (_, _, label) in enumerate(items)}
    pick = st.selectbox("Explain", list(labels), index=default, format_func=labels.get,
                        key=f"meeting_explain_{case.id}")
    name, target, _ = items[pick]
    run = runs[name]
    exp = explanation(run, target, get_task(name).default_method(run.result))
    sentence, what, legend = _words(run, target, exp)
    explanation_panel(run.text, exp, sentence=sentence, what=what, legend=legend)
    return {name: exp}


def _report(runs: dict[str, state.NoteRun | None], explained: dict[str, Any]) -> None:
    """The case report's download buttons (:func:`pages.components.report_downloads`), over every analysis shown."""
    results = {name: run.result for name, run in runs.items() if run is not None}
    if "treatments" in results:
        results["conditions"] = results["treatments"].conditions
    report_downloads(runs["triage"], results, explained)


# -- the page -----------------------------------------------------------------------------------------------
presenter = _presenter()
if presenter:
    st.html(LARGE_TYPE)
try:
    cases = _cases()
except DataFileError as err:
    st.error(escape_markdown(str(err)), icon=":material/error:")
    st.stop()
n = len(cases)
index = st.session_state.get(INDEX_KEY, 0) % n
st.session_state[INDEX_KEY] = index
case = cases[index]

prev_col, where_col, next_col, mode_col = st.columns([1, 2, 1, 2], vertical_alignment="center")
prev_col.button("Previous", icon=":material/arrow_back:", shortcut="ArrowLeft", on_click=_step, args=(-1, n),
                key="meeting_prev", width="stretch")
where_col.markdown(f"### {index + 1} / {n}", text_alignment="center")
next_col.button("Next", icon=":material/arrow_forward:", shortcut="ArrowRight", on_click=_step, args=(1, n),
                key="meeting_next", width="stretch")
st.session_state[PRESENTER_KEY] = presenter
mode_col.toggle("Presenter view", key=PRESENTER_KEY, on_change=_set_presenter,
                help="Larger type and no sidebar; the address ?mode=meeting opens it directly.")

st.title(f"{index + 1}. {escape_markdown(case.title)}")
st.markdown(f"*{escape_markdown(case.shows)}*")
require_model("triage")
runs = _runs(case)

note_col, results_col = st.columns([5, 4], gap="large")
with note_col:
    _note(runs, runs["triage"].text if runs["triage"] else case.text)
with results_col:
    _route(runs["triage"])
    for name, show in (("drugs", _medications), ("treatments", _conditions)):
        if runs[name] is None:
            _missing(name)
        else:
            show(runs[name])
    if runs["treatments"] is not None:
        _suggestions(runs["treatments"])
_report(runs, _explain(case, runs))
