"""Character-level helpers: what counts as Chinese, sentence ends, and the cleaning of extracted text.

Two forms of a text are used: the *clean* form (what the edition JSON carries: stray spaces and
full-width digits fixed, characters otherwise as printed) and the *key* form (simplified, no spaces,
half-width), on which every pattern of the parser matches, so that 本報訊 and 本 报 讯 read as 本报讯.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from ingest.nfkc import char_pattern, nfkc
from ingest.simplify import to_simplified

# CJK ideographs (BMP blocks and extension A); enough for newspaper text.
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RE = re.compile(f"[{CJK}]")
_CJK_RUN = re.compile(f"[{CJK}]+")
# Chinese punctuation: a space next to one of these is never meaningful in running text.
CJK_PUNCT = "，。、；：？！…—“”‘’《》〈〉（）【】「」『』·〔〕"
# What ends a sentence, and the closers that may follow such an end (。” or ！）).
SENTENCE_END = "。！？…；!?;"  # extraction sometimes gives the half-width forms
CLOSERS = "”’』」）)》"

_WIDE_TO_NARROW: dict[int, int | str] = {cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)}  # ０-９
_WIDE_TO_NARROW.update({cp: cp - 0xFEE0 for cp in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_WIDE_TO_NARROW.update({cp: cp - 0xFEE0 for cp in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_WIDE_TO_NARROW.update({ord("％"): "%", ord("＠"): "@", ord("\u3000"): " ", ord("\u00a0"): " "})
# Any character `narrow` changes (the table's and the full-width dot): most lines hold none, and a search
# for them is a tenth of the cost of a translate that changes nothing (str.translate looks up every
# character of a Chinese text in the table).
_WIDE = re.compile("[" + "".join(map(chr, sorted(_WIDE_TO_NARROW))) + "．]")

# The passes of a page-text parse ask the same forms of the same lines and blocks again and again (3 to 6
# times each on a real page): the pure string forms below are memoized per process, a few pages' worth.
memo = lru_cache(maxsize=1024)

_SPACE_NEAR_CJK = re.compile(f"(?<=[{CJK}{CJK_PUNCT}])[ \t]+|[ \t]+(?=[{CJK}{CJK_PUNCT}])")
_WIDE_DOT_IN_NUMBER = re.compile(r"(?<=\d)．(?=\d)")


@memo
def count_cjk(text: str) -> int:
    # The runs joined, not each character listed: Chinese text is long runs between punctuation (a third
    # faster than cutting the rest out, which the page-text parse paid on 17,000 characters a page).
    return len("".join(_CJK_RUN.findall(text)))


@memo
def no_space(text: str) -> str:
    """The text without any white space (the form the parser's patterns match lines and blocks in)."""
    # str.split() cuts at exactly the characters regular expressions call \s (a test checks), four times as
    # fast as substituting them.
    return "".join(text.split())


@memo
def narrow(text: str) -> str:
    """Full-width digits, Latin letters, % and @ as ASCII (PDF extraction mixes both widths)."""
    if not _WIDE.search(text):
        return text
    return _WIDE_DOT_IN_NUMBER.sub(".", text.translate(_WIDE_TO_NARROW))


def squash_spaces(text: str) -> str:
    """Running text without the spaces PDF extraction puts between Chinese characters."""
    if " " not in text and "\t" not in text:  # most paragraphs of a page's text: nothing to look around
        return text.strip()
    return _SPACE_NEAR_CJK.sub("", text).strip()


def tidy_heading(text: str) -> str:
    """A headline keeps its single spaces (they separate parallel phrases) unless it is spaced out
    character by character, as extraction of wide-tracked display type produces (本 报 讯)."""
    text = re.sub(r"[ \t]+", " ", narrow(text)).strip()
    if is_spaced_out(text):
        return squash_spaces(text)
    return text


def is_spaced_out(text: str) -> bool:
    """Every or nearly every Chinese character followed by a space: wide tracking, not word spacing."""
    parts = text.split(" ")
    return len(parts) >= 3 and sum(1 for p in parts if len(p) == 1) >= 0.6 * len(parts)


def single_spaced(text: str) -> str:
    """Every run of white space one space, none at the ends."""
    return " ".join(text.split())


@memo
def spaced_form(text: str) -> str:
    """Single-spaced, full-width digits narrowed, spaced-out display type closed up; otherwise as printed."""
    t = single_spaced(narrow(text))
    return squash_spaces(t) if is_spaced_out(t) else t


@memo
def simplified(text: str) -> str:
    return to_simplified(text)


@memo
def key(text: str) -> str:
    """The matching form: NFKC (half-width), simplified, without any white space."""
    return no_space(simplified(nfkc(text)))


@memo
def key_spaced(text: str) -> str:
    """Like `key` but keeps single spaces between tokens (bylines are delimited by them)."""
    text = simplified(nfkc(text))
    text = single_spaced(text)
    return squash_spaces(text) if is_spaced_out(text) else text


def ends_sentence(text: str) -> bool:
    """True when the text ends where a paragraph may end: 。！？…； or a closer right after one, or ：."""
    t = text.rstrip()
    if not t:
        return True
    if t[-1] in SENTENCE_END or t[-1] in "：:":
        return True
    # 。” and ！） end a sentence; a bare ” (“红船” + 精神) does not.
    while t and t[-1] in CLOSERS:
        t = t[:-1]
        if t and t[-1] in SENTENCE_END:
            return True
    return False


# No character at or above this code point has an NFKC form of one other character (planes 0–2 hold them
# all: the full-width forms, the mathematical letters, the CJK compatibility ideographs; a test checks).
HALF_WIDTH_END = 0x30000


@cache
def _half_width() -> tuple[re.Pattern[str], dict[str, str]]:
    """The characters whose NFKC form is one other character, mapped to it, and a pattern matching any of
    them: computed once per process from this Python's Unicode data (about 0.1 s), so it always agrees with
    unicodedata. A text holds few of them (its full-width punctuation): substituting those matches costs
    half of a str.translate, which looks every character of a Chinese text up in its table."""
    table: dict[str, str] = {}
    for cp in range(HALF_WIDTH_END):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        c = chr(cp)
        n = unicodedata.normalize("NFKC", c)
        if len(n) == 1 and n != c:
            table[c] = n
    return re.compile(char_pattern(sorted(map(ord, table)))), table


# The full-width punctuation of Chinese running text (，alone is nine in ten of what a page's text changes):
# replaced by str.replace, a C scan each, and the pattern's substitution (a Python call a match) left for the
# rare rest: two fifths of half_width's time on a page saved.
_PUNCTUATION = tuple((c, unicodedata.normalize("NFKC", c)) for c in "，：；！？（）")


def half_width(text: str) -> str:
    """Each character replaced by its NFKC form where that is one character (so positions are kept)."""
    pattern, table = _half_width()
    for wide, narrow_ in _PUNCTUATION:
        if wide in text:
            text = text.replace(wide, narrow_)
    return pattern.sub(lambda m: table[m.group()], text) if pattern.search(text) else text


@memo
def match_form(text: str) -> str:
    """Half-width (per character NFKC) and simplified, position for position with `text`, so that a
    span found in the match form can be cut out of the text as printed."""
    s = half_width(text)
    t = simplified(s)
    return t if len(t) == len(s) else s
