"""Model facts page (every signed-in role): one card per task, what each serving model is for, what it must not be
used for, how it was made and how well it measured, all from :mod:`core.facts` (the model's own record; the words
from ``core/knowledge/data/model_facts.yaml``). File names, reasons and metadata are escaped before Markdown."""

from typing import Any

import pandas as pd
import streamlit as st

from core.explain.render import escape_markdown
from core.facts import build, facts_markdown, markdown_line
from core.tasks import TASKS
from pages import state

state.require("run")  # first: nothing of the page for someone not signed in or not allowed

st.title("Model facts")
st.caption("One card per model, headed like the source attributes ONC's HTI-1 rule asks of predictive decision "
           "support. Every figure is read from the model's metadata and the evaluations recorded beside it; what was "
           "never measured says so.")


#: Sections shown in the right-hand column (what was measured); the left one says what the model is and how it is
#: kept (HTI-1's order holds within each column).
FIGURES = ("external", "performance", "weaknesses", "explanation", "provenance")


def frame(rows: tuple[dict[str, Any], ...]) -> pd.DataFrame:
    """A table whose mixed columns (numbers and words in one column) are shown as text, as Arrow needs."""
    df = pd.DataFrame(list(rows))
    for col in df.columns:
        kinds = {type(v) for v in df[col] if v is not None and not (isinstance(v, float) and pd.isna(v))}
        if len(kinds) > 1 or kinds & {bool, dict, list}:
            df[col] = df[col].map(lambda v: "" if v is None else str(v))
    return df


for task in TASKS.values():
    card = build(task)
    with st.container(border=True):
        st.subheader(f"{task.name.capitalize()}: {escape_markdown(task.description)}")
        if card.problem:
            st.warning(f"The {task.name} model's record could not be read: {escape_markdown(card.problem)}.",
                       icon=":material/error:")
        elif not card.trained:
            st.info(f"No {task.name} model is trained yet, so this card has no figures. Train it with "
                    f"`notelens train {task.name}` (or `make run`).", icon=":material/hourglass_empty:")
        else:
            st.caption(f"Serving version `{card.version}`, trained {escape_markdown(card.created)}.")
        words, figures = st.columns([2, 3], gap="large")
        for section in card.sections:
            with figures if section.key in FIGURES else words:
                st.markdown(f"##### {section.heading}")
                if section.lines:
                    st.markdown("\n".join(f"- {markdown_line(line)}" for line in section.lines))
                if section.table:
                    st.dataframe(frame(section.table), hide_index=True, width="stretch")
                for command in section.commands:
                    st.code(command, language="bash")
        st.download_button("Download this card (Markdown)", facts_markdown(card), icon=":material/download:",
                           file_name=f"model-facts-{task.name}.md", mime="text/markdown", key=f"facts_md_{task.name}")
