"""core.text: decoding and cleaning untrusted notes."""

from __future__ import annotations

import codecs
import hashlib

import pytest

from core.text import NoteError, clean_note, decode_note, note_hash


def test_decode_plain_utf8():
    assert decode_note("Aspirin 81 mg – daily ≥ 2".encode()) == "Aspirin 81 mg – daily ≥ 2"


def test_decode_utf8_bom_dropped():
    assert decode_note(codecs.BOM_UTF8 + "naïve note".encode()) == "naïve note"


@pytest.mark.parametrize("enc", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_decode_utf16_utf32_with_bom(enc):
    text = "Pt denies “chest pain”; café"
    data = text.encode(enc)
    if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # -le/-be codecs write no BOM
        bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
               "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}[enc]
        data = bom + data
    assert decode_note(data) == text


def test_decode_bomless_utf16_le():
    assert decode_note("Chest pain since this morning.".encode("utf-16-le")) == "Chest pain since this morning."


def test_decode_cp1252_smart_quotes():
    data = "He said \u201cno chest pain\u201d \u2013 it\u2019s fine".encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert decode_note(data) == "He said \u201cno chest pain\u201d \u2013 it\u2019s fine"


def test_decode_invalid_bytes_never_raises():
    data = b"ok \x81\x8d\x8f\x90\x9d \xff\xfe\x00 end"  # invalid UTF-8, undefined in cp1252
    out = decode_note(data)
    assert isinstance(out, str) and out.startswith("ok ") and out.endswith(" end")
    assert decode_note(b"") == ""
    assert decode_note(b"\xff\xfe\x00") is not None  # truncated UTF-16 after a BOM


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
    assert clean_note(decode_note(data)) == "Pt\ndenies SI/HI\n"
