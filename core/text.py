"""Turning untrusted input (an uploaded file, a pasted note) into clean text.

Two steps, kept apart so the UI can report each failure plainly:

- :func:`decode_note` turns bytes into ``str`` and never raises: BOM-aware (UTF-8, UTF-16 and UTF-32),
  then strict UTF-8, then cp1252 (Windows "smart quotes"), then latin-1, which decodes any byte.
- :func:`clean_note` normalizes the text every model and rule sees (newlines, NFC, no control characters)
  and rejects empty or oversized notes with a :class:`NoteError` whose message can be shown to the user.

Offsets reported anywhere in NoteLens refer to the *cleaned* text. HTML, script tags and the like are kept
as plain text: escaping is the renderer's job. Nothing here logs or stores note text.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata

__all__ = ["NoteError", "decode_note", "clean_note", "note_hash", "read_upload"]


class NoteError(ValueError):
    """A note that cannot be processed; ``str(err)`` is a message fit to show the user (it never quotes the note)."""


# Longest BOMs first: the UTF-32 LE BOM starts with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _sniff_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM, guessed from NUL bytes on one side of mostly-ASCII text (Windows exports)."""
    if len(data) < 4 or len(data) % 2:
        return None
    sample = data[:4096]
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls >= 0.8 * half and even_nuls <= 0.05 * half:
        return "utf-16-le"
    if even_nuls >= 0.8 * half and odd_nuls <= 0.05 * half:
        return "utf-16-be"
    return None


def decode_note(data: bytes) -> str:
    """Decode an uploaded file's bytes; never raises on odd bytes.

    Order: a BOM (UTF-32, UTF-8, UTF-16; the BOM is dropped, undecodable units become U+FFFD), BOM-less
    UTF-16 recognised by its NUL bytes, strict UTF-8, strict cp1252, and latin-1 as the last resort
    (every byte sequence is valid latin-1).
    """
    if isinstance(data, str):  # tolerate an already-decoded note
        return data
    data = bytes(data)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace")
    sniffed = _sniff_utf16(data)
    if sniffed:
        return data.decode(sniffed, errors="replace")
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


# \f and \v separate lines or pages: keep them as line breaks rather than gluing words together.
_NEWLINES = re.compile(r"\r\n|[\r\f\v\x85\u2028\u2029]")
# C0 controls except \t and \n, DEL, C1 controls, BOMs / zero-width no-break spaces, and bidirectional
# overrides/isolates (they can make displayed text read differently from what the models see).
_DROP = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\u202a-\u202e\u2066-\u2069]")


def clean_note(text: str, *, max_chars: int | None = None) -> str:
    """Normalize a note and check it is usable.

    Newlines become ``\\n`` (``\\r\\n``, ``\\r``, form feeds, Unicode line separators), the text is NFC
    normalized, and NUL and other control characters (except ``\\n`` and ``\\t``) are dropped. Leading and
    trailing whitespace is kept (it costs nothing and keeps offsets predictable).

    Args:
        text: The decoded note.
        max_chars: Largest accepted length of the cleaned note; default ``get_settings().max_note_chars``.

    Raises:
        NoteError: The note is empty or only whitespace, or longer than ``max_chars``.
        TypeError: ``text`` is not a string.
    """
    if not isinstance(text, str):
        raise TypeError(f"clean_note expects str, not {type(text).__name__} (decode bytes with decode_note)")
    if max_chars is None:
        from core.config import get_settings

        max_chars = get_settings().max_note_chars
    if max_chars <= 0:
        raise ValueError("max_chars must be positive")
    # Cleaning can only shrink a note so much; refuse absurd inputs before normalizing them.
    if len(text) > 4 * max_chars + 1024:
        raise NoteError(_too_long(len(text), max_chars))
    text = _NEWLINES.sub("\n", text)
    text = unicodedata.normalize("NFC", text)
    text = _DROP.sub("", text)
    if not text.strip():
        raise NoteError("The note is empty: paste or upload a note with some text in it.")
    if len(text) > max_chars:
        raise NoteError(_too_long(len(text), max_chars))
    return text


def _too_long(n: int, limit: int) -> str:
    return (f"The note is too long: {n:,} characters, and the limit is {limit:,}. "
            "Split it into smaller parts and process them one at a time.")


def note_hash(text: str) -> str:
    """SHA-256 hex digest of the note's UTF-8 bytes (identifies a note without storing it)."""
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()


def read_upload(data: bytes) -> str:
    """The cleaned text of an uploaded ``.txt`` file.

    Raises:
        NoteError: the file is empty, too long, or does not look like text (replacement or NUL characters).
    """
    text = decode_note(data)
    bad = text.count("\ufffd") + text.count("\x00")
    if text and bad > max(3, 0.02 * len(text)):
        raise NoteError("This file does not look like plain text: upload a .txt file of the note.")
    return clean_note(text)
