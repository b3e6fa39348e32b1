"""UI pieces shared by the pages (not a page itself: ``app.py`` routes only the pages it lists)."""

import streamlit as st

from core.explain.attribution import METHODS
from core.explain.render import escape_markdown, heatmap_html, heatmap_legend_html, top_words_rows


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
                             f"(Integrated Gradients, {explanation.n_steps} steps). Below 5% is good.")
        st.caption(f"{METHODS[explanation.method]}, {explanation.seconds:.1f} s"
                   f"{' (cached)' if explanation.cached else ''}; {what} now {explanation.target_probability:.0%}.")
        st.dataframe(top_words_rows(explanation, k=8), hide_index=True, width="stretch", height="content",
                     column_config={"score": st.column_config.NumberColumn(format="%+.3f")})
