"""Turning the bytes of a page text into str, refusing what is not text."""

from __future__ import annotations

import re

from ingest.encoding import Decoded, decode_chinese
from ingest.errors import InputError

# The control characters (Unicode category Cc: U+0000–001F and U+007F–009F) but the line and page breaks and
# tabs that text files hold; one regex pass instead of a category lookup per character.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def decode_page_text(data: bytes, name: str) -> Decoded:
    """Decode page text in any common encoding (see `decode_chinese`). Binary input is an InputError."""
    if not data:
        raise InputError(f"{name}: the file is empty")
    decoded = decode_chinese(data, name)
    text = decoded.text
    # Checked on the decoded text: UTF-16 and UTF-32 text is full of NUL bytes.
    if "\x00" in text[:65536]:
        raise InputError(f"{name}: binary data (NUL bytes), not page text")
    controls = len(_CONTROLS.findall(text, 0, 65536))
    if controls > max(8, len(text[:65536]) // 100):
        raise InputError(f"{name}: binary data ({controls} control characters), not page text")
    if not text.strip():
        raise InputError(f"{name}: contains only white space, no text")
    return decoded
