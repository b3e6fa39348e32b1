"""Bad input in a real browser: a clear message for what cannot be read, a result for odd but valid text, nothing
the user typed lost; and feedback buttons clicked twice (double-click, two quick clicks) store one row.

Run with ``-s`` to see the figures (inputs tried, refused, analysed; feedback rows written and found) as JSON.
"""

from __future__ import annotations

import codecs
import json
import os
import random

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser import helpers as h
from tests.conftest import CARDIO, ORTHO

pytestmark = h.BROWSER_MARKS

USER = "dr.badinput"
KEPT = "Typed before the upload: keep me."
ACCENTS = "Patiente: Céline Müller, née à Zürich. Fièvre à 39 °C, dyspnée; aspirine 100 mg par jour."  # latin-1 only
#: Right-to-left text with explicit direction marks (RLO, LRO, PDF): the marks are dropped, the words kept.
RTL = "\u202eألم في الصدر منذ الصباح.\u202c metoprolol 25 mg. \u202dכאב בחזה מהבוקר.\u202c"
EMOJI = "Chest pain 😟💊 since this morning, aspirin 81 mg daily 👍"
LINES = "\n".join(["BP ok, chest pain"] * 10_000)
#: Exactly the default limit (``NOTELENS_MAX_NOTE_CHARS``); one more character is refused (analysing the 200,000
#: characters themselves takes about two minutes in the browser on a busy machine, so only the refusal is here).
LONG = ("Chest pain radiating to the left arm. " * 5_300)[:199_999] + "."

FIGURES: dict[str, list] = {"tried": [], "refused": [], "analysed": []}


@pytest.fixture(scope="module")
def server(tiny_triage_artifact, tiny_drug_artifact):
    yield from h.serve((USER, "clinician"))


@pytest.fixture(scope="module", autouse=True)
def figures():
    yield FIGURES
    print("\nBAD_INPUT " + json.dumps({k: (v if isinstance(v, list) else v) for k, v in FIGURES.items()}))


@pytest.fixture(scope="module")
def page(server):
    with h.chromium_page() as page:
        watch = h.Watch(page, server)
        h.open_app(page, server)
        h.sign_in(page, USER)
        yield page
        assert not watch.outside and not watch.dialogs


def error_text(page) -> str:
    """The refusals shown (red-flag alerts are errors too, but say nothing about the input)."""
    return " ".join(t for t in page.locator("[data-testid='stAlertContentError']").all_inner_texts()
                    if any(w in t for w in ("The note is", "was not read", "Nothing was analysed")))


def shows_result(page) -> bool:
    return page.get_by_text("Most likely services").count() > 0 and page.locator(".js-plotly-plot").count() == 1


def result_appears(page) -> bool:
    """:func:`shows_result`, once the result had time to render (the first run loads the model; under load the chart
    can come a moment after the script reports idle)."""
    page.get_by_text("Most likely services").first.wait_for()
    page.locator(".js-plotly-plot").first.wait_for()
    return shows_result(page)


def type_note(page, text: str) -> None:
    box = h.note_box(page)
    box.fill(text)
    box.press("Control+Enter")
    h.wait_idle(page)


def triage(page) -> None:
    page.locator("[data-testid='stBaseButton-primary']", has_text="Triage").click()
    h.wait_idle(page, 300_000)


def _random_bytes(n: int = 4096, seed: int = 20261205) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(256) for _ in range(n))


@pytest.mark.parametrize("name, text, message", [
    ("empty", "", "The note is empty"),
    ("whitespace only", " \n\t\u00a0\n  ", "The note is empty"),
    ("200,001 characters", LONG + ".", "The note is too long: 200,001 characters, and the limit is 200,000"),
])
def test_a_refused_note_says_why_and_keeps_the_text(page, name, text, message):
    type_note(page, CARDIO)
    triage(page)
    assert result_appears(page)
    type_note(page, text)
    triage(page)
    FIGURES["tried"].append(name)
    page.get_by_text(message).wait_for()
    assert message in error_text(page), error_text(page)
    assert not shows_result(page)  # the previous result is not shown as if it were this note's
    assert h.note_box(page).input_value() == text  # nothing lost: the text is still in the box
    FIGURES["refused"].append(name)


