"""The review loop in a real browser (issue 14): an annotator corrects a span of a queued drug item in the Review
page's table and submits it; an admin settles a disagreement on the Adjudication page and promotes a saved triage
version on the Models page.

The server runs over a database and a models folder of this module's own (the session's database may already
hold queue items from other tests' feedback, which the queue would hand out first): two triage versions copied from
the tiny test model, the older one serving.
"""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest

from tests.browser import helpers as h

pytestmark = h.BROWSER_MARKS

ANNOTATOR, ADMIN = "ann.browser.review", "admin.browser.review"
V1, V2 = "triage-browser-v1", "triage-browser-v2"
NOTE = "Continue metoprolol succinate 25 mg PO daily. Denies chest pain."
DRUG_AT, STRENGTH_AT = NOTE.index("metoprolol"), NOTE.index("25 mg")
#: The model's output on NOTE: the drug cut short ("metoprolol" without "succinate"), its strength right.
PREFILL = {"entities": [{"start": DRUG_AT, "end": DRUG_AT + len("metoprolol"), "label": "DRUG", "status": "current"},
                        {"start": STRENGTH_AT, "end": STRENGTH_AT + len("25 mg"), "label": "STRENGTH"}]}
DISPUTED = "Sudden weakness of the left arm and slurred speech; CT head ordered. Aspirin held."


def note_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.fixture(scope="module")
def server(tiny_triage_artifact, tmp_path_factory):
    """A server over this module's database and models (two copies of the tiny triage model, V1 serving), with an
    annotator and an admin."""
    from core.config import get_settings
    from core.db.engine import dispose_engine, init_db

    root = tmp_path_factory.mktemp("review-browser")
    models = root / "models"
    for version, created in ((V1, "2026-01-01T00:00:00+00:00"), (V2, "2026-02-01T00:00:00+00:00")):
        folder = models / "triage" / version
        shutil.copytree(tiny_triage_artifact, folder)
        meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
        meta.update(version=version, created=created)
        meta["training"]["val_notes"] = 16  # the synthetic held-out set the promotion check scores: kept small
        (folder / "metadata.json").write_text(json.dumps(meta), encoding="utf-8")
    (models / "triage" / "CURRENT").write_text(V1 + "\n", encoding="utf-8")
    url = f"sqlite:///{root / 'review.db'}"
    mp = pytest.MonkeyPatch()
    try:
        mp.setenv("NOTELENS_DB_URL", url)
        mp.setenv("NOTELENS_MODELS_DIR", str(models))
        get_settings.cache_clear()
        init_db()
        yield from h.serve((ANNOTATOR, "annotator"), (ADMIN, "admin"))
    finally:
        dispose_engine(url)
        mp.undo()
        get_settings.cache_clear()


def open_page(page, link: str, text: str) -> None:
    """Follow the sidebar link named exactly ``link`` (``Review`` is also part of ``Feedback review``) and wait for
    ``text`` of the page."""
    page.get_by_role("link", name=link, exact=True).click()
    h.wait_idle(page)
    page.get_by_text(text).first.wait_for()


