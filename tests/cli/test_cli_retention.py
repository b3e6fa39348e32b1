"""`notelens purge`, `notelens forget` and `notelens hash` against a temporary settings database: a human line, then
one JSON line of counts; the hash printed is the one a prediction stores; bad input exits with status 2."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from core.audit import list_events, verify
from core.cli import app
from core.db.engine import init_db, write_session
from core.db.models import Feedback, utcnow
from core.db.store import count_rows, hash_text, list_feedback, record_feedback, record_prediction
from core.text import clean_note

runner = CliRunner()
NOTE = "Pt on warfarin 5 mg daily.\r\nINR 3.1. MARKER-CLI-77aa\n"


@pytest.fixture
def db(auth_db_url):
    init_db()
    return auth_db_url


def _last_json(output: str) -> dict:
    return json.loads([line for line in output.strip().splitlines() if line.strip()][-1])


def _feedback(note: str, days_ago: int) -> int:
    pid = record_prediction("drugs", "v1", note, {"entities": []})
    fid = record_feedback(pid, user_name="ann", user_role="annotator", verdict="wrong", comment="see note",
                          correction={"kind": "missed_drug", "start": 6, "end": 14, "text": "warfarin"},
                          note_text=note)
    with write_session() as s:
        s.execute(update(Feedback).where(Feedback.id == fid).values(created_at=utcnow() - timedelta(days=days_ago)))
    return fid


def test_purge_clears_old_texts_and_prints_counts(db):
    _feedback("old note", 400)
    _feedback("new note", 3)
    res = runner.invoke(app, ["purge", "--actor", "cli:test"])
    assert res.exit_code == 0, res.output
    assert "cleared 1 note texts, 1 comments and 1 corrections on 1 feedback rows" in res.output
    out = _last_json(res.output)
    assert (out["older_than_days"], out["rows"], out["note_texts"], out["dry_run"]) == (365, 1, 1, False)
    assert sorted(r.note_text or "" for r in list_feedback()) == ["", "new note"]
    (event,) = list_events(5, action="notes_purged")
    assert event.actor == "cli:test" and event.details["rows"] == 1
    assert verify().ok


def test_purge_dry_run_and_days_option(db):
    _feedback("recent note", 3)
    res = runner.invoke(app, ["purge", "--older-than-days", "1", "--dry-run"])
    assert res.exit_code == 0, res.output
    assert "would clear 1 note texts" in res.output
    assert _last_json(res.output)["dry_run"] is True
    assert [r.note_text for r in list_feedback()] == ["recent note"]
    assert list_events(5, action="notes_purged") == []
    assert runner.invoke(app, ["purge", "--older-than-days", "-1"]).exit_code == 2


def test_purge_default_actor_is_the_os_user(db, monkeypatch):
    monkeypatch.setattr("getpass.getuser", lambda: "carol")
    assert runner.invoke(app, ["purge"]).exit_code == 0
    assert list_events(1, action="notes_purged")[0].actor == "cli:carol"


def test_hash_prints_what_predictions_store_and_forget_uses_it(db, tmp_path):
    note_file = tmp_path / "note.txt"
    note_file.write_bytes(NOTE.encode("utf-8"))
    cleaned = clean_note(NOTE)  # what the pages hash: CRLF folded to LF
    record_prediction("drugs", "v1", cleaned, {"entities": []})
    record_prediction("triage", "v1", cleaned.strip(), {"service": "cardiology"})  # pasted without the final newline
    _feedback("another note", 1)

    res = runner.invoke(app, ["hash", str(note_file)])
    assert res.exit_code == 0, res.output
    hashes = _last_json(res.output)
    assert hashes == {"note_hash": hash_text(cleaned), "note_hash_trimmed": hash_text(cleaned.strip())}
    assert "MARKER-CLI-77aa" not in res.output
    assert _last_json(runner.invoke(app, ["hash"], input=NOTE.encode("utf-8")).output) == hashes  # stdin too

    for h in hashes.values():
        res = runner.invoke(app, ["forget", "--note-hash", h, "--actor", "cli:test"])
        assert res.exit_code == 0, res.output
        assert _last_json(res.output) == {"note_hash": h, "predictions": 1, "feedback": 0, "review_items": 0}
        assert f"deleted 1 predictions and 0 feedback rows of note {h[:12]}" in res.output
    assert count_rows() == {"predictions": 1, "feedback": 1}
    assert [e.target for e in list_events(5, action="note_forgotten")] == [f"note:{h}" for h in
                                                                          reversed(hashes.values())]
    assert verify().ok


def test_forget_refuses_a_bad_hash_with_status_2_and_writes_nothing(db):
    res = runner.invoke(app, ["forget", "--note-hash", "warfarin 5 mg"])
    assert res.exit_code == 2
    assert "64 hexadecimal characters" in res.output and "notelens hash" in res.output
    assert list_events(5, action="note_forgotten") == []


def test_hash_refuses_what_is_not_text(db, tmp_path):
    blob = tmp_path / "scan.pdf"
    blob.write_bytes(bytes(range(256)) * 4)
    res = runner.invoke(app, ["hash", str(blob)])
    assert res.exit_code == 2 and "not read" in res.output
