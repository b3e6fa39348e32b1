"""Bad input on the Triage and Medications pages through AppTest: a clear message, no exception, nothing lost,
and a file that is not text is refused with its (escaped) name and never analysed."""

from __future__ import annotations

import codecs
import random

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.helpers import open_app, run_note

#: page -> (file, title, prefix of its widget keys, primary button, the task whose run the page keeps)
PAGES = {"triage": ("pages/triage.py", "Triage a clinical note", "", "Triage"),
         "drugs": ("pages/drugs.py", "Medications in a note", "drugs_", "Find medications")}
EVIL_NAME = "![x](http://evil/x.png).txt"
ACCENTS = "Patiente: Céline Müller, née à Zürich. Fièvre à 39 °C, œdème; aspirine 100 mg par jour."


def _random_bytes(n: int = 4096, seed: int = 20261205) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(256) for _ in range(n))


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"


@pytest.fixture(params=list(PAGES))
def page(request, tiny_triage_artifact, tiny_drug_artifact):
    """(AppTest on the page, task name)."""
    file, title, _, _ = PAGES[request.param]
    for at in open_app(None if request.param == "triage" else file, title):
        yield at, request.param


def _keys(task: str) -> tuple[str, str, str]:
    _, _, prefix, label = PAGES[task]
    return prefix + "note_text", prefix + "note_upload", label


def upload(at: AppTest, task: str, name: str, data: bytes) -> AppTest:
    _, upload_key, _ = _keys(task)
    at.file_uploader(key=upload_key).set_value((name, data, "text/plain"))
    at.run()
    assert not at.exception, at.exception
    return at


def analyse(at: AppTest, task: str, text: str) -> AppTest:
    note_key, _, label = _keys(task)
    return run_note(at, note_key, text, label)


def has_result(at: AppTest, task: str) -> bool:
    """The page shows a run: the kept run in the session and its visible output (chart or highlighted note)."""
    shown = (bool(at.get("plotly_chart")) if task == "triage"
             else any('class="nl-highlight"' in el.proto.body for el in at.get("html")))
    return f"{task}_run" in at.session_state and shown


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


@pytest.mark.parametrize("data", [_random_bytes(), PNG, b"Chest pain\x00\x00\x00 since today", b""],
                         ids=["random 4096", "png", "nul bytes", "empty file"])
def test_a_file_that_is_not_text_is_refused_naming_it_and_nothing_is_analysed(page, data):
    at, task = page
    note_key, _, _ = _keys(task)
    at.text_area(key=note_key).input("Typed before the upload: keep me.")
    upload(at, task, "scan.txt", data)
    assert any("scan" in e and "Nothing was analysed" in e for e in errors(at)), errors(at)
    assert at.text_area(key=note_key).value == "Typed before the upload: keep me."  # nothing lost
    assert not has_result(at, task)


def test_the_file_name_is_shown_as_text_not_markdown(page):
    at, task = page
    upload(at, task, EVIL_NAME, PNG)
    (message,) = [e for e in at.error if "Nothing was analysed" in e.value]
    assert "![x](" not in message.value and "](http" not in message.value
    assert "\\!\\[x\\]\\(http\u2060\\://evil/x\\.png\\)\\.txt" in message.value  # no autolink either
    assert not has_result(at, task)


@pytest.mark.parametrize("data", [ACCENTS.encode("cp1252"), codecs.BOM_UTF16_LE + ACCENTS.encode("utf-16-le"),
                                  codecs.BOM_UTF8 + ACCENTS.encode()], ids=["latin-1", "utf-16 bom", "utf-8-sig"])
def test_a_text_file_fills_the_box_and_is_analysed(page, data):
    at, task = page
    note_key, _, label = _keys(task)
    upload(at, task, "note.txt", data)
    assert not errors(at)
    assert at.text_area(key=note_key).value == ACCENTS
    analyse(at, task, ACCENTS)
    assert has_result(at, task)


@pytest.mark.parametrize("text", [
    "Chest pain 😟💊 since this morning, aspirin 81 mg daily 👍",
    "ألم في الصدر منذ الصباح. metoprolol 25 mg. כאב בחזה מהבוקר.",
    "\n".join(["BP ok"] * 10_000),
    ACCENTS,
], ids=["emoji", "arabic hebrew", "10000 lines", "latin-1 accents"])
def test_unusual_text_is_analysed_without_an_exception(page, text):
    at, task = page
    analyse(at, task, text)
    assert not errors(at), errors(at)
    assert has_result(at, task)


def test_whitespace_only_is_refused_with_a_message(page):
    at, task = page
    analyse(at, task, " \n\t\u00a0\n ")
    assert any("The note is empty" in e for e in errors(at))
    assert not has_result(at, task)


def test_a_note_over_the_limit_is_refused_stating_the_limit(page):
    from core.config import get_settings

    limit = get_settings().max_note_chars
    at, task = page
    analyse(at, task, "x" * (limit + 1))
    assert any("too long" in e and f"{limit:,}" in e for e in errors(at)), errors(at)
    assert not has_result(at, task)
