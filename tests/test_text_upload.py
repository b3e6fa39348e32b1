"""The strict decoder for uploaded files (core.text.decode_upload): text in every usual encoding, nothing else."""

from __future__ import annotations

import codecs
import random
import zlib

import pytest

from core.text import MAX_CONTROL_SHARE, DecodedUpload, NoteError, decode_upload, read_upload

NOTE = "Patient reports chest pain; aspirin 81 mg daily.\r\nPlan:\tECG\f"
ACCENTS = "Céline Müller, née Française: fièvre à 39 °C, naïve, œdème"


def _random_bytes(n: int = 4096, seed: int = 1234, *, nul: bool = True) -> bytes:
    rng = random.Random(seed)
    data = bytes(rng.randrange(256) for _ in range(n))
    return data if nul else data.replace(b"\x00", b"\x01")


def _png() -> bytes:
    ihdr = b"IHDR" + (1).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + len(ihdr[4:]).to_bytes(4, "big") + ihdr + zlib.crc32(ihdr).to_bytes(4, "big")


@pytest.mark.parametrize(("data", "text", "encoding"), [
    (NOTE.encode("utf-8"), NOTE, "utf-8"),
    ("Emoji 🫀 and عربي and עברית".encode(), "Emoji 🫀 and عربي and עברית", "utf-8"),
    (codecs.BOM_UTF8 + ACCENTS.encode("utf-8"), ACCENTS, "utf-8"),
    (codecs.BOM_UTF16_LE + ACCENTS.encode("utf-16-le"), ACCENTS, "utf-16-le"),
    (codecs.BOM_UTF16_BE + ACCENTS.encode("utf-16-be"), ACCENTS, "utf-16-be"),
    (ACCENTS.replace("œ", "oe").encode("latin-1"), ACCENTS.replace("œ", "oe"), "cp1252"),
    ("He said \u201cno pain\u201d \u2013 ok".encode("cp1252"), "He said \u201cno pain\u201d \u2013 ok", "cp1252"),
    (b"fi\xe8vre \x81 \x8d", "fi\xe8vre \x81 \x8d", "latin-1"),  # bytes cp1252 leaves undefined: latin-1
], ids=["utf-8", "utf-8 emoji rtl", "utf-8-sig", "utf-16-le bom", "utf-16-be bom", "latin-1 accents", "cp1252",
        "latin-1 fallback"])
def test_text_is_decoded(data, text, encoding):
    if encoding == "latin-1":  # two C1 controls in 9 characters is over the share: check the rule, then a long text
        with pytest.raises(NoteError, match="control characters"):
            decode_upload(data, "n.txt")
        data, text = data + b" word" * 100, text + " word" * 100
    assert decode_upload(data, "n.txt") == DecodedUpload(name="n.txt", text=text, encoding=encoding)


@pytest.mark.parametrize(("data", "why"), [
    (_random_bytes(), "NUL bytes"),
    (_random_bytes(nul=False), "control characters"),
    (b"Chest pain\x00\x00 since today", "NUL bytes"),
    (_png(), "NUL bytes"),
    (b"GIF89a\x01\x02\x03\x04\x05\x06\x07\x08 not text at all", "control characters"),
    ("Chest pain since today".encode("utf-16-le"), "NUL bytes"),  # UTF-16 without a BOM
    (codecs.BOM_UTF16_LE + b"\x00\xd8", "not valid UTF-16-LE"),  # a lone surrogate after the BOM
    (b"", "empty"),
], ids=["random 4096", "random without NUL", "NULs", "png", "gif-like controls", "utf-16 no bom", "bad utf-16",
        "empty"])
def test_anything_else_is_refused_naming_the_file(data, why):
    name = "![x](http://evil/x.png).txt"
    with pytest.raises(NoteError) as err:
        decode_upload(data, name)
    message = str(err.value)
    assert why in message
    assert f"\u201c{name}\u201d" in message and "Nothing was analysed" in message
    assert isinstance(err.value, ValueError)


def test_control_share_limit_is_inclusive():
    n = 1000
    at_limit = "a" * (n - int(n * MAX_CONTROL_SHARE)) + "\x1b" * int(n * MAX_CONTROL_SHARE)
    assert decode_upload(at_limit.encode(), "x.txt").text == at_limit
    with pytest.raises(NoteError, match="control characters"):
        decode_upload((at_limit + "\x1b").encode(), "x.txt")


def test_read_upload_cleans_and_names_the_file_when_empty_or_too_long():
    assert read_upload(codecs.BOM_UTF8 + b"Pt\r\ndenies SI/HI\r\n", "a.txt") == "Pt\ndenies SI/HI\n"
    with pytest.raises(NoteError, match="The note is empty.*\u201cblank.txt\u201d"):
        read_upload(b" \r\n\t \n", "blank.txt")
    with pytest.raises(NoteError, match="too long.*\u201cbig.txt\u201d"):
        read_upload(b"word " * 50_000, "big.txt")


def test_ten_thousand_short_lines_are_text():
    data = "\n".join(f"line {i}: ok" for i in range(10_000)).encode()
    assert decode_upload(data, "lines.txt").text.count("\n") == 9_999
