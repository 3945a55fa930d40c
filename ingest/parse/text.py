"""Turning the bytes of a page text into str, refusing what is not text."""

from __future__ import annotations

import unicodedata

from ingest.errors import InputError


def decode_page_text(data: bytes, name: str) -> str:
    """Decode UTF-8 page text (a BOM is allowed). Binary or non-UTF-8 input is an InputError."""
    if b"\x00" in data[:65536]:
        raise InputError(f"{name}: binary data (NUL bytes), not page text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        hint = ""
        try:
            data.decode("gb18030")
            hint = " It decodes as GB18030; convert it first, e.g. `iconv -f GB18030 -t UTF-8`."
        except UnicodeDecodeError:
            pass
        raise InputError(f"{name}: not UTF-8 text (invalid byte 0x{data[e.start]:02x} at offset {e.start}).{hint}") \
            from None
    controls = sum(1 for ch in text[:65536] if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    if controls > max(8, len(text[:65536]) // 100):
        raise InputError(f"{name}: binary data ({controls} control characters), not page text")
    if not text.strip():
        raise InputError(f"{name}: contains only white space, no text")
    return text