@pytest.mark.parametrize("name, data, message", [
    ("binary (4,096 random bytes as .txt)", _random_bytes(), "was not read"),
    ("PNG bytes as .txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01", "NUL bytes"),
    ("empty file", b"", "it is empty"),
    ("whitespace-only file", b"  \n\t\n", "The note is empty"),
])
def test_a_file_that_is_not_a_note_is_refused_and_the_box_kept(page, name, data, message):
    type_note(page, KEPT)
    h.upload(page, "scan.txt", data)
    FIGURES["tried"].append(name)
    page.get_by_text(message).first.wait_for()
    assert message in error_text(page) and "scan.txt" in error_text(page), error_text(page)
    assert h.note_box(page).input_value() == KEPT  # nothing lost
    FIGURES["refused"].append(name)


@pytest.mark.parametrize("name, data", [
    ("latin-1 file", ACCENTS.encode("latin-1")),
    ("UTF-16 file with BOM", codecs.BOM_UTF16_LE + ACCENTS.encode("utf-16-le")),
    ("UTF-8 file with BOM", codecs.BOM_UTF8 + ACCENTS.encode()),
])
def test_a_text_file_in_another_encoding_fills_the_box(page, name, data):
    h.upload(page, f"{name}.txt".replace(" ", "_"), data)
    FIGURES["tried"].append(name)
    expect(h.note_box(page)).to_have_value(ACCENTS)  # the rerun of the upload may still be on its way
    h.wait_idle(page)
    assert not error_text(page), error_text(page)
    triage(page)
    assert shows_result(page)
    assert "Céline Müller" in page.locator(".nl-heatmap").inner_text()
    FIGURES["analysed"].append(name)


def feedback_rows(prediction_id: int) -> int:
    """Feedback rows of one prediction, read straight from the server's database."""
    engine = sa.create_engine(os.environ["NOTELENS_DB_URL"])
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT COUNT(*) FROM feedback WHERE prediction_id = :p AND user_name = :u"),
                                {"p": prediction_id, "u": USER}).scalar_one()
    finally:
        engine.dispose()


def latest_prediction(task: str) -> int:
    engine = sa.create_engine(os.environ["NOTELENS_DB_URL"])
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT MAX(id) FROM predictions WHERE task = :t"), {"t": task}).scalar_one()
    finally:
        engine.dispose()


@pytest.mark.parametrize("how", ["double-click", "two quick clicks"])
def test_looks_right_twice_stores_one_row(page, how):
    note = (CARDIO if how == "double-click" else ORTHO) + f" ({how})"  # a new prediction for each way
    type_note(page, note)
    triage(page)
    page.get_by_text("Most likely services").wait_for()
    prediction = latest_prediction("triage")
    assert feedback_rows(prediction) == 0
    looks_right = page.locator("[data-testid='stBaseButton-secondary']", has_text="Looks right")
    if how == "double-click":
        looks_right.dblclick()
    else:
        looks_right.click()
        looks_right.click(timeout=2_000)
    h.wait_idle(page)
    page.get_by_text("feedback #").wait_for()
    page.wait_for_timeout(500)
    h.wait_idle(page)
    found = feedback_rows(prediction)
    FIGURES.setdefault("feedback", []).append({"how": how, "clicks": 2, "rows_expected": 1, "rows_found": found})
    assert found == 1
    assert page.get_by_text("feedback #").count() == 1  # one notice, one id


@pytest.mark.parametrize("name, text", [("emoji", EMOJI), ("right-to-left with RLO/LRO marks", RTL),
                                        ("10,000 lines", LINES)])
def test_odd_but_valid_text_is_analysed(page, name, text):
    """Last in the module: every rerun after the 10,000-line result re-renders it (about a minute)."""
    if len(text) > 10_000:  # a long text comes as a file (typing 10,000 lines into the box takes minutes)
        h.upload(page, "long.txt", text.encode("utf-8"))
        assert h.note_box(page).input_value() == text
    else:
        type_note(page, text)
    triage(page)
    FIGURES["tried"].append(name)
    assert not error_text(page), error_text(page)
    page.get_by_text("Most likely services").wait_for()
    assert shows_result(page)
    if name.startswith("right-to-left"):  # the direction marks are dropped from what is shown, the words are not
        heat = page.locator(".nl-heatmap").inner_text()
        assert "ألم في الصدر" in heat and "כאב בחזה" in heat and "\u202e" not in heat
    FIGURES["analysed"].append(name)
