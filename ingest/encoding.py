"""Decoding the bytes of an input: page text, a web page (HTTP header, then `<meta>`), a mail part.

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

# UTF-32 first: its little-endian mark begins with UTF-16's.
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # the codec used, canonical Python name (gb18030, utf-8 ...)
    source: str  # bom, header, meta, declared, detected
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


def _bom(data: bytes) -> tuple[str, int] | None:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec, len(bom)
    return None


def _common_hanzi(ch: str) -> bool:
    """A character a Chinese newspaper prints often: in GB2312 (simplified) or Big5 level 1 (traditional).
    Bytes of one Chinese encoding read as the other decode into rare characters, symbol rows (kana,
    Cyrillic, box drawing) and private-use code points: on a real front page 100% of the characters
    are common in the right reading, a quarter in the wrong one."""
    if not "\u4e00" <= ch <= "\u9fff":
        return False
    try:
        ch.encode("gb2312")
        return True
    except UnicodeEncodeError:
        pass
    try:
        code = ch.encode("big5")
    except UnicodeEncodeError:
        return False
    return 0xA440 <= int.from_bytes(code, "big") <= 0xC67E


_PUNCTUATION = ("\u3000", "\u303f"), ("\uff00", "\uffef"), ("\u2010", "\u203b"), ("\u2460", "\u24ff"), \
    ("\u25a0", "\u25ff"), ("\u2160", "\u217f"), ("\u00b7", "\u00b7"), ("\u2190", "\u2199")


def plausible_chinese(text: str) -> bool:
    """True when the non-ASCII characters of `text` are mostly common hanzi and CJK punctuation."""
    sample = [ch for ch in text[:200_000] if ord(ch) >= 0x80]
    if not sample:
        return False
    good = sum(1 for ch in sample if _common_hanzi(ch) or any(a <= ch <= b for a, b in _PUNCTUATION))
    return good >= 0.9 * len(sample)


def decode_chinese(data: bytes, name: str, declared: str | None = None, what: str = "text") -> Decoded:
    """The one decoding of page text, HTML bodies and mail text: a byte order mark (UTF-8, UTF-16, UTF-32),
    else a declared charset the bytes fit, else strict UTF-8, else GB18030 (which covers GB2312 and GBK) or
    Big5 when the bytes fit and read as Chinese. InputError naming `name` when no encoding fits."""
    bom = _bom(data)
    if bom is not None:
        bom_codec, skip = bom
        strict = _strict(data[skip:], bom_codec)
        if strict is not None:
            return Decoded(strict, bom_codec, "bom")
        lenient = _mostly(data[skip:], bom_codec)
        if lenient is None:
            raise InputError(f"{name}: starts with a {bom_codec} byte order mark but the bytes are not {bom_codec} "
                             f"{what}")
        return Decoded(lenient, bom_codec, "bom", warnings=[f"{name}: a few bytes are not valid {bom_codec}; "
                                                            "replaced with U+FFFD"])
    warnings: list[str] = []
    declared_codec = canonical(declared)
    if declared and declared_codec is None:
        warnings.append(f"{name}: unknown charset {declared!r} declared; ignored")
    if declared_codec is not None and declared_codec != "utf-8" and not _is_utf8_text(data):
        as_declared = _strict(data, declared_codec)
        if as_declared is not None:
            return Decoded(as_declared, declared_codec, "declared", warnings=warnings)
    text = _strict(data, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8", "detected", declared=_differs(declared, "utf-8"), warnings=warnings)
    for codec in ("gb18030", "big5"):
        text = _strict(data, codec)
        if text is not None and plausible_chinese(text):
            return Decoded(text, codec, "detected", declared=_differs(declared, codec), warnings=warnings)
    for codec in ("utf-8", "gb18030"):
        # A stray broken byte (a character cut at a buffer edge) does not make the whole text unreadable.
        text = _mostly(data, codec)
        if text is not None and (codec == "utf-8" or plausible_chinese(text.replace("\ufffd", ""))):
            warnings.append(f"{name}: a few bytes are not valid {codec}; replaced with U+FFFD")
            return Decoded(text, codec, "detected", declared=_differs(declared, codec), warnings=warnings)
    raise InputError(f"{name}: no encoding fits: not UTF-8 {what} ({_utf8_error(data)}), and the bytes are "
                     f"not Chinese {what} in GB18030, GBK, GB2312 or Big5{_guess(data)}")


def _differs(declared: str | None, codec: str) -> str | None:
    return declared if declared and canonical(declared) != codec else None


def _utf8_error(data: bytes) -> str:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        return f"invalid byte 0x{data[e.start]:02x} at offset {e.start}"
    return "valid"


def _guess(data: bytes) -> str:
    if b"\x00" in data[:65536]:
        return "; it holds NUL bytes (binary data?)"
    best = from_bytes(data[:65536]).best()
    return f"; it looks like {best.encoding}" if best is not None and best.encoding else ""


def encoding_note(decoded: Decoded, name: str) -> list[str]:
    """The edition warning that says how the input was read, when it was not plain UTF-8."""
    if decoded.encoding == "utf-8" and decoded.source != "bom":
        return []
    how = {"bom": "by its byte order mark", "declared": "as declared"}.get(decoded.source, "detected")
    return [f"{name}: decoded as {decoded.encoding} ({how})"]


def decode_html(data: bytes, name: str, content_type: str | None = None) -> Decoded:
    """Decode the bytes of a page named `name` (a URL or file name, used in messages and warnings)."""
    bom = _bom(data)
    if bom is not None:
        return decode_chinese(data, name, what="HTML")

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

    decoded = decode_chinese(data, name, what="HTML")
    return Decoded(decoded.text, decoded.encoding, decoded.source, warnings=warnings + decoded.warnings)
