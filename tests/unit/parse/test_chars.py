"""The string forms of ingest.parse.chars built on str.split(): the same text as the regular expressions they
replaced, because str.split() and \\s agree on every code point."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from ingest.parse.chars import no_space, single_spaced, squash_spaces

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _fixture_lines() -> list[str]:
    lines: list[str] = []
    for p in sorted(FIXTURES.rglob("*.txt")):
        lines += p.read_text(encoding="utf-8", errors="replace").splitlines()
    return lines


def test_str_split_cuts_at_exactly_the_characters_regular_expressions_call_white_space():
    space = re.compile(r"\s")
    differ = [hex(cp) for cp in range(sys.maxunicode + 1) if not 0xD800 <= cp <= 0xDFFF
              and bool(space.fullmatch(chr(cp))) != (("a" + chr(cp) + "b").split() == ["a", "b"])]
    assert differ == []


def test_no_space_and_single_spaced_equal_their_regular_expression_forms_on_every_fixture_line():
    lines = _fixture_lines() + ["\u3000本 报 讯\t记者\u00a0 张三\n", " ", ""]
    assert len(lines) > 300
    for line in lines:
        assert no_space(line) == re.sub(r"\s+", "", line)
        assert single_spaced(line) == re.sub(r"\s+", " ", line).strip()


def test_squash_spaces_drops_spaces_beside_chinese_only():
    assert squash_spaces("  工会 在 发放 ") == "工会在发放"
    assert squash_spaces("GDP growth 6.1% 增长") == "GDP growth 6.1%增长"
    assert squash_spaces(" 没有空格的段落。\n") == "没有空格的段落。"