def test_an_annotator_corrects_a_span_and_submits(server):
    from core.review import queue as q

    item = q.enqueue("drugs", note_hash=note_hash(NOTE), note_text=NOTE, source="batch", actor=ADMIN,
                     prefill=PREFILL, model_version="drugs-tiny", overlap_share=0.0)
    with h.chromium_page() as page:
        h.open_app(page, server)
        h.sign_in(page, ANNOTATOR)
        open_page(page, "Review", "Notes waiting for an answer")
        h.pick(page, "Task", "Medications (spans)")
        h.wait_idle(page)
        page.get_by_text(f"Item #{item}").wait_for()
        page.get_by_text("The model's spans (2)").wait_for()

        # The span table is a canvas (glide-data-grid): select the first row's "start" cell (right of the row
        # markers, below the 35-pixel header), move to "end", open its editor, type the corrected offset.
        grid = page.locator("[data-testid='stDataFrame'] [data-testid='stDataFrameResizable']")
        grid.scroll_into_view_if_needed()
        grid.click(position={"x": 60, "y": 36 + 17})
        page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
        editor = page.locator("#portal input, input.gdg-input").first
        editor.wait_for()
        editor.fill(str(DRUG_AT + len("metoprolol succinate")))
        editor.press("Enter")
        h.wait_idle(page)

        page.locator("[data-testid='stBaseButton-secondary']", has_text="Submit correction").click()
        h.wait_idle(page)
        page.get_by_text("Saved (annotation #").wait_for()
        page.get_by_text("Nothing left for you in this task's queue.").wait_for()

    (who, verdict, answer), = q.answers(item)
    assert (who, verdict) == (ANNOTATOR, "correct")
    assert answer == {"spans": [{"start": DRUG_AT, "end": DRUG_AT + len("metoprolol succinate"), "label": "DRUG",
                                 "status": "current", "attributes": [{"start": STRENGTH_AT,
                                                                      "end": STRENGTH_AT + len("25 mg"),
                                                                      "label": "STRENGTH"}]}]}
    assert NOTE[answer["spans"][0]["start"]:answer["spans"][0]["end"]] == "metoprolol succinate"


def test_an_admin_adjudicates_then_promotes_a_saved_version(server):
    from core import registry
    from core.audit import list_events
    from core.labels import service_title
    from core.review import data
    from core.review import queue as q
    from core.tasks import get_task

    item = q.enqueue("triage", note_hash=note_hash(DISPUTED), note_text=DISPUTED, source="batch", actor=ADMIN,
                     overlap_share=1.0)
    for who, label in (("ann.browser.a", "general_medicine"), ("ann.browser.b", "neurology_neurosurgery")):
        assert q.next_item("triage", who).id == item
        q.submit(item, who, "correct", {"label": label})
    assert [d.id for d in q.disagreements("triage")] == [item]

    with h.chromium_page() as page:
        h.open_app(page, server)
        h.sign_in(page, ADMIN)
        open_page(page, "Adjudication", "Items whose annotators disagreed")
        page.get_by_text(f"Item #{item}").wait_for()
        page.get_by_text("ann.browser.b (correct)").wait_for()
        # the first answering annotator's service is pre-selected; the admin picks the other annotator's
        h.pick(page, "Final service", service_title("neurology_neurosurgery"))
        h.wait_idle(page)
        page.locator("[data-testid='stBaseButton-primary']", has_text="Record as gold").click()
        h.wait_idle(page)
        page.get_by_text(f"Item #{item} settled (gold #").wait_for()

        (gold,) = data.gold("triage")
        assert (gold.item_id, gold.answer, gold.method, gold.decided_by) == (
            item, {"label": "neurology_neurosurgery"}, "adjudicated", ADMIN)

        open_page(page, "Models", "Every saved version of each task's model")
        assert registry.serving(get_task("triage")) == V1
        h.pick(page, "Version", V2)
        h.wait_idle(page)
        reason = "V2 reads the adjudicated neurology notes better"
        box = page.get_by_role("textbox", name="Reason", exact=True)
        box.fill(reason)
        box.press("Enter")
        h.wait_idle(page)
        page.get_by_role("button", name=f"Promote {V2}", exact=True).click()  # checked against V1 first
        h.wait_idle(page)
        page.get_by_text(f"{V2} now serves (was {V1})").wait_for()
        page.locator("[data-testid='stSidebar']").get_by_text(V2).wait_for()  # the app loads it on this run

    models = get_task("triage")
    assert registry.serving(models) == V2 and models.current().name == V2
    (event,) = list_events(5, action="model_promoted")
    assert (event.actor, event.target) == (ADMIN, f"model:triage/{V2}")
    assert event.details["reason"] == reason and event.details["from"] == V1
    assert [(e["from"], e["to"], e["actor"]) for e in registry.history(models)] == [(V1, V2, ADMIN)]
