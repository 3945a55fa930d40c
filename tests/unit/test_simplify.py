"""ingest.simplify gives exactly OpenCC's t2s: on every line of the fixtures (simplified and traditional
pages), on every word of jieba's dictionary, and on the phrases t2s changes although each of their
characters alone stays (沈默 → 沉默, 反覆 → 反复)."""

from __future__ import annotations

from pathlib import Path

import jieba
import opencc

from ingest import simplify

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
T2S = opencc.OpenCC("t2s")


def test_the_filter_is_built_from_the_installed_dictionaries() -> None:
    changing = simplify._changing()
    assert changing is not None
    # Traditional characters, and the character a phrase changes although alone it stays; not the
    # characters of a simplified text.
    assert all(changing.search(c) for c in "體職醫乾沈覆")
    assert not changing.search("浙江工人日报职工医疗互助保障")


def test_every_line_of_the_fixtures_converts_as_opencc_does() -> None:
    lines = {ln for p in sorted(FIXTURES.rglob("*")) if p.is_file() and p.suffix in {".txt", ".html", ".eml"}
             for ln in p.read_bytes().decode("utf-8", errors="replace").splitlines()}
    assert len(lines) > 1000
    assert [ln for ln in lines if simplify.to_simplified(ln) != T2S.convert(ln)] == []
    assert sum(simplify._changing().search(ln) is None for ln in lines) > len(lines) / 2  # the filter skips most


def test_every_dictionary_word_converts_as_opencc_does() -> None:
    dictionary = Path(jieba.__file__).parent / "dict.txt"
    words = [ln.split(" ", 1)[0] for ln in dictionary.read_text(encoding="utf-8").splitlines()]
    assert len(words) > 300_000
    assert [w for w in words if simplify.to_simplified(w) != T2S.convert(w)] == []


def test_phrases_changed_only_as_a_whole_are_converted() -> None:
    for phrase, expected in [("沈默寡言", "沉默寡言"), ("反覆思量", "反复思量"), ("凭藉着", "凭借着"), ("么麼", "幺麽")]:
        assert simplify.to_simplified(phrase) == T2S.convert(phrase) == expected
