"""UI pieces shared by the pages (not a page itself: ``app.py`` routes only the pages it lists)."""

import streamlit as st

from core import resources as R
from core.explain.attribution import GAP_TOLERANCE, METHODS
from core.explain.render import escape_markdown, heatmap_html, heatmap_legend_html, top_words_rows, trust_caveats
from core.text import NoteError


def explanation_panel(text: str, explanation, *, sentence: str, what: str, legend: str) -> None:
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


def method_picker(container, default: str, key: str) -> str:
    """The attribution method radio, on ``default`` (a task's measured default) until the user switches."""
    methods = list(METHODS)
    return container.radio("Method", methods, index=methods.index(default), format_func=METHODS.get, horizontal=True,
                           key=key, help="Integrated Gradients is exact up to the convergence gap shown; gradient x "
                                         "input is one backward pass: faster, rougher. The default is the faster "
                                         "of the methods that are about as faithful on this task.")


def note_input(prefix: str, *, button: str, icon: str, placeholder: str, run, clear, current, height: int = 240,
               read_as: str = "read"):
    """Sample picker, upload, note box and the page's primary button; returns the page's current run.

    Stops the page when there is no run yet. ``run(text)`` reads a note (raising ``NoteError`` on bad input),
    ``clear()`` forgets the last run, ``current()`` returns it. A note edited after its run gets a notice.
    """
    sample_col, upload_col = st.columns(2)
    sample_col.selectbox("Start from a sample note", list(R.sample_notes()), index=None, key=prefix + R.SAMPLE_KEY,
                         placeholder="Choose a sample...", on_change=R.on_sample_chosen, args=(prefix,))
    upload_col.file_uploader("...or upload a .txt file", type=["txt"], key=prefix + R.UPLOAD_KEY,
                             on_change=R.on_file_uploaded, args=(prefix,))
    if R.input_error(prefix):
        st.error(R.input_error(prefix))
    st.text_area("Clinical note", key=prefix + R.NOTE_KEY, height=height, placeholder=placeholder)
    if st.button(button, type="primary", icon=icon):
        try:
            with st.spinner("Reading the note..."):
                run(st.session_state.get(prefix + R.NOTE_KEY) or "")
        except NoteError as err:
            clear()
            st.error(str(err))
    last = current()
    if last is None:
        st.stop()
    if (st.session_state.get(prefix + R.NOTE_KEY) or "").strip() != last.text.strip():
        st.info(f"The note was edited: the results below are for the note as it was {read_as}. Press {button} "
                "again to update them.", icon=":material/edit_note:")
    return last
