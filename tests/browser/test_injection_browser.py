"""Injection in a real browser: the corpus of ``injection_payloads.yaml`` through every input of the app (sign-in
name, sample filter, note box and upload on each page, the uploaded file's name, feedback comments, corrections).

After each input the page must have opened no dialog, left ``window.__nl_pwned`` unset, fetched nothing outside
the app, and hold no element made from a payload (image, link, frame, style, handler, rendered markdown). Run with
``-s`` to see the figures (payloads and inputs tried, findings, outside requests) as one JSON line.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Literal

import pytest
from pydantic import BaseModel, ConfigDict

from core.knowledge.schema import load_yaml
from core.text import clean_note
from tests.browser import helpers as h
from tests.conftest import CARDIO

pytestmark = h.BROWSER_MARKS

Kind = Literal["script", "event-handler", "javascript-url", "markdown-link", "markdown-image", "css", "svg", "unicode",
               "html-entity", "streamlit-markdown"]


class Payload(BaseModel):
    """One attack string; ``marker``/``forbidden_text`` detect rendered (not executed) markup."""

    model_config = ConfigDict(extra="forbid")
    kind: Kind
    payload: str
    marker: str | None = None
    forbidden_text: str | None = None


class Corpus(BaseModel):
    model_config = ConfigDict(extra="forbid")
    payloads: list[Payload]


CORPUS = load_yaml(Path(__file__).with_name("injection_payloads.yaml"), Corpus).payloads
PAYLOADS = [p.payload for p in CORPUS]
#: Payloads pushed together through an input that takes long text: one line each, ``CHUNK`` to a line.
CHUNK = 10
LINES = [" ".join(PAYLOADS[i:i + CHUNK]) for i in range(0, len(PAYLOADS), CHUNK)]
#: Every payload on one line, for the one-line inputs (user name, correction fields): the note holds it too.
ALL = " ".join(PAYLOADS)
NOTE = "\n".join([CARDIO, "Assessment: hypertension. Continue metoprolol 25 mg PO BID.", *LINES, ALL])

#: Elements no payload may create (the app itself makes none of them).
FORBIDDEN = ["img[src*='attacker' i]", "[onerror]", "[onload]", "[onmouseover]", "[onfocus]", "[ontoggle]",
             "a[href^='javascript' i]", "a[href^='data:' i]", "a[href*='attacker' i]", "iframe",
             "script[src*='attacker' i]", "link[href*='attacker' i]", "[style*='attacker' i]", "image",
             "[data-testid='stMarkdownContainer'] img", "[data-testid='stMarkdownContainer'] a[href]:not([href^='#'])",
             ".katex", "[data-testid='stMarkdownContainer'] details", "video", "math"]
PROBE = """([forbidden, markers, texts]) => {
  const found = [];
  if (window.__nl_pwned !== undefined) found.push('window.__nl_pwned = ' + window.__nl_pwned);
  for (const sel of forbidden) {
    for (const el of document.querySelectorAll(sel)) found.push(sel + ': ' + el.outerHTML.slice(0, 160));
  }
  for (const st of document.querySelectorAll('style')) {
    if (/attacker/i.test(st.textContent)) found.push('style: ' + st.textContent.slice(0, 160));
  }
  for (const el of document.querySelectorAll("[data-testid='stMarkdownContainer'] *")) {
    if (markers.includes(el.textContent.trim())) found.push('rendered markup: ' + el.outerHTML.slice(0, 160));
  }
  const shown = document.body.innerText;
  for (const t of texts) if (shown.includes(t)) found.push('rendered shortcode: ' + t);
  return found;
}"""
MARKERS = [p.marker for p in CORPUS if p.marker]
TEXTS = [p.forbidden_text for p in CORPUS if p.forbidden_text]

#: input -> {"payloads": tried, "submissions": times the input was used, "findings": [...], "outside": [...]}
FIGURES: dict[str, dict] = {}


@pytest.fixture(scope="module")
def server(tiny_triage_artifact, tiny_drug_artifact, tiny_condition_artifact, tiny_ranker_artifact):
    yield from h.serve(("dr.inject", "annotator"))


@pytest.fixture(scope="module", autouse=True)
def figures():
    yield FIGURES
    totals = {"payloads_in_corpus": len(CORPUS), "kinds": len({p.kind for p in CORPUS}), "inputs": len(FIGURES),
              "payloads_tried": sum(f["payloads"] for f in FIGURES.values()),
              "submissions": sum(f["submissions"] for f in FIGURES.values()),
              "executed_or_rendered": sum(len(f["findings"]) for f in FIGURES.values()),
              "outside_requests": sum(len(f["outside"]) for f in FIGURES.values())}
    print("\nINJECTION " + json.dumps({"totals": totals, "inputs": {k: {**v, "findings": len(v["findings"]),
                                                                         "outside": len(v["outside"])}
                                                                     for k, v in FIGURES.items()}}))


def check(page, watch: h.Watch, name: str, payloads: int, settle_ms: int = 300) -> None:
    """Record and assert that the input ``name`` (fed ``payloads`` payloads once more) left no trace."""
    page.wait_for_timeout(settle_ms)  # let an image or a handler that slipped through fire
    findings = [*page.evaluate(PROBE, [FORBIDDEN, MARKERS, TEXTS]), *watch.dialogs]
    outside = list(watch.outside)
    watch.dialogs.clear()
    watch.outside.clear()
    entry = FIGURES.setdefault(name, {"payloads": 0, "submissions": 0, "findings": [], "outside": []})
    entry["payloads"] += payloads
    entry["submissions"] += 1
    entry["findings"] += findings
    entry["outside"] += outside
    assert not findings, f"{name}: a payload executed or was rendered: {findings}"
    assert not outside, f"{name}: the browser fetched from outside the app: {sorted(set(outside))}"


@contextlib.contextmanager
def signed_in(server):
    """A signed-in page and its watch."""
    with h.chromium_page() as page:
        watch = h.Watch(page, server)
        h.open_app(page, server)
        h.sign_in(page, "dr.inject")
        yield page, watch


def run_note(page, button: str) -> None:
    h.note_box(page).fill(NOTE)
    h.note_box(page).press("Control+Enter")
    h.wait_idle(page)
    page.locator("[data-testid='stBaseButton-primary']", has_text=button).click()
    h.wait_idle(page)
    page.locator(".nl-heatmap").first.wait_for()
    h.wait_idle(page)


def correct_words(page, watch: h.Watch, name: str, kind: str = "Add a missed drug") -> None:
    """Send a missed-mention correction quoting every payload: once as words of the note (stored, its summary
    echoes them), once with words not in the note (the error echoes them); the comment carries them too."""
    page.get_by_text(kind).click()
    h.wait_idle(page)
    for needle, expect in ((clean_note(ALL), "Saved feedback #"), (ALL + " (absent)", "does not occur")):
        page.get_by_role("textbox", name="Words of the note", exact=True).fill(needle)
        page.get_by_role("textbox", name="Comment (optional)", exact=True).fill(ALL)
        page.locator("[data-testid='stBaseButton-secondaryFormSubmit']", has_text="Send correction").click()
        h.wait_idle(page)
        page.get_by_text(expect).first.wait_for()
        check(page, watch, name, len(PAYLOADS))


def test_corpus_covers_every_kind():
    assert len(CORPUS) >= 40
    assert {p.kind for p in CORPUS} == set(Kind.__args__)
    assert all(clean_note(line) in clean_note(NOTE) for line in [*LINES, ALL])


def test_sign_in_name(server):
    with h.chromium_page() as page:
        watch = h.Watch(page, server)
        h.open_app(page, server)
        for name, n in ((ALL, len(PAYLOADS)), (PAYLOADS[0], 1)):
            page.get_by_role("textbox", name="User name", exact=True).fill(name)
            page.get_by_label("Password", exact=True).fill("not the password")
            page.locator("[data-testid='stBaseButton-primaryFormSubmit']", has_text="Sign in").click()
            h.wait_idle(page)
            assert page.locator("[data-testid='stAlertContentError']").count() == 1  # a message, not a crash
            check(page, watch, "sign-in user name", n)


def test_triage_page(server):
    with signed_in(server) as (page, watch):
        # the sample filter: each payload typed into the selectbox's search, then dismissed
        for payload in PAYLOADS:
            page.get_by_role("combobox", name="Start from a sample note", exact=True).click()
            page.keyboard.type(payload)
            page.keyboard.press("Escape")
            check(page, watch, "sample filter", 1, settle_ms=50)
        h.wait_idle(page)

        # the uploaded file's name, echoed by the refusal of a file that is not text (before any run: quick reruns)
        echoed = []
        for payload in PAYLOADS:
            name = payload + ".txt"
            h.upload(page, name, b"\x00\x01not text\x00")
            h.wait_idle(page)  # else the previous file's refusal, still on screen, can be the one read below
            page.get_by_text("was not read").wait_for()
            shown = page.locator("[data-testid='stAlertContentError']").inner_text().replace("\u2060", "")
            echoed += [payload] if f"\u201c{name}\u201d" in shown else []
            check(page, watch, "uploaded file name", 1, settle_ms=50)
        # the refusals quote the name (verbatim when the browser keeps it: it may rewrite quotes and slashes, and
        # markdown reads an entity such as &lt; as the character it names, still text)
        FIGURES["uploaded file name"]["echoed verbatim"] = len(echoed)
        assert len(echoed) >= len(PAYLOADS) // 3, sorted(set(PAYLOADS) - set(echoed))

        run_note(page, "Triage")
        page.get_by_text("Most likely services").wait_for()
        check(page, watch, "triage note box", len(PAYLOADS))

        h.flag_as_wrong(page, "Orthopedics", NOTE)
        check(page, watch, "triage feedback comment", len(PAYLOADS))

        # the uploaded file's content fills the box and is run
        h.upload(page, "payloads.txt", NOTE.replace(CARDIO, "Second upload.").encode("utf-8"))
        assert h.note_box(page).input_value().startswith("Second upload.")
        page.locator("[data-testid='stBaseButton-primary']", has_text="Triage").click()
        h.wait_idle(page)
        page.get_by_text("Most likely services").wait_for()
        check(page, watch, "uploaded file content", len(PAYLOADS))


def test_medications_page(server):
    with signed_in(server) as (page, watch):
        h.go_to(page, "Medications", "Medications in a note")
        run_note(page, "Find medications")
        check(page, watch, "medications note box", len(PAYLOADS))

        correct_words(page, watch, "medication correction (words, comment)")


def test_treatments_page(server):
    with signed_in(server) as (page, watch):
        h.go_to(page, "Treatments", "Treatment suggestions")
        run_note(page, "Suggest treatments")
        page.get_by_text("Candidate treatments", exact=True).wait_for()
        check(page, watch, "treatments note box", len(PAYLOADS))

        page.get_by_role("textbox", name="Treatment", exact=True).fill(ALL)
        page.get_by_role("textbox", name="Why (optional)", exact=True).fill(ALL)
        page.locator("[data-testid='stBaseButton-secondaryFormSubmit']", has_text="Add").click()
        h.wait_idle(page)
        check(page, watch, "missing treatment (name, reason)", len(PAYLOADS))

        expander = page.locator("[data-testid='stExpander'] summary", has_text="Correct the conditions found")
        expander.click()
        h.wait_idle(page)
        correct_words(page, watch, "condition correction (words, comment)", "Add a missed condition")
