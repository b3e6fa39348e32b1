"""core.text: decoding and cleaning untrusted notes."""

from __future__ import annotations

import codecs
import hashlib

import pytest

from core.text import NoteError, clean_note, decode_upload, note_hash


def test_clean_newlines_nfc_and_controls():
    raw = "line1\r\nline2\rline3\x00\x07\tx\x1b[31m\fpage2\u2028e\u0301\u202e"
    out = clean_note(raw)
    assert out == "line1\nline2\nline3\tx[31m\npage2\né"
    assert "\r" not in out and "\x00" not in out


def test_clean_keeps_html_as_text():
    raw = "<script>alert('x')</script> <b>aspirin</b> &amp; <img src=x onerror=alert(1)>"
    assert clean_note(raw) == raw


@pytest.mark.parametrize("raw", ["", "   ", "\n\t \r\n", "\x00\x00", "\ufeff"])
def test_clean_empty_raises(raw):
    with pytest.raises(NoteError, match="empty"):
        clean_note(raw)


def test_clean_too_long_reports_size_and_limit():
    with pytest.raises(NoteError) as err:
        clean_note("a" * 1001, max_chars=1000)
    msg = str(err.value)
    assert "1,001" in msg and "1,000" in msg
    assert isinstance(err.value, ValueError)
    assert clean_note("a" * 1000, max_chars=1000) == "a" * 1000


def test_clean_huge_note_default_limit_and_no_note_text_in_message():
    from core.config import get_settings

    limit = get_settings().max_note_chars
    secret = "PATIENT-NAME-XYZ "
    huge = secret * (limit // len(secret) + 10)
    with pytest.raises(NoteError) as err:
        clean_note(huge)
    assert f"{limit:,}" in str(err.value) and "XYZ" not in str(err.value)
    with pytest.raises(NoteError):  # absurd sizes are refused before normalizing
        clean_note("b" * (20 * limit))


def test_crlf_counts_after_normalization():
    assert clean_note("ab\r\n" * 250, max_chars=750) == "ab\n" * 250


def test_clean_rejects_bytes():
    with pytest.raises(TypeError):
        clean_note(b"bytes")  # type: ignore[arg-type]


def test_note_hash():
    assert note_hash("abc") == hashlib.sha256(b"abc").hexdigest()
    assert len(note_hash("é")) == 64 and note_hash("a") != note_hash("b")


def test_decode_then_clean_roundtrip():
    data = codecs.BOM_UTF16_LE + "Pt\r\ndenies SI/HI\r\n".encode("utf-16-le")
    assert clean_note(decode_upload(data).text) == "Pt\ndenies SI/HI\n"
