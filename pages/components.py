"""UI pieces the pages share (not a page itself: ``app.py`` routes only the pages it lists)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.explain.attribution import GAP_TOLERANCE, METHODS
from core.explain.render import escape_markdown, heatmap_html, heatmap_legend_html, top_words_rows, trust_caveats
from core.tasks import ModelMissing, get_task
from core.text import NoteError
from pages import state

#: How each severity of a safety flag is shown (Streamlit's markdown: colour and icon).
SEVERITY_ICON = {"contraindicated": ":red[:material/block:] **Contraindicated**",
                 "major": ":orange[:material/warning:] **Major**",
                 "moderate": ":blue[:material/info:] Moderate", "minor": ":gray[:material/info:] Minor"}
#: What every feedback form says before sending (a plain run stores offsets and codes only: Task.record).
FEEDBACK_NOTICE = ("Sending feedback stores this note's text with your verdict so the model can be retrained; "
                   "a plain run stores no text.")


def require_model(name: str) -> None:
    """Stop the page when the task's model is missing: showing its training (first run: the background trainer,
    :mod:`pages.training`), or else saying how to train it."""
    if state.model(name) is None:
        from pages import training

        if not training.wait_for(name):
            st.error(get_task(name).train_hint(), icon=":material/model_training:")
        st.stop()


def note_input(name: str, *, button: str, icon: str, placeholder: str, height: int = 240,
               read_as: str = "read") -> state.NoteRun:
    """Sample picker, upload, note box and the page's primary button; returns the page's current run.

    Stops the page when there is no run yet. A note edited after its run gets a notice.
    """
    prefix = state.PREFIX[name]
    sample_col, upload_col = st.columns(2)
    sample_col.selectbox("Start from a sample note", list(state.sample_notes()), index=None,
                         key=prefix + state.SAMPLE_KEY, placeholder="Choose a sample...",
                         on_change=state.on_sample_chosen, args=(prefix,))
    upload_col.file_uploader("...or upload a .txt file", type=["txt"], key=prefix + state.UPLOAD_KEY,
                             on_change=state.on_file_uploaded, args=(prefix,))
    if state.input_error(prefix):  # it quotes the file's name, which is user text: shown as text, never markdown
        st.error(escape_markdown(state.input_error(prefix)), icon=":material/block:")
    st.text_area("Clinical note", key=prefix + state.NOTE_KEY, height=height, placeholder=placeholder)
    if st.button(button, type="primary", icon=icon):
        try:
            with st.spinner("Reading the note..."):
                state.run_note(name, st.session_state.get(prefix + state.NOTE_KEY) or "")
        except NoteError as err:
            state.clear_run(name)
            st.error(str(err))
    last = state.current_run(name)
    if last is None:
        st.stop()
    if _edited(st.session_state.get(prefix + state.NOTE_KEY) or "", last.text):
        st.info(f"The note was edited: the results below are for the note as it was {read_as}. Press {button} "
                "again to update them.", icon=":material/edit_note:")
    return last


def _edited(box: str, ran: str) -> bool:
    """Whether the box no longer holds the note that ran, compared as the model saw it (cleaned): characters the
    cleaner drops (direction marks, control characters) or a different line ending are not an edit."""
    from core.text import clean_note

    try:
        return clean_note(box).strip() != ran.strip()
    except NoteError:  # emptied, or now too long
        return True


def method_picker(container: Any, default: str, key: str) -> str:
    """The attribution method radio, on ``default`` (a task's measured default) until the user switches."""
    methods = list(METHODS)
    return container.radio("Method", methods, index=methods.index(default), format_func=METHODS.get, horizontal=True,
                           key=key, help="Integrated Gradients is exact up to the convergence gap shown; gradient x "
                                         "input is one backward pass: faster, rougher. The default is the faster "
                                         "of the methods that are about as faithful on this task.")


def explain_picker(run: state.NoteRun, label: str) -> tuple[Any, str] | None:
    """What to explain and how (the task's targets and measured default method); None when nothing can be."""
    task = get_task(run.task)
    targets = task.targets(run.result)
    if not targets:
        return None
    target_key, method_key = state.EXPLAIN_KEYS[run.task]
    labels = {t.key: t.label for t in targets}
    pick_col, method_col = st.columns([3, 2])
    target = pick_col.selectbox(label, list(labels), key=target_key, format_func=labels.get)
    return target, method_picker(method_col, state.default_method(run), method_key)


def explanation(run: state.NoteRun, target: Any, method: str) -> Any:
    """The explanation of ``target``, with a spinner; an error (the model changed) stops the page."""
    try:
        with st.spinner(f"Explaining with {METHODS[method]}..."):
            return state.explain(run, target, method)
    except ModelMissing as err:
        st.error(str(err))
        st.stop()


def explanation_panel(text: str, explanation: Any, *, sentence: str, what: str, legend: str) -> None:
    """The note as a heatmap beside the plain-language sentence, faithfulness metrics and top words.

    Args:
        text: The note.
        explanation: A :class:`core.explain.attribution.Explanation`.
        sentence: One plain sentence naming the top words.
        what: The explained quantity, for the metric help ("the probability of Cardiology").
        legend: What the heatmap colours raise or lower ("the service").
    """
    note_col, side_col = st.columns(2, gap="large")
    with note_col:
        st.html(heatmap_legend_html(legend))
        st.html(heatmap_html(text, explanation.words))
    with side_col:
        st.markdown(escape_markdown(sentence))
        faith = st.columns(3)
        faith[0].metric("Comprehensiveness", f"{explanation.comprehensiveness or 0:+.2f}",
                        help=f"Drop in {what} when the top {explanation.top_k} words are removed: higher means the "
                             "highlights really carry the prediction.")
        faith[1].metric("Sufficiency", f"{explanation.sufficiency or 0:+.2f}",
                        help=f"Drop in {what} when only the top {explanation.top_k} words are kept: lower (near "
                             "zero) means those words alone are enough.")
        faith[2].metric("Convergence gap", "n/a" if explanation.delta is None else f"{explanation.delta:.1%}",
                        help="How far the word scores are from adding up to the model's score change "
                             f"(Integrated Gradients, {explanation.n_steps} steps). Below {GAP_TOLERANCE:.0%} is good.")
        for caveat in trust_caveats(explanation, what):
            st.warning(escape_markdown(caveat), icon=":material/info:")
        st.caption(f"{METHODS[explanation.method]}, {explanation.seconds:.1f} s"
                   f"{' (cached)' if explanation.cached else ''}; {what} now {explanation.target_probability:.0%}.")
        st.dataframe(top_words_rows(explanation, k=8), hide_index=True, width="stretch", height="content",
                     column_config={"score": st.column_config.NumberColumn(format="%+.3f")})


def send(run: state.NoteRun, kind: str, *, task: str | None = None, comment: str | None = None,
         **fields: Any) -> None:
    """Submit a correction; a problem is shown as an error (nothing is stored then)."""
    try:
        state.submit(run, kind, task=task, comment=comment, **fields)
    except ValueError as err:
        st.error(escape_markdown(str(err)))


def span_corrections(run: state.NoteRun, name: str, result: Any, key: str, *, status_text: dict[str, str],
                     attribute_text: dict[str, str] | None = None) -> None:
    """The form to correct a span task's ``result`` (drugs, or the conditions of a treatments run): a wrong mention,
    a missed one, an attribute, a status, or all correct; then the corrections sent on this run."""
    task = get_task(name)
    noun = task.corrections.noun
    kinds = task.feedback_kinds
    kind = st.radio("What is wrong?", list(kinds), format_func=kinds.get, horizontal=True, key=f"{key}_kind")
    labels = {t.key: t.label for t in task.targets(result)}
    mentions = list(labels)
    fields: dict[str, Any] = {}
    with st.form(key):
        if kind in task.corrections.on_mention:
            if not mentions:
                st.caption(f"There is no {noun} mention to correct: use “{kinds[f'missed_{noun}']}”.")
            fields["index"] = st.selectbox(noun.capitalize(), list(labels), format_func=labels.get,
                                           key=f"{key}_mention")
        if kind == f"missed_{noun}":
            st.caption(f"Type the {noun} as it is written in the note (and which occurrence), or give character "
                       "offsets.")
            c1, c2, c3, c4 = st.columns([3, 1, 1, 1])
            fields["needle"] = c1.text_input("Words of the note", key=f"{key}_text")
            fields["occurrence"] = int(c2.number_input("Occurrence", min_value=1, value=1, key=f"{key}_occurrence"))
            fields["start"] = c3.number_input("or start", min_value=0, value=None, key=f"{key}_start")
            fields["end"] = c4.number_input("end", min_value=0, value=None, key=f"{key}_end")
        if kind == "attribute" and attribute_text:
            c1, c2 = st.columns(2)
            fields["label"] = c1.selectbox("Attribute", list(attribute_text), format_func=attribute_text.get,
                                           key=f"{key}_label")
            fields["value"] = c2.text_input("Its text in the note (blank: it has none)", key=f"{key}_value") or ""
        if kind == "status":
            fields["status"] = st.selectbox("Right status", list(status_text), format_func=status_text.get,
                                            key=f"{key}_status")
        comment = st.text_input("Comment (optional)", key=f"{key}_comment")
        st.caption(FEEDBACK_NOTICE)
        if st.form_submit_button("Send correction", icon=":material/edit:"):
            send(run, kind, task=name, comment=comment, **fields)
    for feedback_id, correction in state.feedback_done(run, name):
        st.success(f"Saved feedback #{feedback_id} ({escape_markdown(correction.summary)}).",
                   icon=":material/task_alt:")


# -- the review pages -----------------------------------------------------------------------------------------
#: How the review pages (Review, Adjudication, Agreement) name the tasks annotators answer.
REVIEW_TASK_TITLES = {"triage": "Triage (service)", "drugs": "Medications (spans)", "conditions": "Conditions (spans)",
                      "treatments": "Treatments (accept or reject)"}


def review_task(key: str) -> str:
    """The review pages' task picker (the tasks of :data:`core.review.forms.REVIEW_TASKS`)."""
    from core.review.forms import REVIEW_TASKS

    return st.selectbox("Task", REVIEW_TASKS, format_func=lambda t: REVIEW_TASK_TITLES.get(t, t), key=key)


def show_outcome(key: str) -> None:
    """Show once, then forget, the ``(kind, message)`` a button's callback left under ``key`` (``success`` or
    ``error``; the callback escaped any user text in the message)."""
    outcome = st.session_state.pop(key, None)
    if outcome is not None:
        kind, message = outcome
        (st.success if kind == "success" else st.error)(message)


# -- case reports -----------------------------------------------------------------------------------------------
def report_downloads(run: state.NoteRun, results: dict[str, Any], explanations: dict[str, Any]) -> None:
    """"Download the case report" (HTML and PDF) of the page's run (:mod:`core.report`): the note, de-identified
    unless the box is unticked, the results with their model versions, the explanations shown, the date and the
    signed-in user. The file is made when a button is clicked (not on every rerun); each download is audited with
    ids and counts, never the note."""
    from core import audit
    from core.report import build_report, render_html, render_pdf

    user = state.current_user()[0] or "unknown"
    explained = {k: v for k, v in explanations.items() if v is not None}
    key = f"{run.task}_report"
    st.subheader("Case report")
    deid = st.checkbox("De-identify the note", value=True, key=f"{key}_deid",
                       help="Names, dates, phone numbers, e-mail addresses, record numbers and street addresses "
                            "become placeholders. Detection is automatic and can miss one: read the report before "
                            "sharing it.")
    if not deid:
        st.caption("The report will hold the note as written: share it only where the note itself may go.")

    def made() -> Any:
        return build_report(run.text, results, explained, user=user, deidentify=deid)

    def audited(fmt: str) -> None:
        audit.record(user, "report_downloaded", f"prediction:{run.prediction_id}",
                     {"task": run.task, "format": fmt, "deidentified": deid, "tasks": sorted(results),
                      "explained": sorted(explained)})

    stem = f"notelens-case-report-{run.task}-{run.prediction_id}{'-deid' if deid else ''}"
    html_col, pdf_col = st.columns(2)
    html_col.download_button("Download the case report (HTML)", lambda: render_html(made()), file_name=f"{stem}.html",
                             mime="text/html", icon=":material/download:", key=f"{key}_html", on_click=audited,
                             args=("html",), help="One self-contained file: no script, nothing fetched.")
    pdf_col.download_button("Download the case report (PDF)", lambda: render_pdf(made()), file_name=f"{stem}.pdf",
                            mime="application/pdf", icon=":material/picture_as_pdf:", key=f"{key}_pdf",
                            on_click=audited, args=("pdf",))
