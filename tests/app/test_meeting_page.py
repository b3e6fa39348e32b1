"""Meeting mode through AppTest (tiny models): ``?mode=meeting`` opens the page alone, the cases step with
Next/Previous, every analysis and an explanation render, and there is no note box or feedback control."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.cases import load_cases
from tests.app.helpers import APP, TIMEOUT, button, sign_in

CASES = load_cases()


@pytest.fixture()
def meeting(tiny_triage_artifact, tiny_drug_artifact, tiny_condition_artifact, tiny_ranker_artifact):
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    sign_in(at, "dr.meeting")
    at.query_params["mode"] = "meeting"
    at.run()
    assert not at.exception, at.exception
    yield at
    st.cache_resource.clear()


def shown(at: AppTest) -> tuple[str, list[str]]:
    """(the title, the subheaders)."""
    return at.title[0].value, [h.value for h in at.subheader]


def test_presenter_view_walks_the_cases(meeting):
    at = meeting
    n = len(CASES)
    title, headers = shown(at)
    assert title == f"1. {CASES[0].title}"
    assert any(m.value == f"### 1 / {n}" for m in at.markdown)
    assert headers[:5] == ["Route", "Medications", "Conditions", "Treatment suggestions", "Why?"]
    assert not at.sidebar.children or not any(el.type == "button" for el in at.sidebar)  # no sidebar controls
    assert not at.text_area and not at.get("form") and not at.radio  # no note box, no feedback forms
    assert at.toggle(key="meeting_presenter").value is True
    assert [b.label for b in at.button] == ["Previous", "Next"]
    assert any('class="nl-heatmap"' in el.proto.body for el in at.get("html"))  # the explanation
    assert [m.label for m in at.metric][:3] == ["Comprehensiveness", "Sufficiency", "Convergence gap"]
    assert [d.proto.label for d in at.get("download_button")] == ["Download the case report (HTML)",
                                                                  "Download the case report (PDF)"]

    button(at, "Next").click()
    at.run()
    assert not at.exception, at.exception
    assert shown(at)[0].startswith("2. ") and any(m.value == f"### 2 / {n}" for m in at.markdown)
    button(at, "Previous").click().run()
    button(at, "Previous").click().run()  # wraps around to the last case
    assert not at.exception, at.exception
    assert shown(at)[0].startswith(f"{n}. ") and any(m.value == f"### {n} / {n}" for m in at.markdown)

    explain = at.selectbox(key=f"meeting_explain_{CASES[-1].id}")
    assert explain.options[0].startswith("Route: ")
    other = next(o for o in explain.options if o.startswith("Medication: ") or o.startswith("Suggestion: "))
    explain.set_value(explain.options.index(other)).run()  # the values are the items' indexes
    assert not at.exception, at.exception
    assert any('class="nl-heatmap"' in el.proto.body for el in at.get("html"))

    at.toggle(key="meeting_presenter").set_value(False).run()  # back to the app with its sidebar
    assert not at.exception, at.exception
    assert "mode" not in at.query_params


def test_missing_models_are_named_not_fatal(meeting, monkeypatch):
    from core.explain.render import escape_markdown
    from core.tasks import get_task
    from pages import state

    loaded = state.model
    monkeypatch.setattr(state, "model", lambda name: None if name in ("drugs", "treatments") else loaded(name))
    at = meeting
    button(at, "Next").click().run()
    assert not at.exception, at.exception
    hints = [i.value for i in at.info]
    assert hints == [escape_markdown(get_task(name).train_hint()) for name in ("drugs", "treatments")]
    assert "train conditions" in get_task("treatments").train_hint()
    assert [h.value for h in at.subheader][:2] == ["Route", "Why?"]


def test_case_text_is_escaped(meeting, monkeypatch):
    """A case's title, description and note reach the page as text: markdown escaped, HTML escaped."""
    from dataclasses import replace

    import core.cases
    from core.explain.render import escape_markdown

    odd = replace(CASES[0], title="Chest pain **now** <b>x</b>", shows="See [this](http://example.org) :red[red]",
                  text="Chest pain. <script>window.__pwned = 1</script> **Aspirin** 81 mg daily.")
    monkeypatch.setattr(core.cases, "load_cases", lambda: [odd, CASES[1]])
    st.cache_data.clear()
    at = meeting
    button(at, "Next").click().run()
    button(at, "Next").click().run()  # back to the first case, read from the patched list
    assert not at.exception, at.exception
    assert at.title[0].value == f"1. {escape_markdown(odd.title)}"
    assert any(m.value == f"*{escape_markdown(odd.shows)}*" for m in at.markdown)
    bodies = [el.proto.body for el in at.get("html")]
    assert any("&lt;script&gt;" in b and "__pwned" in b for b in bodies)  # the note and its heatmap
    assert not any("<script>" in b for b in bodies)
    st.cache_data.clear()
