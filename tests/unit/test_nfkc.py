"""ingest.nfkc gives exactly unicodedata's NFKC: on every real page of the fixtures, and on random strings
built from the characters where normalizing runs apart could go wrong (combining marks, Hangul jamo,
compositions, compatibility forms)."""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

import pytest

from ingest.nfkc import composition_parts, nfkc
from ingest.parse.chars import HALF_WIDTH_END, half_width

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

# Characters around which NFKC composes, reorders or expands, and the inert ones between them.
_TRICKY = (
    [chr(c) for c in range(0x0300, 0x0370)]  # combining diacritics (reordered, composed with a letter)
    + list("aeiouAEIOUnNcCsSzZ") + ["\u022a", "\u00d6", "\u01a0", "\u1e9b", "\u0385"] + ["\u0627", "\u0653", "\u0654", "\u0655"]  # starters that compose; Arabic
    + [chr(c) for c in range(0x1100, 0x1113)] + [chr(c) for c in range(0x1161, 0x1176)]  # Hangul L and V jamo
    + [chr(c) for c in range(0x11A8, 0x11C3)] + ["가", "각", "한"]  # T jamo, syllables
    + [chr(c) for c in range(0xFF01, 0xFF5F)] + ["\u3000", "\u00a0", "\u2460", "\u3220", "\ufb01", "\u00bd"]
    + ["\uf900", "\uf9dc", "\ufa10", "\u2f00", "\u3099", "\u309a", "か", "ハ", "ｶ", "ﾞ", "ﾟ"]  # kana voicing marks
    + list("浙江工人日报。、“”《》 \n0123") + ["\u0915", "\u093c", "\u09c7", "\u09be", "\u0b47", "\u0b3e"]
)


def _fixture_texts() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.suffix in {".txt", ".html", ".htm", ".eml"})


def test_real_pages_normalize_exactly_as_unicodedata_does() -> None:
    pages = _fixture_texts()
    assert len(pages) > 20
    for page in pages:
        text = page.read_bytes().decode("utf-8", errors="replace")
        assert nfkc(text) == unicodedata.normalize("NFKC", text), page.relative_to(FIXTURES)


@pytest.mark.parametrize("seed", range(8))
def test_random_strings_of_composing_characters_normalize_exactly_as_unicodedata_does(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(5000):
        s = "".join(rng.choice(_TRICKY) if rng.random() < 0.9 else chr(rng.randrange(0x20, 0x10000))
                    for _ in range(rng.randrange(1, 14)))
        s = "".join(c for c in s if not 0xD800 <= ord(c) <= 0xDFFF)
        assert nfkc(s) == unicodedata.normalize("NFKC", s), [hex(ord(c)) for c in s]


def test_text_that_needs_no_change_comes_back_equal() -> None:
    assert nfkc("浙江工人日报，２０２０年６月２５日。") == "浙江工人日报,2020年6月25日。"
    assert nfkc("") == ""


def test_no_canonical_pair_decomposes_beyond_the_planes_scanned_for_them() -> None:
    assert composition_parts(0x110000) == composition_parts()


def _per_character(text: str) -> str:
    return "".join(n if len(n := unicodedata.normalize("NFKC", c)) == 1 else c for c in text)


def test_the_half_width_form_is_each_characters_own_nfkc_where_that_is_one_character() -> None:
    seen = "".join(sorted({c for page in _fixture_texts() for c in page.read_bytes().decode("utf-8", "replace")}))
    assert len(seen) > 3000  # every character of every real page of the fixtures
    assert half_width(seen) == _per_character(seen)
    page = (FIXTURES / "zjgrrb-2020-06-25" / "page01.txt").read_text(encoding="utf-8")
    assert half_width(page) == _per_character(page) != page
    tricky = "".join(_TRICKY) + "\U0001d400\U0001d7ce\U0002f800\u2460\ufb01\u3000ＡＢＣ，。"
    assert half_width(tricky) == _per_character(tricky) != tricky
    assert len(half_width(tricky)) == len(tricky)


def test_no_character_beyond_the_planes_scanned_has_a_one_character_nfkc_form() -> None:
    assert not [hex(cp) for cp in range(HALF_WIDTH_END, 0x110000)
                if len(n := unicodedata.normalize("NFKC", chr(cp))) == 1 and n != chr(cp)]
