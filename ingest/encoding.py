"""Decoding the bytes of a web page: HTTP header, then `<meta>`, then detection.

Chinese e-paper sites declare gb2312 while their text needs GBK or GB18030 (rare characters, names),
and some declare a charset their bytes do not have at all (UTF-8 bytes under a gb2312 `<meta>`).
A declaration is therefore checked against the bytes before it is believed.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from charset_normalizer import from_bytes

from ingest.errors import InputError

# GB2312 and GBK are subsets of GB18030: decoding with the superset never loses a character that
# a page mislabelled with the subset actually contains.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "hz": "gb18030", "euc_cn": "gb18030",
              "ascii": "utf-8", "iso8859-1": "cp1252", "latin-1": "cp1252"}

# `<meta charset="x">` and `<meta http-equiv="content-type" content="text/html; charset=x">`
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_:.\-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([a-zA-Z0-9_:.\-]+)""", re.IGNORECASE)
# Where browsers look for a `<meta>` declaration.
_PRESCAN_BYTES = 4096

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # the codec used, canonical Python name (gb18030, utf-8 ...)
    source: str  # bom, header, meta, detected, fallback
    declared: str | None = None  # what the page or the server claimed, when that was not believed
    warnings: list[str] = field(default_factory=list)


def canonical(label: str | None) -> str | None:
    """The Python codec for a charset label, widened to its superset; None when the label is unknown."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("'\"").lower()).name
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)


def header_charset(content_type: str | None) -> str | None:
    """The charset label of a Content-Type header value, if any."""
    if not content_type:
        return None
    m = _HEADER_CHARSET.search(content_type)
    return m.group(1) if m else None


def meta_charset(data: bytes) -> str | None:
    """The charset label a page declares in a `<meta>` near its start, if any."""
    m = _META_CHARSET.search(data[:_PRESCAN_BYTES])
    return m.group(1).decode("ascii", "replace") if m else None


def _is_utf8_text(data: bytes) -> bool:
    """True when the bytes are valid UTF-8 *and* use multi-byte sequences (pure ASCII proves nothing)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return any(b >= 0x80 for b in data)


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _mostly(data: bytes, codec: str) -> str | None:
    """The text decoded with replacements when at most one character in a thousand is broken."""
    text = data.decode(codec, "replace")
    broken = text.count("\ufffd")
    return text if broken <= max(1, len(text) // 1000) else None


def decode_html(data: bytes, name: str, content_type: str | None = None) -> Decoded:
    """Decode the bytes of a page named `name` (a URL or file name, used in messages and warnings)."""
    for bom, bom_codec in _BOMS:
        if data.startswith(bom):
            return Decoded(data[len(bom):].decode(bom_codec, "replace"), bom_codec, "bom")

    warnings: list[str] = []
    for source, label in (("header", header_charset(content_type)), ("meta", meta_charset(data))):
        if label is None:
            continue
        codec = canonical(label)
        if codec is None:
            warnings.append(f"{name}: unknown charset {label!r} declared in the {source}; ignored")
            continue
        if codec != "utf-8" and _is_utf8_text(data):
            # GBK text is almost never valid UTF-8 with multi-byte sequences; UTF-8 text under a
            # gb2312 label is a template that was converted without its `<meta>`.
            warnings.append(f"{name}: the {source} declares {label} but the bytes are UTF-8; decoded as UTF-8")
            return Decoded(data.decode("utf-8"), "utf-8", "detected", declared=label, warnings=warnings)
        text = _strict(data, codec)
        if text is not None:
            return Decoded(text, codec, source, warnings=warnings)
        lenient = _mostly(data, codec)
        if lenient is not None:
            # A stray broken byte (a truncated character at a buffer edge) does not make the label wrong.
            warnings.append(f"{name}: a few bytes are not valid {codec}; replaced with U+FFFD")
            return Decoded(lenient, codec, source, warnings=warnings)
        warnings.append(f"{name}: the {source} declares {label} but the bytes are not {codec}")

    return _detect(data, name, warnings)


def _detect(data: bytes, name: str, warnings: list[str]) -> Decoded:
    if _is_utf8_text(data) or not any(b >= 0x80 for b in data):
        return Decoded(data.decode("utf-8"), "utf-8", "detected", warnings=warnings)
    best = from_bytes(data[:262144]).best()
    if best is not None:
        codec = canonical(best.encoding) or best.encoding
        text = _strict(data, codec)
        if text is not None:
            return Decoded(text, codec, "detected", warnings=warnings)
    # The detector judged a sample; a page that is GB18030 throughout is still the likeliest.
    text = _strict(data, "gb18030")
    if text is not None:
        return Decoded(text, "gb18030", "detected", warnings=warnings)
    if b"\x00" in data[:65536]:
        raise InputError(f"{name}: binary data (NUL bytes), not a web page")
    warnings.append(f"{name}: no charset decodes the bytes cleanly; decoded as GB18030 with replacements")
    return Decoded(data.decode("gb18030", "replace"), "gb18030", "fallback", warnings=warnings)
