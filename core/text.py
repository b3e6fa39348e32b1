"""Turning untrusted input (an uploaded file, a pasted note) into clean text.

Two steps, kept apart so the UI can report each failure plainly:

- :func:`decode_upload` is the one gate for uploaded files: it accepts only bytes that are text (UTF-8,
  UTF-16/32 with a BOM, or cp1252/latin-1 that looks like text) and refuses anything else with a message
  naming the file, so random or binary bytes are never analysed as if they were a note.
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
from dataclasses import dataclass

__all__ = ["NoteError", "DecodedUpload", "decode_upload", "clean_note", "note_hash", "read_upload",
           "MAX_CONTROL_SHARE"]


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
        raise TypeError(f"clean_note expects str, not {type(text).__name__} (decode bytes with decode_upload)")
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


#: Largest share of control characters (other than tab, newline, carriage return, form feed) in a text file.
MAX_CONTROL_SHARE = 0.01
_TEXT_CONTROLS = frozenset("\t\n\r\f")


@dataclass(frozen=True)
class DecodedUpload:
    """An uploaded file accepted as text: its name, its decoded (not yet cleaned) text and the encoding used."""

    name: str
    text: str
    encoding: str


def _not_text(name: str, why: str) -> NoteError:
    return NoteError(f"The file \u201c{name}\u201d was not read: {why}. Nothing was analysed. "
                     "Upload the note as a plain text (.txt) file, saved as UTF-8.")


def decode_upload(data: bytes, name: str = "upload") -> DecodedUpload:
    """Decode an uploaded file only if it is text; refuse anything else (latin-1 would decode any bytes).

    Accepted: a BOM (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE) with strictly valid text after it, strict UTF-8,
    then strict cp1252 or latin-1. Whatever the encoding, the decoded text must have no NUL character and at
    most :data:`MAX_CONTROL_SHARE` of other control characters (tab, newline, carriage return and form feed
    are text), which refuses binary files, BOM-less UTF-16 and random bytes.

    Args:
        data: The file's bytes.
        name: The file's name as the user gave it (only quoted in the message; escaping is the renderer's job).

    Raises:
        NoteError: the file is empty or is not text; the message names the file and never quotes its content.
    """
    data = bytes(data)
    if not data:
        raise _not_text(name, "it is empty")
    text = encoding = None
    for bom, bom_encoding in _BOMS:
        if data.startswith(bom):
            try:
                text, encoding = data[len(bom):].decode(bom_encoding), bom_encoding
            except UnicodeDecodeError:
                raise _not_text(name, f"it starts like {bom_encoding.upper()} text but is not valid "
                                      f"{bom_encoding.upper()}") from None
            break
    else:
        for candidate in ("utf-8", "cp1252", "latin-1"):
            try:
                text, encoding = data.decode(candidate), candidate
                break
            except UnicodeDecodeError:
                continue
    assert text is not None and encoding is not None  # latin-1 decodes any bytes
    if "\x00" in text:
        raise _not_text(name, "it contains NUL bytes, so it is a binary file (or text without a byte order mark "
                              "in UTF-16), not plain text")
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in _TEXT_CONTROLS)
    if controls > MAX_CONTROL_SHARE * len(text):
        raise _not_text(name, f"{controls / len(text):.0%} of its characters are control characters, so it is "
                              "not plain text")
    return DecodedUpload(name=name, text=text, encoding=encoding)


def read_upload(data: bytes, name: str = "upload") -> str:
    """The cleaned text of an uploaded ``.txt`` file (:func:`decode_upload`, then :func:`clean_note`).

    Raises:
        NoteError: the file is empty, not text, only whitespace, or too long (a message fit to show the user).
    """
    text = decode_upload(data, name).text
    try:
        return clean_note(text)
    except NoteError as err:
        raise NoteError(f"{err} (file \u201c{name}\u201d; nothing was analysed)") from None
